"""A TCP relay between the server and PostgreSQL that counts round trips (and can add delay).

A round trip is one turn of the conversation: the client sends (one or many messages: a
pipeline counts once) and then reads what the server sends back. The relay counts, per
connection, every burst of client bytes that follows server bytes (or opens the connection),
which is what a client pays in network latency, whatever the driver or the SQL said.

    with TripCounter("127.0.0.1", 5432) as relay:
        url = relay.url_for("postgresql+psycopg://postgres@127.0.0.1:5432/test")
        relay.reset()
        ...  # one request
        relay.trips  # round trips since reset(), over all connections

``delay`` holds every chunk that long in each direction (a round trip costs ``2 x delay``
more), for benchmarks of a remote database. Loopback only; closed by ``close()``.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from types import TracebackType
from typing import Self

from sqlalchemy.engine import make_url

__all__ = ["TripCounter"]


class TripCounter:
    def __init__(self, host: str, port: int, *, delay: float = 0.0) -> None:
        self._upstream = (host, port)
        self._delay = delay
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._trips = 0
        # The first bytes of each counted burst, to say what a failing count was made of.
        self.bursts: list[bytes] = []
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        accept = threading.Thread(target=self._accept, name="trip-counter", daemon=True)
        accept.start()
        self._threads.append(accept)

    def url_for(self, url: str) -> str:
        """``url`` (pointing at the upstream) rewritten to go through this relay."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(False)

    @property
    def trips(self) -> int:
        with self._lock:
            return self._trips

    def reset(self) -> None:
        with self._lock:
            self._trips = 0
            self.bursts = []

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._upstream, timeout=10)
            upstream.settimeout(None)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets += [client, upstream]
            pump = threading.Thread(
                target=self._pump, args=(client, upstream), name="trip-pump", daemon=True
            )
            pump.start()
            self._threads.append(pump)

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        # One thread per connection, both directions: the order in which bytes arrive from
        # either side is what decides a turn, so one selector sees both.
        waiting_for_reply = False
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while not self._closed:
                for key, _ in selector.select(timeout=0.5):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    target: socket.socket = key.data
                    try:
                        chunk = source.recv(65536)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        for sock in (client, upstream):
                            sock.close()
                        return
                    if source is client:
                        if not waiting_for_reply:
                            with self._lock:
                                self._trips += 1
                                self.bursts.append(chunk[:120])
                            waiting_for_reply = True
                    else:
                        waiting_for_reply = False
                    if self._delay:
                        time.sleep(self._delay)
                    try:
                        target.sendall(chunk)
                    except OSError:
                        return

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
