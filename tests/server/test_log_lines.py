"""The server's JSON log lines as an operator's log pipeline reads them: plain text only."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from taskmaster_server.log import JsonFormatter


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_uvicorn_color_message_is_not_a_field() -> None:
    # uvicorn logs "Uvicorn running on %s" with extra={"color_message": <ANSI-coloured text>}.
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, "Uvicorn running on %s", ("http://h:1",), None
    )
    record.color_message = "Uvicorn running on \x1b[1m%s\x1b[0m"
    line = json.loads(JsonFormatter().format(record))
    assert "color_message" not in line
    assert line["message"] == "Uvicorn running on http://h:1"
    assert "\x1b" not in json.dumps(line, ensure_ascii=False)


def test_serve_writes_no_ansi_escapes(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "TASKMASTER_JWT_PRIVATE_KEY": str(tmp_path / "jwt.pem"),
        "TASKMASTER_LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "taskmaster_server",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not come up")
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    lines = [line for line in output.decode().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert any("Uvicorn running on" in entry["message"] for entry in entries), lines
    assert b"\x1b" not in output
    assert not [entry for entry in entries if "color_message" in entry]
