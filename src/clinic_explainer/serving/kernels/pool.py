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

import asyncio
import time
import uuid
from urllib.parse import urlsplit

from clinic_explainer.serving import patches
from clinic_explainer.serving.kernels.demand import Demand
from clinic_explainer.serving.kernels.stamps import Stamps
from clinic_explainer.serving.template_filters import PAGE_LOCALE
from clinic_explainer.settings import EXPLAINER_NOTEBOOK, LOCALE_ENV, lang_of_query

EXPLAINER = EXPLAINER_NOTEBOOK
STARVED_CALMS = 15  # with refill_calm 2 s: a pool below its size is topped up at least every 30 s
COPIES_AT_ONCE = 2  # copies of a kept page starting at once, per core (each about 0.1 CPU-second)


def _healthy(future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


class PoolKeeper:
    def __init__(self, km, gate, policy, log):
        self.km, self.gate, self.policy, self.log = km, gate, policy, log
        self.targets, self._full = {}, set()
        self._last_fill = time.monotonic()
        self.locale_of: dict[str, str] = {}  # pool key -> the language its kernels run the page in
        self.default_locale = None
        self.stamps = Stamps(km, gate.watch, log)  # the explainer's pages, kept and copied
        self.demand = Demand()  # visitors coming, per pool: the pools of copies are sized from it
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
        """Voila's ``get_rendered_notebook``, from the pool of the page's language, else a new
        copy of its kept page (stamps.py); the keeper refills the pool later."""
        url = (extra_kernel_env_variables or {}).get("VOILA_REQUEST_URL", "")
        key = self.key(notebook_name, lang_of_query(urlsplit(url).query))
        self.ready_first(key)
        pool = self.pools().get(key)
        page = self.stamps.ready(notebook_name, self.locale_of[key]) if key in self.locale_of else None
        self.demand.arrived(key)
        pooled = bool(pool)
        if pooled:
            content = await pool.pop(0)
        elif page is not None:
            kernel_id = str(uuid.uuid4())
            with self.gate.claim(kernel_id):  # counted once against the cap while it starts
                content = await self._copy(key, page, kernel_id)
        else:
            raise RuntimeError(f"Kernel pool for {key} is empty")  # supply said otherwise
        renderer = content["renderer"]
        renderer.stop_generator = True
        self.log.info("Using %s: %s for %s", "pre-heated kernel" if pooled else "a copy of the kept page",
                      content["kernel_id"], key)
        self.gate._visitor(content["kernel_id"])
        if key in self.locale_of:  # preheated in its language: it never reads the request's details
            for asks_nothing in self.gate.on_asks_nothing:
                asks_nothing(content["kernel_id"])
        return content["task"], renderer.rendered_cache, content["kernel_id"]

    def pools(self) -> dict:
        return patches.pools_of(self.km)

    def ready_first(self, key: str | None) -> None:
        pool = self.pools().get(key)
        if pool:
            pool.sort(key=lambda future: not _healthy(future))

    def supply(self, notebook: str | None, lang: str | None = None) -> str | None:
        """Where this page's kernel comes from: "pool" (a pooled kernel, ready or starting),
        "copy" (a new copy of the kept page: a kernel is started, but nothing is run or
        rendered), None (a kernel started and the notebook run for this page)."""
        if not getattr(self.km, "notebook_data", {}).get(notebook):
            return None
        key = self.key(notebook, lang)
        if self.pools().get(key):
            return "pool"
        if key in self.locale_of and self.stamps.ready(notebook, self.locale_of[key]) is not None:
            return "copy"
        return None

    def takes_from_pool(self, notebook: str | None, lang: str | None = None) -> bool:
        """Whether this page gets a kernel from the pool or a copy of a kept page."""
        return self.supply(notebook, lang) is not None

    def _copy(self, key: str, page, kernel_id: str | None = None):
        """A new copy of the kept page for pool ``key`` (a pool entry, as Voila's fill makes)."""
        return self.stamps.copy(page, {LOCALE_ENV: self.locale_of[key]}, self._dead, kernel_id)

    def _dead(self, kernel_id: str) -> None:
        """A copy's kernel died: shut down, not restarted (a restart would be a kernel without
        the page's widgets), and out of the pool at once."""
        for pool in self.pools().values():  # out of the pool now: no page gets a dead kernel
            for future in list(pool):
                if _healthy(future) and future.result()["kernel_id"] == kernel_id:
                    pool.remove(future)
        self.gate.drop(kernel_id)

    def target(self, key: str) -> int:
        """Pool ``key``'s size now: its largest (from the memory), or, for a pool of copies of a
        kept page, what the visitors measured coming need (demand.py)."""
        page = self._page(key)
        if page is None or page.html is None:
            return self.targets[key]
        return self.demand.target(key, self.targets[key])

    def _shrink(self, key: str) -> None:
        """A pool of copies past its size, with no visitor for a while: one kernel less."""
        pool = self.pools().get(key, [])
        if len(pool) <= self.target(key) or not self.demand.quiet(key):
            return
        surplus = next((f for f in reversed(pool) if _healthy(f)), None)
        if surplus is not None:
            pool.remove(surplus)
            self.gate.drop(surplus.result()["kernel_id"])

    def _page(self, key: str):
        """The kept page (stamps.py) for pool ``key``, if its kernels can be copies of it."""
        locale = self.locale_of.get(key)
        page = self.stamps.page(key.split("?")[0], locale) if locale else None
        return page if page is not None and not page.failed else None

    def _fill_one(self, key: str) -> bool:
        """One more preheated kernel for pool ``key``: a copy of its kept page, else by Voila's
        own fill (which fills the list it finds under the notebook's name, up to the notebook's
        pool_size), the page's render kernel first. False: nothing started (a render is on)."""
        notebook, page = key.split("?")[0], self._page(key)
        if page is not None and page.html is not None:
            self.pools().setdefault(key, []).append(asyncio.ensure_future(self._copy(key, page)))
            return True
        if page is not None and page.rendering:
            return False  # its copies follow the render
        pools, config = self.pools(), self.km.kernel_pools_config[notebook]
        own, wanted = pools.get(notebook), config.get("pool_size", 0)
        pools[notebook] = pools.setdefault(key, [])
        config["pool_size"] = len(pools[key]) + 1
        extra = {LOCALE_ENV: self.locale_of[key]} if key in self.locale_of else {}
        if page is not None:
            extra.update(page.env("render"))
        token = PAGE_LOCALE.set(self.locale_of.get(key))  # the preheat's render task inherits it
        try:
            self._fill(delay=0, notebook_name=notebook, extra_kernel_env_variables=extra)
            if page is not None and pools[key]:
                self.stamps.watch_render(page, pools[key][-1])
            return True
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
        for notebook in self.targets:
            pool, target = self.pools().get(notebook, []), self.target(notebook)
            full = len(pool) >= target and all(_healthy(f) for f in pool)
            if full and notebook not in self._full:
                self.log.info("Preheated pool of %s is full: %d kernel(s)", notebook, target)
            (self._full.add if full else self._full.discard)(notebook)
        # A page not kept yet is rendered at once (one kernel, even while visitors come): until
        # then, every visitor past the pool costs a whole run of the page.
        for notebook in self.targets:
            page, target = self._page(notebook), self.target(notebook)
            if page is not None and page.html is None and not page.rendering \
                    and len(self.pools().get(notebook, [])) < target \
                    and not self.gate.watch.is_broken(self.locale_of.get(notebook)) \
                    and self.gate.live() + pending + getattr(self.gate, "starting", 0) < self.policy.cap():
                self._fill_one(notebook)
                pending += 1
        # A pool whose kernels are copies of a kept page (stamps.py: a fork, nothing run or
        # rendered) is refilled at once, even while visitors keep coming, a few kernels at a time.
        # Any other refill (a kernel that runs the page) waits until calm; a steady trickle of
        # requests (a script) must not starve the pool for good, so after STARVED_CALMS calm
        # periods without a refill, one kernel at a time anyway.
        now = time.monotonic()
        busy = bool(self.gate.rendering) or now - self.gate.last_request < self.policy.refill_calm
        starved = now - self._last_fill >= STARVED_CALMS * self.policy.refill_calm
        budget = self.policy.refill_parallel_count() - pending
        if busy and starved:
            budget = min(budget, 1)
        cap = self.policy.cap()
        # the small pools first (the pages opened from the explainer), then the explainer's
        for notebook in sorted(self.targets, key=self.target):
            target = self.target(notebook)
            # a pool of a broken language waits for the fix; while the default language is broken
            # nothing is preheated (the pools without a language of their own render in it)
            if self.gate.watch.broken or self.gate.watch.is_broken(self.locale_of.get(notebook)):
                continue
            page = self._page(notebook)
            copies = page is not None and page.html is not None
            if copies:
                self._shrink(notebook)
            if busy and not starved and not copies:
                continue
            room = COPIES_AT_ONCE * self.policy.refill_parallel_count() - pending if copies else budget
            # pages starting a kernel count too: the pool and the pages never pass the cap together
            while room > 0 and len(self.pools().get(notebook, [])) < target \
                    and self.gate.live() + pending + getattr(self.gate, "starting", 0) < cap:
                if not self._fill_one(notebook):
                    break
                self._last_fill = time.monotonic()
                room, pending = room - 1, pending + 1
                if not copies:
                    budget -= 1
