"""A webhook receiver for Task Master events: verify, deduplicate, acknowledge, then process.

Register your endpoint once (it prints the signing secret, which is shown only this once):

    TASKMASTER_API_URL=http://127.0.0.1:8000 TASKMASTER_EMAIL=demo@example.com \\
    TASKMASTER_PASSWORD=demo-password \\
    python examples/webhook_receiver.py register https://hooks.example.com/taskmaster

then run the receiver where that URL points, with the secret:

    TASKMASTER_WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py serve --port 8080

Each delivery is checked with `taskmaster.webhooks.verify` (the HMAC signature of the raw body,
compared in constant time, and a timestamp no more than 5 minutes off); anything else gets
`400` and is not processed. A delivery whose `webhook-id` was already accepted (a retry, or a
redelivery from the delivery log) is acknowledged and skipped. Accepted events are answered
`204` at once and handled afterwards on a worker thread, so a slow handler never makes the
server time out and retry. Deliveries are sent concurrently and may arrive out of order: use
`event.seq` where order matters.

Trying it on one machine: the server refuses webhook URLs on loopback and private addresses
(an SSRF guard). For local development start it with `TASKMASTER_WEBHOOK_ALLOWED_NETWORKS=
127.0.0.1/32` (or `TASKMASTER_WEBHOOK_ALLOW_PRIVATE=true`) and register
`http://127.0.0.1:8080/`.

It uses only the standard library's `http.server` besides the SDK; behind a real deployment put
it behind TLS (a reverse proxy), and keep the seen ids in your database rather than in memory.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import sys
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from taskmaster import Event, TaskMasterClient, TaskMasterError, ValidationError, webhooks

TASK_EVENTS = ["task.created", "task.updated", "task.completed", "task.deleted"]
MAX_BODY = 1024 * 1024  # events are a few KiB; refuse anything far larger unread


class SeenIds:
    """The `webhook-id`s already accepted, the oldest forgotten first (bounded memory).

    The server retries a delivery for about 21 hours at most, so a window of recent ids is
    enough; a receiver that must survive its own restarts keeps them in its database instead.
    """

    def __init__(self, size: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, delivery_id: str) -> bool:
        """Record the id; False when it was already there."""
        with self._lock:
            if delivery_id in self._ids:
                return False
            self._ids[delivery_id] = None
            if len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


def handle(event: Event, delivery_id: str) -> None:
    """Your work goes here: this runs after the delivery was acknowledged."""
    if "object" in event.data:
        task: dict[str, Any] = event.data["object"]
        what = f"{task['title']!r} ({task['status']})"
    else:
        what = str(event.data["id"])
    print(f"event #{event.seq} {event.type_} {what} [webhook-id {delivery_id}]", flush=True)


def receiver(
    secret: str, seen: SeenIds, work: queue.Queue[tuple[Event, str]]
) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self.answer(400 if length < 0 else 413)
                return
            body = self.rfile.read(length)  # the raw bytes: verify before parsing anything
            try:
                event = webhooks.verify(body, dict(self.headers.items()), secret)
            except webhooks.WebhookVerificationError as error:
                print(f"refused a delivery: {error}", flush=True)
                self.answer(400)
                return
            delivery_id = self.headers["webhook-id"]  # present: verify() checked it
            if not seen.add(delivery_id):
                print(f"duplicate webhook-id {delivery_id}: already handled", flush=True)
                self.answer(200)
                return
            self.answer(204)
            work.put((event, delivery_id))

        def answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per event from handle() is enough

    return Receiver


def serve(host: str, port: int, secret: str) -> int:
    work: queue.Queue[tuple[Event, str]] = queue.Queue()

    def worker() -> None:
        while True:
            item = work.get()
            try:
                handle(*item)
            except Exception as error:  # one bad event must not stop the others
                print(f"handling {item[1]} failed: {error!r}", file=sys.stderr, flush=True)
            finally:
                work.task_done()

    server = ThreadingHTTPServer((host, port), receiver(secret, SeenIds(), work))
    server.daemon_threads = True
    threading.Thread(target=worker, daemon=True).start()
    # SIGTERM (a service manager stopping it) ends serve_forever like Ctrl-C does; shutdown()
    # waits for the loop, so it must be called from another thread than the loop's.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    bound_host, bound_port = server.server_address[:2]
    print(f"listening on http://{bound_host!s}:{bound_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    work.join()  # finish what was acknowledged before exiting
    print("stopped", flush=True)
    return 0


def register(url: str, events: list[str]) -> int:
    api_url = os.environ.get("TASKMASTER_API_URL", "http://127.0.0.1:8000")
    email = os.environ.get("TASKMASTER_EMAIL", "demo@example.com")
    password = os.environ.get("TASKMASTER_PASSWORD", "demo-password")
    with TaskMasterClient(api_url, email=email, password=password) as client:
        try:
            hook = client.create_webhook(url=url, events=events)
        except ValidationError as error:
            print(f"the server refused {url}: {error}", file=sys.stderr)
            print(
                "for a receiver on this machine or a private network, the server must allow it:"
                " TASKMASTER_WEBHOOK_ALLOWED_NETWORKS=127.0.0.1/32 (or your network's CIDR)",
                file=sys.stderr,
            )
            return 1
    print(f"webhook {hook.id} sends {', '.join(map(str, hook.events))} to {hook.url}")
    print("its signing secret, shown only this once; store it where the receiver reads it:")
    print(f"TASKMASTER_WEBHOOK_SECRET={hook.secret}", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="receive deliveries (TASKMASTER_WEBHOOK_SECRET)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    add = commands.add_parser("register", help="subscribe URL to events on the server")
    add.add_argument("url")
    add.add_argument("--events", nargs="+", default=TASK_EVENTS, metavar="TYPE")
    args = parser.parse_args()
    if args.command == "register":
        return register(args.url, args.events)
    secret = os.environ.get("TASKMASTER_WEBHOOK_SECRET")
    if not secret:
        parser.error("set TASKMASTER_WEBHOOK_SECRET to the secret `register` printed")
    return serve(args.host, args.port, secret)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TaskMasterError as error:
        print(f"webhook_receiver failed: {error}", file=sys.stderr)
        sys.exit(1)
