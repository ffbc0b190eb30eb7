"""Swagger UI at ``/api/docs``, ReDoc at ``/api/redoc`` (every asset served locally) and the
spec itself at ``/api/v1/openapi.json`` and ``/api/v1/openapi.yaml``.

No CDN: the machines this runs on often have no internet. Swagger UI's files come from the
``swagger-ui-bundle`` package; ReDoc's single script is shipped in ``static/redoc`` with its
logo inlined (``scripts/redoc_offline.py``), and its telemetry is switched off on the page.
``/``, ``/docs`` and ``/api/v1/docs`` redirect to Swagger UI, where people look first.
"""

from __future__ import annotations

from pathlib import Path

from connexion import AsyncApp
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from swagger_ui_bundle import swagger_ui_path

from taskmaster_server.openapi import ApiSpec
from taskmaster_server.problems import Problem

__all__ = ["install"]

_SWAGGER_DIR = Path(swagger_ui_path)
_SWAGGER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
_REDOC_SCRIPT = Path(__file__).with_name("static") / "redoc" / "redoc.standalone.js"

_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Task Master API - Swagger UI</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" href="/api/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>
// A successful "Try it out" of POST /auth/login or /auth/refresh authorizes the page with the
// new access token, so nobody copies tokens by hand; persistAuthorization keeps it (in
// localStorage) across reloads. validatorUrl null: the default badge asks validator.swagger.io.
const tokenPaths = ["/auth/login", "/auth/refresh"];
window.ui = SwaggerUIBundle({url: "{spec_url}", dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout",
  validatorUrl: null, persistAuthorization: true,
  responseInterceptor: (response) => {
    const body = response.obj || response.body;
    const path = new URL(response.url, window.location.href).pathname;
    if (response.status === 200 && tokenPaths.some((end) => path.endsWith(end)) && body && body.access_token) {
      window.ui.preauthorizeApiKey("{security_scheme}", body.access_token);
      // preauthorizeApiKey authorizes the page only; this writes it to localStorage too.
      window.ui.authActions.persistAuthorizationIfNeeded();
    }
    return response;
  }});
</script></body></html>
"""

_REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Task Master API - ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="{spec_url}" disable-telemetry="true"></redoc>
<script type="module" src="/api/redoc/redoc.standalone.js"></script></body></html>
"""


# Where people guess the docs are; each answered 404 before.
_DOCS_ALIASES = ("/", "/docs", "/api/v1/docs")


def _bearer_scheme(spec: ApiSpec) -> str:
    """The name of the spec's HTTP bearer security scheme: what Swagger UI authorizes."""
    schemes: dict[str, dict[str, object]] = spec.raw.get("components", {}).get(
        "securitySchemes", {}
    )
    for name, scheme in schemes.items():
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return name
    raise ValueError("the spec declares no HTTP bearer security scheme")


def install(app: AsyncApp, spec: ApiSpec) -> None:
    spec_url = f"{spec.base_path}/openapi.json"
    swagger_page = _SWAGGER_PAGE.replace("{spec_url}", spec_url).replace(
        "{security_scheme}", _bearer_scheme(spec)
    )
    redoc_page = _REDOC_PAGE.replace("{spec_url}", spec_url)

    async def swagger_ui(_request: Request) -> Response:
        return HTMLResponse(swagger_page)

    async def swagger_asset(request: Request) -> Response:
        name = str(request.path_params["name"])
        media_type = _SWAGGER_ASSETS.get(name)
        if media_type is None:
            raise Problem("not-found", f"No asset {name}.")
        return FileResponse(_SWAGGER_DIR / name, media_type=media_type)

    async def redoc(_request: Request) -> Response:
        return HTMLResponse(redoc_page)

    async def redoc_script(_request: Request) -> Response:
        return FileResponse(_REDOC_SCRIPT, media_type="text/javascript")

    async def spec_json(_request: Request) -> Response:
        return Response(spec.json_bytes, media_type="application/json")

    async def spec_yaml(_request: Request) -> Response:
        return Response(spec.text, media_type="application/yaml")

    async def to_swagger_ui(_request: Request) -> Response:
        # 307 keeps it a plain GET; nothing cached: a future landing page may take "/" over.
        return RedirectResponse("/api/docs", status_code=307)

    for number, alias in enumerate(_DOCS_ALIASES):
        app.add_url_rule(alias, f"docs_alias_{number}", to_swagger_ui, methods=["GET"])
    app.add_url_rule(spec_url, "openapi_json", spec_json, methods=["GET"])
    app.add_url_rule(f"{spec.base_path}/openapi.yaml", "openapi_yaml", spec_yaml, methods=["GET"])
    app.add_url_rule("/api/docs", "swagger_ui", swagger_ui, methods=["GET"])
    app.add_url_rule("/api/docs/assets/{name}", "swagger_asset", swagger_asset, methods=["GET"])
    app.add_url_rule("/api/redoc", "redoc", redoc, methods=["GET"])
    app.add_url_rule(
        "/api/redoc/redoc.standalone.js", "redoc_script", redoc_script, methods=["GET"]
    )
