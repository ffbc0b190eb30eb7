"""Per-request state shared by the middleware, the security hook and the handlers.

The outermost middleware puts one ``RequestState`` into the ASGI scope; connexion copies the
scope shallowly between its middlewares, so every layer sees the same object.
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskmaster_server.auth.tokens import AccessClaims
    from taskmaster_server.ratelimit import RateStatus
    from taskmaster_server.runtime import Runtime

__all__ = ["SCOPE_KEY", "RequestState", "request_state"]

SCOPE_KEY = "taskmaster"


@dataclass
class RequestState:
    runtime: Runtime
    request_id: str
    claims: AccessClaims | None = None
    account_id: uuid.UUID | None = None
    rate: RateStatus | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


def request_state(scope: MutableMapping[str, Any]) -> RequestState:
    state = scope.get(SCOPE_KEY)
    if not isinstance(state, RequestState):
        raise RuntimeError("no RequestState in scope: is RequestContextMiddleware installed?")
    return state
