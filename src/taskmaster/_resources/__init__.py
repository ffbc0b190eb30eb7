"""The client methods, one module per API resource; each holds a sync and an async mixin."""
