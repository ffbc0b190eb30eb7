"""The regeneration drill of docs/regenerating.md, as a test: spec changes reach the SDK with no
hand edit outside openapi/.

On a copy of the spec in a temp dir, four changes (an optional field on Task, a query parameter
on list tasks, a body-less POST on a task, a new paginated list in a new tag), then
`scripts/generate` into a copy of the SDK; ruff and `mypy --strict` pass over the result and a
typed usage file, which also runs (sync, async and `with_raw_response`) against a mock of the
new routes. A fifth change, a breaking rename, must fail mypy where the SDK's own code (the CLI)
and the examples use the old name.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pipeline.openapi_walk import ROOT, SPEC_PATH

# Two generator runs (in parallel) and three mypy runs (sharing a cache).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PY = str(Path(sys.executable))
# Shared by the runs (and kept between sessions): the third-party modules are checked once.
MYPY_CACHE = Path(tempfile.gettempdir()) / "taskmaster-drill-mypy-cache"
BIN = Path(sys.executable).parent

USAGE = textwrap.dedent(
    '''
    """Uses every drill change, typed; run, it checks each one against a mock server."""

    from __future__ import annotations

    import asyncio
    import json
    import uuid
    from pathlib import Path
    from typing import Any

    import httpx

    from taskmaster import AsyncTaskMasterClient, Task, TaskMasterClient
    from taskmaster_api.models import Label
    from taskmaster_api.types import Unset

    # The spec's example Task, with the new field.
    TASK: dict[str, Any] = json.loads(Path(__file__).with_name("task.json").read_text())
    SEEN: list[str] = []


    def answer(request: httpx.Request) -> httpx.Response:
        SEEN.append(f"{request.method} {request.url.path} {request.url.query.decode()}")
        path = request.url.path
        if path.endswith("/labels"):
            second = "cursor=c2" in str(request.url)
            label = {"id": str(uuid.uuid4()), "name": "second" if second else "first"}
            return httpx.Response(200, json={"data": [label], "has_more": not second,
                                             "next_cursor": None if second else "c2"})
        if path.endswith("/archive"):
            return httpx.Response(200, json={**TASK, "status": "done"})
        if path.endswith("/tasks") and request.method == "POST":
            assert json.loads(request.content)["estimate_minutes"] == 30
            return httpx.Response(201, json=TASK)
        if path.endswith("/tasks"):
            assert request.url.params["assignee"] == "ada"
            return httpx.Response(200, json={"data": [TASK], "has_more": False,
                                             "next_cursor": None})
        return httpx.Response(404, json={"type": "about:blank", "title": "no", "status": 404})


    def sync_calls(client: TaskMasterClient) -> None:
        task: Task = client.create_task(title="t", estimate_minutes=30)
        minutes: int | Unset = task.estimate_minutes
        assert minutes == 30
        assert client.tasks.create(title="t", estimate_minutes=30).id == task.id
        assert [t.id for t in client.list_tasks(assignee="ada")] == [task.id]
        assert [t.id for t in client.tasks.list(assignee="ada")] == [task.id]
        archived: Task = client.archive_task(task)
        assert archived.id == task.id
        assert client.tasks.archive(task.id).id == task.id
        assert client.with_raw_response.archive_task(task).parse().id == task.id
        assert client.tasks.with_raw_response.archive(task).status_code == 200
        labels: list[Label] = list(client.labels.list(limit=1))
        assert [label.name for label in labels] == ["first", "second"]
        assert [label.name for label in client.list_labels()] == ["first", "second"]
        assert client.with_raw_response.list_labels().parse().data[0].name == "first"
        assert client.labels.with_raw_response.list().parse().has_more


    async def async_calls(client: AsyncTaskMasterClient) -> None:
        task: Task = await client.create_task(title="t", estimate_minutes=30)
        assert (await client.tasks.create(title="t", estimate_minutes=30)).id == task.id
        assert [t.id async for t in client.list_tasks(assignee="ada")] == [task.id]
        assert [t.id async for t in client.tasks.list(assignee="ada")] == [task.id]
        archived: Task = await client.archive_task(task)
        assert archived.id == task.id
        assert (await client.tasks.archive(task)).id == task.id
        assert (await client.with_raw_response.archive_task(task)).parse().id == task.id
        assert (await client.tasks.with_raw_response.archive(task)).status_code == 200
        names: list[str] = [label.name async for label in client.labels.list()]
        assert names == ["first", "second"]
        assert [label.name async for label in client.list_labels()] == names
        assert (await client.with_raw_response.list_labels()).parse().data[0].name == "first"


    def main() -> None:
        with TaskMasterClient(
            "http://drill.test", "t", verify_tokens=False, transport=httpx.MockTransport(answer)
        ) as client:
            sync_calls(client)

        async def run() -> None:
            async with AsyncTaskMasterClient(
                "http://drill.test", "t", verify_tokens=False,
                transport=httpx.MockTransport(answer),
            ) as client:
                await async_calls(client)

        asyncio.run(run())
        assert any(s.startswith("POST /api/v1/tasks/") and "/archive" in s for s in SEEN)
        print("drill usage: ok")


    if __name__ == "__main__":
        main()
    '''
)

# Each line must be an error: unknown keywords and wrong types on the new methods.
WRONG = textwrap.dedent(
    """
    from taskmaster import TaskMasterClient


    def wrong(client: TaskMasterClient) -> None:
        client.create_task(title="t", estimate_minutes="thirty")  # E: wrong type
        client.tasks.list(asignee="ada")  # E: unknown keyword
        client.tasks.archive(object(), force=True)  # E: unknown keyword
        client.labels.list(limit="ten")  # E: wrong type
    """
)


def _label_schemas() -> dict[str, Any]:
    return {
        "Label": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
            },
        },
        "LabelList": {
            "type": "object",
            "required": ["data", "next_cursor", "has_more"],
            "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Label"}},
                "next_cursor": {"type": "string", "nullable": True},
                "has_more": {"type": "boolean"},
            },
        },
    }


def four_changes(spec: dict[str, Any]) -> dict[str, Any]:
    """The drill's four additive changes (what a maintainer would write in openapi/)."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    # 1. An optional field on Task (readable, and writable on create and update).
    for name in ("Task", "TaskCreate", "TaskUpdate"):
        schemas[name]["properties"]["estimate_minutes"] = {"type": "integer", "minimum": 0}
    # 2. A query parameter on list tasks.
    spec["paths"]["/tasks"]["get"]["parameters"].append(
        {"name": "assignee", "in": "query", "schema": {"type": "string"}}
    )
    # 3. A body-less POST on a task.
    done = {"content": spec["paths"]["/tasks/{task_id}"]["get"]["responses"]["200"]["content"]}
    spec["paths"]["/tasks/{task_id}/archive"] = {
        "parameters": spec["paths"]["/tasks/{task_id}"]["parameters"],
        "post": {
            "operationId": "archive_task",
            "tags": ["Tasks"],
            "summary": "Archive a task",
            "responses": {"200": {"description": "The archived task.", **done}},
        },
    }
    # 4. A new paginated list endpoint in a new tag.
    spec["tags"].append({"name": "Labels", "description": "Labels to sort tasks by."})
    schemas.update(_label_schemas())
    spec["paths"]["/labels"] = {
        "get": {
            "operationId": "list_labels",
            "tags": ["Labels"],
            "summary": "List the account's labels",
            "parameters": [
                {"$ref": "#/components/parameters/Limit"},
                {"$ref": "#/components/parameters/Cursor"},
            ],
            "responses": {
                "200": {
                    "description": "A page of labels.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/LabelList"}}
                    },
                }
            },
        }
    }
    return spec


def breaking_rename(spec: dict[str, Any]) -> dict[str, Any]:
    """The fifth change: `due_at` becomes `deadline` wherever a schema has it."""
    spec = copy.deepcopy(spec)
    for schema in spec["components"]["schemas"].values():
        properties = schema.get("properties", {})
        if "due_at" in properties:
            properties["deadline"] = properties.pop("due_at")
            schema["required"] = [
                "deadline" if r == "due_at" else r for r in schema.get("required", [])
            ]
            if isinstance(schema.get("example"), dict) and "due_at" in schema["example"]:
                schema["example"]["deadline"] = schema["example"].pop("due_at")
    return spec


def generated_copy(spec: dict[str, Any], work: Path) -> subprocess.Popen[str]:
    """A copy of the SDK's sources under `work/src`, and (started, not awaited) the generator
    writing `work/gen/taskmaster_api` and `work/src/taskmaster/_generated` from `spec`."""
    (work / "openapi").mkdir(parents=True)
    (work / "openapi" / "taskmaster.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    shutil.copytree(
        ROOT / "src" / "taskmaster",
        work / "src" / "taskmaster",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(ROOT / "examples", work / "examples")
    return subprocess.Popen(
        [
            str(ROOT / "scripts" / "generate"),
            "--spec",
            str(work / "openapi" / "taskmaster.yaml"),
            "--out",
            str(work / "gen"),
            "--sdk-out",
            str(work / "src" / "taskmaster" / "_generated"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def mypy(work: Path, *targets: str) -> subprocess.Popen[str]:
    config = work / "mypy.ini"
    config.write_text(
        textwrap.dedent(
            f"""
            [mypy]
            python_version = 3.11
            strict = true
            warn_unreachable = true
            explicit_package_bases = true
            mypy_path = {work / "src"}:{work / "gen"}
            cache_dir = {MYPY_CACHE}
            """
        )
    )
    return subprocess.Popen(
        [str(BIN / "mypy"), "--config-file", str(config), *targets],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MYPYPATH": f"{work / 'src'}:{work / 'gen'}"},
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = process.communicate(timeout=300)
    return process.returncode, out


def test_the_drill(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text())
    changed, renamed = tmp_path / "changed", tmp_path / "renamed"
    generators = [generated_copy(four_changes(spec), changed),
                  generated_copy(breaking_rename(spec), renamed)]  # fmt: skip
    for generator in generators:
        code, out = _finish(generator)
        assert code == 0, out

    # Zero edits outside openapi/: the copies differ from the tree only in generated output.
    (changed / "usage.py").write_text(USAGE)
    task = {**spec["components"]["schemas"]["Task"]["example"], "estimate_minutes": 30}
    (changed / "task.json").write_text(json.dumps(task))
    (changed / "wrong.py").write_text(WRONG)
    lint = subprocess.run(
        [str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"),
         str(changed / "src" / "taskmaster" / "_generated"), str(changed / "usage.py")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr

    good, good_out = _finish(mypy(changed, "src/taskmaster/_generated", "usage.py"))
    assert good == 0, good_out
    _, bad_out = _finish(mypy(changed, "wrong.py"))
    rename, rename_out = _finish(
        mypy(renamed, "src/taskmaster/_generated", "src/taskmaster/cli", "examples/quickstart.py")
    )

    # mypy flags the misuses, each on its own line.
    flagged = {int(line.split(":")[1]) for line in bad_out.splitlines() if ": error:" in line}
    expected = {i + 1 for i, line in enumerate(WRONG.splitlines()) if "# E:" in line}
    assert flagged >= expected, bad_out

    # The breaking rename fails the type check where the old name is used.
    assert rename != 0, rename_out
    errors = [line for line in rename_out.splitlines() if ": error:" in line]
    assert any("due_at" in line and line.startswith("src/taskmaster/cli/") for line in errors), (
        rename_out
    )
    assert any("due_at" in line and line.startswith("examples/") for line in errors), rename_out

    # And the changes work: the usage file runs on both clients against a mock of the routes.
    run = subprocess.run(
        [PY, str(changed / "usage.py")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": f"{changed / 'src'}:{changed / 'gen'}"},
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "drill usage: ok" in run.stdout
