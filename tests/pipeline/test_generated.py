"""The committed generated/taskmaster_api matches the spec, schema by schema."""

from __future__ import annotations

import enum
import importlib
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.pipeline.openapi_walk import (
    JSON_MEDIA_TYPES,
    ROOT,
    assert_json_equivalent,
    class_name,
    follow,
    is_enum,
    is_model,
    load_spec,
    operations,
    resolve,
    schemas,
    single_ref,
    union_sites,
    union_variants,
    unknown_value,
)

# Parametrize from the spec at collection time; an absent spec yields no cases here and
# test_spec.py fails on it instead.
SPEC = load_spec()
SCHEMAS = schemas(SPEC)
OPERATIONS = list(operations(SPEC))
EXAMPLES = {name: s for name, s in SCHEMAS.items() if "example" in s}
ENUMS = {name: s for name, s in SCHEMAS.items() if is_enum(s)}


def generated_class(api: ModuleType, schema_name: str) -> Any:
    name = class_name(schema_name, SCHEMAS[schema_name])
    cls = getattr(api.models, name, None)
    assert cls is not None, f"schema {schema_name!r}: no class {name!r} in taskmaster_api.models"
    return cls


def test_package_is_typed() -> None:
    assert (ROOT / "generated" / "taskmaster_api" / "py.typed").is_file()


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_has_a_module(api: ModuleType, op: Any) -> None:
    module = importlib.import_module(f"{api.__name__}.{op.module}")
    for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, function, None)), f"{op.module}.{function} missing"


# --- examples ---------------------------------------------------------------


@pytest.mark.parametrize("schema_name", sorted(EXAMPLES))
def test_example_round_trips(api: ModuleType, schema_name: str) -> None:
    schema, example = SCHEMAS[schema_name], SCHEMAS[schema_name]["example"]
    if is_enum(schema):
        assert generated_class(api, schema_name)(example).value == example
    elif is_model(schema):
        model = generated_class(api, schema_name).from_dict(example)
        assert_json_equivalent(model.to_dict(), example)
    elif (variants := union_variants(SPEC, schema)) is not None:
        # Exactly one variant accepts the example: the tags keep the others out.
        parsed = []
        for variant in variants:
            try:
                parsed.append(generated_class(api, variant).from_dict(example))
            except (TypeError, ValueError, KeyError, AttributeError):
                continue
        assert len(parsed) == 1, f"{len(parsed)} variants of {schema_name} accept its example"
        assert_json_equivalent(parsed[0].to_dict(), example)
    else:
        pytest.skip(f"{schema_name} generates no class (a primitive alias)")


# --- enums ------------------------------------------------------------------


@pytest.mark.parametrize("schema_name", sorted(ENUMS))
def test_enum_accepts_unknown_values_unless_single_valued(
    api: ModuleType, schema_name: str
) -> None:
    schema = ENUMS[schema_name]
    cls = generated_class(api, schema_name)
    value = unknown_value(schema)
    if len(schema["enum"]) == 1:  # a oneOf tag: must stay strict
        with pytest.raises(ValueError, match="is not a valid"):
            cls(value)
    else:
        member = cls(value)
        assert isinstance(member, cls)
        assert member.value == value
        assert member not in list(cls)


def _enum_properties(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Top-level properties of a model that reference a multi-valued enum component."""
    found = {}
    for prop_name, prop in schema.get("properties", {}).items():
        ref = single_ref(prop)
        if ref is not None:
            target = resolve(SPEC, {"$ref": ref})
            if is_enum(target) and len(target["enum"]) > 1:
                found[prop_name] = dict(target)
    return found


MODEL_EXAMPLES_WITH_ENUMS = sorted(
    name for name, s in EXAMPLES.items() if is_model(s) and _enum_properties(s)
)


@pytest.mark.parametrize("schema_name", MODEL_EXAMPLES_WITH_ENUMS)
def test_model_parses_unknown_enum_values(api: ModuleType, schema_name: str) -> None:
    schema = SCHEMAS[schema_name]
    payload = dict(schema["example"])
    for prop_name, enum_schema in _enum_properties(schema).items():
        payload[prop_name] = unknown_value(enum_schema)
    model = generated_class(api, schema_name).from_dict(payload)
    assert_json_equivalent(model.to_dict(), payload)


def test_no_duplicate_enum_classes(api: ModuleType) -> None:
    """A nullable reference to an enum must reuse its class, not generate `...Type1` copies."""
    by_values: dict[frozenset[Any], list[str]] = {}
    for name in api.models.__all__:
        cls = getattr(api.models, name)
        if isinstance(cls, enum.EnumMeta):
            by_values.setdefault(frozenset(m.value for m in cls), []).append(name)
    duplicates = [names for names in by_values.values() if len(names) > 1]
    assert not duplicates, f"enum classes with identical values: {duplicates}"


# --- oneOf -------------------------------------------------------------------


def _response_cases() -> list[Any]:
    """(operation, status, media type, example) for every JSON response whose example holds a
    discriminated oneOf somewhere; a response that *is* a oneOf uses each variant's example."""
    cases = []
    for op in OPERATIONS:
        for status, response in op.data.get("responses", {}).items():
            response = resolve(SPEC, response)
            for media_type, content in response.get("content", {}).items():
                if media_type not in JSON_MEDIA_TYPES or not status.isdigit():
                    continue
                schema = resolve(SPEC, content.get("schema", {}))
                examples = [schema["example"]] if "example" in schema else []
                examples += [
                    SCHEMAS[v]["example"]
                    for v in union_variants(SPEC, schema) or []
                    if "example" in SCHEMAS[v]
                ]
                for i, example in enumerate(examples):
                    if any(union_sites(SPEC, content["schema"], example)):
                        case_id = f"{op.operation_id}-{status}-{i}"
                        cases.append(pytest.param(op, int(status), media_type, example, id=case_id))
    return cases


RESPONSE_CASES = _response_cases()


@pytest.mark.skipif(not RESPONSE_CASES, reason="no response example holds a discriminated oneOf")
@pytest.mark.parametrize(("op", "status", "media_type", "example"), RESPONSE_CASES)
def test_one_of_response_picks_the_right_variant(
    api: ModuleType, op: Any, status: int, media_type: str, example: Any
) -> None:
    module = importlib.import_module(f"{api.__name__}.{op.module}")
    response = httpx.Response(status, json=example, headers={"content-type": media_type})
    parsed = module._parse_response(client=api.Client(base_url="http://test"), response=response)
    schema = resolve(SPEC, op.data["responses"][str(status)])["content"][media_type]["schema"]
    for path, variant in union_sites(SPEC, schema, example):
        assert type(follow(parsed, path)) is generated_class(api, variant), f"at {path}"
    assert_json_equivalent(parsed.to_dict(), example)


MODEL_EXAMPLES_WITH_UNIONS = sorted(
    name
    for name, schema in EXAMPLES.items()
    if is_model(schema) and any(union_sites(SPEC, schema, schema["example"]))
)


@pytest.mark.skipif(not MODEL_EXAMPLES_WITH_UNIONS, reason="no model example holds a oneOf")
@pytest.mark.parametrize("schema_name", MODEL_EXAMPLES_WITH_UNIONS)
def test_one_of_properties_pick_the_right_variant(api: ModuleType, schema_name: str) -> None:
    example = SCHEMAS[schema_name]["example"]
    parsed = generated_class(api, schema_name).from_dict(example)
    for path, variant in union_sites(SPEC, SCHEMAS[schema_name], example):
        assert type(follow(parsed, path)) is generated_class(api, variant), f"at {path}"
