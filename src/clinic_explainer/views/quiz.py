"""The knowledge check widget: one question at a time, feedback, score, what to review.

The answer key never leaves the kernel: the page gets the options only, and the
explanation and FAQ passage are sent after the user answers. Teach-back prompts and the
trainers' answer key (a PDF built on a click) are offered in training mode only (JupyterLab),
never in patient mode (Voila). The questions patients often ask come with their model answers
folded away (``patient_questions``), so a trainee answers first.
"""

from __future__ import annotations

import ipywidgets as w
from IPython.display import HTML

from clinic_explainer.models.quiz import Feedback, QuizSession, model_answers
from clinic_explainer.pages.render import render_macro
from clinic_explainer.pages.urls import faq_href
from clinic_explainer.settings import is_training_mode
from clinic_explainer.takehome.calendar import ready_html
from clinic_explainer.takehome.downloads import PDF_MIME
from clinic_explainer.views.base import ReadyPlaceholder, caption_html, guarded, heading_html

PAGE_ID = "knowledge-check"
TEMPLATE = "quiz.html.j2"


def feedback_html(fb: Feedback, c) -> str:
    return render_macro(TEMPLATE, "feedback", c=c, fb=fb)


def summary_html(session: QuizSession, c) -> str:
    s = c.ui.quiz
    review = [(faq_href(c, PAGE_ID, sid), c.faq[sid].front.question) for sid in session.to_review()]
    return render_macro(TEMPLATE, "summary", s=s, score=c.text(s.score, score=session.score, total=session.total),
                        review=review)


def teach_back_html(prompt: str | None, progress: str, c) -> str:
    """The current question's teach-back prompt, for the trainer, beside the question."""
    if not prompt:
        return ""
    return render_macro(TEMPLATE, "teach_back", s=c.ui.quiz, prompt=prompt, progress=progress)


def teach_back_prompts(c, training: bool | None = None) -> HTML:
    """Every teach-back prompt, for the trainer; empty in patient mode."""
    if not (is_training_mode() if training is None else training):
        return HTML("")
    s = c.ui.quiz
    total = len(c.quiz.questions)
    # numbered as the quiz numbers its questions ("Question 2 of 19"), so they line up
    prompts = [(c.text(s.progress, n=n, total=total), q.prompt, q.teach_back)
               for n, q in enumerate(c.quiz.questions, start=1) if q.teach_back]
    return HTML(render_macro(TEMPLATE, "teach_back_prompts", s=s, prompts=prompts))


def patient_questions_html(c) -> str:
    """Each question patients often ask, its model answer behind a disclosure."""
    s = c.ui.quiz
    items = [(m.question.question, m.question.answer, m.question.faq_silent,
              c.text(s.draws_on, label=" · ".join(m.drawn_from))) for m in model_answers(c)]
    return render_macro("patient_questions.html.j2", "patient_questions", s=s, items=items)


def patient_questions(c) -> HTML:
    return HTML(patient_questions_html(c))


class QuizView(ReadyPlaceholder, w.VBox):
    placeholder = "quiz"

    def __init__(self, content, training: bool | None = None, recorder=None, **kwargs):
        super().__init__(**kwargs)
        self.training = is_training_mode() if training is None else training
        # the trainee's record (views/training.TrainingRecorder), training mode only
        self.recorder = recorder if self.training else None
        self.content = content
        self.session = QuizSession(self.content)
        s = self.content.ui.quiz
        self._progress = w.HTML()
        self._prompt = w.HTML()
        self._choices = w.RadioButtons(options=[], value=None, layout=w.Layout(width="auto", max_width="760px"))
        self._choices.add_class("ce-quiz-choices")  # long answers wrap (style.css), never overlap
        self._choices.add_class("ce-labelledby-quiz-prompt")  # a radio group named by the question
        self._check = w.Button(description=s.check, button_style="primary", layout=w.Layout(width="auto"))
        self._next = w.Button(description=s.next, layout=w.Layout(width="auto", display="none"))
        self._restart = w.Button(description=s.restart, layout=w.Layout(width="auto", display="none"))
        self._feedback = w.HTML()
        self._message = w.HTML()
        self._check.on_click(lambda _: self._safe(self._on_check))
        self._next.on_click(lambda _: self._safe(self._on_next))
        self._restart.on_click(lambda _: self._safe(self._on_restart))
        self.add_class("ce-widget")
        self.add_class("ce-quiz")
        self._teach = w.HTML()
        question = w.VBox([self._progress, self._prompt, self._choices, w.HBox([self._check, self._next, self._restart])])
        if self.training:  # the trainer's teach-back prompt beside its own question
            row = w.HBox([question, self._teach])
            row.add_class("ce-quiz-row")
            question = row
        self.children = [w.HTML(heading_html(s.heading)), question, self._feedback,
                         self._message]
        self._key_link = w.HTML()
        if self.training:  # the trainers' answer key, never offered in patient mode
            self._key = w.Button(description=s.key_button, tooltip=s.key_button, icon="key",
                                 layout=w.Layout(width="auto", align_self="flex-start"))
            self._key.on_click(lambda _: self._safe(self._on_key))
            self.children += (self._key, self._key_link)
        self._safe(self._show_question)

    # -- public, for tests ------------------------------------------------------------------
    def choose(self, index: int) -> None:
        self._choices.index = index

    def check(self) -> None:
        self._check.click()

    def next(self) -> None:
        self._next.click()

    def restart(self) -> None:
        self._restart.click()

    @property
    def feedback(self) -> str:
        return self._feedback.value

    @property
    def message(self) -> str:
        return self._message.value

    @property
    def teach_back(self) -> str:
        return self._teach.value

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self._choices.options)

    def answer_key(self) -> None:
        """Press "Answer key for trainers (PDF)" (training mode only)."""
        self._key.click()

    @property
    def key_link(self) -> str:
        return self._key_link.value

    # -- wiring -----------------------------------------------------------------------------
    @guarded("quiz")
    def _safe(self, fn) -> None:
        fn()

    def _show_question(self) -> None:
        c, s, session = self.content, self.content.ui.quiz, self.session
        self._message.value = ""
        self._feedback.value = ""
        self._teach.value = ""
        if session.finished:
            self._progress.value = ""
            self._prompt.value = summary_html(session, c)
            self._choices.layout.display = "none"
            self._check.layout.display = self._next.layout.display = "none"
            self._restart.layout.display = None
            self._restart.focus()
            return
        q = session.current()
        progress = c.text(s.progress, n=session.position + 1, total=session.total)
        self._progress.value = caption_html(progress)
        if self.training:
            self._teach.value = teach_back_html(q.teach_back, progress, c)
        self._prompt.value = render_macro(TEMPLATE, "prompt", text=q.prompt)
        self._choices.options = session.options(q)
        self._choices.value = None
        self._choices.disabled = False
        self._choices.description = ""
        self._choices.layout.display = None
        self._check.layout.display = None
        self._check.disabled = False
        self._next.layout.display = self._restart.layout.display = "none"

    def _on_check(self) -> None:
        if self.session.finished or self.session.answered:
            return
        if self._choices.index is None:
            self._message.value = render_macro(TEMPLATE, "choose_first", text=self.content.ui.quiz.choose_first)
            return
        chosen = self._choices.options[self._choices.index]
        fb = self.session.answer(self._choices.index)
        self._message.value = ""
        self._feedback.value = feedback_html(fb, self.content)
        if self.recorder is not None:
            self.recorder.answered(fb.question.id, str(chosen), fb.correct)
        self._choices.disabled = True
        self._check.layout.display = "none"
        last = self.session.position == self.session.total - 1
        self._next.description = self.content.ui.quiz.finish if last else self.content.ui.quiz.next
        self._next.layout.display = None
        self._next.focus()

    def _on_next(self) -> None:
        self.session.next()
        if self.session.finished and self.recorder is not None:
            self.recorder.finished()
        self._show_question()
        if not self.session.finished:
            self._choices.focus()

    def _on_key(self) -> None:
        from clinic_explainer.takehome.answer_key import (  # WeasyPrint: on the click only
            FILENAME,
            answer_key_pdf,
        )

        s = self.content.ui.quiz
        self._key_link.value = ""
        pdf = answer_key_pdf(self.content)
        self._key_link.value = ready_html(s.key_ready, pdf, s.key_link, FILENAME, PDF_MIME)

    def _on_restart(self) -> None:
        self.session.restart()
        if self.recorder is not None:
            self.recorder.restarted()
        self._show_question()
        self._choices.focus()
