"""The application factory: a connexion ``AsyncApp`` routed and validated from the spec.

The middleware stack, outermost first::

    ProxyHeadersMiddleware     X-Forwarded-For/-Proto, only from TASKMASTER_TRUSTED_PROXIES
    RequestContextMiddleware   request id, rate-limit headers, access log, last-resort 500
    GZipMiddleware             large responses
    ExceptionMiddleware        connexion's, with our problem+json handlers (errors.py)
    BodyLimitMiddleware        413 for oversized bodies
    MethodGuardMiddleware      405 + Allow from the spec's path table
    RoutingMiddleware          operationId from method + path
    SecurityMiddleware         bearer tokens (auth/security.py)
    MediaTypeMiddleware        415 unless a body is the JSON its operation takes
    RequestValidationMiddleware   parameters and bodies (validation.py)
    ResponseValidationMiddleware  only when settings.validate_responses (tests)
    LifespanMiddleware, ContextMiddleware

connexion's default stack also has SwaggerUIMiddleware; docs.py serves the UIs and the spec, and
that middleware would still route every request through two routers on the way, so it is left
out, as is response validation when it is off (a pass-through layer per request).

WebSocket requests to ``/api/v1/events/ws`` bypass the stack (events/asgi.py).
"""

from __future__ import annotations

import copy
import ipaddress
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from taskmaster_server import docs
from taskmaster_server.auth.security import SECURITY_MAP
from taskmaster_server.dispatch import PreparedApi
from taskmaster_server.errors import ErrorHandlers
from taskmaster_server.events.asgi import EventService, StreamingApp
from taskmaster_server.log import configure_logging
from taskmaster_server.middleware.body_limit import BodyLimitMiddleware
from taskmaster_server.middleware.media_type import MediaTypeMiddleware
from taskmaster_server.middleware.method_guard import MethodGuardMiddleware
from taskmaster_server.middleware.request_context import RequestContextMiddleware
from taskmaster_server.resolver import OperationResolver, check_handlers
from taskmaster_server.runtime import Runtime
from taskmaster_server.settings import Settings
from taskmaster_server.validation import VALIDATOR_MAP
from taskmaster_server.webhooks.worker import DeliveryWorker

__all__ = ["app_from_env", "create_app"]

RUNTIME_ATTRIBUTE = "taskmaster_runtime"


def create_app(settings: Settings | None = None) -> AsyncApp:
    """Build the server for ``settings`` (default: from the environment).

    Raises ``MissingHandlersError`` naming every spec operation without a handler when
    ``settings.require_all_handlers``; otherwise those are logged here and answer 501.
    """
    settings = settings or Settings.from_env()
    # connexion warns on *every* request to an operation accepting two media types (PATCH:
    # application/json and merge-patch+json); both are intended here.
    logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
    runtime = Runtime.build(settings)
    try:
        check_handlers(runtime.spec, require_all=settings.require_all_handlers)
    except Exception:
        runtime.close()
        raise
    events = EventService(runtime)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            # Expired keys are also replaced lazily on reuse; this keeps the table small.
            runtime.idempotency.purge_expired()
        except Exception:
            logging.getLogger("taskmaster.errors").warning("could not purge idempotency keys")
        deliveries = DeliveryWorker.start_if_enabled(runtime.db, settings)
        events.start()
        yield
        await events.stop()
        if deliveries is not None:
            await deliveries.stop()
        runtime.close()

    app = StreamingApp(
        __name__,
        lifespan=lifespan,
        middlewares=[
            *_proxy_headers(settings),
            partial(RequestContextMiddleware, runtime=runtime),
            partial(GZipMiddleware, minimum_size=1024),
            ExceptionMiddleware,
            partial(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
            partial(MethodGuardMiddleware, spec=runtime.spec),
            RoutingMiddleware,
            SecurityMiddleware,
            partial(MediaTypeMiddleware, spec=runtime.spec),
            RequestValidationMiddleware,
            *([ResponseValidationMiddleware] if settings.validate_responses else []),
            LifespanMiddleware,
            ContextMiddleware,
        ],
    )
    # Before add_api: the operations it registers then prepare each handler call once.
    app._middleware_app.api_cls = PreparedApi
    app.add_api(
        copy.deepcopy(runtime.spec.raw),
        resolver=OperationResolver(runtime.spec),
        validator_map=VALIDATOR_MAP,
        security_map=SECURITY_MAP,
        validate_responses=settings.validate_responses,
        # The spec is served by docs.py (as written; connexion's YAML dump takes seconds).
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False),
    )
    errors = ErrorHandlers(runtime.spec)
    app.add_error_handler(ProblemException, errors.problem)
    app.add_error_handler(HTTPException, errors.http)
    app.add_error_handler(Exception, errors.unexpected)
    docs.install(app, runtime.spec)
    setattr(app, RUNTIME_ATTRIBUTE, runtime)
    app.events = events
    return app


def _proxy_headers(settings: Settings) -> list[Callable[..., Any]]:
    """Who may say who the client is. The login limits count per client address, so a
    forwarded address is believed only from the proxies the operator named: trusting anyone
    would let a client pick a fresh address for every attempt."""
    if not settings.trusted_proxies:
        return []
    trusted = [str(ipaddress.ip_network(p, strict=False)) for p in settings.trusted_proxies]
    return [partial(ProxyHeadersMiddleware, trusted_hosts=trusted)]


def runtime_of(app: AsyncApp) -> Runtime:
    runtime = getattr(app, RUNTIME_ATTRIBUTE)
    assert isinstance(runtime, Runtime)
    return runtime


def app_from_env() -> AsyncApp:
    """Uvicorn factory (``uvicorn --factory taskmaster_server.app:app_from_env``)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return create_app(settings)
