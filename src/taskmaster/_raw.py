"""The one list of API operations the high-level client does not wrap, with the reason.

Every other operation of `openapi/taskmaster.yaml` is a client method tagged with its
`operationId` (see `_resources/_common.operation`); `tests/sdk/test_coverage.py` checks that
the tags and this list together name every operation in the spec, exactly once.

Raw operations are still one import away, through the client's own authenticated, retrying
httpx client:

    from taskmaster_api.api.auth import get_jwks
    jwks = get_jwks.sync(client=client.raw)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["RAW_ONLY", "client_operations"]

RAW_ONLY: Mapping[str, str] = MappingProxyType(
    {
        "get_jwks": (
            "the auth flow fetches the signing keys itself, caches them and checks every new "
            "access token against them; there is nothing left for a caller to do with them"
        ),
    }
)


def client_operations(client_class: type[Any]) -> dict[str, str]:
    """`{operationId: method name}` for the methods of `client_class` tagged with one."""
    found: dict[str, str] = {}
    for name in dir(client_class):
        if name.startswith("_"):
            continue
        operation = getattr(getattr(client_class, name, None), "__taskmaster_operation__", None)
        if isinstance(operation, str):
            found[operation] = name
    return found
