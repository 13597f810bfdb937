"""Recovery dates as an iCalendar (.ics) file, built in memory.

Nothing is written to the server's disk: the widget turns the bytes into a ``data:`` link
the patient's own browser downloads.

One event per day, never more: every milestone, aftercare reminder and "check your skin"
follow-up (only where red_flags.yml sets ``follow_up_at_hours``) that falls on the same
day is merged into that day's event, named after the first (milestones first) with all of
them in its description; its title (``calendar_event``) also names the procedure and the clinic,
as a phone's calendar shows it among other events. Each event is a short slot at the clinic's ``reminder_time`` in
the clinic's time zone and carries an alarm (VALARM) at that time. Days whose reminder
time has passed are left out: a calendar file never adds events in the past.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from clinic_explainer.content import Content
from clinic_explainer.models.timeline import DatedMilestone
from clinic_explainer.pages.render import render_macro

FILENAME = "recovery-dates.ics"
MIME = "text/calendar"
PRODID = "-//clinic-explainer//recovery timeline//EN"
CALENDAR_KINDS = ("milestone", "follow-up", "aftercare")
EVENT_MINUTES = 15


@dataclass(frozen=True)
class CalendarDay:
    """One day's event: its reminder time and the texts it carries (first one names it)."""

    at: datetime
    items: tuple[DatedMilestone, ...]

    @property
    def summary(self) -> str:
        return self.items[0].text

    @property
    def texts(self) -> list[str]:
        return [i.text for i in self.items]


def calendar_days(items: Iterable[DatedMilestone], content: Content, now: datetime,
                  kinds: tuple[str, ...] = CALENDAR_KINDS) -> list[CalendarDay]:
    """The dated items of the given kinds grouped by day, at the clinic's reminder time.

    ``items`` come in timeline order (``RecoveryTimeline.dated``). Days whose reminder time
    is before ``now`` are dropped; an item whose text already appears that day is dropped.
    """
    tz = ZoneInfo(content.clinic.timezone)
    by_day: dict[date, list[DatedMilestone]] = {}
    for item in items:
        if item.kind not in kinds:
            continue
        day = by_day.setdefault(item.when.astimezone(tz).date(), [])
        if all(item.text != other.text for other in day):
            day.append(item)
    out = []
    for day, day_items in sorted(by_day.items()):
        at = datetime.combine(day, content.clinic.reminder_time, tzinfo=tz)
        if at >= now:
            out.append(CalendarDay(at, tuple(day_items)))
    return out


def build_ics(items: Iterable[DatedMilestone], content: Content, now: datetime | None = None,
              kinds: tuple[str, ...] = CALENDAR_KINDS) -> bytes:
    """An .ics calendar with one event and one alarm per day that has dated items."""
    from icalendar import Alarm, Calendar, Event  # on the button's click: views import this module at load

    now = now or datetime.now(timezone.utc)
    t = content.ui.timeline
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{content.clinic.name}: {t.your_dates}")
    cal.add("x-wr-timezone", content.clinic.timezone)
    footer = f"{content.timeline.caveat}\n{content.clinic.contact_line}"
    days = calendar_days(items, content, now, kinds)
    for day in days:
        event = Event()
        # a stable id per day and content, so importing twice updates instead of duplicating
        key = day.at.date().isoformat() + "/" + "/".join(f"{i.kind}:{i.id}" for i in day.items)
        event.add("uid", f"{hashlib.sha256(key.encode()).hexdigest()[:20]}@clinic-explainer")
        event.add("dtstamp", now.astimezone(timezone.utc))
        event.add("dtstart", day.at)
        event.add("dtend", day.at + timedelta(minutes=EVENT_MINUTES))
        summary = content.text(t.calendar_event, label=day.summary)  # what, the procedure, the clinic
        event.add("summary", summary)
        event.add("description", "\n".join([*day.texts, "", footer]))
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        event.add("categories", sorted({i.kind for i in day.items}))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(0))  # at the reminder time
        event.add_component(alarm)
        cal.add_component(event)
    if days:  # the clinic's time-zone rules for the span of the events only
        cal.add_missing_timezones(first_date=days[0].at.date() - timedelta(days=366),
                                  last_date=days[-1].at.date() + timedelta(days=366))
    return cal.to_ical()


def data_link(data: bytes, label: str, filename: str = FILENAME, mime: str = MIME) -> str:
    """An HTML download link carrying the file in the page itself."""
    return render_macro("macros.html.j2", "data_link", data=data, label=label, filename=filename, mime=mime)


def ready_html(ready: str, data: bytes, label: str, filename: str = FILENAME, mime: str = MIME) -> str:
    """'Your file is ready: <download link>' as the views show it after a click."""
    return render_macro("takehome.html.j2", "ready", ready=ready, data=data, label=label, filename=filename,
                        mime=mime)
