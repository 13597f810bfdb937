"""The candidacy explorer gives guidance, never a verdict, and keeps no record of answers."""

from __future__ import annotations

import itertools
import logging

import pytest

from clinic_explainer.models.candidacy import REPLIES, CandidacyExplorer
from clinic_explainer.views.candidacy import CandidacyView
from clinic_explainer.pages.urls import faq_href

ENDING = "talk to your dermatologist"
VERDICTS = ("you are a candidate", "you are not a candidate", "you can have", "you cannot have",
            "not suitable for you", "you qualify", "you should have")


def ends_well(text: str) -> bool:
    return text.rstrip(" .!").lower().endswith(ENDING)


def test_nothing_ticked_still_names_the_decider(content):
    g = CandidacyExplorer(content).guidance()
    assert g.empty and g.faq == [] and g.tell == []
    assert g.decider == content.candidacy.decider and "board-certified dermatologist" in g.decider
    assert ends_well(g.lines()[-1])


def test_concerns_and_areas_point_to_faq_parts(content):
    model = CandidacyExplorer(content)
    model.set_concern("acne-scars", True)
    model.set_area("around-eyes", True)
    g = model.guidance()
    assert [link.id for link in g.faq] == ["how-it-works", "candidates"]  # FAQ order
    hrefs = {link.id: faq_href(content, model.page_id, link.id) for link in g.faq}
    assert hrefs["candidates"] == "#faq-candidates"  # on this page
    assert hrefs["how-it-works"] == "01_how_it_works.ipynb#faq-how-it-works"
    assert g.faq[1].title == content.faq["candidates"].front.question
    model.set_concern("acne-scars", False)
    assert [link.id for link in model.guidance().faq] == ["candidates"]


def test_in_the_explainer_every_faq_link_stays_on_the_page(content):
    model = CandidacyExplorer(content, page_id="explainer")
    for item in content.candidacy.concerns:
        model.set_concern(item.id, True)
    assert all(faq_href(content, model.page_id, link.id).startswith("#faq-") for link in model.guidance().faq)


def test_yes_and_not_sure_become_things_to_tell(content):
    model = CandidacyExplorer(content)
    model.answer("accutane", "yes")
    model.answer("keloids", "not-sure")
    model.answer("open-wounds", "no")
    g = model.guidance()
    texts = {t.question_id: t for t in g.tell}
    assert set(texts) == {"accutane", "keloids"}
    assert texts["accutane"].text == "Tell your skin doctor when you last used Accutane."
    assert texts["keloids"].unsure and not texts["accutane"].unsure
    model.answer("accutane", None)
    assert {t.question_id for t in model.guidance().tell} == {"keloids"}


def test_unknown_ids_and_replies_are_refused(content):
    model = CandidacyExplorer(content)
    with pytest.raises(KeyError):
        model.set_concern("tattoo", True)
    with pytest.raises(ValueError):
        model.answer("accutane", "maybe")


def test_every_combination_ends_with_talk_to_your_dermatologist_and_no_verdict(content):
    cand = content.candidacy
    model = CandidacyExplorer(content)
    for replies in itertools.product((None, *REPLIES), repeat=len(cand.contraindications)):
        model.clear()
        for q, reply in zip(cand.contraindications, replies):
            model.answer(q.id, reply)
        for item in cand.concerns[: sum(r == "yes" for r in replies)]:
            model.set_concern(item.id, True)
        lines = model.guidance().lines()
        assert ends_well(lines[-1])
        text = " ".join(lines).lower()
        assert not any(v in text for v in VERDICTS), text


def test_view_has_a_labelled_control_for_every_item(content):
    view = CandidacyView(content=content)
    labels = {box.description for box in [*view._concerns.values(), *view._areas.values()]}
    assert labels == {c.label for c in [*content.candidacy.concerns, *content.candidacy.areas]}
    for toggle in view._questions.values():
        assert toggle.value is None
        assert list(toggle.options) == [(content.ui.candidacy.yes, "yes"), (content.ui.candidacy.no, "no"),
                                        (content.ui.candidacy.not_sure, "not-sure")]
    assert content.ui.candidacy.nothing_yet in view.result


def test_view_updates_the_list_and_ends_with_the_next_step(content):
    view = CandidacyView(content=content)
    view.tick("stretch-marks")
    view.reply("skin-infection", "yes")
    assert "#faq-candidates" in view.result
    assert "Tell your skin doctor about it." in view.result
    assert view.result.index(content.candidacy.decider) < view.result.index(content.ui.candidacy.next_step)
    assert ends_well(content.ui.candidacy.next_step)
    view.reply("skin-infection", "no")
    assert "skin infection." not in view.result
    # read on demand as a named region, not re-read whole after every tick
    assert "aria-live" not in view.result
    assert f'aria-label="{content.ui.candidacy.result_heading}"' in view.result


def test_a_failing_callback_shows_the_friendly_message_and_logs_no_answers(content, monkeypatch, caplog):
    view = CandidacyView(content=content)

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(view.model, "answer", broken)
    with caplog.at_level(logging.DEBUG):
        view.reply("accutane", "yes")
    assert content.ui.error_generic in view.message
    assert "Traceback" not in view.message and "boom" not in view.message
    logged = " ".join(r.getMessage() + str(r.args) + str(r.exc_info) for r in caplog.records)
    assert "accutane" not in logged and "yes" not in logged.lower().split()


def test_the_explorer_keeps_answers_only_in_memory(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = CandidacyView(content=content)
    view.tick("neck")
    view.reply("keloids", "yes")
    assert list(tmp_path.iterdir()) == []


def test_the_list_shows_what_was_ticked_and_downloads_with_the_patients_questions(content, tmp_path, monkeypatch):
    import base64
    import io
    import re

    from pypdf import PdfReader

    monkeypatch.chdir(tmp_path)
    s = content.ui.candidacy
    view = CandidacyView(content=content)
    view.tick("stretch-marks")
    view.reply("keloids", "not-sure")
    concern = next(c.label for c in content.candidacy.concerns if c.id == "stretch-marks")
    question = next(q.question for q in content.candidacy.contraindications if q.id == "keloids")
    assert s.ticked_heading in view.result and concern in view.result
    assert s.answers_heading in view.result and s.not_sure in view.result
    view.questions_box.value = "Will it hurt?\nHow many sessions?"
    view.list_button.click()
    payload = re.search(r'href="data:application/pdf;base64,([^"]+)"', view.list_link).group(1)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(base64.b64decode(payload))).pages)
    text = re.sub(r"\s+", " ", text)
    for part in (concern, s.not_sure, "Will it hurt?", "How many sessions?", content.candidacy.decider):
        assert part in text, part
    assert re.sub(r"\s+", " ", question)[:30] in text
    view.tick("stretch-marks", False)  # a change makes the old download go away
    assert view.list_link == ""
    assert list(tmp_path.iterdir()) == []
