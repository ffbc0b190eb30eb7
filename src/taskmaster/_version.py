"""The distribution's version, read by hatch at build time (single source)."""

__version__ = "0.1.0"
