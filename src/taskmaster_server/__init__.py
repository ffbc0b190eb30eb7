"""Task Master reference server: the API of ``openapi/taskmaster.yaml`` on connexion 3.

``create_app(settings)`` builds the ASGI app; ``taskmaster-server`` (cli.py) runs it.
"""

from taskmaster_server._version import __version__

__all__ = ["__version__"]
