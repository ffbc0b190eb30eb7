"""Every generated model has `to_json()` and `_request_id` (templates/types.py.jinja's `Model`
base, which templates/model.py.jinja gives every model), checked on the spec's own examples."""

from __future__ import annotations

import json
from types import ModuleType

import pytest

from tests.pipeline.openapi_walk import assert_json_equivalent, is_model
from tests.pipeline.test_generated import EXAMPLES, SCHEMAS, generated_class

MODEL_EXAMPLES = sorted(name for name in EXAMPLES if is_model(SCHEMAS[name]))


@pytest.mark.parametrize("schema_name", MODEL_EXAMPLES)
def test_to_json_is_the_api_json_of_the_example(api: ModuleType, schema_name: str) -> None:
    cls = generated_class(api, schema_name)
    model = cls.from_dict(SCHEMAS[schema_name]["example"])
    assert isinstance(model, api.types.Model)
    text = model.to_json()
    assert_json_equivalent(json.loads(text), SCHEMAS[schema_name]["example"])
    assert cls.from_dict(json.loads(text)) == model
    assert json.loads(model.to_json(indent=None)) == json.loads(text)
    assert model._request_id is None  # not from a response
    assert "_request_id" not in text
    assert not hasattr(model, "__dict__"), "the base keeps the models slotted"


def test_every_model_class_has_the_base(api: ModuleType) -> None:
    classes = [
        obj
        for obj in vars(api.models).values()
        if isinstance(obj, type) and hasattr(obj, "to_dict")
    ]
    assert classes
    assert [c.__name__ for c in classes if not issubclass(c, api.types.Model)] == []
