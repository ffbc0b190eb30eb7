"""openapi/taskmaster.yaml is valid, and written in forms the generator handles."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.pipeline.openapi_walk import SPEC_PATH, all_schema_nodes, operations


def test_spec_validates(spec: dict[str, Any]) -> None:
    document, base_uri = read_from_filename(str(SPEC_PATH))
    validate(document, base_uri=base_uri)
    assert spec["openapi"].startswith("3.0.")


def test_every_operation_has_a_unique_operation_id(spec: dict[str, Any]) -> None:
    ops = list(operations(spec))
    assert ops, "the spec has no operations"
    missing = [f"{op.method.upper()} {op.path}" for op in ops if not op.operation_id]
    assert not missing, f"operations without operationId: {missing}"
    modules = [op.module for op in ops]
    duplicates = sorted({m for m in modules if modules.count(m) > 1})
    assert not duplicates, f"operationIds that generate the same module: {duplicates}"


def test_no_inline_nullable_enum(spec: dict[str, Any]) -> None:
    """openapi-python-client 0.29 mishandles an inline enum marked nullable: without `null`
    in the list it drops the None (the client then fails on null), and with it the enum
    class is generated three times (`...Type1`, `...Type2Type1`, ...). A nullable enum is
    written as a reference instead:  {nullable: true, allOf: [{$ref: ...}]}."""
    offenders = [
        where
        for where, node in all_schema_nodes(spec)
        if "enum" in node
        and (node.get("nullable") is True or None in node["enum"])
        and node["enum"] != [None]
    ]
    assert not offenders, f"inline nullable enums: {offenders}"
