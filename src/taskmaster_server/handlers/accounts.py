"""The signed-in user and its accounts."""

from __future__ import annotations

import uuid

from starlette.responses import Response

from taskmaster_server.handlers._http import acting, json_response, runtime
from taskmaster_server.services import accounts

__all__ = ["get_account", "get_me", "list_accounts"]


def get_me() -> Response:
    return json_response(accounts.me(runtime().db, acting()))


def list_accounts() -> Response:
    return json_response({"data": accounts.list_memberships(runtime().db, acting())})


def get_account(account_id: str) -> Response:
    return json_response(accounts.get_account(runtime().db, acting(), uuid.UUID(account_id)))
