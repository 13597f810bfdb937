"""The knowledge check: answer keys proved by the FAQ, scoring, review list, no key in the browser."""

from __future__ import annotations

import json

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.models.quiz import QuizSession
from clinic_explainer.views.quiz import QuizView, teach_back_prompts

from tests.content_tree import edit, load_error

QUIZ = "microneedling/en/quiz.yml"


def squash(text: str) -> str:
    return " ".join(text.lower().split())


def test_enough_questions_covering_every_faq_section(content):
    qs = content.quiz.questions
    assert len(qs) >= 12
    assert {q.faq for q in qs} == set(content.faq)
    assert {q.kind for q in qs} == {"choice", "true-false"}
    assert any("12" in (q.teach_back or "") and "48 hours" in q.teach_back for q in qs)


@pytest.mark.parametrize("index", range(len(content_mod.load().quiz.questions)))
def test_answer_key_is_proved_by_the_faq_passage(content, index):
    q = content.quiz.questions[index]
    body = squash(content.faq[q.faq].body)
    assert squash(q.passage) in body, f"{q.id}: passage not in FAQ '{q.faq}'"
    assert squash(q.answer_evidence) in squash(q.passage), f"{q.id}: evidence not in passage"
    if q.kind == "choice":
        right = q.choices[q.answer]
        assert squash(q.answer_evidence) in squash(right), f"{q.id}: right choice lacks the evidence"
        others = [c for j, c in enumerate(q.choices) if j != q.answer]
        assert not any(squash(q.answer_evidence) in squash(c) for c in others), f"{q.id}: evidence in a wrong choice"
    else:
        assert isinstance(q.answer, bool)
        assert (squash(q.answer_evidence) in squash(q.prompt)) == q.answer, f"{q.id}: statement and key disagree"


def test_all_right_scores_full_marks_and_nothing_to_review(content):
    session = QuizSession(content)
    while not session.finished:
        feedback = session.answer(session.current().correct_index)
        assert feedback.correct
        session.next()
    assert session.score == session.total and session.to_review() == []


def test_all_wrong_lists_every_faq_section_to_review_in_faq_order(content):
    session = QuizSession(content)
    while not session.finished:
        q = session.current()
        feedback = session.answer((q.correct_index + 1) % len(session.options(q)))
        assert not feedback.correct and feedback.right_option == session.options(q)[q.correct_index]
        assert feedback.passage == q.passage and feedback.explanation == q.explanation
        session.next()
    assert session.score == 0
    assert session.to_review() == list(content.faq)


def test_second_try_does_not_change_the_score_and_next_needs_an_answer(content):
    session = QuizSession(content)
    with pytest.raises(RuntimeError):
        session.next()
    q = session.current()
    session.answer((q.correct_index + 1) % len(session.options(q)))
    session.answer(q.correct_index)
    assert session.score == 0
    with pytest.raises(ValueError):
        session.answer(99)
    session.next()
    assert session.position == 1
    session.restart()
    assert session.position == 0 and session.results == {}


def test_true_false_options_come_from_the_locale(content):
    session = QuizSession(content)
    tf = next(q for q in content.quiz.questions if q.kind == "true-false")
    assert session.options(tf) == [content.ui.quiz.true_label, content.ui.quiz.false_label]


def widget_state(view) -> str:
    """Everything the widgets would send to the browser."""
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    return json.dumps([child.get_state() for child in walk(view)], default=str)


def test_answer_key_stays_in_the_kernel_until_answered(content):
    view = QuizView(content=content)
    q = content.quiz.questions[0]
    before = widget_state(view)
    for secret in (q.explanation, q.passage, q.answer_evidence, "ce-right", "ce-wrong"):
        assert secret not in before
    assert '"answer"' not in before and "correct" not in before.lower()
    view.choose(q.correct_index)
    view.check()
    assert q.explanation in view.feedback and q.passage in view.feedback
    assert content.ui.quiz.correct in view.feedback


def test_view_walks_through_the_quiz_and_ends_with_score_and_review(content):
    view = QuizView(content=content)
    view.check()
    assert content.ui.quiz.choose_first in view.message
    total = len(content.quiz.questions)
    for i, q in enumerate(content.quiz.questions):
        assert view.options == tuple(view.session.options(q))
        view.choose(q.correct_index if i else (q.correct_index + 1) % len(view.options))
        view.check()
        if i == 0:
            assert content.ui.quiz.incorrect in view.feedback
        view.next()
    summary = view._prompt.value
    assert content.text(content.ui.quiz.score, score=total - 1, total=total) in summary
    assert content.ui.quiz.review_heading in summary
    assert content.faq[content.quiz.questions[0].faq].front.question in summary
    view.restart()
    assert view.session.position == 0 and view.feedback == ""


def test_teach_back_only_in_training_mode(content, monkeypatch):
    q_index = next(i for i, q in enumerate(content.quiz.questions) if q.teach_back)
    prompt = content.quiz.questions[q_index].teach_back

    def answer_up_to_teach_back():
        view = QuizView(content=content)
        for _ in range(q_index):
            view.choose(0)
            view.check()
            view.next()
        view.choose(0)
        view.check()
        return view

    monkeypatch.setenv("CLINIC_EXPLAINER_MODE", "training")
    view = answer_up_to_teach_back()
    # beside its own question, numbered as the quiz numbers it
    number = content.text(content.ui.quiz.progress, n=q_index + 1, total=len(content.quiz.questions))
    assert prompt in view.teach_back and number in view.teach_back
    assert f"<strong>{number}:</strong>" in teach_back_prompts(content).data
    assert prompt in teach_back_prompts(content).data
    monkeypatch.setenv("CLINIC_EXPLAINER_MODE", "patient")
    view = answer_up_to_teach_back()
    assert prompt not in view.feedback and view.teach_back == ""
    assert teach_back_prompts(content).data == ""


def test_a_failing_callback_shows_the_friendly_message(content, monkeypatch):
    view = QuizView(content=content)
    monkeypatch.setattr(view.session, "answer", lambda i: 1 / 0)
    view.choose(0)
    view.check()
    assert content.ui.error_generic in view.message and "ZeroDivision" not in view.message


def test_passage_not_in_the_faq_names_file_field_and_line(tree):
    edit(tree, QUIZ, "    passage: Protecting your skin with sunscreen is highly recommended.",
         "    passage: Protecting your skin with sunscreen is highly recommended every hour.")
    msg = load_error(tree)
    lines = (tree / QUIZ).read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "every hour" in text)
    index = [q.id for q in content_mod.load().quiz.questions].index("sunscreen")
    assert "quiz.yml" in msg and f"line {line}" in msg
    assert f"field 'questions[{index}].passage'" in msg and "not an exact quote" in msg and "after-treatment" in msg


def test_wrong_answer_key_is_caught_at_load(tree):
    edit(tree, QUIZ, "      - Virtually no downtime\n      - A night in hospital\n    answer: 1",
         "      - Virtually no downtime\n      - A night in hospital\n    answer: 2")
    msg = load_error(tree)
    assert "quiz.yml" in msg and "field 'questions[0].answer_evidence'" in msg and "not in the right choice" in msg


def test_true_false_key_must_agree_with_the_statement(tree):
    edit(tree, QUIZ, "    prompt: Sunscreen is not needed after micro-needling.\n    answer: false",
         "    prompt: Sunscreen is not needed after micro-needling.\n    answer: true")
    assert "the statement must contain 'highly recommended'" in load_error(tree)


def test_unknown_faq_id_in_quiz(tree):
    edit(tree, QUIZ, "    faq: benefits", "    faq: benefit")
    msg = load_error(tree)
    assert "unknown FAQ id 'benefit'" in msg and "quiz.yml" in msg
