"""Fixtures of the serving tests: the kernel fork server (serving/kernel_forks.py) for a module."""

from __future__ import annotations

import logging
import os

import pytest

from clinic_explainer.serving import kernel_forks


@pytest.fixture(scope="module")
def forks():
    saved = os.environ.get(kernel_forks.SOCKET_ENV)
    proc = kernel_forks.start(logging.getLogger("test"))
    assert proc is not None, "the fork server did not come up"
    yield proc
    kernel_forks.stop(proc)
    if saved is not None:
        os.environ[kernel_forks.SOCKET_ENV] = saved
