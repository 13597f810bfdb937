"""The patient's treatment date: the line at the top of the timeline, and a date picker that
notices a day it cannot read (views/timeline.py uses them).

Which dates are taken is takehome/link.py's ``date_problem`` (the link command refuses the
same dates): up to ``settings.PLAN_AHEAD_DAYS`` ahead is a plan-ahead view (clinics send the
link at booking), not an error; every other out-of-range date gets words, never silence.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as w
import traitlets
from ipywidgets.widgets.trait_types import Date, date_serialization


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
