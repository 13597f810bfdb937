"""A slider tool that works before the widget client has arrived (the text-first page).

Over mobile data Voila's widget client takes many seconds to load, yet everything a slider
step shows is known when the page is built: the readout, the card and the marker's place
for every stop depend on the content only. So instead of a bare "getting ready" box the
server-rendered page carries the same pieces as the live widget in plain HTML: a native
range input, the readout, the card of each stop, the chart's background and the CSS marker.
The template's early.js moves them on each step without the kernel; textfirst.js later puts
the live widget in this one's place, at the stop the patient chose. Parts that need the
kernel-free answer from the server (a patient's own dates, the downloads) are the early forms of
templates/early.html.j2 (serving/http/early.py answers them).
The markup: the ``early_slider`` macro of templates/placeholder.html.j2.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markupsafe import Markup

from clinic_explainer.pages.render import render_macro


def early_slider_html(*, tool: str, label: str, stops: list[dict], cards: list[str], index: int,
                      png: bytes, alt: str, marker: str, caption: str, calm: str, waiting: str = "",
                      head: str = "", tail: str = "") -> str:
    """The working stand-in for a slider view; ``stops`` as the live readout's per-stop data
    (``v`` spoken value, ``p`` the chart description's position words, marker geometry);
    ``alt`` the chart's description at ``index``, ``marker`` the CSS marker (its layer carries
    the description's template for the steps that follow); ``calm`` the tool's "getting
    ready" words, kept for the widget client's fallback (serving/template_filters.py);
    ``cards``, ``marker``, ``caption``, ``head`` (above the tool) and ``tail`` are HTML."""
    return render_macro("placeholder.html.j2", "early_slider", tool=tool, label=label, stops=stops,
                        cards=[Markup(card) for card in cards], index=index, png=png, alt=alt,
                        marker=Markup(marker), caption=Markup(caption), calm=calm, waiting=waiting,
                        head=Markup(head), tail=Markup(tail))


class _CalmReader(HTMLParser):
    """Finds the stand-in's tool and calm words, whatever the order of its attributes."""

    def __init__(self):
        super().__init__()
        self.found: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.found is None and "ce-early" in (a.get("class") or "").split() and "data-tool" in a:
            self.found = (a["data-tool"], a.get("data-ce-calm") or "")


def calm_of(html: str) -> tuple[str, str] | None:
    """(tool, its calm "getting ready" words) of a working stand-in in ``html``, or None: the
    widget client's fallback is the calm box alone (serving's lean widget JSON)."""
    if "ce-early" not in html:
        return None
    reader = _CalmReader()
    reader.feed(html)
    return reader.found
