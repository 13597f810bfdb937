"""Jinja filters of the clinic template (registered in config/voila.py as VoilaExporter.filters).

They run in the server process when a page is rendered, from the content files, so the
page's <title> and language follow content/ without a restart.
"""

from __future__ import annotations

from contextvars import ContextVar

from clinic_explainer import content as content_mod
from clinic_explainer.pages.early_slider import calm_of

# The language of the page being rendered (its ``?lang=``, or the language of the pool that
# preheats it: kernels/pool.py), set by the page handler (kernels/handler.py) in the rendering task's
# context. Without it the server's content is the clinic's default language: a Spanish page
# said <html lang="en"> and screen readers read it with an English voice.
PAGE_LOCALE: ContextVar[str | None] = ContextVar("clinic_page_locale", default=None)
# The server's content watch (kernels/watch.py, set by kernels.kernel_lifecycle): the page's
# language's last good content, never loaded on the event loop while a page renders (a broken
# or huge file made the template fail and the page's request hang for good).
WATCH = None


def _content():
    if WATCH is not None:
        return WATCH.good_for(PAGE_LOCALE.get())
    return content_mod.load(locale=PAGE_LOCALE.get())


def _page(notebook_name: str, c):
    stem = notebook_name.removesuffix(".ipynb")
    return next((p for p in c.series.pages if p.notebook.removesuffix(".ipynb") == stem), None)


def page_title(notebook_name: str) -> str:
    """The page's title from content/ (series pages), else the clinic's name."""
    c = _content()
    page = _page(notebook_name, c)
    return f"{page.title} · {c.clinic.name}" if page else c.clinic.name


def page_lang(notebook_name: str) -> str:
    return _content().locale


def page_meta(notebook_name: str) -> dict[str, str]:
    """What a link preview shows when the page's address is texted or shared (the head's
    description and Open Graph tags): the page's title and summary from content/, in the page's
    language. Nothing of the request reaches it but that language, and a patient's date never
    does (it lives in the address's #fragment, which the browser keeps to itself)."""
    c = _content()
    page = _page(notebook_name, c)
    return {
        "title": page.title if page else c.clinic.name,
        "description": page.summary if page else c.series.series_title,
        "site_name": c.clinic.name,
        "locale": c.locale.replace("-", "_"),  # Open Graph writes es_MX where HTML writes es-MX
    }


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def lean_output(output: dict) -> dict:
    """A widget output's JSON for the widget client, without the working stand-in of a slider
    tool (early_slider.py): the page already shows it in its text-first box, and a second copy
    inside the JSON doubled its bytes on the wire. The calm placeholder words stay as the
    fallback the client shows if the widget cannot render."""
    data = output.get("data", {})
    html = data.get("text/html", "")
    if isinstance(html, list):
        html = "".join(html)
    found = calm_of(html) if WIDGET_VIEW in data else None
    if found is None:
        return output
    from clinic_explainer.pages.placeholder import calm_box

    return {**output, "data": {**data, "text/html": calm_box(*found)}}


def voila_chunks(base_url: str) -> str:
    """The address of voila.js's first chunks in one file (http/chunks.py), "" if there is none."""
    from clinic_explainer.serving.http.chunks import bundle_url

    return bundle_url(base_url)
