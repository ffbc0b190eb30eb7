"""`make demo` (scripts/demo): server on a temporary SQLite db, demo user, quickstart, stop."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_make_demo_runs_the_quickstart_and_cleans_up(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "signed in as demo@example.com" in result.stdout
    assert "a stale ETag is refused and nothing is written: 412" in result.stdout
    assert "==> done; stopping the server" in result.stdout
    # Set-up is one line per step; the quickstart's own output follows.
    setup = result.stdout.split("\n== Log in", 1)[0].strip().splitlines()
    assert [line.split(" ", 2)[1] for line in setup] == [
        "database",
        "demo",
        "taskmaster-server",
        "python",
    ]
    assert all(line.startswith("==> ") for line in setup)
    assert list(tmp_path.glob("taskmaster-demo.*")) == []  # the temporary database is gone
