"""The personal link the clinic sends before or after a treatment, and its QR code.

``https://<public_url>/voila/render/patient_explainer.ipynb?lang=es#treated=2026-12-02``
(built in pages/urls.py, with every other address the pages use; ``?lang=`` only for a
language other than the clinic's default): the date sits after ``#``, in the fragment,
which browsers never send to a server, so it reaches no server log. On the page,
``personal_link.js`` reads the fragment and fills the timeline's date picker, which opens
the timeline at today for that patient, or, for a treatment still to come, the plan-ahead
view ("Your treatment is in 5 days: what to expect").

    python -m clinic_explainer.takehome.link 2026-12-02 [--lang es]
    (or: make link DATE=2026-12-02 [LANG=es])

prints the link and its QR code (``segno``) in the terminal; ``--svg FILE`` writes the QR
code as SVG for a letter or a card instead. A date the page would refuse (more than a year
ago, further ahead than ``settings.PLAN_AHEAD_DAYS``, not a real day) is refused here with
the page's own words, so no patient is sent a link that opens on an error.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinic_explainer import content as content_mod
from clinic_explainer import settings
from clinic_explainer.models.timeline import check_treatment_time, describe_duration
from clinic_explainer.pages.urls import personal_link


def date_problem(treated_at: datetime, now: datetime) -> str | None:
    """None if the explainer takes ``treated_at`` (up to ``settings.PLAN_AHEAD_DAYS`` ahead:
    the plan-ahead view), else the reason, naming the key ``date_<reason>`` of the interface
    words: 'too_old' (more than a year ago) or 'too_far' (further ahead than a booking, most
    likely a wrong year). The date picker and this command share it."""
    problem = check_treatment_time(treated_at, now)
    if problem == "future":
        return "too_far" if treated_at - now > timedelta(days=settings.PLAN_AHEAD_DAYS) else None
    return problem


def days_text(days: int, c) -> str:
    """'1 day', '5 days' (under two weeks), then '3 weeks', '6 months'."""
    t = c.ui.timeline
    if days < 14:
        return t.day if days == 1 else c.text(t.days, n=days)
    return describe_duration(days * 24, c)


def date_words(problem: str, c) -> str:
    """The interface words for a ``date_problem`` (or 'invalid', 'empty', 'cleared')."""
    words = getattr(c.ui.timeline, f"date_{problem}")
    return c.text(words, duration=days_text(settings.PLAN_AHEAD_DAYS, c)) if problem == "too_far" else words


def qr_svg(data: str, scale: int = 3) -> str:
    """A QR code as an SVG element (no XML declaration), dark modules only, quiet zone kept."""
    import segno

    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="svg", scale=scale, border=2,
                                                  xmldecl=False, svgns=True, nl=False)
    return buf.getvalue().decode("utf-8")


def refusal(text: str, c, now: datetime | None = None) -> str | None:
    """Why the explainer would not take the treatment date ``text`` (YYYY-MM-DD), in the
    interface words of ``c``, or None when it would (today's date in the clinic's time zone)."""
    tz = ZoneInfo(c.clinic.timezone)
    try:
        treated_at = datetime.combine(date.fromisoformat(text), time(0, 0), tzinfo=tz)
    except ValueError:
        return date_words("invalid", c)
    problem = date_problem(treated_at, now or datetime.now(tz))
    return date_words(problem, c) if problem else None


def main(argv: list[str] | None = None) -> None:
    import segno

    known = content_mod.locales()
    parser = argparse.ArgumentParser(description="Print a patient's personal explainer link and its QR code.")
    parser.add_argument("date", help="treatment date, YYYY-MM-DD (past, today or a booking ahead)")
    parser.add_argument("--lang", choices=known, default=None,
                        help="the page's language (default: the clinic's); the QR code opens the page in it")
    parser.add_argument("--svg", help="write the QR code to this SVG file instead of the terminal")
    opts = parser.parse_args(argv)
    c = content_mod.load(locale=opts.lang)
    problem = refusal(opts.date, c)
    if problem is not None:  # in the clinic's language: the staff who type the command read it
        staff = content_mod.load() if opts.lang else c
        parser.error(f"{opts.date}: {refusal(opts.date, staff)} (YYYY-MM-DD)")
    link = personal_link(c, date.fromisoformat(opts.date))
    print(link)
    qr = segno.make(link, error="m", micro=False)
    if opts.svg:
        qr.save(opts.svg, kind="svg", scale=4, border=2)
        print(f"wrote {opts.svg}")
    else:
        qr.terminal(out=sys.stdout, compact=True)


if __name__ == "__main__":
    main()
