"""The API reference reads in the order users meet the SDK: clients, resources, models, errors.

The grouping is derived (docs/_ext/public_api.py): from what each exported name is and the
module it comes from, and, for the resources, from the clients' namespace properties. These
tests check the derivation on `taskmaster` itself and on a small client of their own, the page's
order of groups, and the built page (`make docs`; skipped with that advice when not built).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cached_property
from pathlib import Path
from types import ModuleType

import pytest

import taskmaster

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = DOCS / "api-reference.md"
BUILT = DOCS / "_build" / "html" / "api-reference.html"


def _extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("public_api", DOCS / "_ext" / "public_api.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


public_api = _extension()


def _groups() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in taskmaster.__all__:
        found.setdefault(public_api.group_of(getattr(taskmaster, name)), []).append(name)
    return found


def test_the_page_orders_clients_resources_models_errors_then_the_rest() -> None:
    groups = re.findall(r"^:group: (\w+)$", PAGE.read_text(encoding="utf-8"), re.M)
    assert groups[:4] == ["clients", "resources", "models", "errors"]
    assert set(groups[4:]) <= {"classes", "functions", "data", "modules", "rest"}


def test_the_clients_group_is_the_sync_client_then_its_async_twin() -> None:
    clients = public_api.twin_order(_groups()["clients"])
    assert clients == ["TaskMasterClient", "AsyncTaskMasterClient"]


def test_groups_come_from_what_a_name_is_and_where_it_comes_from() -> None:
    groups = _groups()
    assert "APIResponse" in groups["classes"]  # no longer the page's first entry
    assert all(
        getattr(taskmaster, n).__module__.startswith("taskmaster_api") for n in groups["models"]
    )
    assert all(issubclass(getattr(taskmaster, n), BaseException) for n in groups["errors"])
    assert (
        public_api.hierarchy_order({n: getattr(taskmaster, n) for n in groups["errors"]})[0]
        == "TaskMasterError"
    )


class _Resource:
    def list(self) -> None:
        """List them."""


class _AsyncResource:
    async def list(self) -> None:
        """List them, awaited."""


class _View:
    def get(self) -> None:
        """Not a resource: a view of the whole client."""


class ExampleClient:
    @cached_property
    def widgets(self) -> _Resource:
        return _Resource()

    @property
    def with_raw_response(self) -> _View:
        return _View()

    @property
    def pattern(self) -> re.Pattern[str]:  # another package's class: not a resource
        return re.compile("")


class AsyncExampleClient:
    @cached_property
    def widgets(self) -> _AsyncResource:
        return _AsyncResource()


def test_resources_are_the_namespaces_the_clients_properties_return() -> None:
    found = public_api.namespaces(
        {"AsyncExampleClient": AsyncExampleClient, "ExampleClient": ExampleClient}
    )
    assert found == [("widgets", [_Resource, _AsyncResource])]
    lines = public_api.resource_lines({"ExampleClient": ExampleClient})
    assert lines[0] == ".. rubric:: ``client.widgets``"
    assert f".. autoclass:: {__name__}._Resource" in lines


def test_the_built_page_opens_with_the_clients() -> None:
    if not BUILT.is_file():
        pytest.skip(
            f"{BUILT} is not built: run `make docs` first (CI builds the docs before tests)"
        )
    html = BUILT.read_text(encoding="utf-8")
    headings = re.findall(r"<h2>([^<]+)<a", html)
    assert headings[:4] == ["Clients", "Resources", "Models", "Errors"], headings
    # Documented objects in page order (class entries only: their ids have no member part).
    objects = re.findall(r'<dt class="sig sig-object py" id="taskmaster\.(\w+)">', html)
    assert objects[:2] == ["TaskMasterClient", "AsyncTaskMasterClient"], objects[:5]
    first_model = objects.index("Task")
    first_error = objects.index("TaskMasterError")
    assert 2 <= first_model < first_error < objects.index("APIResponse")
