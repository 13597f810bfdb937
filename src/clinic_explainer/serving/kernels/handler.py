"""The page handler that asks the gate first (``admitting``), and the transform that notes each request (``activity``).

``admitting`` subclasses Voila's page handler (it replaces it in the routes, kernels/__init__.py):
before a kernel is started or taken from the pool the gate gives its verdict; a refused page
gets a notice (notices.py) instead. It also sets the page's language for the template filters,
takes a pooled kernel only from the pool of the page's language (the keeper's, pool.py), and
holds the first bytes until the template's head is complete (http/security.py hashes its inline
scripts). The upstream methods it overrides are listed in patches.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tornado.concurrent import Future
from tornado.web import OutputTransform

from clinic_explainer.serving import notices, patches
from clinic_explainer.serving.kernels.gate import Gate
from clinic_explainer.serving.template_filters import PAGE_LOCALE
from clinic_explainer.settings import lang_of_query

HEAD_ENDS = b'id="jupyter-config-data"'  # the page config: the template's part before the cells ends there
HEAD_MAX = 256 * 1024


def _cell_count(handler, notebook: str | None) -> int:
    """Cells of the notebook a page renders (Voila's lab template writes a progress script per cell)."""
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
                PAGE_LOCALE.set(lang)
            starts = not gate.keeper.takes_from_pool(notebook, lang)
            self._clinic_pooled, self._clinic_notebook = not starts, notebook
            kind = gate.verdict(notebook, starts)
            if kind:
                return self.notice(kind)
            gate.rendering += 1
            gate.starting += starts
            self._clinic_rendering, self._clinic_starts = True, starts
            self.request.clinic_cell_count = _cell_count(self, notebook)  # for the CSP (http/security.py)
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
            # scripts of the first chunk (http/security.py), and Voila flushes earlier than that.
            if not include_footers:  # finish() flushes with footers
                buffered = patches.unsent_bytes(self)
                if buffered is not None and HEAD_ENDS not in buffered and len(buffered) < HEAD_MAX:
                    done = Future()
                    done.set_result(None)
                    return done
            return super().flush(include_footers)

        def on_connection_close(self):
            self._release()
            super().on_connection_close()

        def notice(self, kind: str):
            self.set_status(notices.STATUS[kind])
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            if kind == "busy":
                self.set_header("Retry-After", "60")
            self.finish(notices.render(kind, gate.watch.good, self.base_url, self.request.uri))

    AdmittingHandler.__name__ = AdmittingHandler.__qualname__ = f"Admitting{handler_class.__name__}"
    return AdmittingHandler


def activity(gate: Gate) -> type:
    """An output transform (made for every HTTP request) that notes when the last one came:
    the pool is refilled only once a crowd's pages and files have all been served."""

    class Activity(OutputTransform):
        def __init__(self, request):
            gate.last_request = time.monotonic()

    return Activity
