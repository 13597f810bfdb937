"""The recovery timeline as a pure model: no widgets, no matplotlib.

"Where am I at hour 30, what may I see, what should I do, what comes next and when
should I call?" -- answered from content/<procedure>/<locale>/timeline.yml.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from babel.dates import format_date

from clinic_explainer.content import Content
from clinic_explainer.content.schema import Milestone, Phase, RedFlag, UrgencyLevel

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168
HOURS_PER_MONTH = 730.5  # 365.25 days / 12

# Slider stops: fine steps while things change fast, coarse steps later on. Each stop has
# its own label in ``describe_position`` (hours below 3 days, then days, weeks, months).
_STOP_HOURS = (
    [0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 18, 21, 24, 30, 36, 42, 48, 60]
    + [d * HOURS_PER_DAY for d in range(3, 14)]
    + [w * HOURS_PER_WEEK for w in (2, 3, 4, 5, 6, 7)]
    + [m * HOURS_PER_MONTH for m in (2, 3, 4, 5)]
)
# Stops of the results slider, in weeks since treatment.
RESULT_WEEKS = (0, 1, 2, 3, 4, 6, 8, 13, 17, 22)
# A treatment date further back than this is refused by the date picker.
MAX_LOOKBACK_HOURS = 366 * HOURS_PER_DAY


@dataclass(frozen=True)
class ContactAdvice:
    flag: RedFlag
    level: UrgencyLevel
    rank: int  # 0 = most urgent


@dataclass(frozen=True)
class Answer:
    """What the timeline says at one instant."""

    hours: float
    index: int
    phase: Phase
    next_phase: Phase | None
    hours_to_next: float | None
    contact: tuple[ContactAdvice, ...]
    caveat: str

    @property
    def may_see(self) -> tuple[str, ...]:
        return tuple(self.phase.may_see)

    @property
    def what_to_do(self) -> tuple[str, ...]:
        return tuple(self.phase.what_to_do)


# the order of same-time items (a day's calendar event is named after the first)
KIND_ORDER = ("phase", "milestone", "follow-up", "aftercare")


@dataclass(frozen=True)
class DatedMilestone:
    when: datetime
    text: str
    kind: str  # one of KIND_ORDER
    id: str


class RecoveryTimeline:
    def __init__(self, content: Content):
        self.content = content
        self.phases: tuple[Phase, ...] = tuple(content.timeline.phases)
        self._starts = [p.start_hours for p in self.phases]
        levels = content.red_flags.levels
        self._level = {lvl.id: (rank, lvl) for rank, lvl in enumerate(levels)}
        self._flags = {f.id: f for f in content.red_flags.flags}

    @property
    def horizon_hours(self) -> float:
        return self.phases[-1].end_hours

    def index_at(self, hours: float) -> int:
        if not 0 <= hours <= self.horizon_hours:
            raise ValueError(f"hours must be between 0 and {self.horizon_hours:g}, not {hours!r}")
        # phases are [start, end); the last one also owns its end point
        return min(bisect.bisect_right(self._starts, hours) - 1, len(self.phases) - 1)

    def at(self, hours: float) -> Answer:
        i = self.index_at(hours)
        phase = self.phases[i]
        nxt = self.phases[i + 1] if i + 1 < len(self.phases) else None
        return Answer(
            hours=hours,
            index=i,
            phase=phase,
            next_phase=nxt,
            hours_to_next=(nxt.start_hours - hours) if nxt else None,
            contact=self.contact_advice(phase),
            caveat=self.content.timeline.caveat,
        )

    def contact_advice(self, phase: Phase) -> tuple[ContactAdvice, ...]:
        advice = []
        for flag_id in phase.contact_if:
            flag = self._flags[flag_id]
            rank, level = self._level[flag.level]
            advice.append(ContactAdvice(flag, level, rank))
        return tuple(sorted(advice, key=lambda a: a.rank))

    def all_contact_advice(self) -> tuple[ContactAdvice, ...]:
        """Every red flag, most urgent first (for the always-visible card)."""
        out = [ContactAdvice(f, self._level[f.level][1], self._level[f.level][0]) for f in self._flags.values()]
        return tuple(sorted(out, key=lambda a: a.rank))

    def stops(self) -> list[float]:
        """Slider positions in hours, ending exactly at the horizon."""
        stops = [h for h in _STOP_HOURS if h < self.horizon_hours]
        return [*stops, self.horizon_hours]

    def nearest_stop(self, hours: float) -> float:
        """The last slider stop at or before ``hours`` (clamped to the timeline)."""
        stops = self.stops()
        hours = min(max(hours, 0.0), self.horizon_hours)
        return stops[max(bisect.bisect_right(stops, hours) - 1, 0)]

    def result_stops(self) -> list[float]:
        """Positions of the results slider (weeks since treatment, as hours)."""
        stops = [w * HOURS_PER_WEEK for w in RESULT_WEEKS if w * HOURS_PER_WEEK < self.horizon_hours]
        return [*stops, self.horizon_hours]

    def milestones(self) -> tuple[Milestone, ...]:
        return tuple(self.content.timeline.milestones)

    def dated(self, treated_at: datetime) -> list[DatedMilestone]:
        """Phase starts, milestones and aftercare reminders as real dates, in order."""
        items = [DatedMilestone(treated_at + timedelta(hours=p.start_hours), phase_title(p, self.content), "phase", p.id)
                 for p in self.phases[1:]]
        items += [DatedMilestone(treated_at + timedelta(hours=m.at_hours), m.text, "milestone", m.id)
                  for m in self.milestones()]
        for step in self.content.aftercare.steps:
            items += [DatedMilestone(treated_at + timedelta(hours=h), step.text, "aftercare", step.id)
                      for h in step.remind_at_hours]
        items += [DatedMilestone(treated_at + timedelta(hours=a.flag.follow_up_at_hours), self.follow_up_text(a),
                                 "follow-up", a.flag.id)
                  for a in self.all_contact_advice() if a.flag.follow_up_at_hours is not None]
        return sorted(items, key=lambda m: (m.when, KIND_ORDER.index(m.kind)))

    def follow_up_text(self, advice: ContactAdvice) -> str:
        """'Check your skin. Tell the clinic soon if you notice this: ...' (calendar follow-ups)."""
        return self.content.text(self.content.ui.timeline.follow_up, level=advice.level.label,
                                 flag=advice.flag.text)


def hours_since(treated_at: datetime, now: datetime) -> float:
    """Hours from ``treated_at`` to ``now`` (both timezone-aware; negative if in the future)."""
    if treated_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("treated_at and now must carry a time zone")
    return (now.astimezone(timezone.utc) - treated_at.astimezone(timezone.utc)).total_seconds() / 3600


def check_treatment_time(treated_at: datetime | None, now: datetime) -> str | None:
    """None if ``treated_at`` is usable, else the reason: 'empty', 'future' or 'too_old'.

    The reasons name the keys ``date_<reason>`` of the interface strings.
    """
    if treated_at is None:
        return "empty"
    since = hours_since(treated_at, now)
    if since < 0:
        return "future"
    if since > MAX_LOOKBACK_HOURS:
        return "too_old"
    return None


def describe_duration(hours: float, content: Content) -> str:
    """Plain words for a span of time: '30 minutes', '60 hours', '3 weeks', '2 months'."""
    t = content.ui.timeline

    def unit(n: int, one: str, many: str) -> str:
        return one if n == 1 else content.text(many, n=n)

    if hours < 1:
        return content.text(t.minutes, n=max(1, round(hours * 60)))
    if hours < 72:
        return unit(round(hours), t.hour, t.hours)
    if hours < 14 * HOURS_PER_DAY:
        return unit(round(hours / HOURS_PER_DAY), t.day, t.days)
    if hours < 8 * HOURS_PER_WEEK:
        return unit(round(hours / HOURS_PER_WEEK), t.week, t.weeks)
    return unit(round(hours / HOURS_PER_MONTH), t.month, t.months)


def describe_position(hours: float, content: Content) -> str:
    if hours == 0:
        return content.ui.timeline.start
    return describe_duration(hours, content)


def describe_weeks(hours: float, content: Content) -> str:
    """Labels of the results slider: whole weeks up to 7 weeks, then months."""
    t = content.ui.timeline
    weeks = round(hours / HOURS_PER_WEEK)
    if hours == 0:
        return t.start
    if hours < 8 * HOURS_PER_WEEK:
        return t.week if weeks == 1 else content.text(t.weeks, n=weeks)
    return describe_duration(hours, content)


def _in_unit(hours: float) -> tuple[float, str]:
    """(size of the unit in hours, its key) that reads best for a span ending at ``hours``."""
    if hours <= 72:
        return 1, "unit_hours"
    if hours < 14 * HOURS_PER_DAY:
        return HOURS_PER_DAY, "unit_days"
    if hours < 8 * HOURS_PER_WEEK:
        return HOURS_PER_WEEK, "unit_weeks"
    return HOURS_PER_MONTH, "unit_months"


def phase_span(phase: Phase, content: Content, last: bool = False) -> str:
    """The phase's times, made from its hours: '12 to 48 hours', 'first 12 hours', 'from 2 weeks'."""
    t = content.ui.timeline
    if phase.start_hours == 0:
        return content.text(t.span_first, duration=describe_duration(phase.end_hours, content))
    if last:
        return content.text(t.span_from, duration=describe_duration(phase.start_hours, content))
    size, unit = _in_unit(phase.end_hours)
    start, end = phase.start_hours / size, phase.end_hours / size
    if start == round(start) and end == round(end):
        return content.text(t.span_range, start=f"{start:g}", end=f"{end:g}", unit=getattr(t, unit))
    return content.text(t.span_range, start=_span_end(phase.start_hours, content),
                        end=_span_end(phase.end_hours, content), unit="").strip()


def _span_end(hours: float, content: Content) -> str:
    """One end of a phase's span: whole weeks read as weeks ('1 week to 3 months', not '7 days')."""
    if HOURS_PER_WEEK <= hours < 8 * HOURS_PER_WEEK and hours % HOURS_PER_WEEK == 0:
        n = int(hours // HOURS_PER_WEEK)
        t = content.ui.timeline
        return t.week if n == 1 else content.text(t.weeks, n=n)
    return describe_duration(hours, content)


def day_text(d: date, content: Content, today: date | None = None) -> str:
    """'Friday 4 December', with the year when it is not this year."""
    today = today or date.today()
    fmt = content.ui.date_format if d.year == today.year else content.ui.date_format_year
    return format_date(d, format=fmt, locale=content.locale)


def phase_title(phase: Phase, content: Content) -> str:
    """'Redness settles (12 to 48 hours)': the name from timeline.yml, the times from its hours."""
    phases = content.timeline.phases
    return f"{phase.label} ({phase_span(phase, content, last=phase.id == phases[-1].id)})"
