"""``Demand``: how deep each preheated pool is kept, from the visitors measured coming (issue 19).

The pool's largest size comes from the memory (``KernelPolicy.patient_pool``). With copies of a
kept page (stamps.py) a pool refills in a fraction of a second, so it needs to hold only the
visitors of the next ``LEAD`` seconds at the rate measured over the last ``WINDOW``: a quiet
server keeps a quarter of the largest size (``floor``), a stream grows it up to the largest.
After ``WINDOW`` seconds without a visitor the kernels past the size are shut down, one a look,
so the memory a crowd took comes back.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque

WINDOW = 60.0  # seconds of arrivals measured
LEAD = 10.0  # seconds of arrivals a pool of copies holds


def floor_of(ceiling: int) -> int:
    return max(1, ceiling // 4)


class Demand:
    def __init__(self, window: float = WINDOW, lead: float = LEAD):
        self.window, self.lead = window, lead
        self.arrivals: dict[str, deque] = defaultdict(deque)

    def arrived(self, key: str, now: float | None = None) -> None:
        self.arrivals[key].append(time.monotonic() if now is None else now)

    def rate(self, key: str, now: float | None = None) -> float:
        """Visitors a second to pool ``key`` over the last window."""
        now = time.monotonic() if now is None else now
        seen = self.arrivals[key]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return len(seen) / self.window

    def target(self, key: str, ceiling: int, now: float | None = None) -> int:
        wanted = math.ceil(self.rate(key, now) * self.lead)
        return max(floor_of(ceiling), min(ceiling, wanted))

    def quiet(self, key: str, now: float | None = None) -> bool:
        """No visitor to pool ``key`` for a whole window."""
        self.rate(key, now)
        return not self.arrivals[key]
