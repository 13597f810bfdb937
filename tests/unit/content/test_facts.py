"""Facts said once (facts.yml): the FAQ answer is the one place; every copy agrees or is named."""

import re
from datetime import date

import pytest

from clinic_explainer import content
from clinic_explainer.content.facts import resolve, values_in
from clinic_explainer.quality import check
from tests.content_tree import edit, line_of

AFTER = "microneedling/en/faq/04-after-treatment.md"


def test_numbers_are_read_from_the_answer():
    assert values_in("is typically resolved within 12 to 48 hours.", "{start} to {end} hours") == {"start": 12, "end": 48}
    assert values_in("Within 1–2 weeks, patients", "{first}-{last} weeks") == {"first": 1, "last": 2}
    assert values_in("at a depth of only 2 mm", "{depth} mm") == {"depth": 2}
    assert values_in("within 112 to 48 hours", "{start} to {end} hours") == {"start": 112, "end": 48}
    assert values_in("no numbers here", "{start} to {end} hours") is None


def test_fields_are_found_by_id(content):
    value, loc = resolve(content.timeline, "phases[redness-settles].end_hours")
    assert value == 48 and loc == ("phases", 1, "end_hours")
    assert resolve(content.timeline, "phases[no-such-phase].end_hours") is None


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_language_has_its_facts_and_they_agree(locale):
    c = content.load(locale=locale)
    assert {f.id for f in c.facts.facts} >= {"redness", "needle-depth", "smoother-skin", "complete-results"}


def test_the_nurses_edit_names_every_place_that_still_says_48(tree):
    """Issue 16: '12 to 48 hours' becomes '24 to 72 hours' in the clinic's answer."""
    edit(tree, AFTER, "within 12 to 48 hours", "within 24 to 72 hours")
    _, problems = check.check_all(tree, date(2026, 12, 4))
    said = [str(p) for p in problems if "'24 to 72 hours'" in p.message and "fact 'redness'" in p.message]
    named = {re.match(r".*?microneedling/en/([a-z_]+\.yml), line (\d+)", p).group(1) for p in said}
    assert {"timeline.yml", "red_flags.yml", "aftercare.yml", "quiz.yml"} <= named
    timeline = "microneedling/en/timeline.yml"
    assert any(f"timeline.yml, line {line_of(tree, timeline, 'end_hours: 48')}, field 'phases[1].end_hours'" in p
               for p in said)
    red = [p for p in said if "red_flags.yml" in p]
    assert any("follow_up_at_hours" in p and f"line {line_of(tree, 'microneedling/en/red_flags.yml', 'follow_up_at_hours')}" in p
               for p in red)


def test_an_answer_that_no_longer_says_the_fact_is_named(tree):
    edit(tree, AFTER, "within 12 to 48 hours", "within a day or two")
    _, problems = check.check_all(tree, date(2026, 12, 4))
    assert any(p.file.endswith("04-after-treatment.md") and "no longer says '{start} to {end} hours'" in p.message
               for p in problems)


def test_complete_results_cannot_start_at_two_weeks(tree):
    """'a few months' cannot start at 2 weeks (the timeline said so until issue 16)."""
    timeline = "microneedling/en/timeline.yml"
    edit(tree, timeline, "    start_hours: 2184\n", "    start_hours: 336\n")
    edit(tree, timeline, "    end_hours: 2184\n", "    end_hours: 336\n")
    _, problems = check.check_all(tree, date(2026, 12, 4))
    assert any("phases[4].start_hours" in str(p) and "a few months" in p.message for p in problems)


def test_a_wrong_field_in_facts_yml_is_named(tree):
    edit(tree, "microneedling/en/facts.yml", "phases[healing].start_hours", "phases[healing].begin_hours")
    _, problems = check.check_all(tree, date(2026, 12, 4))
    facts = "microneedling/en/facts.yml"
    assert any(p.file.endswith("facts.yml") and "no field 'phases[healing].begin_hours'" in p.message
               and p.line == line_of(tree, facts, "begin_hours") for p in problems)
