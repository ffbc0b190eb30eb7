"""`taskmaster webhooks ...`: list, add, show, rm, deliveries, redeliver."""

from __future__ import annotations

from typing import Annotated

import typer

from . import ids
from .complete import complete_webhook_id
from .context import connect
from .help import Command
from .layout import Col
from .output import (
    AsCsv,
    AsJson,
    FormatOpt,
    chosen_format,
    print_detail,
    print_json,
    print_rows,
    short_time,
)
from .suggest import SuggestingGroup

__all__ = ["app"]

app = typer.Typer(
    help="Webhook subscriptions: list, add, show, rm, deliveries, redeliver.",
    no_args_is_help=True,
    cls=SuggestingGroup,
)

WEBHOOK_COLUMNS = (
    Col("id", lambda w: w.id, width=36, short_id=True),
    Col("url", lambda w: w.url),
    Col("events", lambda w: w.events, width=30, drop=2),
    Col("enabled", lambda w: "yes" if w.enabled else f"no ({w.disabled_reason})", width=20, drop=3),
    Col("description", lambda w: w.description, drop=1),
)
DELIVERY_COLUMNS = (
    Col("id", lambda d: d.id, width=36, short_id=True),
    Col("event", lambda d: d.event_type, width=17),
    Col("status", lambda d: d.status, width=9),
    Col("attempts", lambda d: d.attempts, width=8, drop=3),
    Col("response", lambda d: d.response_status, width=8, drop=2),
    Col("error", lambda d: d.last_error, drop=1),
    Col("created", lambda d: short_time(d.created_at), width=16, drop=4),
)

WebhookId = Annotated[
    str,
    typer.Argument(
        help="The webhook's id, or its first characters.", autocompletion=complete_webhook_id
    ),
]


@app.command("list", cls=Command)
def list_webhooks(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    output_format: FormatOpt = None,
) -> None:
    """List the account's webhook subscriptions."""
    fmt = chosen_format(as_json, as_csv, output_format)
    with connect(ctx) as client:
        pages = (page.data for page in client.list_webhooks(limit=100).iter_pages())
        print_rows(pages, fmt, WEBHOOK_COLUMNS, title="Webhooks")


@app.command("add", cls=Command)
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The endpoint, an absolute http(s) URL.")],
    events: Annotated[
        list[str],
        typer.Option("--event", help="An event type (task.created, ...); repeat for several."),
    ],
    description: Annotated[str | None, typer.Option(help="What the endpoint is for.")] = None,
    disabled: Annotated[
        bool, typer.Option("--disabled", help="Create it disabled (no deliveries yet).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Subscribe an endpoint to events. The signing secret is printed this once."""
    with connect(ctx) as client:
        webhook = client.create_webhook(
            url=url, events=events, description=description, enabled=not disabled
        )
    if as_json:
        print_json(webhook)
        return
    typer.echo(f"Created webhook {webhook.id} for {webhook.url}")
    typer.echo(f"Signing secret (shown only now, store it): {webhook.secret}")


@app.command("show", cls=Command)
def show(ctx: typer.Context, webhook_id: WebhookId, as_json: AsJson = False) -> None:
    """Show one subscription (its secret is never shown again)."""
    with connect(ctx) as client:
        webhook = client.get_webhook(ids.webhook_id(client, webhook_id))
    if as_json:
        print_json(webhook)
        return
    fields = [(c.name, c.get(webhook)) for c in WEBHOOK_COLUMNS]
    print_detail(webhook.url, [*fields, ("created", short_time(webhook.created_at))])


@app.command("rm", cls=Command)
def rm(
    ctx: typer.Context,
    webhook_id: WebhookId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a subscription; its pending deliveries are dropped."""
    if not yes:
        typer.confirm("Delete the webhook?", abort=True)
    with connect(ctx) as client:
        whole = ids.webhook_id(client, webhook_id)
        client.delete_webhook(whole)
    typer.echo(f"Deleted webhook {whole}.")


@app.command("deliveries", cls=Command)
def deliveries(
    ctx: typer.Context,
    webhook_id: WebhookId,
    status: Annotated[
        str | None, typer.Option(help="Only pending, succeeded or failed deliveries.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Deliveries per page.")] = 50,
    all_pages: Annotated[bool, typer.Option("--all", help="Every delivery, page by page.")] = False,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    output_format: FormatOpt = None,
) -> None:
    """A subscription's delivery log, newest first."""
    fmt = chosen_format(as_json, as_csv, output_format)
    with connect(ctx) as client:
        whole = ids.webhook_id(client, webhook_id)
        pager = client.list_webhook_deliveries(whole, status=status, limit=limit)
        pages = (page.data for page in pager.iter_pages()) if all_pages else [pager.data]
        print_rows(pages, fmt, DELIVERY_COLUMNS, title="Deliveries")


@app.command("redeliver", cls=Command)
def redeliver(
    ctx: typer.Context,
    webhook_id: WebhookId,
    delivery_id: Annotated[str, typer.Argument(help="The delivery to send again.")],
    as_json: AsJson = False,
) -> None:
    """Queue a delivery's event again (same webhook-id, so receivers can deduplicate)."""
    with connect(ctx) as client:
        webhook = ids.webhook_id(client, webhook_id)
        delivery = client.redeliver_webhook_delivery(
            webhook, ids.delivery_id(client, webhook, delivery_id)
        )
    if as_json:
        print_json(delivery)
    else:
        typer.echo(f"Queued delivery {delivery.id} ({delivery.event_type}): {delivery.status}")
