"""Printing a served page gives the whole page (issue 18, item 1): every answer down to the
footer's phone line, the clinic's answers open, nothing cut. Voila scrolls the page inside an
inner box (#rendered_cells), so print once gave one page cut off mid-sentence."""

import io

import pytest
from pypdf import PdfReader

from clinic_explainer import content as content_mod

from .conftest import open_app

pytestmark = pytest.mark.browser


def _pdf_text(page) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize("notebook", ["patient_explainer.ipynb", "03_recovery_timeline.ipynb"])
def test_printing_a_page_prints_all_of_it(desktop_page, voila_url, notebook):
    c = content_mod.load()
    open_app(desktop_page, voila_url, notebook)
    pages, text = _pdf_text(desktop_page)
    assert pages >= 3, f"{notebook} printed on {pages} page(s)"
    assert c.clinic.phone in text.split(c.ui.sources_heading)[0] or c.clinic.phone in text
    # the clinic's own words are printed in full, the last answer of the page included
    last = c.page("explainer" if notebook.startswith("patient") else "recovery").faq[-1]
    ending = " ".join(c.faq[last].body.split()[-8:]).rstrip(".")
    assert ending.replace("*", "") in text.replace("’", "'"), f"{notebook}: the last answer is cut"
    assert c.text(c.ui.disclaimer).split(".")[0] in text
