"""The candidacy explorer: checkboxes and Yes / No / Not sure questions -> a list for the appointment.

Each question's answers are a radio group named by the question.

Answers live only in this widget's kernel memory; nothing is saved, sent or logged. Every
callback catches errors and shows the clinic's friendly message instead of a traceback.

The patient's own questions have a length limit the page states (``OWN_QUESTIONS_MAX_CHARS``):
a longer text is refused with words and not kept (the box goes back to what it held), and
the list is built within the download budget (takehome/downloads.py).
"""

from __future__ import annotations

import ipywidgets as w
from markupsafe import Markup

from clinic_explainer.models.candidacy import CandidacyExplorer
from clinic_explainer.pages.render import render_macro
from clinic_explainer.settings import OWN_QUESTIONS_MAX_CHARS
from clinic_explainer.takehome.answers import guidance_html, limit_words, list_file_html
from clinic_explainer.takehome.downloads import DownloadRefused
from clinic_explainer.views.base import ReadyPlaceholder, caption_html, guarded, heading_html, message_html

TEMPLATE = "candidacy.html.j2"


class CandidacyView(ReadyPlaceholder, w.VBox):
    placeholder = "candidacy"

    def __init__(self, content, page: str = "candidacy", **kwargs):
        super().__init__(**kwargs)
        self.content = content
        c, s = self.content, self.content.ui.candidacy
        self.model = CandidacyExplorer(c, page_id=page)
        full = w.Layout(width="auto", max_width="760px")
        self._concerns = {item.id: w.Checkbox(value=False, description=item.label, indent=False, layout=full)
                          for item in c.candidacy.concerns}
        self._areas = {item.id: w.Checkbox(value=False, description=item.label, indent=False, layout=full)
                       for item in c.candidacy.areas}
        options = [(s.yes, "yes"), (s.no, "no"), (s.not_sure, "not-sure")]
        # one radio group per question, named by it (a11y.js): one Tab stop, arrow keys choose
        self._questions = {q.id: w.RadioButtons(options=options, value=None, orientation="horizontal",
                                                layout=w.Layout(width="auto"))
                           for q in c.candidacy.contraindications}
        for q_id, group in self._questions.items():
            group.add_class("ce-answers")
            group.add_class(f"ce-labelledby-q-{q_id}")
        for key, box in self._concerns.items():
            box.observe(lambda ch, k=key: self._on_change(self.model.set_concern, k, ch["new"]), names="value")
        for key, box in self._areas.items():
            box.observe(lambda ch, k=key: self._on_change(self.model.set_area, k, ch["new"]), names="value")
        for key, toggle in self._questions.items():
            toggle.observe(lambda ch, k=key: self._on_change(self.model.answer, k, ch["new"]), names="value")
        self._result = w.HTML()
        self._message = w.HTML()
        self.questions_box = w.Textarea(value="", placeholder=s.own_questions_label, rows=4,
                                        tooltip=s.own_questions_label,
                                        layout=full)
        self._notes = ""  # the questions as last accepted (never longer than the limit)
        self.questions_box.observe(self._on_notes, names="value")
        self.list_button = w.Button(description=s.list_button, tooltip=s.list_button,
                                    layout=w.Layout(width="auto"))
        self.list_button.on_click(self._on_list)
        self._list = w.HTML()
        question_rows = []
        for q in c.candidacy.contraindications:
            question_rows += [w.HTML(render_macro(TEMPLATE, "question", q=q)), self._questions[q.id]]
        heading = lambda text: w.HTML(heading_html(text, level=3))  # noqa: E731
        self.add_class("ce-widget")
        self.children = [
            w.HTML(render_macro(TEMPLATE, "intro", s=s)),
            heading(s.concerns_heading), *self._concerns.values(),
            *([heading(s.areas_heading), *self._areas.values()] if self._areas else []),
            heading(s.questions_heading), *question_rows,
            self._result,
            w.HTML(render_macro(TEMPLATE, "own_questions", s=s)),
            w.HTML(caption_html(self._limit_words(s.own_questions_limit))),
            self.questions_box, self.list_button, self._list, self._message,
        ]
        self.questions_box.add_class("ce-own-questions")
        self._update()

    def placeholder_html(self) -> str:
        """The same questions as a plain form that works at once on the text-first page: the
        server gives its answers (serving/http/early.py) until the live widget takes over."""
        c, s = self.content, self.content.ui.candidacy
        empty = CandidacyExplorer(c, page_id=self.model.page_id)
        return render_macro("early.html.j2", "candidacy", c=c, page=self.model.page_id,
                            intro=Markup(render_macro(TEMPLATE, "intro", s=s)),
                            limit=Markup(caption_html(self._limit_words(s.own_questions_limit))),
                            result=Markup(guidance_html(empty.guidance(), c, empty)),
                            max_chars=OWN_QUESTIONS_MAX_CHARS)

    # -- public, for tests and notebooks -------------------------------------------------
    def tick(self, item_id: str, value: bool = True) -> None:
        (self._concerns.get(item_id) or self._areas[item_id]).value = value

    def reply(self, question_id: str, value: str | None) -> None:
        self._questions[question_id].value = value

    @property
    def result(self) -> str:
        return self._result.value

    @property
    def message(self) -> str:
        return self._message.value

    @property
    def list_link(self) -> str:
        return self._list.value

    # -- wiring ---------------------------------------------------------------------------
    def _limit_words(self, template: str) -> str:
        return limit_words(template, self.content)

    @guarded("questions")
    def _on_notes(self, change) -> None:
        text = change["new"] or ""
        if len(text) > OWN_QUESTIONS_MAX_CHARS:
            # refused, and not kept: the box goes back to what it held (the patient keeps
            # their text where they typed or pasted it from)
            self.questions_box.value = self._notes
            self._message.value = message_html(self._limit_words(self.content.ui.candidacy.own_questions_too_long),
                                               warn=True)
            return
        if text != self._notes:
            self._notes = text
            self._message.value = ""

    @guarded("answer")
    def _on_change(self, setter, key, value) -> None:
        setter(key, value)
        self._update()

    @guarded("update")
    def _update(self) -> None:
        self._result.value = guidance_html(self.model.guidance(), self.content, self.model)
        self._list.value = ""  # a list made before this change would be out of date
        self._message.value = ""

    @guarded("list")
    def _on_list(self, button=None) -> None:
        """The list for the appointment as a PDF, built in memory and offered as a download."""
        try:
            link = list_file_html(self.model, self.content, self._notes)
        except DownloadRefused as refused:
            self._list.value = ""
            self._message.value = message_html(refused.words(self.content), warn=True)
            return
        self._message.value = ""
        self._list.value = link
