"""Only approved words reach patients by default (issue 16, item 2).

Three ways to show a text that waits for the clinic's review (Content.drafts):
- "hidden", the code's default for patients: the clinic's approved words only (a draft plain
  version gives way to the clinic's own answer; draft sections, notes and lists are left out);
- "noticed", where clinic.yml opts in (show_drafts): shown, one notice for the page, no marks;
- "marked", staff (JupyterLab) and `make preview`: every draft shown and marked.
"""

from dataclasses import replace

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.pages import blocks
from clinic_explainer.takehome.handout import handout_html
from clinic_explainer.views.timeline import TimelineView

@pytest.fixture(autouse=True)
def linked_assets(monkeypatch):
    """As in Voila: the template links the stylesheet (its class names are not page text)."""
    monkeypatch.setenv("CLINIC_EXPLAINER_LINKED_ASSETS", "1")


PAGES = ("explainer", "recovery", "how-it-works", "results", "candidacy", "index")


def page_html(c, page_id):
    return "".join([blocks.header_html(page_id, c), blocks.faq_html(c.page(page_id).faq, c),
                    blocks.footer_html(page_id, c), blocks.red_flags_html(c)])


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_shipped_clinic_shows_drafts_with_one_notice_and_no_marks(locale):
    c = content_mod.load(locale=locale)
    assert c.clinic.show_drafts and c.drafts == "noticed"
    for page_id in PAGES:
        html = page_html(c, page_id)
        assert "ce-draft\"" not in html and c.ui.draft_label not in html and c.ui.waiting_review not in html
        assert html.count("ce-drafts-notice") == 1, page_id
    handout = handout_html(c)
    assert c.ui.draft_label not in handout and c.ui.waiting_review not in handout


@pytest.mark.parametrize("locale", ["en", "es"])
def test_by_default_patients_get_only_approved_words(tree, locale):
    (tree / "clinic.yml").write_text((tree / "clinic.yml").read_text().replace("show_drafts: true", "show_drafts: false"))
    c = content_mod.load(tree, locale=locale)
    assert c.drafts == "hidden"
    staff = c.for_staff()
    for page_id in PAGES:
        html = page_html(c, page_id)
        assert 'class="ce-draft"' not in html and "ce-drafts-notice" not in html
        for sid in c.page(page_id).faq:
            section = c.faq[sid]
            if section.front.status == "draft":  # e.g. the sourced warning-signs section
                assert section.front.question not in html
        if c.plain.status == "draft":  # the plain versions wait: the clinic's own words instead
            for sid in c.page(page_id).faq:
                plain = c.plain.for_faq(sid)
                if plain and c.faq[sid].front.status == "approved":
                    assert plain.in_short not in html
                    assert c.faq[sid].body.split()[0] in html
        if c.evidence.status == "draft":
            assert c.ui.studies_say not in html
        assert c.ui.draft_label in page_html(staff, page_id) or not any(
            status == "draft" for _, _, status in staff.reviews())


def test_the_warning_signs_never_carry_a_mark_for_patients_and_always_for_staff(content):
    patient = blocks.red_flags_html(content)
    staff = blocks.red_flags_html(content.for_staff())
    assert content.red_flags.status == "draft"
    assert content.ui.draft_label not in patient and content.red_flags.flags[0].text in patient
    assert content.ui.draft_label in staff


def test_a_timeline_card_leaves_out_unapproved_warning_signs_by_default(content):
    hidden = replace(content, drafts="hidden")
    card = TimelineView(hidden).card
    assert hidden.ui.timeline.contact_heading not in card
    assert content.ui.timeline.contact_heading in TimelineView(content).card
