"""`taskmaster.testing`: the pytest plugin users get by installing the package, run as a user
would (a separate pytest on a test file of theirs), and an import that stays lazy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

USER_TESTS = """
import pytest

from taskmaster import AsyncTaskMasterClient, TaskMasterClient


def my_titles(client):
    return sorted(task.title for task in client.list_tasks())


def test_sync_client_is_logged_in_on_a_real_server(taskmaster_client):
    assert isinstance(taskmaster_client, TaskMasterClient)
    taskmaster_client.create_task(title="b")
    taskmaster_client.create_task(title="a")
    assert my_titles(taskmaster_client) == ["a", "b"]


def test_each_test_sees_only_its_own_data(taskmaster_client):
    assert my_titles(taskmaster_client) == []


@pytest.mark.asyncio
async def test_async_client(async_taskmaster_client):
    assert isinstance(async_taskmaster_client, AsyncTaskMasterClient)
    task = await async_taskmaster_client.create_task(title="async")
    assert (await async_taskmaster_client.get_task(task.id)).title == "async"


def test_a_server_of_ones_own(taskmaster_server):
    from taskmaster.testing import TestServer

    with TestServer() as own, own.client(own.create_user()) as client:
        assert client.get_me().user.email
"""


@pytest.mark.slow
def test_the_plugin_serves_a_users_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_mine.py").write_text(USER_TESTS)
    # No conftest and no pytest_plugins: the `pytest11` entry point alone loads the plugin.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "test_mine.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout


def test_import_taskmaster_loads_neither_the_plugin_nor_the_server() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import taskmaster
        from taskmaster import TaskMasterClient
        assert "taskmaster.testing" not in sys.modules
        import taskmaster.testing
        assert "taskmaster_server" not in sys.modules, "the server loads only for a TestServer"
        print("ok")
        """
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "ok", run.stderr
