"""Jinja filters of the clinic template (registered in config/voila.py as VoilaExporter.filters).

They run in the server process when a page is rendered, from the content files, so the
page's <title> and language follow content/ without a restart.
"""

from __future__ import annotations

from .. import content as content_mod


def _page(notebook_name: str, c):
    stem = notebook_name.removesuffix(".ipynb")
    return next((p for p in c.series.pages if p.notebook.removesuffix(".ipynb") == stem), None)


def page_title(notebook_name: str) -> str:
    """The page's title from content/ (series pages), else the clinic's name."""
    c = content_mod.load()
    page = _page(notebook_name, c)
    return f"{page.title} · {c.clinic.name}" if page else c.clinic.name


def page_lang(notebook_name: str) -> str:
    return content_mod.load().locale
