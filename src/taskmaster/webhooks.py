"""Verify webhook deliveries (Standard Webhooks) and turn them into typed events.

A receiver calls :func:`verify` with the *raw* request body, the request headers and the
endpoint's signing secret, before parsing anything::

    from taskmaster import webhooks

    event = webhooks.verify(request.body, request.headers, secret="whsec_...")
    if event.type_ == "task.completed": ...  # `type_`: the generated name for `type`

Verification is a pure function: HMAC-SHA256 over ``"{webhook-id}.{webhook-timestamp}.{body}"``
with the secret's key, compared in constant time against every ``v1,<base64>`` signature in
the ``webhook-signature`` header (during a secret rotation the server sends two), and the
timestamp must be within ``tolerance`` seconds of now in either direction, which bounds how long
a captured delivery can be replayed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._exceptions import TaskMasterError

if TYPE_CHECKING:
    from taskmaster_api.models.event import Event

__all__ = ["DEFAULT_TOLERANCE", "WebhookVerificationError", "sign", "verify"]

DEFAULT_TOLERANCE = 300
_SECRET_PREFIX = "whsec_"


class WebhookVerificationError(TaskMasterError):
    """The delivery is not authentic, too old or too new, or not a Task Master event."""


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Event:
    """Check a delivery's signature and timestamp, then parse it into an :class:`Event`.

    ``payload`` must be the body exactly as received: re-serialised JSON does not verify.
    ``headers`` may be any mapping (its keys are matched case-insensitively). ``secret`` is the
    ``whsec_...`` string shown when the webhook was created, or the raw key bytes.
    Raises :class:`WebhookVerificationError` on any failure; never a ``KeyError`` or
    ``ValueError``.
    """
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    lowered = {key.lower(): value for key, value in headers.items()}
    msg_id = _required(lowered, "webhook-id")
    timestamp = _timestamp(_required(lowered, "webhook-timestamp"), tolerance, now)
    expected = _signature(_key(secret), msg_id, timestamp, body)
    offered = _required(lowered, "webhook-signature").split()
    if not any(_matches(candidate, expected) for candidate in offered):
        raise WebhookVerificationError("no webhook-signature matches this secret")
    return _parse_event(body)


def sign(
    payload: bytes | str, secret: str | bytes, *, msg_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """The headers a sender puts on ``payload``: useful to test a receiver."""
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    ts = int(time.time()) if timestamp is None else timestamp
    signature = base64.b64encode(_signature(_key(secret), msg_id, ts, body)).decode()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": f"v1,{signature}",
    }


def _required(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise WebhookVerificationError(f"missing {name} header")
    return value


def _timestamp(raw: str, tolerance: int, now: float | None) -> int:
    try:
        timestamp = int(raw)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a number") from None
    current = time.time() if now is None else now
    if timestamp < current - tolerance:
        raise WebhookVerificationError("webhook-timestamp is too old")
    if timestamp > current + tolerance:
        raise WebhookVerificationError("webhook-timestamp is in the future")
    return timestamp


def _key(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    encoded = secret.removeprefix(_SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("the secret is not a whsec_ base64 secret") from None


def _signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def _matches(candidate: str, expected: bytes) -> bool:
    version, _, encoded = candidate.partition(",")
    if version != "v1":
        return False
    try:
        offered = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(offered, expected)


def _parse_event(body: bytes) -> Event:
    from taskmaster_api.models.event import Event

    try:
        data: Any = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError("the payload is not a JSON object")
        return Event.from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise WebhookVerificationError(f"the payload is not a Task Master event: {exc}") from exc
