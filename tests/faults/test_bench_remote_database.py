"""benchmarks/server.py's remote-database, round-trips and head-of-line scenarios run at a tiny
scale, so that they keep working: a private PostgreSQL cluster, the delay proxy, the server and
the async baseline app, locked rows, one line per target.

No figure is checked against its target here (a loaded machine would fail them for no fault of
the code; the benchmark is where they are judged): only that each scenario runs to the end and
prints its lines, each target line with its verdict.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # generous for a loaded machine

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ROOT / "benchmarks" / "server.py"
TINY = [
    *("--only", "remote-db", "--only", "round-trips", "--only", "head-of-line"),
    *("--tasks", "200", "--remote-requests", "20", "--remote-rounds", "1"),
    *("--remote-concurrency", "4", "--hold", "1", "--trips-requests", "10"),
    *("--trips-idle", "0.2"),
]
# Each target line of the summary, with the verdict it must carry.
TARGET_LINES = [
    r"remote DB +GET task +kept at .* server \d+% .* async baseline \d+% .*\(target >= 90%\)",
    r"remote DB +list 50 +kept at .*\(target >= 85%\)",
    r"remote DB +POST task +kept at .*\(target >= 80%\)",
    r"round trips +GET task +per request: server [\d.]+ / async baseline [\d.]+ \(target 1\)",
    r"round trips +POST task +per request: .*\(target <= 3\)",
    r"head-of-line cheap GET p99: server \d+ ms / async baseline \d+ ms \(target <= 50 ms\)",
    r"head-of-line cheap GET max: .*\(target <= 250 ms\)",
    r"head-of-line /ready 200 within 1 s: server \d+/[1-9]\d* probes / async baseline \d+/[1-9]",
]
OTHER_LINES = [
    r"remote DB +SELECT 1 through the delay proxy: [\d.]+ ms median",
    r"round trips +list 50 +per request: server [\d.]+",
    r"round trips +PATCH task +per request: server [\d.]+",
    # All 8 PATCHes accounted for, whatever their status.
    r"head-of-line PATCHes: server (\d+x\w+(, )?)+ in [\d.]+-[\d.]+ s",
    r"head-of-line PATCHes: async baseline (\d+x\w+(, )?)+ in [\d.]+-[\d.]+ s",
]


def test_remote_database_scenarios_run_and_print_their_lines() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from private_postgres import PrivatePostgres, Unavailable

        try:
            PrivatePostgres()
        except Unavailable as exc:
            pytest.skip(f"the benchmark's private PostgreSQL cluster: {exc}")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    benchmark = subprocess.Popen(
        [sys.executable, str(BENCHMARK), *TINY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        stdout, stderr = benchmark.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        # SIGTERM, not SIGKILL: the benchmark then stops its servers and its cluster.
        benchmark.terminate()
        stdout, stderr = benchmark.communicate(timeout=40)
        pytest.fail(f"the benchmark did not finish in 240 s:\n{stdout[-3000:]}{stderr[-3000:]}")
    assert benchmark.returncode == 0, stdout[-3000:] + stderr[-3000:]
    # The summary: the lines after the last blank one.
    summary = stdout.rstrip().rsplit("\n\n", 1)[-1].splitlines()
    for pattern in TARGET_LINES:
        found = [line for line in summary if re.search(pattern, line)]
        assert len(found) == 1, (pattern, summary)
        assert re.search(r"\) (ok|MISSED)\b", found[0]), found[0]
    for pattern in OTHER_LINES:
        assert any(re.search(pattern, line) for line in summary), (pattern, summary)
    patches = [line for line in summary if line.startswith("head-of-line PATCHes")]
    for line in patches:
        counts = re.findall(r"(\d+)x\w+", line.split(" in ")[0])
        assert sum(int(n) for n in counts) == 8, line
