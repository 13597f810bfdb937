"""The patient's path through the timeline's date (issue 18 items 3 and 7, issue 20's
out-of-range dates): plan ahead, the day at the top, no empty calendar, words for every date."""

import base64
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.takehome.link import date_words
from clinic_explainer.views.timeline import TimelineView

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 5, 15, 0, tzinfo=TZ)


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(params=["en", "es"])
def c(request):
    return content_mod.load(locale=request.param)


@pytest.fixture
def view(c):
    return TimelineView(c, now=lambda: NOW)


def test_next_week_is_a_plan_ahead_view_not_an_error(view, c):
    t = c.ui.timeline
    view.date_picker.value = date(2026, 12, 6)
    assert t.plan_ahead_tomorrow in view.status
    view.date_picker.value = date(2026, 12, 10)
    assert c.text(t.plan_ahead, duration=c.text(t.days, n=5)) in view.status
    assert t.plan_ahead_help in view.status and 'role="status"' in view.status  # announced
    assert t.date_future not in view.dates and "ce-warn" not in view.dates
    # the timeline at the start (what to expect right after), the patient's own dates below
    assert view.hours == 0 and t.start in view._label(view.hours)
    first = words(view.dates)
    assert first.startswith(t.your_dates) and "2026" not in first.split(":")[1]  # this year: no year
    # the calendar holds every reminder (none has passed yet), the handout is offered
    assert not view.calendar_button.disabled and not view.handout_button.disabled
    view.calendar_button.click()
    payload = re.search(r'base64,([^"]+)"', view.calendar).group(1)
    assert base64.b64decode(payload).count(b"BEGIN:VEVENT") >= 4


def test_a_personal_link_says_the_day_at_the_top(view, c):
    view.date_picker.value = date(2026, 12, 2)
    label = c.timeline.phases[2].label  # 3 days: healing under the skin
    assert words(view.status) == c.text(c.ui.timeline.day_now, n=3, label=label)
    assert view.children.index(view._status) < view.children.index(view._tool)  # at the top
    view.date_picker.value = date(2026, 12, 5)
    assert words(view.status) == c.text(c.ui.timeline.day_zero, label=c.timeline.phases[1].label)


def test_eight_months_ago_no_reminders_left_and_why(view, c):
    t = c.ui.timeline
    view.date_picker.value = date(2026, 4, 5)
    why = c.text(t.no_reminders, duration=c.text(t.months, n=6))
    assert why in view.dates
    assert view.calendar_button.disabled  # no button promising an empty file
    view._on_calendar()  # even if clicked (a stale page): words, never "Your calendar file is ready"
    assert why in view.calendar and t.calendar_ready not in view.calendar and "data:" not in view.calendar
    assert not view.handout_button.disabled  # the sheet of what to expect still helps


@pytest.mark.parametrize("picked, key", [(date(2027, 9, 1), "too_far"), (date(2024, 1, 1), "too_old")])
def test_out_of_range_dates_get_words(view, c, picked, key):
    view.date_picker.value = picked
    assert date_words(key, c) in view.dates and view.treated_at is None
    if key == "too_far":
        assert c.text(c.ui.timeline.months, n=6) in date_words(key, c)  # from settings.PLAN_AHEAD_DAYS


def test_a_year_python_cannot_hold_gets_words(view, c):
    """The browser sends year 20261 as it is; ipywidgets alone would keep the old value silently."""
    view.date_picker.set_state({"value": {"year": 20261, "month": 0, "date": 1}})
    assert c.ui.timeline.date_invalid in view.dates
    view.date_picker.value = date(2026, 12, 2)
    view.date_picker.set_state({"value": {"year": 20261, "month": 0, "date": 1}})
    assert c.ui.timeline.date_invalid in view.dates and view.treated_at is None
    assert view.calendar_button.disabled
    view.date_picker.set_state({"value": {"year": 2026, "month": 11, "date": 2}})
    assert view.treated_at is not None and c.ui.timeline.date_invalid not in view.dates


def test_the_date_fields_take_the_full_width_with_their_label_above(view):
    for picker in (view.date_picker, view.time_picker):
        assert picker.style.description_width == "100%"
        assert picker.layout.width == "100%" and picker.layout.flex_flow == "row wrap"
        assert picker.layout.height == "auto"
    for button in (view.calendar_button, view.handout_button):
        assert button.layout.height == "auto" and button.layout.max_width == "100%"
    assert "white-space: normal" in view._style.value  # button labels wrap, never cut


def test_card_changes_are_announced_once(view, c):
    """A date moves the card: the status line says so (a live region); a slider step is spoken
    by the handle (aria-valuetext), so the card itself is no live region (no double reading)."""
    view.date_picker.value = date(2026, 12, 2)
    assert re.search(r'<div class="ce-day" role="status">', view.status)
    assert c.timeline.phases[2].label in words(view.status) and c.timeline.phases[2].label in view.card
    assert "aria-live" not in view.card and 'role="status"' not in view.card


def test_the_dates_list_marks_today(view, c):
    view.date_picker.value = date(2026, 12, 2)
    items = re.findall(r"<li[^>]*>(.*?)</li>", view.dates)
    today = [i for i, text in enumerate(items) if c.ui.timeline.today_mark in text]
    assert len(today) == 1 and "<strong>" in items[today[0]]
    assert '<li class="ce-today">' in view.dates
    assert "4 " in words(items[today[0] - 1]) and "9 " in words(items[today[0] + 1])  # the 4th before, the 9th after
