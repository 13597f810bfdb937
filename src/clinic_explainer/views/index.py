"""'Where would you like to start?': the landing page's small guide widget."""

from __future__ import annotations

import ipywidgets as w

from clinic_explainer.pages.render import render_macro
from clinic_explainer.views.base import ReadyPlaceholder, heading_html


class StartHereView(ReadyPlaceholder, w.VBox):
    placeholder = "start_here"

    def __init__(self, content, **kwargs):
        super().__init__(**kwargs)
        self.content = content
        sh = self.content.ui.start_here
        self._choices = w.ToggleButtons(options=[c.label for c in sh.choices], value=None,
                                        description="", style={"button_width": "auto"},
                                        layout=w.Layout(flex_flow="row wrap"))
        self._choices.add_class("ce-labelledby-start-here")  # a group named by the question, aria-pressed
        self._result = w.HTML()
        self._choices.observe(self._update, names="value")
        self.add_class("ce-widget")
        self.children = [w.HTML(heading_html(sh.question, id="start-here")), self._choices, self._result]

    def choose(self, label: str) -> None:
        self._choices.value = label

    @property
    def result(self) -> str:
        return self._result.value

    def _update(self, change=None) -> None:
        choice = next((c for c in self.content.ui.start_here.choices if c.label == self._choices.value), None)
        if choice is None:
            self._result.value = ""
            return
        self._result.value = render_macro("start_here.html.j2", "result", c=self.content,
                                          pages=[self.content.page(p) for p in choice.pages])
