"""How the timeline chart is drawn: size, resolution, render path.

Kept apart from chart.py so the views and the chart cache (whose key includes these) can
read them without importing matplotlib.
"""

from __future__ import annotations

import os

SIZE = (6.0, 5.0)  # inches
DPI = 100          # 600 x 500 px
RENDERS = ("blit", "full")
RENDER_ENV = "CLINIC_EXPLAINER_CHART_RENDER"


def default_render() -> str:
    """The render path from $CLINIC_EXPLAINER_CHART_RENDER (the benchmark's switch)."""
    value = os.environ.get(RENDER_ENV, "blit").strip().lower()
    return value if value in RENDERS else "blit"
