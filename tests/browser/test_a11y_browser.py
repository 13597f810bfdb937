"""Every served page, as a keyboard, a screen reader and axe-core see it (issue 11).

One page load per page: axe-core (WCAG 2.2 A/AA) at 390 px and at 1280 px with zero
violations; a walk with Tab only that reaches every control, each with a name; the page's
widgets operated with keys only and their accessibility tree checked for names, roles and
states. axe-core comes from PyPI (axe-playwright-python vendors axe.min.js), never a CDN.
"""

from __future__ import annotations

import re
from pathlib import Path

import axe_playwright_python
import pytest

from .conftest import DESKTOP, PHONE, assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = ["00_index.ipynb", "01_how_it_works.ipynb", "02_is_it_right_for_me.ipynb", "03_recovery_timeline.ipynb",
         "04_results_and_benefits.ipynb", "05_knowledge_check.ipynb", "patient_explainer.ipynb"]
# Everything a keyboard must reach: widget controls and links.
CONTROLS = ("a[href], button:not([disabled]), input:not([disabled]), select, textarea, "
            "[tabindex]:not([tabindex='-1'])")
# The name a screen reader gives the focused element (enough of the accname rules for our widgets).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const text = (n) => (n ? n.textContent : '').replace(/\\s+/g, ' ').trim();
  let name = e.getAttribute('aria-label') || '';
  if (!name && e.getAttribute('aria-labelledby'))
    name = e.getAttribute('aria-labelledby').split(' ').map(id => text(document.getElementById(id))).join(' ');
  if (!name && e.labels && e.labels.length) name = text(e.labels[0]);
  if (!name) name = text(e) || e.getAttribute('title') || e.getAttribute('alt') || '';
  const group = e.closest('[role=radiogroup], [role=group]');
  if (!e.dataset.ceWalk) e.dataset.ceWalk = String((window.__ceWalk = (window.__ceWalk || 0) + 1));
  return {key: e.dataset.ceWalk + '|' + e.tagName + '|' + name,
          tag: e.tagName, role: e.getAttribute('role') || e.type || e.tagName.toLowerCase(), name: name,
          group: group ? group.getAttribute('role') : null, widget: !!e.closest('.ce-widget')};
}"""


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => !!window.axe"):
        # the page's CSP refuses inline scripts: run axe's source as a Playwright function instead
        page.evaluate("() => { " + AXE_JS.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG22_AA)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


# Buttons, text boxes and pickers a patient must recognise as controls: each shows a boundary,
# a border of at least 3:1 against the page (WCAG 1.4.11) or a fill that differs from it.
BOUNDARIES = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = [255, 255, 255];
  const bad = [];
  document.querySelectorAll('.ce-widget button, .ce-widget textarea, .ce-widget input[type=text], .ce-widget input[type=date], .ce-widget input[type=time]').forEach((e) => {
    if (!e.offsetParent) return;
    const cs = getComputedStyle(e);
    const fill = rgb(cs.backgroundColor), border = rgb(cs.borderTopColor);
    const filled = fill.length === 4 ? fill[3] > 0.5 && ratio(fill.slice(0, 3), page) >= 1.1 : fill.length === 3 && ratio(fill, page) >= 1.1;
    const bordered = parseFloat(cs.borderTopWidth) >= 1 && cs.borderTopStyle !== 'none' && ratio(border.slice(0, 3), page) >= 3;
    if (!filled && !bordered) bad.push(e.tagName + ' ' + (e.textContent || e.placeholder || e.type).trim().slice(0, 40));
  });
  return bad;
}"""


def tab_walk(page, limit: int = 90) -> list[dict]:
    """Focus every stop with Tab from the top of the page, once round."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUSED)
        if here is None or (stops and here["key"] == stops[0]["key"]):
            break
        stops.append(here)
    return stops


def controls_in_widgets(page) -> int:
    """Tab stops the widgets should have: a radio group is one stop, not one per answer."""
    return page.evaluate("""(sel) => {
      const seen = new Set(); let n = 0;
      document.querySelectorAll('.ce-widget').forEach(w => w.querySelectorAll(sel).forEach(e => {
        if (e.offsetParent === null && getComputedStyle(e).position !== 'fixed') return;  // hidden
        if (e.type === 'radio') { if (seen.has(e.name)) return; seen.add(e.name); }
        n += 1;
      }));
      return n;
    }""", CONTROLS)


def operate(page, notebook: str, content) -> None:
    """Keys only: each page's widgets do what they say, and say what they are."""
    ui = content.ui
    if notebook == "00_index.ipynb":
        button = page.get_by_role("button", name=ui.start_here.choices[1].label)
        assert button.get_attribute("aria-pressed") == "false"
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".ce ul a[href='03_recovery_timeline.ipynb']")
        page.wait_for_function("(b) => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle())
        tree = page.locator(".ce-widget").first.aria_snapshot()
        assert f'group "{ui.start_here.question}"' in tree
        assert re.search(rf'button "{re.escape(ui.start_here.choices[1].label)}" \[pressed\]', tree), tree
    elif notebook == "02_is_it_right_for_me.ipynb":
        widget = page.locator(".ce-widget").first
        tree = widget.aria_snapshot()
        for q in content.candidacy.contraindications:
            assert f'radiogroup "{q.question}"' in tree, tree
        assert "[checked]" not in tree.split("radiogroup", 1)[1]
        first = content.candidacy.contraindications[0]
        group = page.get_by_role("radiogroup", name=first.question)
        group.get_by_role("radio").first.focus()
        page.keyboard.press("Space")  # Yes
        page.keyboard.press("ArrowRight")  # No
        page.keyboard.press("ArrowRight")  # Not sure
        page.wait_for_function("(t) => document.querySelector('.ce-guidance').innerText.includes(t)",
                               arg=first.question)
        tree = group.aria_snapshot()
        assert re.search(rf'radio "{ui.candidacy.not_sure}" \[checked\]', tree), tree
        assert not re.search(rf'radio "{ui.candidacy.yes}" \[checked\]', tree), tree
    elif notebook in ("01_how_it_works.ipynb", "03_recovery_timeline.ipynb", "04_results_and_benefits.ipynb"):
        handle = page.locator(".ce-widget .noUi-handle").first
        label = {"01_how_it_works.ipynb": ui.skin.slider_label}.get(notebook, ui.timeline.slider_label)
        assert handle.get_attribute("role") == "slider" and handle.get_attribute("aria-label") == label
        readout = page.locator(".ce-widget .ce-readout").first
        assert readout.get_attribute("aria-hidden") == "true" and readout.get_attribute("contenteditable") is None
        handle.focus()
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => { const h = document.querySelector('.ce-widget .noUi-handle');"
                               " return h.getAttribute('aria-valuetext') ==="
                               " document.querySelector('.ce-widget .ce-readout').textContent; }")
        value = handle.get_attribute("aria-valuetext")
        if notebook == "03_recovery_timeline.ipynb":
            assert value == f"1 hour: {content.timeline.phases[0].label}"
            # the card is read on demand (a named region), not re-read on every step
            assert page.locator(".ce-widget .ce-card[aria-live]").count() == 0
            assert page.get_by_role("region", name=content.timeline.phases[0].label).count() == 1
        elif notebook == "04_results_and_benefits.ipynb":
            assert value.startswith("1 week: ")
        else:
            assert value == "0.5 mm"
        # one text equivalent per chart: its alt, no hidden copy
        img = page.locator(".ce-widget img").first
        page.wait_for_function("(i) => (i.alt || '').length > 40", arg=img.element_handle())
        assert page.locator(".ce-widget .ce-visually-hidden").count() == 0
    elif notebook == "05_knowledge_check.ipynb":
        q0 = content.quiz.questions[0]
        group = page.get_by_role("radiogroup", name=q0.prompt)
        group.get_by_role("radio").first.focus()
        page.keyboard.press("Space")
        assert "[checked]" in group.aria_snapshot()
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["name"] == ui.quiz.check
        page.keyboard.press("Enter")
        page.wait_for_selector(".ce-feedback")
    elif notebook == "patient_explainer.ipynb":
        results = content.faq["results"].front.question
        link = page.locator(".ce-toc a", has_text=results)
        link.focus()
        page.keyboard.press("Enter")  # jumps in place: same tab, the answer focused and on screen
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'faq-results'")
        assert len(page.context.pages) == 1 and link.get_attribute("target") is None
        top = page.evaluate("() => document.getElementById('faq-results').getBoundingClientRect().top")
        assert 0 <= top < page.viewport_size["height"] / 2
        tel = page.locator("a[href^='tel:']", has_text=content.clinic.phone)
        assert tel.count() >= 2 and tel.first.get_attribute("href") == "tel:" + content.clinic.phone.replace("-", "")
        external = page.locator(".ce-sources a[href^='http']")
        assert external.count() > 0
        for a in external.all():
            assert a.get_attribute("target") == "_blank" and ui.external_link in a.inner_text()


@pytest.mark.parametrize("notebook", PAGES)
def test_page_for_keyboard_screen_reader_and_axe(phone_page, voila_url, content, notebook):
    page = phone_page
    open_app(page, voila_url, notebook)
    page.wait_for_function("() => window.__ceA11y")
    assert axe_violations(page) == [], "axe at 390 px"
    page.set_viewport_size(DESKTOP)
    assert axe_violations(page) == [], "axe at 1280 px"
    page.set_viewport_size(PHONE)

    assert page.evaluate(BOUNDARIES) == [], "controls without a visible boundary (they read as plain text)"
    stops = tab_walk(page)
    unnamed = [s for s in stops if not s["name"]]
    assert unnamed == [], f"focusable without a name: {unnamed}"
    # one entry per control (a date input has a Tab stop per field: day, month, year)
    in_widgets = list({s["key"]: s for s in stops if s["widget"]}.values())
    assert len(in_widgets) == controls_in_widgets(page), f"Tab did not reach every control: {in_widgets}"
    if notebook == "02_is_it_right_for_me.ipynb":  # one stop per question, not one per answer
        radios = [s for s in in_widgets if s["role"] == "radio"]
        assert len(radios) == len(content.candidacy.contraindications)
        assert all(s["group"] == "radiogroup" for s in radios)

    operate(page, notebook, content)
    assert_clean(page)
    if notebook in ("02_is_it_right_for_me.ipynb", "03_recovery_timeline.ipynb"):
        screenshot(page, f"a11y-{notebook.split('_')[0]}-phone")
