"""`taskmaster watch`: the account's events as they happen, one line each.

The SDK's `client.events.subscribe(...)` holds the WebSocket, reconnects with backoff and resumes
after the last `seq` it yielded, so a dropped connection shows no gap and no repeat here; this
command only prints.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taskmaster_api.models.event_type import EventType

from . import ids
from .complete import complete_project
from .context import connect
from .output import print_json, short_time

__all__ = ["event_line", "watch"]


def event_line(event: Any) -> str:
    """`seq  time  type  id: title` - one line per event."""
    data: dict[str, Any] = event.data.to_dict() if hasattr(event.data, "to_dict") else {}
    found = data.get("object")
    obj: dict[str, Any] = found if isinstance(found, dict) else {}
    subject = obj.get("id") or data.get("id") or ""
    title = obj.get("title") or obj.get("name") or obj.get("url") or ""
    changes = data.get("changes")
    text = f"{event.seq:>6}  {short_time(event.occurred_at)}  {event.type_!s:<17} {subject}"
    if title:
        text = f"{text}  {title}"
    if isinstance(changes, dict) and changes:
        text = f"{text}  (changed: {', '.join(sorted(changes))})"
    return text


def watch(
    ctx: typer.Context,
    types: Annotated[
        list[EventType] | None,
        typer.Option("--type", case_sensitive=False, help="Only this event type; repeatable."),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            metavar="PROJECT",
            help="Only this project (name or id).",
            autocompletion=complete_project,
        ),
    ] = None,
    after: Annotated[
        int | None,
        typer.Option(min=0, help="Replay the events after this seq first (default: from now)."),
    ] = None,
    count: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many events (for scripts).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Print live events until interrupted (Ctrl-C); reconnects and resumes by itself."""
    with connect(ctx) as client:
        client.get_me()  # a missing login fails here, not after "listening on ..."
        project = ids.project_id(client, project)
        subscription = client.events.subscribe(types=types or None, project_id=project, after=after)
        # At once, before any event, so a quiet account does not look like a hung command
        # (`stripe listen` does the same); on stderr, so `--json` output stays pure.
        which = ", ".join(str(t) for t in types) if types else "all"
        scope = f" in project {project}" if project else ""
        typer.echo(
            f"listening on {client.api_url} for {which} events{scope}... (Ctrl-C to stop)", err=True
        )
        seen = 0
        try:
            with subscription:
                for event in subscription:
                    if as_json:
                        print_json(event)
                    else:
                        typer.echo(event_line(event))
                    seen += 1
                    if count is not None and seen >= count:
                        break
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
