"""``Gate``: who gets a kernel (admission), and when a visitor's kernel is freed (the reaper).

- **Admission.** Before a page starts (or takes) a kernel, ``verdict`` compares the live
  kernels (plus pages being rendered) with the cap, and the machine's available memory with
  a floor. Past either, the visitor gets the branded "busy" page (HTTP 503, the FAQ text and
  the warning signs, no widgets) and the server logs one line. Nothing is restarted. While
  a language's content is broken its pages get the "being updated" page instead, in that
  language; the other languages are served.
- **Reaping.** Voila's page asks for its kernel's shutdown on unload, which the server refuses
  (no ``_xsrf``). Instead, every second the reaper shuts down a visitor's kernel whose last
  websocket closed ``close_grace`` seconds ago (a tab closed, left or crashed), and one whose
  page never connected within ``unconnected_timeout`` (a bot or a plain GET). A kernel that
  crashed and was restarted empty is shut down too, so its page says so (static/kernel-watch.js).
  Idle *open* tabs are culled by jupyter_server (``cull_connected`` in config/voila.py).
- **Content edits.** An edit empties the preheated pools of the languages it changed at once (this very request
  cannot take a stale kernel); the stale kernels are shut down in the background and the
  keeper (pool.py) refills on its next look.
"""

from __future__ import annotations

import contextlib
import time

from tornado.ioloop import IOLoop

from clinic_explainer.serving import patches
from clinic_explainer.serving.kernels.policy import KernelPolicy, meminfo_mb
from clinic_explainer.serving.kernels.shares import CURRENT_PAGE, Shares
from clinic_explainer.serving.kernels.watch import ContentWatch


class Gate:
    """Admission and reaping for one Voila process (see the module's docstring)."""

    def __init__(self, voila, policy: KernelPolicy, watch: ContentWatch):
        self.km, self.policy, self.watch, self.log = voila.kernel_manager, policy, watch, voila.log
        self.visitors: dict[str, dict] = {}  # kernel id -> {"since", "connected", "closed_at"}
        self.rendering = 0  # pages admitted and still being sent
        self.starting = 0  # of those, pages that start a kernel of their own (no pooled one)
        self.starting_live = 0  # of those, pages whose kernel is up already (counted in live())
        # kernel ids of copies (kernels/stamps.py) that starting pages are waiting for: up (in
        # live()) a while before the page is handed its kernel (``_visitor``), in a crowd seconds
        self.claims: set[str] = set()
        self.last_request = 0.0  # time.monotonic() of the last HTTP request of any kind (Activity)
        self.keeper = None  # kernels.pool.PoolKeeper, set by kernel_lifecycle
        self.refused = {"busy": 0, "updating": 0}
        self.shares = Shares()  # pages starting a kernel, by client address (kernels/shares.py)
        self.on_forget: list = []  # called with a kernel id when it shuts down (http/surface.py)
        # called with a kernel id handed to a page whose kernel never asks for its request details
        # (it ran, or was copied from, a page preheated in the page's language): http/surface.py
        self.on_asks_nothing: list = []
        # (pooled kernels are handed out, and registered as visitors', by PoolKeeper.hand_out)
        patches.wrap_kernel_manager(self.km, on_start=self._visitor, on_connect=self._connected,
                                    on_shutdown=self._forget)

    # --- kernels handed to visitors ------------------------------------------------------
    def _visitor(self, kernel_id: str) -> None:
        page = CURRENT_PAGE.get()  # the page handler this kernel was started or handed out for
        self.visitors[kernel_id] = {"since": time.monotonic(), "connected": False, "closed_at": None,
                                    "address": getattr(page, "clinic_address", None), "abandoned": False}
        if page is not None:
            page.clinic_kernel = kernel_id
            if getattr(page, "_clinic_starts", False) and not getattr(page, "clinic_kernel_live", False):
                page.clinic_kernel_live = True  # counted once against the cap (verdict)
                self.starting_live += 1
            if getattr(page, "clinic_gone", False):  # its client left while it started
                self.abandon(kernel_id)
        kernel = patches.kernel_of(self.km, kernel_id)
        if kernel is not None:  # the idle clock starts now, not when the pool preheated it
            kernel.last_activity = patches.utcnow()
        # A crashed kernel is restarted empty under the same id: the page's widgets would stay
        # on screen, dead, with stale advice. Shut it down instead, so the page says so.
        self.km.add_restart_callback(kernel_id, lambda: self._restarted(kernel_id), "restart")

    def _connected(self, kernel_id: str) -> None:
        # seen at once: a page may connect and close between two looks of the reaper
        if kernel_id in self.visitors:
            self.visitors[kernel_id]["connected"] = True

    def abandon(self, kernel_id: str) -> None:
        """The page's client left before its page was sent: the kernel goes at the next look."""
        if kernel_id in self.visitors:
            self.visitors[kernel_id]["abandoned"] = True

    def _forget(self, kernel_id: str) -> None:
        self.visitors.pop(kernel_id, None)
        for forget in self.on_forget:
            forget(kernel_id)

    def _restarted(self, kernel_id: str) -> None:
        self.log.warning("Kernel %s died and was restarted empty: shut down, its page asks to reload", kernel_id)
        self.drop(kernel_id)

    def drop(self, kernel_id: str) -> None:
        """A kernel that died and was restarted empty: shut down (its page, if any, says so)."""
        self.visitors.pop(kernel_id, None)
        # after the restart has settled: a shutdown in the middle of it fails
        IOLoop.current().call_later(1.0, self._shutdown, kernel_id)

    async def _shutdown(self, kernel_id: str) -> None:
        try:
            await self.km.shutdown_kernel(kernel_id)
        except Exception as exc:  # already gone: nothing to free
            self.log.info("Kernel %s was already gone: %r", kernel_id, exc)

    def live(self) -> int:
        return len(self.km.list_kernel_ids())

    def waiting(self) -> int:
        """Pages starting a kernel that is not up yet (one that is up is in ``live()`` already)."""
        up = sum(1 for kernel_id in self.claims if kernel_id in self.km)
        return self.starting - self.starting_live - up

    @contextlib.contextmanager
    def claim(self, kernel_id: str):
        """The page being served starts kernel ``kernel_id`` (a copy): counted once against the
        cap, as a page starting one until the kernel is up, then as a live kernel."""
        page = CURRENT_PAGE.get()
        counted = getattr(page, "_clinic_starts", False) and not getattr(page, "clinic_kernel_live", False)
        if counted:
            self.claims.add(kernel_id)
        try:
            yield
        finally:
            self.claims.discard(kernel_id)

    def turned_away(self, address: str) -> bool:
        """The address would get the busy page for its share (kernels held, pages owed)."""
        if self.shares.owed and self.shares.refused(address):
            return True
        held = self.shares.held(self.visitors, address) + self.shares.starting[address]
        return held >= self.policy.address_kernel_cap()

    # --- admission -------------------------------------------------------------------------
    def verdict(self, notebook_path: str | None, starts: bool = True, lang: str | None = None,
                address: str | None = None, copy: bool = False) -> str | None:
        """None to serve the page, or the notice to show instead ("busy", "updating").

        ``starts``: the page would start a kernel of its own (none is waiting in the pool).
        A page that takes a pooled kernel adds no kernel and no start: only a broken content
        of its language (``lang``, the default one when None) or its address's share of
        kernels (``address``, kernels/shares.py) can turn it away. ``copy``: the kernel it
        starts is a copy of a kept page (kernels/stamps.py), a fork that runs and renders
        nothing: the cap and the memory count, not the starts at once. The caller has looked
        at the files first (``await refresh_if_changed()``)."""
        if self.watch.is_broken(lang):
            # A kernel started now, or preheated while the files changed, would run the broken
            # files and show a developer error: the branded page instead, with the FAQ text
            # of the language's last good content. Other languages are served.
            self.refused["updating"] += 1
            return "updating"
        if address is not None:
            if self.shares.refused(address):
                self.refused["busy"] += 1
                self.shares.refusals[address] += 1
                times = self.shares.refusals[address]
                if times == 1 or times % 100 == 0:  # one line, not one a request
                    self.log.warning("Busy page served (%d times): one client address left %.0f pages before "
                                     "they connected", times, self.shares.owing(address))
                return "busy"
            held = self.shares.held(self.visitors, address) + self.shares.starting[address]
            if held >= self.policy.address_kernel_cap():
                self.refused["busy"] += 1
                self.log.warning("Busy page served: one client address holds %d kernels, its share is %d",
                                 held, self.policy.address_kernel_cap())
                return "busy"
            if starts and not copy and self.shares.starting[address] >= self.policy.address_start_cap():
                self.refused["busy"] += 1
                self.log.warning("Busy page served: one client address is starting %d kernels, at most %d at once",
                                 self.shares.starting[address], self.policy.address_start_cap())
                return "busy"
        if not starts:
            return None
        # a page whose kernel is up is in live() already (a copy is up long before its page ends)
        waiting = self.waiting()
        cap, live = self.policy.cap(), self.live() + waiting
        if live >= cap:
            self.refused["busy"] += 1
            self.log.warning("Busy page served: %d live kernels and %d pages starting one, cap %d",
                             self.live(), waiting, cap)
            return "busy"
        if not copy and self.starting >= self.policy.starting_cap():
            self.refused["busy"] += 1
            self.log.warning("Busy page served: %d pages are starting a kernel, at most %d at once",
                             self.starting, self.policy.starting_cap())
            return "busy"
        available = meminfo_mb("MemAvailable")
        if available < self.policy.min_free_mb + self.policy.kernel_mb:
            self.refused["busy"] += 1
            self.log.warning("Memory guard: %.0f MB available, below %d MB; busy page served, nothing restarted",
                             available, self.policy.min_free_mb + self.policy.kernel_mb)
            return "busy"
        return None

    async def refresh_if_changed(self) -> None:
        """A content edit since the last look (read off the event loop, kernels/watch.py): the
        preheated kernels of the languages it changed were made from the old files, so they
        are replaced; the keeper refills only the pools of languages that are not broken."""
        changed = await self.watch.refresh()
        if changed:
            self.refresh_pool(changed)

    def refresh_pool(self, locales: set[str] | None = None) -> None:
        """Content changed: replace the preheated kernels so this very request shows the edit.

        ``locales``: the languages whose content changed (None: all). A pool preheated in a
        language (the keeper's ``locale_of``) is replaced when its language changed; the
        others (they render in the default language until their visitor comes) when the
        default language changed. The pooled entries leave the pool at once (this request
        cannot take a stale one); they are shut down in the background, and the keeper
        refills the pools on its next look.
        """
        locale_of = getattr(self.keeper, "locale_of", {})
        default = self.watch.default_locale
        pools = {key: pool for key, pool in patches.pools_of(self.km).items()
                 if locales is None or locale_of.get(key, default) in locales}
        stale = [future for pool in pools.values() for future in pool]
        if not stale:
            return
        for pool in pools.values():
            pool.clear()

        async def refresh():
            for future in stale:
                try:
                    kernel_id = (await future)["kernel_id"]
                except Exception:  # a preheat that failed holds no kernel
                    continue
                await self._shutdown(kernel_id)
            self.log.info("Content changed: %d preheated kernel(s) replaced.", len(stale))

        IOLoop.current().add_callback(refresh)

    # --- reaping ---------------------------------------------------------------------------
    async def look(self) -> None:
        """Every ``reap_interval``: free the kernels of closed pages, then care for the pool."""
        await self.refresh_if_changed()  # a broken edit stops the refills even without visitors
        await self.reap()
        self.keeper.tick()

    async def reap(self) -> None:
        now = time.monotonic()
        for kernel_id, state in list(self.visitors.items()):
            if kernel_id not in self.km:
                del self.visitors[kernel_id]
                continue
            if now - state["since"] >= self.policy.max_visit:
                due, why = True, "its visit passed its time limit"
            elif patches.connection_count(self.km, kernel_id) > 0:
                state["connected"], state["closed_at"] = True, None
                continue
            elif state.get("abandoned"):  # (owed by its address when its client left: handler.py)
                due, why = True, "its client left before the page was sent"
            elif state["connected"]:
                state["closed_at"] = state["closed_at"] or now
                due, why = now - state["closed_at"] >= self.policy.close_grace, "its page was closed"
            else:
                due, why = now - state["since"] >= self.policy.unconnected_timeout, "its page never connected"
                if due:
                    self.shares.owe(state.get("address"))
            if due:
                del self.visitors[kernel_id]
                self.log.info("Kernel %s shut down: %s", kernel_id, why)
                await self._shutdown(kernel_id)
