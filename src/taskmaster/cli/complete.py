"""Shell completion of ids and names: `taskmaster tasks show <TAB>` offers the account's tasks.

Choices (statuses, priorities, formats) complete through click already. Ids need the server: a
completion lists at most one page (100 objects) with the saved session, a 2 s timeout and no
retries, and offers nothing when anything fails (no session, no server): a shell must never hang
or print a traceback on TAB.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .context import CliState, default_config_dir, make_client

if TYPE_CHECKING:
    from .._client import TaskMasterClient

__all__ = ["complete_project", "complete_task_id", "complete_webhook_id"]

PAGE = 100
Items = list[tuple[str, str]]


def _offer(ctx: Any, listing: Callable[[TaskMasterClient], Iterable[tuple[str, str]]]) -> Items:
    with suppress(Exception):
        params = ctx.find_root().params
        state = CliState(
            api_url=params.get("api_url") or os.environ.get("TASKMASTER_API_URL"),
            config_dir=Path(params.get("config_dir") or default_config_dir()),
            debug=False,
        )
        url = state.resolve_api_url()
        if state.token_store.load(url) is None:
            return []
        with make_client(state, url, timeout=2.0, max_retries=0, verify_tokens=False) as client:
            return list(islice(listing(client), PAGE * 2))
    return []


def complete_task_id(ctx: Any, incomplete: str) -> Items:
    def tasks(client: TaskMasterClient) -> Iterable[tuple[str, str]]:
        for task in client.list_tasks(limit=PAGE).data:
            if str(task.id).startswith(incomplete.lower()):
                yield str(task.id), str(task.title)

    return _offer(ctx, tasks)


def complete_project(ctx: Any, incomplete: str) -> Items:
    """Names first (what people type), then ids."""

    def projects(client: TaskMasterClient) -> Iterable[tuple[str, str]]:
        found = client.list_projects(limit=PAGE).data
        for project in found:
            if str(project.name).casefold().startswith(incomplete.casefold()):
                yield str(project.name), str(project.id)
        for project in found:
            if str(project.id).startswith(incomplete.lower()):
                yield str(project.id), str(project.name)

    return _offer(ctx, projects)


def complete_webhook_id(ctx: Any, incomplete: str) -> Items:
    def webhooks(client: TaskMasterClient) -> Iterable[tuple[str, str]]:
        for webhook in client.list_webhooks(limit=PAGE).data:
            if str(webhook.id).startswith(incomplete.lower()):
                yield str(webhook.id), str(webhook.url)

    return _offer(ctx, webhooks)
