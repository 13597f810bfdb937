"""What one kernel websocket may send, and how many one client address may hold (issue 20).

**Widget messages per connection** (``Throttle``, one per socket, with its kernel's ``Bucket``,
so reconnecting starts no fresh burst; settings.py ``WS_*``).
A page's widget client sends a change and waits for the kernel's answer before it sends the
next change of the same widget (ipywidgets' ``msg_throttle``), so a patient dragging the
timeline slider sends at most 15 messages in a second (measured in Chromium: one every ~68 ms,
the kernel's answer time; a held arrow key 7 a second).
A script sends tens of thousands in seconds, and every one of them costs its kernel a few
milliseconds of a core. So:

- messages reach the kernel at most ``WS_RATE`` a second, after a first ``WS_BURST`` (a token
  bucket): a patient's drag goes through at that pace, a little later at worst, never lost;
- a message that has to wait replaces one still waiting *of the same widget and kind*
  (coalescing: only the latest value of a slider matters); at most ``WS_QUEUE`` widgets wait,
  more than any page has; a message past that is dropped;
- a connection that sends more than ``WS_FLOOD`` messages within ``WS_FLOOD_WINDOW`` seconds
  (ten times the rate: no widget client can, it waits for answers) is closed (1008), and
  that kernel refuses new websockets for ``WS_FLOOD_PAUSE`` seconds (429), so reconnecting
  in a loop (each connection costs the kernel a kernel_info exchange) gains nothing.

**Websockets per client address** (``Sockets``): a page opens one websocket to its kernel
(a reload briefly two), so one address may hold at most ``KernelPolicy.address_socket_cap()``
(twice its share of kernels; a waiting room's dozen patients fit); past it the upgrade is
refused with 429 before any kernel connection is made.

Only sizes and counts are logged, never a message's content.
"""

from __future__ import annotations

import json
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable

from clinic_explainer.settings import WS_BURST, WS_FLOOD, WS_FLOOD_PAUSE, WS_FLOOD_WINDOW, WS_QUEUE, WS_RATE

MIN_WAIT = 0.01  # seconds: a drain is never scheduled sooner (no busy loop on rounding)


def coalesce_key(frame: bytes) -> tuple:
    """Which waiting message a v1 frame may replace: (channel, type, comm id, method, state keys).

    The frame was checked by the guard (ws_guard.check_v1); a part that is not the JSON we
    expect gives a key of its own (it replaces only an identical kind)."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)] + [len(frame)]
    channel = frame[offsets[0]:offsets[1]]
    try:
        header = json.loads(frame[offsets[1]:offsets[2]])
        msg_type = header.get("msg_type") if isinstance(header, dict) else None
        if msg_type != "comm_msg":
            return (channel, msg_type)
        content = json.loads(frame[offsets[4]:offsets[5]])
        data = content.get("data") if isinstance(content, dict) else None
        if not isinstance(data, dict):
            return (channel, msg_type, str(content.get("comm_id")) if isinstance(content, dict) else None)
        state = data.get("state")
        keys = tuple(sorted(map(str, state))) if isinstance(state, dict) else ()
        return (channel, msg_type, str(content.get("comm_id")), str(data.get("method")), keys)
    except (ValueError, UnicodeDecodeError, AttributeError):
        return (channel, "unreadable")


class Bucket:
    """The pace of one kernel's messages: tokens, and when the last ones came. Shared by the
    kernel's sockets, so closing and reopening a socket starts no fresh burst."""

    def __init__(self, rate: float = WS_RATE, burst: int = WS_BURST, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = float(burst), clock()
        self.recent: deque[float] = deque()
        self.flooded_at: float | None = None

    def paused(self) -> bool:
        """Flooded within the last ``WS_FLOOD_PAUSE`` seconds: no new websocket for this kernel."""
        return self.flooded_at is not None and self.clock() - self.flooded_at < WS_FLOOD_PAUSE

    def refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now


class Throttle:
    """One connection's pace: ``offer`` each checked frame; ``deliver`` gets them at most
    ``rate`` a second (after ``burst``; the kernel's ``Bucket``), waiting ones coalesced;
    ``flooded`` says to close."""

    def __init__(self, deliver: Callable[[bytes], None], call_later: Callable, remove_timeout: Callable,
                 rate: float = WS_RATE, burst: int = WS_BURST, queue: int = WS_QUEUE,
                 flood: int = WS_FLOOD, flood_window: float = WS_FLOOD_WINDOW, clock=time.monotonic,
                 bucket: Bucket | None = None):
        self.deliver, self.call_later, self.remove_timeout, self.clock = deliver, call_later, remove_timeout, clock
        self.bucket = bucket or Bucket(rate, burst, clock)
        self.rate, self.max_queue, self.flood, self.flood_window = self.bucket.rate, queue, flood, flood_window
        self.recent = self.bucket.recent
        self.waiting: OrderedDict[tuple, bytes] = OrderedDict()
        self.timer = None
        self.counts = Counter()  # received, delivered, delayed, coalesced, dropped
        self.closed = False

    @property
    def tokens(self) -> float:
        return self.bucket.tokens

    @tokens.setter
    def tokens(self, value: float) -> None:
        self.bucket.tokens = value

    def _refill(self) -> None:
        self.bucket.refill()

    def flooded(self) -> bool:
        """More than ``flood`` messages within the last ``flood_window`` seconds."""
        return len(self.recent) > self.flood

    def offer(self, frame: bytes) -> None:
        if self.closed:
            return
        now = self.clock()
        self.counts["received"] += 1
        self.recent.append(now)
        while self.recent and now - self.recent[0] > self.flood_window:
            self.recent.popleft()
        if len(self.recent) > self.flood + 1:  # bounded, and flooded() stays true
            self.recent.popleft()
        self._refill()
        if not self.waiting and self.tokens >= 1:
            self.tokens -= 1
            self.counts["delivered"] += 1
            self.deliver(frame)
            return
        key = coalesce_key(frame)
        if key in self.waiting:
            self.waiting[key] = frame  # the latest of that widget, in the first one's place
            self.counts["coalesced"] += 1
        elif len(self.waiting) >= self.max_queue:
            self.counts["dropped"] += 1
            return
        else:
            self.waiting[key] = frame
            self.counts["delayed"] += 1
        self._schedule()

    def _schedule(self) -> None:
        if self.timer is None and self.waiting and not self.closed:
            wait = max(MIN_WAIT, (1 - self.tokens) / self.rate)
            self.timer = self.call_later(wait, self._drain)

    def _drain(self) -> None:
        self.timer = None
        if self.closed:
            return
        self._refill()
        while self.waiting and self.tokens >= 1 - 1e-6:
            _, frame = self.waiting.popitem(last=False)
            self.tokens -= 1
            self.counts["delivered"] += 1
            self.deliver(frame)
        self._schedule()

    def close(self, flooded: bool = False) -> None:
        """The socket closed (for a flood: its kernel pauses new sockets): nothing more is delivered."""
        if flooded:
            self.bucket.flooded_at = self.clock()
        self.closed = True
        self.waiting.clear()
        if self.timer is not None:
            self.remove_timeout(self.timer)
            self.timer = None


class Sockets:
    """Open kernel websockets per client address, and each kernel's message bucket."""

    def __init__(self):
        self.held: Counter[str] = Counter()
        self.buckets: dict[str, Bucket] = {}
        self.refusals: Counter[str] = Counter()  # upgrades refused, by reason and address (for the log)

    def refuse(self, key: str) -> bool:
        """Count a refused upgrade; True when it deserves a log line (the 1st, then every 100th)."""
        if len(self.refusals) > 10_000:  # bounded
            self.refusals.clear()
        self.refusals[key] += 1
        return self.refusals[key] == 1 or self.refusals[key] % 100 == 0

    def bucket(self, kernel_id: str, live: Callable[[str], bool]) -> Bucket:
        """The kernel's bucket (made on its first socket); buckets of kernels gone are dropped."""
        for gone in [k for k in self.buckets if k != kernel_id and not live(k)]:
            del self.buckets[gone]
        if kernel_id not in self.buckets:
            self.buckets[kernel_id] = Bucket()
        return self.buckets[kernel_id]

    def opened(self, address: str) -> None:
        self.held[address] += 1

    def closed(self, address: str) -> None:
        self.held[address] -= 1
        if self.held[address] <= 0:
            del self.held[address]
