"""One media-type rule for every request body: JSON, said so, or ``415``.

connexion guesses ``application/json`` for validation when ``Content-Type`` is missing, skips
validation when the type differs from the spec's only in case (``Application/JSON``), and in
both cases hands the handler the raw bytes: a batch handler then iterates them as integers.
This middleware runs after routing, so it knows the operation, and decides once for all of
them: a body must come with a ``Content-Type`` that the operation lists (compared without case,
as RFC 9110 says media types are; parameters are allowed, and ``charset`` must be UTF-8, the
only encoding JSON has). The header is then rewritten to the spec's spelling, so validation and
the handler both see the JSON they expect. A request without a body needs no ``Content-Type``.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from taskmaster_server.openapi import ApiSpec
from taskmaster_server.problems import Problem

__all__ = ["MediaTypeMiddleware"]

_ROUTING = "connexion_routing"
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding":
            return True
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
    return False


def _content_type(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"content-type":
            return value.decode("latin-1")
    return None


def _media_type(value: str) -> tuple[str, dict[str, str]] | None:
    """``type/subtype`` in lower case and the parameters, or None when malformed."""
    essence, *rest = value.split(";")
    media = essence.strip().lower()
    main, slash, sub = media.partition("/")
    if not slash or not main or not sub or not set(main + sub) <= _TOKEN:
        return None
    parameters: dict[str, str] = {}
    for item in rest:
        name, equals, raw = item.partition("=")
        if not item.strip():
            continue
        if not equals:
            return None
        parameters[name.strip().lower()] = raw.strip().strip('"')
    return media, parameters


class MediaTypeMiddleware:
    def __init__(self, app: ASGIApp, *, spec: ApiSpec) -> None:
        self.app = app
        self.spec = spec

    def _accepted(self, scope: Scope) -> list[str]:
        routing: dict[str, Any] = scope.get("extensions", {}).get(_ROUTING, {})
        operation = self.spec.operations.get(routing.get("operation_id") or "")
        if not operation or "requestBody" not in operation:
            return []
        return list(operation["requestBody"]["content"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            accepted = self._accepted(scope)
            if accepted and _has_body(scope["headers"]):
                self._check(scope, accepted)
        await self.app(scope, receive, send)

    def _check(self, scope: Scope, accepted: list[str]) -> None:
        expected = " or ".join(accepted)
        declared = _content_type(scope["headers"])
        if not declared or not declared.strip():
            raise Problem("unsupported-media-type", f"Send the body as {expected}.")
        parsed = _media_type(declared)
        canonical = {media.lower(): media for media in accepted}
        if parsed is None or parsed[0] not in canonical:
            raise Problem(
                "unsupported-media-type",
                f"Content-Type {declared[:100]!r} is not accepted here; send {expected}.",
            )
        charset = parsed[1].get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise Problem(
                "unsupported-media-type", f"JSON is UTF-8; charset {charset[:40]!r} is not."
            )
        # In place: connexion's routing keeps the original scope and hands it on.
        headers = [(n, v) for n, v in scope["headers"] if n != b"content-type"]
        headers.append((b"content-type", canonical[parsed[0]].encode("latin-1")))
        scope["headers"] = headers
