"""``PoolKeeper``: the preheated pool, deep enough for a crowd, refilled when the server is calm.

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

**One pool per language for the explainer.** A page's language comes from its address
(``?lang=es``), which a preheated kernel cannot know; a kernel that waits for its visitor's
request before running the page (session.asked_locale) leaves the whole page (120-odd widget models)
to run while the visitor waits: in a crowd of 20 that was most of the kernels' and half of
the server's CPU time. So the explainer's kernels are preheated *in* a language
(``CLINIC_EXPLAINER_LOCALE``) and run the whole page before anyone asks: the clinic's
default language gets ``patient_pool`` kernels, each other language a quarter of that (at
least one), kept in Voila's pools (``patches.pools_of``) under ``patient_explainer.ipynb?lang=es``.
``hand_out`` (Voila's ``get_rendered_notebook``, patches.hand_out_with) gives a page a kernel
of its own language, ready ones first; a page whose language's pool is empty starts a kernel
of its own, which reads the language from the request.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from clinic_explainer.serving import patches
from clinic_explainer.serving.template_filters import PAGE_LOCALE
from clinic_explainer.settings import EXPLAINER_NOTEBOOK, LOCALE_ENV, lang_of_query

EXPLAINER = EXPLAINER_NOTEBOOK
STARVED_CALMS = 15  # with refill_calm 2 s: a pool below its size is topped up at least every 30 s


def _healthy(future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


class PoolKeeper:
    def __init__(self, km, gate, policy, log):
        self.km, self.gate, self.policy, self.log = km, gate, policy, log
        self.targets, self._full = {}, set()
        self._last_fill = time.monotonic()
        self.locale_of: dict[str, str] = {}  # pool key -> the language its kernels run the page in
        self.default_locale = None
        # Voila's refill, checked against broken content (the default language's; tick() also
        # skips the pools of a broken language); from now on the keeper alone decides
        # when to refill, on its next look (patches.take_over_pool_fill says in which order)
        self._fill = patches.take_over_pool_fill(km, content_ok=lambda: not gate.watch.broken)
        if self._fill is None:  # preheating off (--preheat_kernel=False): no pool
            return
        config = km.kernel_pools_config
        default = config.get("default", {})
        self.targets = {nb: cfg.get("pool_size", 0) for nb, cfg in config.items() if nb != "default"}
        if EXPLAINER in config or default.get("pool_size", 0):
            size = policy.patient_pool_size()
            config[EXPLAINER] = {**default, **config.get(EXPLAINER, {}), "pool_size": size}
            self.default_locale = gate.watch.good.clinic.default_locale
            for locale in gate.watch.locales():
                key = self.key_for_locale(locale)
                self.targets[key] = size if locale == self.default_locale else max(1, size // 4)
                self.locale_of[key] = locale
        patches.hand_out_with(km, self.hand_out)

    def key(self, notebook: str | None, lang: str | None) -> str | None:
        """The pool a page of ``notebook`` in language ``lang`` takes its kernel from."""
        if notebook != EXPLAINER or not self.locale_of:
            return notebook
        lang = lang if self.key_for_locale(lang) in self.locale_of else self.default_locale
        return self.key_for_locale(lang)

    def key_for_locale(self, locale: str | None) -> str:
        return EXPLAINER if locale == self.default_locale else f"{EXPLAINER}?lang={locale}"

    async def hand_out(self, notebook_name: str, extra_kernel_env_variables: dict | None = None, **kwargs):
        """Voila's ``get_rendered_notebook``, from the pool of the page's language; the keeper
        refills it later."""
        url = (extra_kernel_env_variables or {}).get("VOILA_REQUEST_URL", "")
        key = self.key(notebook_name, lang_of_query(urlsplit(url).query))
        self.ready_first(key)
        pool = self.pools().get(key)
        if not pool:
            raise RuntimeError(f"Kernel pool for {key} is empty")  # takes_from_pool said otherwise
        content = await pool.pop(0)
        renderer = content["renderer"]
        renderer.stop_generator = True
        self.log.info("Using pre-heated kernel: %s for %s", content["kernel_id"], key)
        self.gate._visitor(content["kernel_id"])
        return content["task"], renderer.rendered_cache, content["kernel_id"]

    def pools(self) -> dict:
        return patches.pools_of(self.km)

    def ready_first(self, key: str | None) -> None:
        pool = self.pools().get(key)
        if pool:
            pool.sort(key=lambda future: not _healthy(future))

    def takes_from_pool(self, notebook: str | None, lang: str | None = None) -> bool:
        """Whether this page gets a pooled kernel (ready or starting) rather than a new one."""
        return bool(self.pools().get(self.key(notebook, lang))) \
            and bool(getattr(self.km, "notebook_data", {}).get(notebook))

    def _fill_one(self, key: str) -> None:
        """One more preheated kernel for pool ``key``, by Voila's own fill (which fills the list
        it finds under the notebook's name, up to the notebook's pool_size)."""
        notebook = key.split("?")[0]
        pools, config = self.pools(), self.km.kernel_pools_config[notebook]
        own, wanted = pools.get(notebook), config.get("pool_size", 0)
        pools[notebook] = pools.setdefault(key, [])
        config["pool_size"] = len(pools[key]) + 1
        extra = {LOCALE_ENV: self.locale_of[key]} if key in self.locale_of else {}
        token = PAGE_LOCALE.set(self.locale_of.get(key))  # the preheat's render task inherits it
        try:
            self._fill(delay=0, notebook_name=notebook, extra_kernel_env_variables=extra)
        finally:
            PAGE_LOCALE.reset(token)
            config["pool_size"] = wanted
            if key != notebook:
                if own is None:
                    pools.pop(notebook, None)
                else:
                    pools[notebook] = own

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
                    kernel = patches.kernel_of(self.km, future.result()["kernel_id"])
                    if kernel is not None:
                        kernel.last_activity = patches.utcnow()
        for notebook, target in self.targets.items():
            pool = self.pools().get(notebook, [])
            full = len(pool) >= target and all(_healthy(f) for f in pool)
            if full and notebook not in self._full:
                self.log.info("Preheated pool of %s is full: %d kernel(s)", notebook, target)
            (self._full.add if full else self._full.discard)(notebook)
        # Refill when calm; a steady trickle of requests (a script) must not starve the pool for
        # good, so after STARVED_CALMS calm periods without a refill, one kernel at a time anyway.
        now = time.monotonic()
        starved = now - self._last_fill >= STARVED_CALMS * self.policy.refill_calm
        if not starved and (self.gate.rendering or now - self.gate.last_request < self.policy.refill_calm):
            return
        budget = self.policy.refill_parallel_count() - pending
        if starved and (self.gate.rendering or now - self.gate.last_request < self.policy.refill_calm):
            budget = min(budget, 1)
        cap = self.policy.cap()
        # the small pools first (the pages opened from the explainer), then the explainer's
        for notebook, target in sorted(self.targets.items(), key=lambda item: item[1]):
            # a pool of a broken language waits for the fix; while the default language is broken
            # nothing is preheated (the pools without a language of their own render in it)
            if self.gate.watch.broken or self.gate.watch.is_broken(self.locale_of.get(notebook)):
                continue
            # pages starting a kernel count too: the pool and the pages never pass the cap together
            while budget > 0 and len(self.pools().get(notebook, [])) < target \
                    and self.gate.live() + pending + getattr(self.gate, "starting", 0) < cap:
                self._fill_one(notebook)
                self._last_fill = time.monotonic()
                budget, pending = budget - 1, pending + 1
