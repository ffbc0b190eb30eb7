"""Every free-form object of the committed client is a mapping; every record is not.

A free-form object is a schema with no properties of its own whose `additionalProperties` is not
false (`Metadata`, `EventData`, `Readiness.checks`): templates/model.py.jinja makes its class a
`MutableMapping`. The behaviour itself is tested on the hazards fixture (test_templates.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import attrs
import pytest

from tests.pipeline.openapi_walk import class_name, is_model, load_spec, schemas

SCHEMAS = schemas(load_spec())
FREE_FORM = sorted(
    name
    for name, schema in SCHEMAS.items()
    if is_model(schema)
    and not schema.get("properties")
    and "allOf" not in schema
    and schema.get("additionalProperties", True) is not False
)


def model_classes(api: ModuleType) -> list[Any]:
    return [cls for name in api.models.__all__ if attrs.has(cls := getattr(api.models, name))]


def test_the_spec_has_free_form_objects() -> None:
    assert {"Metadata", "EventData"} <= set(FREE_FORM)


@pytest.mark.parametrize("schema_name", FREE_FORM)
def test_free_form_schema_generates_a_mapping(api: ModuleType, schema_name: str) -> None:
    cls = getattr(api.models, class_name(schema_name, SCHEMAS[schema_name]))
    value = cls.from_dict({"external_id": "X-1"})
    assert isinstance(value, Mapping)
    assert value.get("external_id") == "X-1"
    assert value == {"external_id": "X-1"}


def test_only_free_form_classes_are_mappings(api: ModuleType) -> None:
    """Inline free-form objects too (`ReadinessChecks`); records (`Task`) stay records."""
    classes = model_classes(api)
    free_form = {
        cls.__name__
        for cls in classes
        if [f.name for f in attrs.fields(cls)] == ["additional_properties"]
    }
    assert {"Metadata", "EventData", "ReadinessChecks"} <= free_form
    mappings = {cls.__name__ for cls in classes if issubclass(cls, Mapping)}
    assert mappings == free_form
