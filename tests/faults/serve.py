"""A real `python -m taskmaster_server serve` process on a fixed port and a SQLite file, to stop
(SIGTERM, as a deploy does), kill (SIGKILL, as a crash does) and start again on the same port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings

__all__ = ["ServerProcess", "free_port", "serve_env"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_env(tmp_path: Path, email: str, password: str, **extra: str) -> dict[str, str]:
    """The environment of a server on a fresh SQLite file with one user (`email`, `password`)."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        jwt_private_key=tmp_path / "jwt-es256.pem",
        webhook_worker=False,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    runtime = runtime_of(create_app(settings))  # makes the signing key and the user
    accounts.create_user(runtime.db, runtime.passwords, email=email, password=password)
    runtime.close()
    return {
        **os.environ,
        "TASKMASTER_DATABASE_URL": url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(settings.jwt_private_key),
        "TASKMASTER_RATE_LIMIT": "1000000/minute",
        "TASKMASTER_LOGIN_RATE_LIMIT": "1000000/minute",
        "TASKMASTER_WEBHOOK_WORKER": "false",
        "TASKMASTER_ARGON2_TIME_COST": "1",
        "TASKMASTER_ARGON2_MEMORY_KIB": "1024",
        "TASKMASTER_LOG_LEVEL": "WARNING",
        **extra,
    }


class ServerProcess:
    def __init__(self, env: dict[str, str], port: int, *, log: Path | None = None) -> None:
        self.env = env
        self.port = port
        self.log = log  # where stderr (the server's JSON log) goes; appended to across restarts
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start, and return once `/health` answers."""
        stderr = subprocess.DEVNULL if self.log is None else self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "taskmaster_server", "serve", "--port", str(self.port),
                 "--no-migrate"],
                env=self.env, stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        finally:
            if self.log is not None:
                stderr.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no close frames; the kernel resets every connection."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
