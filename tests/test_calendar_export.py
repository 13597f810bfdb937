"""The .ics file: built in memory, parsed back with icalendar."""

import base64
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from clinic_explainer.calendar_export import FILENAME, build_ics, data_link
from clinic_explainer.timeline import RecoveryTimeline

TREATED = datetime(2026, 12, 2, 10, 30, tzinfo=ZoneInfo("America/New_York"))
STAMP = datetime(2026, 12, 5, 20, 0, tzinfo=timezone.utc)


def events(ics: bytes):
    return Calendar.from_ical(ics).walk("VEVENT")


def test_every_milestone_and_reminder_is_an_event(content):
    items = RecoveryTimeline(content).dated(TREATED)
    found = events(build_ics(items, content, stamp=STAMP))
    expected = [i for i in items if i.kind in ("milestone", "aftercare")]
    assert len(found) == len(expected)
    assert [str(e["summary"]) for e in found] == [i.text for i in expected]
    assert [e.decoded("dtstart") for e in found] == [i.when.date() for i in expected]
    for e in found:
        assert isinstance(e.decoded("dtstart"), date) and not isinstance(e.decoded("dtstart"), datetime)
        assert content.timeline.caveat in str(e["description"])
        assert content.clinic.contact_line in str(e["description"])
    assert len({str(e["uid"]) for e in found}) == len(found)


def test_the_dates_are_the_content_dates(content):
    found = {str(e["summary"]): e.decoded("dtstart") for e in events(
        build_ics(RecoveryTimeline(content).dated(TREATED), content, stamp=STAMP))}
    for m in content.timeline.milestones:
        assert found[m.text] == (TREATED + timedelta(hours=m.at_hours)).date()
    assert found["Most redness should have settled."] == date(2026, 12, 4)


def test_the_calendar_is_valid_and_stable(content):
    items = RecoveryTimeline(content).dated(TREATED)
    one, two = build_ics(items, content, stamp=STAMP), build_ics(items, content, stamp=STAMP)
    assert one == two
    cal = Calendar.from_ical(one)
    assert str(cal["version"]) == "2.0"
    assert content.clinic.name in str(cal["x-wr-calname"])


def test_download_link_carries_the_file(content):
    ics = build_ics(RecoveryTimeline(content).dated(TREATED), content, stamp=STAMP)
    link = data_link(ics, "Download <me>")
    assert f'download="{FILENAME}"' in link
    assert "Download &lt;me&gt;" in link
    payload = re.search(r'href="data:text/calendar;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload) == ics
