"""The connection pool a client sends through: transports, proxies, TLS, HTTP/2, forks.

`open_pool` resolves every connection setting once: the user's own `httpx.Client`, a custom
transport, or `verify=`/`cert=`/`proxy=`/`http2=` with the environment's proxy variables
(`HTTP(S)_PROXY`, `ALL_PROXY`, `NO_PROXY`, honoured as httpx does). It returns a `Pool`: the
base transport and the per-URL mounts (proxies). A client wraps each of them in its retrying
transport, so retries run inside every route, proxied or not; `with_options` copies wrap the same
pool. The WebSocket stream gets the same proxy and TLS settings from `Pool.websocket_options`.

Fork safety: a pool's connections are sockets; after `os.fork()` the child would share them with
the parent, and two processes writing to one TLS connection corrupt it. In the child, every live
pool forgets its connections (without closing them: that would close the parent's too), so the
child dials its own on first use.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import InvalidRequestError

if TYPE_CHECKING:
    import ssl

__all__ = ["Pool", "open_pool"]

CertTypes = str | tuple[str, str] | tuple[str, str, str]
HTTP2_MISSING = "http2=True needs the h2 package: pip install taskmaster-sdk[http2] (or install h2)"


@dataclass(eq=False)
class Pool:
    """A client's transports: `inner` for every URL no mount matches, `mounts` by URL pattern
    (httpx's `mounts=`; None means "no proxy here": use `inner`)."""

    inner: Any  # httpx.BaseTransport | httpx.AsyncBaseTransport
    mounts: dict[str, Any]
    event_hooks: Mapping[str, list[Any]] | None = None
    follow_redirects: bool = False
    user_client: httpx.Client | httpx.AsyncClient | None = None
    proxy: str | None = None
    trust_env: bool = True
    verify: Any = True
    cert: CertTypes | None = None
    # Opens a fresh pool with the same settings (None: a transport or client of the user's,
    # which cannot be rebuilt): what a `with_options(api_url=...)` copy gets.
    reopen: Callable[[], Pool] | None = field(default=None, repr=False)
    _ssl: ssl.SSLContext | None = field(default=None, repr=False)

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS settings REST uses, as an `ssl.SSLContext` (built once, shared)."""
        if self._ssl is None:
            self._ssl = ssl_context(self.verify, self.cert, self.trust_env)
        return self._ssl

    def websocket_options(self, secure: bool) -> dict[str, Any]:
        """`websockets.connect` arguments (a `wss:` URL when `secure`) with this pool's proxy
        and TLS settings."""
        options: dict[str, Any] = {}
        if self.proxy is not None:
            options["proxy"] = self.proxy
        elif not self.trust_env:
            options["proxy"] = None  # websockets reads the environment unless told not to
        if secure:
            options["ssl"] = self.ssl_context()
        return options

    def transports(self) -> list[Any]:
        return [self.inner, *(t for t in self.mounts.values() if t is not None)]


def ssl_context(verify: Any, cert: CertTypes | None, trust_env: bool) -> ssl.SSLContext:
    """httpx's TLS defaults (certifi, `SSL_CERT_FILE`/`SSL_CERT_DIR`) plus a client cert."""
    import ssl

    if isinstance(verify, ssl.SSLContext):
        context = verify
    else:
        context = httpx.create_ssl_context(verify=verify, trust_env=trust_env)
    if cert is not None:
        if isinstance(cert, str):
            context.load_cert_chain(cert)
        else:
            context.load_cert_chain(*cert)
    return context


def _check_http2(http2: bool) -> None:
    if not http2:
        return
    try:
        import h2  # noqa: F401
    except ImportError:
        raise InvalidRequestError(HTTP2_MISSING) from None


def open_pool(
    *,
    is_async: bool,
    transport: Any,
    http_client: httpx.Client | httpx.AsyncClient | None,
    verify: Any,
    cert: CertTypes | None,
    proxy: str | None,
    http2: bool,
    trust_env: bool,
) -> Pool:
    """The pool for a new client (see the module docstring)."""
    _check_http2(http2)
    kind = httpx.AsyncClient if is_async else httpx.Client
    if http_client is not None:
        if not isinstance(http_client, kind):
            raise InvalidRequestError(f"http_client must be an {kind.__module__}.{kind.__name__}")
        if transport is not None:
            raise InvalidRequestError("pass transport= or http_client=, not both")
        pool = _pool_of(http_client, proxy=proxy, verify=verify, cert=cert)
        pool.user_client = http_client
        track(pool)
        return pool
    settings = Pool(None, {}, proxy=proxy, trust_env=trust_env, verify=verify, cert=cert)
    tls: Any = verify if (verify is True and cert is None) else settings.ssl_context()
    # httpx resolves the environment's proxies and NO_PROXY into transports; the throwaway
    # client is only read (closing it would close the transports taken from it).
    resolved = kind(
        transport=transport,
        verify=tls,
        proxy=proxy,
        http2=http2,
        trust_env=trust_env,
    )
    settings.inner = resolved._transport
    settings.mounts = {p.pattern: t for p, t in resolved._mounts.items()}
    if transport is None:
        settings.reopen = functools.partial(
            open_pool, is_async=is_async, transport=None, http_client=None, verify=verify,
            cert=cert, proxy=proxy, http2=http2, trust_env=trust_env,
        )  # fmt: skip
    track(settings)
    return settings


def _pool_of(
    client: httpx.Client | httpx.AsyncClient, *, proxy: str | None, verify: Any, cert: Any
) -> Pool:
    return Pool(
        client._transport,
        {p.pattern: t for p, t in client._mounts.items()},
        event_hooks=client.event_hooks,
        follow_redirects=client.follow_redirects,
        proxy=proxy,
        trust_env=client.trust_env,
        verify=verify,
        cert=cert,
    )


# -- fork safety ------------------------------------------------------------------------------

_pools: weakref.WeakSet[Pool] = weakref.WeakSet()
_pools_lock = threading.Lock()


def track(pool: Pool) -> None:
    with _pools_lock:
        _pools.add(pool)


def forget_connections(pool: Pool) -> None:
    """Drop the pool's connections without closing them (they belong to the parent)."""
    for transport in pool.transports():
        connection_pool = getattr(transport, "_pool", None)
        if connection_pool is None or not hasattr(connection_pool, "_connections"):
            continue  # not an httpcore pool (a mock, ASGI): nothing of the parent's to drop
        connection_pool._connections = []
        connection_pool._requests = []
        lock = getattr(connection_pool, "_optional_thread_lock", None)
        if lock is not None and hasattr(lock, "_lock"):
            # The parent may have forked while another thread held it.
            lock._lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _pools_lock
    _pools_lock = threading.Lock()
    for pool in list(_pools):
        forget_connections(pool)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
