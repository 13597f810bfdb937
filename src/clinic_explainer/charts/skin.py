"""The skin explorer's picture: a schematic cross-section of skin with the needles at a depth.

``SkinFigure`` is built once (matplotlib ``Figure``, no pyplot); ``set_depth`` moves the
needles and repair marks in place and ``png()`` renders the picture for a ``widgets.Image``.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from clinic_explainer.models.skin import Reach, SkinModel, format_mm

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
