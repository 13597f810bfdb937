"""The kernel cap of the gate (serving/kernels/gate.py): each kernel counted once."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from clinic_explainer.serving.kernels.gate import Gate
from clinic_explainer.serving.kernels.policy import KernelPolicy
from clinic_explainer.serving.kernels.pool import EXPLAINER
from clinic_explainer.serving.kernels.shares import CURRENT_PAGE


class FakeKernelManager:
    """What the gate wraps and reads of Voila's kernel manager."""

    def __init__(self):
        self._kernels: dict[str, SimpleNamespace] = {}

    async def start_kernel(self, *args, **kwargs):
        raise NotImplementedError

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._kernels.pop(kernel_id, None)

    def notify_connect(self, kernel_id):
        pass

    def add_restart_callback(self, kernel_id, callback, event):
        pass

    def list_kernel_ids(self):
        return list(self._kernels)

    def __contains__(self, kernel_id):
        return kernel_id in self._kernels

    def up(self, kernel_id):
        self._kernels[kernel_id] = SimpleNamespace(last_activity=None)


class FakeWatch:
    def is_broken(self, lang=None):
        return False


def _gate() -> tuple[FakeKernelManager, Gate]:
    """A gate with a cap of three kernels, over a kernel manager of nothing."""
    km = FakeKernelManager()
    return km, Gate(SimpleNamespace(kernel_manager=km, log=logging.getLogger("test")),
                    KernelPolicy(max_kernels=3, max_starting=10, address_kernels=10, min_free_mb=0),
                    FakeWatch())


def admit(gate, address="127.0.1.1"):
    """What the page handler does for a page given a copy of the kept page (kernels/handler.py)."""
    kind = gate.verdict(EXPLAINER, starts=True, address=address, copy=True)
    if kind is None:
        gate.starting += 1
        gate.shares.start(address)
    return kind


def test_a_page_whose_kernel_is_up_counts_once_against_the_cap():
    km, gate = _gate()
    pages = []
    for i in range(2):
        assert admit(gate, f"127.0.1.{i + 1}") is None
        page = SimpleNamespace(clinic_address=f"127.0.1.{i + 1}", _clinic_starts=True)
        pages.append(page)
        # its copy is up while the page is still being sent: the kernel is live, the page starting
        CURRENT_PAGE.set(page)
        km.up(f"k{i}")
        gate._visitor(f"k{i}")
    # two kernels under a cap of three: a third page is served (it got the busy page when each
    # of the two counted once as live and once as starting)
    assert gate.starting == 2 and gate.starting_live == 2
    assert admit(gate, "127.0.1.3") is None
    # that third page's kernel not up yet: it counts as starting, and the cap is reached
    assert admit(gate, "127.0.1.4") == "busy"
    CURRENT_PAGE.set(SimpleNamespace(clinic_address="127.0.1.3", _clinic_starts=True))
    km.up("k2")
    gate._visitor("k2")
    assert gate.starting_live == 3 and admit(gate, "127.0.1.4") == "busy"  # three live kernels


def test_a_copy_up_before_its_page_is_handed_it_counts_once():
    """In a crowd a copy is up (live) seconds before its page gets it (``_visitor``): while the
    page's claim is on, the kernel counts as live and not also as a page starting one."""
    km, gate = _gate()
    claims = []
    for i in range(2):
        assert admit(gate, f"127.0.1.{i + 1}") is None
        CURRENT_PAGE.set(SimpleNamespace(clinic_address=f"127.0.1.{i + 1}", _clinic_starts=True))
        claim = gate.claim(f"k{i}")
        claim.__enter__()
        claims.append(claim)
        km.up(f"k{i}")  # up, not handed out yet
    assert gate.live() == 2 and gate.waiting() == 0
    assert admit(gate, "127.0.1.3") is None  # two kernels under a cap of three
    assert admit(gate, "127.0.1.4") == "busy"  # the third page's kernel is starting: the cap
    # a page that took a pooled kernel (not starting one) claims nothing
    CURRENT_PAGE.set(SimpleNamespace(clinic_address="127.0.1.5", _clinic_starts=False))
    with gate.claim("k9"):
        assert gate.claims == {"k0", "k1"}
    for claim in claims:  # handed out: the claim ends, the kernel is the page's (``_visitor``)
        claim.__exit__(None, None, None)
    assert gate.claims == set()
