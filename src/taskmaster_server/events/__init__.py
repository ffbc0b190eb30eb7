"""The event log and its realtime stream.

``outbox``   writes a transaction's events with their per-account ``seq`` (before commit)
``feed``     reads the log: REST pages, the stream's windows, retention
``broker``   wakes stream connections when events commit: in process, PostgreSQL
             ``LISTEN/NOTIFY`` or Redis pub/sub
``stream``   the WebSocket endpoint ``/api/v1/events/ws``
``tickets``  single-use tickets for clients that cannot set handshake headers
"""
