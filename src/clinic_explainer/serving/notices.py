"""Pages the server shows without a kernel: busy, being updated, not found, error.

Rendered in the server process through the package's one Jinja2 environment
(pages/render.py, template pages/templates/notice.html.j2, autoescaped) from the gate's last
good content: the clinic's name, colours and phone and, for the busy and updating pages, the
explainer's FAQ and the warning signs, so a patient can still read the answers. No script and
nothing from another origin. Who shows them: the page handler (kernels/handler.py: busy,
updating) and the security headers (http/security.py: not found, error).
"""

from __future__ import annotations

import logging

from clinic_explainer.pages.render import Markup
from clinic_explainer.pages.render import render as render_template
from clinic_explainer.settings import EXPLAINER_PAGE

STATUS = {"busy": 503, "updating": 503, "not_found": 404, "error": 500}
WITH_FAQ = ("busy", "updating")  # the visitor may try again: the FAQ meanwhile
log = logging.getLogger(__name__)


def render(kind: str, c, base_url: str = "/", retry_url: str | None = None) -> str:
    """HTML of the ``kind`` page ("busy", "updating", "not_found", "error") from content ``c``.

    Never fails for the FAQ's sake: if the FAQ or the warning signs cannot be drawn, the page
    goes without them (one log line), so a notice is never a 500 with a traceback."""
    try:
        return _render(kind, c, base_url, retry_url, kind in WITH_FAQ)
    except Exception as exc:  # noqa: BLE001 - a page part that broke: the plain notice instead
        if kind not in WITH_FAQ:
            raise
        log.error("The %s page was drawn without the FAQ: %s: %s", kind, type(exc).__name__, exc)
        return _render(kind, c, base_url, retry_url, False)


def _render(kind: str, c, base_url: str, retry_url: str | None, with_faq: bool) -> str:
    from clinic_explainer.pages import blocks

    s, again = c.ui.serving, kind in WITH_FAQ
    return render_template(
        "notice.html.j2",
        locale=c.locale, clinic_name=c.clinic.name, colours=c.clinic.colours, base_url=base_url,
        title=c.text(getattr(s, f"{kind}_title")), body=c.text(getattr(s, f"{kind}_body")),
        call_us=c.text(s.call_us),
        faq_html=Markup(blocks.faq_html(c.page(EXPLAINER_PAGE).faq, c)) if with_faq else "",
        contact_heading=c.ui.timeline.contact_heading,
        red_flags_html=Markup(blocks.red_flags_html(c)) if with_faq else "",
        retry_url=(retry_url or base_url) if again else base_url,
        retry_label=c.text(s.try_again if again else s.start_link),
        contact_line=c.clinic.contact_line, emergency_line=c.clinic.emergency_line,
        disclaimer=c.text(c.ui.disclaimer),
    )
