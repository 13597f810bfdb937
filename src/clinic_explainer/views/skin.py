"""How micro-needling works: a schematic cross-section of skin with a needle-depth slider.

``SkinFigure`` is built once (matplotlib ``Figure``, no pyplot); ``set_depth`` moves the
needles and repair marks in place and ``png()`` renders the picture for a
``widgets.Image``. ``SkinView`` wires the slider to one update path that never shows a
traceback.
"""

from __future__ import annotations

import io

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from clinic_explainer import content as content_mod
from clinic_explainer.views.base import guarded
from clinic_explainer.pages.html import esc, readout_html, ul
from clinic_explainer.models.skin import Reach, SkinModel, format_mm
from clinic_explainer.pages.placeholder import ReadyPlaceholder

LAYER_COLOURS = ["#F2D4BD", "#E7A9A2", "#F5E6A8", "#DDE6C4"]
NEEDLE_COLOUR = "#4A4F55"
REPAIR_COLOUR = "#0072B2"  # Okabe-Ito blue: distinguishable from the layer colours
NEEDLE_X = [1.0, 2.0, 3.0, 4.0]
# Large type: the 560 px picture is shown about 345 px wide on a phone (labels ~12 px there).
FONT = 14
HALF_WIDTH = 0.09


def depth_text(depth_mm: float, c) -> str:
    return c.text(c.ui.skin.depth, n=format_mm(depth_mm))


def _boundary(x: np.ndarray, depth: float, wave: float) -> np.ndarray:
    return depth + wave * np.sin(x * 2.4)


class SkinFigure:
    def __init__(self, content, model: SkinModel | None = None, size=(5.6, 4.8), dpi: int = 100):
        self.content = content
        self.model = model or SkinModel(content)
        self.dpi = dpi
        self.fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        self.ax = self.fig.add_subplot()
        self._draw_static()
        self.depth = self.model.max_depth
        self.set_depth(self.depth)

    def _draw_static(self) -> None:
        s, ax, m = self.content.ui.skin, self.ax, self.model
        bottom = m.drawn_bottom()
        x = np.linspace(0, 10, 400)
        ax.set_xlim(0, 10)
        ax.set_ylim(bottom, -0.45)
        ax.set_xticks([])
        ticks = np.arange(0, bottom - 0.2, 0.5)
        ax.set_yticks(ticks, [format_mm(t) for t in ticks])
        ax.set_ylabel(s.depth_axis, fontsize=FONT)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        for i, span in enumerate(m.spans):
            top = np.zeros_like(x) if i == 0 else _boundary(x, span.drawn_top, 0.06)
            low = np.full_like(x, bottom) if span.drawn_bottom is None else _boundary(x, span.drawn_bottom, 0.06)
            ax.fill_between(x, top, low, color=LAYER_COLOURS[i % len(LAYER_COLOURS)], lw=0)
            if span.drawn_bottom is not None:
                ax.plot(x, low, color="#8a6d5a", lw=0.8)
            label = span.layer.label[0].upper() + span.layer.label[1:]
            mid = (span.drawn_top + (span.drawn_bottom if span.drawn_bottom is not None else bottom)) / 2
            if span.layer.min_mm is not None:
                rng = self.content.text(s.depth, n=f"{format_mm(span.layer.min_mm)}–{format_mm(span.layer.max_mm)}")
                label += f"\n{rng}"
            ax.text(9.85, mid, label, ha="right", va="center", fontsize=FONT, color="#222222")
        ax.axhline(0, color="#8a6d5a", lw=1.2)
        self.needles = [ax.add_patch(Polygon([[0, 0]], closed=True, color=NEEDLE_COLOUR, zorder=4)) for _ in NEEDLE_X]
        (self.repair,) = ax.plot([], [], ls="none", marker="o", ms=4, mfc="none", mec=REPAIR_COLOUR, mew=1.3, zorder=5)
        self.depth_line = ax.axhline(0, xmin=0.05, xmax=0.54, color=NEEDLE_COLOUR, lw=0.8, ls=(0, (4, 3)), zorder=3)
        self.depth_label = ax.text(5.55, 0, "", va="center", fontsize=FONT, color=NEEDLE_COLOUR, zorder=6)
        ax.text(NEEDLE_X[-1] + 0.35, -0.22, s.needle_label, fontsize=FONT, color=NEEDLE_COLOUR, va="center")
        self.repair_label = ax.annotate(s.repair_label, xy=(NEEDLE_X[2], 0), xytext=(6.0, 0), fontsize=FONT,
                                        color=REPAIR_COLOUR, va="center",
                                        arrowprops={"arrowstyle": "->", "color": REPAIR_COLOUR, "lw": 1})
        self.title = ax.set_title("", fontsize=FONT + 1, loc="left")
        ax.text(0.15, bottom - 0.06, s.schematic_note, fontsize=FONT - 2, style="italic", color="#3a4550", va="bottom")

    def set_depth(self, depth_mm: float) -> None:
        d = self.model.clamp(depth_mm)
        self.depth = d
        for patch, x in zip(self.needles, NEEDLE_X):
            patch.set_xy([[x - HALF_WIDTH, -0.36], [x + HALF_WIDTH, -0.36], [x + HALF_WIDTH * 0.25, d * 0.85],
                          [x, d], [x - HALF_WIDTH * 0.25, d * 0.85]])
        angles = np.linspace(0, 2 * np.pi, 6, endpoint=False)
        rx, ry = 0.28, min(0.18, d * 0.4)
        xs = np.concatenate([x + rx * np.cos(angles) for x in NEEDLE_X])
        ys = np.concatenate([d * 0.8 + ry * np.sin(angles) for _ in NEEDLE_X])
        self.repair.set_data(xs, ys)
        self.depth_line.set_ydata([d, d])
        self.depth_label.set_position((5.55, d))
        self.depth_label.set_text(depth_text(d, self.content))
        self.repair_label.xy = (NEEDLE_X[2] + 0.3, d * 0.8)
        self.repair_label.set_position((6.0, min(d * 0.8 + 0.55, self.model.drawn_bottom() - 0.2)))
        self.title.set_text(self.content.text(self.content.ui.skin.figure_title, depth=depth_text(d, self.content)))

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()

    def alt_text(self, reach: Reach | None = None) -> str:
        c = self.content
        reach = reach or self.model.reach(self.depth)
        stages = ", ".join(s.layer.label for s in self.model.spans)
        return c.text(c.ui.skin.alt_text, stages=stages, depth=depth_text(self.depth, c), label=reach.drawn_layer.label)


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
