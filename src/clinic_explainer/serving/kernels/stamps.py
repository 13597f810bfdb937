"""``Stamps``: the explainer rendered once per language and content version, then copied for
each visitor with a kernel forked from that page (issue 19).

A preheated kernel used to cost a visit about 0.4 CPU-seconds of the server (running the
notebook through Voila and rendering its template) and as much again in the kernel. Now:

1. **The page is run once, ahead.** The first kernel of a page (its *render* kernel) is asked
   of the fork server with the page's id (``PAGE_FORK_ENV``, role "render"): the fork server
   makes a page process that runs the notebook once, without a kernel (serving/page_replay.py),
   and forks the render kernel from it. Voila renders the page with that kernel as with any
   preheated one; the kernel plays the recorded cells back instead of running them.
2. **The server keeps a copy.** When that render is complete, and its widgets' model ids show
   it came from the page process (``page_replay.model_id_prefix``), its HTML is kept, the
   render kernel's id marked.
3. **Every other kernel of the page is a copy** (role "stamp"): forked from the same page
   process, so it holds the same widgets under the same model ids; nothing runs, nothing is
   rendered. Its page is the kept HTML with its own kernel id in place of the render kernel's.

Every guarantee stays: a kernel per visitor, forked (copy on write: nothing one patient does
reaches another); a content edit or a new day gives a new page id (``version``), so a new
page process and a new render; a copy whose page process is gone fails to start
(kernel_provisioner.py ``PageGone``) instead of starting without the page, and its page is
made again. Without a fork
server, or when the page cannot run ahead, nothing is kept and the pool works as before.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from clinic_explainer.serving import patches
from clinic_explainer.serving.kernel_provisioner import PageGone
from clinic_explainer.serving.page_replay import PAGE_ID_DIGITS, model_id_prefix
from clinic_explainer.settings import FORK_SOCKET_ENV, PAGE_FORK_ENV


@dataclass
class Page:
    """One page id: one notebook in one language, one content version, one day."""

    family: str
    version: str
    name: str  # the notebook as Voila names it (relative to its root)
    notebook: str  # its path as the fork server opens it
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:PAGE_ID_DIGITS])
    html: list[str] | None = None  # the kept render, with the render kernel's id in it
    render_kernel: str = ""
    kernel_name: str = ""
    rendering: bool = False
    failed: bool = False  # did not run ahead: its kernels run the page for real, as before

    def env(self, role: str) -> dict[str, str]:
        return {PAGE_FORK_ENV: json.dumps({"notebook": self.notebook, "family": self.family,
                                           "page": self.id, "role": role})}


class _Copy:
    """The renderer Voila's page handler reads: the kept page, complete (nothing to stop)."""

    def __init__(self, rendered: list[str]):
        self.rendered_cache, self.stop_generator = rendered, False


async def _nothing_more():
    return
    yield  # an empty async generator: the copy is complete


class Stamps:
    def __init__(self, km, watch, log):
        self.km, self.watch, self.log = km, watch, log
        self.pages: dict[str, Page] = {}
        self.root = Path(getattr(km, "root_dir", ".") or ".")

    def version(self, notebook: str) -> str:
        """What a page's run depends on: the content, the notebook file, the day."""
        try:
            stat = (self.root / notebook).stat()
            nb = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            nb = None
        raw = repr((self.watch.fingerprint, nb, datetime.date.today().isoformat()))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def page(self, notebook: str, locale: str) -> Page | None:
        """The current page of ``notebook`` in ``locale`` (a new one after an edit or at midnight);
        None when pages are not run ahead (no fork server)."""
        if not os.environ.get(FORK_SOCKET_ENV):  # no fork server (switched off, or not up yet)
            return None
        family, version = f"{notebook}|{locale}", self.version(notebook)
        page = self.pages.get(family)
        if page is None or page.version != version:
            page = self.pages[family] = Page(family, version, notebook, str((self.root / notebook).resolve()))
        return page

    def ready(self, notebook: str, locale: str) -> Page | None:
        """The page, if a copy of it can be handed out now."""
        page = self.page(notebook, locale)
        return page if page is not None and page.html is not None else None

    def lost(self, page: Page) -> None:
        """A copy found no page process (the fork server restarted it, or it died): a new page."""
        if self.pages.get(page.family) is page:
            del self.pages[page.family]
            self.log.warning("The page %s was lost by the fork server: it is run again", page.family)

    # --- the render kernel: Voila renders it, the copy is kept ------------------------------
    def watch_render(self, page: Page, entry: asyncio.Future) -> None:
        """``entry``: the pool entry Voila's fill made for the page's render kernel."""
        page.rendering = True

        def rendered(task: asyncio.Future, content: dict) -> None:
            page.rendering = False
            renderer = content["renderer"]
            if task.cancelled() or task.exception() is not None or renderer.stop_generator:
                return  # taken by a visitor before the end, or failed: the next fill renders again
            html, kernel_id = list(renderer.rendered_cache), content["kernel_id"]
            whole = "".join(html)
            if model_id_prefix(page.id) not in whole or kernel_id not in whole:
                page.failed = True  # the page did not run ahead (see the fork server's log)
                self.log.warning("The page %s could not be run ahead: each kernel runs it", page.family)
                return
            page.html, page.render_kernel = html, kernel_id
            page.kernel_name = self.km.notebook_data.get(page.name, {}).get("kernel_name", "python3")
            self.log.info("Page %s kept (%d KB): its next kernels are copies", page.family, len(whole) // 1024)

        def started(entry: asyncio.Future) -> None:
            if entry.cancelled() or entry.exception() is not None:
                page.rendering = False
                return
            content = entry.result()
            content["task"].add_done_callback(lambda task: rendered(task, content))

        entry.add_done_callback(started)

    # --- a copy --------------------------------------------------------------------------
    async def copy(self, page: Page, env: dict, on_dead, kernel_id: str | None = None) -> dict:
        """A kernel forked from the page, with the kept page: a pool entry as Voila's fill makes.
        ``on_dead(kernel_id)``: the kernel died (it is not restarted)."""
        kernel_id = kernel_id or str(uuid.uuid4())
        env = {**patches.pool_kernel_env(self.km, page.name, env), **page.env("stamp"),
               "VOILA_KERNEL_ID": kernel_id}
        try:
            await patches.start_pool_kernel(self.km, kernel_id=kernel_id, kernel_name=page.kernel_name,
                                            path=os.path.dirname(page.name), env=env)
        except PageGone:
            self.lost(page)
            raise
        self.km.add_restart_callback(kernel_id, lambda: on_dead(kernel_id), "restart")
        patches.note_pool_kernel(self.km, page.name, kernel_id)
        html = [chunk.replace(page.render_kernel, kernel_id) for chunk in page.html]
        rendered = asyncio.get_running_loop().create_future()
        rendered.set_result((html, _nothing_more()))
        return {"task": rendered, "renderer": _Copy(html), "kernel_id": kernel_id}
