"""`relocate`: the server's request positions become the caller's input positions."""

from __future__ import annotations

from typing import Any

from taskmaster._bulk_run import relocate

# Request item i is input item POSITIONS[i]: item 1 (input 151) follows a refused input 150.
POSITIONS = [149, 151, 152]


def test_pointers_and_the_leading_item_number_move_to_input_positions() -> None:
    problem: dict[str, Any] = {
        "type": "https://taskmaster.dev/problems/validation-error",
        "detail": "Item 1 has 2 invalid field(s).",
        "errors": [
            {"pointer": "/1/title", "detail": "too short", "code": "min_length"},
            {"pointer": "/1", "detail": "bad", "code": "type"},
            {"pointer": "/2/tags/0", "detail": "too long", "code": "max_length"},
        ],
    }
    moved = relocate(problem, POSITIONS)
    assert moved is not None
    assert moved["detail"] == "Item 151 has 2 invalid field(s)."
    assert [e["pointer"] for e in moved["errors"]] == ["/151/title", "/151", "/152/tags/0"]
    assert moved["errors"][0]["code"] == "min_length"
    assert problem["errors"][0]["pointer"] == "/1/title"  # the answer itself is left as it came


def test_what_names_no_request_item_is_left_alone() -> None:
    problem: dict[str, Any] = {
        "detail": "Task 3fa85f64 not found. Item 9 of another list.",
        "errors": [
            {"pointer": "#/query/atomic", "detail": "x"},
            {"pointer": "/7/title", "detail": "not an item of this request"},
            {"pointer": "/title", "detail": "no item segment"},
            "not an object",
        ],
    }
    assert relocate(problem, POSITIONS) is problem
    assert relocate(None, POSITIONS) is None
    assert relocate({"detail": "Item 0: bad"}, POSITIONS) == {"detail": "Item 149: bad"}
