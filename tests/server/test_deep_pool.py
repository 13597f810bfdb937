"""The explainer's deep preheated pool on a real server (loopback): a small crowd takes ready
kernels and starts none; a Spanish page takes a kernel preheated in Spanish; the pools are
refilled only after the crowd, back to their sizes."""

from __future__ import annotations

import concurrent.futures
import re
import urllib.request

from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.test_admission import kernel_count, wait_for

POOL = 3  # the explainer's, for this test; plus one each for Spanish, the landing page and the timeline
CALM = 4.0


def test_a_crowd_takes_preheated_kernels_and_the_pool_is_refilled_after_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_EXPLAINER_PATIENT_POOL", str(POOL))
    port = free_port()
    argv, env = voila_command(port, extra=[f"--KernelPolicy.refill_calm={CALM}", "--KernelPolicy.unconnected_timeout=60"])
    base, log = f"http://127.0.0.1:{port}/", tmp_path / "voila.log"
    with Server(argv, env, base, log) as srv:
        wait_for(lambda: f"Preheated pool of patient_explainer.ipynb is full: {POOL}" in log.read_text(), 90)
        idle = kernel_count(srv.proc.pid)
        assert idle == POOL + 3

        def open_page(_):
            with urllib.request.urlopen(base + "voila/render/patient_explainer.ipynb", timeout=60) as r:
                return r.status, r.read().decode()

        with concurrent.futures.ThreadPoolExecutor(POOL) as pool:
            pages = list(pool.map(open_page, range(POOL)))
        assert all(status == 200 and '"kernelId"' in html for status, html in pages)
        kernels = {re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1) for _, html in pages}
        assert len(kernels) == POOL
        text = log.read_text()
        assert all(f"Using pre-heated kernel: {k}" in text for k in kernels)  # none started for a page
        # within the calm after the crowd, nothing is refilled: the visitors' kernels plus the rest
        assert kernel_count(srv.proc.pid) == idle
        # a Spanish page takes the kernel preheated in Spanish (the page ran before the request)
        with urllib.request.urlopen(base + "voila/render/patient_explainer.ipynb?lang=es", timeout=60) as r:
            spanish = r.read().decode()
        es_kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', spanish).group(1)
        assert f"Using pre-heated kernel: {es_kernel} for patient_explainer.ipynb?lang=es" in log.read_text()
        assert '<html lang="es">' in spanish
        # and a page rendered at request time (no pool) in Spanish says so too
        with urllib.request.urlopen(base + "voila/render/01_how_it_works.ipynb?lang=es", timeout=60) as r:
            assert '<html lang="es">' in r.read().decode()
        assert kernel_count(srv.proc.pid) == idle + 1  # the pooled one is a visitor's now; one started
        idle += 1
        # then the pool fills again, to its size and no further
        wait_for(lambda: log.read_text().count(f"Preheated pool of patient_explainer.ipynb is full: {POOL}") == 2, 60)
        wait_for(lambda: kernel_count(srv.proc.pid) == idle + POOL + 1, 60)  # and Spanish's
        assert kernel_count(srv.proc.pid) == idle + POOL + 1
