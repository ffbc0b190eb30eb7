"""The hostile-input table: malformed requests built from the spec, each with its documented answer.

Cases are derived from ``openapi/taskmaster.yaml`` so a new operation is covered (or, for a write
operation, fails loudly until it gets a valid example body in ``VALID_BODIES``): every operation
with a request body is crossed with the body classes (content types, syntax, nesting, numbers,
duplicate keys, encodings, NUL and lone surrogates in every string), every query, path and
header parameter with the parameter classes, and the date-time fields with out-of-range offsets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from taskmaster_server.openapi import ApiSpec, spec_path

__all__ = ["Case", "Targets", "body_cases", "datetime_cases", "parameter_cases", "spec"]

# An expected slug starting with "item:" means a non-atomic batch: 200, and item 0 fails with it.
ITEM = "item:"
EXTREME_TIMES = [
    "9999-12-31T23:59:59-23:59",  # past year 9999 once in UTC (OverflowError in astimezone)
    "0001-01-01T00:00:00+23:59",  # before year 1 once in UTC
    "0001-01-01T00:00:00+00:01",
    "2026-06-30T23:59:60Z",  # an RFC 3339 leap second: not representable
    "2026-02-30T12:00:00Z",
    "10000-01-01T00:00:00Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00",  # no offset: ambiguous
]
NUL = "a\x00b"
SURROGATE = "a\ud800b"
DEPTH_LIMIT = 64


@dataclass(frozen=True)
class Targets:
    """Ids of the objects the cases aim at (the witness task among them)."""

    email: str
    password: str
    account_id: str
    refresh_token: str
    project_id: str
    task_id: str
    subtask_id: str
    webhook_id: str
    delivery_id: str = "00000000-0000-4000-8000-000000000000"


@dataclass
class Case:
    name: str
    operation_id: str
    method: str
    path: str
    status: int
    slug: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] | None = None
    pointer: str | None = None


def spec() -> ApiSpec:
    return ApiSpec(spec_path())


VALID_BODIES: dict[str, Callable[[Targets], Any]] = {
    "login": lambda t: {"email": t.email, "password": t.password},
    "refresh_token": lambda t: {"refresh_token": t.refresh_token},
    "logout": lambda t: {"refresh_token": t.refresh_token},
    "create_project": lambda t: {"name": "p", "description": "d"},
    "update_project": lambda t: {"name": "p", "description": "d"},
    "create_task": lambda t: {
        "title": "t",
        "description": "d",
        "tags": ["a"],
        "metadata": {"k": "v", "n": [{"deep": "x"}]},
    },
    "update_task": lambda t: {"title": "t", "tags": ["a"], "metadata": {"k": "v"}},
    "batch_create_tasks": lambda t: [{"title": "t", "tags": ["a"], "metadata": {"k": "v"}}],
    "batch_update_tasks": lambda t: [{"id": t.task_id, "title": "t", "metadata": {"k": "v"}}],
    "batch_delete_tasks": lambda t: [t.task_id],
    "upsert_task": lambda t: {"external_id": "e", "title": "t", "metadata": {"k": "v"}},
    "batch_upsert_tasks": lambda t: [{"external_id": "e", "title": "t", "metadata": {"k": "v"}}],
    "create_subtask": lambda t: {"title": "s"},
    "update_subtask": lambda t: {"title": "s"},
    "create_webhook": lambda t: {
        "url": "https://hooks.example.com/x",
        "events": ["task.created"],
        "description": "d",
    },
    "update_webhook": lambda t: {"description": "d", "url": "https://hooks.example.com/y"},
}
# A batch body is an array: a NUL in an item is that item's 422, the others are written.
BATCH_OPERATIONS = frozenset(
    {"batch_create_tasks", "batch_update_tasks", "batch_delete_tasks", "batch_upsert_tasks"}
)


def _operations(api: ApiSpec) -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    for template, methods in api.resolved["paths"].items():
        shared = methods.get("parameters", [])
        for method, operation in methods.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield method.upper(), template, operation, shared + operation.get("parameters", [])


def _fill(template: str, targets: Targets) -> str:
    return template.format(**{k: v for k, v in vars(targets).items() if k.endswith("_id")})


def _leaves(value: Any, pointer: str = "") -> Iterator[tuple[str, bool]]:
    """(pointer, is-a-key) for every string and every free-form key in a JSON document."""
    if isinstance(value, str):
        yield pointer, False
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{index}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if pointer.endswith("metadata") or "/metadata/" in pointer:
                yield f"{pointer}/{key}", True
            yield from _leaves(item, f"{pointer}/{key}")


def _replace(document: Any, pointer: str, is_key: bool, text: str) -> Any:
    copy = json.loads(json.dumps(document))
    *parents, last = pointer.split("/")[1:]
    node = copy
    for part in parents:
        node = node[int(part) if isinstance(node, list) else part]
    key: Any = int(last) if isinstance(node, list) else last
    if is_key:
        node[text] = node.pop(key)
    else:
        node[key] = text + node[key]
    return copy


def _encoded(document: Any) -> bytes:
    # ensure_ascii writes a lone surrogate as its \ud800 escape, as a hostile client would.
    return json.dumps(document, ensure_ascii=True).encode()


JSON = {"Content-Type": "application/json"}
SYNTAX: list[tuple[str, bytes, int, str]] = [
    ("deep-65", b"[" * 65 + b"]" * 65, 400, "bad-request"),
    ("deep-object-65", b'{"a":' * 65 + b"1" + b"}" * 65, 400, "bad-request"),
    ("deep-100000", b"[" * 100_000 + b"]" * 100_000, 400, "bad-request"),
    ("deep-unclosed", b"[" * 200_000, 400, "bad-request"),
    ("nan", b'{"a": NaN}', 400, "bad-request"),
    ("infinity", b'{"a": Infinity}', 400, "bad-request"),
    ("minus-infinity", b'[{"a": -Infinity}]', 400, "bad-request"),
    ("overflow", b'{"a": 1e400}', 400, "bad-request"),
    ("negative-overflow", b'[{"a": -1e400}]', 400, "bad-request"),
    ("huge-integer", b'{"a": ' + b"9" * 5000 + b"}", 400, "bad-request"),
    ("duplicate-key", b'{"a": 1, "a": 2}', 400, "bad-request"),
    ("duplicate-nested-key", b'[{"title": "x", "title": "y"}]', 400, "bad-request"),
    ("trailing-garbage", b'{"a": 1} x', 400, "bad-request"),
    ("two-documents", b"{} {}", 400, "bad-request"),
    ("truncated", b'{"a": ', 400, "bad-request"),
    ("bom", b'\xef\xbb\xbf{"a": 1}', 400, "bad-request"),
    ("invalid-utf8", b'{"a": "\xff"}', 400, "bad-request"),
    ("utf16", '{"a": 1}'.encode("utf-16"), 400, "bad-request"),
    ("raw-nul", b'{"a": "\x00"}', 400, "bad-request"),
    ("single-quotes", b"{'a': 1}", 400, "bad-request"),
    ("too-large", b'{"a": "' + b"x" * (1024 * 1024 + 1) + b'"}', 413, "payload-too-large"),
]
WRONG_TYPES = [b"null", b"true", b"1", b'"x"']
CONTENT_TYPES: list[tuple[str, dict[str, str]]] = [
    ("ct-missing", {}),
    ("ct-empty", {"Content-Type": ""}),
    ("ct-text", {"Content-Type": "text/plain"}),
    ("ct-form", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("ct-octet", {"Content-Type": "application/octet-stream"}),
    ("ct-latin1", {"Content-Type": "application/json; charset=latin-1"}),
    ("ct-garbage", {"Content-Type": "json"}),
    ("ct-jsonish", {"Content-Type": "application/jsonx"}),
]


def body_cases(api: ApiSpec, targets: Targets) -> list[Case]:
    cases: list[Case] = []
    for method, template, operation, _ in _operations(api):
        request_body = operation.get("requestBody")
        if request_body:
            op = operation["operationId"]
            assert op in VALID_BODIES, f"add a valid example body for {op} to VALID_BODIES"
            valid = VALID_BODIES[op](targets)
            required = bool(request_body.get("required"))
            cases += _cases_for_body(op, method, _fill(template, targets), valid, required)
    return cases


def _cases_for_body(op: str, method: str, path: str, valid: Any, required: bool) -> list[Case]:
    cases: list[Case] = []

    def case(name: str, status: int, slug: str, content: bytes, **kw: Any) -> None:
        headers = dict(kw.pop("headers", JSON))
        cases.append(Case(f"{op}:{name}", op, method, path, status, slug, content, headers, **kw))

    for name, headers in CONTENT_TYPES:
        case(name, 415, "unsupported-media-type", _encoded(valid), headers=headers)
    for name, raw, status, slug in SYNTAX:
        case(name, status, slug, raw)
    if required:
        case("empty", 422, "validation-error", b"")
        case("whitespace", 422, "validation-error", b" \r\n\t ")
    for raw in [*WRONG_TYPES, b"{}" if isinstance(valid, list) else b"[]"]:
        case(f"type-{raw.decode()}", 422, "validation-error", raw)
    batch = op in BATCH_OPERATIONS
    for label, text in (("nul", NUL), ("surrogate", SURROGATE)):
        for pointer, is_key in _leaves(valid):
            bad = _encoded(_replace(valid, pointer, is_key, text))
            name = f"{label}-{'key-' if is_key else ''}{pointer}"
            if batch:
                case(name, 200, ITEM + "validation-error", bad)
                case(name + "-atomic", 422, "validation-error", bad, params={"atomic": "true"})
            else:
                case(name, 422, "validation-error", bad, pointer=None if is_key else pointer)
    return cases


def datetime_cases(api: ApiSpec, targets: Targets) -> list[Case]:
    """Every out-of-range instant in every ``due_at`` a write takes (single and batch)."""
    cases: list[Case] = []
    task = f"/tasks/{targets.task_id}"
    for value in EXTREME_TIMES:
        for op, method, path, body, slug in (
            ("create_task", "POST", "/tasks", {"title": "t", "due_at": value}, "validation-error"),
            ("update_task", "PATCH", task, {"due_at": value}, "validation-error"),
            (
                "upsert_task",
                "POST",
                "/tasks/upsert",
                {"external_id": "e", "title": "t", "due_at": value},
                "validation-error",
            ),
            (
                "batch_upsert_tasks",
                "POST",
                "/tasks/batch/upsert",
                [{"external_id": "e", "title": "t", "due_at": value}],
                ITEM + "validation-error",
            ),
            (
                "batch_create_tasks",
                "POST",
                "/tasks/batch",
                [{"title": "t", "due_at": value}],
                ITEM + "validation-error",
            ),
            (
                "batch_update_tasks",
                "PATCH",
                "/tasks/batch",
                [{"id": targets.task_id, "due_at": value}],
                ITEM + "validation-error",
            ),
        ):
            pointer = "/due_at" if isinstance(body, dict) else None
            status = 200 if slug.startswith(ITEM) else 422
            cases.append(
                Case(
                    f"{op}:due_at={value}",
                    op,
                    method,
                    path,
                    status,
                    slug,
                    _encoded(body),
                    dict(JSON),
                    pointer=pointer,
                )
            )
    return cases


def _bad_values(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield "nul", NUL
    if schema.get("type") == "array":
        schema = schema["items"]
    if schema.get("format") == "date-time":
        for value in EXTREME_TIMES:
            yield value, value
    if schema.get("type") == "integer":
        yield "integer-overflow", "1" + "0" * 30
        yield "not-an-integer", "1e400"
    if "maxLength" in schema:
        yield "too-long", "x" * (schema["maxLength"] + 1)


def parameter_cases(api: ApiSpec, targets: Targets) -> list[Case]:
    """Every query, path and header parameter of every operation, with values it must refuse."""
    cases: list[Case] = []
    for method, template, operation, parameters in _operations(api):
        op = operation["operationId"]
        path = _fill(template, targets)
        body = VALID_BODIES[op](targets) if op in VALID_BODIES else None
        content = _encoded(body) if body is not None else None
        headers = dict(JSON) if body is not None else {}
        seen = set()
        for param in parameters:
            name, where = param["name"], param["in"]
            if (name, where) in seen or op in ("login", "refresh_token"):
                continue
            seen.add((name, where))
            for label, value in _bad_values(param["schema"]):
                case = Case(
                    f"{op}:{where}:{name}={label}",
                    op,
                    method,
                    path,
                    422,
                    "validation-error",
                    content,
                    dict(headers),
                    pointer=f"#/{where}/{name}",
                )
                if where == "query":
                    case.params = {name: value}
                elif where == "header":
                    if label == "nul" or "\x00" not in value:
                        case.headers[name] = value
                else:
                    case.path = template.replace("{" + name + "}", value.replace("\x00", "%00"))
                    case.path = _fill(case.path, targets)
                cases.append(case)
    return cases
