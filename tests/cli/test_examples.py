"""examples/cli_tour.sh, run as a user would: the installed `taskmaster` script on PATH, against
the live server."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_cli_tour(backend: Any, live_server: Any, user: Any, tmp_path: Path) -> None:
    if backend.name != "sqlite":
        # A dozen processes' worth of time: once is enough, the suite covers PostgreSQL.
        pytest.skip("the example runs once, on SQLite")
    bindir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKMASTER_", "XDG_"))}
    env.update(
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        TMPDIR=str(tmp_path),
        HOME=str(tmp_path),
        TASKMASTER_API_URL=live_server.base_url,
        TASKMASTER_EMAIL=user.email,
        TASKMASTER_PASSWORD=user.password,
    )
    result = subprocess.run(
        ["bash", str(ROOT / "examples" / "cli_tour.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert f"Logged in to {live_server.api_url} as {user.email}" in out
    assert "Imported 2 of 3 rows" in out
    assert "exit status 11" in out
    assert "Imported 1 of 1 rows" in out
    exported = out[out.index("id,title,") : out.index("== clean up")]
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["title"], r["priority"], r["status"]) for r in rows] == [
        ("Book the venue", "urgent", "done"),
        ("Order the snacks", "low", "pending"),
        ("Write the announcement", "high", "pending"),
    ]
    assert "Logged out" in out
    assert list(tmp_path.glob("taskmaster-cli-tour.*")) == []  # its temporary files are gone
    assert not (tmp_path / ".config").exists()  # the user's own config was not touched


def test_every_example_is_run_by_a_test() -> None:
    """The issue's rule: each script in examples/ is run by some test against the real server."""
    tests_text = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    scripts = sorted(p.name for p in (ROOT / "examples").iterdir() if p.suffix in (".py", ".sh"))
    assert scripts, "examples/ is empty"
    unrun = [name for name in scripts if name not in tests_text]
    assert unrun == [], f"examples without a test that runs them: {unrun}"
