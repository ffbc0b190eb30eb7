"""SDK overhead, measured side by side in one run (not a test: it prints ratios).

1. Client CPU per `get_task`: `TaskMasterClient.get_task()` (auth flow, retry transport, error
   mapping, the generated parser building a `Task`) against raw `httpx.Client.get()` +
   `.json()` with the same bearer token, both against the same local server. The server runs
   in its own process, so `time.process_time()` here counts the client's CPU only. Rounds
   alternate between the two so that machine noise hits both alike. CPU time only grows under
   interference from other processes, so the fastest round of each is the truest figure: the
   target applies to the ratio of the minimums (medians are printed too). Target: <= 1.10x,
   for a task with a description and tags; a task with subtasks is printed for the record
   (the generated parser's cost grows with each subtask).
2. Import time, each in a fresh interpreter: `from taskmaster import TaskMasterClient` against
   `import httpx` (alternating, median of many). Target: <= 1.3x. `import taskmaster` (which
   loads the client lazily) is printed too, for the record.

    .venv/bin/python benchmarks/sdk.py [--calls 300] [--rounds 9] [--imports 21]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

EMAIL = "bench@example.com"
PASSWORD = "bench-password"


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """`taskmaster-server serve` on a temporary SQLite database; yields the base URL."""
    with tempfile.TemporaryDirectory(prefix="taskmaster-bench-") as work:
        env = {
            **os.environ,
            "TASKMASTER_DATABASE_URL": f"sqlite:///{work}/bench.db",
            "TASKMASTER_JWT_PRIVATE_KEY": f"{work}/jwt.pem",
            "TASKMASTER_LOG_LEVEL": "WARNING",
            "TASKMASTER_RATE_LIMIT": "100000000/minute",
            "PYTHONWARNINGS": "ignore",
        }
        server = [sys.executable, "-m", "taskmaster_server"]
        subprocess.run([*server, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [*server, "create-user", "--email", EMAIL, "--password", PASSWORD],
            env=env,
            check=True,
            capture_output=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [*server, "serve", "--port", str(port), "--no-migrate"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base + "/api/v1/health")
            yield base
        finally:
            process.terminate()
            process.wait(10)


def _wait_healthy(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("the benchmark server did not start")


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls


def bench_get_task(
    base: str, calls: int, rounds: int, subtasks: int
) -> tuple[list[float], list[float]]:
    """Per-call client CPU of each round: (raw httpx, SDK)."""
    from taskmaster import TaskMasterClient

    with TaskMasterClient(base, email=EMAIL, password=PASSWORD) as client:
        task = client.create_task(
            title="benchmark", description="x" * 200, tags=["a", "b"], priority="high"
        )
        for n in range(subtasks):
            client.create_subtask(task.id, title=f"step {n}")
        token = client._auth.tokens.access_token
        assert token is not None
        with httpx.Client(
            base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}
        ) as raw:
            path = f"/tasks/{task.id}"

            def raw_call() -> object:
                response = raw.get(path)
                response.raise_for_status()
                return response.json()

            def sdk_call() -> object:
                return client.get_task(task.id)

            for call in (raw_call, sdk_call):  # warm up: connections, imports, JWKS, caches
                cpu_per_call(call, 30)
            raw_times, sdk_times = [], []
            for _ in range(rounds):
                raw_times.append(cpu_per_call(raw_call, calls))
                sdk_times.append(cpu_per_call(sdk_call, calls))
    return raw_times, sdk_times


def report_cpu(label: str, raw: list[float], sdk: list[float], target: float | None) -> None:
    print(f"\nclient CPU per get_task, {label} ({len(raw)} alternating rounds):")
    print("                                 fastest    median")
    for name, times in (("raw httpx GET + json()", raw), ("TaskMasterClient.get_task()", sdk)):
        print(f"  {name:29} {min(times) * 1e6:7.1f} us {statistics.median(times) * 1e6:7.1f} us")
    fastest, median = min(sdk) / min(raw), statistics.median(sdk) / statistics.median(raw)
    shown = verdict(fastest, target) if target is not None else f"{fastest:.2f}x"
    print(f"  ratio (fastest rounds)        {shown}")
    print(f"  ratio (median rounds)         {median:.2f}x")


def import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out)


def bench_imports(repeats: int) -> dict[str, float]:
    statements = {
        "import httpx": "import httpx",
        "import taskmaster": "import taskmaster",
        "from taskmaster import TaskMasterClient": "from taskmaster import TaskMasterClient",
    }
    samples: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(repeats):
        for name, statement in statements.items():
            samples[name].append(import_seconds(statement))
    return {name: statistics.median(values) for name, values in samples.items()}


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target <= {target}x: {'met' if ratio <= target else 'MISSED'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="get_task calls per round")
    parser.add_argument("--rounds", type=int, default=9, help="alternating rounds")
    parser.add_argument("--imports", type=int, default=21, help="fresh interpreters per import")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    print(f"python {sys.version.split()[0]}, httpx {httpx.__version__}, {os.cpu_count()} CPUs")
    with local_server() as base:
        plain = bench_get_task(base, args.calls, args.rounds, subtasks=0)
        nested = bench_get_task(base, args.calls, args.rounds, subtasks=3)
    report_cpu("a task with a description and tags", *plain, target=1.10)
    report_cpu("the same with 3 subtasks", *nested, target=None)

    imports = bench_imports(args.imports)
    print(f"\nimport time in a fresh interpreter (median of {args.imports}):")
    for name, seconds in imports.items():
        print(f"  {name:42} {seconds * 1e3:7.1f} ms")
    ratio = imports["import taskmaster"] / imports["import httpx"]
    print(f"  import taskmaster / import httpx            {ratio:.2f}x")
    client_ratio = imports["from taskmaster import TaskMasterClient"] / imports["import httpx"]
    print(f"  from taskmaster import TaskMasterClient / import httpx  {verdict(client_ratio, 1.3)}")


if __name__ == "__main__":
    main()
