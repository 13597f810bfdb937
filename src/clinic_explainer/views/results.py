"""The results widget: a slider over weeks since treatment, what is typical then, the chart.

Built on the same model and chart as the recovery timeline: the card shows the phase's
own words (what you may see, what comes next) and the caveat; the chart's collagen curve
shows the typical slow build-up. Callbacks never raise into the page.
"""

from __future__ import annotations

from clinic_explainer.models.timeline import Answer, RecoveryTimeline, describe_weeks, phase_title
from clinic_explainer.pages.render import render_macro
from clinic_explainer.views.timeline import TEMPLATE, TimelineSliderView, next_text


def results_card_html(answer: Answer, c) -> str:
    return render_macro(TEMPLATE, "results_card", c=c, answer=answer, phase_title=phase_title,
                        next_text=next_text(answer, c))


class ResultsView(TimelineSliderView):
    placeholder = "results"

    """Weeks since treatment: what results are typical then (the phases' own words)."""

    def __init__(self, content, render: str | None = None, marker: str | None = None, **kwargs):
        super().__init__(content, render, marker, **kwargs)
        self.children = [self._message, self._tool_box()]
        self._update()

    @staticmethod
    def stops_for(model: RecoveryTimeline) -> list[float]:
        return model.result_stops()

    def _label(self, hours: float) -> str:
        return describe_weeks(hours, self.content)

    def _card_html(self, answer: Answer) -> str:
        return results_card_html(answer, self.content)
