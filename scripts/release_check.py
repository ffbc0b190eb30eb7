"""The Python half of scripts/release-check: what is easier to check in Python than in bash.

    python scripts/release_check.py dist DIST_DIR VERSION   the sdist and wheel hold what they must
    python scripts/release_check.py sdk-only VERSION        run in the fresh venv, SDK installed alone
    python scripts/release_check.py smoke WORKDIR           run in the fresh venv, with [server,cli]
    python scripts/release_check.py same-wheel WHEEL        run in the fresh venv: WHEEL came from
                                                            the index, unchanged
    python scripts/release_check.py htpasswd FILE USER PASSWORD   the local index's upload login
    python scripts/release_check.py wait-url URL            until URL answers 200 (the index)

`dist` and `htpasswd` run in the project venv; the others run with the fresh venv's interpreter and use only
the standard library plus what the wheel installed. Every child process and wait is bounded in
time; `smoke` stops the server it started on every way out (success, failure, SIGTERM).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType

PACKAGES = ("taskmaster", "taskmaster_api", "taskmaster_server")
SPEC = Path(__file__).resolve().parents[1] / "openapi" / "taskmaster.yaml"
DISTRIBUTION = "taskmaster-sdk"
# Imported by the server or the CLI only: an SDK-only install must not pull any of them in.
SERVER_AND_CLI_ONLY = (
    "sqlalchemy",
    "alembic",
    "connexion",
    "uvicorn",
    "psycopg",
    "redis",
    "argon2",
    "limits",
    "a2wsgi",
    "typer",
    "rich",
)
SMOKE_EMAIL = "release-check@example.com"
SMOKE_PASSWORD = "release-check-password-1"  # a throwaway user in a throwaway database


def fail(message: str) -> None:
    sys.exit(f"release-check: {message}")


# --- dist: what the archives contain ----------------------------------------------------------


def check_wheel(wheel: Path, version: str) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    required = [f"{package}/{name}" for package in PACKAGES for name in ("__init__.py", "py.typed")]
    missing = [name for name in required if name not in names]
    if missing:
        fail(f"{wheel.name} lacks {', '.join(missing)}")
    dist_info = f"taskmaster_sdk-{version}.dist-info"
    allowed_tops = {*PACKAGES, dist_info}
    tops = {name.split("/", 1)[0] for name in names}
    if tops - allowed_tops:
        fail(f"{wheel.name} has unexpected top-level entries: {sorted(tops - allowed_tops)}")
    stray = [
        name
        for name in names
        if "/tests/" in f"/{name}" or "__pycache__" in name or name.endswith((".pyc", ".db"))
    ]
    if stray:
        fail(f"{wheel.name} contains tests or build debris: {stray[:10]}")
    packaged_spec = "taskmaster_server/openapi/taskmaster.yaml"
    if packaged_spec not in names:
        fail(f"{wheel.name} lacks {packaged_spec}: the installed server could not find its spec")
    if zipfile.ZipFile(wheel).read(packaged_spec) != SPEC.read_bytes():
        fail(f"{wheel.name}'s {packaged_spec} differs from {SPEC}")
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    for script in ("taskmaster-server", "taskmaster"):
        if f"\n{script} = " not in f"\n{entry_points}":
            fail(f"{wheel.name} declares no `{script}` console script")
    print(f"wheel ok: {wheel.name} ({len(names)} files; {', '.join(PACKAGES)}, py.typed, the spec)")


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    for required in ("openapi/taskmaster.yaml", "generated/taskmaster_api/__init__.py"):
        if required not in names:
            fail(f"{sdist.name} lacks {required}")
    if any(name.startswith("tests/") for name in names):
        fail(f"{sdist.name} contains tests/")
    print(f"sdist ok: {sdist.name} ({len(names)} entries)")


def cmd_dist(dist_dir: str, version: str) -> None:
    dist = Path(dist_dir)
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        fail(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}")
    expected = f"taskmaster_sdk-{version}-py3-none-any.whl"
    if wheels[0].name != expected:
        fail(f"wheel is {wheels[0].name}, expected {expected} (version from _version.py)")
    check_wheel(wheels[0], version)
    check_sdist(sdists[0])


# --- sdk-only: the wheel without extras ---------------------------------------------------------


def cmd_sdk_only(version: str) -> None:
    installed = importlib.metadata.version(DISTRIBUTION)
    if installed != version:
        fail(f"installed {DISTRIBUTION} is {installed}, expected {version}")
    present = [name for name in SERVER_AND_CLI_ONLY if importlib.util.find_spec(name) is not None]
    if present:
        fail(f"an install without extras pulled in server/CLI dependencies: {present}")
    taskmaster = importlib.import_module("taskmaster")
    location = Path(taskmaster.__file__ or "").resolve()
    if Path(sys.prefix).resolve() not in location.parents:
        fail(f"`import taskmaster` found {location}, not the installed wheel")
    if "taskmaster_server" in sys.modules:
        fail("`import taskmaster` imported taskmaster_server")
    importlib.import_module("taskmaster_api")
    check_cli_without_extra()
    print(f"sdk-only ok: import taskmaster ({installed}); no server or CLI dependency installed")


def check_cli_without_extra() -> None:
    """The `taskmaster` script is installed without the `cli` extra: it must say what to install."""
    script = Path(sys.executable).parent / "taskmaster"
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 1 or "taskmaster-sdk[cli]" not in result.stderr:
        fail(f"`taskmaster --help` without the cli extra: {result.returncode} {result.stderr!r}")
    if "Traceback" in result.stderr:
        fail(f"`taskmaster --help` without the cli extra printed a traceback: {result.stderr}")
    print("sdk-only ok: `taskmaster` without the cli extra says to install it")


# --- the local package index: its login, its start, what it served -----------------------------


def cmd_htpasswd(path: str, user: str, password: str) -> None:
    # pypiserver checks uploads against an Apache htpasswd file, through passlib.
    from passlib.apache import HtpasswdFile

    passwords = HtpasswdFile(path, new=True)
    passwords.set_password(user, password)
    passwords.save()


def cmd_wait_url(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    fail(f"{url} did not answer 200 within 60s")


def cmd_same_wheel(wheel_arg: str) -> None:
    """The installed taskmaster-sdk is the wheel release-check built, installed from an index."""
    wheel = Path(wheel_arg)
    distribution = importlib.metadata.distribution(DISTRIBUTION)
    if distribution.read_text("direct_url.json") is not None:
        fail(f"{DISTRIBUTION} was installed from a file or URL, not from the package index")
    with zipfile.ZipFile(wheel) as archive:
        record = next(name for name in archive.namelist() if name.endswith(".dist-info/RECORD"))
        built = {line.split(",")[0]: line for line in archive.read(record).decode().splitlines()}
    installed = {
        line.split(",")[0]: line for line in (distribution.read_text("RECORD") or "").splitlines()
    }
    differing = [
        name for name, line in built.items() if line.split(",")[1] and installed.get(name) != line
    ]
    if differing:
        fail(f"the installed {DISTRIBUTION} differs from {wheel.name}: {differing[:5]}")
    print(
        f"index ok: {DISTRIBUTION} {distribution.version} came from the index, file for file {wheel.name}"
    )


# --- smoke: a real server and the installed SDK -------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str], cwd: Path, seconds: float) -> None:
    print(f"$ {' '.join(args)}")
    result = subprocess.run(
        args, env=env, cwd=cwd, timeout=seconds, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        fail(f"{args[0]} {args[1]} exited with {result.returncode}")


def wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"the server exited with {server.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    fail(f"{url} did not answer 200 within {seconds:.0f}s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def exercise_sdk(base_url: str) -> None:
    from taskmaster import TaskMasterClient

    title = "release-check smoke task"
    with TaskMasterClient(base_url, email=SMOKE_EMAIL, password=SMOKE_PASSWORD) as client:
        created = client.create_task({"title": title})
        titles = [task.title for task in client.list_tasks()]
    if titles != [title] or created.title != title:
        fail(f"list_tasks() after one create_task() returned {titles!r}")
    print(f"sdk ok: logged in, created a task, list_tasks() returned {titles!r}")


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """`taskmaster ARGS` from the fresh venv; its stdout (fails the check on a non-zero exit)."""
    command = [str(Path(sys.executable).parent / "taskmaster"), *args]
    print(f"$ taskmaster {' '.join(args)}")
    result = subprocess.run(
        command, env=env, cwd=cwd, timeout=60, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        fail(f"taskmaster {args[0]} exited with {result.returncode}")
    return result.stdout


def exercise_cli(base_url: str, workdir: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TASKMASTER_")}
    env.update(TASKMASTER_CONFIG_DIR=str(workdir / "cli-config"), TASKMASTER_API_URL=base_url)
    run_cli(["login", "--email", SMOKE_EMAIL, "--password", SMOKE_PASSWORD], env, workdir)
    run_cli(["tasks", "add", "release-check CLI task"], env, workdir)
    lines = run_cli(["tasks", "list", "--json", "--all"], env, workdir).splitlines()
    titles = sorted(json.loads(line)["title"] for line in lines if line.strip())
    if "release-check CLI task" not in titles:
        fail(f"`taskmaster tasks list` after `tasks add` returned {titles!r}")
    print(f"cli ok: login, tasks add, tasks list returned {titles!r}")


def server_env(workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TASKMASTER_")}
    env.pop("PYTHONPATH", None)
    env.update(
        TASKMASTER_DATABASE_URL=f"sqlite:///{workdir / 'smoke.db'}",
        TASKMASTER_JWT_PRIVATE_KEY=str(workdir / "jwt-es256.pem"),
        TASKMASTER_LOG_LEVEL="WARNING",
    )
    return env


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"release-check: stopped by signal {signum}")


def cmd_smoke(workdir_arg: str) -> None:
    # `timeout` in the bash half sends SIGTERM: turn it into an exception so `finally` runs.
    signal.signal(signal.SIGTERM, _raise_exit)
    workdir = Path(workdir_arg)
    env = server_env(workdir)
    bindir = Path(sys.executable).parent
    server_cmd = str(bindir / "taskmaster-server")
    run([server_cmd, "migrate"], env, workdir, 120)
    run(
        [server_cmd, "create-user", "--email", SMOKE_EMAIL, "--password", SMOKE_PASSWORD],
        env,
        workdir,
        60,
    )
    port = free_port()
    log_path = workdir / "server.log"
    print(f"$ {server_cmd} serve --host 127.0.0.1 --port {port}")
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [server_cmd, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ok = False
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api/v1/health", server, 60)
        exercise_sdk(f"http://127.0.0.1:{port}")
        exercise_cli(f"http://127.0.0.1:{port}", workdir)
        ok = True
    finally:
        stop(server)
        if not ok:
            print(f"--- server log ({log_path}) ---", file=sys.stderr)
            print(log_path.read_text(errors="replace")[-5000:], file=sys.stderr)
    # uvicorn exits by re-raising the SIGTERM it handled, so -15 is a clean shutdown.
    print(f"smoke ok: the server on 127.0.0.1:{port} stopped (exit status {server.returncode})")


def main(argv: list[str]) -> None:
    commands: dict[str, tuple[Callable[..., None], int]] = {
        "dist": (cmd_dist, 2),
        "sdk-only": (cmd_sdk_only, 1),
        "smoke": (cmd_smoke, 1),
        "same-wheel": (cmd_same_wheel, 1),
        "htpasswd": (cmd_htpasswd, 3),
        "wait-url": (cmd_wait_url, 1),
    }
    if not argv or argv[0] not in commands or len(argv) - 1 != commands[argv[0]][1]:
        sys.exit(__doc__)
    command, _ = commands[argv[0]]
    command(*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
