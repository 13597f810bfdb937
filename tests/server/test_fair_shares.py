"""Fair shares (issue 20), real servers on loopback: no one address takes the explainer from everyone.

The issue's long probe (about 100 s, the `server` mark runs it in `make test`): 127.0.0.2 runs
a curl loop giving up after 0.3 s; 127.0.0.3 holds pages and 40 websockets sending the same
widget message every 20 s; the patient in Chromium at 127.0.0.1 is interactive within 5 s
throughout, kernels never pass the cap, the holder gets no more than its share of websockets
and its kernels are culled. A waiting room (twelve patients behind one address) all get their
pages. Every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import re
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from clinic_explainer.serving.kernels.demand import floor_of
from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import RENDERED, Server, free_port
from tests.server.test_admission import kernel_count, wait_for
from tests.server.ws_attack import V1, run_loop

CAP, SHARE, CULL, PROBE = 12, 4, 40, 100
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def get(port: int, path: str, source: str, read: bool = True, timeout: float = 60) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path)
        if not read:
            return 0, ""
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def comm_msg(session: str) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": "comm_msg", "session": session, "username": "",
              "date": "", "version": "5.3"}
    content = {"comm_id": "keepalive", "data": {"method": "update", "state": {"value": 1}}}
    return serialize_msg_to_ws_v1([json.dumps(p).encode() for p in (header, {}, {}, content)], "shell")


def hold_websockets(base: str, kernels: list[str], count: int, seconds: float, stop: threading.Event) -> dict:
    """From 127.0.0.3: ``count`` websockets over ``kernels``, the same comm_msg on each every 20 s."""
    result = {"opened": 0, "refused": 0}

    async def go():
        sockets = []
        for i in range(count):
            url = base.replace("http", "ws", 1) + f"api/kernels/{kernels[i % len(kernels)]}/channels?session_id=s{i}"
            try:
                sockets.append(await websocket_connect(HTTPRequest(url, network_interface="127.0.0.3",
                                                                   request_timeout=10), subprotocols=[V1]))
                result["opened"] += 1
            except Exception:  # noqa: BLE001 - refused or closed
                result["refused"] += 1
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not stop.is_set():
            for i, ws in enumerate(sockets):
                try:
                    await ws.write_message(comm_msg(f"s{i}"), binary=True)
                except Exception:  # noqa: BLE001 - its kernel was culled
                    pass
            await asyncio.sleep(20)
        for ws in sockets:
            ws.close()

    run_loop(go, seconds + 60)
    return result


def curl_loop(url: str, seconds: float, per_second: float, stop: threading.Event) -> int:
    """The issue's client at 127.0.0.2: ``curl --interface 127.0.0.2 -m 0.3`` at a steady pace (bounded)."""
    procs = []
    start = time.monotonic()
    for i in range(int(seconds * per_second)):
        if stop.is_set():
            break
        time.sleep(max(0.0, start + i / per_second - time.monotonic()))
        procs.append(subprocess.Popen(["curl", "--interface", "127.0.0.2", "-s", "-o", "/dev/null", "-m", "0.3", url],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs = [p for p in procs if p.poll() is None]
    for p in procs:
        p.wait(timeout=5)
    return i + 1


def patient_seconds(browser, url: str, limit: float = 30) -> float:
    """Seconds until a patient's page in Chromium at 127.0.0.1 is interactive (every widget rendered)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        start = time.monotonic()
        page.goto(url, timeout=limit * 1000)
        page.wait_for_function(RENDERED, timeout=limit * 1000)
        took = time.monotonic() - start
        assert page.locator("[role=slider]").count() > 0, page.inner_text("body")[:500]
        return took
    finally:
        ctx.close()


def test_a_curl_loop_and_a_websocket_holder_leave_the_patient_interactive(tmp_path, browser):
    """The issue's probe: 127.0.0.2 runs curl at 2.5/s for 100 s giving up after 0.3 s; 127.0.0.3
    holds pages and 40 websockets sending the same widget message every 20 s; a patient in
    Chromium at 127.0.0.1 is interactive within 5 s at +30, +60 and +90 s; kernels never pass
    the cap; the holder gets no more than its share of websockets, and its kernels are culled."""
    port = free_port()
    argv, env = voila_command(port, extra=[
        f"--KernelPolicy.max_kernels={CAP}", f"--KernelPolicy.address_kernels={SHARE}",
        "--KernelPolicy.unconnected_timeout=60", "--KernelPolicy.close_grace=2",
        f"--MappingKernelManager.cull_idle_timeout={CULL}", "--MappingKernelManager.cull_interval=5"])
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "1"
    base = f"http://127.0.0.1:{port}/"
    explainer = base + "voila/render/patient_explainer.ipynb"
    with Server(argv, env, base, tmp_path / "voila.log") as srv:
        pid, log = srv.proc.pid, srv.log_path
        wait_for(lambda: kernel_count(pid) == 4, 90)  # the pools: explainer (en, es), landing, timeline
        counts, stop = [], threading.Event()

        def watch_count():
            while not stop.is_set():
                counts.append(kernel_count(pid))
                time.sleep(0.5)

        # 127.0.0.3 takes pages (reads them) up to its share, then holds 40 websockets on them
        held = []
        for _ in range(SHARE + 2):  # bounded
            status, html = get(port, "/voila/render/01_how_it_works.ipynb", "127.0.0.3")
            match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
            if status == 200 and match:
                held.append(match.group(1))
        assert len(held) == SHARE, held
        assert "one client address holds" in log.read_text()

        took = {0: patient_seconds(browser, explainer)}  # this machine's pace before the probe
        wait_for(lambda: log.read_text().count("Preheated pool of patient_explainer.ipynb is full") >= 2, 60)
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            watcher = pool.submit(watch_count)
            t0 = time.monotonic()
            curl = pool.submit(curl_loop, explainer, 100, 2.5, stop)
            holder = pool.submit(hold_websockets, base, held, 40, PROBE + 5, stop)
            try:
                for at in (30, 60, 90):
                    time.sleep(max(0.0, t0 + at - time.monotonic()))
                    took[at] = patient_seconds(browser, explainer)
                requests = curl.result(timeout=60)
                took_cull = wait_for(lambda: _all_culled(log, held), 30)  # the keepalive did not keep them
            finally:
                stop.set()
            watcher.result(timeout=10)
            sockets = holder.result(timeout=60)
    text = log.read_text()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(log, ARTIFACTS / "fair-shares-probe-voila.log")  # for people to look at
    print(f"\npatient interactive before the probe in {took[0]:.1f} s, at +30/+60/+90 s in "
          f"{took[30]:.1f} / {took[60]:.1f} / {took[90]:.1f} s; "
          f"{requests} curl requests; kernels at most {max(counts)} (cap {CAP}); holder's websockets {sockets}; "
          f"held kernels culled {took_cull:.0f} s after the probe's end")
    # within 5 s (the line); on a machine that other work slows down, within 20% of
    # this machine's own pace measured just before the probe
    assert all(took[at] <= max(5.0, 1.2 * took[0]) for at in (30, 60, 90)), took
    assert max(counts) <= CAP, max(counts)
    assert sockets["opened"] <= 2 * SHARE and sockets["refused"] >= 40 - 2 * SHARE, sockets
    assert "one client address holds" in text and "kernel websockets" in text
    # the curl loop was turned away, not given kernels: for pages it left before they were sent,
    # or (a copy of the kept page is sent before curl's 0.3 s are up) for the kernels its pages
    # hold unconnected, all but its share at a time
    held_back = text.count("Busy page served: one client address holds")
    assert "before they connected" in text or held_back >= requests - 3 * SHARE, (held_back, requests)


def _all_culled(log, kernels) -> bool:
    culled = [line for line in log.read_text().splitlines() if "Culling '" in line]
    return all(any(k in line for line in culled) for k in kernels)


def test_a_waiting_room_behind_one_address_gets_its_pages(tmp_path):
    port = free_port()
    argv, env = voila_command(port, extra=["--KernelPolicy.unconnected_timeout=60"])  # shares derived
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "8"
    base = f"http://127.0.0.1:{port}/"
    with Server(argv, env, base, tmp_path / "voila.log") as srv:
        # a quiet server keeps a quarter of its largest pool (serving/kernels/demand.py), copies of the
        # kept page: the waiting room gets those, then copies made for them
        wait_for(lambda: f"Preheated pool of patient_explainer.ipynb is full: {floor_of(8)}" in srv.log_path.read_text()
                 and "Page patient_explainer.ipynb|en kept" in srv.log_path.read_text(), 150)
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            pages = list(pool.map(lambda _: get(port, "/voila/render/patient_explainer.ipynb", "127.0.0.1",
                                                timeout=120), range(12)))
        took = time.monotonic() - start
        assert [status for status, _ in pages] == [200] * 12
        assert all('"kernelId"' in html for _, html in pages)
        print(f"\ntwelve patients from one address: all pages in {took:.1f} s")
