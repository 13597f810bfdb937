"""The websocket frame guard on crafted frames (no server: serving/http/ws_guard.py's checks and its handler wrapper)."""

from __future__ import annotations

import json
import logging
import struct
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from tornado.web import Application
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from clinic_explainer.serving.http import ws_guard
from clinic_explainer.serving.http.ws_guard import V1_PROTOCOL, FrameRejected, check_frame

SECRET = b"2031-04-05 my-own-treatment-date"


def _parts(content: bytes = b'{"data": {"value": 3}}') -> list[bytes]:
    header = json.dumps({"msg_id": "1", "msg_type": "comm_msg", "session": "s", "username": "",
                         "date": "2026-01-01T00:00:00Z", "version": "5.3"}).encode()
    return [header, b"{}", b"{}", content]


def v1_frame(channel: str = "shell", parts: list[bytes] | None = None) -> bytes:
    return serialize_msg_to_ws_v1(parts or _parts(), channel)


def legacy_frame() -> bytes:
    msg = {"header": {"msg_id": "1", "msg_type": "comm_msg"}, "parent_header": {}, "metadata": {},
           "content": {"data": {}}, "channel": "shell", "buffers": [b"abc"]}
    return serialize_binary_message(msg)


def v1_with(count: int, offsets: list[int], tail: bytes = b"") -> bytes:
    return count.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + tail


def legacy_with(count: int, offsets: list[int], tail: bytes = b"") -> bytes:
    return struct.pack("!i", count) + b"".join(struct.pack("!I", o) for o in offsets) + tail


def test_well_formed_frames_of_both_formats_pass_and_upstream_parses_them():
    frame = v1_frame()
    check_frame(frame, V1_PROTOCOL)
    assert deserialize_msg_from_ws_v1(frame)[0] == "shell"
    frame = v1_frame(parts=[*_parts(), b"\x00" * 100])  # with a binary buffer
    check_frame(frame, V1_PROTOCOL)
    frame = legacy_frame()
    check_frame(frame, None)
    assert deserialize_binary_message(frame)["buffers"] == [b"abc"]
    check_frame(json.dumps({"channel": "shell"}), None)  # legacy text frame: JSON, only size-checked


# Each of these froze Voila 0.5.13 / jupyter_server 2.21 or crashed its parser (docs/upstream-bugs.md).
V1_ATTACKS = {
    "8-byte frame declaring 2**63 parts": (2**63).to_bytes(8, "little"),
    "count of 2**64 - 1": b"\xff" * 8 + b"\x00" * 16,
    "one byte": b"\xff",
    "empty": b"",
    "count below a message": v1_with(2, [24, 24]),
    "offset table longer than the frame": v1_with(6, [56, 56]),
    "offset beyond the frame": v1_with(6, [56, 61, 62, 63, 64, 10**12], b"shell"),
    "offsets decreasing": v1_with(6, [56, 61, 70, 65, 80, 90], b"shell" + b"x" * 30),
    "first offset inside the table": v1_with(6, [8, 61, 61, 61, 61, 61], b"shell"),
    "channel not text": v1_with(6, [56, 58, 58, 58, 58, 58], b"\xff\xfe"),
    "unknown channel": v1_frame(channel="nope"),
}
LEGACY_ATTACKS = {
    "nbufs 2**31 - 1": struct.pack("!i", 2**31 - 1),
    "negative nbufs": struct.pack("!i", -5) + b"\x00" * 8,
    "zero nbufs": struct.pack("!i", 0),
    "three bytes": b"\x00\x00\x01",
    "offset table longer than the frame": legacy_with(4, [20]),
    "offset beyond the frame": legacy_with(2, [12, 2**32 - 1], b"{}"),
    "offsets decreasing": legacy_with(2, [14, 12], b"{}{}"),
    "first offset inside the table": legacy_with(1, [0], b"{}"),
}


@pytest.mark.parametrize("name", V1_ATTACKS)
def test_crafted_v1_frames_are_rejected_at_once(name):
    start = time.perf_counter()
    with pytest.raises(FrameRejected):
        check_frame(V1_ATTACKS[name], V1_PROTOCOL)
    assert time.perf_counter() - start < 0.01


@pytest.mark.parametrize("name", LEGACY_ATTACKS)
def test_crafted_legacy_frames_are_rejected_at_once(name):
    start = time.perf_counter()
    with pytest.raises(FrameRejected):
        check_frame(LEGACY_ATTACKS[name], None)
    assert time.perf_counter() - start < 0.01


def test_size_limit_on_every_kind_of_frame_and_text_refused_on_v1():
    big = v1_frame(parts=_parts(b"x" * (ws_guard.MAX_MESSAGE_BYTES + 1)))
    with pytest.raises(FrameRejected, match="exceeds"):
        check_frame(big, V1_PROTOCOL)
    with pytest.raises(FrameRejected, match="exceeds"):
        check_frame("é" * ws_guard.MAX_MESSAGE_BYTES, None)  # counted in bytes, not characters
    with pytest.raises(FrameRejected, match="text frame"):
        check_frame('{"channel": "shell"}', V1_PROTOCOL)
    with pytest.raises(FrameRejected, match="part count"):
        check_frame(v1_frame(parts=[*_parts(), *[b"b"] * ws_guard.MAX_PARTS]), V1_PROTOCOL)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_any_bytes_are_either_rejected_or_safe_for_the_upstream_parser(frame, v1):
    try:
        check_frame(frame, V1_PROTOCOL if v1 else None)
    except FrameRejected:
        return
    # accepted: upstream's parser must run through it without looping on a declared count
    if v1:
        channel, parts = deserialize_msg_from_ws_v1(frame)
        assert channel in ws_guard.CHANNELS and len(parts) >= 4
    else:
        try:
            deserialize_binary_message(frame)
        except (ValueError, KeyError, TypeError):  # bad JSON is upstream's ordinary error, quick
            pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=50), min_size=4, max_size=10), st.sampled_from(sorted(ws_guard.CHANNELS)))
def test_every_frame_a_real_client_builds_passes(parts, channel):
    check_frame(serialize_msg_to_ws_v1(parts, channel), V1_PROTOCOL)


class FakeHandler:
    """Stands in for the kernel websocket handler: records what reaches on_message and close."""

    def __init__(self, subprotocol):
        self.selected_subprotocol, self.kernel_id = subprotocol, "k-123"
        self.passed, self.closed = [], []
        self.ws_connection = self.connection = object()  # open

    def on_message(self, message):
        self.passed.append(message)

    def close(self, code=None, reason=None):
        self.closed.append(code)


def test_guarded_handler_closes_with_policy_violation_and_logs_one_line_without_payload(caplog):
    handler = ws_guard.guarded(FakeHandler)(V1_PROTOCOL)
    good = v1_frame()
    handler.on_message(good)
    assert handler.passed == [good] and handler.closed == []
    crafted = v1_with(6, [56, 61, 62, 63, 64, 10**9], b"shell" + SECRET)
    with caplog.at_level(logging.WARNING, logger="clinic_explainer.ws_guard"):
        handler.on_message(crafted)
    assert handler.passed == [good] and handler.closed == [ws_guard.WS_POLICY_VIOLATION]
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "k-123" in line and "beyond the end" in line
    assert SECRET.decode() not in line and "2031" not in line
    assert ws_guard.guarded(ws_guard.guarded(FakeHandler)) is not FakeHandler  # idempotent wrapper


def _handler_targets(router) -> list:
    found = []
    for rule in router.rules:
        found += _handler_targets(rule.target) if hasattr(rule.target, "rules") else [rule.target]
    return found


def test_guard_application_replaces_voilas_handler_in_every_router():
    app = Application([(r"/api/kernels/(?P<kernel_id>\w+)/channels", VoilaKernelWebsocketHandler)])
    app.add_handlers(".*$", [(r"/voila/api/kernels/(?P<kernel_id>\w+)/channels", VoilaKernelWebsocketHandler)])
    assert ws_guard.guard_application(app) == 2
    assert app.settings["websocket_max_message_size"] == ws_guard.MAX_MESSAGE_BYTES
    targets = _handler_targets(app.default_router)
    assert VoilaKernelWebsocketHandler not in targets
    assert [t._clinic_frame_guard and issubclass(t, VoilaKernelWebsocketHandler) for t in targets] == [True, True]
    with pytest.raises(RuntimeError, match="not found"):
        ws_guard.guard_application(Application([]))
