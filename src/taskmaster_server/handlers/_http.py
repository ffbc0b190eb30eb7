"""What every handler needs: the request's state, the acting account, responses, paging
links, conditional GETs and idempotent writes."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, cast

import orjson
from connexion.context import scope as current_scope
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response

from taskmaster_server.context import RequestState, request_state
from taskmaster_server.idempotency import StoredResponse, fingerprint
from taskmaster_server.problems import Problem
from taskmaster_server.runtime import Runtime
from taskmaster_server.services.actors import Actor, resolve_actor
from taskmaster_server.services.conditions import matches
from taskmaster_server.services.page import Page

__all__ = [
    "acting",
    "created",
    "header",
    "idempotent",
    "json_response",
    "no_content",
    "not_modified_or",
    "page_response",
    "runtime",
    "state",
]

JSON = "application/json"


def _scope() -> dict[str, Any]:
    return cast(dict[str, Any], current_scope._get_current_object())


def state() -> RequestState:
    return request_state(_scope())


def runtime() -> Runtime:
    return state().runtime


def request() -> Request:
    return Request(_scope())


def header(name: str) -> str | None:
    # The first value, as starlette's Headers.get, without building a Request and its Headers
    # for each look-up (a handler asks for several). ASGI header names are lower-case bytes.
    wanted = name.lower().encode("latin-1")
    for key, value in _scope().get("headers", ()):
        if key == wanted:
            return cast(bytes, value).decode("latin-1")
    return None


def acting(*, writer: bool = False) -> Actor:
    """The acting account of this request, rate-limited per account."""
    current = state()
    claims = current.claims
    if claims is None:
        raise Problem("unauthorized", "Missing or invalid access token.")
    rt = current.runtime
    actor = resolve_actor(
        rt.db, claims.user_id, claims.account_id, header("X-Account-ID"), rt.memberships
    )
    current.account_id = actor.account_id
    current.rate = rt.limits.hit(rt.limits.api, "account", str(actor.account_id))
    if writer:
        actor.require_writer()
    return actor


def dumps(data: Any) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:
        # orjson stops at 64-bit integers; metadata may hold bigger ones (same bytes otherwise).
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(data), status_code=status, media_type=JSON, headers=dict(headers or {}))


def no_content() -> Response:
    return Response(status_code=204)


def created(data: Any, location: str, headers: Mapping[str, str] | None = None) -> Response:
    base = runtime().spec.base_path
    return json_response(data, 201, {"Location": f"{base}{location}", **(headers or {})})


def not_modified_or(
    response_body: bytes, etag: str, headers: Mapping[str, str] | None = None
) -> Response:
    """``304`` when ``If-None-Match`` names ``etag``, else a 200 with the body and the tag."""
    if matches(header("If-None-Match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        response_body, status_code=200, media_type=JSON, headers={"ETag": etag, **(headers or {})}
    )


def page_response(page: Page, *, with_etag: bool = False) -> Response:
    url: URL = request().url
    headers: dict[str, str] = {}
    if page.next_cursor is not None:
        headers["Link"] = f'<{url.include_query_params(cursor=page.next_cursor)}>; rel="next"'
    elif page.next_offset is not None:
        headers["Link"] = f'<{url.include_query_params(offset=page.next_offset)}>; rel="next"'
    body = dumps(page.as_json())
    if with_etag:
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return not_modified_or(body, etag, headers)
    return Response(body, status_code=200, media_type=JSON, headers=headers)


def uuid_of(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def idempotent(actor: Actor, body: Any, produce: Callable[[], Response]) -> Response:
    """Run ``produce`` once per ``Idempotency-Key`` (see idempotency.py).

    ``produce`` runs inside the claim's transaction: its write and the stored response commit
    together, after the response is built and before it is sent.
    """
    key = header("Idempotency-Key")
    if not key:
        return produce()
    req = request()
    digest = fingerprint(req.method, req.url.path, req.url.query, body)
    with runtime().idempotency.claim(actor.account_id, key, digest) as claim:
        if claim.stored is not None:
            return _replay(claim.stored)
        response = produce()
        if 200 <= response.status_code < 300:
            claim.keep(
                StoredResponse(
                    response.status_code,
                    dict(response.headers),
                    bytes(response.body),
                    response.media_type,
                )
            )
    return response


def _replay(stored: StoredResponse) -> Response:
    return Response(
        stored.body or None,
        status_code=stored.status,
        media_type=stored.media_type,
        headers={**stored.headers, "Idempotent-Replayed": "true"},
    )
