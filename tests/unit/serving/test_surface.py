"""Small surfaces without a server (issue 20): request details freed, stale folders, the CSP's hashes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

from tornado.httputil import HTTPHeaders

from clinic_explainer.serving import patches
from clinic_explainer.serving.http import security, surface


def test_a_kernels_request_details_go_with_the_kernel():
    from voila.request_info_handler import RequestInfoSocketHandler

    closed = []
    RequestInfoSocketHandler.send_updates({"kernel_id": "k1", "payload": '{"QUERY_STRING": "lang=es"}'})
    RequestInfoSocketHandler._waiters["k2"] = SimpleNamespace(close=lambda: closed.append("k2"))
    surface.HANDED.add("k1")
    surface.forget_request_info("k1")
    surface.forget_request_info("k2")
    assert "k1" not in RequestInfoSocketHandler._cache and "k2" not in RequestInfoSocketHandler._waiters
    assert closed == ["k2"] and "k1" not in surface.HANDED
    assert patches.request_info_waiting("k2") is None


def test_only_folders_of_servers_that_are_gone_are_removed(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead, live, other, empty_old, own = (tmp_path / f"voila_{n}" for n in ("dead", "live", "other", "old", "own"))
    for folder in (dead, live, other, empty_old, own):
        folder.mkdir()
    (dead / surface.MARKER).write_text(str(proc.pid))
    (live / surface.MARKER).write_text(str(os.getpid()))
    (other / "kernel-1.json").write_text("{}")  # another Voila's, without our marker: kept
    old = time.time() - 7200
    os.utime(empty_old, (old, old))
    removed = surface.remove_stale_kernel_folders(tmp_path, own)
    assert sorted(removed) == sorted([dead, empty_old])
    assert live.exists() and other.exists() and own.exists()


def test_the_csp_never_hashes_what_a_response_contains():
    transform = security.make_transform(lambda request: None)(SimpleNamespace(clinic_cell_count=3))
    chunk = b"<html><script>alert(document.cookie)</script>" + b'<div id="jupyter-config-data"></div>'
    headers = HTTPHeaders({"Content-Type": "text/html"})
    _, headers, _ = transform.transform_first_chunk(200, headers, chunk, False)
    csp = headers["Content-Security-Policy"]
    for injected in security.script_hashes(chunk):
        assert injected not in csp
    for known in security.known_page_scripts() + security._progress_hashes(3):
        assert known in csp


def test_only_a_patients_changes_keep_a_kernel_alive(monkeypatch):
    import json

    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    from clinic_explainer.serving.http import activity

    kernel = SimpleNamespace(last_activity=None)
    km = SimpleNamespace(_kernels={"k": kernel})

    def frame(value, comm="c1"):
        header = {"msg_id": "1", "msg_type": "comm_msg", "session": "s", "username": "", "date": "", "version": "5.3"}
        content = {"comm_id": comm, "data": {"method": "update", "state": {"value": value}}}
        return serialize_msg_to_ws_v1([json.dumps(p).encode() for p in (header, {}, {}, content)], "shell")

    clock = [1000.0]
    monkeypatch.setattr(activity.time, "monotonic", lambda: clock[0])
    assert activity.note(km, "k", frame(1)) and kernel.last_activity is not None
    clock[0] += 60
    assert not activity.note(km, "k", frame(1))  # the same state again: not a patient
    assert activity.note(km, "k", frame(2))       # a change
    clock[0] += 1
    assert not activity.note(km, "k", frame(3))   # a change, but within MIN_GAP
    activity.forget("k")
