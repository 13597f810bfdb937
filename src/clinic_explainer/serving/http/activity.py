"""What keeps a visitor's kernel alive: a patient's changes, not any traffic (issue 20).

jupyter_server's culler shuts down a kernel idle for ``cull_idle_timeout`` (config/voila.py),
and counted as activity every message the kernel published in answer to a widget message: a
script sending the same ``comm_msg`` every 20 s kept a kernel (and a visitor's share of the
machine) for ever. Now:

- widget traffic (``comm_msg``, ``comm_open``, ``comm_close``) no longer counts by itself
  (``UNTRACKED``, added to the kernel manager's untracked message types);
- a message from the page counts when it is a *change* (``note``): a widget's new state,
  different from the last one that widget sent, and at most once every ``MIN_GAP`` seconds
  (a patient moving a slider counts once; a script repeating itself never);
- how many widgets of one kernel are remembered is bounded (``MAX_COMMS``), and a visit has a
  ceiling whatever happens (``KernelPolicy.max_visit``, kernels/gate.py).

The frame was checked by the guard (ws_guard.py) before it gets here; nothing of it is logged.
"""

from __future__ import annotations

import hashlib
import json
import time

from clinic_explainer.serving import patches

UNTRACKED = ("comm_msg", "comm_open", "comm_close")
MIN_GAP = 10.0
MAX_COMMS = 400  # the explainer has about 120 widget models

_seen: dict[str, dict] = {}  # kernel id -> {"comms": {comm id: digest}, "at": time counted last}


def change_of(frame: bytes) -> tuple[str, str] | None:
    """(comm id, digest of its data) of a v1 ``comm_msg`` frame on the shell channel, else None."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)] + [len(frame)]
    if frame[offsets[0]:offsets[1]] != b"shell":
        return None
    header = json.loads(frame[offsets[1]:offsets[2]])
    if not isinstance(header, dict) or header.get("msg_type") != "comm_msg":
        return None
    content = json.loads(frame[offsets[4]:offsets[5]])
    if not isinstance(content, dict):
        return None
    data = json.dumps(content.get("data"), sort_keys=True, default=str).encode()
    return str(content.get("comm_id")), hashlib.sha256(data).hexdigest()[:16]


def note(km, kernel_id: str, frame) -> bool:
    """A page's message: True (and the kernel's idle clock reset) when it is a patient's change."""
    if not isinstance(frame, bytes):
        return False
    try:
        change = change_of(frame)
    except (ValueError, IndexError, UnicodeDecodeError):
        return False
    if change is None:
        return False
    comm_id, digest = change
    seen = _seen.setdefault(kernel_id, {"comms": {}, "at": 0.0})
    if seen["comms"].get(comm_id) == digest:
        return False  # the same state again
    if comm_id not in seen["comms"] and len(seen["comms"]) >= MAX_COMMS:
        return False
    seen["comms"][comm_id] = digest
    now = time.monotonic()
    if now - seen["at"] < MIN_GAP:
        return False
    seen["at"] = now
    kernel = patches.kernel_of(km, kernel_id)
    if kernel is not None:
        kernel.last_activity = patches.utcnow()
    return True


def forget(kernel_id: str) -> None:
    _seen.pop(kernel_id, None)


def patient_activity_only(km) -> None:
    """Widget traffic alone no longer resets a kernel's idle clock (``note`` does, for changes)."""
    km.untracked_message_types = [*km.untracked_message_types,
                                  *(t for t in UNTRACKED if t not in km.untracked_message_types)]
