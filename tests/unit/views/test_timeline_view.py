"""The recovery timeline widget, driven from Python (no browser)."""

import base64
import logging
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from clinic_explainer.takehome.link import date_words
from clinic_explainer.views.timeline import TimelineView


TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 5, 15, 0, tzinfo=TZ)  # a Saturday afternoon


@pytest.fixture
def view(content):
    return TimelineView(content, now=lambda: NOW)


def test_slider_is_labelled_and_card_follows_it(view, content):
    t = content.ui.timeline
    assert view._slider.description == t.slider_label
    start_card, start_png = view.card, view.chart_png
    assert content.timeline.phases[0].label in start_card
    assert content.timeline.caveat in start_card
    view.hours = 30
    assert view.hours == 30
    assert content.timeline.phases[1].label in view.card
    assert "30 hours" in view._label(view.hours)  # the stop: the readout above the chart follows the slider
    assert view.card != start_card
    # client marker: one background PNG for every step, the page moves the marker
    assert view.chart_png == start_png and view.chart_png.startswith(b"\x89PNG")
    assert view.chart.position == 30


def test_every_stop_is_in_the_page_for_the_marker_readout_and_screen_readers(view, content):
    """The page shows any stop without the kernel: readout words, marker place, alt position."""
    import html
    import json

    readout = view.readout
    assert 'aria-hidden="true"' in readout  # the handle speaks the same words (aria-valuetext)
    stops = json.loads(html.unescape(re.search(r'data-ce-stops="([^"]*)"', readout).group(1)))
    assert len(stops) == len(view._slider.options)
    healing = content.timeline.phases[2]
    i = [h for _, h in view._slider.options].index(72)
    assert stops[i]["v"] == f"3 days: {healing.label}"
    assert "3 days" in stops[i]["p"] and healing.label in stops[i]["p"]
    xs = [s["x"] for s in stops]
    assert xs == sorted(xs) and 0 < xs[0] < xs[-1] < 1
    assert all(0 < s["top"] < s["label"] < s["bottom"] < 1 for s in stops)
    assert stops[0]["align"] == "l" and stops[-1]["align"] == "r"
    overlay = view.marker_overlay
    assert content.ui.timeline.you_are_here in overlay and "@@position@@" in overlay
    assert "aria-live" not in view.card  # the card is read on demand, not on every step


def test_kernel_marker_sends_a_new_png_per_step(content):
    view = TimelineView(content, now=lambda: NOW, marker="kernel")
    first = view.chart_png
    view.hours = 30
    assert view.chart_png != first and view.chart_png.startswith(b"\x89PNG")
    assert "30 hours" in view.marker_overlay


def test_every_stop_renders_without_error(view, content):
    for _, hours in view._slider.options:
        view._slider.value = hours
        assert view.message == ""
        assert content.timeline.caveat in view.card


def test_red_flags_card_is_inside_the_widget(view, content):
    assert view._red_flags in view.children
    for flag in content.red_flags.flags:
        assert flag.text in view.red_flags
    for level in content.red_flags.levels:
        assert level.label in view.red_flags
    assert "ce-urgency-0" in view.red_flags


def test_a_date_gives_real_dates_and_jumps_to_now(view, content):
    view.date_picker.value = date(2026, 12, 2)
    assert view.treated_at == datetime(2026, 12, 2, 0, 0, tzinfo=TZ)
    # 3 days and 15 hours after midnight on the 2nd: the last stop before that is 3 days
    assert view.hours == 72
    assert "3 days" in view._label(view.hours)
    assert "Friday 4 December: The redness and swelling have usually gone by now." in view.dates
    assert content.ui.timeline.your_dates in view.dates


def test_a_time_refines_the_date(view):
    view.date_picker.value = date(2026, 12, 4)
    view.time_picker.value = time(9, 30)
    assert view.treated_at == datetime(2026, 12, 4, 9, 30, tzinfo=TZ)
    assert view.hours == 24  # 29.5 hours ago: the last stop before that
    assert "Sunday 6 December: The redness and swelling have usually gone by now." in view.dates


@pytest.mark.parametrize("picked, key", [
    (date(2027, 9, 1), "too_far"),  # further ahead than a booking (settings.PLAN_AHEAD_DAYS)
    (date(2025, 11, 1), "too_old"),
    # cleared, part-typed or not a real day (02/31): the browser sends no value
    (None, "cleared"),
])
def test_friendly_messages_for_unusable_dates(view, content, picked, key):
    view.date_picker.value = date(2026, 12, 2)
    view.calendar_button.click()
    assert view.hours == 72 and view.calendar and not view.handout_button.disabled
    view.date_picker.value = picked
    assert date_words(key, content) in view.dates
    assert view.status == ""
    assert view.treated_at is None
    assert "Traceback" not in view.dates and view.message == ""
    # nothing left over from the earlier date: no dates, no download, no slider position
    assert "December" not in view.dates and view.calendar == "" and view.handout == ""
    assert view.calendar_button.disabled and view.handout_button.disabled
    assert view.hours == 0


def test_buttons_wait_for_a_date(view, content):
    assert view.calendar_button.disabled and view.handout_button.disabled
    assert view.dates == ""
    view.date_picker.value = None  # nothing entered yet: a plain hint, not a warning
    view.date_picker.value = date(2026, 12, 2)
    view.date_picker.value = date(2027, 9, 1)
    assert date_words("too_far", content) in view.dates
    assert view.calendar_button.disabled and view.handout_button.disabled
    view.date_picker.value = None
    assert content.ui.timeline.date_empty in view.dates


def test_dates_carry_the_year_when_it_is_not_this_year(content):
    view = TimelineView(content, now=lambda: NOW)
    view.date_picker.value = date(2026, 12, 2)
    # the results review falls in 2027: with its year; December 2026 without
    said = {m.at_hours: m.text for m in content.timeline.milestones}
    assert f"Friday 4 December: {said[48]}" in view.dates
    results = said[2190]
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+ March 2027: "
                     + re.escape(results), view.dates)


def test_later_today_is_the_plan_ahead_view(view, content):
    view.date_picker.value = date(2026, 12, 5)
    view.time_picker.value = time(18, 0)
    t = content.ui.timeline
    assert t.plan_ahead_today in view.status and 'role="status"' in view.status
    assert view.hours == 0 and t.start in view._label(view.hours)
    assert not view.calendar_button.disabled


def test_calendar_link_needs_a_date_then_appears(view, content):
    t = content.ui.timeline
    view.calendar_button.click()
    assert t.calendar_needs_date in view.calendar
    view.date_picker.value = date(2026, 12, 2)
    view.calendar_button.click()
    assert t.calendar_ready in view.calendar
    assert 'download="recovery-dates.ics"' in view.calendar
    payload = re.search(r'href="data:text/calendar;base64,([^"]+)"', view.calendar).group(1)
    summaries = [str(e["summary"]) for e in Calendar.from_ical(base64.b64decode(payload)).walk("VEVENT")]
    said = {m.at_hours: m.text for m in content.timeline.milestones}
    titled = {h: content.text(t.calendar_event, label=text) for h, text in said.items()}
    assert titled[168] in summaries
    assert titled[48] not in summaries  # 4 December is past on the 5th
    # each title names the procedure and the clinic, as a phone's calendar lists it
    assert all(content.clinic.name in s and "Micro-needling" in s for s in summaries)
    # a new date drops the old link
    view.date_picker.value = date(2026, 12, 3)
    assert view.calendar == ""


def test_errors_in_callbacks_show_the_generic_message(content, caplog):
    def broken_clock():
        raise RuntimeError("clock says 2026-12-02")

    view = TimelineView(content, now=broken_clock)
    with caplog.at_level(logging.ERROR):
        view.date_picker.value = date(2026, 12, 2)
    assert content.ui.error_generic in view.message
    # the log names the step, never the patient's date
    assert "2026" not in caplog.text and "12-02" not in caplog.text
    assert "date" in caplog.text
    view.hours = 48  # the widget keeps working
    assert view.message == ""


def test_render_path_comes_from_the_environment(content, monkeypatch):
    monkeypatch.setenv("CLINIC_EXPLAINER_CHART_RENDER", "full")
    assert TimelineView(content).chart.render == "full"
    monkeypatch.delenv("CLINIC_EXPLAINER_CHART_RENDER")
    assert TimelineView(content).chart.render == "blit"


def test_nothing_is_written_to_disk(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = TimelineView(content, now=lambda: NOW)
    view.date_picker.value = date(2026, 12, 2)
    view.calendar_button.click()
    view.handout_button.click()
    assert view.handout.count("data:application/pdf;base64,") == 1
    assert list(tmp_path.iterdir()) == []


def test_before_the_widget_client_the_page_carries_a_working_slider(view, content):
    """The text-first page's stand-in: a native range input with every stop's words, card and
    marker place, the chart's background, the warning signs, and the date form that works
    before the widget client too (serving/http/early.py answers it)."""
    import html
    import json

    from clinic_explainer.views.results import ResultsView

    early = view._repr_mimebundle_()["text/html"]
    stops = [h for _, h in view._slider.options]
    assert f'type="range" min="0" max="{len(stops) - 1}"' in early
    assert f'<label for="ce-early-timeline">{content.ui.timeline.slider_label}</label>' in early
    first = f"{view._label(stops[0])}: {content.timeline.phases[0].label}"
    assert f'aria-valuetext="{first}"' in early
    cards = json.loads(html.unescape(re.search(r'data-ce-cards="([^"]*)"', early).group(1)))
    assert len(cards) == len(stops)
    assert cards == [view._card_html(view.model.at(h)) for h in stops]
    assert content.timeline.phases[2].label in cards[stops.index(72)]
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', early).group(1))
    assert png == view.chart_png  # the same background the live widget shows
    assert "ce-marker-layer" in early and "@@position@@" in early  # the template for later steps
    t = content.ui.timeline
    assert f'<label for="ce-early-date">{t.date_label}</label>' in early and 'type="date" name="date"' in early
    assert f'data-ce-do="calendar" disabled>{t.calendar_button}</button>' in early  # until a date is taken
    assert 'data-ce-slot="status"' in early.split('type="range"')[0]  # the patient's day above the slider
    assert "ce-redflags" in early
    results = ResultsView(content)._repr_mimebundle_()["text/html"]
    assert 'type="range"' in results and "ce-early-form" not in results


def test_the_kernel_marker_keeps_the_calm_placeholder(content):
    view = TimelineView(content, marker="kernel")
    early = view._repr_mimebundle_()["text/html"]
    assert 'type="range"' not in early and content.ui.getting_ready.timeline in early


def test_downloads_past_their_budget_get_words_not_a_link(view, content, monkeypatch):
    """Issue 20: the calendar file and the dated handout are built within the download budget
    (takehome/downloads.py); past it the patient reads why, and no file is offered."""
    from clinic_explainer.takehome import downloads
    from clinic_explainer.takehome import answers as timeline_view  # where the files are built

    def too_large(build, **_):
        build()
        raise downloads.DownloadRefused("large")

    monkeypatch.setattr(timeline_view, "within_budget", too_large)
    view.date_picker.value = date(2026, 12, 2)
    view.calendar_button.click()
    assert content.ui.download_too_large in view.calendar and "href=" not in view.calendar
    slow = downloads.within_budget
    monkeypatch.setattr(timeline_view, "within_budget", lambda build: slow(build, seconds=0.001))
    view._on_handout()
    assert content.ui.download_too_slow in view._handout.value and "href=" not in view._handout.value
