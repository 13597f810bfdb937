"""Malformed content fails with one clear message naming the file, the field and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinic_explainer.quality import check
from clinic_explainer.content import loader as content
from clinic_explainer.content.errors import ContentError

from tests.content_tree import edit, line_of, load_error

TIMELINE = "microneedling/en/timeline.yml"
PAGES = "microneedling/en/pages.yml"
FAQ_RESULTS = "microneedling/en/faq/05-results.md"


def test_the_real_content_is_valid():
    c = content.load()
    assert c.clinic.device_name in c.faq["how-it-works"].body
    assert "{" not in c.faq["how-it-works"].body


def test_invalid_yaml_names_file_and_line(tree):
    edit(tree, TIMELINE, "  - id: healing\n", "  - id: healing\n   label: [unclosed\n")
    msg = load_error(tree)
    assert "timeline.yml" in msg and "not valid YAML" in msg
    assert re.search(r"line \d+", msg)


def test_missing_field(tree):
    edit(tree, TIMELINE, "    label: Healing under the skin\n", "")
    msg = load_error(tree)
    assert "timeline.yml" in msg and "field 'phases[2].label'" in msg and "missing" in msg
    assert f"line {line_of(tree, TIMELINE, '- id: healing')}" in msg


def test_wrong_type(tree):
    edit(tree, TIMELINE, "    start_hours: 48\n", "    start_hours: soon\n")
    msg = load_error(tree)
    assert "field 'phases[2].start_hours'" in msg and "number" in msg and "'soon'" in msg
    assert f"line {line_of(tree, TIMELINE, 'start_hours: soon')}" in msg


def test_overlapping_phases(tree):
    edit(tree, TIMELINE, "    start_hours: 48\n", "    start_hours: 40\n")
    msg = load_error(tree)
    assert "field 'phases[2].start_hours'" in msg and "overlap" in msg
    assert f"line {line_of(tree, TIMELINE, 'start_hours: 40')}" in msg


def test_gap_between_phases(tree):
    edit(tree, TIMELINE, "    start_hours: 48\n", "    start_hours: 60\n")
    assert "gap" in load_error(tree)


def test_phase_ending_before_it_starts(tree):
    edit(tree, TIMELINE, "    end_hours: 12\n", "    end_hours: 0\n")
    msg = load_error(tree)
    assert "field 'phases[0].end_hours'" in msg and "before it starts" in msg


def test_unknown_faq_reference(tree):
    edit(tree, PAGES, "    faq: [how-it-works]\n", "    faq: [how-it-wrks]\n")
    msg = load_error(tree)
    assert "pages.yml" in msg and "field 'pages[1].faq[0]'" in msg and "unknown FAQ id 'how-it-wrks'" in msg
    assert f"line {line_of(tree, PAGES, 'how-it-wrks')}" in msg


def test_unknown_red_flag_reference(tree):
    edit(tree, TIMELINE, "contact_if: [allergic-reaction, bleeding]", "contact_if: [allergic-reaction, bleding]")
    msg = load_error(tree)
    assert "field 'phases[0].contact_if[1]'" in msg and "unknown red flag id 'bleding'" in msg


def test_misspelt_field_in_clinic_settings(tree):
    edit(tree, "clinic.yml", "device_name:", "devce_name:")
    msg = load_error(tree)
    assert "clinic.yml" in msg
    assert "field 'devce_name'" in msg and "unknown field" in msg
    assert "field 'device_name'" in msg and "missing" in msg


def test_bad_date_in_front_matter(tree):
    edit(tree, FAQ_RESULTS, "last_reviewed: 2026-11-23", "last_reviewed: yesterday")
    msg = load_error(tree)
    assert "05-results.md" in msg and "field 'last_reviewed'" in msg and "date" in msg
    assert f"line {line_of(tree, FAQ_RESULTS, 'last_reviewed')}" in msg


def test_review_dates_in_the_wrong_order(tree):
    edit(tree, FAQ_RESULTS, "next_review: 2027-11-23", "next_review: 2025-01-01")
    msg = load_error(tree)
    assert "05-results.md" in msg and "field 'next_review'" in msg and "later than last_reviewed" in msg


def test_unknown_placeholder(tree):
    edit(tree, "microneedling/en/faq/02-how-it-works.md", "{device_name}", "{devise_name}")
    msg = load_error(tree)
    assert "02-how-it-works.md" in msg and "unknown placeholder {devise_name}" in msg


def test_missing_front_matter(tree):
    path = tree / FAQ_RESULTS
    path.write_text(path.read_text().split("---", 2)[2])
    msg = load_error(tree)
    assert "05-results.md, line 1" in msg and "front matter" in msg


def test_duplicate_id(tree):
    edit(tree, TIMELINE, "  - id: healing\n", "  - id: redness-settles\n")
    msg = load_error(tree)
    assert "field 'phases[2].id'" in msg and "used twice" in msg


def test_duplicate_key(tree):
    edit(tree, "clinic.yml", "phone:", "name: Other clinic\nphone:")
    msg = load_error(tree)
    assert "clinic.yml" in msg and "field 'name'" in msg and "appears twice" in msg


def test_bad_colour_and_time_zone(tree):
    edit(tree, "clinic.yml", 'primary: "#005A8C"', 'primary: "blue"')
    edit(tree, "clinic.yml", "timezone: America/New_York", "timezone: Mars/Olympus")
    msg = load_error(tree)
    assert "field 'colours.primary'" in msg
    assert "field 'timezone'" in msg and "not a time zone" in msg


def test_unknown_urgency_level(tree):
    edit(tree, "microneedling/en/red_flags.yml", "level: call-today", "level: call-tomorrow")
    msg = load_error(tree)
    assert "red_flags.yml" in msg and "unknown level 'call-tomorrow'" in msg


def test_every_problem_is_listed_at_once(tree):
    edit(tree, TIMELINE, "    start_hours: 48\n", "    start_hours: 40\n")
    edit(tree, PAGES, "    faq: [how-it-works]\n", "    faq: [how-it-wrks]\n")
    with pytest.raises(ContentError) as info:
        content.load(tree)
    files = {Path(p.file).name for p in info.value.problems}
    assert {"timeline.yml"} <= files  # parse/schema problems stop before reference checks


def test_check_command_exit_codes(tree, capsys):
    assert check.main([str(tree)]) == 0
    assert "Content check passed" in capsys.readouterr().out
    edit(tree, TIMELINE, "    start_hours: 48\n", "    start_hours: 40\n")
    assert check.main([str(tree)]) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "timeline.yml" in err and "phases[2].start_hours" in err


def test_unclosed_quote_is_reported_on_its_own_line(tree):
    # YAML reads on past the line into the next value and fails there; the nurse is sent to
    # the line where the quotation mark was opened
    edit(tree, "clinic.yml", 'phone: "555-0100"\n', 'phone: "555-0100\n')
    msg = load_error(tree)
    assert f"clinic.yml, line {line_of(tree, 'clinic.yml', 'phone: ')}: " in msg
    assert "quotation mark" in msg and "not closed" in msg
