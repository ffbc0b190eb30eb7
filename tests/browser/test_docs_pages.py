"""The docs pages in a real browser: they render from local files alone and send nothing out.

``/api/docs`` (Swagger UI) and ``/api/redoc`` come from a real uvicorn on 127.0.0.1; the docs
site is ``docs/_build/html`` opened over ``file://`` (built by ``make docs``, which CI runs
before the tests; skipped with that advice when it is missing). Every request each page makes
is recorded (tests/browser/conftest.py) and must stay on 127.0.0.1 or ``file://``.

ReDoc sends telemetry in batches a few seconds after it renders, or at once when the page is
hidden: ``_hide`` makes the page hidden so a beacon shows up without a 6 s wait.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from taskmaster_server.testing import LiveServer
from tests.browser.conftest import OfflinePage
from tests.fixtures.server import ServerUser

DOCS_HTML = Path(__file__).resolve().parents[2] / "docs" / "_build" / "html"
SCHEME = "bearerAuth"
# The pages are the same whatever the database; a browser is the slow part, so one backend.
on_sqlite = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _hide(page: Page) -> None:
    """Make the page hidden, as switching tabs does: ReDoc flushes its telemetry then."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => {
          Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")


def _wait_for_redoc(page: Page) -> None:
    page.get_by_text("API docs by").wait_for()
    # The attribution logo is drawn after the first render; it must be the inline one.
    logo = page.locator('img[alt="redocly logo"]')
    logo.wait_for()
    assert (logo.get_attribute("src") or "").startswith("data:image/svg+xml,")


@on_sqlite
def test_swagger_ui_loads_nothing_from_outside(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(f"{live_server.base_url}/api/docs")
    page.locator("#operations-Auth-login").wait_for()
    _hide(page)

    offline_page.assert_offline()
    assert f"{live_server.base_url}/api/docs/assets/swagger-ui-bundle.js" in offline_page.local
    assert f"{live_server.api_url}/openapi.json" in offline_page.local


@on_sqlite
def test_redoc_loads_nothing_from_outside_and_sends_no_telemetry(
    live_server: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(f"{live_server.base_url}/api/redoc")
    _wait_for_redoc(page)
    page.get_by_text(f"Task Master API ({_spec_version(page, live_server)})").wait_for()
    _hide(page)

    offline_page.assert_offline()
    assert f"{live_server.base_url}/api/redoc/redoc.standalone.js" in offline_page.local


def _spec_version(page: Page, live_server: LiveServer) -> str:
    response = page.request.get(f"{live_server.api_url}/openapi.json")
    version: str = response.json()["info"]["version"]
    return version


@pytest.mark.parametrize("name", ["index.html", "rest-api.html", "quickstart.html"])
def test_built_docs_site_loads_nothing_from_outside(offline_page: OfflinePage, name: str) -> None:
    path = DOCS_HTML / name
    if not path.is_file():
        pytest.skip(f"{path} is not built: run `make docs` first (CI builds the docs before tests)")
    page = offline_page.page
    page.goto(path.as_uri())
    if name == "rest-api.html":
        _wait_for_redoc(page)
    else:
        page.locator("article").first.wait_for()
    _hide(page)

    offline_page.assert_offline()


def _try_it_out(page: Page, operation: str, body: dict[str, str] | None = None) -> int:
    """Run OPERATION through Swagger UI's "Try it out"; the status code the page shows."""
    block = page.locator(f"#operations-{operation}")
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    if body is not None:
        block.locator("textarea.body-param__text").fill(json.dumps(body))
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    return int(status.inner_text().split()[0])


def _authorized_token(page: Page) -> str | None:
    token: str | None = page.evaluate(
        "(scheme) => window.ui.authSelectors.authorized().getIn([scheme, 'value']) || null",
        SCHEME,
    )
    return token


@on_sqlite
def test_swagger_login_authorizes_the_page_and_survives_a_reload(
    live_server: LiveServer, offline_page: OfflinePage, make_user: object
) -> None:
    user: ServerUser = make_user()  # type: ignore[operator]
    page = offline_page.page
    page.goto(f"{live_server.base_url}/api/docs")
    page.locator("#operations-Auth-login").wait_for()
    assert _authorized_token(page) is None

    status = _try_it_out(page, "Auth-login", {"email": user.email, "password": user.password})

    assert status == 200
    token = _authorized_token(page)
    assert token is not None
    assert token.count(".") == 2, "the access token (a JWT) authorizes the page"
    # persistAuthorization: the token is kept in localStorage and restored on a reload.
    page.reload()
    page.locator("#operations-Accounts-get_me").wait_for()
    assert _authorized_token(page) == token
    assert page.locator(".auth-wrapper .authorize.locked").count() == 1
    # And the restored token is what "Try it out" sends: GET /me answers 200, not 401.
    assert _try_it_out(page, "Accounts-get_me") == 200
    offline_page.assert_offline()
