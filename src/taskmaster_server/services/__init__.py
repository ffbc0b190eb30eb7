"""The service layer: every read and write of the API, scoped to an acting account.

Handlers parse HTTP and call these functions; these functions never see HTTP. Every write runs
inside ``transaction.write()``: one database transaction that also collects the domain events
the write produced (``Transaction.emit``), so the events outbox can persist them atomically
with the change.
"""
