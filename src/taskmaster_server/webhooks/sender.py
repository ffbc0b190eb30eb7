"""One delivery attempt over HTTP: checked address, signed headers, bounded in time and size.

- The URL is checked by the SSRF guard right before sending, and the connection goes to the very
  address that was checked (``Host`` and TLS SNI keep the name), so DNS rebinding between the
  check and the connect does not help.
- Redirects are not followed: a 3xx is a failed attempt (following one would leave the guard).
- One deadline covers DNS, connect, upload and answer; at most ``RESPONSE_CAP`` bytes of the
  answer are read, the rest is dropped with the connection.
- Connections are not kept alive: two hostnames on one address must never share a TLS session.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from taskmaster_server._version import __version__
from taskmaster_server.webhooks.signing import delivery_headers
from taskmaster_server.webhooks.ssrf import BlockedAddress, UrlPolicy
from taskmaster_server.webhooks.store import Job, Outcome

__all__ = ["RESPONSE_CAP", "Sender"]

RESPONSE_CAP = 64 * 1024
_ERROR_SNIPPET = 200


class Sender:
    """Sends attempts with one shared ``httpx.AsyncClient``."""

    def __init__(self, policy: UrlPolicy, timeout: float) -> None:
        self.policy = policy
        self.timeout = timeout
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # never through a proxy from the environment: it would bypass the guard
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": f"TaskMaster-Webhooks/{__version__}"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, job: Job) -> Outcome:
        started = time.monotonic()
        try:
            # One deadline for DNS, connect, upload and answer: the worker's lease relies on it.
            async with asyncio.timeout(self.timeout):
                request = await self._build(job)
                status, snippet = await self._exchange(request)
        except BlockedAddress as exc:
            return Outcome(None, f"refused: {exc}", _ms(started))
        except TimeoutError:
            return Outcome(None, f"timed out after {self.timeout:g} s", _ms(started))
        except httpx.HTTPError as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], _ms(started))
        error = None
        if not 200 <= status < 300:
            kind = "redirect not followed" if 300 <= status < 400 else f"HTTP {status}"
            error = f"{kind}: {snippet}" if snippet else kind
        return Outcome(status, error, _ms(started))

    async def _build(self, job: Job) -> httpx.Request:
        target = await asyncio.to_thread(self.policy.check, job.url)
        assert target is not None  # check() resolves or raises when resolution is required
        original = httpx.URL(job.url)
        headers = delivery_headers(job.secrets, str(job.event_id), int(time.time()), job.body)
        headers["Content-Type"] = "application/json"
        headers["Host"] = original.netloc.decode("ascii")
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        return self._client.build_request(
            "POST",
            original.copy_with(host=str(target.address)),
            content=job.body,
            headers=headers,
            extensions=extensions,
        )

    async def _exchange(self, request: httpx.Request) -> tuple[int, str]:
        response = await self._client.send(request, stream=True)
        try:
            received = bytearray()
            async for chunk in response.aiter_raw():
                received += chunk
                if len(received) >= RESPONSE_CAP:
                    break
        finally:
            await response.aclose()
        snippet = bytes(received[:_ERROR_SNIPPET]).decode("utf-8", "replace").strip()
        return response.status_code, snippet


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
