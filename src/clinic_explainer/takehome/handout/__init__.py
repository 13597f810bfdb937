"""Take-home material: the printed handout and the appointment list, as PDF, in memory.

Renderer: WeasyPrint (HTML + CSS -> PDF, in-process). Chosen because the page fragments are
the same Jinja2/HTML the served pages use, print layout is plain CSS (``@page`` size for A4
and US Letter, ``break-inside: avoid``), it embeds (subsets) every font it uses, draws the
matplotlib SVG chart and the QR code as vectors, and returns bytes without touching the
disk, so a patient's personal handout never leaves the kernel's memory. Chromium's print
to PDF would need a browser process per click inside the Voila kernel; ReportLab would mean
a second layout language beside the HTML of the pages.

Templates: handout.html.j2 and appointment.html.j2 in pages/templates/, rendered through the
package's one Jinja2 environment (pages/render.py) with autoescape on: every text from content/
is escaped; only HTML this package builds itself (Markdown of the FAQ, the SVGs) is marked
safe. The warning signs and the phases' titles come from the same macros as the pages'.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

import matplotlib
from babel.dates import format_date
from markupsafe import Markup

from clinic_explainer import content as content_mod
from clinic_explainer.charts.chart import FONT, TimelineChart
from clinic_explainer.models.timeline import RecoveryTimeline, phase_title
from clinic_explainer.pages.html import markdown
from clinic_explainer.pages.render import colour_css, render
from clinic_explainer.pages.urls import data_url, explainer_url, personal_link
from clinic_explainer.takehome.link import qr_svg

WARNING_SIGNS_FAQ = "warning-signs"
PAPERS = {"a4": "A4", "letter": "letter"}
CHART_SIZE = (9.0, 3.1)  # inches, drawn 175 mm wide: the chart's 14 pt text prints at about 10.7 pt



def _css(paper: str, c) -> str:
    css = resources.files(__package__).joinpath("print.css").read_text(encoding="utf-8")
    return f"@page {{ size: {PAPERS[paper]}; }}\n{colour_css(c.clinic.colours)}\n{css}"


def chart_svg(c, size=CHART_SIZE) -> str:
    """The timeline chart as an SVG data URL (vector, text kept as text), no 'you are here'."""
    chart = TimelineChart(c, render="full", size=size)
    chart.show_marker(False)
    chart.ax.yaxis.label.set_size(10)  # the axis title fits the shorter print chart
    # the legend in one row, below the two rows of time labels
    chart.ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, fontsize=FONT, frameon=False)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "handout",
                                "font.family": "DejaVu Sans"}):
        chart.save(buf, format="svg", metadata={"Date": None, "Creator": None})
    return data_url(buf.getvalue(), "image/svg+xml")


def faq_summary(c) -> list[tuple[str, Markup]]:
    """(question, answer HTML) for the handout: the plain 'in short' text where content has it.

    The recovery page's FAQ sections, but the warning-signs one: the handout prints the
    full, urgency-graded red flags list in its place.
    """
    out = []
    for sid in c.page("recovery").faq:
        if sid == WARNING_SIGNS_FAQ:
            continue
        s = c.faq[sid]
        short = c.plain_for(sid)  # plain.yml: "In short", if it reaches patients
        out.append((s.front.question, Markup(markdown(short.in_short if short is not None else s.body))))
    return out


def latest_review(c):
    reviews = [r for _, r, _ in c.reviews()]
    return max(r.last_reviewed for r in reviews), min(r.next_review for r in reviews)


@dataclass(frozen=True)
class PersonalDates:
    treated_on: str
    rows: list[tuple[str, str, bool]]  # (date, what, is the "today" row)
    link: str


def full_date(d: date, c) -> str:
    """'Friday 4 December 2026': a sheet kept on the fridge needs the year."""
    return format_date(d, format=c.ui.date_format_year, locale=c.locale)


def personal_dates(c, treated_at: datetime, today: date) -> PersonalDates:
    """The patient's dates with the year, and a "today" row where today falls among them
    (before that day's own items), so the sheet says which dates have passed."""
    model = RecoveryTimeline(c)
    dated = [(m.when.date(), m.text) for m in model.dated(treated_at) if m.kind in ("milestone", "follow-up")]
    rows = [(full_date(d, c), text, False) for d, text in dated if d < today]
    rows.append((full_date(today, c), c.ui.handout.today, True))
    rows += [(full_date(d, c), text, False) for d, text in dated if d >= today]
    return PersonalDates(full_date(treated_at.date(), c), rows,
                         personal_link(c, treated_at.date()) if c.clinic.public_url else "")


def aftercare_checks(c) -> list[str]:
    """The "Looking after your skin" tick boxes: things to do. A step that repeats what the
    timeline says one may see (e.g. "Complete results can be seen...") is not a task; the
    stage table and the dates already say it."""
    seen = {x for p in c.timeline.phases for x in p.may_see} | {m.text for m in c.timeline.milestones}
    return [step.text for step in c.aftercare.steps if step.text not in seen]


def handout_html(c=None, treated_at: datetime | None = None, today: date | None = None,
                 compact: bool = False) -> str:
    """The handout's HTML; ``compact``: the smaller print style (see ``_pdf``)."""
    c = c or content_mod.load()
    today = today or date.today()
    last, nxt = latest_review(c)
    personal = personal_dates(c, treated_at, today) if treated_at is not None else None
    url = personal.link if personal and personal.link else explainer_url(c) if c.clinic.public_url else None
    qr = Markup(qr_svg(url)) if url else None
    return render(
        "handout.html.j2",
        c=c, h=c.ui.handout, t=c.ui.timeline, lang=c.locale, compact=compact,
        faq=faq_summary(c), chart=chart_svg(c), chart_alt=c.ui.timeline.chart_title,
        phases=RecoveryTimeline(c).phases, phase_title=phase_title, aftercare=aftercare_checks(c),
        personal=personal, qr=qr,
        qr_caption=c.ui.handout.qr_personal if personal else c.ui.handout.qr_caption,
        disclaimer=c.text(c.ui.disclaimer),
        reviewed=c.text(c.ui.handout.reviewed, last_reviewed=format_date(last, format="d MMMM y", locale=c.locale),
                        next_review=format_date(nxt, format="d MMMM y", locale=c.locale)))


def _pdf(html: Callable[[bool], str], paper: str, c, max_pages: int = 2) -> bytes:
    """Lay out and write the PDF of ``html(compact)``; if the words run past ``max_pages``,
    lay out once more with the compact print style (smaller type and chart) rather than cut a
    page short."""
    from weasyprint import CSS, HTML  # imported on first use: about 0.5 s

    # WeasyPrint logs CSS it ignores at WARNING; keep its log free of page content anyway
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    css = [CSS(string=_css(paper, c))]
    doc = HTML(string=html(False)).render(stylesheets=css)
    if len(doc.pages) > max_pages:
        doc = HTML(string=html(True)).render(stylesheets=css)
    return doc.write_pdf()


def handout_pdf(c=None, paper: str = "a4", treated_at: datetime | None = None, today: date | None = None) -> bytes:
    """The handout as PDF bytes (with the patient's dates when ``treated_at`` is given)."""
    c = c or content_mod.load()
    return _pdf(lambda compact: handout_html(c, treated_at, today, compact), paper, c)


def appointment_html(c, ticked: list[str], answers: list[tuple[str, str]], tell: list[str],
                     faq: list[str], questions: str, compact: bool = False) -> str:
    s = c.ui.candidacy
    # each "tell your skin doctor" line after the question it answers, so "it" has a referent
    asked = {x.tell_dermatologist: x.question for x in c.candidacy.contraindications}
    tell_rows = [(asked.get(text, ""), text) for text in tell]
    return render(
        "appointment.html.j2", c=c, s=s, lang=c.locale, compact=compact, ticked=ticked, answers=answers, tell=tell_rows,
        faq=faq,
        questions=[q.strip() for q in questions.splitlines() if q.strip()],
        decider=c.candidacy.decider, next_step=c.text(s.next_step),
        disclaimer=c.text(c.ui.disclaimer))


def appointment_pdf(c, paper: str = "a4", **parts) -> bytes:
    return _pdf(lambda compact: appointment_html(c, **parts, compact=compact), paper, c)

