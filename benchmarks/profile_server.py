"""Where one request's server time goes: cProfile over the app in process, no network.

    .venv/bin/python benchmarks/profile_server.py [--operation get|list|post|patch|batch]
        [--count 300] [--database-url URL] [--top 40]

Builds the app with production settings (INFO logging to /dev/null, response validation off),
seeds one account, then calls the ASGI app directly ``--count`` times and prints the top of the
profile by cumulative and by own time. SQLite in a temporary file unless ``--database-url``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


from server import EMAIL, PASSWORD, Call, operations, seed
from taskmaster_server import dispatch
from taskmaster_server.app import create_app
from taskmaster_server.log import configure_logging
from taskmaster_server.settings import Settings


async def _call(app: Any, call: Call, headers: dict[str, str]) -> tuple[int, bytes]:
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw_headers.append((b"host", b"127.0.0.1"))
    if call.body:
        raw_headers.append((b"content-type", call.content_type.encode()))
        raw_headers.append((b"content-length", str(len(call.body)).encode()))
    path, _, query = call.path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": call.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0
    body = b""

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": call.body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    await app(scope, receive, send)
    return status, body


async def _lifespan_start(app: Any) -> None:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await queue.put({"type": "lifespan.startup"})
    started = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    asyncio.get_running_loop().create_task(app({"type": "lifespan"}, queue.get, send))
    await started.wait()


async def _inline_call(call: Any, limiter: Any = None) -> Any:
    return call()


async def run(url: str, operation: str, count: int, top: int, workdir: Path) -> str:
    # Sync handlers normally run in anyio's worker threads, which cProfile (per thread) would
    # not see; run them inline so that one profile holds the whole request. The thread hop
    # itself (about 0.1 ms) is then missing from the figures.
    dispatch.run_in_thread = _inline_call
    seeded = seed(url)
    settings = Settings.from_env(
        {
            "TASKMASTER_DATABASE_URL": url,
            "TASKMASTER_JWT_PRIVATE_KEY": str(workdir / "jwt.pem"),
            "TASKMASTER_RATE_LIMIT": "10000000/minute",
            "TASKMASTER_LOG_LEVEL": "INFO",
        }
    )
    configure_logging("INFO")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115, ASYNC230 (kept for the run)
    app = create_app(settings)
    await _lifespan_start(app)
    login = Call(
        "POST", "/api/v1/auth/login", json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    )
    status, answer = await _call(app, login, {})
    assert status == 200, answer
    headers = {"Authorization": f"Bearer {json.loads(answer)['access_token']}"}
    names = {"get": "GET task", "list": "list 50", "post": "POST task", "patch": "PATCH task"}
    names["batch"] = "batch 100"
    make = next(m for name, _, m, _ in operations(seeded, count) if name == names[operation])
    for i in range(20):  # warm up
        await _call(app, make(i), headers)
    profile = cProfile.Profile()
    profile.enable()
    for i in range(count):
        status, answer = await _call(app, make(i + 20), headers)
        assert status < 300, answer
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    out.write(f"{names[operation]} on {url.split(':')[0]}: {count} requests, all threads\n")
    out.write(f"{stats.total_tt * 1000 / count:.2f} ms per request under the profiler\n")  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--operation", choices=["get", "list", "post", "patch", "batch"], default="get"
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database_url or f"sqlite:///{workdir}/profile.db"
        print(asyncio.run(run(url, args.operation, min(args.count, 5000), args.top, Path(workdir))))


if __name__ == "__main__":
    main()
