"""A slider tool that works before the widget client has arrived (the text-first page).

Over mobile data Voila's widget client takes many seconds to load, yet everything a slider
step shows is known when the page is built: the readout, the card and the marker's place
for every stop depend on the content only. So instead of a bare "getting ready" box the
server-rendered page carries the same pieces as the live widget in plain HTML: a native
range input, the readout, the card of each stop, the chart's background and the CSS marker.
The template's early.js moves them on each step without the kernel; textfirst.js later puts
the live widget in this one's place, at the stop the patient chose. Parts that need the
kernel (a patient's own dates, downloads) keep the calm "getting ready" words until then.
"""

from __future__ import annotations

import base64
import json

from clinic_explainer.pages.html import esc, readout_html


def early_slider_html(*, tool: str, label: str, stops: list[dict], cards: list[str], index: int,
                      png: bytes, alt: str, marker: str, caption: str, calm: str, waiting: str = "",
                      tail: str = "") -> str:
    """The working stand-in for a slider view; ``stops`` as the live readout's per-stop data
    (``v`` spoken value, ``p`` the chart description's position words, marker geometry);
    ``alt`` the chart's description at ``index``, ``marker`` the CSS marker (its layer carries
    the description's template for the steps that follow); ``calm`` the tool's "getting
    ready" words, kept for the widget client's fallback (serving/template_filters.py)."""
    stop = stops[index]
    image = (f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
             f'alt="{esc(alt)}">') if png else ""
    return (
        f'<div class="ce-placeholder ce-early" data-tool="{esc(tool)}" data-ce-calm="{esc(calm)}" '
        f'data-ce-cards="{esc(json.dumps(cards))}">'
        f'<div class="ce-early-slider"><label for="ce-early-{esc(tool)}">{esc(label)}</label>'
        f'<input id="ce-early-{esc(tool)}" type="range" min="0" max="{len(stops) - 1}" step="1" '
        f'value="{index}" aria-valuetext="{esc(stop["v"])}"></div>'
        f"{readout_html(stops, index)}"
        f'<div class="ce-early-card">{cards[index]}</div>'
        f'<div class="ce-chart-stage">{image}{marker}</div>'
        f"{caption}"
        + (f'<p class="ce-early-wait" role="status">{esc(waiting)}</p>' if waiting else "") +
        f"{tail}</div>"
    )
