"""A trainee's certificate of completion as PDF, in memory (WeasyPrint, as the handout).

Built from plain values (the class view and `make training-report` read them from the
training records): the clinic's name, the trainee, the date, the score and the content
version the training was on.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from clinic_explainer.pages.render import render
from clinic_explainer.takehome.handout import _pdf

VERSION_CHARS = 12  # of the content hash, as printed (enough to tell versions apart)


def certificate_html(c, name: str, finished_at: datetime, score: int, total: int, content_version: str,
                     compact: bool = False) -> str:
    w = c.ui.training
    day = format_date(finished_at.date(), format="d MMMM y", locale=c.locale)
    return render("certificate.html.j2", c=c, w=w, lang=c.locale, compact=compact, trainee=name,
                  line=c.text(w.certificate_line, name=name, date=day, score=score, total=total),
                  version=c.text(w.certificate_version, label=content_version[:VERSION_CHARS]),
                  disclaimer="")


def certificate_pdf(c, name: str, finished_at: datetime, score: int, total: int, content_version: str,
                    paper: str | None = None) -> bytes:
    return _pdf(lambda compact: certificate_html(c, name, finished_at, score, total, content_version, compact),
                paper or c.clinic.paper, c, max_pages=1)


def certificate_filename(name: str, finished_at: datetime) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower() or "trainee"
    return f"certificate-{safe}-{finished_at.date().isoformat()}.pdf"
