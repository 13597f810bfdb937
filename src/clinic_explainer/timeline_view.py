"""The recovery timeline widget: a labelled slider, the phase card and the chart.

Model / view split: ``RecoveryTimeline`` holds the answers, this VBox only wires
widgets to it. One update path (``_update``) redraws the card and moves the chart's
marker in place. Callbacks never raise into the page: a patient sees a friendly
message, never a traceback.
"""

from __future__ import annotations

import logging

import ipywidgets as w

from . import content as content_mod
from .chart import TimelineChart
from .html import esc, ul
from .timeline import Answer, RecoveryTimeline, describe_duration, describe_position

log = logging.getLogger(__name__)


def card_html(answer: Answer, c) -> str:
    t = c.ui.timeline
    if answer.next_phase is not None:
        nxt = c.text(t.next_in, label=answer.next_phase.label,
                     duration=describe_duration(answer.hours_to_next, c))
    else:
        nxt = t.last_phase
    contact = "".join(
        f'<li><strong>{esc(a.level.label)}:</strong> {esc(a.flag.text)}</li>' for a in answer.contact)
    return (
        f'<div class="ce-card" role="region" aria-label="{esc(answer.phase.label)}">'
        f'<p class="ce-phase">{esc(describe_position(answer.hours, c))}: {esc(answer.phase.label)}</p>'
        f"<h3>{esc(t.may_see)}</h3>{ul(answer.may_see)}"
        f"<h3>{esc(t.what_to_do)}</h3>{ul(answer.what_to_do)}"
        f"<h3>{esc(t.whats_next)}</h3><p>{esc(nxt)}</p>"
        f"<h3>{esc(t.contact_heading)}</h3><ul>{contact}</ul>"
        f'<p class="ce-caveat">{esc(answer.caveat)}</p></div>'
    )


class TimelineView(w.VBox):
    def __init__(self, content=None, **kwargs):
        super().__init__(**kwargs)
        self.content = content or content_mod.load()
        self.model = RecoveryTimeline(self.content)
        self.chart = TimelineChart(self.content, self.model)
        t = self.content.ui.timeline
        options = [(describe_position(h, self.content), h) for h in self.model.stops()]
        self._slider = w.SelectionSlider(
            options=options, value=0, description=t.slider_label, continuous_update=True,
            style={"description_width": "initial"}, layout=w.Layout(width="100%", max_width="760px"))
        self._card = w.HTML()
        self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="760px", height="auto"))
        self._alt = w.HTML()
        self._message = w.HTML()
        self._slider.observe(self._on_slider, names="value")
        self.add_class("ce-widget")
        self.children = [self._slider, self._card, self._image, self._alt, self._message]
        self._update()

    # -- public, for tests and notebooks -------------------------------------------------
    @property
    def hours(self) -> float:
        return self._slider.value

    @hours.setter
    def hours(self, value: float) -> None:
        self._slider.value = self.model.nearest_stop(value)

    @property
    def card(self) -> str:
        return self._card.value

    @property
    def chart_png(self) -> bytes:
        return self._image.value

    # -- wiring ---------------------------------------------------------------------------
    def _on_slider(self, change) -> None:
        self._update()

    def _update(self) -> None:
        try:
            answer = self.model.at(self._slider.value)
            self._card.value = card_html(answer, self.content)
            self.chart.set_position(answer.hours)
            self._image.value = self.chart.png()
            t = self.content.ui.timeline
            self._alt.value = (f'<div class="ce"><p class="ce-caption">{esc(t.chart_caption)}</p>'
                               f'<p class="ce-visually-hidden">{esc(self.chart.alt_text())}</p></div>')
            self._message.value = ""
        except Exception:  # never show a traceback to a patient
            log.exception("timeline update failed")
            self._message.value = f'<p class="ce-message ce-warn">{esc(self.content.ui.error_generic)}</p>'
