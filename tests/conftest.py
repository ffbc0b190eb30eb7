"""Root test configuration: the server fixtures (tests/fixtures/server.py) for every suite, and
one grouped summary of the skipped tests (tests/fixtures/skips.py)."""

pytest_plugins = ["tests.fixtures.server", "tests.fixtures.skips"]
