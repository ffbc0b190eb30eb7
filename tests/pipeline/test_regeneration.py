"""Generation is deterministic, and generated/ is what the spec produces today."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.conftest import run_generate
from tests.pipeline.openapi_walk import ROOT, SPEC_PATH

pytestmark = pytest.mark.slow  # two generator runs


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def differences(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def test_generation_is_deterministic_and_committed(tmp_path: Path) -> None:
    first = tree(run_generate(SPEC_PATH, tmp_path / "first"))
    second = tree(run_generate(SPEC_PATH, tmp_path / "second"))
    assert differences(first, second) == [], "two generator runs differ"

    committed = tree(ROOT / "generated" / "taskmaster_api")
    stale = differences(first, committed)
    assert stale == [], f"generated/ is stale (run `make generate`): {stale[:20]}"


def test_generated_package_has_no_stray_files() -> None:
    package = ROOT / "generated" / "taskmaster_api"
    strays = [p.name for p in package.rglob(".*")]
    assert strays == [], f"tool caches or dotfiles in generated/: {strays}"
