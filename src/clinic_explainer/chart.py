"""The recovery timeline chart (matplotlib, no pyplot state).

Built once; ``set_position`` moves the "you are here" marker in place, so a slider step
re-renders one small PNG instead of rebuilding the figure.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from .content import Content
from .timeline import HOURS_PER_MONTH, HOURS_PER_WEEK, RecoveryTimeline, describe_position

# Okabe-Ito: distinguishable with the common forms of colour blindness.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
REDNESS_COLOUR = "#D55E00"
COLLAGEN_COLOUR = "#0072B2"
MARKER_COLOUR = "#222222"


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
                 size: tuple[float, float] = (7.2, 4.6), dpi: int = 100):
        self.content = content
        self.model = model or RecoveryTimeline(content)
        self.dpi = dpi
        self.fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        self.ax = self.fig.add_subplot()
        self._draw_static()
        self.position = 0.0
        self.set_position(0.0)

    def _draw_static(self) -> None:
        t, ax, model = self.content.ui.timeline, self.ax, self.model
        horizon = model.horizon_hours
        ax.set_xscale("function", functions=(_forward, _inverse))
        ax.set_xlim(0, horizon)
        ax.set_ylim(0, 1.32)
        ax.set_yticks([])
        ax.set_ylabel(t.curve_axis, fontsize=11)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)

        self.bands = []
        self.band_labels = []
        for i, phase in enumerate(model.phases):
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            self.bands.append(ax.axvspan(phase.start_hours, phase.end_hours, ymax=1 / 1.32,
                                         color=colour, alpha=0.22, lw=0))
            mid = _inverse((_forward(phase.start_hours) + _forward(phase.end_hours)) / 2)
            # two rows of labels so narrow bands do not collide
            y = 1.06 if i % 2 == 0 else 1.2
            self.band_labels.append(ax.text(mid, y, phase.short_label, ha="center", va="center",
                                            fontsize=11, color="#222222",
                                            bbox=dict(boxstyle="round,pad=0.25", fc=colour, alpha=0.35, lw=0)))

        hours = _inverse(np.linspace(0, _forward(horizon), 400))
        ill = self.content.timeline.illustration
        (self.redness_line,) = ax.plot(hours, redness_curve(hours, ill.redness_gone_by_hours),
                                       color=REDNESS_COLOUR, lw=2.5, label=t.redness_curve)
        (self.collagen_line,) = ax.plot(hours, collagen_curve(hours, ill.results_complete_by_hours),
                                        color=COLLAGEN_COLOUR, lw=2.5, ls="--", label=t.collagen_curve)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=11, frameon=False)

        ticks = tick_positions(horizon)
        names = {"hour": t.tick_hour, "week": t.tick_week, "month": t.tick_month}
        ax.set_xticks([h for h, _, _ in ticks])
        ax.set_xticklabels([t.tick_start if unit == "start" else self.content.text(names[unit], n=n)
                            for _, unit, n in ticks], fontsize=11)
        ax.tick_params(axis="x", length=4)

        self.marker = ax.axvline(0, ymax=1 / 1.32, color=MARKER_COLOUR, lw=2.5)
        self.marker_label = ax.text(0, 0.9, "", ha="center", va="center", fontsize=11, fontweight="bold",
                                    color=MARKER_COLOUR, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=MARKER_COLOUR, lw=1))

    def set_position(self, hours: float) -> None:
        """Move the 'you are here' marker (no figure rebuild)."""
        self.position = float(hours)
        self.marker.set_xdata([self.position, self.position])
        self.marker_label.set_x(self.position)
        self.marker_label.set_text(self.content.ui.timeline.you_are_here)
        self.marker_label.set_ha("left" if _forward(self.position) < 0.1 * _forward(self.model.horizon_hours)
                                 else "right" if _forward(self.position) > 0.9 * _forward(self.model.horizon_hours)
                                 else "center")

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()

    def save(self, path, **kwargs) -> None:
        self.fig.savefig(path, **kwargs)

    def alt_text(self) -> str:
        t = self.content.ui.timeline
        stages = "; ".join(p.label for p in self.model.phases)
        position = f"{t.you_are_here.lower()}: {describe_position(self.position, self.content)} " \
                   f"({self.model.at(self.position).phase.label})"
        return self.content.text(t.alt_text, stages=stages, position=position)
