"""CLI start-up, measured against a bare interpreter in one run (not a test: it prints figures).

1. `taskmaster --version`: wall time of the whole process, median of many runs, beside
   `python -c pass` (the floor no CLI can go under). Target: <= 150 ms.
2. `taskmaster tasks list` against a local server (benchmarks/sdk.py's `local_server`, a
   temporary SQLite database with 50 tasks): the client's CPU (user + system, from the child's
   rusage), median of many runs, beside `python -c "import httpx"` (what any HTTP client pays).
   Target: <= 400 ms.
Runs alternate between the CLI and its baseline so that machine noise hits both alike.

    .venv/bin/python benchmarks/cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sdk import EMAIL, PASSWORD, local_server

BIN = Path(sys.executable).parent
TASKMASTER = str(BIN / "taskmaster")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}: {stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def side_by_side(
    cli: list[str], baseline: list[str], env: dict[str, str], runs: int
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    run(cli, env)  # warm the page cache and the .pyc files
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(run(cli, env))
        theirs.append(run(baseline, env))
    return ours, theirs


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1"}
    print(f"load average {os.getloadavg()[0]:.2f}, {args.runs} runs each")

    version, floor = side_by_side(
        [TASKMASTER, "--version"], [sys.executable, "-c", "pass"], env, args.runs
    )
    wall = ms([w for w, _ in version])
    verdict = "met" if wall <= 150 else "MISSED"
    print(
        f"taskmaster --version   {wall:6.1f} ms wall (python -c pass {ms([w for w, _ in floor]):.1f} ms)"
        f"  target <= 150 ms: {verdict}"
    )

    with local_server() as base, tempfile.TemporaryDirectory() as config:
        env = {**env, "TASKMASTER_API_URL": base, "TASKMASTER_CONFIG_DIR": config}
        login = [TASKMASTER, "login", "--email", EMAIL, "--password", PASSWORD]
        subprocess.run(login, env=env, check=True, capture_output=True)
        add = [TASKMASTER, "tasks", "add", "benchmark task", "--priority", "high"]
        for _ in range(5):
            subprocess.run(add, env=env, check=True, capture_output=True)
        listing, httpx_floor = side_by_side(
            [TASKMASTER, "tasks", "list"], [sys.executable, "-c", "import httpx"], env, args.runs
        )
    cpu = ms([c for _, c in listing])
    verdict = "met" if cpu <= 400 else "MISSED"
    print(
        f"taskmaster tasks list  {cpu:6.1f} ms client CPU "
        f"(python -c 'import httpx' {ms([c for _, c in httpx_floor]):.1f} ms)"
        f"  target <= 400 ms: {verdict}"
    )


if __name__ == "__main__":
    main()
