"""The trainers' answer key: a PDF with every question, its right answer, why and the FAQ
passage, then the questions patients often ask with model answers; offered in training mode
only, and written by `make answer-key`. Its pages are drawn as images and looked at."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from clinic_explainer import content as content_mod
from clinic_explainer.takehome.answer_key import answer_key_html, answer_key_pdf, main
from clinic_explainer.views.quiz import QuizView
from tests.paths import ROOT as ROOT_DIR

VERSION = "0123456789abcdef" * 4
A4 = (595, 842)  # points


def words(text: str) -> str:
    """White space folded; a word broken at its hyphen across lines joined again."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return answer_key_pdf(content_mod.load(), paper="a4", version=VERSION)


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_every_question_with_its_right_answer_why_and_passage(content, text):
    s = content.ui.quiz
    assert words(s.key_title) in text and content.clinic.name.upper() in text.upper()
    total = len(content.quiz.questions)
    for n, q in enumerate(content.quiz.questions, start=1):
        right = content.ui.quiz.true_label if q.kind == "true-false" and q.answer else \
            content.ui.quiz.false_label if q.kind == "true-false" else q.choices[q.answer]
        for part in (content.text(s.progress, n=n, total=total), q.prompt,
                     content.text(s.right_answer, label=right), q.explanation, q.passage):
            assert words(part) in text, f"{q.id}: {part!r} is not in the answer key"
        for choice in q.choices:  # the wrong options are printed too
            assert words(choice) in text


def test_every_patient_question_with_its_model_answer(content, text):
    assert words(content.ui.quiz.patient_heading) in text
    for q in content.patient_questions.questions:
        assert words(q.question) in text and words(q.answer) in text, q.id
        for quote in q.evidence:
            assert words(quote) in text


def test_content_version_and_review_state_are_printed(content, text):
    assert content.text(content.ui.quiz.key_version, label=VERSION[:12]) in text
    assert (words(content.ui.quiz.key_draft) in text) == any(
        part.status == "draft" for part in (content.quiz, content.patient_questions))


def test_the_pages_as_images(pdf):
    """pdftoppm (poppler-utils, installed by `make test`) draws every page into test-artifacts/;
    each is an A4 page with the clinic's heading colour on it and text on most of it."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing: run `make test` (it installs poppler-utils)"
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    artifacts = ROOT_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    prefix = artifacts / "answer-key"
    for old in artifacts.glob("answer-key-*.png"):
        old.unlink()
    source = artifacts / "answer-key.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(source), str(prefix)], check=True, timeout=120)
    pages = sorted(artifacts.glob("answer-key-*.png"))
    assert len(pages) == len(reader.pages) >= 4
    c = content_mod.load()
    right = words(c.ui.quiz.right_answer.split("{")[0])
    primary = c.clinic.colours.primary.lstrip("#")
    primary = tuple(int(primary[i:i + 2], 16) for i in (0, 2, 4))
    for n, path in enumerate(pages, start=1):
        image = Image.open(path).convert("RGB")
        assert all(abs(a - b) <= 1 for a, b in zip(image.size, A4)), f"page {n}: {image.size}"
        pixels = np.asarray(image, dtype=int)
        ink = (pixels.sum(axis=2) < 600).mean()
        assert ink > 0.02, f"page {n} is (almost) blank: {ink:.3f}"
        coloured = (np.abs(pixels - primary) < 40).all(axis=2)
        if right in words(reader.pages[n - 1].extract_text()):  # a page of questions: the right answers in colour
            assert coloured.sum() > 50, f"page {n}: no right answer in the clinic's colour"
        if n == 1:  # the masthead's thick rule, in the clinic's colour, spans the text width
            assert coloured[: image.height // 3].sum(axis=1).max() > image.width * 0.7


def test_make_answer_key_writes_the_pdf(tmp_path, capsys, content):
    out = tmp_path / "answer-key.pdf"
    assert main([str(out)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) >= 4 and words(content.quiz.questions[0].prompt) in words(reader.pages[0].extract_text())
    assert str(out) in capsys.readouterr().out


def test_make_answer_key_says_so_when_the_content_is_broken(tree, monkeypatch, capsys, tmp_path):
    from tests.content_tree import edit
    edit(tree, "microneedling/en/patient_questions.yml", "    faq: [results]", "    faq: [result]")
    monkeypatch.setenv("CLINIC_EXPLAINER_CONTENT", str(tree))
    assert main([str(tmp_path / "key.pdf")]) == 1
    assert not (tmp_path / "key.pdf").exists()
    assert "unknown FAQ id 'result'" in capsys.readouterr().err


def test_spanish_headings_with_the_default_languages_questions():
    es = content_mod.load(locale="es")
    html = answer_key_html(es, VERSION)
    assert es.ui.quiz.key_title in html and es.ui.quiz.patient_heading in html
    assert es.quiz.questions[0].prompt in html


def _state(view) -> str:
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    return json.dumps([w.get_state() for w in walk(view)], default=str)


def test_the_button_is_for_trainers_only(content):
    patient = QuizView(content, training=False)
    assert content.ui.quiz.key_button not in _state(patient)
    trainer = QuizView(content, training=True)
    assert content.ui.quiz.key_button in _state(trainer)
    assert trainer.key_link == ""
    trainer.answer_key()
    assert content.ui.quiz.key_ready in trainer.key_link and 'download="answer-key.pdf"' in trainer.key_link
    assert "data:application/pdf;base64," in trainer.key_link and trainer.message == ""


def test_make_has_the_answer_key_target():
    makefile = (ROOT_DIR / "Makefile").read_text()
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY:"))
    assert "answer-key" in phony.split()
    recipe = makefile.split("\nanswer-key:", 1)[1].split("\n\n", 1)[0]
    assert "print-libs" in recipe.splitlines()[0]
    assert "-m clinic_explainer.takehome.answer_key answer-key.pdf" in recipe


def test_a_failing_answer_key_shows_the_friendly_message(content, monkeypatch):
    from clinic_explainer.takehome import answer_key

    monkeypatch.setattr(answer_key, "answer_key_pdf", lambda c: 1 / 0)
    view = QuizView(content, training=True)
    view.answer_key()
    assert content.ui.error_generic in view.message and "ZeroDivision" not in view.message
    assert view.key_link == ""
