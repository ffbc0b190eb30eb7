"""Make a ReDoc bundle (or a page that inlines one) fetch nothing from another host.

    python scripts/redoc_offline.py FILE...     rewrite each FILE in place

ReDoc 3 always renders an "API docs by Redocly" logo whose image comes from cdn.redoc.ly; no
option turns it off. This swaps the two logo URLs for an inline SVG wordmark (a ``data:`` URL),
so the attribution stays and nothing leaves the machine. Telemetry is not patched here: it has
an option (``disable-telemetry`` on the ``<redoc>`` tag, ``telemetry: off`` in redocly.yaml for
``build-docs``), and the browser test (tests/browser) proves both pages make no outside request.

Deterministic and idempotent: rerunning it on its own output changes nothing. It fails when a
file holds neither the CDN logo nor the inline one: a new ReDoc has changed how it draws the
logo, and this script must be looked at again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote


def _wordmark(text: str, width: int) -> str:
    """An SVG of TEXT as a ``data:`` URL. The bundle puts each logo URL in a JS template
    literal: the result has no backtick and no "${", and quote() keeps "<" out, so a page that
    inlines the bundle never sees "</script"."""
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='16'>"
        f"<text x='0' y='12' font-family='sans-serif' font-size='12' fill='#0044d4'>{text}</text>"
        "</svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe=" =:/'")


LOGOS = {
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg": _wordmark("Redocly", 64),
    "https://cdn.redoc.ly/redoc/logo-mini.svg": _wordmark("R", 12),
}
# Hosts the bundle must not name in anything it loads once patched.
CDN_HOSTS = ("https://cdn.redoc.ly/",)


def make_offline(text: str) -> str:
    if not any(url in text or inline in text for url, inline in LOGOS.items()):
        raise ValueError("no ReDoc logo URL found: has the bundle changed how it draws the logo?")
    for url, inline in LOGOS.items():
        text = text.replace(url, inline)
    left = [host for host in CDN_HOSTS if host in text]
    if left:
        raise ValueError(f"still names {', '.join(left)} after patching")
    return text


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        try:
            patched = make_offline(text)
        except ValueError as error:
            print(f"redoc_offline: {path}: {error}", file=sys.stderr)
            return 1
        if patched != text:
            path.write_text(patched, encoding="utf-8")
            print(f"redoc_offline: {path}: logo inlined")
        else:
            print(f"redoc_offline: {path}: already offline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
