"""The .ics file: built in memory, read back with icalendar and with a second parser (vobject)."""

import base64
import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar

from clinic_explainer import content as content_mod
from clinic_explainer.takehome.calendar import FILENAME, build_ics, calendar_days, data_link
from clinic_explainer.models.timeline import RecoveryTimeline

from tests.content_tree import edit

NY = ZoneInfo("America/New_York")
TREATED = datetime(2026, 12, 2, 10, 30, tzinfo=NY)
RIGHT_AFTER = TREATED + timedelta(hours=1)
THREE_DAYS_ON = TREATED + timedelta(days=3)  # the case: 3 events were in the past


def said_at(content, hours: float) -> str:
    """The text of the timeline's milestone at ``hours`` (tests follow the content's words)."""
    return next(m.text for m in content.timeline.milestones if m.at_hours == hours)


def titled(content, text: str) -> str:
    """An event's title: what it is, the procedure and the clinic (issue 18 item 7)."""
    return content.text(content.ui.timeline.calendar_event, label=text)


def sunscreen(content) -> str:
    return next(s.text for s in content.aftercare.steps if s.id == "sunscreen")


def ics_for(content, now, treated=TREATED) -> bytes:
    return build_ics(RecoveryTimeline(content).dated(treated), content, now=now)


def events(ics: bytes):
    return Calendar.from_ical(ics).walk("VEVENT")


def test_each_event_reminds_at_the_clinics_time_of_day(content):
    found = events(ics_for(content, RIGHT_AFTER))
    assert found
    for e in found:
        start = e.decoded("dtstart")
        assert isinstance(start, datetime) and start.tzinfo is not None
        assert start.astimezone(NY).time() == content.clinic.reminder_time == time(9, 0)
        assert str(e["dtstart"].params["TZID"]) == "America/New_York"
        alarms = e.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"
        assert alarms[0].decoded("trigger") == timedelta(0)
        assert str(e["transp"]) == "TRANSPARENT"
        assert content.clinic.contact_line in str(e["description"])
    # the calendar carries the clinic's time-zone rules for its events
    assert [str(tz["tzid"]) for tz in Calendar.from_ical(ics_for(content, RIGHT_AFTER)).walk("VTIMEZONE")] \
        == ["America/New_York"]


def test_no_events_in_the_past(content):
    found = events(ics_for(content, THREE_DAYS_ON))
    assert all(e.decoded("dtstart") >= THREE_DAYS_ON for e in found)
    summaries = [str(e["summary"]) for e in found]
    assert titled(content, said_at(content, 48)) not in summaries  # 4 December, before the 5th
    assert titled(content, said_at(content, 168)) in summaries
    # right after treatment, the 48-hour milestone is still ahead
    assert titled(content, said_at(content, 48)) in [str(e["summary"]) for e in events(ics_for(content, RIGHT_AFTER))]
    # half a year on, nothing is left to remind
    assert events(ics_for(content, TREATED + timedelta(days=200))) == []


def test_one_event_per_day_and_no_repeated_text(content):
    found = events(ics_for(content, RIGHT_AFTER))
    days = [e.decoded("dtstart").date() for e in found]
    assert len(days) == len(set(days))
    for e in found:
        texts = str(e["description"]).split("\n\n")[0].split("\n")
        assert len(texts) == len(set(texts))
    summaries = [str(e["summary"]) for e in found]
    assert len(summaries) == len(set(summaries))
    # the results review is one event (the content's duplicate reminder is gone)
    results = [e for e in found if "results" in str(e["summary"]).lower()]
    assert len(results) == 1
    assert results[0].decoded("dtstart").date() == (TREATED + timedelta(hours=2190)).date()
    # same-day items merge: the 1-week milestone and the sunscreen reminder share one event
    week = next(e for e in found if e.decoded("dtstart").date() == date(2026, 12, 9))
    assert str(week["summary"]) == titled(content, said_at(content, 168))
    assert sunscreen(content) in str(week["description"])


def test_same_day_duplicates_are_merged_by_logic_too(content):
    items = RecoveryTimeline(content).dated(TREATED)
    doubled = items + [i for i in items if i.kind == "milestone"]
    days = calendar_days(doubled, content, RIGHT_AFTER)
    assert [d.at for d in days] == [d.at for d in calendar_days(items, content, RIGHT_AFTER)]
    assert all(len(d.texts) == len(set(d.texts)) for d in days)


def test_follow_up_only_where_the_content_asks(content, tmp_path):
    found = events(ics_for(content, RIGHT_AFTER))
    two_days = next(e for e in found if e.decoded("dtstart").date() == date(2026, 12, 4))
    flag = next(f for f in content.red_flags.flags if f.follow_up_at_hours is not None)
    assert flag.follow_up_at_hours == 48
    assert flag.text in str(two_days["description"])
    assert "follow-up" in [str(c) for c in two_days["categories"].cats]
    # without follow_up_at_hours in red_flags.yml: no "check your skin" anywhere
    import shutil
    root = tmp_path / "content"
    shutil.copytree(content.root, root)
    edit(root, "microneedling/en/red_flags.yml", "    follow_up_at_hours: 48\n", "")
    edit(root, "microneedling/en/facts.yml",  # the fact no longer has that copy to check
         '      - {file: red_flags.yml, field: "flags[redness-lasting].follow_up_at_hours", is: end}\n', "")
    plain = content_mod.load(root)
    assert flag.text not in ics_for(plain, RIGHT_AFTER).decode().replace("\r\n ", "")


def test_a_second_parser_reads_the_same_events(content):
    ics = ics_for(content, RIGHT_AFTER)
    ours = [(str(e["summary"]), e.decoded("dtstart")) for e in events(ics)]
    cal = vobject.readOne(ics.decode("utf-8"))
    theirs = [(v.summary.value, v.dtstart.value) for v in cal.vevent_list]
    assert [s for s, _ in theirs] == [s for s, _ in ours]
    assert [d.astimezone(timezone.utc) for _, d in theirs] == [d.astimezone(timezone.utc) for _, d in ours]
    assert all(len(v.valarm_list) == 1 for v in cal.vevent_list)


def test_the_calendar_is_valid_and_stable(content):
    one, two = ics_for(content, RIGHT_AFTER), ics_for(content, RIGHT_AFTER)
    assert one == two
    cal = Calendar.from_ical(one)
    assert str(cal["version"]) == "2.0"
    assert content.clinic.name in str(cal["x-wr-calname"])
    uids = [str(e["uid"]) for e in events(one)]
    assert len(uids) == len(set(uids))


def test_download_link_carries_the_file(content):
    ics = ics_for(content, RIGHT_AFTER)
    link = data_link(ics, "Download <me>")
    assert f'download="{FILENAME}"' in link
    assert "Download &lt;me&gt;" in link
    payload = re.search(r'href="data:text/calendar;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload) == ics
