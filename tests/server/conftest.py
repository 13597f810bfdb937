"""Tests in tests/server/ start real Voila servers on loopback: they carry the `server` mark
(`make test-fast` leaves them out)."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/tests/server/" in str(item.fspath):
            item.add_marker(pytest.mark.server)
