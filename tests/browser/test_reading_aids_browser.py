"""Reading aids of the patient pages (issue 18): read aloud with the browser's own voice,
larger text remembered on the device, and a share preview in the page's head.

Headless Chromium may have no voices, so read-aloud is tested by the calls the page makes: a
stand-in speechSynthesis, installed before the page's scripts run, records what it is asked to
say and in which language. The share preview is read over plain HTTP, as a messaging app's
link preview reads it.
"""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser

import pytest

from clinic_explainer import content as content_mod

from .conftest import assert_clean, open_app, screenshot
from .servers import RENDERED
from .test_a11y_browser import axe_violations

pytestmark = pytest.mark.browser

EXPLAINER = "patient_explainer.ipynb"

# A stand-in for the browser's speech: records speak (text, lang) and cancel.
FAKE_SPEECH = """
window.__spoken = []; window.__cancels = 0;
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  speaking: false, pending: false, paused: false,
  speak(u) { window.__spoken.push({ text: u.text, lang: u.lang }); },
  cancel() { window.__cancels += 1; },
  pause() {}, resume() {}, getVoices() { return []; },
  addEventListener() {}, removeEventListener() {},
}});
"""
NO_SPEECH = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;" \
            "Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: undefined });"
# Whether <html> already had the larger text when the page's first heading was parsed.
FIRST_PAINT = """
window.__largerAtFirstHeading = null;
new MutationObserver(function (m, obs) {
  if (document.querySelector('.ce h1')) {
    window.__largerAtFirstHeading = document.documentElement.classList.contains('ce-larger-text');
    obs.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""
NO_SIDEWAYS = """() => {
  const doc = document.documentElement, cells = document.getElementById('rendered_cells');
  const over = [];
  document.querySelectorAll('#rendered_cells .ce *, #rendered_cells .ce-widget *').forEach((e) => {
    const r = e.getBoundingClientRect();
    // a closed <details> keeps its text for screen readers in a clipped 1 px box (style.css)
    const hidden = e.closest('.ce-visually-hidden') || (e.closest('details:not([open])') && !e.closest('summary'));
    if (r.width > 2 && r.height > 2 && r.right > doc.clientWidth + 1 && !hidden)
      over.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
  });
  return { doc: [doc.scrollWidth, doc.clientWidth], cells: cells ? [cells.scrollWidth, cells.clientWidth] : [0, 0],
           over: over.slice(0, 5) };
}"""

AFTER_QUESTION = """(s) => {
  const b = s.querySelector('.ce-listen'), q = s.querySelector('h2'), a = s.querySelector('.ce-inshort');
  return !!(q.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)
         && !!(b.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)
         && b.getAttribute('aria-describedby') === q.id;
}"""


def _words(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def _no_sideways(page) -> None:
    got = page.evaluate(NO_SIDEWAYS)
    assert got["doc"][0] <= got["doc"][1], f"the page scrolls sideways: {got}"
    assert got["cells"][0] <= got["cells"][1], f"the page's scroller scrolls sideways: {got}"
    assert got["over"] == [], f"content runs past the screen's right edge: {got}"


def _listen_and_stop(page, c) -> None:
    """Each Listen button reads its answer in the answer's language; again, or another, stops."""
    sections = page.locator("section.ce-faq")
    n = sections.count()
    assert n >= 3 and page.locator("section.ce-faq .ce-listen").count() == n
    # a folded answer (the question is a <details>' summary) shows its button when opened
    page.evaluate("() => document.querySelectorAll('section.ce-faq > details').forEach((d) => { d.open = true; })")
    first = sections.nth(0)
    button = first.locator(".ce-listen")
    assert button.inner_text() == c.ui.reader.listen and button.get_attribute("data-ce-reading") == "false"
    assert button.get_attribute("aria-pressed") is None  # its name says the state: "Listen", "Stop"
    assert button.bounding_box()["height"] >= 44
    # the button comes right after the question, before the answer
    assert first.evaluate(AFTER_QUESTION)
    page_lang = page.evaluate("() => document.documentElement.lang")
    expected_lang = first.evaluate("(s) => s.closest('[lang]').getAttribute('lang')")
    button.click()
    assert button.get_attribute("data-ce-reading") == "true" and button.inner_text() == c.ui.reader.stop
    spoken = page.evaluate("() => window.__spoken")
    said = _words(" ".join(s["text"] for s in spoken))
    inshort = _words(first.locator(".ce-inshort p").first.text_content())
    full = _words(first.locator("details.ce-full:not(.ce-part) .ce-full-text p").first.text_content())
    assert inshort in said and full in said, said
    assert c.ui.in_short not in said and c.ui.reader.listen not in said  # labels are not read
    assert {s["lang"] for s in spoken} == {expected_lang}, spoken
    # again: stops
    cancels = page.evaluate("() => window.__cancels")
    button.click()
    assert page.evaluate("() => window.__cancels") > cancels
    assert button.get_attribute("data-ce-reading") == "false" and button.inner_text() == c.ui.reader.listen
    # another answer's button while one reads: the first stops, the second reads
    button.click()
    second = sections.nth(1).locator(".ce-listen")
    page.evaluate("() => { window.__spoken = []; }")
    second.click()
    assert button.get_attribute("data-ce-reading") == "false" and second.get_attribute("data-ce-reading") == "true"
    question = _words(sections.nth(1).locator("h2").text_content())
    assert _words(page.evaluate("() => window.__spoken")[0]["text"]) == question
    second.click()
    assert page_lang == c.locale


def test_english_page_reads_aloud_and_larger_text_is_remembered(phone_page, voila_url):
    page, c = phone_page, content_mod.load(locale="en")
    page.add_init_script(FAKE_SPEECH)
    open_app(page, voila_url, EXPLAINER)
    _listen_and_stop(page, c)

    larger = page.locator(".ce-banner .ce-larger-button")
    assert larger.count() == 1 and larger.inner_text() == c.ui.reader.larger_text
    assert larger.get_attribute("aria-pressed") == "false" and larger.bounding_box()["height"] >= 44
    text = page.locator("section.ce-faq .ce-inshort p").first
    before = float(text.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"))
    larger.click()
    assert larger.get_attribute("aria-pressed") == "true"
    after = float(text.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"))
    assert after >= before * 1.2, (before, after)
    assert page.evaluate("() => localStorage.getItem('ce-text-size')") == "larger"
    _no_sideways(page)
    assert axe_violations(page) == [], "axe at 390 px with larger text"
    screenshot(page, "reading-aids-phone-larger", full=False)

    page.reload()
    page.wait_for_selector(".ce-banner .ce-larger-button[aria-pressed='true']")
    assert page.evaluate("() => document.documentElement.classList.contains('ce-larger-text')")
    page.wait_for_function(RENDERED, timeout=90_000)  # the live outputs have taken the boxes' place
    # pressed again: the usual size, and the device forgets the choice
    page.locator(".ce-banner .ce-larger-button").click()
    assert float(page.locator("section.ce-faq .ce-inshort p").first.evaluate(
        "(e) => parseFloat(getComputedStyle(e).fontSize)")) == before
    assert page.evaluate("() => localStorage.getItem('ce-text-size')") is None
    assert_clean(page)


def test_spanish_page_reads_in_spanish_and_larger_text_applies_before_the_text(phone_page, voila_url):
    page, c = phone_page, content_mod.load(locale="es")
    page.add_init_script(FAKE_SPEECH)
    page.add_init_script("try { localStorage.setItem('ce-text-size', 'larger'); } catch (e) {}")
    page.add_init_script(FIRST_PAINT)
    page.goto(voila_url + "voila/render/" + EXPLAINER + "?lang=es")
    page.wait_for_function(RENDERED, timeout=90_000)
    assert page.evaluate("() => window.__largerAtFirstHeading") is True, "larger text came after the first text"
    assert page.locator(".ce-banner .ce-larger-button").inner_text() == c.ui.reader.larger_text
    _listen_and_stop(page, c)
    # every answer is read in the language it is written in (Spanish, or English standing in)
    langs = page.evaluate("""() => Array.from(document.querySelectorAll('section.ce-faq')).map((s) => {
        window.__spoken = []; s.querySelector('.ce-listen').click();
        const got = window.__spoken.map((x) => x.lang); s.querySelector('.ce-listen').click();
        return [s.closest('[lang]').getAttribute('lang'), got]; })""")
    assert all(got and set(got) == {want} for want, got in langs), langs
    assert "es" in {want for want, _ in langs}
    _no_sideways(page)


def test_no_listen_button_without_speech_in_the_browser(phone_page, voila_url):
    page = phone_page
    page.add_init_script(NO_SPEECH)
    page.goto(voila_url + "voila/render/" + EXPLAINER)
    page.wait_for_function(RENDERED, timeout=90_000)  # the live page is in place (it replaces the first)
    page.wait_for_selector(".ce-banner .ce-larger-button")  # the reading aids are on the page
    assert page.locator("section.ce-faq").count() >= 3
    assert page.locator(".ce-listen").count() == 0
    page.emulate_media(media="print")  # the reading aids are not printed
    assert page.locator(".ce-banner .ce-larger-button").evaluate("(b) => getComputedStyle(b).display") == "none"


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property")] = a.get("content")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _head(url: str) -> tuple[_Head, str]:
    with urllib.request.urlopen(url, timeout=90) as r:
        body = r.read().decode("utf-8")
    parser = _Head()
    parser.feed(body.split("</head>", 1)[0] + "</head>")
    return parser, body


@pytest.mark.parametrize("locale, query", [("en", ""), ("es", "?lang=es&utm_source=cejunk%3Cb%3E&treated=1999-12-31")])
def test_share_preview_is_the_pages_title_and_summary(voila_url, locale, query):
    c = content_mod.load(locale=locale)
    page = c.page("explainer")
    head, body = _head(voila_url + "voila/render/" + EXPLAINER + query)
    assert head.meta["description"] == head.meta["og:description"] == page.summary
    assert head.meta["og:title"] == page.title and head.title.startswith(page.title)
    assert head.meta["og:type"] == "website" and head.meta["og:locale"] == locale
    assert head.meta["og:site_name"] == c.clinic.name
    # nothing of the query but the language reaches the page
    assert "cejunk" not in body and "1999-12-31" not in body and "utm_source" not in body
    assert f'<html lang="{locale}"' in body
