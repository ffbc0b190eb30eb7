"""``python -m taskmaster_server``."""

from taskmaster_server.cli import main

main()
