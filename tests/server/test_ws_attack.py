"""Crafted websocket frames against a real server on loopback: rejected, others served, memory flat.

Before the guard (docs/upstream-bugs.md) each of these frames froze the server for good.
"""

from __future__ import annotations

import threading
import time

import pytest
from tornado.httpclient import HTTPClientError

from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.server.ws_attack import (
    LEGACY_FREEZE,
    V1,
    V1_FREEZE,
    V1_OFFSETS_BEYOND,
    kernel_info_ok,
    open_page,
    probe_seconds,
    rss_mb,
    send_frames,
)

OVERSIZED = (6).to_bytes(8, "little") + b"\x00" * (2 * 1024 * 1024)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    argv, env = voila_command(port)
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("attack") / "voila.log"
    with Server(argv, env, base, log) as srv:
        yield base, srv.proc.pid, log


def test_crafted_frames_are_refused_while_other_visitors_are_served_and_memory_stays_flat(server):
    base, pid, log = server
    kernel, cookies = open_page(base, "00_index.ipynb")
    time.sleep(1)
    before = rss_mb(pid)

    codes, probes = [], []

    def attack():
        for _ in range(5):  # bounded: 5 rounds of every crafted frame, each on a fresh socket
            for frame in (V1_FREEZE, V1_OFFSETS_BEYOND, OVERSIZED):
                codes.append(send_frames(base, kernel, [frame], V1, cookies))

    attacker = threading.Thread(target=attack)
    attacker.start()
    while attacker.is_alive():
        probes.append(probe_seconds(base, timeout=5))
        time.sleep(0.1)
    attacker.join()
    probes.append(probe_seconds(base, timeout=5))

    # policy violation from our guard; tornado's own size limit closes with 1009 or drops the socket
    assert codes[0::3] == codes[1::3] == [1008] * 5 and set(codes[2::3]) <= {1009, 1006}, codes
    assert max(probes) < 1, probes
    assert rss_mb(pid) - before < 30, (before, rss_mb(pid))
    # the page's own kernel still answers well-formed messages
    assert kernel_info_ok(base, kernel, cookies)
    text = log.read_text()
    assert "websocket frame rejected" in text and "Traceback" not in text


def test_a_client_without_the_v1_protocol_is_refused_before_it_can_send_anything(server):
    base, pid, log = server
    kernel, cookies = open_page(base, "03_recovery_timeline.ipynb")
    with pytest.raises(HTTPClientError) as refused:
        send_frames(base, kernel, [LEGACY_FREEZE], None, cookies)
    assert refused.value.code == 400
    assert probe_seconds(base) < 1
    assert "client does not offer" in log.read_text()
