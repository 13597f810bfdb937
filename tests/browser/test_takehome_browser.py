"""Take it home, in real Chromium: the personal link, the calendar and handout downloads,
clearing and garbling the date, "Print or save as PDF" and the appointment list."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from .conftest import assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

DATE_INPUT = ".ce-date-box input[type='date'] >> nth=0"  # a personal link fills the early form (kept)
# the timeline a personal link opens: its early form, which the server answers and which stays
# the patient's when the widget client arrives (serving/http/early.py)
READOUT = ".ce-early[data-tool=timeline] .ce-readout"


def download(page, link_selector: str) -> bytes:
    link = page.locator(link_selector)
    link.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as info:
        link.click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_personal_link_opens_the_patients_timeline_and_both_downloads(desktop_page, voila_url, voila_log,
                                                                      content):
    page, t = desktop_page, content.ui.timeline
    settled = next(m.text for m in content.timeline.milestones if m.at_hours == 48)
    today = datetime.now(ZoneInfo(content.clinic.timezone)).date()
    treated = today - timedelta(days=3)
    # the personal link: the date after '#', which the browser never sends to the server
    page.goto(voila_url + f"voila/render/patient_explainer.ipynb#treated={treated.isoformat()}")
    page.wait_for_selector(".ce-date-box .ce-your-dates", timeout=120_000)
    assert page.locator(DATE_INPUT).input_value() == treated.isoformat()
    assert settled in page.inner_text(".ce-date-box .ce-your-dates")
    assert "3 days" in page.inner_text(READOUT)  # the timeline opened at today
    assert_clean(page)

    # the calendar file: reminders, nothing in the past
    page.get_by_role("button", name=t.calendar_button).click()
    cal = Calendar.from_ical(download(page, "a[download='recovery-dates.ics']"))
    found = cal.walk("VEVENT")
    assert found and all(len(e.walk("VALARM")) == 1 for e in found)
    assert all(e.decoded("dtstart").date() >= today for e in found)
    assert settled not in [str(e["summary"]) for e in found]

    # the personal handout: the patient's dates, built in the kernel's memory
    page.get_by_role("button", name=t.handout_button).click()
    pages, text = pdf_text(download(page, "a[download='my-recovery-handout.pdf']"))
    assert 1 <= pages <= 2
    assert content.clinic.phone in text and "Your treatment:" in text
    assert re.sub(r"\s+", " ", settled) in text
    screenshot(page, "takehome-personal-link-desktop")

    # cleared: no dates, no links, buttons off, slider back at the start
    page.locator(DATE_INPUT).fill("")
    page.locator(DATE_INPUT).press("Tab")
    page.wait_for_function("(msg) => document.body.innerText.includes(msg)", arg=t.date_cleared, timeout=30_000)
    assert page.locator(".ce-date-box .ce-your-dates").count() == 0
    assert page.locator("a[download='recovery-dates.ics'], a[download='my-recovery-handout.pdf']").count() == 0
    assert page.get_by_role("button", name=t.calendar_button).is_disabled()
    assert page.get_by_role("button", name=t.handout_button).is_disabled()
    assert t.start in page.inner_text(READOUT)

    # a date again, then garbled: typed only in part, the field left
    page.locator(DATE_INPUT).fill(treated.isoformat())
    page.locator(DATE_INPUT).press("Tab")
    page.wait_for_selector(".ce-date-box .ce-your-dates", timeout=30_000)
    page.locator(DATE_INPUT).focus()
    page.keyboard.press("Backspace")  # one part of the date is emptied, the rest stays
    assert page.locator(DATE_INPUT).evaluate("el => el.validity.badInput")
    page.locator(DATE_INPUT).blur()  # Tab would only move to the next part of the date
    page.wait_for_function("(msg) => document.body.innerText.includes(msg)", arg=t.date_cleared, timeout=30_000)
    assert page.locator(".ce-date-box .ce-your-dates").count() == 0
    assert page.get_by_role("button", name=t.handout_button).is_disabled()
    assert_clean(page)
    screenshot(page, "takehome-garbled-date-desktop")
    log = voila_log.read_text()
    for text in (treated.isoformat(), treated.strftime("%d/%m/%Y"), treated.strftime("%m/%d/%Y")):
        assert text not in log


def test_print_button_and_appointment_list(phone_page, voila_url, content):
    page, s = phone_page, content.ui.candidacy
    open_app(page, voila_url, "02_is_it_right_for_me.ipynb")
    concern = content.candidacy.concerns[0].label
    page.get_by_role("checkbox", name=concern).check()
    page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=s.ticked_heading, timeout=30_000)
    page.locator(".ce-own-questions textarea").fill("Will it hurt?")
    page.locator(".ce-own-questions textarea").press("Tab")
    page.get_by_role("button", name=s.list_button).click()
    _, text = pdf_text(download(page, "a[download='my-appointment-list.pdf']"))
    assert concern in text and "Will it hurt?" in text and content.candidacy.decider in text

    page.get_by_role("button", name=content.ui.handout.print_button).click()
    pages, text = pdf_text(download(page, "a[download='take-home-guide.pdf']"))
    assert 1 <= pages <= 2 and content.clinic.phone in text
    assert_clean(page)
    screenshot(page, "takehome-appointment-list-phone")
