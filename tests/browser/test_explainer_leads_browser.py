"""The explainer leads (issue 18, items 5 and 6): what a patient needs first (the recovery
timeline, when to call) at the top, the rest one tap away; the main tool named in the outline
and the contents, with a skip link to it; the chart and its marker in view while the slider
has focus, legible on a phone; the emergency line said once."""

from __future__ import annotations

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.charts import chart
from clinic_explainer.settings import CHART_DPI, CHART_SIZE

from .conftest import _new_page, assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

EXPLAINER = "patient_explainer.ipynb"
MAX_VISIBLE_WORDS = 1300
# words a reader can see: text with a box on screen, not inside a closed disclosure or a
# visually hidden helper (those stay in the page for search and screen readers)
VISIBLE_WORDS = """() => {
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n = 0, node;
  while ((node = walk.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('details:not([open]) > :not(summary), .ce-visually-hidden')
        || !el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    if (![...range.getClientRects()].some(r => r.width > 1 && r.height > 1)) continue;
    n += (node.textContent.match(/\\S+/g) || []).length;
  }
  return n;
}"""
IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; }"""
SIDEWAYS = """() => [document.documentElement, document.querySelector('#rendered_cells')].filter(Boolean)
  .some(e => e.scrollWidth > e.clientWidth + 1)"""


def _explainer(browser, url: str, width: int, height: int, lang: str):
    ctx, page, watch = _new_page(browser, {"width": width, "height": height})
    page.watch = watch
    open_app(page, url, EXPLAINER + (f"?lang={lang}" if lang != "en" else ""))
    return ctx, page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_phone_page_leads_with_the_timeline_and_says_the_rest_one_tap_away(browser, voila_url, lang):
    c = content_mod.load(locale=lang)
    ctx, page = _explainer(browser, voila_url, 390, 844, lang)
    try:
        assert_clean(page)
        words = page.evaluate(VISIBLE_WORDS)
        assert 300 < words <= MAX_VISIBLE_WORDS, words
        text = page.inner_text("body")
        # the emergency line once on the page, in the most urgent warning sign
        assert text.count(c.clinic.emergency_line) == 1
        assert page.locator("#warning-signs .ce-urgency-0", has_text=c.clinic.emergency_line).count() == 1

        # the tool has a heading of its own, first in the contents, before the answers
        heading = page.locator("h2#main-tool")
        assert heading.inner_text() == c.ui.timeline.chart_title
        toc = page.locator("nav.ce .ce-toc a")
        assert toc.first.get_attribute("href") == "#main-tool"
        order = page.evaluate("""() => { const all = [...document.querySelectorAll('h2')];
            return [all.indexOf(document.querySelector('h2#main-tool')),
                    all.indexOf(document.querySelector('#faq-introduction h2'))]; }""")
        assert 0 <= order[0] < order[1], order

        # the skip link is the first stop of the keyboard and lands on the tool
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.innerText]")
        assert focused == ["ce-skip", c.ui.skip_to_tool]
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main-tool"
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('.ce-tool-controls')")

        # the slider has focus: the chart and its marker are on screen, and move with it
        page.keyboard.press("ArrowRight")
        page.wait_for_function(IN_VIEW, arg=".ce-chart-stage img")
        assert page.evaluate(IN_VIEW, ".ce-tool .ce-marker-line")
        # legible at 390 px: the picture's type and the marker's label at 12 px or more
        img_width = page.evaluate("() => document.querySelector('.ce-chart-stage img').getBoundingClientRect().width")
        type_px = chart.FONT * CHART_DPI / 72 * img_width / (CHART_SIZE[0] * CHART_DPI)
        assert type_px >= 12, type_px
        label_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.ce-marker-label')).fontSize)")
        assert label_px >= 12
        assert not page.evaluate(SIDEWAYS)
        screenshot(page, f"explainer-leads-phone-{lang}", full=False)

        # a contents link opens a folded answer, in place
        question = c.faq["introduction"].front.question
        page.locator("nav.ce .ce-toc a", has_text=question).click()
        part = page.locator("#faq-introduction details.ce-part")
        assert part.get_attribute("open") is not None
        assert page.evaluate(IN_VIEW, "#faq-introduction summary")
    finally:
        ctx.close()


def test_on_a_narrow_phone_and_a_laptop_the_chart_stays_in_view(browser, voila_url):
    for width, height in ((320, 640), (1280, 800)):
        ctx, page = _explainer(browser, voila_url, width, height, "en")
        try:
            page.focus(".ce-tool .noUi-handle")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(IN_VIEW, arg=".ce-chart-stage img")
            assert page.evaluate(IN_VIEW, ".ce-tool .ce-marker-line")
            assert not page.evaluate(SIDEWAYS)
            if width > 900:  # the card beside the chart, not below it
                beside = page.evaluate("""() => {
                    const a = document.querySelector('.ce-tool-controls').getBoundingClientRect();
                    const b = document.querySelector('.ce-tool .ce-card').getBoundingClientRect();
                    return b.left >= a.right && b.top < a.bottom; }""")
                assert beside
            screenshot(page, f"explainer-leads-{width}", full=False)
        finally:
            ctx.close()
