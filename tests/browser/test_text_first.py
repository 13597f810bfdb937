"""Text first: the explainer is readable while the widget client is still on its way."""

import re

import pytest

from .conftest import assert_clean, screenshot
from .test_a11y_browser import axe_violations
from .servers import RENDERED

pytestmark = pytest.mark.browser

NOTEBOOK = "patient_explainer.ipynb"
# Voila's widget client: voila.js and its chunks, and the federated extensions
WIDGET_JS = re.compile(r".*/voila/(static|labextensions)/.*")


def test_text_shows_before_the_widget_client_and_widgets_work_after(phone_page, voila_url, content):
    page, held = phone_page, []

    def hold(route):  # every widget script waits until released
        held.append(route)

    page.route(WIDGET_JS, hold)
    page.goto(voila_url + "voila/render/" + NOTEBOOK, wait_until="commit")
    page.wait_for_function("() => document.getElementById('ce-cells-done')", timeout=90_000)
    for _ in range(100):  # voila.js is asked for right after the last cell
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page asked for no widget script"
    assert page.title().startswith(content.page("explainer").title)
    for text in (content.clinic.name, content.clinic.phone, content.text(content.ui.disclaimer),
                 content.faq["introduction"].front.question, content.faq["after-treatment"].front.question):
        assert page.get_by_text(text, exact=False).first.is_visible(), f"{text!r} is not visible"
    date_field = page.locator(".ce-early #ce-early-date")  # the own dates work early too (test_early_tools_browser.py)
    assert date_field.is_visible() and date_field.bounding_box()["height"] >= 44
    assert page.locator(".ce-widget").count() == 0
    screenshot(page, "text-first-before-widgets", full=False)

    # the timeline already works: the keyboard moves the page's own slider, card and marker
    phases = content.timeline.phases
    early = page.locator(".ce-early input[type=range]")
    marker_before = page.locator(".ce-early .ce-marker-line").get_attribute("style")
    early.focus()
    for _ in range(16):  # 48 hours: the healing phase
        page.keyboard.press("ArrowRight")
    assert phases[2].label in page.inner_text(".ce-early .ce-early-card")
    assert early.get_attribute("aria-valuetext").endswith(phases[2].label)
    assert page.inner_text(".ce-early .ce-readout").endswith(phases[2].label)
    assert page.locator(".ce-early .ce-marker-line").get_attribute("style") != marker_before
    assert phases[2].label in page.locator(".ce-early img").get_attribute("alt")
    screenshot(page, "text-first-early-slider", full=False)
    assert axe_violations(page) == [], "axe while the widget client loads"

    page.unroute(WIDGET_JS, hold)
    for route in held:
        route.continue_()
    page.wait_for_function(RENDERED, timeout=90_000)
    assert page.locator(".ce-early").count() == 0  # untouched: every early tool handed to its live widget
    # the live widget took over at the stop the patient chose, with the keyboard focus
    card = ".ce-widget .ce-card[role=region]"  # the timeline's card
    page.wait_for_function("([sel, label]) => document.querySelector(sel).innerText.includes(label)",
                           arg=[card, phases[2].label], timeout=30_000)
    handle = page.locator(".ce-widget .widget-slider .noUi-handle").last
    assert handle.get_attribute("aria-valuetext").endswith(phases[2].label)
    assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')")
    page.keyboard.press("End")
    page.wait_for_function("([sel, label]) => document.querySelector(sel).innerText.includes(label)",
                           arg=[card, phases[-1].label], timeout=30_000)
    assert_clean(page)
