"""The staff knowledge check: one question at a time, scoring and what to review (pure model).

The answer key stays here, in the kernel: the view shows only the options, and asks this
model whether an answer is right after the user has answered. ``answer_key`` and
``model_answers`` lay the whole key out for the trainers' printed answer key (takehome/)
and the questions patients often ask (patient_questions.yml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clinic_explainer.content import Content
from clinic_explainer.content.schema import PatientQuestion, QuizQuestion


@dataclass(frozen=True)
class Feedback:
    question: QuizQuestion
    chosen: int
    correct: bool
    right_option: str
    explanation: str
    passage: str
    faq_title: str
    teach_back: str | None


@dataclass
class QuizSession:
    content: Content
    position: int = 0
    results: dict[str, bool] = field(default_factory=dict)

    @property
    def questions(self) -> list[QuizQuestion]:
        return self.content.quiz.questions

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def finished(self) -> bool:
        return self.position >= self.total

    @property
    def score(self) -> int:
        return sum(self.results.values())

    def current(self) -> QuizQuestion:
        if self.finished:
            raise IndexError("the quiz is finished")
        return self.questions[self.position]

    def options(self, question: QuizQuestion | None = None) -> list[str]:
        q = question or self.current()
        if q.kind == "true-false":
            return [self.content.ui.quiz.true_label, self.content.ui.quiz.false_label]
        return list(q.choices)

    @property
    def answered(self) -> bool:
        return not self.finished and self.current().id in self.results

    def answer(self, chosen: int) -> Feedback:
        """Record the first answer to the current question and say whether it was right."""
        q = self.current()
        options = self.options(q)
        if not isinstance(chosen, int) or isinstance(chosen, bool) or not 0 <= chosen < len(options):
            raise ValueError(f"choose an option from 0 to {len(options) - 1}")
        correct = chosen == q.correct_index
        self.results.setdefault(q.id, correct)  # a second try does not change the score
        return Feedback(q, chosen, correct, options[q.correct_index], q.explanation, q.passage,
                        self.content.faq[q.faq].front.question, q.teach_back)

    def next(self) -> None:
        if not self.answered:
            raise RuntimeError("answer the question before moving on")
        self.position += 1

    def to_review(self) -> list[str]:
        """FAQ ids of the questions answered wrongly, in FAQ order, each once."""
        wrong = {q.faq for q in self.questions if self.results.get(q.id) is False}
        return [sid for sid in self.content.faq if sid in wrong]

    def restart(self) -> None:
        self.position = 0
        self.results.clear()


@dataclass(frozen=True)
class KeyEntry:
    """One question of the printed answer key."""

    number: int  # as the quiz numbers it ("Question 2 of 20")
    question: QuizQuestion
    options: list[str]
    right_option: str
    faq_title: str


@dataclass(frozen=True)
class ModelAnswer:
    """A question patients often ask, its model answer and what the answer draws on."""

    question: PatientQuestion
    drawn_from: list[str]  # the FAQ questions, then the sources of the notes, each once


def answer_key(content: Content) -> list[KeyEntry]:
    session = QuizSession(content)
    out = []
    for n, q in enumerate(session.questions, start=1):
        options = session.options(q)
        out.append(KeyEntry(n, q, options, options[q.correct_index], content.faq[q.faq].front.question))
    return out


def model_answers(content: Content) -> list[ModelAnswer]:
    notes = {n.id: n for n in content.evidence.notes}
    out = []
    for q in content.patient_questions.questions:
        sources = [content.sources[s].title for n in q.notes if n in notes for s in notes[n].sources
                   if s in content.sources]
        out.append(ModelAnswer(q, list(dict.fromkeys([content.faq[f].front.question for f in q.faq] + sources))))
    return out
