"""The grouped skip summary (tests/fixtures/skips.py) that replaces a line per skipped test."""

from __future__ import annotations

import pytest

from tests.fixtures.skips import SERVICES, summarize


def skipped(reason: str) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid="tests/x.py::t",
        location=("tests/x.py", 1, "t"),
        keywords={},
        outcome="skipped",
        longrepr=("tests/x.py", 1, f"Skipped: {reason}"),
        when="setup",
    )


def test_service_skips_become_one_line_naming_both_variables() -> None:
    reports = [
        *(
            skipped("PostgreSQL tests need TASKMASTER_TEST_DATABASE_URL (e.g. ...)")
            for _ in range(3)
        ),
        skipped("needs Redis: set TASKMASTER_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"),
        skipped("no Chromium for the browser test"),
        skipped("no Chromium for the browser test"),
    ]

    lines = summarize(reports)

    assert lines == [
        f"skipped 4 tests {SERVICES}",
        "skipped 2 tests: no Chromium for the browser test",
    ]
    assert "TASKMASTER_TEST_DATABASE_URL and TASKMASTER_TEST_REDIS_URL" in lines[0]


def test_nothing_skipped_prints_nothing() -> None:
    assert summarize([]) == []
