"""The timeline chart: its artists and labels, and both render paths (no pixel comparisons)."""

import io

import pytest
from PIL import Image

from clinic_explainer.charts.chart import RENDER_ENV, TimelineChart, default_render, tick_positions
from clinic_explainer.models.timeline import HOURS_PER_MONTH, HOURS_PER_WEEK


@pytest.fixture(scope="module")
def chart(content):
    return TimelineChart(content)


def test_ticks_are_the_agreed_ones(chart, content):
    t = content.ui.timeline
    # crowded labels drop to a second line ("\n2 wk") so they stay readable on a phone
    labels = [label.get_text().lstrip("\n") for label in chart.ax.get_xticklabels()]
    assert labels == ["0", "1 h", "12 h", "48 h", "1 wk", "2 wk", "1 mo", "3 mo", "6 mo"]
    hours = [h for h, _, _ in tick_positions(chart.model.horizon_hours)]
    assert hours[:8] == [0, 1, 12, 48, HOURS_PER_WEEK, 2 * HOURS_PER_WEEK, HOURS_PER_MONTH, 3 * HOURS_PER_MONTH]
    assert list(chart.ax.get_xticks()) == pytest.approx(hours)
    assert t.tick_start == labels[0]
    assert chart.ax.get_xscale() == "function"  # log1p time axis


def test_every_phase_has_a_band_and_a_plain_label(chart, content):
    phases = content.timeline.phases
    assert len(chart.bands) == len(phases)
    assert [label.get_text() for label in chart.band_labels] == [p.short_label for p in phases]
    colours = {tuple(band.get_facecolor()[:3]) for band in chart.bands}
    assert len(colours) == len(phases)


def test_legend_names_the_typical_curves(chart, content):
    t = content.ui.timeline
    legend = [text.get_text() for text in chart.ax.get_legend().get_texts()]
    assert legend == [t.redness_curve, t.collagen_curve]
    assert all("typical" in label for label in legend)
    assert chart.redness_line.get_ydata()[0] > 0.9 > chart.redness_line.get_ydata()[-1]
    assert chart.collagen_line.get_ydata()[0] < 0.1 < chart.collagen_line.get_ydata()[-1]


@pytest.mark.parametrize("render", ["blit", "full"])
def test_marker_moves_and_png_changes(content, render):
    chart = TimelineChart(content, render=render)
    first = chart.png()
    assert first.startswith(b"\x89PNG")
    chart.set_position(48)
    second = chart.png()
    assert list(chart.marker.get_xdata()) == [48, 48]
    assert chart.marker_label.get_position()[0] == 48
    assert chart.marker_label.get_text() == content.ui.timeline.you_are_here
    assert second != first
    chart.set_position(0)
    assert chart.png() != second
    with Image.open(io.BytesIO(second)) as image:
        assert image.size == (600, 500)  # 6 x 5 in at 100 dpi


def test_both_render_paths_give_the_same_size(content):
    blit, full = TimelineChart(content, render="blit"), TimelineChart(content, render="full")
    for chart in (blit, full):
        chart.set_position(200)
    sizes = [Image.open(io.BytesIO(c.png())).size for c in (blit, full)]
    assert sizes[0] == sizes[1]
    # the blit path may be asked for a full render (the benchmark's baseline)
    assert blit.png(render="full").startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        blit.png(render="fast")
    with pytest.raises(ValueError):
        TimelineChart(content, render="fast")


def test_render_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(RENDER_ENV, "full")
    assert default_render() == "full"
    monkeypatch.setenv(RENDER_ENV, "nonsense")
    assert default_render() == "blit"
    monkeypatch.delenv(RENDER_ENV)
    assert default_render() == "blit"


def test_marker_can_be_hidden_for_print(content):
    chart = TimelineChart(content)
    with_marker = chart.png()
    chart.show_marker(False)
    assert not chart.marker_visible
    assert chart.png() != with_marker


def test_alt_text_names_every_stage_and_the_position(chart, content):
    chart.set_position(30)
    text = chart.alt_text()
    for phase in content.timeline.phases:
        assert phase.label in text
    assert "30 hours" in text
    assert content.timeline.phases[1].label in text.split(content.ui.timeline.you_are_here.lower())[-1]
