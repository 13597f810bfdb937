"""Small HTML builders shared by pages and views (all text escaped here)."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

# Raw HTML in content files is switched off: content is words, not markup.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes"])


def markdown(text: str) -> str:
    return _MD.render(text)


def esc(text: str) -> str:
    return escape(str(text), quote=True)


def ul(items, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<ul{c}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def section(heading: str, body_html: str, cls: str = "", level: int = 2, id: str = "") -> str:
    attrs = (f' class="{cls}"' if cls else "") + (f' id="{id}"' if id else "")
    return f"<section{attrs}><h{level}>{esc(heading)}</h{level}>{body_html}</section>"
