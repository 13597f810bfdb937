"""The landing page and the patient explainer, in Voila, in real Chromium."""

import pytest

from .conftest import assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

# Every fact of the clinic FAQ must reach the patient (the list).
FAQ_FACTS = [
    "2 mm", "collagen", "elastin", "new capillaries",
    "acne scars", "fine lines and wrinkles", "loose skin", "large pores", "stretch marks",
    "around the eyes and neck",
    "Accutane", "open wounds", "skin infection", "keloid scarring",
    "redness and minor swelling", "mild sunburn", "12 to 48 hours",
    "hyaluronic acid", "sunscreen",
    "1–2 weeks", "smoother", "a few months", "every patient is different",
    "better penetrate", "board-certified dermatologist",
]


def test_root_redirects_to_the_landing_page(phone_page, voila_url):
    phone_page.goto(voila_url)
    phone_page.wait_for_url("**/voila/render/00_index.ipynb", timeout=30_000)


def test_landing_page_links_every_app(phone_page, voila_url, content):
    open_app(phone_page, voila_url, "00_index.ipynb")
    assert_clean(phone_page)
    for page in content.series.pages[1:]:
        link = phone_page.locator(f".ce-series a[href='{page.notebook}']")
        assert link.count() == 1, page.notebook
        assert link.inner_text() == page.title
    # the start-here widget answers with links
    phone_page.get_by_role("button", name=content.ui.start_here.choices[1].label).click()
    phone_page.wait_for_selector(".ce ul a[href='03_recovery_timeline.ipynb']")
    screenshot(phone_page, "index-phone")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_explainer_carries_every_faq_fact(request, voila_url, content, size):
    page = request.getfixturevalue(f"{size}_page")
    open_app(page, voila_url, "patient_explainer.ipynb")
    assert_clean(page)
    text = " ".join(page.inner_text("body").split())
    missing = [fact for fact in FAQ_FACTS if fact.lower() not in text.lower()]
    assert not missing, f"missing from the explainer: {missing}"
    assert content.clinic.device_name in text
    assert content.clinic.contact_line in text
    assert "not medical advice" in text
    # widgets rendered: the timeline slider and its chart
    assert page.locator(".widget-slider").count() >= 1
    page.wait_for_selector(".ce-widget img[src^='blob:'], .ce-widget img[src^='data:']")
    assert page.locator(".ce-card").count() >= 1
    # nothing wider than the screen on a phone
    if size == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the phone"
    screenshot(page, f"explainer-{size}")


def test_unknown_template_in_the_url_is_refused_quickly(voila_url):
    """An unknown ?template= would hang the request and leak a kernel unless overrides are off."""
    import time
    import urllib.request

    start = time.monotonic()
    with urllib.request.urlopen(voila_url + "voila/render/00_index.ipynb?template=nope&theme=dark", timeout=60) as r:
        body = r.read().decode()
    assert time.monotonic() - start < 30
    assert r.status == 200 and "cdn.jsdelivr" not in body


def test_screen_readers_get_names_for_the_slider_and_the_chart(desktop_page, voila_url, content):
    page = desktop_page
    t = content.ui.timeline
    open_app(page, voila_url, "03_recovery_timeline.ipynb")
    handle = page.get_by_role("slider", name=t.slider_label)
    handle.wait_for()
    phases = content.timeline.phases
    page.wait_for_function("(v) => document.querySelector('.ce-widget .noUi-handle').getAttribute('aria-valuetext')"
                           " === v", arg=f"{t.start}: {phases[0].label}")
    handle.focus()
    page.keyboard.press("ArrowRight")
    # a short announcement at once, in the page: the stop and its stage (not the whole card)
    page.wait_for_function("(v) => document.querySelector('.ce-widget .noUi-handle').getAttribute('aria-valuetext')"
                           " === v", arg=f"1 hour: {phases[0].label}")
    page.wait_for_function("() => (document.querySelector('.ce-widget img').alt || '').includes('1 hour')")
    alt = page.locator(".ce-widget img").first.get_attribute("alt")
    assert alt.startswith("Chart of the recovery timeline")
