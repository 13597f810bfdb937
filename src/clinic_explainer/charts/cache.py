"""The timeline chart as a page with the client-side marker needs it, rendered once, kept on disk.

Such a page needs the chart's background PNG (no marker) and where the marker sits at each
slider stop. Both follow from the content (in one language) and the code, never from the
patient: the launcher renders them for every language before serving (serving/launcher.py),
and a visitor's kernel reads them here without importing matplotlib, numpy or Pillow (about
50 MB per kernel). Only these content-derived pictures are stored, nothing a patient enters.

The key hashes everything that draws the picture: the content values the chart reads (the
interface words, the timeline and the clinic's settings, as validated, in that language),
the stops, the size, resolution and render path, the source of the modules that draw it and
the versions of matplotlib, numpy and Pillow. A content or code edit gives a new key, so
the first kernel after it renders and writes the new entry. An entry that cannot be read
or does not fit is rendered again, never an error on the page.

Where: $CLINIC_EXPLAINER_CACHE, else $XDG_CACHE_HOME/clinic-explainer, else
~/.cache/clinic-explainer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from clinic_explainer import settings
from clinic_explainer.settings import CACHE_ENV, cache_dir  # noqa: F401 (public here too)
from clinic_explainer.settings import CHART_DPI as DPI
from clinic_explainer.settings import CHART_SIZE as SIZE
from clinic_explainer.content import Content

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[1]
FORMAT = 1  # of the entry file; part of the key
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# the modules whose code decides the picture or the marker's place
KEY_SOURCES = ("charts/chart.py", "settings.py", "charts/cache.py", "models/timeline.py", "content/loader.py",
               "content/schema/base.py", "content/schema/care.py", "content/schema/clinic.py", "content/schema/ui.py")
KEY_LIBRARIES = ("matplotlib", "numpy", "pillow")
ALIGNS = ("l", "c", "r")


@dataclass(frozen=True)
class ChartSnapshot:
    """The background PNG and, for each stop, the marker's place on it (``TimelineChart.marker_geometry``)."""

    png: bytes
    stops: tuple[float, ...]
    geometry: tuple[dict, ...]

    def marker_geometry(self, hours: float) -> dict:
        return dict(self.geometry[self.stops.index(float(hours))])


@lru_cache(maxsize=2)
def code_digest(package: Path = PACKAGE) -> str:
    """The drawing code and libraries (read once per process: code does not change under it)."""
    h = hashlib.sha256()
    for name in KEY_SOURCES:
        h.update(name.encode() + b"\0" + (package / name).read_bytes() + b"\0")
    for lib in KEY_LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\0".encode())
    return h.hexdigest()


def key(content: Content, stops: Iterable[float], size: tuple[float, float] = SIZE, dpi: int = DPI,
        render: str | None = None) -> str:
    """The entry's key: changes whenever anything that affects the picture or the marker changes."""
    parts = {
        "format": FORMAT, "code": code_digest(),
        "procedure": content.procedure, "locale": content.locale,
        # the validated values the chart reads (words of every axis, label, legend; phases;
        # illustration curves; {placeholders} filled from clinic.yml), not file bytes or times
        "ui": content.ui.model_dump(mode="json"), "timeline": content.timeline.model_dump(mode="json"),
        "clinic": content.clinic.model_dump(mode="json"),
        "stops": [float(h) for h in stops], "size": [float(x) for x in size], "dpi": dpi,
        "render": render or settings.chart_render(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def entry_path(content: Content, stops: Iterable[float], size: tuple[float, float] = SIZE, dpi: int = DPI,
               render: str | None = None) -> Path:
    return _path(content, key(content, stops, size, dpi, render))


def _path(content: Content, entry_key: str) -> Path:
    locale = re.sub(r"[^A-Za-z0-9_-]", "_", content.locale)
    return cache_dir() / f"timeline-{locale}-{entry_key[:40]}.json"


def render_snapshot(content: Content, stops: Iterable[float], size: tuple[float, float] = SIZE, dpi: int = DPI,
                    render: str | None = None) -> ChartSnapshot:
    """Draw the chart now (imports matplotlib): the background without its marker, the marker's places."""
    from clinic_explainer.charts.chart import TimelineChart

    chart = TimelineChart(content, size=size, dpi=dpi, render=render or settings.chart_render())
    chart.show_marker(False)
    png = chart.png()
    stops = tuple(float(h) for h in stops)
    return ChartSnapshot(png, stops, tuple(chart.marker_geometry(h) for h in stops))


def snapshot(content: Content, stops: Iterable[float], size: tuple[float, float] = SIZE, dpi: int = DPI,
             render: str | None = None) -> ChartSnapshot:
    """The chart snapshot from the cache, or rendered (and then stored) when no entry fits."""
    render = render or settings.chart_render()
    stops = tuple(float(h) for h in stops)
    try:
        entry_key = key(content, stops, size, dpi, render)
    except OSError:  # the package's sources are not readable: draw, and keep nothing
        return render_snapshot(content, stops, size, dpi, render)
    path = _path(content, entry_key)
    cached = _read(path, entry_key, stops)
    if cached is not None:
        return cached
    snap = render_snapshot(content, stops, size, dpi, render)
    _write(path, entry_key, snap)
    return snap


def _geometry(item) -> dict:
    if item["align"] not in ALIGNS:
        raise ValueError("bad align")
    return {"x": float(item["x"]), "top": float(item["top"]), "bottom": float(item["bottom"]),
            "label": float(item["label"]), "align": item["align"]}


def _read(path: Path, entry_key: str, stops: tuple[float, ...]) -> ChartSnapshot | None:
    try:
        data = json.loads(path.read_bytes())
        png = base64.b64decode(data["png"], validate=True)
        geometry = tuple(_geometry(g) for g in data["geometry"])
        if (data["key"] != entry_key or tuple(data["stops"]) != stops or len(geometry) != len(stops)
                or not png.startswith(PNG_MAGIC)):
            raise ValueError("entry does not fit")
        return ChartSnapshot(png, stops, geometry)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with an entry, drawing it again fixes it
        log.info("chart cache: ignoring %s (%s)", path.name, type(exc).__name__)
        return None


def _write(path: Path, entry_key: str, snap: ChartSnapshot) -> None:
    """Write the entry atomically (a temporary file, then rename): a reader sees all or nothing."""
    payload = json.dumps({"format": FORMAT, "key": entry_key, "stops": list(snap.stops),
                          "geometry": list(snap.geometry), "png": base64.b64encode(snap.png).decode("ascii")})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
            os.chmod(tmp, 0o644)  # pictures of the content only; kernels may run as another user
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        # the page still gets its chart; only the next kernel draws it again
        log.info("chart cache: could not write %s (%s)", path, type(exc).__name__)
