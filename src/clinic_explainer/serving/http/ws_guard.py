"""Websocket frame guard: check a visitor's kernel-websocket frame before Voila or jupyter_server parse it.

Voila 0.5.13 and jupyter_server 2.21 take the number of parts of a client's binary frame from
the frame itself and loop over it (``range(count)`` in ``deserialize_msg_from_ws_v1``, a
``struct`` format of ``count`` letters in ``deserialize_binary_message``): one 8-byte frame
freezes the event loop for every patient and eats memory until the machine dies
(docs/upstream-bugs.md). ``check_frame`` rejects such frames in microseconds, whatever they
declare; ``guard_application`` installs it on the kernel websocket handler of a built tornado
application (an application hook, see ../hooks.py; the Voila methods it overrides are listed
in ../patches.py).

The two binary formats a client can send (read from jupyter_server/services/kernels/connection/base.py):

v1 (subprotocol ``v1.kernel.websocket.jupyter.org``, what JupyterLab's and Voila's clients speak)::

    count: u64 little-endian | count offsets: u64 little-endian | channel | header | parent | metadata | content | buffers...
    offsets[0] == 8 * (count + 1)   (the first byte after the offset table)
    parts are ws[offsets[i]:offsets[i + 1]]: channel, then count - 2 message parts

legacy (no subprotocol, binary frame)::

    nbufs: i32 big-endian | nbufs offsets: u32 big-endian | JSON message | buffers...
    offsets[0] == 4 * (nbufs + 1); the last part runs to the end of the frame

A legacy *text* frame is plain JSON and is only size-checked here. The guarded handler refuses
the legacy protocol altogether (Voila mis-parses what it sends to such a client), so the
legacy checks are a second line should that ever be allowed again.

A frame that passes goes through its connection's ``Throttle`` (ws_limits.py: a bounded rate
of widget messages, waiting ones coalesced, a flood closed), and the upgrade itself is refused
when the client address already holds its share of kernel websockets.
"""

from __future__ import annotations

import logging
import struct

from tornado.ioloop import IOLoop

from clinic_explainer.serving.http import activity
from clinic_explainer.serving.http.ws_limits import Sockets, Throttle
from clinic_explainer.serving.kernels.shares import client_address

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
CHANNELS = frozenset({"shell", "control", "iopub", "stdin"})
# A widget message from the page (a slider value, a date, a ticked box) is a few hundred bytes;
# nothing we serve uploads files. 1 MiB leaves room and bounds what one frame can cost.
MAX_MESSAGE_BYTES = 1024 * 1024
# v1: channel + header, parent header, metadata, content (count = 6) plus binary buffers.
# Our widgets send no buffers; 32 parts is generous and keeps the offset table tiny.
MAX_PARTS = 32
WS_POLICY_VIOLATION = 1008  # RFC 6455: "a message that violates its policy"
TOO_MANY = 429  # the upgrade of a client address past its share of websockets

log = logging.getLogger("clinic_explainer.ws_guard")


class FrameRejected(ValueError):
    """Why a frame was refused (never contains the frame's bytes)."""


def _check_offsets(offsets: list[int], table_end: int, size: int) -> None:
    if offsets[0] < table_end:
        raise FrameRejected("first offset points into the offset table")
    previous = offsets[0]
    for offset in offsets[1:]:
        if offset < previous:
            raise FrameRejected("offsets are not in increasing order")
        previous = offset
    if previous > size:
        raise FrameRejected("an offset points beyond the end of the frame")


def check_v1(frame: bytes, max_parts: int = MAX_PARTS) -> None:
    """Raise FrameRejected unless ``frame`` is a well-formed v1 kernel message."""
    size = len(frame)
    if size < 8:
        raise FrameRejected("frame shorter than its part count")
    count = int.from_bytes(frame[:8], "little")
    # channel + at least header, parent header, metadata and content
    if not 6 <= count <= max_parts:
        raise FrameRejected(f"declared part count {count} outside 6..{max_parts}")
    table_end = 8 * (count + 1)
    if table_end > size:
        raise FrameRejected("offset table longer than the frame")
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    _check_offsets(offsets, table_end, size)
    try:
        channel = frame[offsets[0]:offsets[1]].decode("utf-8")
    except UnicodeDecodeError:
        raise FrameRejected("channel name is not text") from None
    if channel not in CHANNELS:
        raise FrameRejected("unknown channel")


def check_legacy_binary(frame: bytes, max_parts: int = MAX_PARTS) -> None:
    """Raise FrameRejected unless ``frame`` is a well-formed legacy binary kernel message."""
    size = len(frame)
    if size < 4:
        raise FrameRejected("frame shorter than its part count")
    (count,) = struct.unpack("!i", frame[:4])
    if not 1 <= count <= max_parts:
        raise FrameRejected(f"declared part count {count} outside 1..{max_parts}")
    table_end = 4 * (count + 1)
    if table_end > size:
        raise FrameRejected("offset table longer than the frame")
    offsets = list(struct.unpack("!" + "I" * count, frame[4:table_end]))
    _check_offsets(offsets, table_end, size)


def check_frame(message: bytes | str, subprotocol: str | None, max_bytes: int = MAX_MESSAGE_BYTES,
                max_parts: int = MAX_PARTS) -> None:
    """Raise FrameRejected if a client's websocket message must not reach the kernel connection.

    ``subprotocol`` is the one the handler selected (``None`` for the legacy protocol).
    """
    size = len(message.encode("utf-8")) if isinstance(message, str) else len(message)
    if size > max_bytes:
        raise FrameRejected(f"message of {size} bytes exceeds the {max_bytes}-byte limit")
    if subprotocol == V1_PROTOCOL:
        if isinstance(message, str):
            raise FrameRejected("text frame on the binary v1 protocol")
        check_v1(message, max_parts)
    elif isinstance(message, bytes):
        check_legacy_binary(message, max_parts)


def guarded(handler_class: type, max_bytes: int = MAX_MESSAGE_BYTES, max_parts: int = MAX_PARTS) -> type:
    """A subclass of a kernel websocket handler whose ``on_message`` checks each frame first.

    A rejected frame closes the socket with code 1008 (policy violation) and logs one line: the
    kernel id, the size and the reason, never the frame's content.
    """
    if getattr(handler_class, "_clinic_frame_guard", False):
        return handler_class

    class FrameGuardedHandler(handler_class):
        _clinic_frame_guard = True
        _clinic_address = None  # the client address whose share this socket counts in
        _clinic_throttle = None

        async def get(self, *args, **kwargs):
            # Refuse the legacy protocol before the upgrade: Voila parses every binary frame it
            # sends to a legacy client as v1 (docs/upstream-bugs.md, bug 2), so a legacy client
            # freezes the server with well-formed messages. Voila's own page speaks v1.
            offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
            if V1_PROTOCOL not in offered:
                log.warning("websocket refused (kernel %s): client does not offer %s",
                            kwargs.get("kernel_id", "?"), V1_PROTOCOL)
                self.set_status(400)
                self.finish("This server speaks the v1 kernel websocket protocol only.")
                return None
            if not self._take_share(kwargs.get("kernel_id", "?")):
                return None
            try:  # returns once the socket is closed (or its upgrade failed)
                return await super().get(*args, **kwargs)
            finally:
                self._give_share()

        def _take_share(self, kernel_id: str) -> bool:
            """Count this socket in its address's share; False (429 sent) when the share is full."""
            sockets, gate = self.settings.get("clinic_sockets"), self.settings.get("clinic_gate")
            if sockets is None or gate is None:
                return True
            bucket = sockets.buckets.get(kernel_id)
            if bucket is not None and bucket.paused():
                if sockets.refuse("flooded " + kernel_id):  # one line, not one a retry
                    log.warning("websocket refused (kernel %s): it was flooded moments ago", kernel_id)
                self.set_status(TOO_MANY)
                self.finish("Too many messages: try again later.")
                return False
            address, cap = client_address(self.request), gate.policy.address_socket_cap()
            if sockets.held[address] >= cap:
                if sockets.refuse(address):
                    log.warning("websocket refused (kernel %s, %d times): one client address holds %d kernel "
                                "websockets, its share is %d", kernel_id, sockets.refusals[address],
                                sockets.held[address], cap)
                self.set_status(TOO_MANY)
                self.finish("Too many connections from one address.")
                return False
            sockets.opened(address)
            self._clinic_address = address
            return True

        def _give_share(self) -> None:
            sockets = self.settings.get("clinic_sockets")
            if self._clinic_address is not None and sockets is not None:
                sockets.closed(self._clinic_address)
            self._clinic_address = None

        def on_message(self, message):
            try:
                check_frame(message, self.selected_subprotocol, max_bytes, max_parts)
            except FrameRejected as why:
                size = len(message)
                log.warning("websocket frame rejected (kernel %s, %d bytes): %s; socket closed",
                            getattr(self, "kernel_id", "?"), size, why)
                self.close(WS_POLICY_VIOLATION, "malformed message")
                return None
            if self.selected_subprotocol != V1_PROTOCOL:
                return super().on_message(message)
            if self._clinic_throttle is None:  # the event loop is looked up only when a message must wait
                self._clinic_throttle = Throttle(self._deliver, lambda delay, fn: IOLoop.current().call_later(delay, fn),
                                                 lambda timer: IOLoop.current().remove_timeout(timer),
                                                 bucket=self._bucket())
            throttle = self._clinic_throttle
            if throttle.closed:  # closed for a flood: frames still in flight are dropped
                return None
            throttle.offer(message)
            if throttle.flooded():
                log.warning("websocket closed (kernel %s): %d messages within %.0f s, a flood no page sends; "
                            "%d reached the kernel", getattr(self, "kernel_id", "?"), len(throttle.recent),
                            throttle.flood_window, throttle.counts["delivered"])
                throttle.close(flooded=True)
                self.close(WS_POLICY_VIOLATION, "too many messages")
            return None

        def _bucket(self):
            """The kernel's message bucket, shared by its sockets (None: this socket's own)."""
            sockets, km = getattr(self, "settings", {}).get("clinic_sockets"), getattr(self, "kernel_manager", None)
            if sockets is None or km is None:
                return None
            return sockets.bucket(getattr(self, "kernel_id", ""), lambda kernel_id: kernel_id in km)

        def _deliver(self, message: bytes) -> None:
            """A frame the throttle lets through now (at once, or later from the event loop)."""
            if self.ws_connection is None or getattr(self, "connection", None) is None:
                return  # closed meanwhile
            km = getattr(self, "kernel_manager", None)
            if km is not None:  # a patient's change resets the idle clock
                activity.note(km, getattr(self, "kernel_id", ""), message)
            super().on_message(message)

        def on_close(self):
            throttle = self._clinic_throttle
            if throttle is not None:
                throttle.close()
                if throttle.counts["coalesced"] or throttle.counts["dropped"]:
                    c = throttle.counts
                    log.info("websocket of kernel %s closed: %d messages received, %d delivered, %d coalesced, "
                             "%d dropped", getattr(self, "kernel_id", "?"), c["received"], c["delivered"],
                             c["coalesced"], c["dropped"])
            self._give_share()
            return super().on_close()

    FrameGuardedHandler.__name__ = FrameGuardedHandler.__qualname__ = f"FrameGuarded{handler_class.__name__}"
    return FrameGuardedHandler


def guard_application(app, voila=None, max_bytes: int = MAX_MESSAGE_BYTES) -> int:
    """Application hook: serve kernel websockets through the frame guard.

    Also lowers tornado's own frame limit (``websocket_max_message_size``, 10 MiB by default),
    which tornado enforces while reading, before ``on_message``. Returns how many routes were
    guarded (0 means Voila's handler was not found: the caller should treat that as an error).
    """
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from clinic_explainer.serving.http.routes import replace_handler

    app.settings["websocket_max_message_size"] = max_bytes
    app.settings["clinic_sockets"] = Sockets()  # kernel websockets per client address
    replaced = replace_handler(app, VoilaKernelWebsocketHandler, lambda cls: guarded(cls, max_bytes))
    if not replaced:
        raise RuntimeError("Voila's kernel websocket handler was not found: websocket frames are unguarded")
    return replaced
