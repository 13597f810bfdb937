"""How micro-needling works: a schematic cross-section of skin with a needle-depth slider.

The picture is ``charts.skin.SkinFigure``; ``SkinView`` wires the slider to one update path
that never shows a traceback.
"""

from __future__ import annotations

import ipywidgets as w

from clinic_explainer.charts.skin import SkinFigure, depth_text
from clinic_explainer.models.skin import Reach, SkinModel, format_mm
from clinic_explainer.pages.render import render_macro
from clinic_explainer.views.base import ReadyPlaceholder, ce_html, guarded, heading_html

TEMPLATE = "skin.html.j2"

def reach_html(reach: Reach, c) -> str:
    s = c.ui.skin
    sure = c.text(s.reach_sure, depth=depth_text(reach.depth_mm, c), label=reach.deepest_sure.label,
                  position=reach.deepest_sure.plain)
    # Only what the sources say: the FAQ's "upper surface", not guesses about thinner skin.
    return render_macro(TEMPLATE, "reach", s=s, sure=sure)


def facts_html(c) -> str:
    s = c.ui.skin
    layers = [c.text(s.layer_range, label=layer.label[0].upper() + layer.label[1:],
                     n=c.text(s.depth, n=f"{format_mm(layer.min_mm)}–{format_mm(layer.max_mm)}"))
              for layer in c.skin.layers if layer.min_mm is not None]
    return render_macro(TEMPLATE, "facts", c=c, layers=layers)


class SkinView(ReadyPlaceholder, w.VBox):
    placeholder = "skin"

    def __init__(self, content, **kwargs):
        super().__init__(**kwargs)
        self.content = content
        self.model = SkinModel(self.content)
        self.figure = SkinFigure(self.content, self.model)
        s = self.content.ui.skin
        options = [(depth_text(d, self.content), d) for d in self.model.depths()]
        self._slider = w.SelectionSlider(
            options=options, value=self.model.depths()[-1], description=s.slider_label, continuous_update=True,
            readout=False, style={"description_width": "initial"}, layout=w.Layout(width="100%", max_width="760px"))
        # a read-only readout the page keeps in step with the handle (a11y.js)
        self._readout = w.HTML(render_macro("macros.html.j2", "readout", stops=[{"v": label} for label, _ in options],
                                            index=len(options) - 1))
        self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="760px", height="auto"))
        self._alt = w.HTML()
        self._card = w.HTML()
        self._message = w.HTML()
        self._slider.observe(self._on_slider, names="value")
        self.add_class("ce-widget")
        self.children = [w.HTML(heading_html(s.heading)), self._slider, self._readout, self._image,
                         self._alt, self._card, w.HTML(ce_html(facts_html(self.content))), self._message]
        self._update()

    # -- public, for tests and notebooks -------------------------------------------------
    @property
    def depth(self) -> float:
        return self._slider.value

    @depth.setter
    def depth(self, value: float) -> None:
        self._slider.value = min(self.model.depths(), key=lambda d: abs(d - value))

    @property
    def card(self) -> str:
        return self._card.value

    @property
    def png(self) -> bytes:
        return self._image.value

    # -- wiring ---------------------------------------------------------------------------
    def _on_slider(self, change) -> None:
        self._update()

    @guarded("update")
    def _update(self) -> None:
        reach = self.model.reach(self._slider.value)
        self.figure.set_depth(reach.depth_mm)
        self._image.value = self.figure.png()
        self._card.value = ce_html(reach_html(reach, self.content))
        self._alt.value = render_macro(TEMPLATE, "alt", note=self.content.ui.skin.schematic_note,
                                       alt_text=self.figure.alt_text(reach))
        self._message.value = ""
