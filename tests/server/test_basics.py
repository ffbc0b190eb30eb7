"""Health, docs, the served spec, request ids, gzip."""

from __future__ import annotations

import httpx

from tests.server.helpers import auth


async def test_health_and_readiness(api_client: httpx.AsyncClient) -> None:
    health = await api_client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    ready = await api_client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_request_id_is_echoed_or_generated(api_client: httpx.AsyncClient) -> None:
    echoed = await api_client.get("/health", headers={"X-Request-ID": "client-id-42"})
    assert echoed.headers["x-request-id"] == "client-id-42"
    generated = await api_client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert generated.headers["x-request-id"] not in ("", "bad id\twith spaces")
    assert len(generated.headers["x-request-id"]) == 32


async def test_spec_is_served_as_json_and_yaml(api_client: httpx.AsyncClient) -> None:
    as_json = await api_client.get("/openapi.json")
    assert as_json.status_code == 200
    assert as_json.json()["info"]["title"] == "Task Master API"
    assert len([1 for p in as_json.json()["paths"].values() for _ in p]) >= 36
    as_yaml = await api_client.get("/openapi.yaml")
    assert as_yaml.status_code == 200
    assert "Task Master API" in as_yaml.text


async def test_docs_pages_use_local_assets(api_client: httpx.AsyncClient) -> None:
    root = "http://testserver"
    swagger = await api_client.get(f"{root}/api/docs")
    assert swagger.status_code == 200
    assert "/api/docs/assets/swagger-ui-bundle.js" in swagger.text
    assert "https://" not in swagger.text  # no CDN
    bundle = await api_client.get(f"{root}/api/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert len(bundle.content) > 100_000
    redoc = await api_client.get(f"{root}/api/redoc")
    assert redoc.status_code == 200
    assert 'spec-url="/api/v1/openapi.json"' in redoc.text
    assert "https://" not in redoc.text
    script = await api_client.get(f"{root}/api/redoc/redoc.standalone.js")
    assert script.status_code == 200
    assert b"RedocStandalone" in script.content


async def test_large_responses_are_gzipped(api_client: httpx.AsyncClient, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    headers = await auth(api_client, user)
    batch = [{"title": f"task {i} " + "x" * 100} for i in range(30)]
    assert (await api_client.post("/tasks/batch", json=batch, headers=headers)).status_code == 200
    response = await api_client.get(
        "/tasks", headers={**headers, "Accept-Encoding": "gzip"}, params={"limit": 30}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]) == 30  # httpx decoded it
    raw = await api_client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw.headers  # small bodies are sent as they are
