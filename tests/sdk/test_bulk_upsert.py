"""`bulk_upsert_tasks`'s key comes from the spec; a wrong one is refused before any request."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from taskmaster import InvalidRequestError, TaskMasterClient
from taskmaster._bulk import UPSERT_KEYS

SPEC = Path(__file__).parents[2] / "openapi" / "taskmaster.yaml"


def test_upsert_keys_are_the_specs_less_the_project_scope() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    key = spec["components"]["schemas"]["TaskUpsert"]["x-upsert-key"]
    assert tuple(field for field in key if field != "project_id") == UPSERT_KEYS


def test_unknown_key_is_refused_naming_the_choices() -> None:
    def no_request(request: object) -> None:
        raise AssertionError("nothing may be sent")

    import httpx

    with (
        TaskMasterClient(
            api_url="http://testserver",
            token="k",
            http_client=httpx.Client(transport=httpx.MockTransport(no_request)),
        ) as client,
        pytest.raises(InvalidRequestError, match=r"choose one of 'external_id'"),
    ):
        client.bulk_upsert_tasks([{"external_id": "a", "title": "a"}], key="id")
