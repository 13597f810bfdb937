"""Every tool works before the widget client (issue 18, item 8): on a phone with Voila's widget
client still on its way, the date field, the tick boxes and the downloads answer at once
(serving/http/early.py); when the client arrives, a tool the patient has used stays theirs and
the others become the live widgets."""

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_explainer import content as content_mod

from .conftest import assert_clean, screenshot
from .servers import RENDERED
from .test_a11y_browser import axe_violations
from .test_text_first import NOTEBOOK, WIDGET_JS

pytestmark = pytest.mark.browser

EARLY = "() => document.documentElement.dataset.ceEarly === 'ready'"


def _days_ago(c, n: int) -> str:
    return (datetime.now(ZoneInfo(c.clinic.timezone)) - timedelta(days=n)).date().isoformat()


def _file(page, slot: str) -> bytes:
    link = page.locator(f".ce-early [data-ce-slot={slot}] a.ce-download")
    link.wait_for(timeout=60_000)
    return base64.b64decode(link.get_attribute("href").split("base64,", 1)[1])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_tool_works_with_no_widget_client_at_all(phone_page, voila_url, lang):
    page = phone_page
    c = content_mod.load(locale=lang)
    page.route(WIDGET_JS, lambda route: route.abort())  # the widget client never comes
    page.goto(voila_url + "voila/render/" + NOTEBOOK + ("?lang=es" if lang == "es" else ""))
    page.wait_for_function(EARLY)
    assert page.locator(".ce-widget .widget-slider").count() == 0

    # the date field: the patient's day above the slider, their dates, the slider at "now"
    t = c.ui.timeline
    page.fill("#ce-early-date", _days_ago(c, 3))
    day = page.locator(".ce-early .ce-day")
    day.wait_for()
    label = c.timeline.phases[2].label  # 3 days: healing under the skin
    assert c.text(t.day_now, n=3, label=label) in day.inner_text()
    assert page.locator(".ce-early .ce-your-dates li.ce-today").count() == 1
    assert page.inner_text(".ce-early .ce-readout").endswith(label)
    assert label in page.inner_text(".ce-early .ce-early-card")
    screenshot(page, f"early-tools-date-{lang}", full=False)

    # the downloads: the calendar file and the handout, as the live widget makes them
    page.click(".ce-early [data-ce-do=calendar]")
    assert _file(page, "calendar").startswith(b"BEGIN:VCALENDAR")
    page.click(".ce-early [data-ce-do=handout]")
    assert _file(page, "handout").startswith(b"%PDF")

    # a date the page does not take: its words, and no download offered
    page.fill("#ce-early-date", "1999-01-01")
    page.locator(".ce-early [data-ce-slot=dates] .ce-warn").wait_for()
    assert t.date_too_old in page.inner_text(".ce-early [data-ce-slot=dates]")
    assert page.locator(".ce-early [data-ce-do=calendar]").is_disabled()
    assert page.locator(".ce-early .ce-day").count() == 0

    # the tick boxes and questions: the guidance follows, and the list for the appointment
    concern = c.candidacy.concerns[0]
    page.locator(f".ce-early input[name=concerns][value={concern.id}]").check()
    question = c.candidacy.contraindications[0]
    page.locator(f".ce-early input[name=q-{question.id}][value=not-sure]").check()
    result = page.locator(".ce-early [data-ce-slot=result]")
    page.wait_for_function("([el, q]) => el.innerText.includes(q)", arg=[result.element_handle(), question.question])
    assert concern.label in result.inner_text()
    page.fill(".ce-early textarea[name=notes]", "¿Puedo maquillarme?" if lang == "es" else "Can I wear make-up?")
    page.click(".ce-early [data-ce-do=list]")
    assert _file(page, "file").startswith(b"%PDF")
    screenshot(page, f"early-tools-candidacy-{lang}", full=False)

    assert axe_violations(page) == [], "axe with the early tools used"
    # at 320 px: the date field inside the screen, no sideways scroll
    page.set_viewport_size({"width": 320, "height": 640})
    box = page.locator("#ce-early-date").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320 and box["height"] >= 44
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error" not in text


def test_a_used_tool_stays_the_patients_and_the_others_go_live(phone_page, voila_url, content):
    page, held = phone_page, []
    page.route(WIDGET_JS, lambda route: held.append(route))
    # a personal link: the patient's day shows before the widget client, from the early form
    page.goto(voila_url + "voila/render/" + NOTEBOOK + "#treated=" + _days_ago(content, 3), wait_until="commit")
    page.wait_for_function(EARLY)
    day = page.locator(".ce-early .ce-day")
    day.wait_for(timeout=30_000)
    assert content.text(content.ui.timeline.day_now, n=3, label=content.timeline.phases[2].label) in day.inner_text()
    assert held, "the widget client was asked for"
    page.unroute(WIDGET_JS)
    for route in held:
        route.continue_()
    page.wait_for_function(RENDERED, timeout=90_000)
    # the timeline the patient used stays, with their date; the untouched candidacy went live
    kept = page.locator(".ce-early[data-tool=timeline][data-ce-used]")
    assert kept.count() == 1 and kept.is_visible()
    assert page.input_value("#ce-early-date") == _days_ago(content, 3)
    assert day.is_visible()
    assert page.locator(".ce-early[data-tool=candidacy]").count() == 0
    live = page.locator(".ce-widget .widget-checkbox input").first
    live.check()
    page.wait_for_function("(label) => document.querySelector('.ce-widget .ce-guidance').innerText.includes(label)",
                           arg=content.candidacy.concerns[0].label, timeout=30_000)
    assert_clean(page)
    assert axe_violations(page) == [], "axe with a kept early tool beside live widgets"
