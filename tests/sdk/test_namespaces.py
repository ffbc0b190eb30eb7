"""The generated namespaces: made once per client, rebuilt for `with_options` copies, the same
functions as the flat methods; and the generator's names file is checked against the spec."""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest
import yaml

from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from tests.pipeline.openapi_walk import ROOT, load_spec
from tests.sdk.conftest import API, task_json

TASK_ID = "0b7e1b7e-62b5-4a43-9d69-6f8f3b1d2a10"


def test_a_namespace_is_made_once_and_not_shared_with_a_copy() -> None:
    client = TaskMasterClient(API, token="t", verify_tokens=False)
    assert client.tasks is client.tasks
    copy = client.with_options(timeout=5)
    assert copy.tasks is not client.tasks
    assert copy.tasks._client is copy
    assert TaskMasterClient.get_task is type(client.tasks).get
    assert AsyncTaskMasterClient.list_tasks is type(AsyncTaskMasterClient(API).tasks).list


def test_a_copys_namespace_sends_with_the_copys_options(router: Any, client_factory: Any) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(200, json=task_json(id=TASK_ID))
    )
    client = client_factory(token="t", verify_tokens=False)
    client.tasks.get(TASK_ID)  # cache the namespace on the original first
    client.with_options(headers={"X-Trace": "copy"}).tasks.get(TASK_ID)
    assert "X-Trace" not in route.calls[0].request.headers
    assert route.calls[1].request.headers["X-Trace"] == "copy"


@pytest.fixture
def sdkgen() -> Any:
    sys.path.insert(0, str(ROOT / "scripts" / "sdkgen"))
    try:
        import spec as sdkgen_spec

        yield sdkgen_spec
    finally:
        sys.path.remove(str(ROOT / "scripts" / "sdkgen"))
        sys.modules.pop("spec", None)  # a generic name: leave nothing behind


def _names() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "templates" / "sdk" / "names.yaml").read_text())


@pytest.mark.parametrize("section", ["methods", "hand_written", "no_flat", "filters"])
def test_the_names_file_may_only_name_operations_of_the_spec(sdkgen: Any, section: str) -> None:
    names = _names()
    names[section] = {**(names.get(section) or {}), "no_such_operation": "x"}
    with pytest.raises(sdkgen.SpecError, match="no_such_operation"):
        sdkgen.read_spec(load_spec(), names)


def test_an_override_renames_a_namespace_method(sdkgen: Any) -> None:
    names = _names()
    names["methods"] = {"get_me": "me"}
    resources, _ = sdkgen.read_spec(load_spec(), names)
    accounts = next(r for r in resources if r.attr == "accounts")
    assert "me" in [op.method for op in accounts.operations]
    assert "get_me" in [op.flat for op in accounts.operations]  # the flat name stays


def test_webhook_verification_hangs_off_the_webhooks_namespace() -> None:
    from tests.sdk.test_webhook_verify import BODY, SECRET, oracle_headers

    with TaskMasterClient(API, token="t") as client:
        assert client.webhooks.verify(BODY, oracle_headers(BODY), SECRET).seq == 42
    aclient = AsyncTaskMasterClient(API, token="t")
    assert aclient.webhooks.verify(BODY, oracle_headers(BODY), SECRET).seq == 42
