"""Task Master reference server: the API of ``openapi/taskmaster.yaml`` on connexion 3.

``create_app(settings)`` builds the ASGI app; ``taskmaster-server`` (cli.py) runs it.
"""

import warnings

from taskmaster_server._version import __version__

# connexion 3.3 imports starlette.testclient and jsonschema.RefResolver at import time, both
# deprecated upstream (starlette's warning is a UserWarning subclass). Every server start
# printed them, and operators can do nothing about them.
for _category in (DeprecationWarning, UserWarning):
    warnings.filterwarnings("ignore", category=_category, module=r"connexion(\.|$)")

__all__ = ["__version__"]
