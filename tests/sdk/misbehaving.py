"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for what respx cannot fake.

Each connection is handed to `answer(conn)` in its own thread: trickle a response byte by byte,
never answer, or speak TLS with a certificate nobody trusts. Stopping the server closes every
connection it accepted, so a test never leaves a thread blocked on a socket.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

__all__ = ["MisbehavingServer", "read_head", "self_signed_context", "trickle"]


class MisbehavingServer:
    """`with MisbehavingServer(answer) as server:` then send to `server.url`."""

    def __init__(
        self, answer: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None
    ) -> None:
        self._answer = answer
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}/api/v1"
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType
    ) -> None:
        self._stopped.set()
        self._thread.join(5)
        for conn in self._open:
            conn.close()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self._tls is not None:
                conn = self._tls.wrap_socket(conn, server_side=True)
                self._open.append(conn)
            self._answer(conn)
        except (OSError, ssl.SSLError):
            pass  # the client gave up, or the test stopped the server: both expected

    @property
    def stopped(self) -> threading.Event:
        return self._stopped


def read_head(conn: socket.socket) -> bytes:
    """The request head (the SDK's GETs have no body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def trickle(
    body: bytes, every: float, stopped: threading.Event, *, head_at_once: bool = False
) -> Callable[[socket.socket], None]:
    """An answer that sends a valid 200 response one byte every `every` seconds (with
    `head_at_once`, only the body: the head arrives whole)."""

    def answer(conn: socket.socket) -> None:
        while read_head(conn):
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            if head_at_once:
                conn.sendall(head)
            for byte in body if head_at_once else head + body:
                if stopped.wait(every):
                    return
                conn.sendall(bytes([byte]))

    return answer


def self_signed_context() -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
    return context


def elapsed(since: float) -> float:
    return time.monotonic() - since
