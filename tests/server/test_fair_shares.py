"""Fair shares (issue 20), real servers on loopback: no one address takes the explainer from everyone.

127.0.0.2 loops GET-and-close; 127.0.0.3 holds pages and 40 websockets sending the same widget
message every 20 s; the patient at 127.0.0.1 still gets a kernel, kernels never pass the cap,
and the script's kernels are culled. A waiting room (twelve patients behind one address) all
get their pages. Every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import re
import threading
import time
import uuid

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.test_admission import kernel_count, wait_for
from tests.server.ws_attack import V1, kernel_info_ok, run_loop

CAP, SHARE, CULL = 12, 4, 30


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


def test_one_address_cannot_take_the_kernels_and_a_keepalive_does_not_outlast_the_cull(tmp_path):
    port = free_port()
    argv, env = voila_command(port, extra=[
        f"--KernelPolicy.max_kernels={CAP}", f"--KernelPolicy.address_kernels={SHARE}",
        "--KernelPolicy.unconnected_timeout=60", "--KernelPolicy.close_grace=2",
        f"--MappingKernelManager.cull_idle_timeout={CULL}", "--MappingKernelManager.cull_interval=5"])
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "1"
    base = f"http://127.0.0.1:{port}/"
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
        for _ in range(SHARE + 3):  # bounded
            status, html = get(port, "/voila/render/01_how_it_works.ipynb", "127.0.0.3")
            match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
            if status == 200 and match:
                held.append(match.group(1))
        assert len(held) == SHARE, held
        assert "one client address holds" in log.read_text()

        def get_and_close():  # 127.0.0.2: 60 requests in 30 s, each closed before the answer
            for i in range(60):
                if stop.is_set():
                    return
                page = ("01_how_it_works", "02_is_it_right_for_me")[i % 2]
                get(port, f"/voila/render/{page}.ipynb", "127.0.0.2", read=False)
                time.sleep(0.5)

        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            watcher = pool.submit(watch_count)
            closer = pool.submit(get_and_close)
            holder = pool.submit(hold_websockets, base, held, 40, CULL + 40, stop)
            try:
                time.sleep(8)
                # the patient, during both: a page with a kernel of its own that answers
                start = time.monotonic()
                status, html = get(port, "/voila/render/03_recovery_timeline.ipynb", "127.0.0.1")
                took = time.monotonic() - start
                kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
                assert status == 200 and kernel, (status, html[:300])
                assert kernel_info_ok(base, kernel.group(1))
                closer.result(timeout=90)
                # the keepalive repeats itself: the culler takes the held kernels all the same
                took_cull = wait_for(lambda: _all_culled(log, held), CULL + 45)
            finally:
                stop.set()
            watcher.result(timeout=10)
            opened = holder.result(timeout=120)
        assert max(counts) <= CAP, max(counts)
        print(f"\npatient's page in {took:.1f} s during the attack; kernels at most {max(counts)} (cap {CAP}); "
              f"websockets opened {opened}; held kernels culled after {took_cull:.0f} s more")


def _all_culled(log, kernels) -> bool:
    culled = [line for line in log.read_text().splitlines() if "Culling '" in line]
    return all(any(k in line for line in culled) for k in kernels)


def test_a_waiting_room_behind_one_address_gets_its_pages(tmp_path):
    port = free_port()
    argv, env = voila_command(port, extra=["--KernelPolicy.unconnected_timeout=60"])  # shares derived
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "8"
    base = f"http://127.0.0.1:{port}/"
    with Server(argv, env, base, tmp_path / "voila.log") as srv:
        wait_for(lambda: "Preheated pool of patient_explainer.ipynb is full: 8" in srv.log_path.read_text(), 150)
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            pages = list(pool.map(lambda _: get(port, "/voila/render/patient_explainer.ipynb", "127.0.0.1",
                                                timeout=120), range(12)))
        took = time.monotonic() - start
        assert [status for status, _ in pages] == [200] * 12
        assert all('"kernelId"' in html for _, html in pages)
        print(f"\ntwelve patients from one address: all pages in {took:.1f} s")
