"""Every URL the pages build, in one place: links between the pages of the series (they keep
the reader's language), the language switch, in-page anchors to FAQ answers, tap-to-call
links, DOI links, downloads carried in the page (``data:``) and the explainer's public
address with the personal link its QR code carries.

Templates reach these as ``urls.<name>`` (pages/render.py puts the module in every template).
"""

from __future__ import annotations

import base64
import re
from datetime import date

from clinic_explainer.settings import EXPLAINER_NOTEBOOK, INDEX_NOTEBOOK

EXPLAINER_PATH = f"voila/render/{EXPLAINER_NOTEBOOK}"
FRAGMENT_KEY = "treated"  # personal_link.js reads it from the fragment
# the early tools' answers (serving/http/early.py), under the server's base URL: early.js posts
# to <base>clinic-early/<tool>
EARLY_ANSWERS = "clinic-early"


def page_link(c, notebook: str) -> str:
    """A link to another page of the series that keeps this page's language."""
    return notebook if c.locale == c.clinic.default_locale else f"{notebook}?lang={c.locale}"


def index_link(c) -> str:
    """Back to the series' first page, in this language."""
    return page_link(c, INDEX_NOTEBOOK)


def language_link(locale: str) -> str:
    """This page in another language (the page's script keeps the reader's place)."""
    return f"?lang={locale}"


# in-page places: a page's main tool (the skip link and the contents lead there) and the
# warning signs (the timeline's card links to them)
TOOL_ID = "main-tool"
WARNING_SIGNS_ID = "warning-signs"


def anchor(element_id: str) -> str:
    return f"#{element_id}"


def faq_id(section_id: str) -> str:
    """The id of an FAQ answer on its page."""
    return f"faq-{section_id}"


def faq_anchor(section_id: str) -> str:
    return anchor(faq_id(section_id))


def faq_href(c, page_id: str, section_id: str) -> str:
    """A link to an FAQ answer: on this page if it shows it, else on the first patient page
    that does, else on the index."""
    if section_id in c.page(page_id).faq:
        return faq_anchor(section_id)
    for page in c.series.pages:
        if section_id in page.faq and page.notebook != INDEX_NOTEBOOK and "patient" in page.audience:
            return page_link(c, page.notebook) + faq_anchor(section_id)
    if section_id in c.page("index").faq:
        return page_link(c, c.page("index").notebook) + faq_anchor(section_id)
    return faq_anchor(section_id)


def tel(phone: str) -> str:
    """'tel:' with the number's digits (and a leading +)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def doi(identifier: str) -> str:
    return f"https://doi.org/{identifier}"


def data_url(data: bytes, mime: str) -> str:
    """A file carried in the page itself: the patient's browser downloads it, no server does."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def explainer_url(c) -> str:
    """The patient explainer's public address (clinic.yml ``public_url``)."""
    if not c.clinic.public_url:
        raise ValueError("clinic.yml has no public_url: set the explainer's public address first")
    return c.clinic.public_url + page_link(c, EXPLAINER_PATH)  # in ``c``'s language


def personal_link(c, treated_on: date) -> str:
    """The explainer's address in ``c``'s language with the treatment date in the fragment,
    which browsers never send to a server."""
    return f"{explainer_url(c)}#{FRAGMENT_KEY}={treated_on.isoformat()}"
