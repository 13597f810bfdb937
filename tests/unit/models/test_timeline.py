"""The recovery timeline model: properties that hold at every instant (hypothesis)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_explainer.models.timeline import (
    HOURS_PER_DAY,
    MAX_LOOKBACK_HOURS,
    RecoveryTimeline,
    check_treatment_time,
    describe_duration,
    describe_position,
    describe_weeks,
    hours_since,
)


@pytest.fixture(scope="module")
def model(content):
    return RecoveryTimeline(content)


def horizon(content):
    return content.timeline.phases[-1].end_hours


def instants():
    # the whole 0..6 months, plus the exact phase boundaries (where off-by-ones hide)
    return st.one_of(st.floats(min_value=0, max_value=4392, allow_nan=False),
                     st.sampled_from([0.0, 12.0, 48.0, 168.0, 336.0, 4392.0]))


@settings(max_examples=300, deadline=None)
@given(h=instants())
def test_every_instant_is_in_exactly_one_phase(model, h):
    h = min(h, model.horizon_hours)
    owners = [i for i, p in enumerate(model.phases)
              if p.start_hours <= h < p.end_hours or (i == len(model.phases) - 1 and h == p.end_hours)]
    assert len(owners) == 1
    answer = model.at(h)
    assert answer.index == owners[0]
    assert answer.phase is model.phases[owners[0]]


@settings(max_examples=300, deadline=None)
@given(a=instants(), b=instants())
def test_answers_are_ordered_in_time(model, a, b):
    a, b = sorted((min(a, model.horizon_hours), min(b, model.horizon_hours)))
    first, later = model.at(a), model.at(b)
    assert first.index <= later.index
    for answer in (first, later):
        if answer.next_phase is None:
            assert answer.index == len(model.phases) - 1
            assert answer.hours_to_next is None
        else:
            assert answer.next_phase is model.phases[answer.index + 1]
            assert answer.hours_to_next > 0
            assert answer.hours + answer.hours_to_next == pytest.approx(answer.next_phase.start_hours)
            assert answer.hours_to_next <= answer.phase.end_hours - answer.phase.start_hours
    if first.index == later.index and first.hours_to_next is not None:
        # the same phase: the next one comes sooner as time goes on
        assert later.hours_to_next <= first.hours_to_next


@settings(max_examples=200, deadline=None)
@given(h=instants())
def test_every_answer_has_the_caveat_and_what_to_do(model, content, h):
    answer = model.at(min(h, model.horizon_hours))
    assert answer.caveat == content.timeline.caveat
    assert "every patient is different" in answer.caveat.lower()
    assert answer.may_see and answer.what_to_do
    ranks = [a.rank for a in answer.contact]
    assert ranks == sorted(ranks)
    assert {a.flag.id for a in answer.contact} == set(answer.phase.contact_if)


@pytest.mark.parametrize("bad", [-0.5, -1e-9, 4392.001, 1e9, float("nan")])
def test_outside_the_timeline_is_refused(model, bad):
    with pytest.raises(ValueError):
        model.at(bad)


def test_stops_are_sorted_and_end_at_the_horizon(model, content):
    stops = model.stops()
    assert stops == sorted(set(stops))
    assert stops[0] == 0 and stops[-1] == model.horizon_hours == horizon(content)
    results = model.result_stops()
    assert results == sorted(set(results)) and results[0] == 0 and results[-1] == model.horizon_hours


def test_stop_labels_are_unique(model, content):
    labels = [describe_position(h, content) for h in model.stops()]
    assert len(labels) == len(set(labels)), labels
    weeks = [describe_weeks(h, content) for h in model.result_stops()]
    assert len(weeks) == len(set(weeks)), weeks


@settings(max_examples=300, deadline=None)
@given(h=st.floats(min_value=-100, max_value=10_000, allow_nan=False))
def test_nearest_stop_is_the_last_stop_not_after(model, h):
    stop = model.nearest_stop(h)
    stops = model.stops()
    assert stop in stops
    clamped = min(max(h, 0), model.horizon_hours)
    assert stop <= clamped
    later = [s for s in stops if s > stop]
    assert not later or later[0] > clamped


@settings(max_examples=100, deadline=None)
@given(start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31),
                          timezones=st.just(ZoneInfo("America/New_York"))))
def test_dated_milestones_are_in_order(model, content, start):
    items = model.dated(start)
    whens = [i.when for i in items]
    assert whens == sorted(whens)
    kinds = {i.kind for i in items}
    assert kinds == {"phase", "milestone", "aftercare", "follow-up"}
    # a follow-up only where red_flags.yml asks for one, at its hour, with the level's words
    follow = [i for i in items if i.kind == "follow-up"]
    wanted = [f for f in content.red_flags.flags if f.follow_up_at_hours is not None]
    assert [i.id for i in follow] == [f.id for f in wanted]
    for item, flag in zip(follow, wanted):
        assert item.when - start == timedelta(hours=flag.follow_up_at_hours)
        assert flag.text in item.text
    milestones = [i for i in items if i.kind == "milestone"]
    assert [m.id for m in milestones] == [m.id for m in sorted(content.timeline.milestones, key=lambda m: m.at_hours)]
    for m in milestones:
        src = next(x for x in content.timeline.milestones if x.id == m.id)
        assert m.when - start == timedelta(hours=src.at_hours)
        assert m.text == src.text


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=-400 * 1440, max_value=800 * 1440))
def test_treatment_time_checks(minutes):
    days = minutes / 1440
    now = datetime(2026, 12, 5, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    # elapsed time, not wall-clock time (a daylight-saving change may lie in between)
    treated = (now.astimezone(timezone.utc) - timedelta(minutes=minutes)).astimezone(now.tzinfo)
    assert hours_since(treated, now) == pytest.approx(days * HOURS_PER_DAY)
    reason = check_treatment_time(treated, now)
    if days < 0:
        assert reason == "future"
    elif days * HOURS_PER_DAY > MAX_LOOKBACK_HOURS:
        assert reason == "too_old"
    else:
        assert reason is None


def test_treatment_time_checks_edges():
    now = datetime(2026, 12, 5, 15, 0, tzinfo=timezone.utc)
    assert check_treatment_time(None, now) == "empty"
    with pytest.raises(ValueError):
        hours_since(datetime(2026, 12, 1), now)


def test_describe_duration_reads_plainly(content):
    assert describe_duration(0.5, content) == "30 minutes"
    assert describe_duration(1, content) == "1 hour"
    assert describe_duration(36, content) == "36 hours"
    assert describe_duration(5 * 24, content) == "5 days"
    assert describe_duration(3 * 168, content) == "3 weeks"
    assert describe_duration(3 * 730.5, content) == "3 months"
    assert describe_position(0, content) == content.ui.timeline.start


@pytest.mark.parametrize("locale", ["en", "es"])
def test_no_stop_before_a_few_months_says_complete_results(locale):
    """Issue 16: the FAQ says smoother skin "within 1-2 weeks" and complete results "a few months
    after"; at 3 and 4 weeks the slider said "Complete results (from 2 weeks)"."""
    from clinic_explainer import content as content_mod

    c = content_mod.load(locale=locale)
    model = RecoveryTimeline(c)
    few_months = next(f for f in c.facts.facts if f.id == "complete-results").means_hours[0]
    for hours in sorted(set(model.stops()) | set(model.result_stops())):
        phase = model.at(hours).phase
        if hours < few_months:
            assert phase.id != "full-results", f"{hours} h is called complete results"
    assert model.at(3 * 168).phase.id == model.at(4 * 168).phase.id == "smoother-skin"
    # the milestones and the calendar's dates follow the same phases
    full = next(p for p in model.phases if p.id == "full-results")
    assert full.start_hours >= few_months
    assert all(m.at_hours >= few_months for m in c.timeline.milestones if "few months" in m.text or "unos meses" in m.text)
