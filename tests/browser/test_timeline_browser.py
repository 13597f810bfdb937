"""The recovery timeline in Voila, in real Chromium: keyboard on the slider, date picker."""

from datetime import date, timedelta

import pytest

from .conftest import assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "03_recovery_timeline.ipynb"
CARD = ".ce-widget .ce-card"
CHART = ".ce-widget img"
MARKER = ".ce-widget .ce-marker-line"
READOUT = ".ce-widget .ce-readout"


def chart_src(page) -> str:
    return page.locator(CHART).first.get_attribute("src") or ""


def wait_for_change(page, selector: str, attr: str | None, before: str) -> None:
    js = ("([sel, attr, before]) => { const el = document.querySelector(sel);"
          " if (!el) return false; const now = attr ? el.getAttribute(attr) : el.innerText;"
          " return now !== before; }")
    page.wait_for_function(js, arg=[selector, attr, before], timeout=20_000)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_keyboard_moves_the_timeline(request, voila_url, content, size):
    page = request.getfixturevalue(f"{size}_page")
    open_app(page, voila_url, NOTEBOOK)
    page.wait_for_selector(CHART + "[src]")
    assert_clean(page)
    card_before, src_before = page.inner_text(CARD), chart_src(page)
    marker_before = page.locator(MARKER).get_attribute("style")
    assert content.timeline.phases[0].label in card_before
    assert content.timeline.caveat in card_before

    handle = page.locator(".ce-widget .widget-slider .noUi-handle").first
    handle.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')")
    for _ in range(16):  # 16 stops: 48 hours, the start of the healing phase
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([sel, label]) => document.querySelector(sel).innerText.includes(label)",
        arg=[CARD, content.timeline.phases[2].label], timeout=30_000)
    # the chart is a fixed background; the page moved the "you are here" marker and the readout
    assert chart_src(page) == src_before
    assert page.inner_text(READOUT).endswith(f": {content.timeline.phases[2].label}")
    assert page.locator(MARKER).get_attribute("style") != marker_before
    assert page.inner_text(CARD) != card_before
    assert content.timeline.caveat in page.inner_text(CARD)
    # the urgency-graded red flags are part of the widget
    assert page.locator(".ce-widget .ce-urgency-0").count() == 1
    assert_clean(page)
    if size == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the phone"
    screenshot(page, f"timeline-keyboard-{size}")


def test_date_picker_gives_dates_and_a_calendar_file(desktop_page, voila_url, voila_log, content):
    page = desktop_page
    t = content.ui.timeline
    open_app(page, voila_url, NOTEBOOK)
    page.wait_for_selector(CHART + "[src]")
    readout_before = page.inner_text(READOUT)
    picked = date.today() - timedelta(days=3)
    page.locator(".ce-widget input[type='date']").fill(picked.isoformat())
    page.locator(".ce-widget input[type='date']").press("Tab")
    page.wait_for_selector(".ce-widget .ce-your-dates", timeout=30_000)
    dates = page.inner_text(".ce-widget .ce-your-dates")
    assert "The redness and swelling have usually gone by now." in dates
    wait_for_change(page, READOUT, None, readout_before)  # the slider jumped to "now"
    assert "Right after treatment" not in page.inner_text(READOUT)

    page.get_by_role("button", name=t.calendar_button).click()
    link = page.locator(".ce-widget a[download='recovery-dates.ics']")
    link.wait_for(timeout=30_000)
    assert link.get_attribute("href").startswith("data:text/calendar;base64,")
    assert link.inner_text() == t.calendar_link

    # a date further ahead than any booking (a wrong year): a friendly message, no traceback
    page.locator(".ce-widget input[type='date']").fill((date.today() + timedelta(days=400)).isoformat())
    page.locator(".ce-widget input[type='date']").press("Tab")
    too_far = content.text(t.date_too_far, duration=content.text(t.months, n=6))
    page.wait_for_function("(msg) => document.body.innerText.includes(msg)", arg=too_far, timeout=30_000)
    assert_clean(page)
    screenshot(page, "timeline-date-desktop")
    # the patient's date never reaches the server's log
    log = voila_log.read_text()
    for text in (picked.isoformat(), picked.strftime("%d/%m/%Y"), picked.strftime("%m/%d/%Y")):
        assert text not in log


def test_results_page_has_its_widget(phone_page, voila_url, content):
    open_app(phone_page, voila_url, "04_results_and_benefits.ipynb")
    phone_page.wait_for_selector(CHART + "[src]")
    assert_clean(phone_page)
    marker_before = phone_page.locator(MARKER).get_attribute("style")
    phone_page.locator(".ce-widget .widget-slider .noUi-handle").first.focus()
    phone_page.keyboard.press("ArrowRight")
    phone_page.keyboard.press("ArrowRight")
    wait_for_change(phone_page, MARKER, "style", marker_before)
    assert phone_page.inner_text(READOUT).startswith("2 weeks: ")
    phone_page.wait_for_function("([sel, t]) => document.querySelector(sel).innerText.includes(t)",
                                 arg=[CARD, content.timeline.phases[3].label])
    screenshot(phone_page, "results-phone")
