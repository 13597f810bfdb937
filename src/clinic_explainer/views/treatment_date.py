"""The patient's treatment date: the line at the top of the timeline, and a date picker that
notices a day it cannot read (views/timeline.py uses them).

Which dates are taken is takehome/link.py's ``date_problem`` (the link command refuses the
same dates): up to ``settings.PLAN_AHEAD_DAYS`` ahead is a plan-ahead view (clinics send the
link at booking), not an error; every other out-of-range date gets words, never silence.
"""

from __future__ import annotations

from datetime import date, datetime

import ipywidgets as w
import traitlets
from ipywidgets.widgets.trait_types import Date, date_serialization

from clinic_explainer.models.timeline import RecoveryTimeline, hours_since
from clinic_explainer.takehome.link import date_problem, date_words, days_text  # noqa: F401  (for the view)


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


def _date_from_json(js, widget):
    """The browser's day, or None with ``widget.unreadable`` set when Python cannot hold it
    (a year typed as 20261): the view then says so instead of ignoring it."""
    try:
        value = None if js is None else date(js["year"], js["month"] + 1, js["date"])
    except (KeyError, TypeError, ValueError, OverflowError):
        widget.unreadable = True
        return None
    widget.unreadable = False
    return value


class TreatmentDatePicker(w.DatePicker):
    """ipywidgets' DatePicker that notices a day it cannot read (ipywidgets would log an
    error and keep the old value, so the patient would get no word)."""

    value = Date(None, allow_none=True).tag(sync=True, from_json=_date_from_json,
                                            to_json=date_serialization["to_json"])
    unreadable = traitlets.Bool(False)
