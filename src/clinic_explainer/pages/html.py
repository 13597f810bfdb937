"""Text helpers shared by pages and views: escaping and the FAQ's Markdown.

The markup builders (lists, sections, the slider readout, tap-to-call and external links)
are macros in templates/macros.html.j2.
"""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

# Raw HTML in content files is switched off: content is words, not markup.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes"])


def markdown(text: str) -> str:
    return _MD.render(text)


def esc(text: str) -> str:
    """Text escaped for HTML, as the templates escape it (pages/render.py)."""
    return escape(str(text), quote=True)
