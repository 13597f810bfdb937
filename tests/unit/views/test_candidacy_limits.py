"""What a patient may type and download on the candidacy page (issue 20): the questions box
states its limit, a 1 MB note is refused with words and not kept, the list keeps its budget."""

from __future__ import annotations

import logging
import time

import pytest

from clinic_explainer.settings import OWN_QUESTIONS_MAX_CHARS
from clinic_explainer.takehome import downloads
from clinic_explainer.takehome.downloads import DownloadRefused, within_budget
from clinic_explainer.views.candidacy import CandidacyView

SECRET = "my-private-question-"


@pytest.fixture
def view(content):
    return CandidacyView(content)


def _page_text(view) -> str:
    return " ".join(getattr(child, "value", "") for child in view.children if isinstance(getattr(child, "value", None), str))


def test_the_page_states_the_limit_in_words(view, content):
    words = content.text(content.ui.candidacy.own_questions_limit, n="2,000")
    assert OWN_QUESTIONS_MAX_CHARS == 2000 and words in _page_text(view)


def test_a_1_mb_note_is_refused_with_words_and_not_kept(view, content, caplog):
    view.questions_box.value = "Will it hurt?"
    note = (SECRET * 60_000)[:1_000_000]
    start = time.perf_counter()
    with caplog.at_level(logging.DEBUG):
        view.questions_box.value = note
    took = time.perf_counter() - start
    assert took < 1, took
    assert view.questions_box.value == "Will it hurt?"  # the box goes back to what it held
    assert view._notes == "Will it hurt?"
    words = content.text(content.ui.candidacy.own_questions_too_long, n="2,000")
    assert words in view.message and "Traceback" not in view.message
    assert SECRET not in repr(view.__dict__) and SECRET not in caplog.text
    # a text within the limit is taken again, and the words go away
    view.questions_box.value = "Q" * OWN_QUESTIONS_MAX_CHARS
    assert view._notes == "Q" * OWN_QUESTIONS_MAX_CHARS and view.message == ""


def test_spanish_page_states_and_refuses_in_spanish():
    from clinic_explainer import content as content_mod

    es = content_mod.load(locale="es")
    view = CandidacyView(es)
    from babel.numbers import format_decimal

    assert es.text(es.ui.candidacy.own_questions_limit, n=format_decimal(2000, locale="es")) in _page_text(view)
    view.questions_box.value = "x" * (OWN_QUESTIONS_MAX_CHARS + 1)
    assert view.questions_box.value == "" and "caracteres" in view.message


def test_the_list_within_its_budget_and_the_words_when_past_it(view, content, monkeypatch):
    view.tick(content.candidacy.concerns[0].id)
    view.questions_box.value = "Will it hurt?\n" * 140  # near the limit
    start = time.perf_counter()
    view._on_list()
    took = time.perf_counter() - start
    assert "my-appointment-list.pdf" in view.list_link, view.message
    assert took < downloads.DOWNLOAD_MAX_SECONDS
    # past the time budget: stopped, words instead of a link
    monkeypatch.setattr("clinic_explainer.takehome.answers.within_budget",
                        lambda build: within_budget(build, seconds=0.05))
    import clinic_explainer.takehome.handout as handout

    real = handout.appointment_pdf
    monkeypatch.setattr(handout, "appointment_pdf", lambda *a, **k: (time.sleep(5), real(*a, **k))[1])
    start = time.perf_counter()
    view._on_list()
    assert time.perf_counter() - start < 2
    assert view.list_link == "" and content.ui.download_too_slow in view.message


def test_the_budget_stops_a_slow_build_and_refuses_a_large_file():
    start = time.perf_counter()
    with pytest.raises(DownloadRefused) as slow:
        within_budget(lambda: (time.sleep(3), b"x")[1], seconds=0.2)
    assert slow.value.reason == "slow" and time.perf_counter() - start < 1
    with pytest.raises(DownloadRefused) as large:
        within_budget(lambda: b"x" * 101, max_bytes=100)
    assert large.value.reason == "large"
    assert within_budget(lambda: b"%PDF", seconds=5) == b"%PDF"
    # the alarm is gone afterwards: nothing fires later
    time.sleep(0.3)
