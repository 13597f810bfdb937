"""A patient's browser as the server sees it, without a browser: for crowd benchmarks.

A real patient's phone parses the widget client and draws the page on its own CPU; what
reaches the server is HTTP requests and one kernel websocket. Twenty Chromium renderers on
the server's own two cores measure mostly themselves (bench_load.py says how much), so the
crowd is made of ``WireVisitor``s, which send what one real visit sends:

1. GET the page (brotli, streamed); "readable" when the first FAQ question has arrived;
2. GET every file a real browser fetched for the page (``record_assets``), on six
   keep-alive connections of its own, like a browser with an empty cache (read, not
   decompressed: aiohttp's C parser keeps the harness's own CPU time small, as it shares
   the server's cores);
3. the kernel model, then the kernel websocket (v1 subprotocol): kernel_info_request, then
   the widget manager's control comm ``request_states``; "interactive" when the widget
   states have arrived (what the browser needs to draw the live slider);
4. one slider step (the timeline's ``index`` + 1) and the time until the kernel is idle again;
5. it keeps the websocket open (a tab left open) until ``hold`` is set, then closes.

Only loopback addresses are used; every wait is bounded by ``timeout``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

import aiohttp
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
CONTROL_TARGET = "jupyter.widget.control"
PAGE_KERNEL = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


def _loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        raise ValueError(f"crowd benchmarks target loopback only, not {host}")


def _msg(msg_type: str, session: str, content: dict, metadata: dict | None = None,
         channel: str = "shell") -> tuple[bytes, str]:
    msg_id = uuid.uuid4().hex
    header = {"date": datetime.now(timezone.utc).isoformat(), "msg_id": msg_id, "msg_type": msg_type,
              "session": session, "username": "", "version": "5.2"}
    parts = [json.dumps(p).encode() for p in (header, {}, metadata or {}, content)]
    return serialize_msg_to_ws_v1(parts, channel), msg_id


def _parse(frame: bytes) -> tuple[str, dict, dict, dict]:
    channel, parts = deserialize_msg_from_ws_v1(frame)
    header, parent, _meta, content = (json.loads(p) for p in parts[:4])
    return channel, header, parent, content


async def record_assets(browser, url: str) -> list[str]:
    """Paths (same origin, no kernel id) of the files one real visit fetches after the page."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    ctx = await browser.new_context()
    page = await ctx.new_page()
    seen: list[str] = []
    page.on("requestfinished", lambda r: seen.append(r.url))
    try:
        await page.goto(url)
        await page.wait_for_selector(".jupyter-widgets .widget-slider .noUi-handle", state="visible", timeout=90_000)
        await page.wait_for_load_state("networkidle")
    finally:
        await ctx.close()
    paths = []
    for u in seen:
        if u.startswith(origin) and u != url and "/api/kernels/" not in u and u[len(origin):] not in paths:
            paths.append(u[len(origin):])
    return paths


class WireVisitor:
    def __init__(self, base: str, page_path: str, assets: list[str], markers: dict[str, str],
                 timeout: float = 120.0, local_addr: str | None = None):
        _loopback(base)
        self.base, self.page_path, self.assets, self.markers, self.timeout = base, page_path, assets, markers, timeout
        # a loopback address of its own (127.0.1.x): patients come from many addresses, and the
        # server gives each address only its fair share of kernels
        self.local_addr = local_addr
        self.result = {"readable": None, "interactive": None, "step_ms": None, "busy": False,
                       "error": None, "bytes": 0}

    async def run(self, start: float, hold: asyncio.Event) -> dict:
        try:
            await asyncio.wait_for(self._visit(start, hold), self.timeout + 30)
        except Exception as exc:  # timeouts, refused connections, closed sockets: all errors
            self.result["error"] = self.result["error"] or f"{type(exc).__name__}: {exc}"[:120]
        return self.result

    async def _visit(self, start: float, hold: asyncio.Event) -> None:
        connector = aiohttp.TCPConnector(limit=6, local_addr=(self.local_addr, 0) if self.local_addr else None)
        headers = {"Accept-Encoding": "br, gzip", "User-Agent": "clinic-explainer-bench"}
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(self.base, connector=connector, headers=headers, timeout=timeout) as http:
            html = await self._page(http, start)
            if html is None:
                return
            await asyncio.gather(*(self._asset(http, a) for a in self.assets))
            self.result["assets"] = time.perf_counter() - start
            kernel = PAGE_KERNEL.search(html)
            if not kernel:
                self.result["error"] = "no kernel id on the page"
                return
            await self._widgets(http, kernel.group(1), start, hold)

    async def _page(self, http: aiohttp.ClientSession, start: float) -> str | None:
        body = b""
        markers = [m.encode() for m in self.markers.values()]
        async with http.get(self.page_path) as resp:
            async for chunk in resp.content.iter_any():
                body += chunk
                if self.result["readable"] is None and any(m in body for m in markers):
                    self.result["readable"] = time.perf_counter() - start
            status = resp.status
        self.result["bytes"] += len(body)  # (decompressed: the page's own share is small)
        text = body.decode("utf-8", "replace")
        if status == 503 and self.markers["busy"] in text:
            self.result["busy"] = True
            return None
        if status != 200 or any(m in text for m in ("There was an error", "Traceback")):
            self.result["error"] = f"page answered {status}"
            return None
        if self.result["readable"] is None:
            self.result["error"] = "page had no FAQ text"
            return None
        return text

    async def _asset(self, http: aiohttp.ClientSession, path: str) -> None:
        # compressed bytes, not decompressed: the phone does that on its own CPU
        async with http.get(path, auto_decompress=False) as resp:
            self.result["bytes"] += len(await resp.read())
            if resp.status != 200:
                raise RuntimeError(f"{path} answered {resp.status}")

    async def _widgets(self, http, kernel_id: str, start: float, hold) -> None:
        async with http.get(f"/api/kernels/{kernel_id}") as resp:
            await resp.read()
        session = str(uuid.uuid4())
        ws = await http.ws_connect(f"/api/kernels/{kernel_id}/channels?session_id={session}",
                                   protocols=[SUBPROTOCOL], max_msg_size=0)
        self.result["ws_open"] = time.perf_counter() - start
        try:
            frame, msg_id = _msg("kernel_info_request", session, {})
            await ws.send_bytes(frame)
            await self._until(ws, lambda ch, h, p, c: h["msg_type"] == "kernel_info_reply"
                              and p.get("msg_id") == msg_id)
            self.result["kernel_info"] = time.perf_counter() - start
            comm_id = str(uuid.uuid4())
            frame, _ = _msg("comm_open", session, {"comm_id": comm_id, "target_name": CONTROL_TARGET,
                                                    "data": {}}, {"version": "1.0.0"})
            await ws.send_bytes(frame)
            frame, _ = _msg("comm_msg", session, {"comm_id": comm_id, "data": {"method": "request_states"}})
            await ws.send_bytes(frame)
            _, _, _, content = await self._until(
                ws, lambda ch, h, p, c: h["msg_type"] == "comm_msg" and c.get("comm_id") == comm_id
                and c.get("data", {}).get("method") == "update_states")
            states = content["data"]["states"]
            self.result["interactive"] = time.perf_counter() - start
            slider = next((m for m, s in states.items()
                           if s.get("state", {}).get("_model_name") == "SelectionSliderModel"), None)
            if slider is None:
                self.result["error"] = "no slider among the widget states"
                return
            index = states[slider]["state"].get("index", 0) or 0
            frame, msg_id = _msg("comm_msg", session, {"comm_id": slider, "data": {
                "method": "update", "state": {"index": index + 1}, "buffer_paths": []}})
            t = time.perf_counter()
            await ws.send_bytes(frame)
            await self._until(ws, lambda ch, h, p, c: h["msg_type"] == "status" and p.get("msg_id") == msg_id
                              and c.get("execution_state") == "idle")
            self.result["step_ms"] = (time.perf_counter() - t) * 1000
            await hold.wait()  # the tab stays open until every visitor is done
        finally:
            await ws.close()

    async def _until(self, ws, match):
        deadline = time.monotonic() + self.timeout
        while True:
            msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                raise ConnectionError(f"websocket closed ({ws.close_code})")
            if msg.type != aiohttp.WSMsgType.BINARY:
                continue
            parsed = _parse(msg.data)
            if match(*parsed):
                return parsed
