"""The explainer rendered once and copied (serving/kernels/stamps.py), in real Chromium: two
visitors get the same page with their own kernels, the copies' widgets answer, and what one
patient types never reaches the other's page."""

from __future__ import annotations

import datetime
import re
import time

from tests.browser.conftest import PHONE, _new_page, assert_clean

EXPLAINER = "voila/render/patient_explainer.ipynb"
MODEL_IDS = re.compile(r'"model_id":\s*"([0-9a-f]{32})"')
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
DATE = ".ce-widget input[type='date']"
DATES = ".ce-widget .ce-your-dates"


def _visit(browser, voila_url, contexts):
    context, page, watch = _new_page(browser, PHONE)
    page.watch = watch
    contexts.append(context)
    html = page.goto(voila_url + EXPLAINER).text()
    page.wait_for_selector(DATE, timeout=90_000)  # the live widget: the kernel answered request_states
    return page, html


def test_visitors_get_copies_of_one_page_each_with_a_kernel_of_their_own(browser, voila_url, voila_log):
    kept = re.compile(r"Page patient_explainer\.ipynb\|en kept \(\d+ KB\)")
    deadline = time.monotonic() + 90  # rendered once, soon after the server started
    while not kept.search(voila_log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.5)
    contexts = []
    try:
        # the kernel Voila preheated before the page was kept (if still in the pool) goes first
        _visit(browser, voila_url, contexts)
        first, first_html = _visit(browser, voila_url, contexts)
        second, second_html = _visit(browser, voila_url, contexts)
        third, third_html = _visit(browser, voila_url, contexts)
        # one page: the same widgets under the same ids, numbered from the page's id; its own kernel each
        ids = [MODEL_IDS.findall(html) for html in (first_html, second_html, third_html)]
        assert ids[0] and ids[0] == ids[1] == ids[2]
        assert len({model_id[:24] for model_id in ids[0]}) == 1
        kernels = {KERNEL_ID.search(html).group(1) for html in (first_html, second_html, third_html)}
        assert len(kernels) == 3
        assert KERNEL_ID.sub("", second_html) == KERNEL_ID.sub("", third_html)  # nothing else differs

        # the second visitor types their date: their copy's widgets answer
        treated = datetime.date.today() - datetime.timedelta(days=3)
        second.locator(DATE).fill(treated.isoformat())
        second.locator(DATE).press("Tab")
        second.wait_for_selector(DATES, timeout=30_000)
        assert "The redness and swelling have usually gone by now." in second.inner_text(DATES)
        assert_clean(second)
        # and only theirs: the others' pages (and their kernels' widgets) have no dates
        third.wait_for_timeout(1000)
        for other in (first, third):
            assert other.locator(DATES).count() == 0
            assert other.locator(DATE).input_value() == ""
        # the third visitor's copy answers with their own date
        third.locator(DATE).fill((treated - datetime.timedelta(days=7)).isoformat())
        third.locator(DATE).press("Tab")
        third.wait_for_selector(DATES, timeout=30_000)
        assert third.inner_text(DATES) != second.inner_text(DATES)
    finally:
        for context in contexts:
            context.close()
