"""The delivery worker against a real receiver on 127.0.0.1, on SQLite and PostgreSQL.

Events and deliveries are written the way the outbox writes them (``enqueue_deliveries`` in the
event's transaction); the worker is driven step by step (``run_once`` + ``drain``) so every
test is deterministic and fast. The e2e suite runs the same worker inside a live server.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import standardwebhooks
from sqlalchemy import func, select, update

from taskmaster import webhooks as sdk_webhooks
from taskmaster_server.db.models import Account, Event, Webhook, WebhookDelivery
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.services.transaction import write
from taskmaster_server.settings import Settings
from taskmaster_server.webhooks import store
from taskmaster_server.webhooks.dispatch import enqueue_deliveries
from taskmaster_server.webhooks.sender import RESPONSE_CAP
from taskmaster_server.webhooks.ssrf import UrlPolicy
from taskmaster_server.webhooks.worker import DeliveryWorker
from tests.fixtures.webhooks import Answer, Received, Receiver, fresh_database, running_receiver

LOCAL = UrlPolicy(allowed_networks=["127.0.0.1/32"])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    for url in fresh_database(request.param, tmp_path_factory.mktemp("deliveries")):
        database = Database(url, pool_size=5)
        yield database
        database.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(
        database_url=db.url.render_as_string(hide_password=False),
        webhook_timeout=1.0,
        webhook_lease=10.0,
        webhook_max_attempts=3,
        webhook_retry_base=0.05,
        webhook_retry_max=0.1,
        webhook_disable_after=2,
    )


@pytest.fixture(autouse=True)
def _no_leftovers(db: Database) -> Iterator[None]:
    """Each test sees only its own due deliveries (the module shares one database)."""
    yield
    with db.write() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
            .values(status="failed", next_attempt_at=None)
        )


def _secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def make_hook(db: Database, url: str, **fields: Any) -> Webhook:
    now = utcnow()
    with db.write() as session:
        account = Account(id=uuid.uuid4(), name="hooks", created_at=now)
        session.add(account)
        session.flush()
        hook = Webhook(
            id=uuid.uuid4(),
            account_id=account.id,
            url=url,
            events=["task.created", "task.updated"],
            enabled=True,
            secret=fields.pop("secret", None) or _secret(),
            created_at=now,
            updated_at=now,
            **fields,
        )
        session.add(hook)
    return hook


def emit(
    db: Database, account_id: uuid.UUID, count: int = 1, type_: str = "task.created"
) -> list[Event]:
    """Write events and their deliveries in one transaction, as the outbox does."""
    with db.write() as session:
        last = session.scalar(select(func.max(Event.seq)).where(Event.account_id == account_id))
        events = [
            Event(
                id=uuid.uuid4(),
                account_id=account_id,
                seq=(last or 0) + n + 1,
                type=type_,
                project_id=uuid.uuid4(),
                occurred_at=utcnow(),
                data={"object": {"id": str(uuid.uuid4()), "title": f"task {n}"}},
            )
            for n in range(count)
        ]
        session.add_all(events)
        session.flush()
        enqueue_deliveries(session, events)
    return events


def deliveries(db: Database, hook: Webhook) -> list[WebhookDelivery]:
    with db.read() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
        return list(session.scalars(query.order_by(WebhookDelivery.created_at)))


def hook_row(db: Database, hook: Webhook) -> Webhook:
    with db.read() as session:
        row = session.get(Webhook, hook.id)
        assert row is not None
        return row


async def pump(worker: DeliveryWorker, done: Callable[[], bool], rounds: int = 200) -> None:
    """Run the worker until ``done()`` (bounded: retries here wait at most 0.12 s)."""
    import asyncio

    for _ in range(rounds):
        await worker.run_once()
        await worker.drain()
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the worker did not get there")


@pytest.fixture
async def make_worker(db: Database, settings: Settings) -> Any:
    workers: list[DeliveryWorker] = []

    def make(policy: UrlPolicy = LOCAL, **changes: Any) -> DeliveryWorker:
        worker = DeliveryWorker(db, settings.with_changes(**changes), policy)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        await worker.stop()


Make = Callable[..., DeliveryWorker]


def verify_both(received: Received, *secrets_: str) -> dict[str, Any]:
    """Verify with our SDK and with the standardwebhooks package, for each secret."""
    event: dict[str, Any] = {}
    for secret in secrets_:
        sdk_webhooks.verify(received.body, received.headers, secret)
        event = standardwebhooks.Webhook(secret).verify(received.body, received.headers)
    return event


async def test_a_delivery_is_signed_and_carries_the_event_envelope(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    hook = make_hook(db, receiver.url + "/hook")
    (event,) = emit(db, hook.account_id)
    worker = make_worker()
    await pump(worker, lambda: deliveries(db, hook)[0].status == "succeeded")
    (received,) = receiver.received()
    assert received.path == "/hook"
    assert received.webhook_id == str(event.id)
    assert received.headers["content-type"] == "application/json"
    assert len(received.headers["webhook-signature"].split()) == 1
    body = verify_both(received, hook.secret)
    assert body == {
        "id": str(event.id),
        "seq": event.seq,
        "type": "task.created",
        "account_id": str(hook.account_id),
        "project_id": str(event.project_id),
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }
    (row,) = deliveries(db, hook)
    assert (row.status, row.attempts, row.response_status) == ("succeeded", 1, 200)
    assert row.duration_ms is not None
    assert row.next_attempt_at is None
    assert row.claimed_until is None
    assert row.claim_token is None


async def test_only_subscribed_types_of_enabled_hooks_are_queued(
    db: Database, receiver: Receiver
) -> None:
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id, type_="project.deleted")
    assert deliveries(db, hook) == []
    with db.write() as session:
        session.execute(update(Webhook).where(Webhook.id == hook.id).values(enabled=False))
    emit(db, hook.account_id)
    assert deliveries(db, hook) == []


def test_a_write_queues_deliveries_only_for_accounts_with_an_enabled_hook(
    db: Database, receiver: Receiver
) -> None:
    # The outbox learns whether an account has hooks from its seq reservation and skips the
    # webhook lookup for the others: each account's answer must be its own and current.
    hooked, disabled = make_hook(db, receiver.url), make_hook(db, receiver.url)
    with db.write() as session:
        session.execute(update(Webhook).where(Webhook.id == disabled.id).values(enabled=False))

    def write_events() -> None:
        with write(db) as tx:
            for account_id in (hooked.account_id, disabled.account_id):
                tx.emit("task.created", account_id, None, {"object": {"id": "x"}})

    write_events()
    assert [d.account_id for d in deliveries(db, hooked)] == [hooked.account_id]
    assert deliveries(db, disabled) == []
    with db.write() as session:
        session.execute(update(Webhook).where(Webhook.id == disabled.id).values(enabled=True))
    write_events()
    assert len(deliveries(db, hooked)) == 2
    assert [d.account_id for d in deliveries(db, disabled)] == [disabled.account_id]


async def test_a_failing_receiver_is_retried_with_the_same_webhook_id(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    answers = iter([Answer(500, body=b"database down"), Answer(503)])
    receiver.respond = lambda _r: next(answers, Answer(200))
    hook = make_hook(db, receiver.url)
    (event,) = emit(db, hook.account_id)
    worker = make_worker()
    await worker.run_once()
    await worker.drain()
    (row,) = deliveries(db, hook)
    # The failure and the next attempt's time are persisted before the retry happens.
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, 500)
    assert row.last_error == "HTTP 500: database down"
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > row.created_at
    await pump(worker, lambda: deliveries(db, hook)[0].status == "succeeded")
    received = receiver.received()
    assert [r.webhook_id for r in received] == [str(event.id)] * 3
    for attempt in received:
        verify_both(attempt, hook.secret)
    (row,) = deliveries(db, hook)
    assert (row.attempts, row.response_status, row.last_error) == (3, 200, None)


async def test_410_disables_the_endpoint_and_ends_its_queue(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    receiver.respond = lambda _r: Answer(410)
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id, count=3)
    worker = make_worker(webhook_batch_size=1)
    await pump(worker, lambda: not hook_row(db, hook).enabled)
    assert hook_row(db, hook).disabled_reason == "gone"
    rows = deliveries(db, hook)
    assert {r.status for r in rows} == {"failed"}
    assert len(receiver.received()) == 1
    assert sorted(r.last_error or "" for r in rows)[0] == "HTTP 410: ok"


async def test_repeated_failed_deliveries_disable_the_endpoint(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    receiver.respond = lambda _r: Answer(500)
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id, count=2)
    worker = make_worker(webhook_max_attempts=2, webhook_disable_after=2)
    await pump(worker, lambda: not hook_row(db, hook).enabled)
    row = hook_row(db, hook)
    assert (row.disabled_reason, row.consecutive_failures) == ("failing", 2)
    assert [(d.status, d.attempts) for d in deliveries(db, hook)] == [("failed", 2)] * 2
    assert len(receiver.received()) == 4


async def test_a_success_resets_the_failure_streak(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    answers = iter([Answer(500)])
    receiver.respond = lambda _r: next(answers, Answer(204))
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id)
    worker = make_worker(webhook_max_attempts=1, webhook_disable_after=2)
    await pump(worker, lambda: deliveries(db, hook)[0].status == "failed")
    assert hook_row(db, hook).consecutive_failures == 1
    emit(db, hook.account_id)
    await pump(worker, lambda: deliveries(db, hook)[1].status == "succeeded")
    assert (hook_row(db, hook).consecutive_failures, hook_row(db, hook).enabled) == (0, True)


async def test_redirects_are_not_followed(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    receiver.respond = lambda r: Answer(302, headers={"Location": "/elsewhere"})
    hook = make_hook(db, receiver.url + "/hook")
    emit(db, hook.account_id)
    worker = make_worker(webhook_max_attempts=1)
    await pump(worker, lambda: deliveries(db, hook)[0].status == "failed")
    assert [r.path for r in receiver.received()] == ["/hook"]
    (row,) = deliveries(db, hook)
    assert row.response_status == 302
    assert row.last_error is not None
    assert row.last_error.startswith("redirect not followed")


async def test_slow_receivers_time_out_and_big_answers_are_capped(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    receiver.respond = lambda r: (
        Answer(200, delay=2.0) if r.path == "/slow" else Answer(200, body=b"x" * (8 * RESPONSE_CAP))
    )
    slow = make_hook(db, receiver.url + "/slow")
    big = make_hook(db, receiver.url + "/big")
    emit(db, slow.account_id)
    emit(db, big.account_id)
    worker = make_worker(webhook_max_attempts=1, webhook_timeout=0.5)
    await pump(worker, lambda: deliveries(db, slow)[0].status == "failed")
    (row,) = deliveries(db, slow)
    assert row.last_error == "timed out after 0.5 s"
    assert row.duration_ms is not None
    assert 400 <= row.duration_ms < 1500
    assert deliveries(db, big)[0].status == "succeeded"


async def test_during_a_rotation_both_secrets_sign(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    old, new = _secret(), _secret()
    rotating = make_hook(
        db,
        receiver.url + "/rotating",
        secret=new,
        previous_secret=old,
        previous_secret_expires_at=utcnow() + timedelta(hours=1),
    )
    expired = make_hook(
        db,
        receiver.url + "/expired",
        secret=new,
        previous_secret=old,
        previous_secret_expires_at=utcnow() - timedelta(seconds=1),
    )
    emit(db, rotating.account_id)
    emit(db, expired.account_id)
    worker = make_worker()
    await pump(worker, lambda: len(receiver.received()) == 2)
    by_path = {r.path: r for r in receiver.received()}
    assert len(by_path["/rotating"].headers["webhook-signature"].split()) == 2
    verify_both(by_path["/rotating"], old, new)
    assert len(by_path["/expired"].headers["webhook-signature"].split()) == 1
    verify_both(by_path["/expired"], new)
    with pytest.raises(sdk_webhooks.WebhookVerificationError):
        sdk_webhooks.verify(by_path["/expired"].body, by_path["/expired"].headers, old)


async def test_the_address_is_checked_again_before_sending(
    db: Database, receiver: Receiver, make_worker: Make
) -> None:
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id)
    worker = make_worker(policy=UrlPolicy(), webhook_max_attempts=1)
    await pump(worker, lambda: deliveries(db, hook)[0].status == "failed")
    assert receiver.received() == []
    (row,) = deliveries(db, hook)
    assert row.last_error is not None
    assert "127.0.0.1 is not a public address" in row.last_error


async def test_an_expired_lease_is_claimed_again_and_a_stale_result_is_dropped(
    db: Database, receiver: Receiver, settings: Settings
) -> None:
    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id)
    (first,) = store.claim(db, utcnow(), 50, lease=0.0)
    # The first claimer "died": its lease (0 s) is over, so another claims the delivery.
    (second,) = store.claim(db, utcnow() + timedelta(milliseconds=5), 50, lease=30.0)
    assert (second.delivery_id, second.event_id) == (first.delivery_id, first.event_id)
    assert second.claim_token != first.claim_token
    assert store.claim(db, utcnow(), 50, lease=30.0) == []
    ok = store.Outcome(200, None, 5)
    assert store.record(db, first, ok, utcnow(), settings) == "lost"
    assert store.record(db, second, ok, utcnow(), settings) == "succeeded"
    (row,) = deliveries(db, hook)
    assert (row.status, row.attempts) == ("succeeded", 2)


def test_the_retry_schedule_grows_exponentially_with_jitter() -> None:
    settings = Settings(webhook_retry_base=10.0, webhook_retry_max=100.0)
    for attempts, nominal in [(1, 10.0), (2, 20.0), (3, 40.0), (4, 80.0), (5, 100.0), (40, 100.0)]:
        delays = {store.retry_delay(attempts, settings) for _ in range(20)}
        assert all(0.8 * nominal <= d <= 1.2 * nominal for d in delays)
        assert len(delays) > 1


async def test_the_worker_loop_runs_in_the_background(
    db: Database, receiver: Receiver, settings: Settings
) -> None:
    import asyncio

    hook = make_hook(db, receiver.url)
    emit(db, hook.account_id, count=5)
    worker = DeliveryWorker(db, settings.with_changes(webhook_poll_interval=0.05), LOCAL)
    worker.start()
    try:
        for _ in range(200):
            if len(receiver.received()) == 5:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    assert len({r.webhook_id for r in receiver.received()}) == 5
