"""What a flood of logins with made-up emails does to everyone else.

    .venv/bin/python benchmarks/login_flood.py [--seconds 15] [--flooders 32]

Runs ``taskmaster-server serve`` (production argon2 costs: time 3, 64 MiB) on a temporary SQLite
database, then for each configuration measures, while ``--flooders`` clients post logins with
random emails as fast as they are answered: ``GET /tasks`` latency (one client, p50/p99) and a
real user's login latency (one client). First with no flood, as the reference.

Configurations:

- ``unbounded``: password checks not bounded (workers 1000, no queue), login limits high: what
  the server did before the bounded pool.
- ``bounded``: the default pool (1 worker, queue 4), login limits high: the pool alone.
- ``defaults``: every default, so the per-address login limit refuses the flood as well.

Not a test: numbers depend on the machine (its load average is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts

EMAIL, PASSWORD = "real@example.com", "a real password"
HIGH = "1000000/minute"
ATTACKER = {"X-Forwarded-For": "203.0.113.9"}
USER = {"X-Forwarded-For": "198.51.100.7"}
CONFIGS: dict[str, dict[str, str]] = {
    "unbounded": {
        "TASKMASTER_PASSWORD_HASH_WORKERS": "1000",
        "TASKMASTER_PASSWORD_HASH_QUEUE": "0",
        "TASKMASTER_LOGIN_IP_RATE_LIMIT": HIGH,
        "TASKMASTER_LOGIN_RATE_LIMIT": HIGH,
    },
    "bounded": {"TASKMASTER_LOGIN_IP_RATE_LIMIT": HIGH, "TASKMASTER_LOGIN_RATE_LIMIT": HIGH},
    "defaults": {},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _seed(tmp: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp / 'flood.db'}"
    upgrade(url)
    db = Database(url)
    accounts.create_user(
        db, Passwords(time_cost=3, memory_kib=65536), email=EMAIL, password=PASSWORD
    )
    db.dispose()
    return {
        "TASKMASTER_DATABASE_URL": url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(tmp / "jwt.pem"),
        "TASKMASTER_RATE_LIMIT": HIGH,
        "TASKMASTER_WEBHOOK_WORKER": "false",
        "TASKMASTER_LOG_LEVEL": "ERROR",
        # The flood and the real user come from different addresses, as they would.
        "TASKMASTER_TRUSTED_PROXIES": "127.0.0.1",
    }


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def _flood(base: str, seconds: float, flooders: int) -> dict[int, int]:
    stop = time.monotonic() + seconds
    answers: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=flooders)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def flooder() -> None:
            while time.monotonic() < stop:
                email = f"x-{uuid.uuid4().hex[:10]}@example.com"
                answer = await client.post(
                    "/auth/login", json={"email": email, "password": "guess"}, headers=ATTACKER
                )
                answers[answer.status_code] += 1
                if answer.status_code in (429, 503):
                    await asyncio.sleep(0.05)  # an attacker does not honour Retry-After

        await asyncio.gather(*(flooder() for _ in range(flooders)))
    return dict(answers)


def _flood_process(base: str, seconds: float, flooders: int, out: mp.Queue[dict[int, int]]) -> None:
    # Its own process: the flood's client work must not delay the measuring client.
    out.put(asyncio.run(_flood(base, seconds, flooders)))


async def _measure(base: str, seconds: float, headers: dict[str, str]) -> dict[str, object]:
    stop = time.monotonic() + seconds
    lists: list[float] = []
    logins: list[float] = []
    login_answers: Counter[int] = Counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def lister() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                assert (await client.get("/tasks", headers=headers)).status_code == 200
                lists.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.05)

        async def real_login() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                answer = await client.post(
                    "/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers=USER
                )
                login_answers[answer.status_code] += 1
                if answer.status_code == 200:
                    logins.append((time.perf_counter() - started) * 1000)
                # Under the real user's own limit (10 a minute per address and email).
                await asyncio.sleep(1.5)

        await asyncio.gather(lister(), real_login())
    return {"lists": lists, "logins": logins, "login_answers": dict(login_answers)}


def _run(base: str, seconds: float, flooders: int) -> dict[str, object]:
    token = httpx.post(
        f"{base}/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=60
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    out: mp.Queue[dict[int, int]] = mp.Queue()
    flood = mp.Process(target=_flood_process, args=(base, seconds + 1, flooders, out))
    if flooders:
        flood.start()
        time.sleep(1)  # the flood is on before measuring starts
    result = asyncio.run(_measure(base, seconds, headers))
    result["flood"] = out.get(timeout=120) if flooders else {}
    if flooders:
        flood.join(30)
    return result


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "taskmaster_server",
        "serve",
        "--no-migrate",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env={**os.environ, **env})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--flooders", type=int, default=32)
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_env = _seed(Path(tmp))
        print(
            f"load average {os.getloadavg()[0]:.1f}; {args.flooders} flooders, {args.seconds} s each"
        )
        names = args.configs.split(",")
        runs = [("no flood", "defaults", 0)] + [(name, name, args.flooders) for name in names]
        for label, config, flooders in runs:
            port = _free_port()
            process = _serve({**base_env, **CONFIGS[config]}, port)
            try:
                result = _run(f"http://127.0.0.1:{port}/api/v1", args.seconds, flooders)
            finally:
                process.terminate()
                process.wait(30)
            lists, logins = result["lists"], result["logins"]
            assert isinstance(lists, list)
            assert isinstance(logins, list)
            print(
                f"{label:10} GET /tasks p50 {_p(lists, 50):7.1f} ms p99 {_p(lists, 99):7.1f} ms"
                f" (n={len(lists)}) | real login p50 {_p(logins, 50):7.1f} ms"
                f" max {max(logins, default=float('nan')):7.1f} ms {result['login_answers']}"
                f" | flood answers {result['flood']}"
            )


if __name__ == "__main__":
    main()
