"""When the page's kernel is gone, the page says so in words, switches its widgets off, and a reload recovers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest

from clinic_explainer.serving.launcher import voila_command

from .conftest import open_app, screenshot
from .servers import RENDERED, Server, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of its own: a killed kernel must not touch the session's server."""
    port = free_port()
    argv, env = voila_command(port)
    url = f"http://127.0.0.1:{port}/"
    with Server(argv, env, url, tmp_path_factory.mktemp("faults") / "voila.log"):
        yield url


def test_killed_kernel_disables_widgets_and_tells_the_patient_within_5_s(phone_page, own_server, content):
    page, voila_url = phone_page, own_server
    open_app(page, voila_url, "03_recovery_timeline.ipynb")
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content()).group(1)
    # a forked kernel is named by its id (kernel_forks.py); one started on its own carries it in its argv
    found = subprocess.run(["pgrep", "-x", f"kernel-{kernel}"[:15]], capture_output=True, text=True).stdout.split() \
        or subprocess.run(["pgrep", "-f", f"kernel-{kernel}"], capture_output=True, text=True).stdout.split()
    assert len(found) == 1, found
    os.kill(int(found[0]), signal.SIGKILL)  # a crash, out of memory, ...
    start = time.monotonic()
    notice = page.wait_for_selector("#ce-paused", timeout=10_000)
    took = time.monotonic() - start
    assert took <= 5, took
    assert notice.get_attribute("role") == "alert"
    assert content.text(content.ui.serving.paused) in notice.inner_text()
    assert content.clinic.phone in notice.inner_text()
    assert page.locator("#rendered_cells [aria-disabled=true]").count() > 0
    assert "ce-kernel-gone" in page.evaluate("document.body.className")
    screenshot(page, "kernel-gone-phone", full=False)
    page.get_by_role("button", name=content.ui.serving.continue_button).click()
    page.wait_for_function(RENDERED, timeout=90_000)
    assert page.locator("#ce-paused").count() == 0
    assert page.locator("#rendered_cells [aria-disabled=true]").count() == 0
