"""Questions patients often ask (patient_questions.yml): model answers drawn only from the FAQ
and its sourced notes, checked like the quiz, each problem named by file, field and line."""

from __future__ import annotations

import os

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.content.crossref import numbers, squash
from clinic_explainer.models.quiz import model_answers
from tests.content_tree import edit, line_of, load_error

PQ = "microneedling/en/patient_questions.yml"


def test_the_questions_patients_ask_most_are_answered(content):
    asked = {q.question for q in content.patient_questions.questions}
    assert {"Does it hurt?", "Can I wear make-up tomorrow?", "How many treatments will I need?",
            "When will I see results?", "Can I have it if I'm pregnant?"} <= asked


def test_every_model_answer_is_proved_by_the_texts_it_names(content):
    notes = {n.id: n for n in content.evidence.notes}
    for q in content.patient_questions.questions:
        texts = [squash(content.faq[f].body) for f in q.faq] + [squash(notes[n].text) for n in q.notes]
        for quote in q.evidence:
            assert any(squash(quote) in t for t in texts), f"{q.id}: {quote!r}"
        assert set(numbers(q.answer)) <= {n for t in texts for n in numbers(t)}, q.id


def test_where_the_faq_is_silent_the_answer_sends_the_patient_to_the_clinician(content):
    pq = content.patient_questions
    silent = {q.id for q in pq.questions if q.faq_silent}
    assert {"does-it-hurt", "make-up-tomorrow", "how-many-treatments", "pregnant"} <= silent
    for q in pq.questions:
        if q.faq_silent:
            assert pq.ask_clinician.lower() in q.answer.lower(), q.id
    # no FAQ answer speaks of pregnancy, pain or make-up: those answers must not pretend it does
    faq = " ".join(s.body.lower() for s in content.faq.values())
    assert "pregnan" not in faq and "make-up" not in faq and "hurt" not in faq


def test_model_answers_name_what_they_draw_on(content):
    answers = {m.question.id: m for m in model_answers(content)}
    assert answers["when-results"].drawn_from == [content.faq["results"].front.question]
    how_many = answers["how-many-treatments"].drawn_from
    assert how_many[0] == content.faq["results"].front.question
    assert any("Alam M" in source for source in how_many[1:])  # the sourced note's study


def test_a_language_without_the_file_uses_the_default_languages():
    es = content_mod.load(locale="es")
    assert not (es.root / "microneedling/es/patient_questions.yml").exists()
    assert [q.id for q in es.patient_questions.questions] == [q.id for q in content_mod.load().patient_questions.questions]


def _index(qid: str) -> int:
    return [q.id for q in content_mod.load().patient_questions.questions].index(qid)


def test_an_evidence_quote_not_in_the_faq_names_file_field_and_line(tree):
    edit(tree, PQ, "      - However, every patient is different.\n      - In one study",
         "      - However, every patient is different and needs six sessions.\n      - In one study")
    msg = load_error(tree)
    i = _index("how-many-treatments")
    line = line_of(tree, PQ, "needs six sessions")
    assert f"patient_questions.yml, line {line}, field 'questions[{i}].evidence[0]'" in msg
    assert "is not word for word" in msg and "'results'" in msg


def test_a_model_answer_quoting_words_not_in_the_faq_fails(tree):
    edit(tree, PQ, "      Our FAQ does not talk about pregnancy,",
         '      Our FAQ says "micro-needling is safe in pregnancy", but')
    msg = load_error(tree)
    i = _index("pregnant")
    line = line_of(tree, PQ, "safe in pregnancy")
    assert f"field 'questions[{i}].answer'" in msg and "'micro-needling is safe in pregnancy'" in msg
    assert f"patient_questions.yml, line {line}" in msg or f"patient_questions.yml, line {line - 1}" in msg


def test_a_model_answer_quoting_the_faq_exactly_passes(tree):
    edit(tree, PQ, "      Our FAQ does not talk about pregnancy,",
         '      The FAQ says "Only a board-certified dermatologist can determine your specific candidacy", and it does not talk about pregnancy,')
    assert content_mod.load(tree).patient_questions is not None


def test_a_number_the_faq_does_not_give_fails(tree):
    edit(tree, PQ, "gone within 12 to 48 hours", "gone within 12 to 72 hours")
    msg = load_error(tree)
    i = _index("how-long-red")
    assert f"field 'questions[{i}].answer'" in msg and "the number(s) 72" in msg and "patient_questions.yml, line" in msg


def test_unknown_faq_id_names_file_field_and_line(tree):
    edit(tree, PQ, "    faq: [candidates]\n    evidence:\n      - Only a board-certified dermatologist can determine your specific candidacy for",
         "    faq: [candidacy]\n    evidence:\n      - Only a board-certified dermatologist can determine your specific candidacy for")
    msg = load_error(tree)
    i = _index("pregnant")
    assert f"patient_questions.yml, line {line_of(tree, PQ, 'faq: [candidacy]')}, field 'questions[{i}].faq[0]'" in msg
    assert "unknown FAQ id 'candidacy'" in msg


def test_unknown_evidence_note_id(tree):
    edit(tree, PQ, "    notes: [course-of-sessions]", "    notes: [three-sessions]")
    msg = load_error(tree)
    assert "unknown evidence note id 'three-sessions'" in msg and "patient_questions.yml" in msg


def test_silent_faq_without_ask_the_clinician_fails(tree):
    edit(tree, PQ, "so please ask your clinician before you book.\n      Only",
         "so please check with the front desk.\n      Only")
    msg = load_error(tree)
    i = _index("pregnant")
    assert f"field 'questions[{i}].answer'" in msg and "must say 'ask your clinician'" in msg
    assert "patient_questions.yml, line" in msg


def test_an_faq_edit_is_reported_in_the_faq_file(tree):
    """The nurse changes the answer (saved last): the FAQ file is named, with the model answer's place."""
    faq = tree / "microneedling/en/faq/04-after-treatment.md"
    edit(tree, "microneedling/en/faq/04-after-treatment.md", "Protecting your skin with sunscreen is highly\nrecommended.",
         "Protecting your skin with sunscreen is recommended.")
    later = (tree / PQ).stat().st_mtime_ns + 10**9
    os.utime(faq, ns=(later, later))
    msg = load_error(tree)
    assert "04-after-treatment.md" in msg and "no longer says 'Protecting your skin with sunscreen is highly recommended.'" in msg
    assert "a model answer to a patient's question" in msg and "patient_questions.yml, line" in msg


@pytest.mark.parametrize("field", ["question", "answer", "faq", "evidence"])
def test_a_missing_field_is_named(tree, field):
    text = (tree / PQ).read_text()
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == "- id: pregnant")
    end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith("  - id:"))
    block = [line for line in lines[start:end]]
    kept, skipping = [], False
    for line in block:
        if line.startswith(f"    {field}:"):
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        kept.append(line)
    (tree / PQ).write_text("\n".join(lines[:start] + kept + lines[end:]) + "\n")
    msg = load_error(tree)
    assert f"questions[{_index('pregnant')}].{field}'" in msg and "patient_questions.yml, line" in msg


def test_shown_in_the_knowledge_check_with_each_model_answer_folded_away(content):
    """Notebook 05 shows them below the quiz (page.patient_questions()); each question is in
    sight, its model answer behind a closed disclosure so a trainee answers first."""
    import html as html_mod
    import json
    import re as re_mod

    from clinic_explainer.session import PageSession
    from tests.paths import ROOT

    out = PageSession("knowledge-check", content, training=False).patient_questions().data
    assert content.ui.quiz.patient_heading in out
    folded = re_mod.findall(r"<strong>(.*?)</strong></p><details class=\"ce-model-answer\"><summary>(.*?)</summary>"
                            r"<p>(.*?)</p>", out)
    assert [(html_mod.unescape(q), html_mod.unescape(a)) for q, _, a in folded] == \
        [(q.question, q.answer) for q in content.patient_questions.questions]
    assert all(summary == content.ui.quiz.model_answer for _, summary, _ in folded)
    assert "<details open" not in out
    cells = [("".join(c["source"])) for c in json.loads((ROOT / "notebooks/05_knowledge_check.ipynb").read_text())["cells"]]
    assert cells.index("page.patient_questions()") == cells.index("page.quiz()") + 1
