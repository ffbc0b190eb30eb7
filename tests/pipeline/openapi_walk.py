"""Read the OpenAPI spec the way the generator sees it: operations, schemas, generated names.

Names are derived with openapi-python-client's own helpers (`strings.PythonIdentifier`,
`strings.ClassName`), so the tests expect exactly the modules and classes it writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client import strings

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "taskmaster.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FIELD_PREFIX = "field_"  # openapi-python-client's default `field_prefix`
JSON_MEDIA_TYPES = ("application/json", "application/problem+json")


class _JSONishLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as strings, as a JSON client receives them."""


_JSONishLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The spec as plain data; an empty dict when the file does not exist yet."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=_JSONishLoader)
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    operation_id: str
    tag: str
    data: Mapping[str, Any]

    @property
    def module(self) -> str:
        """Dotted module under the generated package, e.g. `api.tasks.create_task`."""
        tag_dir = strings.PythonIdentifier(self.tag, prefix="tag")
        name = strings.PythonIdentifier(self.operation_id, prefix=FIELD_PREFIX)
        return f"api.{tag_dir}.{name}"


def operations(spec: Mapping[str, Any]) -> Iterator[Operation]:
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            # Without generate_all_tags the generator files an endpoint under its first tag.
            tag = (op.get("tags") or ["default"])[0]
            yield Operation(path, method, op.get("operationId", ""), tag, op)


def schemas(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = spec.get("components", {}).get("schemas", {})
    return result


def class_name(schema_name: str, schema: Mapping[str, Any]) -> str:
    """The generated class for a component schema: its `title` wins over its key."""
    return str(strings.ClassName(schema.get("title") or schema_name, prefix=FIELD_PREFIX))


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow `$ref` chains inside this document (components only)."""
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"external $ref not supported here: {ref}")
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def single_ref(node: Mapping[str, Any]) -> str | None:
    """The component a property points at: `$ref`, or `allOf`/`anyOf`/`oneOf` of one `$ref`
    (plus, for anyOf/oneOf, a null-only branch: the nullable-reference idioms)."""
    if "$ref" in node:
        return str(node["$ref"])
    for key in ("allOf", "anyOf", "oneOf"):
        branches = [b for b in node.get(key, []) if not _is_null_only(b)]
        if len(branches) == 1 and "$ref" in branches[0]:
            return str(branches[0]["$ref"])
    return None


def _is_null_only(node: Mapping[str, Any]) -> bool:
    return node.get("enum") == [None] or node.get("type") == "null"


def is_enum(schema: Mapping[str, Any]) -> bool:
    return "enum" in schema and schema.get("type") in ("string", "integer")


def is_model(schema: Mapping[str, Any]) -> bool:
    """Component schemas the generator turns into an attrs class with from_dict/to_dict."""
    if is_enum(schema) or "oneOf" in schema or "anyOf" in schema:
        return False
    return schema.get("type") == "object" or "properties" in schema or "allOf" in schema


def union_variants(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str] | None:
    """Component names of a oneOf/anyOf made of `$ref`s only (else None)."""
    branches = schema.get("oneOf") or schema.get("anyOf")
    if not branches or not all("$ref" in b for b in branches):
        return None
    return [ref_name(b["$ref"]) for b in branches]


def discriminated_variant(
    spec: Mapping[str, Any], union: Mapping[str, Any], value: Any
) -> str | None:
    """The variant a oneOf's discriminator names for `value` (mapping, else the tag itself)."""
    discriminator = union.get("discriminator")
    if discriminator is None or not isinstance(value, Mapping):
        return None
    tag = value.get(discriminator["propertyName"])
    target = discriminator.get("mapping", {}).get(tag, tag)
    return ref_name(str(target)) if target is not None else None


Step = tuple[str, str | int]  # ("attr", json_property_name) or ("item", index)


def union_sites(
    spec: Mapping[str, Any], schema: Mapping[str, Any], value: Any, path: tuple[Step, ...] = ()
) -> Iterator[tuple[tuple[Step, ...], str]]:
    """Walk a JSON value beside its schema; yield (path, variant) for every value that sits
    in a discriminated oneOf, naming the variant it must parse to."""
    schema = resolve(spec, schema)
    if union_variants(spec, schema) is not None:
        variant = discriminated_variant(spec, schema, value)
        if variant is not None:
            yield path, variant
            yield from union_sites(spec, schemas(spec)[variant], value, path)
        return
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            yield from union_sites(spec, schema["items"], item, (*path, ("item", i)))
    elif isinstance(value, Mapping):
        properties = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            properties.update(resolve(spec, part).get("properties", {}))
        for name, item in value.items():
            if name in properties:
                yield from union_sites(spec, properties[name], item, (*path, ("attr", name)))


def follow(parsed: Any, path: tuple[Step, ...]) -> Any:
    """Apply a union_sites() path to the parsed models."""
    for kind, key in path:
        if kind == "item":
            parsed = parsed[key]
        else:
            parsed = getattr(parsed, strings.PythonIdentifier(str(key), prefix=FIELD_PREFIX))
    return parsed


def unknown_value(enum_schema: Mapping[str, Any]) -> str | int:
    return 987_654_321 if enum_schema.get("type") == "integer" else "value-added-after-generation"


def all_schema_nodes(node: Any, where: str = "#") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every mapping in the document with its JSON pointer (for spec-wide rules)."""
    if isinstance(node, Mapping):
        yield where, node
        for key, value in node.items():
            yield from all_schema_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from all_schema_nodes(value, f"{where}/{i}")


def assert_json_equivalent(actual: Any, expected: Any, where: str = "$") -> None:
    """`actual == expected`, except that date-time strings compare as instants
    (`to_dict()` writes `+00:00` where an example may say `Z`)."""
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{where}: {actual!r} is not an object"
        assert set(actual) == set(expected), (
            f"{where}: keys differ: {sorted(set(actual) ^ set(expected))}"
        )
        for key in expected:
            assert_json_equivalent(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not an array"
        assert len(actual) == len(expected), f"{where}: lengths differ"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_json_equivalent(a, e, f"{where}[{i}]")
    elif isinstance(expected, str) and isinstance(actual, str) and actual != expected:
        instant = _as_instant(expected)
        assert instant is not None, f"{where}: {actual!r} != {expected!r}"
        assert _as_instant(actual) == instant, f"{where}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _as_instant(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
