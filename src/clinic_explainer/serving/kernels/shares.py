"""Fair shares: no one client address holds or starts more than its share of the kernels (issue 20).

**Who is a client.** The address the connection comes from; behind the clinic's nginx
(config/nginx.conf, on this machine) the ``X-Real-IP`` it sets, and only then: a header from
anyone else is not believed.

**The shares** (``KernelPolicy.address_kernels``, ``address_starts``; 0 = derived):

- kernels held by one address (its visitors' kernels and its pages starting one):
  ``max(cap // 2, min(WAITING_ROOM, cap - RESERVE))``;
- pages of one address starting a kernel at once: the starting cap less one (at least one),
  so another address can always start one;
- kernel websockets held by one address: twice its share of kernels (http/ws_limits.py).

**The trade-off.** A clinic's waiting room is a dozen patients on one Wi-Fi behind one public
address, each with a tab or two: ``WAITING_ROOM`` (16) kernels must fit in one address's share,
and most of their pages take a preheated kernel (the pool is shared, not counted as anyone's
until handed out). A share that large lets one address take a small machine's kernels but a
few (``RESERVE``): with a cap of 11 (2 GB), one address holds 9 and others keep 2; with a cap
of 30, 16 and 14; on a large machine half. Someone who wants more must come from several
addresses, and the busy page (with the FAQ) is what the others see then, never a hang.

**Pages that never connect.** A client that asks for pages and leaves before they connect to
their kernel (a curl loop with a short timeout, a bot reading pages) makes the machine start
kernels for nobody: each such page is owed by its address (``owe``), and an address owing more
than ``UNCONNECTED_PAGES_MAX`` gets the busy page, without a kernel, until time has forgiven
enough (one page every ``UNCONNECTED_FORGIVEN_SECONDS`` in which it asked nothing). Patients' pages connect, so a
waiting room owes nothing; its requests also keep counting for the pool's calm, a refused
address's do not (kernels/handler.py ``activity``).

**Pages whose client has gone.** A page whose connection closes before it is sent starts no
kernel (checked before admission), and the kernel it got is shut down at the reaper's next look
(``Gate.abandon``); its place in the counts is held until its start is over, so requests that
close early never let more kernels start than the cap.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from contextvars import ContextVar

import time

from clinic_explainer.settings import (
    UNCONNECTED_FORGIVEN_SECONDS,
    UNCONNECTED_PAGES_MAX,
    WAITING_ROOM,  # a dozen patients behind one address
)

PROXIES = ("127.0.0.1", "::1")  # nginx on this machine (config/nginx.conf sets X-Real-IP)

# The page handler whose request is being served in this task (kernels/handler.py): the gate
# learns which page (and address) a kernel started or handed out now belongs to.
CURRENT_PAGE: ContextVar[object | None] = ContextVar("clinic_current_page", default=None)


def client_address(request) -> str:
    peer = request.remote_ip or ""
    if peer in PROXIES:
        real = request.headers.get("X-Real-IP", "").strip()
        try:
            return str(ipaddress.ip_address(real))
        except ValueError:
            pass
    return peer


def address_kernel_share(cap: int) -> int:
    reserve = max(2, cap // 8)
    return max(1, cap // 2, min(WAITING_ROOM, cap - reserve))


def address_start_share(starting_cap: int) -> int:
    return max(1, starting_cap - 1)


def address_socket_share(kernel_share: int) -> int:
    """Kernel websockets of one address: a page has one, a reload briefly two (http/ws_limits.py)."""
    return 2 * kernel_share


class Shares:
    """Pages starting a kernel, and pages owed (never connected), by address (the kernels held
    are the gate's visitors')."""

    def __init__(self, owed_max: int = UNCONNECTED_PAGES_MAX, forgiven: float = UNCONNECTED_FORGIVEN_SECONDS,
                 clock=time.monotonic):
        self.starting: Counter[str] = Counter()
        self.owed: dict[str, tuple[float, float]] = {}  # address -> (pages owed, when counted)
        self.owed_max, self.forgiven, self.clock = owed_max, forgiven, clock
        self.refusals: Counter[str] = Counter()  # pages refused for pages owed (the gate's log)

    def _owed_now(self, address: str) -> float:
        pages, since = self.owed.get(address, (0.0, 0.0))
        return max(0.0, pages - (self.clock() - since) / self.forgiven)

    def owe(self, address: str | None) -> None:
        """A page of ``address`` ended without ever connecting to its kernel."""
        if address is None:
            return
        self.owed[address] = (self._owed_now(address) + 1, self.clock())
        for other in [a for a in self.owed if self._owed_now(a) <= 0]:  # bounded: the forgiven go
            del self.owed[other]
            self.refusals.pop(other, None)

    def owing(self, address: str | None) -> float:
        return 0.0 if address is None else self._owed_now(address)

    def refused(self, address: str | None) -> bool:
        """The address owes more pages than it may: busy page, no kernel. Time forgives only
        while the address is calm: each request it makes while refused restarts the clock (a
        loop that keeps asking is never let back in, and never takes the pool's kernels)."""
        if self.owing(address) > self.owed_max:
            self.owed[address] = (self.owed[address][0], self.clock())  # the calm so far does not count
            return True
        return False

    def start(self, address: str) -> None:
        self.starting[address] += 1

    def started(self, address: str) -> None:
        self.starting[address] -= 1
        if self.starting[address] <= 0:
            del self.starting[address]

    @staticmethod
    def held(visitors: dict, address: str) -> int:
        return sum(1 for state in visitors.values() if state.get("address") == address)
