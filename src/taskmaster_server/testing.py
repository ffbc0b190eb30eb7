"""Helpers for running the server in tests and benchmarks: throwaway databases and a real
uvicorn on 127.0.0.1 in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from dataclasses import dataclass

import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp

from taskmaster_server.db.session import normalize_url

__all__ = ["LiveServer", "create_postgres_database", "drop_postgres_database"]


def create_postgres_database(admin_url: str, prefix: str = "taskmaster") -> str:
    """Create an empty database next to ``admin_url``'s; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return normalize_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@dataclass
class LiveServer:
    """A uvicorn server for ``app`` on 127.0.0.1 and a free port, in a daemon thread."""

    app: ASGIApp
    api_path: str = "/api/v1"
    http: str | type[asyncio.Protocol] = "auto"

    def start(self, timeout: float = 10.0) -> LiveServer:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        # The app reads forwarded headers itself (TASKMASTER_TRUSTED_PROXIES); uvicorn's own
        # handling would trust them from any client on 127.0.0.1.
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="on",
            proxy_headers=False,
            http=self.http,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + self.api_path

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()
