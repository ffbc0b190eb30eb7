"""`taskmaster webhooks ...`: list, add, show, rm, deliveries, redeliver."""

from __future__ import annotations

from typing import Annotated

import typer

from .context import connect
from .output import chosen_format, print_detail, print_json, print_rows, short_time

__all__ = ["app"]

app = typer.Typer(
    help="Webhook subscriptions: list, add, show, rm, deliveries, redeliver.",
    no_args_is_help=True,
)

WEBHOOK_COLUMNS = (
    ("id", lambda w: w.id),
    ("url", lambda w: w.url),
    ("events", lambda w: w.events),
    ("enabled", lambda w: "yes" if w.enabled else f"no ({w.disabled_reason})"),
    ("description", lambda w: w.description),
)
DELIVERY_COLUMNS = (
    ("id", lambda d: d.id),
    ("event", lambda d: d.event_type),
    ("status", lambda d: d.status),
    ("attempts", lambda d: d.attempts),
    ("response", lambda d: d.response_status),
    ("error", lambda d: d.last_error),
    ("created", lambda d: short_time(d.created_at)),
)

WebhookId = Annotated[str, typer.Argument(help="The webhook's id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (JSON Lines for lists).")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


@app.command("list")
def list_webhooks(ctx: typer.Context, as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """List the account's webhook subscriptions."""
    fmt = chosen_format(as_json, as_csv)
    with connect(ctx) as client:
        pages = (page.data for page in client.list_webhooks(limit=100).iter_pages())
        print_rows(pages, fmt, WEBHOOK_COLUMNS, title="Webhooks")


@app.command("add")
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


@app.command("show")
def show(ctx: typer.Context, webhook_id: WebhookId, as_json: AsJson = False) -> None:
    """Show one subscription (its secret is never shown again)."""
    with connect(ctx) as client:
        webhook = client.get_webhook(webhook_id)
    if as_json:
        print_json(webhook)
        return
    fields = [(name, get(webhook)) for name, get in WEBHOOK_COLUMNS]
    print_detail(webhook.url, [*fields, ("created", short_time(webhook.created_at))])


@app.command("rm")
def rm(
    ctx: typer.Context,
    webhook_id: WebhookId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a subscription; its pending deliveries are dropped."""
    if not yes:
        typer.confirm("Delete the webhook?", abort=True)
    with connect(ctx) as client:
        client.delete_webhook(webhook_id)
    typer.echo(f"Deleted webhook {webhook_id}.")


@app.command("deliveries")
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
) -> None:
    """A subscription's delivery log, newest first."""
    fmt = chosen_format(as_json, as_csv)
    with connect(ctx) as client:
        pager = client.list_webhook_deliveries(webhook_id, status=status, limit=limit)
        pages = (page.data for page in pager.iter_pages()) if all_pages else [pager.data]
        print_rows(pages, fmt, DELIVERY_COLUMNS, title="Deliveries")


@app.command("redeliver")
def redeliver(
    ctx: typer.Context,
    webhook_id: WebhookId,
    delivery_id: Annotated[str, typer.Argument(help="The delivery to send again.")],
    as_json: AsJson = False,
) -> None:
    """Queue a delivery's event again (same webhook-id, so receivers can deduplicate)."""
    with connect(ctx) as client:
        delivery = client.redeliver_webhook_delivery(webhook_id, delivery_id)
    if as_json:
        print_json(delivery)
    else:
        typer.echo(f"Queued delivery {delivery.id} ({delivery.event_type}): {delivery.status}")
