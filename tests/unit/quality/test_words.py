"""Plain words, true to the clinic: `make check` passes on the shipped content and fails,
naming the file, on each kind of broken copy a nurse or translator could make."""

from __future__ import annotations

from datetime import date


from clinic_explainer.quality import check
from clinic_explainer import content as content_mod
from clinic_explainer.pages import blocks as pages
from clinic_explainer.models.timeline import phase_title

from tests.content_tree import edit, line_of

PLAIN = "microneedling/en/plain.yml"
TODAY = date(2026, 11, 24)


def failures(tree, today=TODAY) -> str:
    loaded, problems = check.check_all(tree, today)
    assert problems, "the check should fail"
    return "\n".join(str(p) for p in problems)


def test_shipped_content_passes_every_check():
    _, problems = check.check_all(None, TODAY)
    assert problems == []


def test_every_faq_answer_has_a_plain_version_within_grade_8(content):
    rows = check.section_rows(content)
    assert {sid for sid, _, _ in rows} == set(content.faq)
    for sid, clinic, plain in rows:
        assert plain is not None and not plain.too_hard(), sid
        assert plain.a <= 6, f"{sid}: Flesch-Kincaid {plain.a}"


def test_too_hard_to_read(tree):
    edit(tree, PLAIN, "It is not\n      surgery. It is quick.",
         "It is not\n      surgery, notwithstanding considerable interdisciplinary apprehension regarding "
         "the comparative methodological characteristics of minimally invasive rejuvenation "
         "technologies. It is quick.")
    msg = failures(tree)
    assert f"{PLAIN}, line" in msg and "too hard to read" in msg and "sections[0].in_short" in msg


def test_undefined_jargon(tree):
    edit(tree, PLAIN, "collagen and\n      elastin (proteins that keep skin firm and let it stretch)", "collagen and\n      elastin")
    msg = failures(tree)
    assert PLAIN in msg and "'elastin' is a hard word" in msg and "jargon.yml" in msg


def test_plain_version_drops_a_number(tree):
    edit(tree, PLAIN, "The holes are only 2 mm deep.", "The holes are not deep.")
    msg = failures(tree)
    assert PLAIN in msg and "leaves out the number(s) 2" in msg
    assert f"line {line_of(tree, PLAIN, '- faq: how-it-works') + 1}" in msg


def test_plain_version_drops_a_named_product(tree):
    edit(tree, PLAIN, "You can use hyaluronic acid (a skin product that holds in water) to make\n      the redness harder to see.",
         "You can use a cream.")
    msg = failures(tree)
    assert PLAIN in msg and "it must say 'hyaluronic acid'" in msg


def test_overdue_review(tree):
    msg = failures(tree, today=date(2027, 11, 25))
    assert "faq/01-introduction.md, field 'next_review': the review was due on 2027-11-23" in msg


def test_missing_source(tree):
    edit(tree, "microneedling/en/evidence.yml", "    sources: [alam-2014]\n", "")
    msg = failures(tree)
    assert "microneedling/en/evidence.yml" in msg and "notes[1].sources" in msg and "missing" in msg


def test_unknown_source(tree):
    edit(tree, "microneedling/en/evidence.yml", "sources: [alam-2014]", "sources: [alam-2015]")
    msg = failures(tree)
    assert "evidence.yml" in msg and "unknown source id 'alam-2015'" in msg


def test_label_contradicting_its_hours_is_refused(tree):
    edit(tree, "microneedling/en/timeline.yml", "label: Redness settles\n", "label: Redness settles (12 to 72 hours)\n")
    msg = failures(tree)
    assert "timeline.yml" in msg and "phases[1].label" in msg and "write the name only" in msg


def test_phase_labels_are_made_from_the_hours(tree, content):
    titles = [phase_title(p, content) for p in content.timeline.phases]
    assert titles == ["Treatment day (first 12 hours)", "Redness settles (12 to 48 hours)",
                      "Healing under the skin (2 to 7 days)", "Smoother skin (1 week to 3 months)",
                      "Complete results (from 3 months)"]
    # the hours decide the words (a changed phase is checked against the FAQ: facts.yml)
    longer = content.timeline.phases[1].model_copy(update={"end_hours": 72})
    assert phase_title(longer, content) == "Redness settles (12 to 72 hours)"


def test_faq_edit_is_reported_in_the_faq_file(tree):
    # the nurse edits the FAQ (saved last); the quotes in quiz.yml and plain.yml no longer match
    edit(tree, "microneedling/en/faq/05-results.md", "Within 1–2 weeks", "Within 2–3 weeks")
    msg = failures(tree)
    first = msg.splitlines()[0]
    assert first.startswith("content/microneedling/en/faq/05-results.md, line 11") or \
        first.startswith(str(tree / "microneedling/en/faq/05-results.md") + ", line 11"), first
    assert "no longer says" in first and "quiz.yml" in msg


def test_plain_first_clinic_answer_in_a_disclosure(content):
    html = pages.faq_html(["after-treatment"], content)
    assert html.index("In short") < html.index("<details")
    assert content.faq["after-treatment"].body.split()[0] in html.split("<details")[1]
    assert "What studies say" in html and "Alster et al. 2018" in html


def test_review_lines_are_sentences(content):
    footer = pages.footer_html("recovery", content.for_staff())  # staff see what waits for review
    assert "Waiting for review by the clinic." in footer
    assert "Waiting for review by the clinic." not in pages.footer_html("recovery", content)
    assert "Reviewed by Not yet reviewed" not in footer
    # the page shows the warning signs, which say the emergency line: the footer keeps the rest
    assert content.clinic.after_hours_line.replace(content.clinic.emergency_line, "").strip() in footer
    for src in ("alam-2014", "soltani-arabshahi-2014", "alster-graham-2018"):
        assert src in {s.id for s in content.sources.values()}
    assert "JAMA Dermatology 150(8):844" in content.sources["alam-2014"].publisher
    assert "JAMA Dermatology 150(1):68" in content.sources["soltani-arabshahi-2014"].publisher


def test_spanish_section_missing(tree):
    (tree / "microneedling/es/faq/05-results.md").unlink()
    msg = failures(tree)
    assert "microneedling/es/faq" in msg and "'results'" in msg


def test_number_differs_between_languages(tree):
    edit(tree, "microneedling/es/plain.yml", "Casi siempre se va en 12 a 48 horas.", "Casi siempre se va en 12 a 72 horas.")
    msg = failures(tree)
    assert "microneedling/es/plain.yml" in msg and "numbers differ between languages" in msg
    assert "sections[3].in_short" in msg


def test_phase_hours_differ_between_languages(tree):
    edit(tree, "microneedling/es/timeline.yml", "    end_hours: 2184\n", "    end_hours: 2200\n")
    edit(tree, "microneedling/es/timeline.yml", "    start_hours: 2184\n", "    start_hours: 2200\n")
    msg = failures(tree)
    assert "microneedling/es/timeline.yml, line" in msg and "phases[3].end_hours" in msg


def test_spanish_phase_missing(tree):
    text = (tree / "microneedling/es/timeline.yml").read_text()
    start = text.index("  - id: smoother-skin")
    end = text.index("  - id: full-results")
    (tree / "microneedling/es/timeline.yml").write_text(text[:start] + text[end:].replace(
        "    start_hours: 2184", "    start_hours: 168"))
    msg = failures(tree)
    assert "microneedling/es/timeline.yml" in msg and "has 4 item(s)" in msg


def test_spanish_readability_is_reported(content, capsys):
    assert check.main([]) == 0
    out = capsys.readouterr().out
    assert "languages en, es" in out and "Fernández-Huerta" in out and "Szigriszt-Pazos" in out
    es = content_mod.load(locale="es")
    for sid, clinic, plain in check.section_rows(es):
        assert plain.a >= 70, sid  # "bastante fácil" or easier


def test_spanish_page_is_spanish(content):
    es = content_mod.load(locale="es")
    html = pages.header_html("explainer", es)
    assert 'lang="es"' in html and "This page in English" in html and 'hreflang="en"' in html
    assert 'href="00_index.ipynb?lang=es"' in html
    assert "Esta página en español" in pages.header_html("explainer", content)
    assert es.clinic.after_hours_line.startswith("Si estamos cerrados")
    assert phase_title(es.timeline.phases[1], es) == "Se calma el enrojecimiento (12 a 48 horas)"
    assert "Espera la revisión de la clínica." in pages.footer_html("explainer", es.for_staff())


def test_yaml_list_out_of_line_in_plain_words(tree):
    edit(tree, "microneedling/en/timeline.yml", "      - A little swelling.\n", "     - A little swelling.\n")
    msg = failures(tree)
    assert "timeline.yml, line" in msg and "not lined up" in msg and "same number of spaces" in msg
    assert "<block" not in msg


def test_colon_in_a_sentence_in_plain_words(tree):
    edit(tree, "microneedling/en/aftercare.yml", "text: Protect your skin with sunscreen.",
         "text: Note: protect your skin with sunscreen.")
    msg = failures(tree)
    assert "aftercare.yml, line" in msg and "double quotes" in msg


def test_colon_read_as_a_field_in_plain_words(tree):
    edit(tree, "microneedling/en/timeline.yml", "      - A little swelling.\n", "      - Note: a little swelling.\n")
    msg = failures(tree)
    assert "timeline.yml, line" in msg and "double quotes" in msg and "{'Note'" not in msg


def test_the_emergency_line_is_said_once_a_page(content):
    for locale in ("en", "es"):
        c = content_mod.load(locale=locale)
        line = c.clinic.emergency_line
        # a page without the warning signs: the contact box says it, once
        assert pages.footer_html("how-it-works", c).count(line) == 1, locale
        assert c.clinic.after_hours_line in pages.footer_html("how-it-works", c)
        # a page with them: the most urgent sign says it, the next level and the footer do not
        signs = pages.red_flags_section_html(c, c.ui.timeline.all_warning_signs)
        assert signs.count(line) == 1, locale
        assert line not in pages.footer_html("explainer", c), locale
        assert c.clinic.after_hours_line.replace(line, "").strip() in signs
