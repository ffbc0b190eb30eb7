"""HTTP/1.1 framing for the fault proxy: message heads, where bodies end, and relaying them.

A relay never decodes a body; it only needs to know where each message ends (RFC 9112 section
6) so one connection can carry the next. Bodies move in pieces of at most `CHUNK_SIZE` bytes and
heads are capped at `MAX_HEAD_BYTES` (the streams' limit), so memory stays bounded whatever a
peer sends. Every read and every drain has a timeout.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = [
    "CHUNK_SIZE",
    "MAX_HEAD_BYTES",
    "BodyFraming",
    "Framing",
    "Head",
    "ProtocolError",
    "Request",
    "Response",
    "read_request",
    "read_response",
    "relay_body",
    "request_framing",
    "response_framing",
    "within",
]

MAX_HEAD_BYTES = 64 * 1024
CHUNK_SIZE = 64 * 1024

_T = TypeVar("_T")


class ProtocolError(Exception):
    """A peer sent bytes that are not an HTTP/1.1 message this relay can frame."""


async def within(timeout: float, awaitable: Awaitable[_T]) -> _T:
    """Await `awaitable`, raising TimeoutError after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        return await awaitable


@dataclass(slots=True)
class Head:
    """A start line and the header fields in wire order, names with their original case."""

    start_line: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def tokens(self, name: str) -> list[str]:
        """The comma-separated, lower-cased tokens of every `name` field, in order."""
        wanted = name.lower()
        values = (value for key, value in self.headers if key.lower() == wanted)
        return [
            token.strip().lower() for value in values for token in value.split(",") if token.strip()
        ]

    def replace(self, name: str, value: str | None) -> None:
        """Make `name: value` the only `name` field, where the first one was (None: remove it)."""
        wanted = name.lower()
        kept: list[tuple[str, str]] = []
        for key, old in self.headers:
            if key.lower() != wanted:
                kept.append((key, old))
            elif value is not None:
                kept.append((key, value))
                value = None
        if value is not None:
            kept.append((name, value))
        self.headers = kept

    def encode(self) -> bytes:
        lines = [self.start_line, *(f"{key}: {value}" for key, value in self.headers), "", ""]
        return "\r\n".join(lines).encode("latin-1")

    @property
    def wants_close(self) -> bool:
        """Whether this message ends its connection (`Connection: close`, or HTTP/1.0 default)."""
        tokens = self.tokens("connection")
        line = self.start_line
        http10 = line.startswith("HTTP/1.0 ") or line.endswith(" HTTP/1.0")
        return "close" in tokens or (http10 and "keep-alive" not in tokens)


@dataclass(slots=True)
class Request:
    """A request head; `target` is in origin form (`/path?query`) whatever the client sent."""

    method: str
    target: str
    version: str
    head: Head
    framing: BodyFraming

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(slots=True)
class Response:
    status: int
    head: Head


async def _read_head(reader: asyncio.StreamReader) -> Head | None:
    """Read up to the blank line; None on a clean EOF before the first byte."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise ProtocolError("connection closed in the middle of a message head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise ProtocolError(f"message head larger than {MAX_HEAD_BYTES} bytes") from exc
    # RFC 9112 section 2.2: ignore empty lines received before a request line.
    lines = raw.decode("latin-1").lstrip("\r\n").split("\r\n")[:-2]
    if not lines or not lines[0]:
        raise ProtocolError("empty message head")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            raise ProtocolError(f"malformed header line {line!r}")
        headers.append((name, value.strip(" \t")))
    return Head(lines[0], headers)


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request head on a client connection, or None when the client closed it."""
    head = await _read_head(reader)
    if head is None:
        return None
    parts = head.start_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ProtocolError(f"malformed request line {head.start_line!r}")
    method, target, version = parts
    if target.startswith(("http://", "https://")):
        # Absolute form (a client configured to use us as a forward proxy): keep the path.
        after_scheme = target.split("://", 1)[1]
        target = "/" + after_scheme.split("/", 1)[1] if "/" in after_scheme else "/"
    return Request(method.upper(), target, version, head, request_framing(head))


async def read_response(reader: asyncio.StreamReader) -> Response:
    """The next response head from the upstream; an EOF first is a ProtocolError."""
    head = await _read_head(reader)
    if head is None:
        raise ProtocolError("upstream closed the connection without answering")
    parts = head.start_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"malformed status line {head.start_line!r}")
    return Response(int(parts[1]), head)


class Framing(enum.Enum):
    NONE = "none"
    LENGTH = "length"
    CHUNKED = "chunked"
    UNTIL_CLOSE = "until_close"


@dataclass(frozen=True, slots=True)
class BodyFraming:
    kind: Framing
    length: int = 0


def _content_length(head: Head) -> int | None:
    values = {value.strip() for value in head.tokens("content-length")}
    if not values:
        return None
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise ProtocolError(f"invalid Content-Length {sorted(values)!r}")
    return int(values.pop())


def request_framing(head: Head) -> BodyFraming:
    codings = head.tokens("transfer-encoding")
    if codings:
        if codings[-1] != "chunked":
            raise ProtocolError("a request's last transfer coding must be chunked")
        return BodyFraming(Framing.CHUNKED)
    length = _content_length(head)
    return BodyFraming(Framing.NONE) if not length else BodyFraming(Framing.LENGTH, length)


def response_framing(request_method: str, response: Response) -> BodyFraming:
    status = response.status
    if request_method == "HEAD" or 100 <= status < 200 or status in (204, 304):
        return BodyFraming(Framing.NONE)
    codings = response.head.tokens("transfer-encoding")
    if codings:
        return BodyFraming(Framing.CHUNKED if codings[-1] == "chunked" else Framing.UNTIL_CLOSE)
    length = _content_length(response.head)
    if length is None:
        return BodyFraming(Framing.UNTIL_CLOSE)
    return BodyFraming(Framing.LENGTH, length) if length else BodyFraming(Framing.NONE)


class _Relay:
    """Copies bytes from a reader to a writer (or discards them when the writer is None)."""

    def __init__(
        self, src: asyncio.StreamReader, dst: asyncio.StreamWriter | None, timeout: float
    ) -> None:
        self.src, self.dst, self.timeout = src, dst, timeout

    async def put(self, data: bytes) -> None:
        if self.dst is not None and data:
            self.dst.write(data)
            await within(self.timeout, self.dst.drain())

    async def exactly(self, size: int) -> None:
        while size > 0:
            data = await within(self.timeout, self.src.readexactly(min(size, CHUNK_SIZE)))
            await self.put(data)
            size -= len(data)

    async def line(self) -> bytes:
        try:
            data = await within(self.timeout, self.src.readuntil(b"\r\n"))
        except asyncio.LimitOverrunError as exc:
            raise ProtocolError("chunk-size or trailer line too long") from exc
        await self.put(data)
        return data

    async def chunked(self) -> None:
        while True:
            size_field = (await self.line()).split(b";", 1)[0].strip()
            try:
                size = int(size_field, 16)
            except ValueError as exc:
                raise ProtocolError(f"invalid chunk size {size_field!r}") from exc
            if size == 0:
                while await self.line() != b"\r\n":  # trailer fields, then the final CRLF
                    pass
                return
            await self.exactly(size)
            if await within(self.timeout, self.src.readexactly(2)) != b"\r\n":
                raise ProtocolError("chunk data not followed by CRLF")
            await self.put(b"\r\n")

    async def until_close(self) -> None:
        while data := await within(self.timeout, self.src.read(CHUNK_SIZE)):
            await self.put(data)


async def relay_body(
    src: asyncio.StreamReader,
    dst: asyncio.StreamWriter | None,
    framing: BodyFraming,
    timeout: float,
) -> None:
    """Copy one message body, framing bytes included, from `src` to `dst` (None: discard it).

    `timeout` bounds each read and each drain, not the whole body.
    """
    relay = _Relay(src, dst, timeout)
    if framing.kind is Framing.LENGTH:
        await relay.exactly(framing.length)
    elif framing.kind is Framing.CHUNKED:
        await relay.chunked()
    elif framing.kind is Framing.UNTIL_CLOSE:
        await relay.until_close()
