"""The class view's chart: for each knowledge-check question, the share of the room that got it right.

Most-missed first, so the question to teach again is at the top. Horizontal bars with the
question's short prompt as the label, the share as a number at the bar's end (no reading
off an axis on a projector), large type.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FONT = 16
RIGHT_COLOUR = "#0072B2"   # Okabe-Ito blue
MISSED_COLOUR = "#D55E00"  # Okabe-Ito vermillion: below half right
LABEL_CHARS = 60  # in two lines of 30


def _short(text: str) -> str:
    text = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
    return "\n".join(textwrap.wrap(text, 30)[:2])


def class_chart_png(rows: list[tuple[str, float, int]], axis_label: str, empty_label: str) -> bytes:
    """``rows``: (question prompt, share right 0..1, answers) most missed first."""
    height = max(2.2, 0.8 * len(rows) + 1.2)
    fig = Figure(figsize=(10, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.36, 0.9 / height, 0.6, 1 - 1.3 / height))
    if not rows:
        ax.axis("off")
        ax.text(0.5, 0.5, empty_label, ha="center", va="center", fontsize=FONT, transform=ax.transAxes)
    else:
        labels = [_short(p) for p, _, _ in rows][::-1]
        shares = [s for _, s, _ in rows][::-1]
        counts = [n for _, _, n in rows][::-1]
        colours = [MISSED_COLOUR if s < 0.5 else RIGHT_COLOUR for s in shares]
        bars = ax.barh(range(len(rows)), [s * 100 for s in shares], color=colours)
        ax.set_yticks(range(len(rows)), labels, fontsize=FONT - 2)
        ax.set_xlim(0, 100)
        ax.set_xlabel(axis_label, fontsize=FONT)
        ax.tick_params(axis="x", labelsize=FONT - 2)
        for bar, share, n in zip(bars, shares, counts):
            inside = share > 0.8  # the number inside the bar's end, in white, where it is long
            ax.text(bar.get_width() - 1.5 if inside else bar.get_width() + 1.5, bar.get_y() + bar.get_height() / 2,
                    f"{share * 100:.0f}% ({n})", va="center", ha="right" if inside else "left",
                    color="white" if inside else "black", fontsize=FONT - 2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
