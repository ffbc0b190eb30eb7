"""`make version` and `make publish`'s refusals, on copies: the real version never changes here.

The upload itself (twine to a password-protected local index, then installing from it) runs in
`make release-check`, which CI runs after the tests.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "scripts" / "versions.py"
FILES = ("src/taskmaster/_version.py", "openapi/taskmaster.yaml", "CHANGELOG.md")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The three files `make version` reads and writes, copied as they are."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def versions(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERSIONS), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def version_of(root: Path) -> str:
    text = (root / FILES[0]).read_text()
    return text.split('__version__ = "', 1)[1].split('"', 1)[0]


def test_the_tree_passes_the_versions_check() -> None:
    result = versions(ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert "implements API version" in result.stdout


@pytest.mark.parametrize("part", ["patch", "minor", "major"])
def test_bump_writes_the_version_and_opens_a_changelog_section(copy: Path, part: str) -> None:
    major, minor, patch = (int(n) for n in version_of(ROOT).split("."))
    expected = {
        "patch": f"{major}.{minor}.{patch + 1}",
        "minor": f"{major}.{minor + 1}.0",
        "major": f"{major + 1}.0.0",
    }[part]

    result = versions(copy, "bump", part)

    assert result.returncode == 0, result.stderr
    assert version_of(copy) == expected
    changelog = (copy / "CHANGELOG.md").read_text()
    newest = changelog.split("\n## [", 2)[1]
    assert newest.startswith(f"{expected}] - Unreleased\n")
    assert "Implements API version " in newest
    # The section it leaves is the release before; still marked Unreleased, it gets a date.
    previous = changelog.split("\n## [", 2)[2]
    assert previous.startswith(f"{version_of(ROOT)}] - 2")
    assert "Unreleased" not in previous.splitlines()[0]
    # What it wrote passes the check that `make check` runs.
    assert versions(copy, "check").returncode == 0
    assert version_of(ROOT) != expected, "the real tree was not touched"


def test_make_version_runs_the_bump_and_needs_bump(tmp_path: Path) -> None:
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "version", "BUMP=minor"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "scripts/versions.py bump minor" in dry_run.stdout
    missing = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "-o", ".venv/.install.stamp", "version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode != 0
    assert "make version BUMP=patch|minor|major" in missing.stderr


def test_check_names_each_disagreement(copy: Path) -> None:
    changelog = copy / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("API version", "API v"))
    spec = copy / "openapi/taskmaster.yaml"
    spec.write_text(spec.read_text().replace("  - url: /api/v1\n", "  - url: /api/v2\n", 1))
    version_file = copy / FILES[0]
    version_file.write_text(version_file.read_text().replace(version_of(copy), "9.9.9"))

    result = versions(copy, "check")

    assert result.returncode == 1
    assert "the base path is '/api/v2'" in result.stderr
    assert "the package is 9.9.9" in result.stderr
    assert "must say which API it implements" in result.stderr


# --- scripts/publish: what it refuses before any upload ------------------------------------------


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A tree with scripts/publish and a dist/ holding a recorded sdist and wheel."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "publish", tmp_path / "scripts" / "publish")
    dist = tmp_path / "dist"
    dist.mkdir()
    lines = []
    for name in ("taskmaster_sdk-0.0.0.tar.gz", "taskmaster_sdk-0.0.0-py3-none-any.whl"):
        (dist / name).write_bytes(name.encode())
        lines.append(f"{hashlib.sha256(name.encode()).hexdigest()}  {name}\n")
    (dist / "SHA256SUMS").write_text("".join(lines))
    return tmp_path


def publish(tree: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TWINE_")}
    return subprocess.run(
        ["bash", str(tree / "scripts" / "publish"), "http://127.0.0.1:9/"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


def test_publish_needs_the_twine_credentials(release: Path) -> None:
    result = publish(release, TWINE_USERNAME="someone")
    assert result.returncode == 1
    assert "set TWINE_PASSWORD" in result.stderr


def test_publish_refuses_a_dist_changed_since_release_check(release: Path) -> None:
    (release / "dist" / "taskmaster_sdk-0.0.0.tar.gz").write_bytes(b"rebuilt")
    result = publish(release, TWINE_USERNAME="someone", TWINE_PASSWORD="secret")
    assert result.returncode == 1
    assert "changed since release-check" in result.stderr


def test_publish_refuses_without_a_checked_release(release: Path) -> None:
    (release / "dist" / "SHA256SUMS").unlink()
    result = publish(release, TWINE_USERNAME="someone", TWINE_PASSWORD="secret")
    assert result.returncode == 1
    assert "run 'make release-check' first" in result.stderr
