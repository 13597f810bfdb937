"""A stuck page start or render never holds admission for others (issue 20): real server, loopback.

A notebook whose first cell never ends stands in for a kernel that hangs. With one start allowed
at once, a second page is still admitted once the stuck one's start limit has passed, and the
stuck request itself ends at the render limit instead of staying open.
"""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import time
import urllib.error
import urllib.request

from clinic_explainer.serving.launcher import voila_command
from clinic_explainer.settings import notebooks_root
from tests.browser.servers import Server, free_port

START_LIMIT, RENDER_LIMIT = 3, 15


def stuck_notebook() -> dict:
    cell = {"cell_type": "code", "execution_count": None, "id": "stuck", "metadata": {}, "outputs": [],
            "source": "import time\ntime.sleep(600)"}
    return {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def timed_get(url: str, timeout: float = 60) -> tuple[int, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status, time.monotonic() - start
    except urllib.error.HTTPError as e:
        return e.code, time.monotonic() - start


def test_a_stuck_start_gives_its_place_back_and_a_stuck_render_ends(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(notebooks_root(), notebooks)
    (notebooks / "stuck.ipynb").write_text(json.dumps(stuck_notebook()))
    port = free_port()
    argv, env = voila_command(port, notebooks=notebooks, extra=[
        "--KernelPolicy.max_starting=1", f"--KernelPolicy.start_limit={START_LIMIT}",
        f"--KernelPolicy.render_limit={RENDER_LIMIT}", "--KernelPolicy.unconnected_timeout=60"])
    env["CLINIC_EXPLAINER_NOTEBOOKS"] = str(notebooks)
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "1"
    base = f"http://127.0.0.1:{port}/"
    with Server(argv, env, base, tmp_path / "voila.log") as server, \
            concurrent.futures.ThreadPoolExecutor(1) as pool:
        stuck = pool.submit(timed_get, base + "voila/render/stuck.ipynb")
        time.sleep(1)
        status, _ = timed_get(base + "voila/render/02_is_it_right_for_me.ipynb")
        assert status == 503  # the one start allowed at once is taken by the stuck page
        time.sleep(START_LIMIT + 1)
        status, took = timed_get(base + "voila/render/02_is_it_right_for_me.ipynb")
        assert status == 200, "the stuck start still held the only place"
        _, stuck_took = stuck.result(timeout=RENDER_LIMIT + 30)
        assert RENDER_LIMIT - 1 < stuck_took < RENDER_LIMIT + 10, stuck_took
        log = server.log_path.read_text()
        assert "was not rendered within" in log and "Traceback" not in log.split("was not rendered within")[1]
        print(f"\nsecond page admitted after the start limit, rendered in {took:.1f} s; stuck request ended "
              f"after {stuck_took:.1f} s")
