"""The bearer check connexion runs for every operation the spec secures.

The spec names ``bearerAuth`` without saying how to check it; rather than adding a
connexion-specific ``x-bearerInfoFunc`` to the published spec, the handler for the ``bearer``
scheme is replaced in connexion's security map.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import BearerSecurityHandler

from taskmaster_server.auth.tokens import InvalidToken
from taskmaster_server.context import request_state
from taskmaster_server.problems import Problem

__all__ = ["SECURITY_MAP", "bearer_info"]


def bearer_info(token: str, request: ConnexionRequest) -> dict[str, Any]:
    state = request_state(request.scope)
    try:
        claims = state.runtime.tokens.verify(token)
    except InvalidToken as exc:
        raise Problem(
            "unauthorized",
            f"The access token is not valid: {exc}.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    state.claims = claims
    return {"sub": str(claims.user_id), "acc": str(claims.account_id)}


class TaskmasterBearer(BearerSecurityHandler):  # type: ignore[misc]
    def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
        return bearer_info

    @staticmethod
    @functools.cache
    def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
        # connexion asks this twice per request, re-reading the check function's signature
        # each time (inspect.signature: a few percent of a request); the answer never changes.
        return bool(BearerSecurityHandler._accepts_kwarg(func, keyword))


SECURITY_MAP = {"bearer": TaskmasterBearer}
