"""A real headless Chromium for the docs pages, and a record of every request a page makes.

The browser is Debian's ``chromium`` (``scripts/install-browser``, which ``make test`` runs
first), driven by playwright over its executable path: playwright never downloads a browser of
its own here. Without a Chromium every test in this directory is skipped, saying how to get one.

``offline_page`` is a fresh browser context and page that records every request it makes
(``OfflinePage.local`` / ``.outside``) and lets only those to 127.0.0.1, ``file://`` and inline
(``data:``, ``blob:``) URLs through: any other is aborted, so a test never reaches the internet,
and the tests require ``outside`` to be empty. Content-Security-Policy violations (a page that blocks its own
outside fetch) are recorded too: an asset blocked by a policy is still one the page wanted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, sync_playwright

CHROMIUM_ENV = "TASKMASTER_TEST_CHROMIUM"
_INLINE_SCHEMES = {"data", "blob", "about"}

_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__cspViolations.push([event.blockedURI, event.violatedDirective]));
"""


def chromium_path() -> str | None:
    for candidate in (os.environ.get(CHROMIUM_ENV), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def is_local(url: str) -> bool:
    """127.0.0.1, a file, inline data, or no URL at all (a policy's "eval" or "inline")."""
    parts = urlsplit(url)
    if not parts.scheme:
        return True
    if parts.scheme in _INLINE_SCHEMES or parts.scheme == "file":
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname == "127.0.0.1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            f"no Chromium for the browser test: run scripts/install-browser (make test does; it "
            f"needs root and apt-get) or set {CHROMIUM_ENV}=/path/to/chromium"
        )
    # Module scope: playwright's sync API keeps an event loop of its own, closed before any
    # other module's asyncio tests run on this worker.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            # Root (CI) cannot use Chromium's sandbox; /dev/shm is small in containers.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
            timeout=60_000,
        )
        yield launched
        launched.close()


@dataclass
class OfflinePage:
    context: BrowserContext
    page: Page
    local: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def blocked_outside(self) -> list[str]:
        """Outside URLs the page's Content-Security-Policy stopped (not eval or inline code)."""
        violations: list[list[str]] = self.page.evaluate("window.__cspViolations || []")
        return [f"{url} ({directive})" for url, directive in violations if not is_local(url)]

    def assert_offline(self) -> None:
        """Nothing left 127.0.0.1 or file://, and no asset was blocked on its way out."""
        assert self.outside == [], f"requests that left the machine: {self.outside}"
        assert self.blocked_outside() == [], "outside assets the page's policy blocked"
        assert self.local, "the page made no request at all: the recorder saw nothing"


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[OfflinePage]:
    context = browser.new_context()
    context.set_default_timeout(30_000)
    recorded = OfflinePage(context, context.new_page())

    def record(request: Request) -> None:
        (recorded.local if is_local(request.url) else recorded.outside).append(request.url)

    def route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.on("request", record)
    context.route("**/*", route)
    context.add_init_script(_RECORD_CSP_VIOLATIONS)
    yield recorded
    context.close()
