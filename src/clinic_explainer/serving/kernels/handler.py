"""The page handler that asks the gate first (``admitting``), and the transform that notes each request (``activity``).

``admitting`` subclasses Voila's page handler (it replaces it in the routes, kernels/__init__.py):
before a kernel is started or taken from the pool the gate gives its verdict; a refused page
gets a notice (notices.py) instead. It also sets the page's language for the template filters,
takes a pooled kernel only from the pool of the page's language (the keeper's, pool.py), and
holds the first bytes until the template's head is complete (http/security.py hashes its inline
scripts). A page's start and render have time limits (``KernelPolicy.start_limit``, ``render_limit``):
a stuck one ends (the error page if nothing was sent) and never holds the gate's counts for others. The upstream methods it overrides are listed in patches.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from tornado.concurrent import Future
from tornado.ioloop import IOLoop
from tornado.web import HTTPError, OutputTransform

from clinic_explainer.serving import notices, patches
from clinic_explainer.serving.kernels.gate import Gate
from clinic_explainer.serving.kernels.shares import CURRENT_PAGE, client_address
from clinic_explainer.serving.template_filters import PAGE_LOCALE
from clinic_explainer.settings import lang_of_query

HEAD_ENDS = b'id="jupyter-config-data"'  # the page config: the template's part before the cells ends there
HEAD_MAX = 256 * 1024


_CELLS: dict[tuple[Path, int, int], int] = {}  # (notebook, mtime, size) -> cells: read once a version


def _cell_count(handler, notebook: str | None) -> int:
    """Cells of the notebook a page renders (Voila's lab template writes a progress script per cell)."""
    try:
        path = Path(handler.contents_manager.root_dir) / (notebook or "")
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in _CELLS:
            if len(_CELLS) > 100:  # notebooks edited many times: start again
                _CELLS.clear()
            _CELLS[key] = len(json.loads(path.read_text())["cells"])
        return _CELLS[key]
    except Exception:
        return 0


def _is_notebook(handler, notebook: str | None) -> bool:
    """A notebook of the served folder, by a plain relative path."""
    if not notebook or not notebook.endswith(".ipynb") or any(ord(ch) < 32 for ch in notebook):
        return False
    try:
        root = Path(handler.contents_manager.root_dir).resolve()
        path = (root / notebook).resolve()
        return path.is_relative_to(root) and path.is_file()
    except (OSError, ValueError):
        return False


def admitting(handler_class: type, gate: Gate) -> type:
    """The page handler, asking the gate before a kernel is started or taken from the pool."""

    class AdmittingHandler(handler_class):
        _clinic_gate = True

        async def get(self, path=None):
            notebook = self.notebook_path or path
            if not _is_notebook(self, notebook):  # Voila redirects anything else to /voila/files/
                raise HTTPError(404)  # (a NUL in it crashed the redirect with a traceback)
            self.clinic_address = client_address(self.request)
            CURRENT_PAGE.set(self)  # kernels started or handed out in this task are this page's
            await gate.refresh_if_changed()  # an edited content empties the pool before it is looked at
            if getattr(self, "clinic_gone", False):  # the client left already: no kernel for nobody
                return None
            locale = gate.watch.locale_for(lang_of_query(self.request.query))
            PAGE_LOCALE.set(locale)  # <html lang> and <title> of a page rendered now (template_filters.py)
            # a pooled kernel adds no kernel; a copy of the kept page (kernels/stamps.py) adds one,
            # cheaply; anything else starts a kernel that runs the notebook
            supply = gate.keeper.supply(notebook, locale)
            starts = supply != "pool"
            self._clinic_pooled, self._clinic_notebook = supply is not None, notebook
            kind = gate.verdict(notebook, starts, locale, self.clinic_address, copy=supply == "copy")
            if kind:
                return self.notice(kind)
            gate.rendering += 1
            gate.starting += starts
            if starts:
                gate.shares.start(self.clinic_address)
            self._clinic_rendering, self._clinic_starts = True, starts
            # a start that hangs gives its place among the pages starting back after start_limit
            self._clinic_start_timer = IOLoop.current().call_later(
                gate.policy.start_limit, self._release_start) if starts else None
            self.request.clinic_cell_count = _cell_count(self, notebook)  # for the CSP (http/security.py)
            try:
                # in this task (no new one: the pool is looked at and taken from without a pause)
                async with asyncio.timeout(gate.policy.render_limit):
                    return await super().get(path)
            except TimeoutError:
                # a stuck kernel or template: the request ends; the kernel, never connected, is reaped
                gate.log.warning("A page of %s was not rendered within %.0f s: stopped", notebook,
                                 gate.policy.render_limit)
                if patches.unsent_bytes(self) is not None:
                    self.clear()
                    return self.notice("error")
                if not patches.is_finished(self):
                    self.finish()
            finally:
                self._release()

        def should_use_rendered_notebook(self, notebook_data, pool_size, *args, **kwargs):
            # Voila looks at the pool under the notebook's name; the keeper's pools are per
            # language (pool.py): a pooled kernel only if the page's language has one
            pooled = getattr(self, "_clinic_pooled", False) and gate.keeper.takes_from_pool(
                self._clinic_notebook, lang_of_query(self.request.query))
            return pooled and super().should_use_rendered_notebook(
                notebook_data, max(pool_size, 1), *args, **kwargs)

        def _release_start(self):
            if getattr(self, "_clinic_starts", False):
                self._clinic_starts = False
                gate.starting -= 1
                if getattr(self, "clinic_kernel_live", False):
                    self.clinic_kernel_live = False
                    gate.starting_live -= 1
                gate.shares.started(self.clinic_address)

        def _release(self):
            if getattr(self, "_clinic_rendering", False):
                self._clinic_rendering = False
                gate.rendering -= 1
                if self._clinic_start_timer is not None:
                    IOLoop.current().remove_timeout(self._clinic_start_timer)
                self._release_start()

        def flush(self, include_footers=False):
            # Hold the first bytes until the template's part before the cells is there (it ends
            # where the kernel starts, at the page config): the security headers hash the inline
            # scripts of the first chunk (http/security.py), and Voila flushes earlier than that.
            if not include_footers:  # finish() flushes with footers
                buffered = patches.unsent_bytes(self)
                if buffered is not None and HEAD_ENDS not in buffered and len(buffered) < HEAD_MAX:
                    done = Future()
                    done.set_result(None)
                    return done
            return super().flush(include_footers)

        def on_connection_close(self):
            # the client left: its kernel (now or once started) is shut down at the reaper's next
            # look; the counts are held until the page's work ends (the shut-down kernel ends it),
            # so requests closed early never let more kernels start than the cap
            self.clinic_gone = True
            kernel_id = getattr(self, "clinic_kernel", None)
            if kernel_id is not None:
                gate.abandon(kernel_id)
            if getattr(self, "_clinic_rendering", False):  # admitted, left before its page was sent:
                gate.shares.owe(getattr(self, "clinic_address", None))  # a kernel for nobody (shares.py)
            super().on_connection_close()

        def notice(self, kind: str):
            self.set_status(notices.STATUS[kind])
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            if kind == "busy":
                self.set_header("Retry-After", "60")
            # in the page's language, from that language's last good content
            content = gate.watch.good_for(lang_of_query(self.request.query))
            self.finish(notices.render(kind, content, self.base_url, self.request.uri))

    AdmittingHandler.__name__ = AdmittingHandler.__qualname__ = f"Admitting{handler_class.__name__}"
    return AdmittingHandler


def activity(gate: Gate) -> type:
    """An output transform (made for every HTTP request) that notes when the last one came:
    the pool is refilled only once a crowd's pages and files have all been served."""

    def note(request) -> None:
        # an address refused for its share or for pages it never connected (kernels/shares.py)
        # does not hold back the pool's refill by asking again and again
        if not gate.turned_away(client_address(request)):
            gate.last_request = time.monotonic()

    class Activity(OutputTransform):
        def __init__(self, request):
            note(request)

    Activity.note = staticmethod(note)  # for answers made without the transforms (http/caching.py)
    return Activity
