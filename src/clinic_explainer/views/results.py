"""The results widget: a slider over weeks since treatment, what is typical then, the chart.

Built on the same model and chart as the recovery timeline: the card shows the phase's
own words (what you may see, what comes next) and the caveat; the chart's collagen curve
shows the typical slow build-up. Callbacks never raise into the page.
"""

from __future__ import annotations

from clinic_explainer.pages.html import esc, ul
from clinic_explainer.models.timeline import Answer, RecoveryTimeline, describe_duration, describe_weeks, phase_title
from clinic_explainer.views.timeline import TimelineSliderView


def results_card_html(answer: Answer, c) -> str:
    t = c.ui.timeline
    if answer.next_phase is not None:
        nxt = c.text(t.next_in, label=phase_title(answer.next_phase, c),
                     duration=describe_duration(answer.hours_to_next, c))
    else:
        nxt = t.last_phase
    return (
        f'<div class="ce-card" role="region" aria-label="{esc(answer.phase.label)}">'
        f'<p class="ce-phase">{esc(describe_weeks(answer.hours, c))}: {esc(phase_title(answer.phase, c))}</p>'
        f"<h3>{esc(t.may_see)}</h3>{ul(answer.may_see)}"
        f"<h3>{esc(t.whats_next)}</h3><p>{esc(nxt)}</p>"
        f'<p class="ce-caveat">{esc(answer.caveat)}</p></div>'
    )


class ResultsView(TimelineSliderView):
    placeholder = "results"

    """Weeks since treatment: what results are typical then (the phases' own words)."""

    def __init__(self, content=None, render: str | None = None, marker: str | None = None, **kwargs):
        super().__init__(content, render, marker, **kwargs)
        self.children = [self._message, self._slider, self._readout, self._card, self._stage, self._alt]
        self._update()

    @staticmethod
    def stops_for(model: RecoveryTimeline) -> list[float]:
        return model.result_stops()

    def _label(self, hours: float) -> str:
        return describe_weeks(hours, self.content)

    def _card_html(self, answer: Answer) -> str:
        return results_card_html(answer, self.content)
