"""The chart cache: a cached snapshot is the chart as drawn, its key follows the content and
the code, and a bad entry is drawn again rather than breaking a page."""

import json
import shutil

import pytest

from clinic_explainer.charts import cache as chart_cache
from clinic_explainer import content as content_mod
from clinic_explainer.charts.chart import TimelineChart
from clinic_explainer.views.results import ResultsView
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.views.timeline import TimelineSliderView, TimelineView

from tests.content_tree import edit


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(path))
    return path


@pytest.fixture
def stops(content):
    return RecoveryTimeline(content).stops()


def no_render(*args, **kwargs):
    raise AssertionError("rendered although the cache holds the entry")


def test_snapshot_from_the_cache_is_the_chart_as_drawn(content, stops, cache, monkeypatch):
    chart_cache.snapshot(content, stops)  # renders and writes
    assert chart_cache.entry_path(content, stops).exists()
    monkeypatch.setattr(chart_cache, "render_snapshot", no_render)
    cached = chart_cache.snapshot(content, stops)
    # what the view did before the cache: a chart, the marker's places, the PNG without marker
    chart = TimelineChart(content)
    geometry = [chart.marker_geometry(h) for h in stops]
    chart.show_marker(False)
    assert cached.png == chart.png()
    assert [cached.marker_geometry(h) for h in stops] == geometry
    assert cached.stops == tuple(stops)


def test_key_follows_the_content_and_the_drawing_settings(content, stops, tree):
    key = chart_cache.key(content, stops)
    assert chart_cache.key(content_mod.load(tree), stops) == key  # same values, another folder
    edit(tree, "microneedling/en/timeline.yml", "short_label: Redness settles", "short_label: Redness fades")
    assert chart_cache.key(content_mod.load(tree), stops) != key
    assert chart_cache.key(content_mod.load(locale="es"), stops) != key
    assert chart_cache.key(content, stops[:-1]) != key
    assert chart_cache.key(content, stops, size=(6.0, 4.0)) != key
    assert chart_cache.key(content, stops, dpi=200) != key
    assert chart_cache.key(content, stops, render="full") != chart_cache.key(content, stops, render="blit")


def test_key_follows_a_word_of_the_chart(content, stops, tree):
    key = chart_cache.key(content, stops)
    edit(tree, "locales/en.yml", "you_are_here: You are here", "you_are_here: You are now here")
    assert chart_cache.key(content_mod.load(tree), stops) != key


def test_key_follows_the_drawing_code(tmp_path):
    package = tmp_path / "clinic_explainer"
    package.mkdir()
    for name in chart_cache.KEY_SOURCES:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(chart_cache.PACKAGE / name, package / name)
    assert chart_cache.code_digest.__wrapped__(package) == chart_cache.code_digest()
    with (package / "charts" / "chart.py").open("a") as f:
        f.write("# a change to the drawing code\n")
    assert chart_cache.code_digest.__wrapped__(package) != chart_cache.code_digest()


@pytest.mark.parametrize("corrupt", [
    b"",
    b"\x00\xff not json",
    b'{"format": 1, "key": "',  # cut short
    b"[]",
    "wrong key",
    "bad png",
    "bad align",
    "missing stop",
])
def test_a_bad_entry_is_drawn_again(content, stops, cache, corrupt):
    good = chart_cache.snapshot(content, stops)
    path = chart_cache.entry_path(content, stops)
    if isinstance(corrupt, bytes):
        path.write_bytes(corrupt)
    else:
        data = json.loads(path.read_text())
        if corrupt == "wrong key":
            data["key"] = "0" * 64
        elif corrupt == "bad png":
            data["png"] = "bm90IGEgcG5n"
        elif corrupt == "bad align":
            data["geometry"][0]["align"] = '"><script>'
        else:
            data["geometry"].pop()
        path.write_text(json.dumps(data))
    again = chart_cache.snapshot(content, stops)
    assert again == good
    # and the entry is whole again
    assert json.loads(path.read_text())["key"] == chart_cache.key(content, stops)


def test_an_unwritable_cache_still_gives_the_chart(content, stops, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(blocker / "cache"))
    assert chart_cache.snapshot(content, stops).png.startswith(b"\x89PNG")


def test_no_temporary_files_are_left(content, stops, cache):
    chart_cache.snapshot(content, stops)
    assert [p.name for p in cache.iterdir()] == [chart_cache.entry_path(content, stops).name]


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert chart_cache.cache_dir() == tmp_path / "a"
    monkeypatch.delenv(chart_cache.CACHE_ENV)
    assert chart_cache.cache_dir() == tmp_path / "xdg" / "clinic-explainer"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert chart_cache.cache_dir() == tmp_path / "home" / ".cache" / "clinic-explainer"


def test_the_launcher_prerenders_every_slider_view_in_every_language(cache, monkeypatch):
    from clinic_explainer.serve import prerender_charts

    paths = prerender_charts()
    assert all(p.exists() for p in paths)

    def subclasses(cls):
        return {cls} | {s for sub in cls.__subclasses__() for s in subclasses(sub)}

    monkeypatch.setattr(chart_cache, "render_snapshot", no_render)
    for locale in content_mod.locales():
        c = content_mod.load(locale=locale)
        model = RecoveryTimeline(c)
        for view in subclasses(TimelineSliderView):
            assert chart_cache.entry_path(c, view.stops_for(model)).exists(), (locale, view.__name__)
        # the views take the cached pictures: no drawing in a visitor's kernel
        assert TimelineView(c).chart_png == ResultsView(c).chart_png
