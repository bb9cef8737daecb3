"""Fixtures for every test in the workspace come from the platform's pytest plugin."""

pytest_plugins = ["claimflow_shared.testing.plugin"]
