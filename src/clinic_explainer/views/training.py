"""Staff training on the record: the trainee's record beside the knowledge check, and the
trainer's class view. Training mode only; in patient mode (Voila) nothing is read or written.

``TrainingRecorder`` keeps the session (models.training.SessionRecord) on the page and saves
it whole after every answer: on JupyterHub under the hub user, on one machine under the name
typed once (checked: letters only, no markup). A database that is busy, read-only or gone
gets words; the answers stay on the page and are saved at the next answer or press.

``ClassView`` shows the room live (it refreshes by itself every few seconds on the kernel's
own event loop): who started and finished today, scores, the share of the room right per
question as a chart, the most-missed question with the FAQ passage behind it and its
teach-back prompt, the training log as CSV and a certificate for each trainee who finished.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

import ipywidgets as w
from babel.dates import format_time

from clinic_explainer import settings
from clinic_explainer.models.training import NameProblem, SessionRecord, clean_name
from clinic_explainer.pages.render import render_macro
from clinic_explainer.records import training
from clinic_explainer.records.database import RecordsUnavailable, open_database
from clinic_explainer.views.base import guarded, message_html

log = logging.getLogger(__name__)
TEMPLATE = "training.html.j2"
REFRESH_SECONDS = 5.0
CSV_MIME = "text/csv"


class TrainingRecorder(w.VBox):
    """The record of one trainee's knowledge check (see the module's docstring)."""

    def __init__(self, content, content_version: str, database=None, hub_user: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.content, self.db = content, database or open_database()
        t = content.ui.training
        hub_user = settings.hub_user() if hub_user is None else hub_user
        self.record = SessionRecord(name=hub_user, hub_user=hub_user, content_version=content_version,
                                    locale=content.locale, total=len(content.quiz.questions))
        self._name = w.Text(description=t.name_label, style={"description_width": "initial"},
                            layout=w.Layout(width="auto", max_width="520px"))
        self._save = w.Button(description=t.save, layout=w.Layout(width="auto"))
        self._save.on_click(lambda _: self._on_save())
        self._message = w.HTML()
        self.add_class("ce-widget")
        self.add_class("ce-training-record")
        if hub_user:  # the hub says who this is: nothing to type
            self._message.value = render_macro(TEMPLATE, "status", text=self.content.text(t.hub_user, name=hub_user))
            self.children = [w.HTML(render_macro(TEMPLATE, "record_heading", w=t)), self._message]
        else:
            self._message.value = render_macro(TEMPLATE, "status", text=t.type_name)
            self.children = [w.HTML(render_macro(TEMPLATE, "record_heading", w=t)),
                             w.HBox([self._name, self._save]), self._message]

    # -- what the quiz tells it --------------------------------------------------------------
    def answered(self, question_id: str, chosen: str, correct: bool) -> None:
        self.record.answer(question_id, chosen, correct)
        self._store()

    def finished(self) -> None:
        self.record.finish()
        self._store()

    def restarted(self) -> None:
        """Starting again is a new attempt: a new session on the record (the last one is kept)."""
        self.record = SessionRecord(name=self.record.name, hub_user=self.record.hub_user,
                                    content_version=self.record.content_version, locale=self.record.locale,
                                    total=self.record.total)

    # -- for tests ---------------------------------------------------------------------------
    def type_name(self, name: str) -> None:
        self._name.value = name
        self._save.click()

    @property
    def message(self) -> str:
        return self._message.value

    # -- wiring ------------------------------------------------------------------------------
    @guarded("training record")
    def _on_save(self) -> None:
        try:
            name = clean_name(self._name.value)
        except NameProblem as problem:
            self._message.value = render_macro(TEMPLATE, "status", text=str(problem), warn=True)
            return
        self.record.name = name
        self._name.value = name
        self._store()

    @guarded("training record")
    def _store(self) -> None:
        t = self.content.ui.training
        if not self.record.name:
            return  # kept on the page until a name is typed
        try:
            training.save(self.db, self.record)
        except RecordsUnavailable as problem:
            self._message.value = render_macro(TEMPLATE, "status", warn=True,
                                               text=self.content.text(t.not_saved, reason=str(problem)))
            return
        self._message.value = render_macro(TEMPLATE, "status", text=self.content.text(t.saved, n=len(self.record.answers)))


class ClassView(w.VBox):
    """The trainer's live view of the room (see the module's docstring)."""

    def __init__(self, content, training_mode: bool, database=None, since: datetime | None = None,
                 refresh: float | None = REFRESH_SECONDS, **kwargs):
        super().__init__(**kwargs)
        self.content, self.db = content, database or open_database()
        self.add_class("ce-widget")
        self.add_class("ce-class-view")
        self._message = w.HTML()
        if not training_mode:  # never read staff names into a patient's page
            self.children = [w.HTML(render_macro(TEMPLATE, "staff_only", w=content.ui.training))]
            self._task = None
            return
        now = datetime.now(timezone.utc)
        self.since = since or now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=12)
        self._room = w.HTML()
        self._chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="1000px", height="auto"))
        self._chart_alt = w.HTML()
        self._missed = w.HTML()
        self._links = w.HTML()
        self.children = [self._room, self._chart, self._chart_alt, self._missed, self._links, self._message]
        self.view: training.ClassView | None = None
        self._certificates: dict[tuple, bytes] = {}  # drawn once per finished trainee, not per refresh
        self.refresh()
        self._task = None
        if refresh:
            try:
                self._task = asyncio.get_running_loop().create_task(self._every(refresh))
            except RuntimeError:  # no running loop (a plain Python test): refresh by hand
                self._task = None

    async def _every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.refresh()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    @property
    def room(self) -> str:
        return self._room.value

    @property
    def missed(self) -> str:
        return self._missed.value

    @property
    def links(self) -> str:
        return self._links.value

    @property
    def chart_png(self) -> bytes:
        return self._chart.value

    @guarded("class view")
    def refresh(self) -> None:
        c, t = self.content, self.content.ui.training
        try:
            view = training.class_view(self.db, since=self.since)
        except RecordsUnavailable as problem:
            self._message.value = message_html(str(problem), warn=True)
            return
        self._message.value = ""
        if view == self.view:
            return  # nothing new: no redraw, no bytes to the projector
        self.view = view
        self._room.value = render_macro(TEMPLATE, "room", w=t, rows=view.trainees, when=self._when)
        questions = {q.id: q for q in c.quiz.questions}
        rows = [(questions[q.question_id].prompt if q.question_id in questions else q.question_id, q.share_right,
                 q.answered) for q in view.questions]
        from clinic_explainer.charts.class_chart import class_chart_png  # matplotlib: staff pages only

        self._chart.value = class_chart_png(rows, t.chart_axis, t.none_yet)
        self._chart_alt.value = message_html(c.text(t.chart_alt, label="; ".join(
            f"{prompt} {share * 100:.0f}%" for prompt, share, _ in rows))) if rows else ""
        self._missed.value = self._missed_html(view, questions)
        self._links.value = self._links_html(view)

    def _when(self, moment: datetime) -> str:
        return format_time(moment.astimezone(), format="short", locale=self.content.locale)

    def _missed_html(self, view, questions) -> str:
        if not view.questions or view.questions[0].share_right >= 1.0:
            return ""
        q = questions.get(view.questions[0].question_id)
        if q is None:
            return ""
        c, t = self.content, self.content.ui.training
        return render_macro(TEMPLATE, "missed", w=t, title=c.text(t.most_missed, label=f"{round(100 * view.questions[0].share_right)}%"), prompt=q.prompt,
                            passage=q.passage, faq_question=c.faq[q.faq].front.question, teach_back=q.teach_back or "")

    def _links_html(self, view) -> str:
        from clinic_explainer.takehome.certificate import certificate_filename, certificate_pdf

        c, t = self.content, self.content.ui.training
        csv = training.log_csv(self.db).encode()
        links = [(t.log_link, csv, "training-log.csv", CSV_MIME)]
        for row in view.trainees:
            if row.finished_at is not None:
                key = (row.name, row.finished_at, row.score, row.total, row.content_version)
                if key not in self._certificates:  # WeasyPrint: about half a second each
                    self._certificates[key] = certificate_pdf(c, *key)
                pdf = self._certificates[key]
                links.append((c.text(t.certificate_link, name=row.name), pdf,
                              certificate_filename(row.name, row.finished_at), "application/pdf"))
        return render_macro("macros.html.j2", "download_list", links=links)
