"""The review state of each text, from the files alone: never reviewed, approved, edited since,
change asked, a stale translation; a patient's view of unapproved translations; reviews.yml
validated with file and line."""

from datetime import date

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.content.review import Book, text_hash, write_decision
from clinic_explainer.content.schema.review import Decision
from clinic_explainer.pages import blocks

from ...content_tree import append, edit, load_error

DAY = date(2026, 12, 5)



def decide(root, c, key, action="approved", comment=""):
    item = c.book.items[key]
    source = c.book.items.get(item.source) if item.source else None
    write_decision(root / "microneedling", key, Decision(action=action, by="Dr Ana Ruiz", date=DAY, text=item.text_hash,
                                                          source=source.text_hash if source else None, comment=comment))


def set_show_drafts(root, value: bool):
    edit(root, "clinic.yml", "show_drafts: true", f"show_drafts: {'true' if value else 'false'}")


def test_every_kind_of_text_is_an_item(tree):
    c = content_mod.load(tree)
    en = {i.key for i in c.book.of("en")}
    assert {"en/plain.yml#results", "en/evidence.yml#redness-several-days", "en/jargon.yml#collagen",
            "en/red_flags.yml"} <= en
    assert "en/timeline.yml" not in en  # the clinic's own approved file is not waiting for anyone
    es = content_mod.load(tree, locale="es")
    assert {"es/timeline.yml", "es/faq/05-results.md", "es/plain.yml#results", "es/jargon.yml#colágeno"} <= {
        i.key for i in es.book.of("es")}
    assert es.book.items["es/faq/05-results.md"].source == "en/faq/05-results.md"
    assert es.book.items["es/jargon.yml#colágeno"].source is None  # a language's hard words are its own


def test_states_follow_the_words(tree):
    c = content_mod.load(tree)
    assert c.state("plain", "results") == "needs-review"
    decide(tree, c, "en/plain.yml#results")
    c = content_mod.load(tree)
    assert c.state("plain", "results") == "approved" and c.state("plain", "benefits") == "needs-review"
    # a nurse edits the approved words: back to review by itself
    edit(tree, "microneedling/en/plain.yml", "a few months", "a few months (ask us)")
    c = content_mod.load(tree)
    assert c.state("plain", "results") == "needs-review"
    decide(tree, c, "en/plain.yml#results", "change-asked", "Drop the brackets")
    assert content_mod.load(tree).state("plain", "results") == "change-asked"


def test_a_translation_goes_stale_when_its_source_changes(tree):
    es = content_mod.load(tree, locale="es")
    decide(tree, es, "es/faq/05-results.md")
    assert content_mod.load(tree, locale="es").book.state("es/faq/05-results.md") == "approved"
    append(tree, "microneedling/en/faq/05-results.md", "Ask the clinic what to expect for your skin.")
    es = content_mod.load(tree, locale="es")
    assert es.book.state("es/faq/05-results.md") == "stale"
    assert es.book.shown("es/faq/05-results.md")  # still words the clinic approved: shown, listed as stale


def test_patients_get_only_approved_words_and_the_approved_english_for_a_draft_translation(tree):
    set_show_drafts(tree, False)
    es = content_mod.load(tree, locale="es")
    assert es.drafts == "hidden"
    assert es.faq["introduction"].body.startswith("Micro-needling")  # unapproved translation: the clinic's English
    assert es.origin["timeline"] == "en" and es.timeline.phases[0].label == content_mod.load(tree).timeline.phases[0].label
    staff = es.for_staff()
    assert staff.drafts == "marked" and staff.faq["introduction"].body.startswith("El microneedling") and not staff.origin
    decide(tree, es, "es/faq/01-introduction.md")
    es = content_mod.load(tree, locale="es")
    assert es.faq["introduction"].body.startswith("El microneedling")
    en = content_mod.load(tree)
    assert "ce-inshort" not in blocks.faq_html(["results"], en)  # the plain version is a draft: the clinic's words
    decide(tree, en, "en/plain.yml#results")
    html = blocks.faq_html(["results"], content_mod.load(tree))
    assert "ce-inshort" in html and "ce-draft" not in html


def test_the_staff_view_marks_each_text_waiting(tree):
    decide(tree, content_mod.load(tree), "en/plain.yml#results")
    staff = content_mod.load(tree).for_staff()
    assert not staff.marks("plain", "results") and staff.marks("plain", "benefits")
    assert staff.has_drafts()


def test_a_broken_reviews_file_names_file_field_and_line(tree):
    (tree / "microneedling" / "reviews.yml").write_text(
        "decisions:\n  en/plain.yml#results:\n    action: maybe\n    by: Dr Ruiz\n    date: 2026-12-05\n"
        "    text: 0123456789abcdef\n")
    message = load_error(tree)
    assert "reviews.yml, line 3, field 'decisions.en/plain.yml#results.action'" in message


def test_unknown_keys_are_listed_as_gone_and_hashes_are_stable():
    book = Book(items={}, decisions={"en/plain.yml#gone": Decision(action="approved", by="A", date=DAY,
                                                                    text="0123456789abcdef")})
    assert book.state("en/plain.yml#gone") == "approved"  # not a reviewed text
    assert book.orphans() == []  # no English items known in this book: nothing to compare with
    assert text_hash({"a": 1, "b": "x"}) == text_hash({"b": "x", "a": 1}) and len(text_hash("x")) == 16


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_shipped_content_loads_with_its_review_book(locale):
    c = content_mod.load(locale=locale)
    assert c.book.of(locale) and all(c.book.state(i.key) in ("needs-review", "approved", "change-asked", "stale")
                                     for i in c.book.of(locale))
