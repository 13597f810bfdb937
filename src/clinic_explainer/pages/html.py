"""Small HTML builders shared by pages and views (all text escaped here)."""

from __future__ import annotations

import json
import re
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


def readout_html(stops: list[dict], index: int) -> str:
    """The slider's read-only readout; the page script keeps it, the handle's aria-valuetext and
    the marker in step with the handle, from the per-stop data (no round trip)."""
    return (f'<div class="ce"><p class="ce-readout" aria-hidden="true" data-ce-stops="{esc(json.dumps(stops))}">'
            f"{esc(stops[index]['v'])}</p></div>")


def tel_link(phone: str) -> str:
    """A tap-to-call link: 'tel:' with the number's digits (and a leading +)."""
    return f'<a class="ce-tel" href="tel:{esc(re.sub(r"[^0-9+]", "", phone))}">{esc(phone)}</a>'


def with_phone_links(text: str, phone: str) -> str:
    """``text`` escaped, with the clinic's phone number in it as a tap-to-call link."""
    return esc(text).replace(esc(phone), tel_link(phone)) if phone else esc(text)


def external_link(href: str, text: str, note: str) -> str:
    """A link to another website: opens in a new tab and says so (words for screen readers,
    an arrow for the eye)."""
    return (f'<a class="ce-external" href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(text)}'
            f'<span class="ce-visually-hidden"> {esc(note)}</span></a>')
