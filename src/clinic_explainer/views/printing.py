""""Print or save as PDF" on every page: the take-home guide (the same one `make handout`
writes), built in memory on the click and offered as a download."""

from __future__ import annotations

import ipywidgets as w

from clinic_explainer.takehome.calendar import ready_html
from clinic_explainer.takehome.downloads import PDF_MIME, DownloadRefused, within_budget
from clinic_explainer.views.base import guarded, message_html

FILENAME = "take-home-guide.pdf"


class PrintView(w.VBox):
    def __init__(self, content, **kwargs):
        super().__init__(**kwargs)
        self.content = c = content
        h = c.ui.handout
        self.button = w.Button(description=h.print_button, tooltip=h.print_button, icon="print",
                               layout=w.Layout(width="auto"))
        self.button.on_click(self._on_print)
        self._link = w.HTML()
        self._message = w.HTML()
        self.add_class("ce-widget")
        self.add_class("ce-print")
        self.children = [self.button, self._link, self._message]

    @property
    def link(self) -> str:
        return self._link.value

    @guarded("print")
    def _on_print(self, button=None) -> None:
        from clinic_explainer.takehome.handout import handout_pdf  # WeasyPrint, matplotlib: on the click only

        h = self.content.ui.handout
        try:
            pdf = within_budget(lambda: handout_pdf(self.content, paper=self.content.clinic.paper))
        except DownloadRefused as refused:
            self._link.value = ""
            self._message.value = message_html(refused.words(self.content), warn=True)
            return
        self._link.value = ready_html(h.print_ready, pdf, h.print_link, FILENAME, PDF_MIME)
