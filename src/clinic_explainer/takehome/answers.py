"""What a patient's own inputs give: the timeline's personal part (their day, their dates, the
calendar file and the handout) and the candidacy explorer's guidance and appointment list.

One home for both ways a page answers: the live widgets (views/timeline.py,
views/candidacy.py) in the visitor's kernel, and the page's early tools, which work before the
widget client has arrived (serving/http/early.py). Both call these functions, so a patient gets
the same words and the same files either way. Nothing here keeps or logs an input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from babel.numbers import format_decimal
from markupsafe import Markup

from clinic_explainer.models.candidacy import CandidacyExplorer, Guidance
from clinic_explainer.models.timeline import (
    RecoveryTimeline,
    day_text,
    describe_duration,
    hours_since,
)
from clinic_explainer.pages.render import render_macro
from clinic_explainer.pages.urls import faq_href
from clinic_explainer.settings import OWN_QUESTIONS_MAX_CHARS
from clinic_explainer.takehome.calendar import build_ics, calendar_days, ready_html
from clinic_explainer.takehome.downloads import (
    HANDOUT_FILENAME,
    LIST_FILENAME,
    PDF_MIME,
    within_budget,
)
from clinic_explainer.takehome.link import date_problem, date_words, days_text

TIMELINE = "timeline.html.j2"
CANDIDACY = "candidacy.html.j2"


def message_html(text: str, warn: bool = False) -> str:
    return render_macro("macros.html.j2", "message", text=text, warn=warn)


# -- the timeline's personal part ------------------------------------------------------------
def status_text(model: RecoveryTimeline, treated_at: datetime, now: datetime, c) -> tuple[str, str]:
    """(the line, its help) at the top of the timeline for a patient's date: 'Your treatment
    is in 5 days: what to expect' before it, 'Day 3 after your treatment: Healing' after."""
    t = c.ui.timeline
    days = (treated_at.date() - now.astimezone(treated_at.tzinfo).date()).days
    if hours_since(treated_at, now) < 0:
        line = (t.plan_ahead_today if days <= 0 else t.plan_ahead_tomorrow if days == 1
                else c.text(t.plan_ahead, duration=days_text(days, c)))
        return line, t.plan_ahead_help
    label = model.at(min(hours_since(treated_at, now), model.horizon_hours)).phase.label
    return (c.text(t.day_zero, label=label) if days == 0 else c.text(t.day_now, n=-days, label=label)), ""


def dates_html(model: RecoveryTimeline, treated_at: datetime, c, today: date | None = None) -> str:
    """'Friday 4 December: Most redness should have settled.' for each milestone and follow-up
    (with the year when it is not this year), and 'Saturday 5 December: Today' where today
    falls among them (before that day's own items)."""
    t, today = c.ui.timeline, today or date.today()

    def item(day: date, text: str) -> str:
        return c.text(t.dated_item, date=day_text(day, c, today), label=text)

    dated = [(m.when.date(), m.text) for m in model.dated(treated_at) if m.kind in ("milestone", "follow-up")]
    items = [(item(d, text), False) for d, text in dated if d < today]
    items += [(item(today, t.today_mark), True)] + [(item(d, text), False) for d, text in dated if d >= today]
    return render_macro(TIMELINE, "dates", c=c, items=items)


def reminders_left(model: RecoveryTimeline, treated_at: datetime, c, now: datetime) -> bool:
    """Whether the calendar file would hold any reminder still to come."""
    return bool(calendar_days(model.dated(treated_at), c, now))


def no_reminders_words(model: RecoveryTimeline, c) -> str:
    return c.text(c.ui.timeline.no_reminders, duration=describe_duration(model.horizon_hours, c))


@dataclass
class DateAnswer:
    """What the timeline shows for a date: ``treated_at`` None when the date is not taken."""
    treated_at: datetime | None
    dates: str          # the dates list, or the words for a date not taken
    status: str         # "Day 3 after your treatment: ..." (empty without a date)
    hours: float        # where the slider goes: "now", or the start before the treatment
    calendar: bool      # reminders are left for a calendar file


def date_answer(model: RecoveryTimeline, c, treated_at: datetime | None, problem: str | None,
                now: datetime) -> DateAnswer:
    """The timeline's answer to a date, or to ``problem`` (a ``date_problem``, or 'invalid',
    'empty', 'cleared')."""
    if problem is None and treated_at is not None:
        problem = date_problem(treated_at, now)
    if problem is not None or treated_at is None:
        problem = problem or "empty"
        return DateAnswer(None, message_html(date_words(problem, c), warn=problem != "empty"), "", 0, False)
    dates = dates_html(model, treated_at, c, now.date())
    left = reminders_left(model, treated_at, c, now)
    if not left:  # e.g. 8 months ago: say so, offer no empty calendar file
        dates += message_html(no_reminders_words(model, c))
    line, help_text = status_text(model, treated_at, now, c)
    return DateAnswer(treated_at, dates, render_macro(TIMELINE, "status", text=line, help=help_text),
                      max(hours_since(treated_at, now), 0), left)


def read_date(day: str, clock: str, tz) -> tuple[datetime | None, str | None]:
    """A date typed in a plain date field ('2026-12-02', and '14:30' or ''), as the clinic's
    time; (None, 'empty' | 'invalid') when it is not one."""
    day, clock = (day or "").strip(), (clock or "").strip()
    if not day:
        return None, "empty"
    try:
        d = date.fromisoformat(day)
        t = time.fromisoformat(clock) if clock else time(0, 0)
        return datetime.combine(d, t.replace(tzinfo=None, second=0, microsecond=0), tzinfo=tz), None
    except (TypeError, ValueError, OverflowError):
        return None, "invalid"


def calendar_file_html(model: RecoveryTimeline, c, treated_at: datetime | None, now: datetime) -> str:
    """The calendar file's "ready" link, or the words instead. Raises DownloadRefused past the budget."""
    t = c.ui.timeline
    if treated_at is None:
        return message_html(t.calendar_needs_date, warn=True)
    if not reminders_left(model, treated_at, c, now):
        return message_html(no_reminders_words(model, c), warn=True)
    ics = within_budget(lambda: build_ics(model.dated(treated_at), c, now=now))
    return ready_html(t.calendar_ready, ics, t.calendar_link)


def handout_file_html(c, treated_at: datetime | None, now: datetime) -> str:
    """The handout's "ready" link, or the words instead. Raises DownloadRefused past the budget."""
    t = c.ui.timeline
    if treated_at is None:
        return message_html(t.calendar_needs_date, warn=True)
    from clinic_explainer.takehome.handout import (
        handout_pdf,  # WeasyPrint, matplotlib: on the click only
    )

    pdf = within_budget(lambda: handout_pdf(c, paper=c.clinic.paper, treated_at=treated_at, today=now.date()))
    return ready_html(t.handout_ready, pdf, t.handout_link, HANDOUT_FILENAME, PDF_MIME)


# -- the candidacy explorer ----------------------------------------------------------------------
def ticked_labels(model: CandidacyExplorer, c) -> list[str]:
    """What the patient ticked, in the content's order."""
    return ([i.label for i in c.candidacy.concerns if i.id in model.concerns]
            + [i.label for i in c.candidacy.areas if i.id in model.areas])


def answer_rows(model: CandidacyExplorer, c) -> list[tuple[str, str]]:
    """(question, the patient's reply in words) for every answered question."""
    s = c.ui.candidacy
    words = {"yes": s.yes, "no": s.no, "not-sure": s.not_sure}
    return [(q.question, words[model.replies[q.id]]) for q in c.candidacy.contraindications
            if q.id in model.replies]


def ticked_html(model: CandidacyExplorer, c) -> str:
    return render_macro(CANDIDACY, "ticked", s=c.ui.candidacy, labels=ticked_labels(model, c),
                        answers=answer_rows(model, c))


def guidance_html(g: Guidance, c, model: CandidacyExplorer) -> str:
    """The guidance for what ``model`` holds; its FAQ links point where ``model``'s page shows them."""
    return render_macro(CANDIDACY, "guidance", s=c.ui.candidacy, g=g, ticked_html=Markup(ticked_html(model, c)),
                        faq=[(faq_href(c, model.page_id, link.id), link.title) for link in g.faq],
                        questions={q.id: q.question for q in c.candidacy.contraindications})


def limit_words(template: str, c) -> str:
    """Words naming the own questions' length limit ('at most 2,000 characters'), in c's language."""
    return c.text(template, n=format_decimal(OWN_QUESTIONS_MAX_CHARS, locale=c.locale))


def list_file_html(model: CandidacyExplorer, c, notes: str) -> str:
    """The list for the appointment as a "ready" link (PDF). Raises DownloadRefused past the budget."""
    from clinic_explainer.takehome.handout import (
        appointment_pdf,  # WeasyPrint, matplotlib: on the click only
    )

    g = model.guidance()
    pdf = within_budget(lambda: appointment_pdf(
        c, paper=c.clinic.paper, ticked=ticked_labels(model, c), answers=answer_rows(model, c),
        tell=[t.text for t in g.tell], faq=[link.title for link in g.faq],
        questions=notes[:OWN_QUESTIONS_MAX_CHARS]))
    return ready_html(c.ui.candidacy.list_ready, pdf, c.ui.candidacy.list_link, LIST_FILENAME, PDF_MIME)
