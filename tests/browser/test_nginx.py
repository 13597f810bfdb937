"""More than one machine: the shipped nginx site file in front of two Voila processes, on loopback.

The very file the deployment guide tells an operator to copy (serving/config/nginx.conf) is
run by Debian's nginx with only its ports changed: a page and its widgets work through it,
compression and the security headers pass through once, the kernel websocket is upgraded,
and each visitor's address sticks to one process while the visitors spread over both.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from clinic_explainer.hub.launch import free_ports
from clinic_explainer.serving.launcher import voila_command

from .conftest import assert_clean, open_app
from .servers import Server

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "src/clinic_explainer/serving/config/nginx.conf"
# 16 visitors' addresses on loopback (127.0.0.0/8 is all this machine)
VISITORS = [f"127.0.0.{i}" for i in range(2, 18)]


def site_for(listen: int, backends: list[int]) -> str:
    """The shipped site file with this test's ports: nothing else changes."""
    text = SITE.read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+;\n", text, flags=re.M)
    assert len(servers) == 2, "the site file should list two example processes"
    text = text.replace(servers[0], "".join(f"    server 127.0.0.1:{p};\n" for p in backends))
    text = text.replace(servers[1], "")
    text, n = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", text)
    assert n == 1
    return text


@pytest.fixture(scope="module")
def nginx_front(tmp_path_factory):
    """Two Voila processes (as `make serve` starts them) and nginx with the shipped site file."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run `make test`, which installs Debian's nginx")
    tmp = tmp_path_factory.mktemp("nginx")
    *backends, listen = free_ports(3)  # chosen together: three different ports
    (tmp / "site.conf").write_text(site_for(listen, backends))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers may read the temp folder
    (tmp / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n  access_log {tmp}/access.log;\n"
        f"  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n"
        f"  include {tmp}/site.conf;\n}}\n")
    check = subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    logs, servers = [], []
    try:
        for port in backends:
            # no preheated pool: this test is about routing, and two pools cost two cores a while
            argv, env = voila_command(port, extra=["--VoilaConfiguration.preheat_kernel=False"])
            logs.append(tmp / f"voila-{port}.log")
            servers.append(Server(argv, env, f"http://127.0.0.1:{port}/", logs[-1]).__enter__())
        proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    get(listen, "/voila/static/favicon.ico")
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, (tmp / "error.log").read_text()
                    time.sleep(0.2)
            yield {"url": f"http://127.0.0.1:{listen}/", "port": listen, "logs": logs, "tmp": tmp}
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        for server in servers:
            server.__exit__()


def get(port: int, path: str, source: str = "127.0.0.1", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_a_page_and_its_widgets_work_through_nginx(phone_page, nginx_front, content):
    page, sockets = phone_page, []
    page.on("websocket", lambda ws: sockets.append(ws))
    responses = {}
    page.on("response", lambda r: responses.setdefault(r.url.split("?")[0].rsplit("/", 1)[-1], r))
    open_app(page, nginx_front["url"], "03_recovery_timeline.ipynb")
    assert_clean(page)
    # the kernel websocket went through nginx's upgrade and carries the widgets
    kernel_sockets = [ws for ws in sockets if "/api/kernels/" in ws.url and "/channels" in ws.url]
    assert kernel_sockets and all(f":{nginx_front['port']}/" in ws.url for ws in kernel_sockets)
    assert not kernel_sockets[0].is_closed()
    card = ".ce-widget .ce-card"
    before = page.inner_text(card)
    page.locator(".ce-widget .widget-slider .noUi-handle").first.focus()
    for _ in range(16):  # 48 hours: the healing phase
        page.keyboard.press("ArrowRight")
    page.wait_for_function("([sel, label]) => document.querySelector(sel).innerText.includes(label)",
                           arg=[card, content.timeline.phases[2].label], timeout=30_000)
    assert page.inner_text(card) != before
    # headers: the processes' compression and security headers pass through, once each
    html = responses["03_recovery_timeline.ipynb"]
    headers = html.headers_array()
    names = [h["name"].lower() for h in headers]
    assert names.count("content-security-policy") == 1 and names.count("referrer-policy") == 1
    assert html.header_value("content-encoding") in ("br", "gzip")
    assert "nginx/" not in (html.header_value("server") or "")  # server_tokens off
    scripts = [r for name, r in responses.items() if name.endswith(".js") and r.status == 200]
    assert scripts and all(r.header_value("content-encoding") in ("br", "gzip") for r in scripts)


def test_the_websocket_upgrade_answers_101_through_nginx(nginx_front):
    """A hand-made upgrade request: nginx passes Upgrade/Connection and the process answers 101."""
    status, _, body = get(nginx_front["port"], "/voila/render/00_index.ipynb")
    assert status == 200
    kernel = re.search(rb'"kernelId":\s*"([0-9a-f-]{36})"', body).group(1).decode()
    conn = http.client.HTTPConnection("127.0.0.1", nginx_front["port"], timeout=30)
    conn.request("GET", f"/api/kernels/{kernel}/channels?session_id=nginx-test", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Protocol": "v1.kernel.websocket.jupyter.org"})
    response = conn.getresponse()
    try:
        assert response.status == 101, (response.status, response.read()[:300])
        assert response.headers["Upgrade"].lower() == "websocket"
        assert response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    finally:
        conn.close()


def test_each_visitor_sticks_to_one_process_and_visitors_spread(nginx_front, content):
    marks = {}
    for visitor in VISITORS:
        for n in range(3):  # a cheap request that each process logs with its path (a 404)
            mark = f"/sticky-{visitor}-{n}"
            status, _, body = get(nginx_front["port"], mark, source=visitor)
            assert status == 404 and content.clinic.name in body.decode()  # our process's branded 404
            marks.setdefault(visitor, []).append(mark)
    time.sleep(0.5)  # the processes write their log lines a moment after answering
    logs = [path.read_text() for path in nginx_front["logs"]]
    used = set()
    for visitor, visitor_marks in marks.items():
        where = {i for i, log in enumerate(logs) for mark in visitor_marks if f"GET {mark} " in log}
        assert len(where) == 1, f"{visitor} reached processes {where}"
        used |= where
    assert used == {0, 1}, "every visitor reached the same process"
