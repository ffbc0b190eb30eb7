"""Edited copies of the spec, served in-process: what the server does when the spec moves ahead."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from taskmaster_server.openapi import ApiSpec, spec_path

INTERNAL_ERROR = {"$ref": "#/components/responses/InternalError"}


@cache
def _document() -> dict[str, Any]:
    return ApiSpec(spec_path()).raw


def spec_document() -> dict[str, Any]:
    """A fresh, editable copy of the spec as written (``$ref``s intact)."""
    return copy.deepcopy(_document())


def write_spec(document: dict[str, Any], directory: Path) -> Path:
    path = directory / "taskmaster.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def add_operation(
    document: dict[str, Any],
    path: str,
    method: str,
    operation_id: str,
    tag: str,
    *,
    parameters: list[dict[str, Any]] | None = None,
) -> None:
    """An operation answering 200 with a task, as a maintainer adding an endpoint would write."""
    document["paths"].setdefault(path, {})[method] = {
        "operationId": operation_id,
        "summary": f"{operation_id} (added to a copy of the spec by a test)",
        "tags": [tag],
        "parameters": parameters or [],
        "responses": {
            "200": {
                "description": "The task.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Task"}}},
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "500": INTERNAL_ERROR,
        },
    }
