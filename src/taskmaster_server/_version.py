"""The server's version (reported by GET /health)."""

from taskmaster._version import __version__

__all__ = ["__version__"]
