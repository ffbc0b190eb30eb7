"""Webhooks end to end: SDK → live server (outbox + delivery worker) → a real receiver.

Everything runs on 127.0.0.1. The live server here has a database of its own and allows only
``127.0.0.1/32`` as a webhook destination; the retry schedule is shrunk to tenths of a second.
The receiver verifies every delivery with ``taskmaster.webhooks.verify`` and with the
``standardwebhooks`` package (an independent implementation of the same spec).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import standardwebhooks

from taskmaster import AsyncTaskMasterClient, TaskMasterClient, ValidationError, webhooks
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.webhooks import Answer, Received, Receiver, fresh_database, running_receiver

ALL_TYPES = [
    "task.created",
    "task.updated",
    "task.completed",
    "task.deleted",
    "subtask.created",
    "subtask.updated",
    "subtask.deleted",
    "project.created",
    "project.updated",
    "project.deleted",
]
PASSWORD = "correct horse battery staple"


@dataclass
class HookServer:
    live: LiveServer
    make_client: Callable[..., Any]


def delivery_settings(url: str, keys: Path) -> Settings:
    return Settings(
        database_url=url,
        db_pool_size=5,
        jwt_private_key=keys / "jwt.pem",
        rate_limit="1000000/minute",
        validate_responses=True,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        webhook_allowed_networks=("127.0.0.1/32",),
        webhook_poll_interval=0.05,
        webhook_timeout=2.0,
        webhook_max_attempts=4,
        webhook_retry_base=0.1,
        webhook_retry_max=0.3,
        webhook_disable_after=2,
    )


def _client_factory(live: LiveServer, runtime: Runtime) -> Callable[..., Any]:
    """`make_client(flavor)`: a client of a fresh user (own account) on the live server."""
    counter = iter(range(1_000_000))

    def make_client(flavor: str = "sync") -> Any:
        email = f"hooks-{next(counter)}@example.com"
        accounts.create_user(runtime.db, runtime.passwords, email=email, password=PASSWORD)
        cls = TaskMasterClient if flavor == "sync" else AsyncTaskMasterClient
        return cls(live.base_url, email=email, password=PASSWORD)

    return make_client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hook_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HookServer]:
    directory = tmp_path_factory.mktemp("hook-server")
    for url in fresh_database(request.param, directory):
        app = create_app(delivery_settings(url, directory))
        live = LiveServer(app).start()
        runtime = runtime_of(app)
        try:
            yield HookServer(live, _client_factory(live, runtime))
        finally:
            live.stop()
            runtime.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


def verified(received: Received, *secrets: str) -> Any:
    """The event, after both verifiers accepted every given secret."""
    event = None
    for secret in secrets:
        event = webhooks.verify(received.body, received.headers, secret)
        standardwebhooks.Webhook(secret).verify(received.body, received.headers)
    return event


def test_every_committed_change_reaches_each_subscriber_once(
    hook_server: HookServer, receiver: Receiver
) -> None:
    with hook_server.make_client() as client:
        hooks = [
            client.create_webhook(url=f"{receiver.url}/{name}", events=ALL_TYPES)
            for name in ("crm", "audit")
        ]
        project = client.create_project(name="Launch")
        task = client.create_task(title="Announce", project_id=project.id)
        client.update_task(task, priority="high")
        subtask = client.create_subtask(task, title="Draft the post")
        client.update_subtask(task, subtask, status="done")
        client.update_task(task, status="done")
        with pytest.raises(ValidationError):
            client.update_task(task, status="not-a-status")  # rolled back: no event
        client.delete_task(task)
        client.update_project(project, name="Launch 2")
        events = list(client.list_events())
        assert {e.type_ for e in events} >= {"task.created", "subtask.updated", "task.deleted"}
        expected = {str(e.id): e for e in events}

        def complete(received: list[Received]) -> bool:
            return all(
                {r.webhook_id for r in received if r.path == f"/{n}"} == set(expected)
                for n in ("crm", "audit")
            )

        receiver.wait_for(complete)
        for hook in hooks:
            path = "/" + hook.url.rsplit("/", 1)[1]
            mine = [r for r in receiver.received() if r.path == path]
            assert Counter(r.webhook_id for r in mine) == Counter(set(expected))
            for received in mine:
                event = verified(received, hook.secret)
                source = expected[received.webhook_id]
                assert (event.seq, event.type_) == (source.seq, source.type_)
                assert received.json() == source.to_dict()
            # The receiver answered before the worker recorded it: wait for the log to catch up.
            log = _settled_log(client, hook)
            assert sorted(str(d.event_id) for d in log) == sorted(expected)
            assert {(d.status, d.attempts, d.response_status) for d in log} == {
                ("succeeded", 1, 200)
            }


async def test_retries_keep_the_webhook_id_and_redeliver_sends_it_again(
    hook_server: HookServer, receiver: Receiver
) -> None:
    answers = iter([Answer(500), Answer(502)])
    receiver.respond = lambda _r: next(answers, Answer(200))
    async with hook_server.make_client("async") as client:
        hook = await client.create_webhook(url=receiver.url, events=["task.created"])
        await client.create_task(title="Retry me")
        receiver.wait_for(lambda r: len(r) == 3)
        assert len({r.webhook_id for r in receiver.received()}) == 1
        for received in receiver.received():
            verified(received, hook.secret)

        async def log() -> list[Any]:
            return [d async for d in client.list_webhook_deliveries(hook)]

        (delivery,) = await log()
        for _ in range(100):
            if delivery.status == "succeeded":
                break
            await _sleep(0.05)
            (delivery,) = await log()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (
            "succeeded",
            3,
            200,
        )
        queued = await client.redeliver_webhook_delivery(hook, delivery)
        assert (queued.status, queued.event_id) == ("pending", delivery.event_id)
        receiver.wait_for(lambda r: len(r) == 4)
        again = receiver.received()[-1]
        assert again.webhook_id == str(delivery.event_id)
        verified(again, hook.secret)


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def _settled_log(client: TaskMasterClient, hook: Any) -> list[Any]:
    import time

    for _ in range(200):
        log = list(client.list_webhook_deliveries(hook))
        if all(d.status != "pending" for d in log):
            return log
        time.sleep(0.05)
    raise AssertionError("deliveries still pending")


def _wait_disabled(client: TaskMasterClient, hook: Any) -> Any:
    import time

    for _ in range(300):
        current = client.get_webhook(hook)
        if not current.enabled:
            return current
        time.sleep(0.05)
    raise AssertionError("the webhook was not disabled")


def test_410_disables_the_endpoint_until_it_is_enabled_again(
    hook_server: HookServer, receiver: Receiver
) -> None:
    receiver.respond = lambda _r: Answer(410)
    with hook_server.make_client() as client:
        hook = client.create_webhook(url=receiver.url, events=["task.created"])
        client.create_task(title="One")
        assert _wait_disabled(client, hook).disabled_reason == "gone"
        client.create_task(title="Two")  # no delivery for a disabled endpoint
        assert len(list(client.list_webhook_deliveries(hook))) == 1
        receiver.respond = lambda _r: Answer(200)
        enabled = client.update_webhook(hook, enabled=True)
        assert (enabled.enabled, enabled.disabled_reason) == (True, None)
        client.create_task(title="Three")
        receiver.wait_for(lambda r: len(r) == 2)
        assert verified(receiver.received()[-1], hook.secret).data["object"]["title"] == "Three"


def test_repeated_failures_disable_the_endpoint(
    hook_server: HookServer, receiver: Receiver
) -> None:
    receiver.respond = lambda _r: Answer(500)
    with hook_server.make_client() as client:
        hook = client.create_webhook(url=receiver.url, events=["task.created"])
        client.create_task(title="One")
        client.create_task(title="Two")
        assert _wait_disabled(client, hook).disabled_reason == "failing"
        log = list(client.list_webhook_deliveries(hook, status="failed"))
        assert [(d.attempts, d.response_status) for d in log] == [(4, 500), (4, 500)]
        assert len(receiver.received()) == 8


def test_during_a_secret_rotation_both_secrets_verify(
    hook_server: HookServer, receiver: Receiver
) -> None:
    with hook_server.make_client() as client:
        hook = client.create_webhook(url=receiver.url, events=["task.created"])
        rotated = client.rotate_webhook_secret(hook)
        assert rotated.secret != hook.secret
        client.create_task(title="Rotated")
        receiver.wait_for(lambda r: len(r) == 1)
        (received,) = receiver.received()
        assert len(received.headers["webhook-signature"].split()) == 2
        event = verified(received, hook.secret, rotated.secret)
        assert event.type_ == "task.created"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost:8080/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
async def test_the_ssrf_guard_refuses_internal_urls_when_not_allowed(tm: Any, url: str) -> None:
    # `tm` talks to the shared test server, which allows no private network at all.
    with pytest.raises(ValidationError) as caught:
        await tm.create_webhook(url=url, events=["task.created"])
    assert caught.value.status_code == 422
    assert "not allowed" in str(caught.value)


def test_only_allowed_networks_are_reachable(hook_server: HookServer) -> None:
    with hook_server.make_client() as client:
        for url in ("http://127.0.0.2/hook", "http://10.0.0.5/", "http://169.254.169.254/"):
            with pytest.raises(ValidationError):
                client.create_webhook(url=url, events=["task.created"])
