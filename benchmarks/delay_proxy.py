"""A TCP proxy on 127.0.0.1 that puts a database a fixed round trip away and counts the turns.

    python benchmarks/delay_proxy.py --upstream-port 5433 --rtt-ms 1.0

Prints ``{"port": N}`` once it listens, then answers commands on stdin, one a line, with one
JSON line on stdout: ``stats`` (counters since the last ``reset``) and ``reset``. It exits when
stdin closes. benchmarks/server.py runs it as a child process (``DelayProxy``), so its CPU does
not compete with the load generator for one interpreter lock.

Each byte is held ``rtt / 2`` seconds in each direction before it is passed on, counted from
when the proxy read it: a reader thread per direction timestamps what it reads and a writer
thread relays it when due (``time.sleep`` is precise to tens of microseconds; an event loop's
timers round to whole milliseconds). It asks for nice -10 (granted to root only): on a loaded
machine its threads would otherwise wake late and the delay grow with the load.

A *turn* is counted each time the client sends after the server has spoken (or first on its
connection): one request/response round trip of the PostgreSQL protocol, however many messages
the client pipelines in it. That is what a delay multiplies, and it needs no parsing of the
protocol. ``connections`` counts the connections opened (each costs a few turns of handshake).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

__all__ = ["DelayProxy", "main"]

CHUNK = 65536


class Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.turns = 0
        self.connections = 0
        self.bytes_up = 0
        self.bytes_down = 0

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return {
                "turns": self.turns,
                "connections": self.connections,
                "bytes_up": self.bytes_up,
                "bytes_down": self.bytes_down,
            }

    def reset(self) -> None:
        with self.lock:
            self.turns = self.connections = self.bytes_up = self.bytes_down = 0


class Pair:
    """One proxied connection: the client's socket, the upstream's, and who spoke last."""

    def __init__(self, client: socket.socket, upstream: socket.socket, counters: Counters) -> None:
        self.client = client
        self.upstream = upstream
        self.counters = counters
        self.server_spoke = True  # so that the client's first bytes count as a turn
        self.closed = threading.Event()

    def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def seen(self, up: bool, size: int) -> None:
        counters = self.counters
        with counters.lock:
            if up:
                counters.bytes_up += size
                if self.server_spoke:
                    counters.turns += 1
                    self.server_spoke = False
            else:
                counters.bytes_down += size
                self.server_spoke = True


def _relay(
    pair: Pair, source: socket.socket, target: socket.socket, up: bool, delay: float
) -> None:
    """Read from ``source`` and write to ``target``, each chunk ``delay`` seconds after it was
    read (directly when there is no delay)."""
    if delay <= 0:
        try:
            while data := source.recv(CHUNK):
                pair.seen(up, len(data))
                target.sendall(data)
        except OSError:
            pass
        pair.close()
        return
    queue: collections.deque[tuple[float, bytes]] = collections.deque()
    ready = threading.Condition()

    def write() -> None:
        try:
            while True:
                with ready:
                    while not queue:
                        ready.wait()
                    due, data = queue.popleft()
                if not data:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                target.sendall(data)
        except OSError:
            pass
        pair.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        while data := source.recv(CHUNK):
            pair.seen(up, len(data))
            with ready:
                queue.append((time.monotonic() + delay, data))
                ready.notify()
    except OSError:
        pass
    with ready:
        queue.append((time.monotonic() + delay, b""))
        ready.notify()


def _serve(listener: socket.socket, upstream_port: int, delay: float, counters: Counters) -> None:
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=10)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with counters.lock:
            counters.connections += 1
        pair = Pair(client, upstream, counters)
        for source, target, up in ((client, upstream, True), (upstream, client, False)):
            threading.Thread(
                target=_relay, args=(pair, source, target, up, delay), daemon=True
            ).start()


class DelayProxy:
    """This module run as a child process in front of ``127.0.0.1:upstream_port``."""

    def __init__(self, upstream_port: int, rtt_ms: float) -> None:
        self.upstream_port = upstream_port
        self.rtt_ms = rtt_ms

    def __enter__(self) -> DelayProxy:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                *("--upstream-port", str(self.upstream_port), "--rtt-ms", str(self.rtt_ms)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.port = int(self._answer()["port"])
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _answer(self) -> dict[str, int]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the delay proxy exited ({self.process.poll()})")
        answer: dict[str, int] = json.loads(line)
        return answer

    def _ask(self, command: str) -> dict[str, int]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def stats(self) -> dict[str, int]:
        return self._ask("stats")

    def reset(self) -> None:
        self._ask("reset")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=1.0, help="added round trip, ms")
    args = parser.parse_args()
    # The proxy stands for a network, whose delay does not grow with the machine's load: let
    # its threads, asleep but for microseconds a message, wake on time when they can.
    with contextlib.suppress(OSError):
        os.nice(-10)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    counters = Counters()
    threading.Thread(
        target=_serve,
        args=(listener, args.upstream_port, args.rtt_ms / 2000, counters),
        daemon=True,
    ).start()
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "reset":
            counters.reset()
            print(json.dumps({"reset": True}), flush=True)
        elif command == "stats":
            print(json.dumps(counters.snapshot()), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    listener.close()


if __name__ == "__main__":
    main()
