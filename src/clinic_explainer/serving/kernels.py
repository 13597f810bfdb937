"""A kernel per visitor and not one more: admission, reaping, the preheated pool, content changes.

One application hook, ``kernel_lifecycle``, installs all of it in the Voila process:

- **Admission.** Before a page starts (or takes) a kernel, ``Gate.verdict`` compares the live
  kernels (plus pages being rendered) with the cap, and the machine's available memory with
  a floor. Past either, the visitor gets the branded "busy" page (HTTP 503, the FAQ text and
  the warning signs, no widgets) and the server logs one line. Nothing is restarted.
- **Reaping.** Voila's page asks for its kernel's shutdown on unload, which the server refuses
  (no ``_xsrf``). Instead, every second the reaper shuts down a visitor's kernel whose last
  websocket closed ``close_grace`` seconds ago (a tab closed, left or crashed), and one whose
  page never connected within ``unconnected_timeout`` (a bot or a plain GET).
  Idle *open* tabs are culled by jupyter_server (``cull_connected`` in config/voila.py); the
  page then says in words that it paused (static/kernel-watch.js).
- **The preheated pool** (pool.py): deep enough for a crowd on the explainer, refilled only
  when no page has started for a moment, never culled while waiting. A kernel handed out
  from the pool gets a fresh idle clock, so the culler cannot take it before its page
  connects. Pages that take a pooled kernel start none; pages that start one are limited to
  a few per core at once (past it, the busy page), as the starts share the CPU.
- **Content changes.** ``ContentWatch`` notices an edit to content/ on the next page request.
  A good edit refreshes the pool (so that very page shows it); a broken one is logged with
  the problems ``make check`` shows, the pool is not refilled from it, and visitors get the
  branded "being updated" page with the FAQ text of the last good content until it is fixed.

Settings are traitlets of ``KernelPolicy``: ``c.KernelPolicy.max_kernels = 40`` in
config/voila.py or ``--KernelPolicy.max_kernels=40`` on the command line.
"""

from __future__ import annotations

import os
import time

from jupyter_server._tz import utcnow
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer
from traitlets.config import LoggingConfigurable

from clinic_explainer.serving import notice_page
from clinic_explainer.settings import (
    EXPLAINER_KERNEL_MB,
    EXPLAINER_NOTEBOOK,
    KERNEL_MB,
    PATIENT_POOL_MAX,
    STARTS_PER_CORE,
    lang_of_query,
    patient_pool_env,
)

def meminfo_mb(field: str) -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


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

    def cap(self) -> int:
        return self.max_kernels or default_cap(meminfo_mb("MemTotal"), self.kernel_mb)

    def starting_cap(self) -> int:
        return self.max_starting or STARTS_PER_CORE * (os.cpu_count() or 1)

    def patient_pool_size(self) -> int:
        if self.patient_pool >= 0:
            return self.patient_pool
        env = patient_pool_env()
        return env if env is not None else default_patient_pool(meminfo_mb("MemTotal"))

    def refill_parallel_count(self) -> int:
        return self.refill_parallel or (os.cpu_count() or 1)


class ContentWatch:
    """The content files' state as the server last saw it: last good content, or broken."""

    def __init__(self, log, root=None):
        from clinic_explainer import content as content_mod

        self._content_mod, self.log, self.root = content_mod, log, root
        self.fingerprint = self._fingerprint()
        self.good = content_mod.load(root)  # the launcher checked it: a bad start fails loudly
        self.broken = False

    def _fingerprint(self) -> tuple:
        root = self.root or self._content_mod.content_root()
        return self._content_mod.fingerprint(root.resolve())

    def locales(self) -> list[str]:
        return [locale for locale, _ in self.good.languages]

    def changed(self) -> bool:
        """Look at the files (sizes and times, about a millisecond); True when they changed."""
        fingerprint = self._fingerprint()
        if fingerprint == self.fingerprint:
            return False
        self.fingerprint = fingerprint
        try:
            self.good = self._content_mod.load(self.root)
        except self._content_mod.ContentError as exc:
            self.broken = True
            self.log.error("Content is broken, so patients get the last good content or the 'being "
                           "updated' page until it is fixed (`make check` says the same):\n  %s",
                           str(exc).replace("\n", "\n  "))
        else:
            if self.broken:
                self.log.warning("Content fixed: pages show it again.")
            self.broken = False
        return True


class Gate:
    """Admission, reaping and pool care for one Voila process (see the module's docstring)."""

    def __init__(self, voila, policy: KernelPolicy, watch: ContentWatch):
        self.km, self.policy, self.watch, self.log = voila.kernel_manager, policy, watch, voila.log
        self.visitors: dict[str, dict] = {}  # kernel id -> {"since", "connected", "closed_at"}
        self.rendering = 0  # pages admitted and still being sent
        self.starting = 0  # of those, pages that start a kernel of their own (no pooled one)
        self.last_request = 0.0  # time.monotonic() of the last HTTP request of any kind (Activity)
        self.keeper = None  # pool.PoolKeeper, set by kernel_lifecycle
        self.refused = {"busy": 0, "updating": 0}
        self._wrap_kernel_manager()

    # --- kernels handed to visitors ------------------------------------------------------
    def _visitor(self, kernel_id: str) -> None:
        self.visitors[kernel_id] = {"since": time.monotonic(), "connected": False, "closed_at": None}
        kernel = self.km._kernels.get(kernel_id)
        if kernel is not None:  # the idle clock starts now, not when the pool preheated it
            kernel.last_activity = utcnow()
        # A crashed kernel is restarted empty under the same id: the page's widgets would stay
        # on screen, dead, with stale advice. Shut it down instead, so the page says so.
        self.km.add_restart_callback(kernel_id, lambda: self._restarted(kernel_id), "restart")

    def _restarted(self, kernel_id: str) -> None:
        from tornado.ioloop import IOLoop

        self.visitors.pop(kernel_id, None)
        self.log.warning("Kernel %s died and was restarted empty: shut down, its page asks to reload", kernel_id)
        # after the restart has settled: a shutdown in the middle of it fails
        IOLoop.current().call_later(1.0, self._shutdown, kernel_id)

    async def _shutdown(self, kernel_id: str) -> None:
        try:
            await self.km.shutdown_kernel(kernel_id)
        except Exception as exc:  # already gone: nothing to free
            self.log.info("Kernel %s was already gone: %r", kernel_id, exc)

    def _wrap_kernel_manager(self) -> None:
        km = self.km
        shutdown_kernel = km.shutdown_kernel  # also what the culler and Voila's pool call

        async def shutdown_and_close_sockets(kernel_id, *args, **kwargs):
            # jupyter_server leaves the page's websocket open on a dead kernel; closing it is
            # how the page learns, within seconds, that its widgets no longer answer
            from jupyter_core.utils import ensure_async
            from jupyter_server.services.kernels.connection.channels import (
                ZMQChannelsWebsocketConnection as Connection,
            )

            self.visitors.pop(kernel_id, None)
            try:
                return await ensure_async(shutdown_kernel(kernel_id, *args, **kwargs))
            finally:
                for key, handler in list(Connection._open_sessions.items()):
                    if key.startswith(kernel_id + ":"):
                        handler.close(1001, "kernel shut down")

        km.shutdown_kernel = shutdown_and_close_sockets
        notify_connect = km.notify_connect

        def connected(kernel_id):
            # seen at once: a page may connect and close between two looks of the reaper
            if kernel_id in self.visitors:
                self.visitors[kernel_id]["connected"] = True
            return notify_connect(kernel_id)

        km.notify_connect = connected
        start_kernel = km.start_kernel  # called by the page handler (the pool uses super())

        async def visitor_start_kernel(*args, **kwargs):
            from jupyter_core.utils import ensure_async

            kernel_id = await ensure_async(start_kernel(*args, **kwargs))
            self._visitor(kernel_id)
            return kernel_id

        km.start_kernel = visitor_start_kernel
        # (pooled kernels are handed out, and registered as visitors', by pool.PoolKeeper.hand_out)
        if hasattr(km, "fill_if_needed"):
            fill = km.fill_if_needed

            def fill_unless_broken(*args, **kwargs):
                # a pool filled from broken content would hand out a developer error
                if not self.watch.broken:
                    return fill(*args, **kwargs)
                return None

            km.fill_if_needed = fill_unless_broken

    def live(self) -> int:
        return len(self.km.list_kernel_ids())

    # --- admission -------------------------------------------------------------------------
    def verdict(self, notebook_path: str | None, starts: bool = True) -> str | None:
        """None to serve the page, or the notice to show instead ("busy", "updating").

        ``starts``: the page would start a kernel of its own (none is waiting in the pool).
        A page that takes a pooled kernel adds no kernel and no start: only a broken content
        can turn it away."""
        self.refresh_if_changed()
        if self.watch.broken:
            # A kernel started now, or preheated while the files changed, would run the broken
            # files and show a developer error: the branded page instead, with the FAQ text
            # of the last good content.
            self.refused["updating"] += 1
            return "updating"
        if not starts:
            return None
        cap, live = self.policy.cap(), self.live() + self.starting
        if live >= cap:
            self.refused["busy"] += 1
            self.log.warning("Busy page served: %d live kernels and pages starting, cap %d", live, cap)
            return "busy"
        if self.starting >= self.policy.starting_cap():
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

    def refresh_if_changed(self) -> None:
        """A content edit since the last look: a good one replaces the preheated kernels."""
        if self.watch.changed() and not self.watch.broken:
            self.refresh_pool()

    def refresh_pool(self) -> None:
        """Content changed: replace the preheated kernels so this very request shows the edit.

        The pooled entries leave the pool at once (this request cannot take a stale one); they
        are shut down and the pool refilled in the background.
        """
        pools = getattr(self.km, "_pools", {})
        stale = [(notebook, future) for notebook, pool in pools.items() for future in pool]
        if not stale:
            return
        for pool in pools.values():
            pool.clear()
        from tornado.ioloop import IOLoop

        async def refresh():
            for _, future in stale:
                try:
                    kernel_id = (await future)["kernel_id"]
                except Exception:  # a preheat that failed holds no kernel
                    continue
                await self._shutdown(kernel_id)
            for notebook in {nb for nb, _ in stale}:
                self.km.fill_if_needed(delay=0, notebook_name=notebook)
            self.log.info("Content changed: %d preheated kernel(s) replaced.", len(stale))

        IOLoop.current().add_callback(refresh)

    # --- reaping ---------------------------------------------------------------------------
    async def look(self) -> None:
        """Every ``reap_interval``: free the kernels of closed pages, then care for the pool."""
        await self.reap()
        self.keeper.tick()

    async def reap(self) -> None:
        now = time.monotonic()
        connections = self.km._kernel_connections
        for kernel_id, state in list(self.visitors.items()):
            if kernel_id not in self.km:
                del self.visitors[kernel_id]
                continue
            if connections.get(kernel_id, 0) > 0:
                state["connected"], state["closed_at"] = True, None
                continue
            if state["connected"]:
                state["closed_at"] = state["closed_at"] or now
                due, why = now - state["closed_at"] >= self.policy.close_grace, "its page was closed"
            else:
                due, why = now - state["since"] >= self.policy.unconnected_timeout, "its page never connected"
            if due:
                del self.visitors[kernel_id]
                self.log.info("Kernel %s shut down: %s", kernel_id, why)
                await self._shutdown(kernel_id)


def _cell_count(handler, notebook: str | None) -> int:
    """Cells of the notebook a page renders (Voila's lab template writes a progress script per cell)."""
    import json
    from pathlib import Path

    try:
        root = Path(handler.contents_manager.root_dir)
        return len(json.loads((root / (notebook or "")).read_text())["cells"])
    except Exception:
        return 0


def admitting(handler_class: type, gate: Gate) -> type:
    """The page handler, asking the gate before a kernel is started or taken from the pool."""

    class AdmittingHandler(handler_class):
        _clinic_gate = True

        async def get(self, path=None):
            notebook = self.notebook_path or path
            lang = lang_of_query(self.request.query)
            gate.refresh_if_changed()  # an edited content empties the pool before it is looked at
            if lang and lang in gate.watch.locales():  # <html lang> and <title> of a page rendered now
                from clinic_explainer.serving.template_filters import PAGE_LOCALE

                PAGE_LOCALE.set(lang)
            starts = not gate.keeper.takes_from_pool(notebook, lang)
            self._clinic_pooled, self._clinic_notebook = not starts, notebook
            kind = gate.verdict(notebook, starts)
            if kind:
                return self.notice(kind)
            gate.rendering += 1
            gate.starting += starts
            self._clinic_rendering, self._clinic_starts = True, starts
            self.request.clinic_cell_count = _cell_count(self, notebook)  # for the CSP (security.py)
            try:
                return await super().get(path)
            finally:
                self._release()

        def should_use_rendered_notebook(self, notebook_data, pool_size, *args, **kwargs):
            # Voila looks at the pool under the notebook's name; the keeper's pools are per
            # language (pool.py): a pooled kernel only if the page's language has one
            pooled = getattr(self, "_clinic_pooled", False) and gate.keeper.takes_from_pool(
                self._clinic_notebook, lang_of_query(self.request.query))
            return pooled and super().should_use_rendered_notebook(
                notebook_data, max(pool_size, 1), *args, **kwargs)

        def _release(self):
            if getattr(self, "_clinic_rendering", False):
                self._clinic_rendering = False
                gate.rendering -= 1
                gate.starting -= self._clinic_starts

        def flush(self, include_footers=False):
            # Hold the first bytes until the template's part before the cells is there (it ends
            # where the kernel starts, at the page config): the security headers hash the inline
            # scripts of the first chunk (security.py), and Voila flushes earlier than that.
            if not include_footers and not self._headers_written:  # finish() flushes with footers
                buffered = b"".join(self._write_buffer)
                if b'id="jupyter-config-data"' not in buffered and len(buffered) < 256 * 1024:
                    from tornado.concurrent import Future

                    done = Future()
                    done.set_result(None)
                    return done
            return super().flush(include_footers)

        def on_connection_close(self):
            self._release()
            super().on_connection_close()

        def notice(self, kind: str):
            self.set_status(notice_page.STATUS[kind])
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            if kind == "busy":
                self.set_header("Retry-After", "60")
            self.finish(notice_page.render(kind, gate.watch.good, self.base_url, self.request.uri))

    AdmittingHandler.__name__ = AdmittingHandler.__qualname__ = f"Admitting{handler_class.__name__}"
    return AdmittingHandler


def activity(gate: Gate) -> type:
    """An output transform (made for every HTTP request) that notes when the last one came:
    the pool is refilled only once a crowd's pages and files have all been served."""
    from tornado.web import OutputTransform

    class Activity(OutputTransform):
        def __init__(self, request):
            gate.last_request = time.monotonic()

    return Activity


def kernel_lifecycle(app, voila) -> Gate:
    """Application hook: admission control, reaper and pool care (see the module's docstring)."""
    from voila.tornado.handler import TornadoVoilaHandler

    from clinic_explainer.serving.routes import replace_handler

    from clinic_explainer.serving.pool import PoolKeeper

    policy = KernelPolicy(parent=voila)
    gate = Gate(voila, policy, ContentWatch(voila.log))
    gate.keeper = PoolKeeper(voila.kernel_manager, gate, policy, voila.log)
    if not replace_handler(app, TornadoVoilaHandler, lambda cls: admitting(cls, gate)):
        raise RuntimeError("Voila's page handler was not found: no admission control")
    app.settings["clinic_gate"] = gate
    app.transforms.insert(0, activity(gate))
    PeriodicCallback(gate.look, policy.reap_interval * 1000).start()
    voila.log.info("Admission: at most %d live kernels (pool included), %d pages starting one at once, "
                   "%d MB kept free; %d preheated for the explainer", policy.cap(), policy.starting_cap(),
                   policy.min_free_mb, gate.keeper.targets.get(EXPLAINER_NOTEBOOK, 0))
    return gate
