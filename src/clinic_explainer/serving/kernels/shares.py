"""Fair shares: no one client address holds or starts more than its share of the kernels (issue 20).

**Who is a client.** The address the connection comes from; behind the clinic's nginx
(config/nginx.conf, on this machine) the ``X-Real-IP`` it sets, and only then: a header from
anyone else is not believed.

**The shares** (``KernelPolicy.address_kernels``, ``address_starts``; 0 = derived):

- kernels held by one address (its visitors' kernels and its pages starting one):
  ``max(cap // 2, min(WAITING_ROOM, cap - RESERVE))``;
- pages of one address starting a kernel at once: the starting cap less one (at least one),
  so another address can always start one.

**The trade-off.** A clinic's waiting room is a dozen patients on one Wi-Fi behind one public
address, each with a tab or two: ``WAITING_ROOM`` (16) kernels must fit in one address's share,
and most of their pages take a preheated kernel (the pool is shared, not counted as anyone's
until handed out). A share that large lets one address take a small machine's kernels but a
few (``RESERVE``): with a cap of 11 (2 GB), one address holds 9 and others keep 2; with a cap
of 30, 16 and 14; on a large machine half. Someone who wants more must come from several
addresses, and the busy page (with the FAQ) is what the others see then, never a hang.

**Pages whose client has gone.** A page whose connection closes before it is sent starts no
kernel (checked before admission), and the kernel it got is shut down at the reaper's next look
(``Gate.abandon``); its place in the counts is held until its start is over, so requests that
close early never let more kernels start than the cap.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from contextvars import ContextVar

from clinic_explainer.settings import WAITING_ROOM  # a dozen patients behind one address

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


class Shares:
    """Pages starting a kernel, by address (the kernels held are the gate's visitors')."""

    def __init__(self):
        self.starting: Counter[str] = Counter()

    def start(self, address: str) -> None:
        self.starting[address] += 1

    def started(self, address: str) -> None:
        self.starting[address] -= 1
        if self.starting[address] <= 0:
            del self.starting[address]

    @staticmethod
    def held(visitors: dict, address: str) -> int:
        return sum(1 for state in visitors.values() if state.get("address") == address)
