"""The WebSocket stream's protocol against a real uvicorn on 127.0.0.1: authentication and
its close codes, replay + live delivery with filters, resync, heartbeats and slow consumers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.models import Event
from taskmaster_server.db.types import utcnow
from taskmaster_server.events import feed
from taskmaster_server.runtime import Runtime
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser


class Api:
    """A logged-in httpx client on the live server, and the stream's URL."""

    def __init__(self, server: LiveServer, user: ServerUser) -> None:
        self.ws_url = server.api_url.replace("http://", "ws://") + "/events/ws"
        self.http = httpx.Client(base_url=server.api_url, timeout=10)
        login = self.http.post("/auth/login", json={"email": user.email, "password": user.password})
        login.raise_for_status()
        self.token = login.json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def task(self, title: str, **fields: Any) -> dict[str, Any]:
        response = self.http.post("/tasks", json={"title": title, **fields})
        response.raise_for_status()
        return dict(response.json())

    def stream(self, query: str = "", *, token: str | None = None) -> ClientConnection:
        subprotocols = ["taskmaster.v1", f"bearer.{token or self.token}"]
        return connect(f"{self.ws_url}?{query}", subprotocols=subprotocols, open_timeout=5)  # type: ignore[list-item]


def receive(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=timeout)))


def next_event(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = receive(ws)
        if message["kind"] != "heartbeat":
            return message


def close_code(ws: ClientConnection, timeout: float = 10.0) -> int | None:
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


@pytest.fixture
def api(live_server: LiveServer, make_user: Callable[..., ServerUser]) -> Iterator[Api]:
    client = Api(live_server, make_user())
    yield client
    client.http.close()


def test_unauthenticated_connections_are_closed_with_4401(api: Api) -> None:
    with connect(api.ws_url, subprotocols=["taskmaster.v1"], open_timeout=5) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "taskmaster.v1"
        assert close_code(ws) == 4401
    with api.stream(token="not-a-jwt") as ws:
        assert close_code(ws) == 4401
    with connect(f"{api.ws_url}?ticket=tk_unknown", open_timeout=5) as ws:
        assert close_code(ws) == 4401


def test_a_ticket_opens_one_connection(api: Api) -> None:
    ticket = api.http.post("/events/ticket").json()
    url = api.ws_url.rsplit("/api/v1", 1)[0] + ticket["url"]
    created = api.task("via ticket")
    with connect(url + "&last_seq=0", open_timeout=5) as ws:
        message = next_event(ws)
        assert message["event"]["data"]["object"]["id"] == created["id"]
    with connect(url, open_timeout=5) as ws:
        assert close_code(ws) == 4401


def test_replay_then_live_in_order_with_filters(api: Api) -> None:
    project = api.http.post("/projects", json={"name": "Stream"}).json()  # seq 1
    first = api.task("replayed", project_id=project["id"])  # seq 2
    api.task("other project")  # seq 3
    query = f"last_seq=0&types=task.created,task.completed&project_id={project['id']}"
    with api.stream(query) as ws:
        replayed = next_event(ws)
        assert (replayed["kind"], replayed["event"]["seq"]) == ("event", 2)
        assert replayed["event"]["data"]["object"]["id"] == first["id"]
        api.http.patch(f"/tasks/{first['id']}", json={"status": "done"})  # 4 updated, 5 completed
        api.task("elsewhere")  # 6
        live = api.task("live", project_id=project["id"])  # 7
        got = [next_event(ws)["event"] for _ in range(2)]
        assert [(e["seq"], e["type"]) for e in got] == [(5, "task.completed"), (7, "task.created")]
        assert got[1]["data"]["object"]["id"] == live["id"]
    with api.stream() as ws:  # no last_seq: only what commits from now on
        api.task("after connect")  # 8
        assert next_event(ws)["event"]["seq"] == 8


def test_foreign_project_and_bad_parameters_are_refused(
    api: Api, live_server: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    other = Api(live_server, make_user())
    foreign = other.http.post("/projects", json={"name": "Theirs"}).json()
    other.http.close()
    with api.stream(f"project_id={foreign['id']}") as ws:
        assert close_code(ws) == 4403
    with api.stream("types=task.exploded") as ws:
        assert close_code(ws) == 1008


def test_resync_required_when_retention_cut_the_log(api: Api, server_runtime: Runtime) -> None:
    api.task("a")
    created = api.task("b")
    account = uuid.UUID(created["account_id"]) if "account_id" in created else None
    claims = server_runtime.tokens.verify(api.token)
    account = account or claims.account_id
    with server_runtime.db.write() as session:
        session.execute(
            update(Event)
            .where(Event.account_id == account, Event.seq == 1)
            .values(occurred_at=utcnow() - timedelta(days=30))
        )
    feed.purge_expired(server_runtime.db, 7 * 24 * 3600)
    with api.stream("last_seq=0") as ws:
        assert receive(ws) == {"kind": "resync_required", "oldest_seq": 2, "latest_seq": 2}
        assert close_code(ws) == 4410
    with api.stream("last_seq=1") as ws:
        assert next_event(ws)["event"]["seq"] == 2


def test_resync_required_when_last_seq_is_beyond_the_log(api: Api) -> None:
    """A restored database or a reset counter: the client's seq was never handed out here."""
    api.task("a")
    with api.stream("last_seq=2") as ws:
        assert receive(ws) == {"kind": "resync_required", "oldest_seq": 1, "latest_seq": 1}
        assert close_code(ws) == 4410
    with api.stream("last_seq=1") as ws:  # the latest seq itself is a valid cursor
        api.task("b")
        assert next_event(ws)["event"]["seq"] == 2


@pytest.fixture
def strict_server(server_settings: Settings) -> Iterator[LiveServer]:
    """A server that sends a heartbeat every 0.3 s."""
    settings = server_settings.with_changes(event_heartbeat_interval=0.3)
    app = create_app(settings)
    server = LiveServer(app).start()
    yield server
    server.stop()
    runtime_of(app).close()


def test_heartbeats_carry_the_latest_seq(
    strict_server: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    api = Api(strict_server, make_user())
    api.task("one")
    with api.stream() as ws:
        assert receive(ws) == {"kind": "heartbeat", "seq": 1}  # the first frame
        api.task("two")
        assert next_event(ws)["event"]["seq"] == 2
        assert receive(ws) == {"kind": "heartbeat", "seq": 2}  # 0.3 s later
    api.http.close()


def test_the_first_frame_states_where_the_stream_starts(api: Api) -> None:
    """Before any event or periodic heartbeat (15 s here), the client has its resume point."""
    api.task("one")
    api.task("two")
    with api.stream() as ws:  # no last_seq: starts at the head
        assert receive(ws, timeout=2) == {"kind": "heartbeat", "seq": 2}
    with api.stream("last_seq=1") as ws:  # the seq it resumes after, then the replay
        assert receive(ws, timeout=2) == {"kind": "heartbeat", "seq": 1}
        assert receive(ws, timeout=2)["event"]["seq"] == 2
    assert api.http.get("/events/head").json() == {"latest_seq": 2, "oldest_seq": 1}
