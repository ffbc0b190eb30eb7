"""A TCP proxy in front of PostgreSQL that counts the server's round trips.

Every simple or extended query cycle ends with the server's ReadyForQuery message (``Z``), a
pre-ping included, so the count of ``Z`` messages is the count of round trips a client made.
The proxy parses only the message framing of the server's side (type byte, int32 length), so
clients must connect with ``sslmode=disable&gssencmode=disable`` (an answer to an SSL or GSS
request is one unframed byte); ``url_through()`` adds both.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType
from typing import Self

__all__ = ["RoundTripCounter", "url_through"]


def url_through(url: str, port: int) -> str:
    """``url`` (a PostgreSQL URL on 127.0.0.1) pointed at ``port``, without SSL/GSS requests."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(host="127.0.0.1", port=port)
    parsed = parsed.update_query_dict({"sslmode": "disable", "gssencmode": "disable"})
    return parsed.render_as_string(hide_password=False)


class RoundTripCounter:
    """Listens on 127.0.0.1 (``port``) and relays every connection to ``upstream_port``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._count = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._stopped = threading.Event()

    @property
    def round_trips(self) -> int:
        with self._lock:
            return self._count

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._stopped.set()
        self._listener.close()
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            threading.Thread(
                target=self._relay, args=(client, upstream, False), daemon=True
            ).start()
            threading.Thread(target=self._relay, args=(upstream, client, True), daemon=True).start()

    def _relay(self, source: socket.socket, target: socket.socket, count: bool) -> None:
        pending = b""
        try:
            while data := source.recv(65536):
                if not count:
                    target.sendall(data)
                    continue
                pending += data
                while len(pending) >= 5:
                    kind = pending[:1]
                    (length,) = struct.unpack("!i", pending[1:5])
                    if len(pending) < 1 + length:
                        break
                    if kind == b"Z":
                        with self._lock:
                            self._count += 1
                    pending = pending[1 + length :]
                # Counted before it is relayed: the client sees its answer only once it counts.
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)
