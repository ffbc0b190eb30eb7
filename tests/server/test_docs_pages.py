"""Where the docs pages are found, and what they are configured to (not) do.

The pages themselves are rendered in a real browser by tests/browser; these check the server's
side over HTTP: the guessable URLs lead to Swagger UI, and the page setup that keeps the pages
offline and authorizes Swagger UI after a login is what is served.
"""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize("path", ["/", "/docs", "/api/v1/docs"])
async def test_guessable_docs_urls_redirect_to_swagger_ui(
    api_client: httpx.AsyncClient, path: str
) -> None:
    response = await api_client.get(f"http://testserver{path}")
    assert response.status_code == 307
    assert response.headers["location"] == "/api/docs"
    followed = await api_client.get(f"http://testserver{path}", follow_redirects=True)
    assert followed.status_code == 200
    assert "SwaggerUIBundle" in followed.text


async def test_unknown_paths_still_answer_problem_json(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get("http://testserver/docs/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_swagger_ui_is_set_up_to_authorize_after_login(
    api_client: httpx.AsyncClient,
) -> None:
    page = (await api_client.get("http://testserver/api/docs")).text
    assert "persistAuthorization: true" in page
    assert "validatorUrl: null" in page
    assert 'preauthorizeApiKey("bearerAuth", body.access_token)' in page


async def test_redoc_page_and_bundle_name_no_cdn(api_client: httpx.AsyncClient) -> None:
    page = (await api_client.get("http://testserver/api/redoc")).text
    assert 'disable-telemetry="true"' in page
    bundle = (await api_client.get("http://testserver/api/redoc/redoc.standalone.js")).text
    assert "https://cdn.redoc.ly/" not in bundle
    assert "data:image/svg+xml," in bundle
