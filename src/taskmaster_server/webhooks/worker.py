"""The delivery worker: an asyncio task in every server process that sends due deliveries.

It polls for due deliveries (``TASKMASTER_WEBHOOK_POLL_INTERVAL``), claims up to
``TASKMASTER_WEBHOOK_BATCH_SIZE`` minus those still in flight, and sends each in its own task,
so one slow endpoint never holds up the others. Database work runs in threads (SQLAlchemy is
synchronous); the HTTP calls run on the server's event loop. Stopping cancels the attempts in
flight: their leases expire and they are sent again, with the same ``webhook-id``.
"""

from __future__ import annotations

import asyncio
import logging

from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.settings import Settings
from taskmaster_server.webhooks import store
from taskmaster_server.webhooks.sender import Sender
from taskmaster_server.webhooks.ssrf import UrlPolicy

__all__ = ["DeliveryWorker"]

log = logging.getLogger("taskmaster.webhooks")

# The lease must outlive an attempt (bounded by the timeout) plus recording its outcome, or a
# slow attempt would be claimed twice.
_LEASE_MARGIN = 2.0


class DeliveryWorker:
    def __init__(self, db: Database, settings: Settings, policy: UrlPolicy | None = None) -> None:
        self.db = db
        self.settings = settings
        self.lease = max(settings.webhook_lease, settings.webhook_timeout + _LEASE_MARGIN)
        self.sender = Sender(policy or UrlPolicy.from_settings(settings), settings.webhook_timeout)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def start_if_enabled(cls, db: Database, settings: Settings) -> DeliveryWorker | None:
        """Start a worker on the running loop unless ``TASKMASTER_WEBHOOK_WORKER`` is off."""
        if not settings.webhook_worker:
            return None
        worker = cls(db, settings)
        worker.start()
        return worker

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-delivery-worker")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._in_flight) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.sender.aclose()

    async def _run(self) -> None:
        while True:
            try:
                claimed = await self.run_once()
            except Exception:
                # A database outage must not end delivery for the life of the process.
                log.exception("webhook delivery poll failed")
                claimed = 0
            if claimed == 0:
                await asyncio.sleep(self.settings.webhook_poll_interval)

    async def run_once(self) -> int:
        """Claim what is due and start sending it; returns how many were claimed."""
        free = self.settings.webhook_batch_size - len(self._in_flight)
        if free <= 0:
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            return 0
        now = utcnow()
        if not await asyncio.to_thread(store.has_due, self.db, now):
            return 0
        jobs = await asyncio.to_thread(store.claim, self.db, now, free, self.lease)
        for job in jobs:
            task = asyncio.create_task(self._deliver(job))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(jobs)

    async def drain(self) -> None:
        """Wait for the attempts in flight (tests)."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _deliver(self, job: store.Job) -> None:
        outcome = await self.sender.send(job)
        try:
            status = await asyncio.to_thread(
                store.record, self.db, job, outcome, utcnow(), self.settings
            )
        except Exception:
            # Not recorded: the lease expires and the attempt is made again (same webhook-id).
            log.exception("could not record webhook delivery %s", job.delivery_id)
            return
        log.info(
            "webhook delivery %s to webhook %s: %s (%s, %d ms)",
            job.delivery_id,
            job.webhook_id,
            status,
            outcome.status if outcome.status is not None else outcome.error,
            outcome.duration_ms,
        )
