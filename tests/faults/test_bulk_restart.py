"""The server restarts in the middle of a bulk import: the import completes, nothing is lost and
nothing is written twice.

The server is a real `python -m taskmaster_server serve` process on a fixed port behind the
fault proxy. A third of the way into the import it is stopped (SIGTERM, as a deploy or a
supervisor does: uvicorn finishes the requests it has started and exits), the proxy answers 502
while nothing listens, and a new process is started on the same port.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from taskmaster import BulkResult, TaskMasterClient
from tests.faults.proxy import FaultProxy
from tests.fixtures.serve_process import ServerProcess, free_port, serve_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # generous for a loaded machine

COUNT = 3_000
EMAIL = "restart@example.com"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(serve_env(tmp_path, EMAIL, PASSWORD), free_port())
    process.start()
    yield process
    process.stop()


def test_an_import_survives_a_server_restart(
    server: ServerProcess, fault_proxy: Callable[..., FaultProxy]
) -> None:
    proxy = fault_proxy(server.url)  # no injected faults: the restart is the fault
    halfway = threading.Event()
    results: list[BulkResult] = []

    def progress(done: int, total: int | None) -> None:
        if done >= COUNT // 3:
            halfway.set()

    rows = ({"title": f"row {i}", "metadata": {"marker": f"m-{i}"}} for i in range(COUNT))
    with TaskMasterClient(proxy.url + "/api/v1", email=EMAIL, password=PASSWORD) as client:
        client.list_tasks(limit=1)  # logged in before the restart

        def run() -> None:
            results.append(client.bulk_create_tasks(rows, concurrency=4, progress=progress))

        importer = threading.Thread(target=run)
        importer.start()
        assert halfway.wait(60), "the import made no progress"
        server.stop()
        server.start()
        importer.join(120)
        assert results, "the import did not finish"
        assert results[0].failed_count == 0, results[0].failed[:3]
        markers = [t.metadata["marker"] for t in client.list_tasks(limit=100)]
    assert len(markers) == COUNT
    assert set(markers) == {f"m-{i}" for i in range(COUNT)}
    assert proxy.stats().upstream_errors > 0  # chunks did meet the restart
