"""``operationId`` → handler, and what the server does about spec operations it cannot serve.

Handlers live in ``taskmaster_server.handlers.<tag>`` under their operation's ``operationId``.
The spec can run ahead of them (an operation added, ``make generate`` run, the handler not
written yet). connexion would then fail while building its middleware stack, on the first
request, and every route would answer 500. Instead the missing operations are found when the
app is built, named in one warning, and answered ``501 not-implemented`` while every other
route keeps working; with ``TASKMASTER_REQUIRE_ALL_HANDLERS`` the server refuses to start
and names them all.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from connexion.resolver import Resolver

from taskmaster_server.openapi import ApiSpec
from taskmaster_server.problems import Problem

__all__ = [
    "MissingHandler",
    "MissingHandlersError",
    "OperationResolver",
    "check_handlers",
    "missing_handlers",
]

_HANDLERS = "taskmaster_server.handlers"
_log = logging.getLogger("taskmaster.startup")


@dataclass(frozen=True)
class MissingHandler:
    """A spec operation without a handler function."""

    operation_id: str
    method: str
    path: str
    handler: str  # where it is looked for: ``taskmaster_server.handlers.<tag>.<operationId>``

    def __str__(self) -> str:
        return f"{self.operation_id} ({self.method} {self.path})"


class MissingHandlersError(RuntimeError):
    """Raised instead of starting when handlers are required and some are missing."""

    def __init__(self, missing: Sequence[MissingHandler]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"{len(self.missing)} operation(s) of the spec have no handler: "
            f"{_names(self.missing)}. Write each as {_HANDLERS}.<tag>.<operationId>, or unset "
            "TASKMASTER_REQUIRE_ALL_HANDLERS to serve the rest and answer 501 for these."
        )


def _names(missing: Sequence[MissingHandler]) -> str:
    return ", ".join(str(item) for item in missing)


def _handler_location(spec: ApiSpec, operation_id: str) -> tuple[str, str]:
    tag = str(spec.operations[operation_id]["tags"][0]).lower()
    return f"{_HANDLERS}.{tag}", operation_id


def find_handler(spec: ApiSpec, operation_id: str) -> Callable[..., Any] | None:
    """The handler of ``operation_id``, or None when its module or function does not exist.

    Only a missing module counts as missing: a handler module that fails to import for any
    other reason is a bug, and its error propagates.
    """
    module_name, function_name = _handler_location(spec, operation_id)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return None
    handler = getattr(module, function_name, None)
    return handler if callable(handler) else None


def missing_handlers(spec: ApiSpec) -> list[MissingHandler]:
    """Every operation of ``spec`` without a handler, in the spec's order."""
    found = []
    for operation_id, (method, path) in spec.operation_routes.items():
        if find_handler(spec, operation_id) is None:
            module_name, function_name = _handler_location(spec, operation_id)
            found.append(
                MissingHandler(operation_id, method, path, f"{module_name}.{function_name}")
            )
    return found


def check_handlers(spec: ApiSpec, *, require_all: bool) -> list[MissingHandler]:
    """Find the missing handlers; raise if all are required, else warn once naming them."""
    missing = missing_handlers(spec)
    if missing and require_all:
        raise MissingHandlersError(missing)
    if missing:
        _log.warning(
            "%d operation(s) of the spec have no handler and answer 501 not-implemented: %s",
            len(missing),
            _names(missing),
            extra={"missing_operations": [item.operation_id for item in missing]},
        )
    return missing


def _not_implemented(spec: ApiSpec, operation_id: str) -> Callable[..., Any]:
    method, path = spec.operation_routes[operation_id]

    async def not_implemented(**_: Any) -> NoReturn:
        raise Problem(
            "not-implemented",
            f"{method} {spec.base_path}{path} ({operation_id}) is in this server's API "
            "description but not implemented yet.",
        )

    not_implemented.__name__ = operation_id
    return not_implemented


class OperationResolver(Resolver):  # type: ignore[misc]  # connexion is untyped
    """``operationId`` → ``taskmaster_server.handlers.<tag>.<operationId>``, or a 501 answer."""

    def __init__(self, spec: ApiSpec) -> None:
        super().__init__()
        self._spec = spec

    def resolve_function_from_operation_id(self, operation_id: str) -> Callable[..., Any]:
        return find_handler(self._spec, operation_id) or _not_implemented(self._spec, operation_id)
