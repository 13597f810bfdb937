"""The patient's path in real Chromium (issue 18 items 2, 3, 4 and 7): the date field takes
the tap on a 390 px and a 320 px phone in English and Spanish; a date next week is a
plan-ahead view; 8 months ago says no reminders are left; the Spanish link opens the Spanish
page and the language switch keeps the date; phone links stay in the tab."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.pages.urls import personal_link

from .conftest import ARTIFACTS, assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

DATE_INPUT = ".ce-date-box input[type='date']"
# the patient's day: in the early form a personal link fills at once (kept when the widget
# client arrives), or in the live widget
STATUS = ".ce-day"
PHONES = ({"width": 390, "height": 844}, {"width": 320, "height": 640})

# what is under the middle of the date field, whether a page scrolls sideways, and every
# visible button whose label is cut (its text wider than the button)
LAYOUT = """() => {
  const input = document.querySelector(".ce-date-box input[type='date']");
  const r = input.getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  const doc = document.documentElement, inner = document.querySelector('#rendered_cells');
  return {
    hit: hit === input, x: r.x + r.width / 2, y: r.y + r.height / 2, right: r.right,
    // how far the field sticks out of its box (its right border would be clipped)
    out: r.right - input.closest('.ce-date-box').getBoundingClientRect().right,
    wide: Math.max(doc.scrollWidth, inner ? inner.scrollWidth : 0) - window.innerWidth,
    cut: [...document.querySelectorAll('button')].filter(b => b.offsetParent)
      .filter(b => b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight + 1).map(b => b.innerText),
  };
}"""


def clinic_today(c):
    return datetime.now(ZoneInfo(c.clinic.timezone)).date()


def wait_for_the_day_at_the_top(page) -> None:
    """The patient's day line is brought to the top of the screen once it is there."""
    page.wait_for_function("(sel) => { const el = document.querySelector(sel); if (!el) return false;"
                           " const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight / 3; }",
                           arg=STATUS, timeout=30_000)


def local_link(c, base_url: str, treated_on) -> str:
    """The link `make link` prints, pointed at this test's server."""
    return personal_link(c, treated_on).replace(c.clinic.public_url, base_url)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("notebook", ["03_recovery_timeline.ipynb", "patient_explainer.ipynb"])
def test_the_date_field_takes_the_tap_on_a_phone(phone_page, voila_url, notebook, lang):
    page = phone_page
    open_app(page, voila_url, notebook + ("?lang=es" if lang == "es" else ""))
    field = page.locator(DATE_INPUT)
    field.wait_for(timeout=60_000)
    for size in PHONES:
        page.set_viewport_size(size)
        field.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        layout = page.evaluate(LAYOUT)
        assert layout["hit"], f"{size['width']} px {lang}: the middle of the date field is covered"
        assert layout["right"] <= size["width"], f"{size['width']} px {lang}: the date field is cut"
        assert layout["out"] <= 0.5, f"{size['width']} px {lang}: the date field sticks out {layout['out']} px"
        assert layout["wide"] <= 0, f"{size['width']} px {lang}: the page scrolls {layout['wide']} px sideways"
        assert layout["cut"] == [], f"{size['width']} px {lang}: cut button labels {layout['cut']}"
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.mouse.click(layout["x"], layout["y"])  # a tap in the middle of the field
        assert page.evaluate("() => document.activeElement.matches(\".ce-date-box input[type='date']\")")
        page.keyboard.press("Escape")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".ce-date-box").screenshot(path=str(ARTIFACTS / f"date-field-{notebook[:2]}-{lang}-{size['width']}.png"))
    assert_clean(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_link_for_next_week_is_a_plan_ahead_view(phone_page, voila_url, lang):
    c = content_mod.load(locale=lang)
    t, page = c.ui.timeline, phone_page
    treated = clinic_today(c) + timedelta(days=5)
    page.goto(local_link(c, voila_url, treated))  # ?lang=es for Spanish: the link `make link LANG=es` prints
    page.wait_for_selector(STATUS, timeout=120_000)
    wait_for_the_day_at_the_top(page)
    status = page.inner_text(STATUS)
    assert c.text(t.plan_ahead, duration=c.text(t.days, n=5)) in status
    assert t.plan_ahead_help in status
    assert page.locator(f"{STATUS}[role='status']").count() == 1  # announced to screen readers
    assert page.get_attribute("html", "lang") == lang
    dates = page.inner_text(".ce-date-box .ce-your-dates")
    assert t.date_future not in page.inner_text("body")
    assert len(dates.splitlines()) >= 4
    assert page.get_by_role("button", name=t.calendar_button).is_enabled()
    assert_clean(page)
    screenshot(page, f"plan-ahead-{lang}", full=False)

    # a year typed wrong: words, not dates
    field = page.locator(DATE_INPUT).first
    field.fill((treated + timedelta(days=400)).isoformat())
    field.press("Tab")
    page.wait_for_function("(w) => document.body.innerText.includes(w)",
                           arg=c.text(t.date_too_far, duration=c.text(t.months, n=6)), timeout=30_000)
    assert page.locator(STATUS).count() == 0 or page.inner_text(STATUS).strip() == ""
    assert page.get_by_role("button", name=t.calendar_button).is_disabled()


def test_eight_months_ago_says_no_reminders_are_left(phone_page, voila_url, content):
    c, page = content, phone_page
    t = c.ui.timeline
    treated = clinic_today(c) - timedelta(days=240)
    page.goto(local_link(c, voila_url, treated))
    page.wait_for_selector(".ce-date-box .ce-your-dates", timeout=120_000)
    why = c.text(t.no_reminders, duration=c.text(t.months, n=6))
    page.wait_for_function("(w) => document.body.innerText.includes(w)", arg=why, timeout=30_000)
    assert page.get_by_role("button", name=t.calendar_button).is_disabled()
    assert t.calendar_ready not in page.inner_text("body")
    assert page.inner_text(STATUS).startswith(c.text(t.day_now, n=240, label="").rstrip(" :"))
    assert_clean(page)


def test_the_language_switch_keeps_the_date(phone_page, voila_url, content):
    page, es = phone_page, content_mod.load(locale="es")
    treated = clinic_today(content) - timedelta(days=3)
    page.goto(local_link(content, voila_url, treated))
    page.wait_for_selector(STATUS, timeout=120_000)
    assert page.inner_text(STATUS).startswith("Day 3 after your treatment")
    page.locator(".ce-banner a.ce-lang").first.click()
    page.wait_for_url(f"**?lang=es#treated={treated.isoformat()}", timeout=30_000)
    page.wait_for_selector(STATUS, timeout=120_000)
    assert page.locator(DATE_INPUT).first.input_value() == treated.isoformat()
    wait_for_the_day_at_the_top(page)
    label = es.timeline.phases[2].label
    assert page.inner_text(STATUS).strip() == es.text(es.ui.timeline.day_now, n=3, label=label)
    assert page.get_attribute("html", "lang") == "es"
    assert_clean(page)
    screenshot(page, "language-switch-keeps-the-date", full=False)


def test_phone_links_stay_in_the_tab(phone_page, voila_url, content):
    open_app(phone_page, voila_url, "patient_explainer.ipynb")
    tel = phone_page.locator("a[href^='tel:']")
    assert tel.count() >= 1
    assert all(tel.nth(i).get_attribute("target") in (None, "_self") for i in range(tel.count()))


def test_a_first_visit_gets_the_widget_client_in_one_file(phone_page, voila_url):
    """voila.js's chunks come in one file (serving/http/chunks.py): a first visit asks for none
    of them alone (it asked the server for about a hundred files, now about thirty), and the
    widgets work."""
    import re

    asked: list[str] = []
    phone_page.on("request", lambda r: asked.append(r.url))
    open_app(phone_page, voila_url, "patient_explainer.ipynb")
    phone_page.wait_for_selector(".jupyter-widgets .widget-slider .noUi-handle", state="visible", timeout=60_000)
    assert [u for u in asked if re.search(r"/\d+\.voila\.js", u)] == []
    assert any("/clinic-chunks/voila." in u for u in asked)
    assert len([u for u in asked if u.startswith(voila_url)]) < 50, len(asked)
    assert_clean(phone_page)
    assert phone_page.watch.console_errors == []
