"""The REST reference's code samples (`x-codeSamples`), generated from the spec: every operation
has a Python SDK call and a curl command, and each SDK call names a method the client has."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

from taskmaster import TaskMasterClient
from tests.pipeline.openapi_walk import ROOT


def test_every_operation_has_a_python_call_and_a_curl_command(tmp_path: Path) -> None:
    out = tmp_path / "taskmaster.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sdkgen"), "--code-samples", str(out)],
        check=True,
        timeout=120,
    )
    spec = json.loads(out.read_text())
    client = TaskMasterClient("http://samples.test", "t", verify_tokens=False)
    seen = 0
    for item in spec["paths"].values():
        for method, op in item.items():
            if method == "parameters":
                continue
            samples = {s["label"]: s["source"] for s in op["x-codeSamples"]}
            assert set(samples) == {"Python SDK", "curl"}, op["operationId"]
            python, curl = samples["Python SDK"], samples["curl"]
            compile(python, op["operationId"], "exec")  # valid Python
            assert curl.startswith(f"curl -X {method.upper()} "), op["operationId"]
            assert "{" not in curl.split()[3], "a path parameter left unfilled"
            raw = re.search(r"from (taskmaster_api\.api\.\w+) import (\w+)", python)
            if raw is not None:  # a raw-only operation: the generated endpoint, on client.raw
                module = importlib.import_module(f"{raw.group(1)}.{raw.group(2)}")
                assert callable(module.sync)
            else:
                called = re.search(r"client\.([\w.]+)\(", python)
                assert called is not None, python
                target: object = client
                for part in called.group(1).split("."):
                    target = getattr(target, part)  # the sample's method exists
                assert callable(target)
            seen += 1
    client.close()
    assert seen == sum(1 for item in spec["paths"].values() for m in item if m != "parameters")
