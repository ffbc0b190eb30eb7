"""Task Master reference server."""
