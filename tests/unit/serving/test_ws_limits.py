"""What one kernel websocket may send (serving/http/ws_limits.py), on a fake clock: a patient's
pace passes untouched, a flood reaches the kernel at a bounded rate, coalesced, then is closed;
and one address holds no more than its share of websockets."""

from __future__ import annotations

import json

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from clinic_explainer.serving.http import ws_guard
from clinic_explainer.serving.http.ws_limits import Sockets, Throttle, coalesce_key
from clinic_explainer.serving.kernels.policy import KernelPolicy
from clinic_explainer.serving.kernels.shares import address_kernel_share
from clinic_explainer.settings import WS_BURST, WS_FLOOD, WS_RATE


def comm_msg(comm: str = "slider", value: int = 1, keys=("value",), msg_type: str = "comm_msg") -> bytes:
    header = {"msg_id": f"{comm}-{value}", "msg_type": msg_type, "session": "s", "username": "", "date": "",
              "version": "5.3"}
    content = {"comm_id": comm, "data": {"method": "update", "state": {k: value for k in keys}, "buffer_paths": []}}
    return serialize_msg_to_ws_v1([json.dumps(p).encode() for p in (header, {}, {}, content)], "shell")


class Clock:
    """A fake event loop and clock: ``run_until`` fires the timers that are due."""

    def __init__(self):
        self.now, self.timers = 0.0, []

    def __call__(self) -> float:
        return self.now

    def call_later(self, delay, fn):
        timer = [self.now + delay, fn]
        self.timers.append(timer)
        return timer

    def remove_timeout(self, timer):
        if timer in self.timers:
            self.timers.remove(timer)

    def run_until(self, t: float) -> None:
        while True:
            due = sorted((timer for timer in self.timers if timer[0] <= t), key=lambda timer: timer[0])
            if not due:
                break
            timer = due[0]
            self.timers.remove(timer)
            self.now = timer[0]
            timer[1]()
        self.now = t


def throttle(clock: Clock, delivered: list) -> Throttle:
    return Throttle(delivered.append, clock.call_later, clock.remove_timeout, clock=clock)


def test_coalescing_key_names_the_widget_and_the_kind_of_change_only():
    assert coalesce_key(comm_msg("a", 1)) == coalesce_key(comm_msg("a", 99))
    assert coalesce_key(comm_msg("a", 1)) != coalesce_key(comm_msg("b", 1))
    assert coalesce_key(comm_msg("a", 1)) != coalesce_key(comm_msg("a", 1, keys=("value", "description")))
    assert coalesce_key(comm_msg("a", 1, msg_type="kernel_info_request"))[1] == "kernel_info_request"


def test_a_patients_drag_is_at_most_slowed_and_its_last_value_arrives():
    # a widget client sends a widget's next change only once the kernel answered the last one
    # (ipywidgets' msg_throttle; the kernel answers in ~10 ms); the patient drags at 30 steps a
    # second for 3 s
    clock, delivered = Clock(), []
    client = {"waiting": False, "latest": None}

    def answered():
        client["waiting"] = False
        if client["latest"] is not None:
            send(client.pop("latest"))
            client["latest"] = None

    def deliver(frame):
        delivered.append(frame)
        clock.call_later(0.01, answered)

    t = Throttle(deliver, clock.call_later, clock.remove_timeout, clock=clock)

    def send(frame):
        client["waiting"] = True
        t.offer(frame)

    for i in range(90):
        clock.run_until(i / 30)
        frame = comm_msg("slider", i)
        if client["waiting"]:
            client["latest"] = frame  # the client keeps only the latest, as ipywidgets does
        else:
            send(frame)
        assert not t.flooded()
    clock.run_until(10)
    assert delivered[-1] == comm_msg("slider", 89)  # the last position always arrives
    assert t.counts["coalesced"] == t.counts["dropped"] == 0  # nothing of a real client is replaced
    assert len(delivered) >= WS_BURST + 2 * WS_RATE  # at least the rate: the card follows the drag


def test_a_flood_reaches_the_kernel_at_a_bounded_rate_latest_value_last_then_is_closed():
    clock, delivered = Clock(), []
    t = throttle(clock, delivered)
    flooded_at = None
    for i in range(50_000):  # 5 s at 10,000 a second
        clock.run_until(i / 10_000)
        t.offer(comm_msg("slider", i))
        if t.flooded():
            flooded_at = i
            t.close()
            break
    assert flooded_at is not None and flooded_at <= WS_FLOOD + 1
    clock.run_until(60)
    assert len(delivered) <= WS_BURST + 1  # closed within the burst: the rest never reached the kernel
    assert t.waiting == {} and clock.timers == []


def test_below_the_flood_line_a_script_gets_the_rate_and_its_latest_value():
    clock, delivered = Clock(), []
    t = throttle(clock, delivered)
    per_second = WS_FLOOD // 2 // 2  # under the flood line (messages within its window)
    n = int(5 * per_second)
    for i in range(n):
        clock.run_until(i / per_second)
        t.offer(comm_msg("slider", i))
        assert not t.flooded()
    clock.run_until(30)
    assert len(delivered) <= WS_BURST + 5 * WS_RATE + 2
    assert delivered[-1] == comm_msg("slider", n - 1)  # nothing a patient set is lost: the latest arrives
    assert t.counts["coalesced"] > 0 and t.counts["dropped"] == 0


def test_waiting_widgets_are_bounded():
    clock, delivered = Clock(), []
    t = Throttle(delivered.append, clock.call_later, clock.remove_timeout, burst=1, queue=3, clock=clock)
    for comm in "abcdef":
        t.offer(comm_msg(comm))
    assert len(delivered) == 1 and len(t.waiting) == 3 and t.counts["dropped"] == 2


def test_one_address_holds_twice_its_kernel_share_of_websockets():
    policy = KernelPolicy(max_kernels=12)
    assert policy.address_socket_cap() == 2 * address_kernel_share(12)
    assert KernelPolicy(max_kernels=12, address_sockets=5).address_socket_cap() == 5
    sockets = Sockets()
    sockets.opened("127.0.0.3")
    sockets.opened("127.0.0.3")
    sockets.closed("127.0.0.3")
    assert sockets.held["127.0.0.3"] == 1
    sockets.closed("127.0.0.3")
    assert "127.0.0.3" not in sockets.held


class FakeSocket:
    """The kernel websocket handler's parts the guard uses."""

    def __init__(self):
        self.selected_subprotocol, self.kernel_id = ws_guard.V1_PROTOCOL, "k-1"
        self.ws_connection = self.connection = object()
        self.passed, self.closed, self.settings = [], [], {}

    def on_message(self, message):
        self.passed.append(message)

    def close(self, code=None, reason=None):
        self.closed.append(code)

    def on_close(self):
        pass


def test_the_guarded_handler_closes_a_flood_with_policy_violation():
    handler = ws_guard.guarded(FakeSocket)()
    for i in range(WS_FLOOD * 3):
        handler.on_message(comm_msg("slider", i))
    assert handler.closed == [ws_guard.WS_POLICY_VIOLATION]
    assert len(handler.passed) <= WS_BURST
    handler.on_close()
    assert handler._clinic_throttle.closed


def test_a_flooded_kernel_pauses_new_sockets_then_takes_them_again():
    from clinic_explainer.serving.http.ws_limits import Bucket
    from clinic_explainer.settings import WS_FLOOD_PAUSE

    clock, delivered = Clock(), []
    bucket = Bucket(clock=clock)
    first = Throttle(delivered.append, clock.call_later, clock.remove_timeout, clock=clock, bucket=bucket)
    for i in range(WS_FLOOD + 2):
        first.offer(comm_msg("slider", i))
    assert first.flooded()
    first.close(flooded=True)
    assert bucket.paused()
    # a new socket on the same kernel starts with the same (spent) bucket, no fresh burst
    again = Throttle(delivered.append, clock.call_later, clock.remove_timeout, clock=clock, bucket=bucket)
    before = len(delivered)
    again.offer(comm_msg("slider", -1))
    assert len(delivered) == before
    clock.run_until(WS_FLOOD_PAUSE + 1)
    assert not bucket.paused()
