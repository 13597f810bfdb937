"""The results widget: a slider over weeks since treatment, what is typical then, the chart.

Built on the same model and chart as the recovery timeline: the card shows the phase's
own words (what you may see, what comes next) and the caveat; the chart's collagen curve
shows the typical slow build-up. Callbacks never raise into the page.
"""

from __future__ import annotations

import logging

import ipywidgets as w

from . import content as content_mod
from .chart import TimelineChart, default_render
from .html import esc, ul
from .timeline import Answer, RecoveryTimeline, describe_duration, describe_weeks
from .timeline_view import chart_caption_html, message_html

log = logging.getLogger(__name__)


def results_card_html(answer: Answer, c) -> str:
    t = c.ui.timeline
    if answer.next_phase is not None:
        nxt = c.text(t.next_in, label=answer.next_phase.label,
                     duration=describe_duration(answer.hours_to_next, c))
    else:
        nxt = t.last_phase
    return (
        f'<div class="ce-card" role="region" aria-live="polite" aria-label="{esc(answer.phase.label)}">'
        f'<p class="ce-phase">{esc(describe_weeks(answer.hours, c))}: {esc(answer.phase.label)}</p>'
        f"<h3>{esc(t.may_see)}</h3>{ul(answer.may_see)}"
        f"<h3>{esc(t.whats_next)}</h3><p>{esc(nxt)}</p>"
        f'<p class="ce-caveat">{esc(answer.caveat)}</p></div>'
    )


class ResultsView(w.VBox):
    def __init__(self, content=None, render: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.content = c = content or content_mod.load()
        self.model = RecoveryTimeline(c)
        self.chart = TimelineChart(c, self.model, render=render or default_render())
        options = [(describe_weeks(h, c), h) for h in self.model.result_stops()]
        self._slider = w.SelectionSlider(
            options=options, value=0, description=c.ui.timeline.slider_label, continuous_update=True,
            style={"description_width": "initial"}, layout=w.Layout(width="100%", max_width="760px"))
        self._card = w.HTML()
        self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="600px", height="auto"))
        self._alt = w.HTML()
        self._message = w.HTML()
        self._slider.observe(self._on_slider, names="value")
        self.add_class("ce-widget")
        self.children = [self._message, self._slider, self._card, self._image, self._alt]
        self._update()

    @property
    def hours(self) -> float:
        return self._slider.value

    @hours.setter
    def hours(self, value: float) -> None:
        stops = self.model.result_stops()
        self._slider.value = max((s for s in stops if s <= value), default=stops[0])

    @property
    def card(self) -> str:
        return self._card.value

    @property
    def chart_png(self) -> bytes:
        return bytes(self._image.value)

    @property
    def message(self) -> str:
        return self._message.value

    def _on_slider(self, change) -> None:
        self._update()

    def _update(self) -> None:
        try:
            answer = self.model.at(self._slider.value)
            self._card.value = results_card_html(answer, self.content)
            self.chart.set_position(answer.hours)
            self._image.value = self.chart.png()
            self._alt.value = chart_caption_html(self.chart, self.content)
            self._message.value = ""
        except Exception as exc:  # never show a traceback to a patient
            log.error("results view: update failed (%s)", type(exc).__name__)
            self._message.value = message_html(self.content.ui.error_generic, warn=True)
