"""Request validation that answers RFC 9457 problems instead of connexion's defaults.

Connexion validates bodies and parameters from the spec, but stops at the first error and
answers ``400`` with a jsonschema dump, and a body that is not UTF-8 makes it raise a ``500``.
These validators plug into connexion's ``validator_map`` and report every error at once as
``422`` with JSON pointers, malformed JSON as ``400``.

Array bodies (the batch operations) are checked for shape only here (array, size); each item is
validated by the batch handler with the item schema, so that a bad item fails alone.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.validators import JSONRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from starlette.types import Receive, Scope

from taskmaster_server.json_input import loads, representable_datetime, text_errors
from taskmaster_server.pattern_messages import pattern_detail
from taskmaster_server.problems import FieldError, Problem, field_error

__all__ = ["VALIDATOR_MAP", "SchemaChecker", "checker_for", "parse_json_body", "schema_errors"]

_CODES = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minProperties": "min_properties",
    "maxProperties": "max_properties",
    "uniqueItems": "unique_items",
    "additionalProperties": "unknown_field",
    "enum": "enum",
    "type": "type",
    "format": "format",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "required": "required",
}


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _detail(error: ValidationError) -> str:
    value = error.validator_value
    validator = error.validator
    if validator == "minLength":
        return f"String is too short (minimum length {value})."
    if validator == "maxLength":
        return f"String is too long (maximum length {value})."
    if validator == "enum":
        return "Must be one of: " + ", ".join(json.dumps(v) for v in value) + "."
    if validator == "format":
        return f"Not a valid {value}."
    if validator == "pattern":
        worded = pattern_detail(error.schema, error.instance)
        if worded is not None:
            return worded
    message = str(error.message)
    return message if message.endswith(".") else message + "."


def schema_errors(errors: Iterable[ValidationError], prefix: str = "") -> list[FieldError]:
    """jsonschema errors as ``FieldError``s whose pointers start with ``prefix``."""
    found: list[FieldError] = []
    for error in errors:
        base = prefix + _pointer(error.absolute_path)
        code = _CODES.get(str(error.validator), str(error.validator))
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                found.append(field_error(f"{base}/{name}", "This field is required.", code))
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - known):
                found.append(field_error(f"{base}/{name}", "Unknown field.", code))
        else:
            found.append(field_error(base, _detail(error), code))
    return sorted(found, key=lambda e: e["pointer"])


_CHECKERS: dict[int, tuple[Mapping[str, Any], SchemaChecker]] = {}


def checker_for(schema: Mapping[str, Any]) -> SchemaChecker:
    """A cached checker for a schema object of the loaded spec (they live as long as the app)."""
    cached = _CHECKERS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, SchemaChecker(schema))
        _CHECKERS[id(schema)] = cached
    return cached[1]


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Draft 4 knows no "uuid" format: without this, "42" passes as a task id and fails later.
FORMATS = copy.deepcopy(Draft4Validator.FORMAT_CHECKER)


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


FORMATS.checks("uuid")(_is_uuid)
_rfc3339 = FORMATS.checkers["date-time"][0]


def _is_datetime(value: object) -> bool:
    # RFC 3339 allows offsets that push an instant out of years 1-9999 once in UTC.
    return bool(_rfc3339(value)) and representable_datetime(value)


FORMATS.checks("date-time")(_is_datetime)


class SchemaChecker:
    """Validates instances against one schema with the spec's semantics (``nullable`` too)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._validator = Draft4RequestValidator(dict(schema), format_checker=FORMATS)

    def errors(self, instance: Any, prefix: str = "") -> list[FieldError]:
        """Schema errors, and text no database can store (json_input.text_errors)."""
        found = self.shape_errors(instance, prefix) + text_errors(instance, prefix)
        return sorted(found, key=lambda e: e["pointer"])

    def shape_errors(self, instance: Any, prefix: str = "") -> list[FieldError]:
        return schema_errors(self._validator.iter_errors(instance), prefix)


def parse_json_body(raw: bytes) -> Any:
    """The body as JSON within the API's limits (json_input.loads), else a ``400`` problem."""
    return loads(raw)


class BodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        if raw.strip():
            self._check(parse_json_body(raw))
        elif self._required:
            raise Problem(
                "validation-error",
                "A request body is required.",
                errors=[field_error("", "A request body is required.", "required")],
            )
        replay = [{"type": "http.request", "body": raw, "more_body": False}]
        return self._insert_messages(receive, messages=replay), scope

    def _check(self, body: Any) -> None:
        if self._schema.get("type") == "array":
            # Items are validated one by one by the batch handler (per-item results).
            shape = {k: v for k, v in self._schema.items() if k != "items"}
            errors = SchemaChecker(shape).shape_errors(body)
        else:
            errors = checker_for(self._schema).errors(body)
        if errors:
            count = len(errors)
            raise Problem(
                "validation-error",
                f"The request body has {count} invalid field{'s' if count != 1 else ''}.",
                errors=errors,
            )


class ParametersValidator(ParameterValidator):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What to check depends on the operation only: worked out once, not per request.
        self._checks: list[tuple[str, str, str, bool, SchemaChecker]] = []
        for where in ("query", "path", "header"):
            # connexion lists path-level parameters once per middleware that built the
            # operation; check each parameter once.
            unique = {p["name"]: p for p in self.parameters.get(where, [])}
            for name, param in unique.items():
                key = name.replace("-", "_") if where == "path" else name
                checker = checker_for(param.get("schema", param))
                self._checks.append(
                    (where, key, f"#/{where}/{name}", bool(param.get("required")), checker)
                )
        self._known_query = frozenset(p["name"] for p in self.parameters.get("query", []))

    def validate_request(self, request: ConnexionRequest) -> None:
        errors: list[FieldError] = []
        sources = {
            "query": request.query_params,
            "path": request.path_params,
            "header": request.headers,
        }
        for where, key, pointer, required, checker in self._checks:
            value = sources[where].get(key)
            if value is None:
                if required:
                    errors.append(field_error(pointer, "This parameter is required.", "required"))
                continue
            for error in checker.errors(value):
                errors.append(field_error(pointer, error["detail"], error["code"]))
        for name in sorted(set(request.query_params) - self._known_query):
            # A misspelt filter (?statuss=done) must not silently widen a query.
            errors.append(
                field_error(f"#/query/{name}", "Unknown query parameter.", "unknown_parameter")
            )
        if errors:
            count = len(errors)
            raise Problem(
                "validation-error",
                f"The request has {count} invalid parameter{'s' if count != 1 else ''}.",
                errors=errors,
            )


# A plain dict under "body" would be looked up by exact media type and silently skip
# validation for anything else; MediaTypeDict matches ranges, so */*json covers
# application/json and application/merge-patch+json alike.
VALIDATOR_MAP: dict[str, Any] = {
    "parameter": ParametersValidator,
    "body": MediaTypeDict({"*/*json": BodyValidator}),
}
