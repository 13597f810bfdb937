"""Write the series' figures for print and slides: ``python -m clinic_explainer.charts.figures figures``.

The figures come from the same ``TimelineChart`` code the widgets use (full render, no
"you are here" marker), so a change of content/ is one command away from new images.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

from clinic_explainer import content as content_mod
from clinic_explainer.charts.chart import TimelineChart

TIMELINE_NAME = "recovery-timeline"
PNG_DPI = 200
# no timestamps or software versions in the files: the same content gives the same bytes
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def write_timeline(outdir: Path, c=None) -> list[Path]:
    c = c or content_mod.load()
    chart = TimelineChart(c, render="full")
    chart.show_marker(False)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in ("png", "svg"):
        path = outdir / f"{TIMELINE_NAME}.{fmt}"
        with matplotlib.rc_context({"svg.hashsalt": TIMELINE_NAME}):  # stable ids in the SVG
            chart.save(path, format=fmt, dpi=PNG_DPI if fmt == "png" else None, metadata=_METADATA[fmt])
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the series' figures (PNG and SVG).")
    parser.add_argument("outdir", nargs="?", default="figures", help="folder to write into (default: figures)")
    opts = parser.parse_args(argv)
    for path in write_timeline(Path(opts.outdir)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
