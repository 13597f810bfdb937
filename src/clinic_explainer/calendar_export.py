"""Recovery dates as an iCalendar (.ics) file, built in memory.

Nothing is written to the server's disk: the widget turns the bytes into a ``data:`` link
the patient's own browser downloads. Each milestone and aftercare reminder becomes an
all-day event on its date in the clinic's time zone.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from html import escape

from icalendar import Calendar, Event

from .content import Content
from .timeline import DatedMilestone

FILENAME = "recovery-dates.ics"
MIME = "text/calendar"
PRODID = "-//clinic-explainer//recovery timeline//EN"
CALENDAR_KINDS = ("milestone", "aftercare")


def build_ics(items: Iterable[DatedMilestone], content: Content, stamp: datetime | None = None,
              kinds: tuple[str, ...] = CALENDAR_KINDS) -> bytes:
    """An .ics calendar with one all-day event per dated item of the given kinds."""
    stamp = stamp or datetime.now(timezone.utc)
    t = content.ui.timeline
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{content.clinic.name}: {t.your_dates}")
    description = f"{content.timeline.caveat}\n{content.clinic.contact_line}"
    for item in items:
        if item.kind not in kinds:
            continue
        day = item.when.date()
        event = Event()
        # a stable id per item and day, so importing twice updates instead of duplicating
        digest = hashlib.sha256(f"{item.kind}/{item.id}/{day.isoformat()}".encode()).hexdigest()[:20]
        event.add("uid", f"{digest}@clinic-explainer")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("summary", item.text)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        event.add("categories", [item.kind])
        cal.add_component(event)
    return cal.to_ical()


def data_link(ics: bytes, label: str, filename: str = FILENAME) -> str:
    """An HTML download link carrying the file in the page itself."""
    b64 = base64.b64encode(ics).decode("ascii")
    return (f'<a class="ce-download" download="{escape(filename)}" '
            f'href="data:{MIME};base64,{b64}">{escape(label)}</a>')
