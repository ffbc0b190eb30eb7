"""The overrides in templates/ against tests/pipeline/fixtures/hazards.yaml.

These hold whatever the real spec contains: each hazard has one instance in the fixture.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow  # generates a client (about 2 s per xdist worker)

TASK: dict[str, Any] = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "title": "Write the spec",
    "status": "todo",
    "priority": "low",
    "created_at": "2025-01-01T00:00:00+00:00",
}


def parse(api: ModuleType, operation: str, status: int, body: Any, content_type: str) -> Any:
    module = importlib.import_module(f"{api.__name__}.api.{operation}")
    client = api.Client(base_url="http://testserver")
    response = httpx.Response(status, json=body, headers={"content-type": content_type})
    return module._parse_response(client=client, response=response)


# --- (a) unknown enum values ------------------------------------------------


def test_unknown_str_enum_value_becomes_pseudo_member(hazards_api: ModuleType) -> None:
    task_status = hazards_api.models.TaskStatus
    status = task_status("archived")
    assert isinstance(status, task_status)
    assert status == "archived"
    assert status.value == "archived"
    assert str(status) == "archived"
    assert status.name == "UNKNOWN"
    assert status not in list(task_status)
    assert "archived" not in task_status.__members__.values()
    assert task_status("todo") is task_status.TODO


def test_unknown_int_enum_value_becomes_pseudo_member(hazards_api: ModuleType) -> None:
    retry_limit = hazards_api.models.RetryLimit
    assert retry_limit(7) == 7
    assert retry_limit(7).value == 7
    assert retry_limit(3) is retry_limit.VALUE_3
    with pytest.raises(ValueError, match="is not a valid"):
        retry_limit("7")  # the wrong JSON type is still an error


def test_wrong_json_type_is_still_an_error(hazards_api: ModuleType) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        hazards_api.models.TaskStatus(3)


def test_single_value_enum_stays_strict(hazards_api: ModuleType) -> None:
    tag = hazards_api.models.TaskCreatedEventType
    assert tag("task.created") is tag.TASK_CREATED
    with pytest.raises(ValueError, match="is not a valid"):
        tag("task.deleted")


def test_model_with_unknown_enum_values_round_trips(hazards_api: ModuleType) -> None:
    body = {**TASK, "status": "archived", "priority": "urgent", "retry_limit": 9}
    task = hazards_api.models.Task.from_dict(body)
    assert task.status == "archived"
    assert isinstance(task.priority, hazards_api.models.Priority)
    assert task.to_dict() == body


# --- (b) oneOf variants told apart by a single-value enum tag ---------------


@pytest.mark.parametrize(
    ("body", "variant"),
    [
        ({"type": "task.created", "id": "e1", "task": TASK}, "TaskCreatedEvent"),
        ({"type": "task.deleted", "id": "e2", "task_id": TASK["id"]}, "TaskDeletedEvent"),
        # Same required fields as TaskDeletedEvent: only the tag tells them apart.
        ({"type": "task.renamed", "id": "e3", "task_id": TASK["id"]}, "TaskRenamedEvent"),
        # An unknown value deep inside the first variant must not push parsing onward.
        (
            {"type": "task.created", "id": "e4", "task": {**TASK, "status": "archived"}},
            "TaskCreatedEvent",
        ),
    ],
)
def test_one_of_picks_the_variant_its_tag_names(
    hazards_api: ModuleType, body: dict[str, Any], variant: str
) -> None:
    parsed = parse(hazards_api, "events.get_event", 200, body, "application/json")
    assert type(parsed).__name__ == variant
    assert parsed.to_dict() == body


def test_one_of_with_an_unknown_tag_is_an_error(hazards_api: ModuleType) -> None:
    # Known limit of the generator's union parser: a variant added to the API later cannot
    # be represented, so it raises rather than guessing a wrong variant.
    body = {"type": "task.archived", "id": "e5"}
    with pytest.raises(ValueError, match=r"task\.archived"):
        parse(hazards_api, "events.get_event", 200, body, "application/json")


# --- (c) nullable enum references -------------------------------------------


def test_nullable_enum_references_share_one_class(hazards_api: ModuleType) -> None:
    models = hazards_api.models
    enums = [getattr(models, name) for name in models.__all__]
    priority_like = [
        cls
        for cls in enums
        if isinstance(cls, enum.EnumMeta) and {m.value for m in cls} == {"low", "medium", "high"}
    ]
    assert priority_like == [models.Priority]


@pytest.mark.parametrize("value", [None, "high", "urgent"])
def test_nullable_enum_reference_parses(hazards_api: ModuleType, value: str | None) -> None:
    task = hazards_api.models.Task.from_dict({**TASK, "priority": value})
    assert task.priority == value
    assert value is None or isinstance(task.priority, hazards_api.models.Priority)
    patch = hazards_api.models.TaskPatch.from_dict({"reviewer_priority": value})
    assert patch.reviewer_priority == value


# --- the inline nullable parser and the shared UUID reader (speed, same outcomes) ---------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("2025-01-02T03:04:05+00:00", datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        ("next week", "next week"),  # as the stock parser did: kept as it came
        (5, 5),
    ],
)
def test_nullable_value_parses_as_the_stock_parser_did(
    hazards_api: ModuleType, value: Any, expected: Any
) -> None:
    task = hazards_api.models.Task.from_dict({**TASK, "due_at": value})
    assert task.due_at == expected
    assert type(task.due_at) is type(expected)


def test_uuids_are_parsed_once_and_bad_ones_still_fail(hazards_api: ModuleType) -> None:
    first = hazards_api.models.Task.from_dict(TASK)
    again = hazards_api.models.Task.from_dict(dict(TASK))
    assert first.id == uuid.UUID(TASK["id"])
    assert again.id is first.id  # one parse per distinct string
    with pytest.raises(ValueError, match="badly formed"):
        hazards_api.models.Task.from_dict({**TASK, "id": "not-a-uuid"})
    with pytest.raises(TypeError):
        hazards_api.models.Task.from_dict({**TASK, "id": ["3fa85f64"]})
    with pytest.raises(AttributeError):
        hazards_api.models.Task.from_dict({**TASK, "id": 7})


# --- (d) free-form objects are mappings -------------------------------------------


def test_free_form_objects_read_as_mappings(hazards_api: ModuleType) -> None:
    body = {
        **TASK,
        "labels": {"team": "platform", "area": "sdk"},
        "reviews": {"alice": {"verdict": "ok"}},
        "extra": {"external_id": "X-1", "row": 12},
    }
    task = hazards_api.models.Task.from_dict(body)
    for free_form in (task.labels, task.reviews, task.extra):
        assert isinstance(free_form, MutableMapping)
    labels, extra = task.labels, task.extra
    assert extra.get("external_id") == "X-1"
    assert extra.get("missing") is None
    assert extra.get("missing", 0) == 0
    assert list(labels.keys()) == ["team", "area"]
    assert list(labels.values()) == ["platform", "sdk"]
    assert list(labels.items()) == [("team", "platform"), ("area", "sdk")]
    assert list(labels) == ["team", "area"]
    assert len(labels) == 2
    assert dict(extra) == {"external_id": "X-1", "row": 12}
    assert "row" in extra
    assert 12 not in extra  # any key may be asked about, as with a dict
    assert extra == {"external_id": "X-1", "row": 12}
    assert {"external_id": "X-1", "row": 12} == extra  # noqa: SIM300 (dict.__eq__ first)
    assert extra != {"external_id": "X-1"}
    assert labels == hazards_api.models.Labels.from_dict({"area": "sdk", "team": "platform"})
    review = task.reviews["alice"]
    assert isinstance(review, hazards_api.models.Review)
    assert task.reviews.get("alice") is review
    assert task.to_dict() == body  # still a model: it round-trips


def test_free_form_objects_stay_writable_and_unhashable(hazards_api: ModuleType) -> None:
    labels = hazards_api.models.Labels.from_dict({"team": "platform"})
    labels["area"] = "sdk"
    labels.update(owner="kim")
    assert labels.pop("team") == "platform"
    assert labels.to_dict() == {"area": "sdk", "owner": "kim"}
    with pytest.raises(TypeError, match="unhashable"):
        hash(labels)


def test_models_with_properties_are_not_mappings(hazards_api: ModuleType) -> None:
    task = hazards_api.models.Task.from_dict(TASK)
    assert not isinstance(task, Mapping)
    assert task == hazards_api.models.Task.from_dict(TASK)  # attrs' field-wise equality


def test_free_form_objects_type_check_as_mappings(hazards_api: ModuleType, tmp_path: Path) -> None:
    """What users write against a free-form object passes mypy --strict, with the value type
    the spec gives (a model for `Reviews`, `str` for `Labels`, `Any` for the rest)."""
    package = Path(hazards_api.__file__).parent
    user = tmp_path / "user.py"
    user.write_text(
        textwrap.dedent(
            """
            from collections.abc import Mapping
            from typing import Any, assert_type

            from hazards_api.models import Labels, Review, Reviews, Task, TaskExtra


            def read(task: Task, labels: Labels, reviews: Reviews, extra: TaskExtra) -> None:
                as_mapping: Mapping[str, str] = labels
                assert_type(labels.get("team"), str | None)
                assert_type(reviews.get("alice"), Review | None)
                assert_type(dict(extra), dict[str, Any])
                assert_type(list(labels.items()), list[tuple[str, str]])
                assert_type(len(reviews), int)
                print(as_mapping, "x" in extra, labels == {"team": "a"}, task.extra)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         str(user), str(package)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# --- problem+json -------------------------------------------------------------


def test_problem_json_error_is_parsed(hazards_api: ModuleType) -> None:
    body = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "gone"}
    parsed = parse(hazards_api, "tasks.get_task", 404, body, "application/problem+json")
    assert isinstance(parsed, hazards_api.models.Problem)
    assert parsed.to_dict() == body
