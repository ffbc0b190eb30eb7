"""`client.webhooks.verify(body, headers, secret=...)`: webhook verification (`taskmaster.webhooks`)
beside the generated subscription methods. Mixed into the generated `Webhooks`/`AsyncWebhooks`
(named in templates/sdk/names.yaml); a pure function, the same for both clients."""

from __future__ import annotations

from .. import webhooks as _webhooks

__all__ = ["AsyncWebhooksLib", "WebhooksLib"]


class WebhooksLib:
    verify = staticmethod(_webhooks.verify)


class AsyncWebhooksLib:
    verify = staticmethod(_webhooks.verify)
