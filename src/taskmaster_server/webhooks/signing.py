"""Standard Webhooks signatures for outgoing deliveries.

``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">``
keyed with the base64-decoded ``whsec_`` secret. During a secret rotation the previous secret
still signs, until ``previous_secret_expires_at``: the header then carries both signatures,
space-separated, so a receiver holding either secret verifies the delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from taskmaster_server.db.models import Webhook

__all__ = ["delivery_headers", "signature", "signing_secrets"]

_PREFIX = "whsec_"


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signing_secrets(hook: Webhook, now: datetime) -> list[str]:
    """The current secret, then the previous one while its overlap lasts."""
    secrets = [hook.secret]
    expires = hook.previous_secret_expires_at
    if hook.previous_secret and expires is not None and now < expires:
        secrets.append(hook.previous_secret)
    return secrets


def delivery_headers(
    secrets: list[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets),
    }
