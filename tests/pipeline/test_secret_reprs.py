"""Every generated model holding a property marked `x-secret` in the spec (directly or through
`allOf`) masks it in its repr. The models are discovered from the spec, so a newly marked field
or a new schema embedding one is covered without touching this test."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from tests.pipeline.openapi_walk import load_spec

SPEC = load_spec()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def _resolve(node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        return SCHEMAS[node["$ref"].rsplit("/", 1)[1]]
    return node


def _properties(schema: Any) -> dict[str, Any]:
    """A schema's properties, its `allOf` parts' included (references resolved)."""
    schema = _resolve(schema)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(_properties(part))
    return found


SECRET_MODELS = {
    name: sorted(p for p, s in _properties(schema).items() if _resolve(s).get("x-secret"))
    for name, schema in SCHEMAS.items()
}
SECRET_MODELS = {name: fields for name, fields in SECRET_MODELS.items() if fields}


def _value(name: str) -> str:
    """A long, recognisable value for a secret field."""
    return f"{name}-SECRET-{'x' * 40}"


def test_the_spec_marks_the_known_secrets() -> None:
    assert SECRET_MODELS["TokenPair"] == ["access_token", "refresh_token"]
    assert SECRET_MODELS["WebhookWithSecret"] == ["secret"]
    assert {"LoginRequest", "RefreshRequest", "StreamTicket", "WebhookSecret"} <= set(SECRET_MODELS)


@pytest.mark.parametrize("schema_name", sorted(SECRET_MODELS))
def test_secret_fields_are_masked_in_the_repr(api: ModuleType, schema_name: str) -> None:
    schema = SCHEMAS[schema_name]
    example = dict(_resolve(schema).get("example") or {})
    secrets = {field: _value(field) for field in SECRET_MODELS[schema_name]}
    model = getattr(api.models, schema_name).from_dict({**example, **secrets})
    text = repr(model)
    for field, secret in secrets.items():
        assert getattr(model, field) == secret  # the value itself is intact
        assert secret not in text
        assert "SECRET" not in text
        assert f"{field}=" in text
    assert text.startswith(f"{schema_name}(")
    assert str(model) == text


@pytest.mark.parametrize("schema_name", sorted(SECRET_MODELS))
def test_a_short_secret_shows_nothing(api: ModuleType, schema_name: str) -> None:
    example = dict(_resolve(SCHEMAS[schema_name]).get("example") or {})
    secrets = dict.fromkeys(SECRET_MODELS[schema_name], "hunter2")
    text = repr(getattr(api.models, schema_name).from_dict({**example, **secrets}))
    assert "hunter" not in text


def test_models_without_secrets_keep_the_attrs_repr(api: ModuleType) -> None:
    health = api.models.Health.from_dict(SCHEMAS["Health"]["example"])
    assert "Health" not in SECRET_MODELS
    assert "_masked" not in vars(__import__(api.models.Health.__module__, fromlist=["_"]))
    assert repr(health).startswith("Health(")
