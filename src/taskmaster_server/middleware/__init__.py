"""ASGI middleware: request context (id, access log, last-resort errors) and body size limit."""
