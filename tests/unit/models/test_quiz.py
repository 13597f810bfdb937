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


def test_scenario_questions_and_no_throwaway_options(content):
    """Issue 17: at least four "A patient ..." scenarios (Accutane, make-up, day 3, how many
    treatments), three choices to a multiple-choice question, and none of the old options
    nobody would pick."""
    qs = {q.id: q for q in content.quiz.questions}
    scenarios = [q for q in qs.values() if q.prompt.startswith("A patient")]
    assert len(scenarios) >= 4
    assert {"not-suitable", "make-up-tomorrow", "smoother-skin", "how-many-treatments"} <= {q.id for q in scenarios}
    assert "Accutane" in qs["not-suitable"].prompt and "day 3" in qs["smoother-skin"].prompt
    options = [c for q in qs.values() for c in q.choices]
    assert all(len(q.choices) >= 3 for q in qs.values() if q.kind == "choice")
    for obvious in ("A night in hospital", "Never", "Skin stops ageing", "It is permanent", "Extra fat under the skin"):
        assert obvious not in options
    # where the FAQ is silent (make-up, a number of treatments), the right answer sends the
    # patient to the clinician or dermatologist, and guesses either way are the wrong options
    assert "clinician" in qs["make-up-tomorrow"].choices[qs["make-up-tomorrow"].answer]
    assert "dermatologist" in qs["how-many-treatments"].choices[qs["how-many-treatments"].answer]


def test_every_choice_fits_one_line_of_the_radio_group(content):
    """The answer buttons are one line high (ipywidgets' radio items): a longer choice wraps
    into the next one, in JupyterLab beside the teach-back prompt (about 55 characters wide)."""
    too_long = [(q.id, c) for q in content.quiz.questions for c in q.choices if len(c) > 52]
    assert too_long == []


def test_explanations_give_only_numbers_of_the_faq_or_its_sourced_notes(content):
    """An explanation may add a sourced note ("about three sessions") but no number of its own."""
    from clinic_explainer.content.crossref import numbers

    notes = " ".join(n.text for n in content.evidence.notes)
    for q in content.quiz.questions:
        said = set(numbers(content.faq[q.faq].body + " " + notes))
        assert set(numbers(q.explanation)) <= said, q.id


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
    for secret in (q.explanation, q.passage, "ce-right", "ce-wrong"):
        assert secret not in before
    # the key words are in the right option by design (quiz.yml), and nowhere else on the page
    for option in view.options:
        before = before.replace(json.dumps(option)[1:-1], "")
    assert q.answer_evidence.lower() not in before.lower()
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
    edit(tree, QUIZ, "      - Only if it is done around the eyes\n    answer: 1",
         "      - Only if it is done around the eyes\n    answer: 2")
    msg = load_error(tree)
    assert "quiz.yml" in msg and "field 'questions[0].answer_evidence'" in msg and "not in the right choice" in msg


def test_true_false_key_must_agree_with_the_statement(tree):
    prompt = "    prompt: Sunscreen matters after micro-needling only if the patient will spend the day outdoors.\n"
    edit(tree, QUIZ, prompt + "    answer: false", prompt + "    answer: true")
    assert "the statement must contain 'highly recommended'" in load_error(tree)


def test_unknown_faq_id_in_quiz(tree):
    edit(tree, QUIZ, "    faq: benefits", "    faq: benefit")
    msg = load_error(tree)
    assert "unknown FAQ id 'benefit'" in msg and "quiz.yml" in msg
