"""A PostgreSQL cluster of the benchmark's own: ``initdb`` + ``pg_ctl`` in a temporary directory,
on a free port of 127.0.0.1, removed after.

The remote-database and head-of-line scenarios of benchmarks/server.py lock rows and put a proxy
in front of the database; they never do that to the shared PostgreSQL on 5432. The binaries are
the newest under ``/usr/lib/postgresql/*/bin`` (or ``initdb`` on PATH); as root, the cluster runs
as the ``postgres`` system user (initdb refuses root). Like tests/fixtures/private_services.py,
without pytest.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["PrivatePostgres", "Unavailable"]


class Unavailable(RuntimeError):
    """No PostgreSQL binaries, or no way to run them here."""


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise Unavailable("no initdb under /usr/lib/postgresql/*/bin nor on PATH")
    return Path(initdb).parent


def _version(path: str) -> tuple[int, ...]:
    part = Path(path).parent.parent.name
    return tuple(int(p) for p in part.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    """``with PrivatePostgres() as pg: pg.url`` (database ``postgres``, user ``postgres``)."""

    def __init__(self, max_connections: int = 200) -> None:
        self.bindir = _bindir()
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no postgres user") from None
            self.user = "postgres"
        self.max_connections = max_connections
        self.port = _free_port()

    @property
    def version(self) -> str:
        return self.bindir.parent.name

    def url_at(self, port: int) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    @property
    def url(self) -> str:
        return self.url_at(self.port)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def __enter__(self) -> PrivatePostgres:
        # Not under a directory private to root: the postgres user must reach it.
        self.workdir = Path(tempfile.mkdtemp(prefix="taskmaster-bench-pg-"))
        if self.user is not None:
            shutil.chown(self.workdir, self.user)
        self.datadir = self.workdir / "pgdata"
        try:
            self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "postgres")
            options = (
                f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1"
                f" -c max_connections={self.max_connections} -c fsync=off"
            )
            log = str(self.workdir / "server.log")
            self._run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l", log, "-w", "start")
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        try:
            if (self.datadir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
