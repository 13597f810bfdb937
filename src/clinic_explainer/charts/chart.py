"""The recovery timeline chart (matplotlib, no pyplot state).

Built once; ``set_position`` moves the "you are here" marker in place. ``png()`` has two
render paths:

- ``"blit"`` (default): the static background (bands, curves, axes, legend) is rendered
  once and kept as a pixel buffer; a slider step restores it, draws only the marker and
  encodes the RGBA buffer with Pillow at a low compression level.
- ``"full"``: a plain ``savefig`` of the whole figure (the baseline of the benchmark, and
  the path used for print figures).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from clinic_explainer.charts import text as chart_text
from clinic_explainer.settings import CHART_DPI as DPI
from clinic_explainer.settings import CHART_RENDERS as RENDERS  # noqa: F401 (public here too)
from clinic_explainer.settings import CHART_SIZE as SIZE
from clinic_explainer.settings import RENDER_ENV  # noqa: F401 (public here too)
from clinic_explainer.settings import chart_render as default_render  # noqa: F401 (public here too)
from clinic_explainer.content import Content
from clinic_explainer.models.timeline import HOURS_PER_MONTH, HOURS_PER_WEEK, RecoveryTimeline

# Okabe-Ito: distinguishable with the common forms of colour blindness.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
REDNESS_COLOUR = "#D55E00"
COLLAGEN_COLOUR = "#0072B2"
MARKER_COLOUR = "#222222"
# Large type: the 600 px image is shown about 350 px wide on a phone, where 16 pt (22 px in
# the picture) is about 13 px on the screen. No y-axis title: the legend names both curves.
FONT = 16
TOP = 1.42  # y above the curves (0..1) holds three rows of phase labels
PNG_COMPRESS_LEVEL = 6  # zlib level: cheap on a 64-colour image, and every byte counts on a phone
PNG_COLOURS = 64  # palette size of the blitted chart (about 14 KB instead of 48 KB, ~20 ms)


def _forward(h):
    return np.log1p(np.clip(h, 0, None))


def _inverse(u):
    return np.expm1(u)


def tick_positions(horizon: float) -> list[tuple[float, str, int]]:
    """(hours, unit, n) for the labelled ticks: 1 h, 12 h, 48 h, 1 wk, 2 wk, 1 mo, 3 mo, 6 mo."""
    ticks = [(0, "start", 0), (1, "hour", 1), (12, "hour", 12), (48, "hour", 48),
             (HOURS_PER_WEEK, "week", 1), (2 * HOURS_PER_WEEK, "week", 2),
             (HOURS_PER_MONTH, "month", 1), (3 * HOURS_PER_MONTH, "month", 3)]
    ticks = [t for t in ticks if t[0] < horizon * 0.97]
    ticks.append((horizon, "month", round(horizon / HOURS_PER_MONTH)))
    return ticks


def redness_curve(hours: np.ndarray, gone_by: float) -> np.ndarray:
    """Illustrative: falls to 5% by ``gone_by`` hours (exp(-3) ~ 0.05)."""
    return np.exp(-3 * hours / gone_by)


def collagen_curve(hours: np.ndarray, complete_by: float) -> np.ndarray:
    """Illustrative: rises to 95% by ``complete_by`` hours."""
    return 1 - np.exp(-3 * hours / complete_by)


class TimelineChart:
    def __init__(self, content: Content, model: RecoveryTimeline | None = None,
                 size: tuple[float, float] = SIZE, dpi: int = DPI, render: str = "blit"):
        if render not in RENDERS:
            raise ValueError(f"render must be one of {RENDERS}, not {render!r}")
        self.content = content
        self.model = model or RecoveryTimeline(content)
        self.dpi = dpi
        self.render = render
        self.fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot()
        self._draw_static()
        self._background = None
        self.position = 0.0
        self.set_position(0.0)

    def _draw_static(self) -> None:
        t, ax, model = self.content.ui.timeline, self.ax, self.model
        horizon = model.horizon_hours
        ax.set_xscale("function", functions=(_forward, _inverse))
        ax.set_xlim(0, horizon)
        ax.set_ylim(0, TOP)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)

        self.bands = []
        self.band_labels = []
        for i, phase in enumerate(model.phases):
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            self.bands.append(ax.axvspan(phase.start_hours, phase.end_hours, ymax=1 / TOP,
                                         color=colour, alpha=0.22, lw=0))
            mid = _inverse((_forward(phase.start_hours) + _forward(phase.end_hours)) / 2)
            # three rows of labels so narrow bands do not collide
            y = (1.07, 1.2, 1.33)[i % 3]
            self.band_labels.append(ax.text(mid, y, phase.short_label, ha="center", va="center",
                                            fontsize=FONT, color="#222222",
                                            bbox=dict(boxstyle="round,pad=0.25", fc=colour, alpha=0.35, lw=0)))

        hours = _inverse(np.linspace(0, _forward(horizon), 400))
        ill = self.content.timeline.illustration
        (self.redness_line,) = ax.plot(hours, redness_curve(hours, ill.redness_gone_by_hours),
                                       color=REDNESS_COLOUR, lw=2.5, label=t.redness_curve)
        (self.collagen_line,) = ax.plot(hours, collagen_curve(hours, ill.results_complete_by_hours),
                                        color=COLLAGEN_COLOUR, lw=2.5, ls="--", label=t.collagen_curve)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=1, fontsize=FONT, frameon=False)

        ticks = tick_positions(horizon)
        names = {"hour": t.tick_hour, "week": t.tick_week, "month": t.tick_month}
        ax.set_xticks([h for h, _, _ in ticks])
        labels = [t.tick_start if unit == "start" else self.content.text(names[unit], n=n) for _, unit, n in ticks]
        # a label too close to its left neighbour drops to a second line
        pos = [_forward(h) / _forward(horizon) for h, _, _ in ticks]
        for i in range(1, len(labels)):
            if pos[i] - pos[i - 1] < 0.1 and not labels[i - 1].startswith("\n"):
                labels[i] = "\n" + labels[i]
        ax.set_xticklabels(labels, fontsize=FONT)
        ax.tick_params(axis="x", length=4)

        # animated: left out of canvas.draw() (the cached background), drawn by savefig
        self.marker = ax.axvline(0, ymax=1 / TOP, color=MARKER_COLOUR, lw=2.5, animated=True)
        self.marker_label = ax.text(0, 0.9, "", ha="center", va="center", fontsize=FONT, fontweight="bold",
                                    color=MARKER_COLOUR, animated=True,
                                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=MARKER_COLOUR, lw=1))
        # the marker moves; it must not move the layout of the static background
        self.marker.set_in_layout(False)
        self.marker_label.set_in_layout(False)

    @property
    def marker_visible(self) -> bool:
        return self.marker.get_visible()

    def show_marker(self, visible: bool = True) -> None:
        """Hide the marker for print figures (a timeline with no 'you are here')."""
        self.marker.set_visible(visible)
        self.marker_label.set_visible(visible)

    def set_position(self, hours: float) -> None:
        """Move the 'you are here' marker (no figure rebuild)."""
        self.position = float(hours)
        self.marker.set_xdata([self.position, self.position])
        self.marker_label.set_x(self.position)
        self.marker_label.set_text(self.content.ui.timeline.you_are_here)
        self.marker_label.set_ha("left" if _forward(self.position) < 0.1 * _forward(self.model.horizon_hours)
                                 else "right" if _forward(self.position) > 0.9 * _forward(self.model.horizon_hours)
                                 else "center")

    def png(self, render: str | None = None) -> bytes:
        """The chart as PNG bytes, by the chart's render path unless ``render`` is given."""
        render = render or self.render
        if render == "full":
            return self._png_full()
        if render == "blit":
            return self._png_blit()
        raise ValueError(f"render must be one of {RENDERS}, not {render!r}")

    def _png_full(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()

    def _png_blit(self) -> bytes:
        canvas = self.canvas
        if self._background is None:
            canvas.draw()  # lays out and renders everything but the animated marker
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        if self.marker_visible:
            self.ax.draw_artist(self.marker)
            self.ax.draw_artist(self.marker_label)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        # 64 colours are plenty for flat bands and two curves: a third of the bytes over mobile data
        image.convert("RGB").quantize(PNG_COLOURS, method=Image.Quantize.FASTOCTREE).save(
            buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
        return buf.getvalue()

    def marker_geometry(self, hours: float) -> dict[str, float | str]:
        """Where the marker for ``hours`` sits on the PNG, as fractions of its width and height.

        ``x``: the line's left edge from the image's left; ``top`` / ``bottom``: the line's ends
        from the image's top; ``label``: the label's centre from the top; ``align``: l, c or r
        (the label's side, as the drawn marker). The page moves a CSS marker with these, so a
        slider step needs no new PNG.
        """
        if self._background is None:
            self.png()  # lays the figure out
        width, height = self.canvas.get_width_height()
        x, _ = self.ax.transData.transform((float(hours), 0.0))
        _, y_bottom = self.ax.transAxes.transform((0.0, 0.0))
        _, y_top = self.ax.transAxes.transform((0.0, 1 / TOP))
        _, y_label = self.ax.transData.transform((float(hours), 0.9))
        u, horizon = _forward(float(hours)), _forward(self.model.horizon_hours)
        align = "l" if u < 0.1 * horizon else "r" if u > 0.9 * horizon else "c"
        return {"x": round(float(x) / width, 4), "top": round(1 - float(y_top) / height, 4),
                "bottom": round(1 - float(y_bottom) / height, 4), "label": round(1 - float(y_label) / height, 4),
                "align": align}

    def save(self, path, **kwargs) -> None:
        self.fig.savefig(path, **kwargs)

    def position_text(self, hours: float) -> str:
        """'you are here: 3 days (Healing under the skin)' (chart_text, no matplotlib)."""
        return chart_text.position_text(hours, self.content, self.model)

    def alt_text(self, position: str | None = None) -> str:
        """The chart's text equivalent; ``position`` replaces the marker's words (a template)."""
        return chart_text.alt_text(self.content, self.model,
                                   self.position_text(self.position) if position is None else position)
