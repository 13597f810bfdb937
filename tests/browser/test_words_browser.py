"""The Spanish explainer at phone width, the language switch and the clinic's own words."""

import pytest

from clinic_explainer import content as content_mod

from .conftest import assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser


def test_spanish_explainer_on_a_phone(phone_page, voila_url):
    es = content_mod.load(locale="es")
    page = phone_page
    open_app(page, voila_url, "patient_explainer.ipynb?lang=es")
    assert_clean(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    text = " ".join(page.inner_text("body").split())
    assert es.plain.for_faq("results").in_short.split(".")[0] in text
    assert "En pocas palabras" in text and "Lo que dicen los estudios" in text
    assert "Se calma el enrojecimiento (12 a 48 horas)" in text or "Día del tratamiento (primeras 12 horas)" in text
    # the emergency line once (the most urgent warning sign), the after-hours route kept
    assert es.clinic.after_hours_line.replace(es.clinic.emergency_line, "").strip() in text
    assert text.count(es.clinic.emergency_line) == 1
    # the clinic's words: closed on screen, yet in the accessibility tree for screen readers
    details = page.locator("details.ce-full").first
    assert details.get_attribute("open") is None
    assert " ".join(es.faq["introduction"].body.split(".")[0].split()) in " ".join(page.locator("body").aria_snapshot().split())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
    screenshot(page, "explainer-es-phone", full=False)
    screenshot(page, "explainer-es-phone-full")
    # the warning list once per page
    assert page.locator(".ce-redflags").count() == 1
    # the switch back to English keeps the page and the place
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("document.getElementById('faq-results').scrollIntoView()")
    assert abs(page.locator("#faq-results").bounding_box()["y"]) < 50, "the reader is not at the results"
    page.locator(".ce-lang-float a.ce-lang").click()
    page.wait_for_url(lambda url: "lang=en" in url, timeout=60_000)
    assert page.url.endswith("patient_explainer.ipynb?lang=en#faq-results"), page.url


@pytest.mark.parametrize("lang", ["en", "es"])
def test_drafts_reach_patients_with_one_notice_and_no_marks(phone_page, voila_url, lang):
    """Issue 16: the demo clinic opts in to show drafts (clinic.yml show_drafts): a patient at
    390 px sees one short notice for the page and no "waiting for review" mark, none beside
    the warning signs (staff see the marks in JupyterLab and `make preview`)."""
    c = content_mod.load(locale=lang)
    page = phone_page
    open_app(page, voila_url, "patient_explainer.ipynb" + ("" if lang == "en" else f"?lang={lang}"))
    text = " ".join(page.inner_text("body").split())
    assert page.locator(".ce-draft").count() == 0
    assert c.ui.draft_label not in text and c.ui.waiting_review not in text
    assert page.locator(".ce-drafts-notice").count() == 1 and c.ui.drafts_notice in text
    assert page.locator(".ce-redflags .ce-draft, .ce-urgency .ce-draft").count() == 0
