"""Ids as people type them: a whole UUID, or any unique prefix of one (`e6c96929`), as git does;
a project also by its name (`--project "ERP import"`).

The API has no search by id prefix, so a prefix is resolved by listing the ids it could name
(the account's tasks, projects or webhooks; a webhook's deliveries), page by page, stopping at
`SCAN_LIMIT` objects. Two matches are an error that shows both; none is "not found".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from .errors import CliError, ExitCode

if TYPE_CHECKING:
    from .._client import TaskMasterClient

__all__ = [
    "MIN_PREFIX",
    "SCAN_LIMIT",
    "delivery_id",
    "project_id",
    "project_names",
    "resolve",
    "resolve_project",
    "task_id",
    "webhook_id",
]

MIN_PREFIX = 4
SCAN_LIMIT = 10_000
PAGE = 100
_PREFIX = re.compile(r"^[0-9a-f][0-9a-f-]*$")


def _full(value: str) -> str | None:
    """`value` as a canonical UUID string when it is a whole one."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def resolve(
    kind: str,
    value: str,
    objects: Callable[[], Iterable[Any]],
    label: Callable[[Any], str] = lambda obj: "",
    where: str = "in this account",
) -> str:
    """The one id of `objects()` that `value` is or starts; CliError otherwise."""
    whole = _full(value)
    if whole is not None:
        return whole
    prefix = value.strip().lower()
    if not _PREFIX.match(prefix) or len(prefix.replace("-", "")) < MIN_PREFIX:
        raise CliError(
            f"{value!r} is not a {kind} id: give the UUID or its first characters "
            f"(at least {MIN_PREFIX} hex digits, e.g. e6c96929)",
            ExitCode.INVALID,
        )
    matches: list[Any] = []
    scanned = 0
    for obj in objects():
        scanned += 1
        if str(obj.id).startswith(prefix):
            matches.append(obj)
            if len(matches) > 3:
                break
        if scanned >= SCAN_LIMIT:
            break
    if len(matches) == 1:
        return str(matches[0].id)
    if matches:
        shown = ", ".join(_described(obj, label) for obj in matches[:3])
        more = ", ..." if len(matches) > 3 else ""
        raise CliError(
            f"{kind} id prefix {value!r} is ambiguous: {shown}{more}; give more characters",
            ExitCode.INVALID,
        )
    limit = f" (looked at the first {SCAN_LIMIT})" if scanned >= SCAN_LIMIT else ""
    raise CliError(f"no {kind} id starts with {value!r} {where}{limit}", ExitCode.NOT_FOUND)


def _described(obj: Any, label: Callable[[Any], str]) -> str:
    text = label(obj)
    return f"{obj.id} ({text})" if text else str(obj.id)


def task_id(client: TaskMasterClient, value: str) -> str:
    return resolve(
        "task", value, lambda: client.list_tasks(limit=PAGE), lambda t: str(t.title)[:30]
    )


def resolve_project(client: TaskMasterClient, value: str) -> str:
    """A project's id from its id, an id prefix, or its name (exact, else ignoring case)."""
    whole = _full(value)
    if whole is not None:
        return whole
    projects = list(islice(client.list_projects(limit=PAGE), SCAN_LIMIT))
    named = [p for p in projects if p.name == value] or [
        p for p in projects if str(p.name).casefold() == value.strip().casefold()
    ]
    if len(named) == 1:
        return str(named[0].id)
    if named:
        shown = ", ".join(str(p.id) for p in named[:3])
        raise CliError(
            f"{len(named)} projects are named {value!r} ({shown}): give the id", ExitCode.INVALID
        )
    if not _PREFIX.match(value.strip().lower()):
        raise CliError(f"no project is named {value!r} in this account", ExitCode.NOT_FOUND)
    return resolve("project", value, lambda: projects, lambda p: str(p.name)[:30])


def project_names(client: TaskMasterClient) -> dict[str, str]:
    """Every project's name by its id, for tables that show names instead of ids."""
    return {str(p.id): str(p.name) for p in islice(client.list_projects(limit=PAGE), SCAN_LIMIT)}


def project_id(client: TaskMasterClient, value: str | None) -> str | None:
    """An optional `--project` option's id."""
    return None if value is None else resolve_project(client, value)


def webhook_id(client: TaskMasterClient, value: str) -> str:
    return resolve(
        "webhook", value, lambda: client.list_webhooks(limit=PAGE), lambda w: str(w.url)[:40]
    )


def delivery_id(client: TaskMasterClient, webhook: str, value: str) -> str:
    return resolve(
        "delivery",
        value,
        lambda: client.list_webhook_deliveries(webhook, limit=PAGE),
        lambda d: str(d.event_type),
        where="for this webhook",
    )
