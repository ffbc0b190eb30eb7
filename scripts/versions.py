"""The package version, the API version, and the changelog: bump one, check they agree.

    python scripts/versions.py check [--root DIR]                     `make check` (step `versions`)
    python scripts/versions.py bump patch|minor|major [--root DIR]    `make version BUMP=...`

Two versions, two meanings:

- the package version, ``__version__`` in ``src/taskmaster/_version.py`` (the single source:
  hatch reads it for the wheel, the server reports it on ``GET /health``), versions the Python
  distribution ``taskmaster-sdk``;
- the API version, ``info.version`` in ``openapi/taskmaster.yaml``, versions the HTTP contract.
  Its major is the ``/api/v<major>`` base path (``servers[0].url``).

They move independently (a bug fix in the SDK does not change the API; an added endpoint changes
both), so each release records which API version it implements: the newest ``CHANGELOG.md``
section is the package version and says ``API version <info.version>``. ``check`` enforces all of
that; ``bump`` writes the new version and opens its changelog section, already saying so.
``--root`` points both at a copy of the files (the tests bump a copy, never the real version).
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

import yaml

VERSION_FILE = Path("src/taskmaster/_version.py")
SPEC_FILE = Path("openapi/taskmaster.yaml")
CHANGELOG = Path("CHANGELOG.md")

_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_VERSION_LINE = re.compile(r'^__version__ = "([^"]*)"$', re.MULTILINE)
_SECTION = re.compile(r"^## \[([^\]]+)\](.*)$", re.MULTILINE)
_UNRELEASED = " - Unreleased"


class VersionError(Exception):
    pass


def package_version(root: Path) -> str:
    match = _VERSION_LINE.search((root / VERSION_FILE).read_text(encoding="utf-8"))
    if match is None:
        raise VersionError(f'{VERSION_FILE} has no line `__version__ = "X.Y.Z"`')
    return match.group(1)


def api_version(root: Path) -> tuple[str, str]:
    """``info.version`` and ``servers[0].url`` from the spec."""
    spec = yaml.safe_load((root / SPEC_FILE).read_text(encoding="utf-8"))
    return str(spec["info"]["version"]), str(spec["servers"][0]["url"])


def newest_section(changelog: str) -> re.Match[str]:
    match = _SECTION.search(changelog)
    if match is None:
        raise VersionError(f"{CHANGELOG} has no `## [X.Y.Z]` section")
    return match


def problems(root: Path) -> list[str]:
    found = []
    package = package_version(root)
    if not _SEMVER.fullmatch(package):
        found.append(f"{VERSION_FILE}: {package!r} is not MAJOR.MINOR.PATCH")
    api, base_path = api_version(root)
    api_match = _SEMVER.fullmatch(api)
    if api_match is None:
        found.append(f"{SPEC_FILE}: info.version {api!r} is not MAJOR.MINOR.PATCH")
    elif not base_path.endswith(f"/v{api_match.group(1)}"):
        found.append(
            f"{SPEC_FILE}: info.version {api} is API major {api_match.group(1)}, but the base "
            f"path is {base_path!r}: a new major is a new /api/v<major>"
        )
    changelog = (root / CHANGELOG).read_text(encoding="utf-8")
    section = newest_section(changelog)
    if section.group(1) != package:
        found.append(
            f"{CHANGELOG}: the newest section is [{section.group(1)}], the package is {package} "
            "(open one with `make version BUMP=patch|minor|major`)"
        )
    following = _SECTION.search(changelog, section.end())
    body = changelog[section.end() : following.start() if following else len(changelog)]
    if f"API version {api}" not in body:
        found.append(
            f"{CHANGELOG}: the [{section.group(1)}] section must say which API it implements: "
            f"`API version {api}` (info.version in {SPEC_FILE})"
        )
    return found


def bumped(version: str, part: str) -> str:
    match = _SEMVER.fullmatch(version)
    if match is None:
        raise VersionError(f"cannot bump {version!r}: not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(number) for number in match.groups())
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def bump(root: Path, part: str, today: datetime.date) -> str:
    """Write the next version and open its changelog section; returns the new version.

    Run it right after `make publish`: the section it leaves (still marked Unreleased) is the
    release just published, so it gets today's date."""
    old = package_version(root)
    new = bumped(old, part)
    api, _ = api_version(root)
    version_path = root / VERSION_FILE
    version_text = version_path.read_text(encoding="utf-8")
    changelog_path = root / CHANGELOG
    changelog = changelog_path.read_text(encoding="utf-8")
    section = newest_section(changelog)
    if section.group(1) != old:
        raise VersionError(f"{CHANGELOG}'s newest section is [{section.group(1)}], not [{old}]")
    previous = f"## [{old}]{section.group(2)}"
    if section.group(2) == _UNRELEASED:
        previous = f"## [{old}] - {today.isoformat()}"
    opened = (
        f"## [{new}]{_UNRELEASED}\n\n"
        f"Implements API version {api} (`info.version` in `{SPEC_FILE}`).\n\n"
        "### Added\n\n### Changed\n\n### Fixed\n\n"
    )
    changelog = changelog[: section.start()] + opened + previous + changelog[section.end() :]
    version_path.write_text(
        _VERSION_LINE.sub(f'__version__ = "{new}"', version_text, count=1), encoding="utf-8"
    )
    changelog_path.write_text(changelog, encoding="utf-8")
    return new


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "bump"])
    parser.add_argument("part", nargs="?", choices=["patch", "minor", "major"])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            if args.part is None:
                parser.error("bump needs patch, minor or major (make version BUMP=patch)")
            old = package_version(args.root)
            new = bump(args.root, args.part, datetime.date.today())
            print(f"version {old} -> {new}: {VERSION_FILE}, and a [{new}] section in {CHANGELOG}")
            return 0
        found = problems(args.root)
    except VersionError as error:
        print(f"versions: {error}", file=sys.stderr)
        return 1
    for problem in found:
        print(f"versions: {problem}", file=sys.stderr)
    if found:
        return 1
    api, _ = api_version(args.root)
    print(f"versions ok: package {package_version(args.root)} implements API version {api}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
