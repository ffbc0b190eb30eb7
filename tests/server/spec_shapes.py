"""What the conformance checks read from the spec: operations, resources, filters, comparisons.

Pure functions of the spec, no I/O (tests/server/conformance.py runs them against a server).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from taskmaster_server.openapi import ApiSpec

# A filter whose property is not its own name nor derivable from it (rules in filter_property).
FILTER_PROPERTIES: dict[str, tuple[str, str]] = {"after": ("seq", ">")}
_SUFFIXES = {"_before": "<", "_after": ">=", "_since": ">="}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]
    parameters: list[dict[str, Any]]

    @property
    def query(self) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == "query"]

    def _body_schema(self) -> dict[str, Any]:
        content = self.spec.get("requestBody", {}).get("content", {})
        schema: dict[str, Any] = content.get("application/json", {}).get("schema") or {}
        return schema

    def json_body(self) -> dict[str, Any] | None:
        """The body's schema when the body is one JSON object."""
        schema = self._body_schema()
        return schema if schema.get("type") == "object" else None

    def batch_items(self) -> dict[str, Any] | None:
        """The item schema when the body is an array of objects (a batch)."""
        schema = self._body_schema()
        items: dict[str, Any] = schema.get("items", {}) if schema.get("type") == "array" else {}
        return items if items.get("type") == "object" else None

    def response_schema(self, status: str) -> dict[str, Any] | None:
        content = self.spec["responses"].get(status, {}).get("content", {})
        schema: dict[str, Any] | None = content.get("application/json", {}).get("schema")
        return schema

    def item_schema(self) -> dict[str, Any] | None:
        """The row schema of a list operation (a 200 object with a ``data`` array)."""
        schema = self.response_schema("200") or {}
        data = schema.get("properties", {}).get("data", {})
        return data.get("items") if data.get("type") == "array" else None


def operations(spec: ApiSpec) -> list[Operation]:
    found = []
    for path, methods in spec.resolved["paths"].items():
        shared = methods.get("parameters", [])
        for method, op in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                params = [*shared, *op.get("parameters", [])]
                found.append(Operation(op["operationId"], method.upper(), path, op, params))
    return found


def properties(schema: dict[str, Any]) -> dict[str, Any]:
    """An object schema's properties, its ``allOf`` parts' included."""
    found: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        found.update(properties(part))
    found.update(schema.get("properties", {}))
    return found


def non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of a nullable ``anyOf``, else the schema itself."""
    for option in schema.get("anyOf", []):
        if option.get("enum") != [None]:
            return dict(option)
    return schema


def normalized(value: Any, schema: dict[str, Any]) -> Any:
    """A value as compared: date-times as instants, unique arrays as sets, uuids lowercased."""
    schema = non_null(schema)
    if value is None:
        return None
    if schema.get("format") == "date-time" and isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if schema.get("format") == "uuid":
        return str(value).lower()
    if schema.get("type") == "array" and isinstance(value, list):
        items = [normalized(v, schema.get("items", {})) for v in value]
        return sorted(items, key=repr) if schema.get("uniqueItems") else items
    return value


def same(sent: Any, got: Any, schema: dict[str, Any]) -> bool:
    if isinstance(sent, dict) and isinstance(got, dict):
        # A merge patch adds to an object; what was sent must be there.
        return all(got.get(k) == v for k, v in sent.items())
    return bool(normalized(sent, schema) == normalized(got, schema))


def filter_property(
    name: str, schema: dict[str, Any], properties: dict[str, Any]
) -> tuple[str, str] | None:
    """The row property a filter reads, and how: from its name and schema, or the table."""
    if name in FILTER_PROPERTIES:
        return FILTER_PROPERTIES[name]
    many = schema.get("type") == "array"
    if name in properties:
        is_array = properties[name].get("type") == "array"
        return name, "overlaps" if is_array else ("in" if many else "==")
    if name.endswith("s") and name[:-1] in properties:  # types -> type
        return name[:-1], "in"
    if properties.get(name + "s", {}).get("type") == "array":  # tag -> tags
        return name + "s", "overlaps"
    for suffix, comparison in _SUFFIXES.items():
        stem = name.removesuffix(suffix)
        if stem != name:
            for prop in (f"{stem}_at", stem):
                if prop in properties:
                    return prop, comparison
    return None


def matches(value: Any, comparison: str, wanted: Any, schema: dict[str, Any]) -> bool:
    if value is None:
        return False
    if comparison == "overlaps":
        items = schema.get("items", {})
        return normalized(wanted, items) in [normalized(v, items) for v in value]
    left, right = normalized(value, schema), normalized(wanted, schema)
    if comparison in {"==", "in"}:
        return bool(left == right)
    if comparison == "<":
        return bool(left < right)
    if comparison == ">=":
        return bool(left >= right)
    return bool(left > right)


def splitting_value(
    rows: list[dict[str, Any]], prop: str, comparison: str, schema: dict[str, Any]
) -> tuple[Any, set[str]] | None:
    """A value of ``prop`` taken from the rows that some rows match and some do not."""
    schema = non_null(schema)
    candidates: list[Any] = []
    for row in rows:
        value = row.get(prop)
        for candidate in value if isinstance(value, list) else [value]:
            if candidate is not None and candidate not in candidates:
                candidates.append(candidate)
    key_schema = schema.get("items", {}) if comparison == "overlaps" else schema
    for candidate in sorted(candidates, key=lambda v: repr(normalized(v, key_schema))):
        expected = {
            str(r["id"]) for r in rows if matches(r.get(prop), comparison, candidate, schema)
        }
        if 0 < len(expected) < len(rows):
            return candidate, expected
    return None
