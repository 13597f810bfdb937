"""'Where would you like to start?': the landing page's small guide widget."""

from __future__ import annotations

import ipywidgets as w

from clinic_explainer import content as content_mod
from clinic_explainer.pages.html import esc
from clinic_explainer.views.base import ReadyPlaceholder


class StartHereView(ReadyPlaceholder, w.VBox):
    placeholder = "start_here"

    def __init__(self, content=None, **kwargs):
        super().__init__(**kwargs)
        self.content = content or content_mod.load()
        sh = self.content.ui.start_here
        self._choices = w.ToggleButtons(options=[c.label for c in sh.choices], value=None,
                                        description="", style={"button_width": "auto"},
                                        layout=w.Layout(flex_flow="row wrap"))
        self._choices.add_class("ce-labelledby-start-here")  # a group named by the question, aria-pressed
        self._result = w.HTML()
        self._choices.observe(self._update, names="value")
        self.add_class("ce-widget")
        self.children = [w.HTML(f'<div class="ce"><h2 id="start-here">{esc(sh.question)}</h2></div>'), self._choices, self._result]

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
        links = "".join(f'<li><a href="{esc(self.content.link(self.content.page(p).notebook))}">{esc(self.content.page(p).title)}</a>'
                        f" &ndash; {esc(self.content.page(p).summary)}</li>" for p in choice.pages)
        self._result.value = f'<div class="ce"><ul>{links}</ul></div>'
