"""Take-home details (issue 18 item 7): dates with the year and a "today" row, tick boxes only
for things to do, "tell your skin doctor" lines with their question, a Spanish QR code."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from clinic_explainer import content as content_mod
from clinic_explainer.takehome.handout import (
    aftercare_checks,
    appointment_pdf,
    handout_html,
    personal_dates,
)

NY = ZoneInfo("America/New_York")
TREATED = datetime(2026, 12, 2, 10, 0, tzinfo=NY)


def test_dates_carry_the_year_and_a_today_row(content):
    dates = personal_dates(content, TREATED, today=date(2026, 12, 5))
    assert dates.treated_on == "Wednesday 2 December 2026"
    assert all(re.search(r" 20\d\d$", day) for day, _, _ in dates.rows)
    today = [i for i, row in enumerate(dates.rows) if row[2]]
    assert len(today) == 1
    i = today[0]
    assert dates.rows[i][:2] == ("Saturday 5 December 2026", content.ui.handout.today)
    assert dates.rows[i - 1][0] == "Friday 4 December 2026"  # the past above it, the rest below
    assert dates.rows[i + 1][0] == "Wednesday 9 December 2026"
    html = handout_html(content, TREATED, today=date(2026, 12, 5))
    assert '<tr class="today">' in html


def test_the_stage_table_keeps_the_times(content):
    html = handout_html(content, TREATED, today=date(2026, 12, 5))
    table = html[html.index('class="phases"'):html.index('class="aftercare"')]
    assert "(first 12 hours)" in table and "(12 to 48 hours)" in table and "(from 3 months)" in table


def test_complete_results_is_not_a_tick_box(content):
    checks = aftercare_checks(content)
    results = next(s.text for s in content.aftercare.steps if s.id == "review-results")
    sunscreen = next(s.text for s in content.aftercare.steps if s.id == "sunscreen")
    assert results not in checks and sunscreen in checks
    html = handout_html(content)
    boxes = html[html.index('<ul class="checks">'):]
    assert results not in boxes[:boxes.index("</ul>")]


def test_tell_your_skin_doctor_lines_say_what_it_is(content):
    infection = next(x for x in content.candidacy.contraindications if x.id == "skin-infection")
    pdf = appointment_pdf(content, ticked=[], answers=[], tell=[infection.tell_dermatologist], faq=[], questions="")
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"{infection.question} {infection.tell_dermatologist}" in text


def test_the_spanish_handouts_qr_code_opens_the_spanish_page():
    es = content_mod.load(locale="es")
    assert "?lang=es#treated=2026-12-02" in personal_dates(es, TREATED, date(2026, 12, 5)).link
    html = handout_html(es, TREATED, today=date(2026, 12, 5))
    assert es.ui.handout.today in html and "de 2026" in html
