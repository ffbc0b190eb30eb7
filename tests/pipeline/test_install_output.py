"""`make demo` on a fresh machine: the install says one line per step, so the demo is what
the newcomer reads (the demo's own set-up lines are checked in tests/e2e/test_demo.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".venv", "node_modules", ".git", "_build", ".mypy_cache", ".ruff_cache", "__pycache__", "dist"
)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fresh_install_prints_one_line_per_step(tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = subprocess.run(
        [str(copy / "scripts" / "install")],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines, "the install says what it does"
    assert all(line.startswith("==> ") for line in lines), lines
    assert len(lines) <= 4, lines
    assert result.stderr == ""
    assert (copy / ".venv" / "bin" / "taskmaster").exists()
