"""The event log over REST, and tickets for its WebSocket stream (events/stream.py)."""

from __future__ import annotations

import uuid

from starlette.responses import Response

from taskmaster_server.events import feed, tickets
from taskmaster_server.handlers._http import acting, json_response, runtime
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services.serialize import isotime

__all__ = ["create_event_stream_ticket", "get_event_head", "list_events"]

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
            f"continue from the latest seq ({page.latest}).",
            extensions={"latest_seq": page.latest, "oldest_seq": page.oldest},
        )
    return json_response(page)


def get_event_head() -> Response:
    actor = acting()
    latest, oldest = feed.head(runtime().db, actor.account_id)
    return json_response({"latest_seq": latest, "oldest_seq": oldest})


def create_event_stream_ticket() -> Response:
    actor = acting()
    rt = runtime()
    issued = tickets.issue(rt.db, actor.user_id, actor.account_id, rt.settings.event_ticket_ttl)
    path = f"{rt.spec.base_path}/events/ws?ticket={issued.ticket}"
    body = {"ticket": issued.ticket, "expires_at": isotime(issued.expires_at), "url": path}
    return json_response(body, 201)
