"""Where the spec lives, and what the server derives from it besides connexion's routing.

The spec stays the single source of routing and validation: connexion routes and validates
from it, and the few things connexion does not offer (the ``Allow`` header of a 405, the
per-item schemas of batch bodies) are read from the same parsed document here.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from connexion.json_schema import resolve_refs

__all__ = ["ApiSpec", "spec_path"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def spec_path(override: Path | None = None) -> Path:
    """``override`` (the ``spec_path`` setting), else ``TASKMASTER_SPEC_PATH``, else a copy
    shipped in the package, else the repository's."""
    if override is not None:
        return override
    from_env = os.environ.get("TASKMASTER_SPEC_PATH")
    if from_env:
        return Path(from_env)
    packaged = Path(__file__).with_name("openapi") / "taskmaster.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "openapi" / "taskmaster.yaml"


@dataclass
class ApiSpec:
    path: Path

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def raw(self) -> dict[str, Any]:
        """The spec as written (``$ref``s intact): what connexion loads and clients download."""
        loaded: dict[str, Any] = yaml.load(
            self.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
        return loaded

    @cached_property
    def json_bytes(self) -> bytes:
        return json.dumps(self.raw, default=str).encode()

    @cached_property
    def resolved(self) -> dict[str, Any]:
        """The spec with every ``$ref`` resolved (connexion's resolver, without re-validating)."""
        spec: dict[str, Any] = resolve_refs(self.raw)
        return spec

    @cached_property
    def base_path(self) -> str:
        return str(self.resolved["servers"][0]["url"]).rstrip("/")

    @cached_property
    def operations(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for methods in self.resolved["paths"].values():
            for method, operation in methods.items():
                if method in _METHODS:
                    found[operation["operationId"]] = operation
        return found

    @cached_property
    def operation_routes(self) -> dict[str, tuple[str, str]]:
        """``operationId`` → (METHOD, path template below the base path), in the spec's order."""
        return {
            operation["operationId"]: (method.upper(), template)
            for template, methods in self.resolved["paths"].items()
            for method, operation in methods.items()
            if method in _METHODS
        }

    def batch_item_schema(self, operation_id: str) -> dict[str, Any]:
        body = self.operations[operation_id]["requestBody"]["content"]["application/json"]
        items: dict[str, Any] = body["schema"]["items"]
        return items

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], list[str]]]:
        routes = []
        for template, methods in self.resolved["paths"].items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            allowed = sorted(m.upper() for m in methods if m in _METHODS)
            routes.append((re.compile(f"^{re.escape(self.base_path)}{pattern}$"), allowed))
        return routes

    def allowed_methods(self, path: str) -> list[str]:
        """The methods the spec defines for the first path template matching ``path``.

        Literal paths (``/tasks/batch``) come before templated ones in the spec, as they do in
        the router, so the first match is the route that would serve the request.
        """
        for pattern, methods in self._routes:
            if pattern.match(path):
                return methods
        return []
