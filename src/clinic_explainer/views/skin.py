"""How micro-needling works: a schematic cross-section of skin with a needle-depth slider.

The picture is ``charts.skin.SkinFigure``; ``SkinView`` wires the slider to one update path
that never shows a traceback.
"""

from __future__ import annotations

import ipywidgets as w

from clinic_explainer import content as content_mod
from clinic_explainer.views.base import guarded
from clinic_explainer.pages.html import esc, readout_html, ul
from clinic_explainer.models.skin import Reach, SkinModel, format_mm
from clinic_explainer.views.base import ReadyPlaceholder
from clinic_explainer.charts.skin import SkinFigure, depth_text

def reach_html(reach: Reach, c) -> str:
    s = c.ui.skin
    sure = c.text(s.reach_sure, depth=depth_text(reach.depth_mm, c), label=reach.deepest_sure.label,
                  position=reach.deepest_sure.plain)
    # Only what the sources say: the FAQ's "upper surface", not guesses about thinner skin.
    return (f'<div class="ce-card" aria-live="polite"><p class="ce-phase">{esc(sure)}</p>'
            f"<p>{esc(s.faq_note)}</p></div>")


def facts_html(c) -> str:
    s, skin = c.ui.skin, c.skin
    repair = "".join(f"<li><strong>{esc(r.label)}</strong>: {esc(r.plain)}</li>" for r in skin.repair)
    layers = [c.text(s.layer_range, label=layer.label[0].upper() + layer.label[1:],
                     n=c.text(s.depth, n=f"{format_mm(layer.min_mm)}–{format_mm(layer.max_mm)}"))
              for layer in skin.layers if layer.min_mm is not None]
    draft = f'<p class="ce-draft">{esc(c.ui.draft_label)}</p>' if skin.status == "draft" else ""
    return (f"<h3>{esc(s.repair_heading)}</h3><ul>{repair}</ul>"
            f"<h3>{esc(s.layers_heading)}</h3>{draft}{ul(layers)}")


class SkinView(ReadyPlaceholder, w.VBox):
    placeholder = "skin"

    def __init__(self, content=None, **kwargs):
        super().__init__(**kwargs)
        self.content = content or content_mod.load()
        self.model = SkinModel(self.content)
        self.figure = SkinFigure(self.content, self.model)
        s = self.content.ui.skin
        options = [(depth_text(d, self.content), d) for d in self.model.depths()]
        self._slider = w.SelectionSlider(
            options=options, value=self.model.depths()[-1], description=s.slider_label, continuous_update=True,
            readout=False, style={"description_width": "initial"}, layout=w.Layout(width="100%", max_width="760px"))
        # a read-only readout the page keeps in step with the handle (a11y.js)
        self._readout = w.HTML(readout_html([{"v": label} for label, _ in options], len(options) - 1))
        self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="760px", height="auto"))
        self._alt = w.HTML()
        self._card = w.HTML()
        self._message = w.HTML()
        self._slider.observe(self._on_slider, names="value")
        self.add_class("ce-widget")
        self.children = [w.HTML(f'<div class="ce"><h2>{esc(s.heading)}</h2></div>'), self._slider, self._readout,
                         self._image,
                         self._alt, self._card, w.HTML(f'<div class="ce">{facts_html(self.content)}</div>'),
                         self._message]
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
        self._card.value = f'<div class="ce">{reach_html(reach, self.content)}</div>'
        self._alt.value = (f'<div class="ce"><p class="ce-caption">{esc(self.content.ui.skin.schematic_note)}</p>'
                           f'<span hidden data-ce-alt="{esc(self.figure.alt_text(reach))}"></span></div>')
        self._message.value = ""
