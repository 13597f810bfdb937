"""How many kernels the machine can hold: ``KernelPolicy`` (the settings of kernels/), its caps and /proc/meminfo.

Settings are traitlets: ``c.KernelPolicy.max_kernels = 40`` in config/voila.py or
``--KernelPolicy.max_kernels=40`` on the command line. A value of 0 (or -1) means "derived
from the machine": its memory for the kernel cap and the explainer's pool, its cores for the
pages starting a kernel at once (each start costs about 1 CPU-second).
"""

from __future__ import annotations

import functools
import os

from traitlets import Float, Integer
from traitlets.config import LoggingConfigurable

from clinic_explainer.serving.kernels.shares import address_kernel_share, address_socket_share, address_start_share
from clinic_explainer.settings import (
    EXPLAINER_KERNEL_MB,
    KERNEL_MB,
    PATIENT_POOL_MAX,
    STARTS_PER_CORE,
    patient_pool_env,
)


def meminfo_mb(field: str) -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


@functools.cache
def total_mb() -> float:
    """The machine's memory: read once (the cap is asked for on every request)."""
    return meminfo_mb("MemTotal")


def default_cap(total_mb: float, kernel_mb: int = KERNEL_MB) -> int:
    """Live kernels that fit in three quarters of the memory (idle kernels cost no CPU)."""
    return max(2, int(total_mb * 0.75 // kernel_mb))


def default_patient_pool(total_mb: float, kernel_mb: int = EXPLAINER_KERNEL_MB) -> int:
    """Preheated explainer kernels: a tenth of the memory, between 1 and PATIENT_POOL_MAX."""
    return max(1, min(PATIENT_POOL_MAX, int(total_mb * 0.10 // kernel_mb)))


class KernelPolicy(LoggingConfigurable):
    max_kernels = Integer(0, config=True, help="Live kernels allowed (pool included); 0: "
                          "derived from the machine's memory (default_cap).")
    max_starting = Integer(0, config=True, help="Pages starting a new kernel at once (past it, the busy "
                           "page); 0: STARTS_PER_CORE per core.")
    patient_pool = Integer(-1, config=True, help="Preheated kernels for the patient explainer; -1: the "
                           "environment's CLINIC_EXPLAINER_PATIENT_POOL, else derived from the memory "
                           "(default_patient_pool).")
    refill_calm = Float(2.0, config=True, help="Seconds without an HTTP request before the preheated pool "
                        "is refilled (a crowd is served first).")
    refill_parallel = Integer(0, config=True, help="Kernels preheated at once; 0: one per core.")
    kernel_mb = Integer(KERNEL_MB, config=True, help="Measured memory of one kernel, MB.")
    min_free_mb = Integer(1024, config=True, help="Refuse new kernels below this much available memory (MB).")
    close_grace = Float(4.0, config=True, help="Seconds after a page's last websocket closes before "
                        "its kernel is shut down (a reload or a network blip reconnects sooner).")
    unconnected_timeout = Float(60.0, config=True, help="Seconds a page may take to connect to its "
                                "kernel before the kernel is shut down (plain GETs, bots).")
    reap_interval = Float(1.0, config=True, help="Seconds between two looks at the kernels.")
    # Time limits, so a stuck kernel start or render never holds admission (the pages starting
    # at once) or the pool's refill (it waits while pages render) for everyone. A start takes
    # 2-5 s alone, about 20 s in a crowd of twenty; a whole page about 10 s, each cell at most
    # CELL_TIMEOUT (60 s), and the explainer's few heavy cells well under it.
    address_kernels = Integer(0, config=True, help="Kernels one client address may hold or be starting; "
                              "0: derived from the cap (kernels/shares.py: a waiting room fits).")
    address_starts = Integer(0, config=True, help="Pages of one client address starting a kernel at once; "
                             "0: the starting cap less one.")
    address_sockets = Integer(0, config=True, help="Kernel websockets one client address may hold; 0: "
                              "twice its share of kernels (a page has one, a reload briefly two).")
    max_visit = Float(4 * 3600.0, config=True, help="Seconds a visitor's kernel may live, whatever it "
                      "receives (a page open longer says it paused and reloads).")
    start_limit = Float(60.0, config=True, help="Seconds a page's kernel start counts among the starts "
                        "at once; past it the place is given back even if the start hangs.")
    render_limit = Float(180.0, config=True, help="Seconds a page may take to render; past it the "
                         "request ends (error page if nothing was sent) and its kernel is reaped.")

    def cap(self) -> int:
        return self.max_kernels or default_cap(total_mb(), self.kernel_mb)

    def starting_cap(self) -> int:
        return self.max_starting or STARTS_PER_CORE * (os.cpu_count() or 1)

    def address_kernel_cap(self) -> int:
        return self.address_kernels or address_kernel_share(self.cap())

    def address_start_cap(self) -> int:
        return self.address_starts or address_start_share(self.starting_cap())

    def address_socket_cap(self) -> int:
        return self.address_sockets or address_socket_share(self.address_kernel_cap())

    def patient_pool_size(self) -> int:
        if self.patient_pool >= 0:
            return self.patient_pool
        env = patient_pool_env()
        return env if env is not None else default_patient_pool(total_mb())

    def refill_parallel_count(self) -> int:
        return self.refill_parallel or (os.cpu_count() or 1)
