"""`x-codeSamples` for the REST reference: each operation's Python SDK call and a curl command,
derived from the same reading of the spec as the SDK's methods (never written per operation).

    python scripts/sdkgen --code-samples OUT.yaml   # the spec with the samples merged in
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from spec import Operation, Reader, Resource, snake

__all__ = ["with_code_samples"]

HOST = "https://taskmaster.example.com"
EXAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _body_example(reader: Reader, op: dict[str, Any]) -> Any:
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return None
    schema = next(iter(content.values()))["schema"]
    if "$ref" in schema:
        return reader.resolve(schema).get("example", {})
    items = schema.get("items", {})
    if "$ref" in items:
        return [reader.resolve(items).get("example", {})]
    return [EXAMPLE_ID]


def _python(op: Operation | None, call: str, body: Any, path_args: list[str]) -> str:
    args = [repr(a) for a in path_args]
    if isinstance(body, dict):
        args += [f"{k}={v!r}" for k, v in body.items()]
    elif isinstance(body, list):
        args.append(repr(body))
    line = f"{call}({', '.join(args)})"
    if op is not None and op.result == "page":
        line = f"for item in {line}:\n    print(item)"
    elif op is not None and op.result in ("model", "list"):
        line = f"result = {line}"
    return (
        "from taskmaster import TaskMasterClient\n\n"
        f'with TaskMasterClient("{HOST}", token="...") as client:\n'
        + "\n".join(f"    {part}" for part in line.splitlines())
    )


def _curl(method: str, url: str, body: Any) -> str:
    parts = [f"curl -X {method.upper()} {shlex.quote(url)}"]
    parts.append('-H "Authorization: Bearer $TASKMASTER_TOKEN"')
    if body is not None:
        parts.append('-H "Content-Type: application/json"')
        parts.append(f"-d {shlex.quote(json.dumps(body))}")
    return " \\\n  ".join(parts)


def with_code_samples(
    spec: dict[str, Any], resources: list[Resource], reader: Reader, names: dict[str, Any]
) -> dict[str, Any]:
    """A copy of `spec` whose operations carry `x-codeSamples` (Python, then curl)."""
    generated = {op.id: (r, op) for r in resources for op in r.operations}
    hand = names.get("hand_written") or {}
    base = HOST + spec.get("servers", [{}])[0].get("url", "")
    out = json.loads(json.dumps(spec))  # a deep copy, plain types only
    for path, item in out.get("paths", {}).items():
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict) or "operationId" not in op:
                continue
            op_id = op["operationId"]
            path_args = [EXAMPLE_ID] * path.count("{")
            body = _body_example(reader, op)
            url = base + re.sub(r"\{[^}]+\}", EXAMPLE_ID, path)
            if op_id in generated:
                resource, operation = generated[op_id]
                call = f"client.{resource.attr}.{operation.method}"
                python = _python(operation, call, body, path_args)
            elif hand.get(op_id):
                python = _python(None, f"client.{hand[op_id]}", body, path_args)
            else:
                tag = snake((op.get("tags") or ["Default"])[0])
                python = (
                    f"from taskmaster_api.api.{tag} import {op_id}\n"
                    "from taskmaster import TaskMasterClient\n\n"
                    f'with TaskMasterClient("{HOST}", token="...") as client:\n'
                    f"    result = {op_id}.sync(client=client.raw)"
                )
            op["x-codeSamples"] = [
                {"lang": "Python", "label": "Python SDK", "source": python},
                {"lang": "Shell", "label": "curl", "source": _curl(method, url, body)},
            ]
    return out
