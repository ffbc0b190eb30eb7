"""Login, refresh, logout and the JWKS."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import json_response, no_content, request, runtime, state
from taskmaster_server.problems import Problem
from taskmaster_server.services import accounts

__all__ = ["get_jwks", "login", "logout", "refresh_token"]

_BAD_CREDENTIALS = "The email or password is not correct."


def login(body: dict[str, Any]) -> Response:
    rt = runtime()
    client = request().client
    address = client.host if client else "unknown"
    email = accounts.normalize_email(body["email"])
    state().rate = rt.limits.hit_login(address, email)
    user = accounts.authenticate(rt.db, rt.passwords, email, body["password"])
    if user is None:
        raise Problem("unauthorized", _BAD_CREDENTIALS)
    if body.get("account_id"):
        account_id = uuid.UUID(body["account_id"])
        if not accounts.is_member(rt.db, user.id, account_id):
            raise Problem("unauthorized", f"You are not a member of account {account_id}.")
    else:
        first = accounts.first_account(rt.db, user.id)
        if first is None:
            raise Problem("unauthorized", "This user belongs to no account.")
        account_id = first
    pair = rt.refresh.login(user.id, account_id)
    return json_response(pair.as_json(), headers={"Cache-Control": "no-store"})


def refresh_token(body: dict[str, Any]) -> Response:
    pair = runtime().refresh.rotate(body["refresh_token"])
    return json_response(pair.as_json(), headers={"Cache-Control": "no-store"})


def logout(body: dict[str, Any] | None = None) -> Response:
    current = state()
    claims = current.claims
    if claims is None:
        raise Problem("unauthorized", "Missing or invalid access token.")
    if body and body.get("refresh_token"):
        current.runtime.refresh.revoke(body["refresh_token"], claims.user_id)
    else:
        current.runtime.refresh.revoke_all(claims.user_id)
    return no_content()


def get_jwks() -> Response:
    return json_response(runtime().keys.jwks(), headers={"Cache-Control": "public, max-age=300"})
