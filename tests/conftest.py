"""Root test configuration: the server fixtures (tests/fixtures/server.py) for every suite."""

pytest_plugins = ["tests.fixtures.server"]
