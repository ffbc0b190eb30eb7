"""The event log over REST, and tickets for its WebSocket stream (events/stream.py)."""

from __future__ import annotations

import uuid

from starlette.responses import Response

from taskmaster_server.events import feed, tickets
from taskmaster_server.handlers._http import acting, json_response, runtime
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services.serialize import isotime

__all__ = ["create_event_stream_ticket", "list_events"]

INT64_MAX = 2**63 - 1  # `format: int64`; larger values cannot be a seq


def list_events(
    after: int = 0,
    types: list[str] | None = None,
    project_id: str | None = None,
    limit: int = 50,
) -> Response:
    actor = acting()
    if after > INT64_MAX:
        error = field_error("#/query/after", f"after must be at most {INT64_MAX}.", "maximum")
        raise Problem("validation-error", "after is out of range.", errors=[error])
    where = feed.EventFilter(
        frozenset(types) if types else None, uuid.UUID(project_id) if project_id else None
    )
    page = feed.list_page(runtime().db, actor.account_id, after, where, limit)
    if isinstance(page, feed.OutOfRange):
        raise Problem(
            "resync-required",
            f"Cannot continue after seq {after}: {page.reason}. Fetch the current state and "
            "continue from the latest seq.",
        )
    return json_response(page)


def create_event_stream_ticket() -> Response:
    actor = acting()
    rt = runtime()
    issued = tickets.issue(rt.db, actor.user_id, actor.account_id, rt.settings.event_ticket_ttl)
    path = f"{rt.spec.base_path}/events/ws?ticket={issued.ticket}"
    body = {"ticket": issued.ticket, "expires_at": isotime(issued.expires_at), "url": path}
    return json_response(body, 201)
