"""The body of a delivery: the event envelope, exactly as the spec's ``Event`` schema."""

from __future__ import annotations

import json
from typing import Any

from taskmaster_server.db.models import Event

__all__ = ["envelope", "envelope_bytes"]


def envelope(event: Event) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "seq": event.seq,
        "type": event.type,
        "account_id": str(event.account_id),
        "project_id": str(event.project_id) if event.project_id is not None else None,
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }


def envelope_bytes(event: Event) -> bytes:
    """Compact UTF-8 JSON: the bytes that are signed are the bytes that are sent."""
    return json.dumps(envelope(event), separators=(",", ":"), ensure_ascii=False).encode()
