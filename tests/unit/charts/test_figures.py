"""`python -m clinic_explainer.charts.figures DIR` writes the timeline chart as PNG and SVG."""

import subprocess
import sys

from PIL import Image

from clinic_explainer.charts import figures


def test_figures_command_writes_png_and_svg(tmp_path):
    out = tmp_path / "figs"
    result = subprocess.run([sys.executable, "-W", "error", "-m", "clinic_explainer.charts.figures", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    png, svg = out / "recovery-timeline.png", out / "recovery-timeline.svg"
    with Image.open(png) as image:
        assert image.size[0] >= 1200
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_figures_are_reproducible(tmp_path, content):
    a = figures.write_timeline(tmp_path / "a", content)
    b = figures.write_timeline(tmp_path / "b", content)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
