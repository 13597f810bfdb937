"""The preheated pool: deep enough for a crowd, refilled when the server is calm.

A patient whose page takes a preheated kernel gets the executed page at once; one who does
not waits for a kernel to start and run the notebook (about 1 CPU-second, and twenty at once
share two cores). Voila's own pool refills one second after each hand-out, every missing
kernel at once: in a crowd, that starts as many kernels as the crowd is large, exactly while
the crowd's pages are being served. The keeper instead:

- makes the patient explainer's pool as deep as ``KernelPolicy.patient_pool`` (derived from
  the machine's memory: the link a clinic sends to all its patients opens that page);
- refills one kernel per core at a time, and only once no HTTP request has come for
  ``refill_calm`` seconds and below the kernel cap, so a crowd's pages and files are served
  before the pool is topped up again;
- keeps the idle clock of every waiting kernel fresh, so the culler never takes a kernel
  from the pool (Voila would not refill it);
- drops a preheat that failed, so it is tried again.

Voila still decides which page takes a pooled kernel; ``ready_first`` puts executed kernels
ahead of ones still starting, so a page takes the one that is ready.
"""

from __future__ import annotations

import time

from jupyter_server._tz import utcnow

EXPLAINER = "patient_explainer.ipynb"


def _healthy(future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


class PoolKeeper:
    def __init__(self, km, gate, policy, log):
        self.km, self.gate, self.policy, self.log = km, gate, policy, log
        self.targets, self._full = {}, set()
        if not hasattr(km, "fill_if_needed"):  # preheating off (--preheat_kernel=False): no pool
            return
        self._fill = km.fill_if_needed  # Voila's (with the gate's broken-content check)
        # Voila asks for a refill after each hand-out and the gate after a content change: the
        # keeper decides when, on its next look
        km.fill_if_needed = lambda *args, **kwargs: None
        config = km.kernel_pools_config
        default = config.get("default", {})
        if EXPLAINER in config or default.get("pool_size", 0):
            config[EXPLAINER] = {**default, **config.get(EXPLAINER, {}), "pool_size": policy.patient_pool_size()}
        self.targets = {nb: cfg.get("pool_size", 0) for nb, cfg in config.items() if nb != "default"}

    def pools(self) -> dict:
        return getattr(self.km, "_pools", {})

    def ready_first(self, notebook: str | None) -> None:
        pool = self.pools().get(notebook)
        if pool:
            pool.sort(key=lambda future: not _healthy(future))

    def takes_from_pool(self, notebook: str | None) -> bool:
        """Whether Voila will give this page a pooled kernel (ready or starting) rather than a new one."""
        return bool(self.pools().get(notebook)) and bool(getattr(self.km, "notebook_data", {}).get(notebook))

    def _fill_one(self, notebook: str) -> None:
        config = self.km.kernel_pools_config[notebook]
        wanted = config.get("pool_size", 0)
        config["pool_size"] = len(self.pools().get(notebook, [])) + 1  # Voila fills up to this
        try:
            self._fill(delay=0, notebook_name=notebook)
        finally:
            config["pool_size"] = wanted

    def tick(self) -> None:
        """One look (every ``reap_interval``): idle clocks, failed preheats, refills."""
        pending = 0
        for notebook, pool in self.pools().items():
            for future in list(pool):
                if not future.done():
                    pending += 1
                elif not _healthy(future):
                    pool.remove(future)
                    self.log.warning("A preheated kernel for %s failed to start; another is started",
                                     notebook)
                else:  # never culled while waiting for its visitor
                    kernel = self.km._kernels.get(future.result()["kernel_id"])
                    if kernel is not None:
                        kernel.last_activity = utcnow()
        for notebook, target in self.targets.items():
            pool = self.pools().get(notebook, [])
            full = len(pool) >= target and all(_healthy(f) for f in pool)
            if full and notebook not in self._full:
                self.log.info("Preheated pool of %s is full: %d kernel(s)", notebook, target)
            (self._full.add if full else self._full.discard)(notebook)
        if self.gate.watch.broken or self.gate.rendering:
            return
        if time.monotonic() - self.gate.last_request < self.policy.refill_calm:
            return
        budget = self.policy.refill_parallel_count() - pending
        cap = self.policy.cap()
        # the small pools first (the pages opened from the explainer), then the explainer's
        for notebook, target in sorted(self.targets.items(), key=lambda item: item[1]):
            while budget > 0 and len(self.pools().get(notebook, [])) < target and self.gate.live() + pending < cap:
                self._fill_one(notebook)
                budget, pending = budget - 1, pending + 1
