"""Fixtures for the spec -> generated client pipeline tests."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.pipeline.openapi_walk import ROOT, SPEC_PATH, load_spec


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.fail(f"{SPEC_PATH.relative_to(ROOT)} does not exist")
    return load_spec()


@pytest.fixture(scope="session")
def api() -> ModuleType:
    """The committed generated/taskmaster_api package (on sys.path via the editable install)."""
    package = importlib.import_module("taskmaster_api")
    importlib.import_module("taskmaster_api.models")
    return package


def run_generate(spec_path: Path, out_dir: Path) -> Path:
    """Run scripts/generate into out_dir; returns out_dir/taskmaster_api."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "generate"), "--spec", str(spec_path), "--out", str(out_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out_dir / "taskmaster_api"


@pytest.fixture(scope="session")
def hazards_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """tests/pipeline/fixtures/hazards.yaml generated with our templates, imported as
    `hazards_api` (the generated code imports itself relatively, so the package can be
    renamed and live beside the real taskmaster_api)."""
    out = tmp_path_factory.mktemp("hazards")
    package = run_generate(Path(__file__).parent / "fixtures" / "hazards.yaml", out)
    shutil.move(package, out / "hazards_api")
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module("hazards_api")
        importlib.import_module("hazards_api.models")
        yield package
    finally:
        sys.path.remove(str(out))
