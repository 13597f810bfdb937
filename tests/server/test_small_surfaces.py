"""Small surfaces (issue 20) on a real server, loopback: each checked by a request.

Body limits in the process, a preheated kernel's request details given once, a CSP of the
template's own scripts only, branded 404s without tracebacks, no listings, no versions, the
``_xsrf`` cookie's flags, notices in the visitor's language, stale kernel folders removed.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from clinic_explainer.content import load
from clinic_explainer.serving.http.security import _progress_hashes, known_page_scripts
from clinic_explainer.serving.http.surface import MARKER
from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.test_admission import wait_for
from tests.server.ws_attack import open_page, rss_mb, run_loop

UNKNOWN = ["logout", "login", "voila/render/%00", "voila/render/%2e%2e/etc/passwd", "voila/render/nope.ipynb",
           "voila/api/contents", "voila/api/contents/", "voila/tree", "voila/tree/", "no/such/page"]


def fetch(url: str, method: str = "GET") -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=60) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    stale = Path(tempfile.mkdtemp(prefix="voila_"))  # a server killed with -9 left it
    (stale / MARKER).write_text(str(dead_pid()))
    (stale / "kernel-0.json").write_text("{}")
    port = free_port()
    argv, env = voila_command(port)
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "1"
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("surfaces") / "voila.log"
    with Server(argv, env, base, log) as srv:
        yield base, srv.proc.pid, log, stale
    own = re.search(r"Storing connection files in (\S+)\.", log.read_text()).group(1)
    assert not Path(own).exists(), "the server's kernel folder outlived it"


def test_a_99_mb_body_is_refused_without_being_buffered(server):
    base, pid, log, _ = server
    before = rss_mb(pid)
    port = int(base.rsplit(":", 1)[1].strip("/"))
    sent, start = 0, time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /no/such/path HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: %d\r\n\r\n" % (99 * 1024 * 1024))
        chunk = b"\0" * (1024 * 1024)
        try:
            for _ in range(99):  # bounded: at most the 99 MB announced
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:  # the server closed the connection
            pass
        s.settimeout(5)
        try:
            answer = s.recv(200)
        except OSError:
            answer = b""
    took = time.monotonic() - start
    assert sent < 99 * 1024 * 1024 or answer.startswith(b"HTTP/1.1 400"), (sent, answer)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer
    assert rss_mb(pid) - before < 20, (before, rss_mb(pid))
    print(f"\n99 MB POST: refused after {sent / 1e6:.0f} MB sent, {took:.2f} s, answer {answer[:20]!r}")
    assert fetch(base + "clinic/colours.css")[0] == 200  # and the server serves on


def test_a_small_post_still_reaches_its_handler(server):
    base, *_ = server
    status, _, html = fetch(base + "voila/render/01_how_it_works.ipynb", method="POST")
    assert status in (403, 404, 405) and "Traceback" not in html  # refused by the handler, branded


def query_socket(base: str, kernel_id: str) -> tuple[int | None, object]:
    """Open /voila/query/<kernel id>: (close code, first message or None)."""
    import asyncio

    async def go():
        url = base.replace("http", "ws", 1) + f"voila/query/{kernel_id}"
        ws = await websocket_connect(HTTPRequest(url, request_timeout=10))
        try:
            message = await asyncio.wait_for(ws.read_message(), 3)
        except asyncio.TimeoutError:
            message = "still open"
        code = ws.close_code
        ws.close()
        return code, message

    return run_loop(go, 20)


def test_a_kernels_request_details_are_given_once_and_to_nobody_else(server):
    base, _, log, _ = server
    wait_for(lambda: "Page patient_explainer.ipynb|en kept" in log.read_text(), 60)
    kernel, _ = open_page(base, "patient_explainer.ipynb")  # a preheated kernel: its details were handed over
    text = log.read_text()  # (from the pool, or a copy of the kept page made for this page)
    assert f"Using pre-heated kernel: {kernel}" in text or f"Using a copy of the kept page: {kernel}" in text
    code, message = query_socket(base, kernel)
    assert message is None and code == 1008, (code, message)
    code, message = query_socket(base, "00000000-0000-0000-0000-000000000000")  # no such kernel
    assert message is None and code == 1008
    assert "Request details refused" in log.read_text()


def test_the_csp_lists_only_the_templates_own_scripts(server):
    base, *_ = server
    status, headers, html = fetch(base + "voila/render/01_how_it_works.ipynb")
    assert status == 200
    script_src = re.search(r"script-src ([^;]*)", headers["Content-Security-Policy"]).group(1).split()
    cells = len(re.findall(r'<div cell-index="', html))
    allowed = {"'self'", *known_page_scripts(), *_progress_hashes(cells)}
    assert set(script_src) <= allowed, set(script_src) - allowed


def test_unknown_and_unsupported_routes_are_branded_without_tracebacks(server, content):
    base, _, log, _ = server
    start = log.stat().st_size
    for path in UNKNOWN:
        status, _, html = fetch(base + path)
        assert status == 404, path
        assert content.clinic.phone in html and "Traceback" not in html, path
    status, _, html = fetch(base + "voila/static/nope.js")
    assert status in (403, 404) and content.clinic.phone in html
    time.sleep(1)
    with log.open("rb") as f:
        f.seek(start)
        written = f.read().decode(errors="replace")
    assert "Traceback" not in written and "Uncaught exception" not in written, written[-3000:]


def test_no_listing_no_version_and_the_xsrf_cookie_is_a_strict_session_cookie(server):
    base, *_ = server
    status, headers, html = fetch(base)
    assert status == 200
    cookies = headers.get_all("Set-Cookie") or []
    xsrf = [c for c in cookies if c.startswith("_xsrf=")]
    for cookie in xsrf:
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "expires" not in cookie.lower(), cookie
    import voila

    for path in ("", "voila/render/01_how_it_works.ipynb", "voila/static/voila.js", "nope"):
        status, headers, body = fetch(base + path)
        assert "Server" not in headers, path
        assert voila.__version__ not in body and voila.__version__ not in str(headers), path
    assert fetch(base + "voila/api/contents")[0] == 404


def test_notices_are_in_the_visitors_language(server):
    base, *_ = server
    es = load(locale="es")
    status, _, html = fetch(base + "no/such/page?lang=es")
    assert status == 404 and '<html lang="es"' in html and es.text(es.ui.serving.not_found_title) in html


def test_stale_kernel_folders_of_dead_servers_are_removed_at_start(server):
    *_, stale = server
    assert not stale.exists()
