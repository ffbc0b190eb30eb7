"""Fault tests: the SDK against a real server through `FaultProxy` (see `tests.faults.proxy`)."""
