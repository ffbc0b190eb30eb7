"""The README's "Use the SDK" code runs as written against a real server."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser

README = Path(__file__).resolve().parents[2] / "README.md"


def _sdk_snippet() -> str:
    text = README.read_text()
    section = text.split("## Use the SDK", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the README's SDK section has one Python block"
    return blocks[0]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_readme_sdk_section_runs(
    live_server: LiveServer,
    make_user: Callable[..., ServerUser],
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = make_user()
    code = (
        _sdk_snippet()
        .replace('"http://127.0.0.1:8000"', repr(live_server.base_url))
        .replace('"demo@example.com"', repr(user.email))
        .replace('"demo-password"', repr(user.password))
    )
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(" pending")
    assert lines[1] == "Write the announcement high"
    assert lines[2].startswith("404 ")
    assert len(lines) == 3
