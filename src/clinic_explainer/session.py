"""The page a notebook opens: its language resolved once, at the top, and its content loaded once.

Every notebook starts with ``page = open_page("recovery")``; every later cell asks ``page``
for a part (``page.faq()``, ``page.timeline()``, ``page.footer()``). Nothing below this
layer reads the request: the language and the content are passed down as arguments.

The language is the ``lang`` of the page's address (``?lang=es``), which Voila puts in the
kernel's environment (QUERY_STRING). A kernel preheated *in* a language (serving's pool)
has it in CLINIC_EXPLAINER_LOCALE. Any other preheated kernel runs the notebook before anyone
asks for it, so its first cell waits for the request: ``_wait_for_request`` speaks the
protocol of ``voila.utils.wait_for_request`` (Voila 0.5) without importing Voila into the
kernel (about 2 s of CPU a visitor would wait for). While it waits, a thread imports the
widgets and reads every language's content, so a visitor who comes at once never waits for it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from IPython.display import HTML, display

from clinic_explainer import settings
from clinic_explainer import content as content_mod
from clinic_explainer.content import Content
from clinic_explainer.pages import blocks

_asked: list[str | None] = []


def _warm_up(root) -> None:
    try:
        from clinic_explainer.views import timeline  # noqa: F401  (imports ipywidgets)

        for locale in content_mod.locales(root):
            content_mod.load(root, locale=locale)
    except Exception:  # noqa: BLE001 - a content error is reported when the page loads it
        pass


def _wait_for_request(timeout: float = 5) -> None:
    """Block until Voila hands this preheated kernel its visitor's request; put the request's
    details (QUERY_STRING, ...) in os.environ. Same protocol as voila.utils.wait_for_request."""
    import asyncio
    import json

    import websockets

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}")
    result: list[str] = []

    async def receive() -> None:
        async with websockets.connect(url, open_timeout=timeout) as ws:
            result.append(await ws.recv())

    def run() -> None:
        try:
            asyncio.new_event_loop().run_until_complete(receive())
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
            pass  # no request details: the page uses the clinic's default language

    thread = threading.Thread(target=run)  # the kernel's own event loop is busy running this cell
    thread.start()
    thread.join()
    if result:
        os.environ.update({str(k): str(v) for k, v in json.loads(result[0]).items()})


def asked_locale(root=None) -> str | None:
    """The language this kernel's page is in, or None for the clinic's default (read once per
    kernel: one kernel serves one visit)."""
    if not _asked:
        preheated = settings.preheated_locale()
        if preheated is None and settings.is_preheating():
            threading.Thread(target=_warm_up, args=(root,), daemon=True).start()
            _wait_for_request()
        _asked.append(preheated or settings.lang_of_query(os.environ.get("QUERY_STRING", "")))
    return _asked[0]


def page_locale(root=None) -> str | None:
    """The asked language if the clinic has it (interface words and content), else None."""
    asked = asked_locale(root)
    if asked is None:
        return None
    root = (root or settings.content_root()).resolve()
    return asked if (root / "locales" / f"{asked}.yml").exists() else None


@dataclass
class PageSession:
    """One page of the series, in one language and one mode; each method returns a display
    object (or a widget) for one cell."""

    page_id: str
    content: Content
    training: bool

    def header(self) -> HTML:
        return blocks.header(self.page_id, self.content, training=self.training)

    def contents(self) -> HTML:
        return blocks.contents(self.page_id, self.content)

    def faq(self) -> HTML:
        return blocks.faq(self.page_id, self.content)

    def faq_part(self, *section_ids: str, folded: bool = False) -> HTML:
        return blocks.faq_part(*section_ids, c=self.content, folded=folded)

    def how_to_use(self) -> HTML:
        return blocks.how_to_use(self.page_id, self.content)

    def series(self) -> HTML:
        return blocks.series(self.content)

    def trainer_notes(self) -> HTML:
        return blocks.trainer_notes(self.page_id, self.content, training=self.training)

    def footer(self) -> _Footer:
        return _Footer(self)

    # the interactive tools (imported when a page shows one)
    def start_here(self):
        from clinic_explainer.views.index import StartHereView

        return StartHereView(self.content)

    def skin(self):
        from clinic_explainer.views.skin import SkinView

        return SkinView(self.content)

    def candidacy(self):
        from clinic_explainer.views.candidacy import CandidacyView

        page = self.page_id if self.page_id == settings.EXPLAINER_PAGE else "candidacy"
        return CandidacyView(self.content, page=page)

    def timeline(self):
        from clinic_explainer.views.timeline import TimelineView

        view = TimelineView(self.content)
        return _MainTool(self, view) if self.content.page(self.page_id).tool == "timeline" else view

    def results(self):
        from clinic_explainer.views.results import ResultsView

        return ResultsView(self.content)

    def quiz(self):
        """The knowledge check; in training mode with the trainee's record above it."""
        from clinic_explainer.views.quiz import QuizView

        if not self.training:
            return QuizView(self.content, training=False)
        import ipywidgets as w

        from clinic_explainer.content import content_version
        from clinic_explainer.views.training import TrainingRecorder

        recorder = TrainingRecorder(self.content, content_version(self.content.root))
        return w.VBox([recorder, QuizView(self.content, training=True, recorder=recorder)])

    def class_view(self):
        """The trainer's live view of the room: staff only (JupyterLab, the hub, or Voila on the
        staff address `make preview`); one line of words on the patients' server."""
        from clinic_explainer.views.training import ClassView

        return ClassView(self.content, training_mode=self.training or settings.is_preview())

    def review_desk(self):
        """The clinician's review desk: staff only, like the class view."""
        from clinic_explainer.views.review_desk import ReviewDesk

        return ReviewDesk(self.content, staff=self.training or settings.is_preview())

    def patient_questions(self) -> HTML:
        """Questions patients often ask, each model answer folded away until the trainee opens it."""
        from clinic_explainer.views.quiz import patient_questions

        return patient_questions(self.content)


class _MainTool:
    """A page's main tool under its own heading (in the outline, the contents and the skip
    link's target); the heading is plain HTML, there before the widget client."""

    def __init__(self, page: PageSession, view):
        self.view = view
        self.heading = HTML(blocks.tool_heading_html(page.content))

    def _ipython_display_(self):
        display(self.heading)
        display(self.view)


class _Footer:
    """The "Print or save as PDF" button, then the footer's HTML (kept static, not a widget)."""

    def __init__(self, page: PageSession):
        self.page = page
        self.html = HTML(blocks.footer_html(page.page_id, page.content))

    def _ipython_display_(self):
        from clinic_explainer.views.printing import PrintView

        display(PrintView(self.page.content))
        display(self.html)


def open_page(page_id: str, root=None) -> PageSession:
    """The notebook's first cell: resolve the language (waiting for the visitor's request in a
    preheated kernel), load the content once, show the page's header; returns the page."""
    c = content_mod.load(root, locale=page_locale(root))
    training = settings.is_training_mode()
    if training or settings.is_preview():  # staff see every draft, marked
        c = c.for_staff()
    page = PageSession(page_id, c, training)
    display(page.header())
    return page
