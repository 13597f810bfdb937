"""A kernel per visitor and not one more: admission cap, busy page, kernels freed (real server, loopback)."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request

import pytest

from clinic_explainer.content import load
from clinic_explainer.serving import notices
from clinic_explainer.serving.kernels import policy as kernels
from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.ws_attack import kernel_info_ok, open_page

POOL = 4  # preheated: the explainer in each of its 2 languages (tests keep 1 each), the landing page, the timeline
CAP = 6


def test_default_cap_follows_memory_and_the_pool_the_explainer():
    assert kernels.default_cap(24 * 1024) == 141             # this machine: 3/4 of 24 GiB at 130 MB
    assert kernels.default_cap(2 * 1024) == 11
    assert kernels.default_cap(100) == 2
    assert kernels.default_patient_pool(24 * 1024) == kernels.PATIENT_POOL_MAX == 20
    assert kernels.default_patient_pool(4 * 1024) == 6       # a small server keeps a small pool
    assert kernels.default_patient_pool(300) == 1


@pytest.mark.parametrize("kind", ["busy", "updating", "not_found", "error"])
def test_notice_pages_are_branded_offline_and_script_free(kind):
    c = load()
    html = notices.render(kind, c, "/")
    assert c.clinic.name in html and c.clinic.phone in html and "<script" not in html
    assert "http://" not in html.split("<main")[0] and "https://" not in html.split("<main")[0]
    if kind in ("busy", "updating"):
        assert c.faq["introduction"].front.question in html  # the FAQ text, readable without widgets


def kernel_count(pid: int) -> int:
    """The server's kernels: its own children, and those of its fork server (named by their id)."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,ppid=,comm=,args=", "-e"], capture_output=True, text=True).stdout
    rows = [line.split(None, 3) for line in out.splitlines()]
    parents = {int(r[0]): int(r[1]) for r in rows}
    family, grew = {pid}, True
    while grew:
        grown = {p for p, pp in parents.items() if pp in family} - family
        family, grew = family | grown, bool(grown)
    return sum(1 for r in rows if int(r[0]) in family and (r[2].startswith("kernel-") or "ipykernel" in r[-1]))


def wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    argv, env = voila_command(port, extra=[f"--KernelPolicy.max_kernels={CAP}", "--KernelPolicy.unconnected_timeout=10",
                                           "--KernelPolicy.close_grace=2"])
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("admission") / "voila.log"
    with Server(argv, env, base, log) as srv:
        wait_for(lambda: kernel_count(srv.proc.pid) == POOL, 60)
        yield base, srv.proc.pid, log


def test_plain_gets_cannot_fill_the_machine_and_are_freed(server):
    base, pid, log = server
    statuses, busy = [], None
    for _ in range(CAP + 3):  # bounded: a bot fetching the page without JavaScript
        try:
            with urllib.request.urlopen(base + "voila/render/01_how_it_works.ipynb", timeout=60) as r:
                r.read()  # the whole page (a page whose client leaves before it is sent keeps no kernel)
                statuses.append(r.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
            busy = (e.headers, e.read().decode())
    assert statuses == [200] * (CAP - POOL) + [503] * (POOL + 3), statuses
    headers, html = busy
    c = load()
    assert headers["Retry-After"] == "60" and c.clinic.phone in html and "<script" not in html
    assert kernel_count(pid) <= CAP
    # pages that never connect give their kernels back; the pool stays
    wait_for(lambda: kernel_count(pid) == POOL, 30)
    assert "Busy page served" in log.read_text() and "its page never connected" in log.read_text()


def test_closing_the_page_frees_its_kernel_within_seconds(server):
    base, pid, log = server
    kernel, cookies = open_page(base, "01_how_it_works.ipynb")
    assert kernel_info_ok(base, kernel, cookies)  # the page connects, then its tab closes
    took = wait_for(lambda: kernel_count(pid) == POOL, 15)
    assert took < 8, took
    assert f"Kernel {kernel} shut down: its page was closed" in log.read_text()
