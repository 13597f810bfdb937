"""The explainer's pools on a real server (loopback): a crowd takes ready kernels and copies of
the kept page, none runs the page again; the pool is refilled while visitors still come, to the
size the visitors measured need (serving/kernels/demand.py); a Spanish page takes a kernel
preheated in Spanish."""

from __future__ import annotations

import concurrent.futures
import re
import urllib.request

from clinic_explainer.serving.kernels.demand import floor_of
from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.test_admission import kernel_count, wait_for

POOL = 8  # the explainer's largest, for this test: a quiet server keeps a quarter
IDLE = floor_of(POOL)  # plus one each for Spanish, the landing page and the timeline
CROWD = 6
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
MODEL_ID = re.compile(r'"model_id":\s*"([0-9a-f]{24})[0-9a-f]{8}"')


def test_a_crowd_gets_copies_of_the_kept_page_and_the_pool_refills_while_it_comes(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_EXPLAINER_PATIENT_POOL", str(POOL))
    port = free_port()
    argv, env = voila_command(port, extra=["--KernelPolicy.refill_calm=30", "--KernelPolicy.unconnected_timeout=60"])
    base, log = f"http://127.0.0.1:{port}/", tmp_path / "voila.log"
    with Server(argv, env, base, log) as srv:
        wait_for(lambda: f"Preheated pool of patient_explainer.ipynb is full: {IDLE}" in log.read_text(), 90)
        wait_for(lambda: "Page patient_explainer.ipynb|en kept" in log.read_text(), 30)
        idle = kernel_count(srv.proc.pid)
        assert idle == IDLE + 3

        def open_page(number):  # each from an address of its own (behind nginx, X-Real-IP)
            request = urllib.request.Request(base + "voila/render/patient_explainer.ipynb",
                                             headers={"X-Real-IP": f"10.0.0.{number + 1}"})
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, r.read().decode()

        with concurrent.futures.ThreadPoolExecutor(CROWD) as pool:
            pages = list(pool.map(open_page, range(CROWD)))
        assert all(status == 200 for status, _ in pages)
        kernels = {KERNEL_ID.search(html).group(1) for _, html in pages}
        assert len(kernels) == CROWD
        # one page for all: the kept one (its widgets numbered from the page's id)
        assert len({page_id for _, html in pages for page_id in MODEL_ID.findall(html)}) == 1
        text = log.read_text()
        pooled = [k for k in kernels if f"Using pre-heated kernel: {k}" in text]
        assert len(pooled) == IDLE  # the rest were copies made for them, and nothing ran the page
        # the refill does not wait for a calm (30 s here): copies cost next to nothing
        wait_for(lambda: kernel_count(srv.proc.pid) == idle + CROWD, 15)
        # a Spanish page takes the kernel preheated in Spanish (the page ran before the request)
        with urllib.request.urlopen(base + "voila/render/patient_explainer.ipynb?lang=es", timeout=60) as r:
            spanish = r.read().decode()
        es_kernel = KERNEL_ID.search(spanish).group(1)
        assert f"Using pre-heated kernel: {es_kernel} for patient_explainer.ipynb?lang=es" in log.read_text()
        assert '<html lang="es">' in spanish
        # and a page rendered at request time (no pool) in Spanish says so too
        with urllib.request.urlopen(base + "voila/render/01_how_it_works.ipynb?lang=es", timeout=60) as r:
            assert '<html lang="es">' in r.read().decode()
