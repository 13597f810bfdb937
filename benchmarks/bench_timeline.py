"""How fast does the recovery timeline answer a slider step? (`make bench`; not a pytest test)

Two measurements, each for the blit path and the full-redraw baseline:

1. Python: ``chart.set_position(h)`` + ``chart.png()`` over every slider stop.
2. Browser: Voila serves 03_recovery_timeline.ipynb (same flags as the browser tests), headless
   Chromium focuses the slider handle and presses ArrowRight / ArrowLeft N times; each step is
   timed in the page from the keydown event to the chart <img> getting its new src. The render
   path is chosen with $CLINIC_EXPLAINER_CHART_RENDER in Voila's environment; the two servers
   run one after the other in the same run.

Goal: median <= 100 ms in the browser.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.charts.chart import RENDER_ENV, RENDERS, TimelineChart
from clinic_explainer.serving.launcher import voila_command
from clinic_explainer.views.timeline import MARKER_ENV

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS, RENDERED, Server, free_port  # noqa: E402

NOTEBOOK = "03_recovery_timeline.ipynb"
GOAL_MS = 100.0

# In the page: stamp every keydown, and every change of the chart's src.
INSTRUMENT = """() => {
  const img = document.querySelector('.ce-widget img');
  window.__bench = {keys: [], srcs: []};
  document.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
  new MutationObserver(() => window.__bench.srcs.push(performance.now()))
    .observe(img, {attributes: true, attributeFilter: ['src']});
  return true;
}"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def stats(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "median": statistics.median(values), "p95": pct(values, 95),
            "min": min(values), "max": max(values)}


# --- 1. pure Python ---------------------------------------------------------------------------


def bench_python(rounds: int = 3) -> dict[str, dict[str, float]]:
    c = content_mod.load()
    out = {}
    for render in RENDERS:
        chart = TimelineChart(c, render=render)
        chart.png()  # warm up (the blit path caches its background here)
        stops = chart.model.stops()
        times = []
        for _ in range(rounds):
            for h in stops:
                t0 = time.perf_counter()
                chart.set_position(h)
                chart.png()
                times.append((time.perf_counter() - t0) * 1000)
        out[render] = stats(times)
    return out


# --- 2. browser --------------------------------------------------------------------------------


def voila(render: str, log_dir: Path) -> Server:
    """A Voila server whose timeline charts use the given render path."""
    port = free_port()
    argv, env = voila_command(port)
    env[RENDER_ENV] = render
    env[MARKER_ENV] = "kernel"  # a new PNG per step: what this benchmark times (bench_slider: the client marker)
    return Server(argv, env, f"http://127.0.0.1:{port}/", log_dir / f"voila-{render}.log")


def bench_browser(browser, url: str, steps: int) -> list[float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(url + "voila/render/" + NOTEBOOK)
        page.wait_for_function(RENDERED, timeout=120_000)
        page.wait_for_selector(".ce-widget img[src]")
        page.evaluate(INSTRUMENT)
        handle = page.locator(".ce-widget .widget-slider .noUi-handle").first
        handle.focus()
        n_stops = page.evaluate("() => 1 + Number(document.querySelector('.ce-widget .noUi-handle')"
                                ".getAttribute('aria-valuemax'))") or 40
        position, direction, times = 0, 1, []
        for i in range(steps + 3):  # three warm-up steps, not counted
            if not 0 <= position + direction < n_stops:
                direction = -direction
            before = page.evaluate("() => window.__bench.srcs.length")
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
            position += direction
            page.wait_for_function("(n) => window.__bench.srcs.length > n", arg=before, timeout=30_000)
            page.wait_for_timeout(30)  # let a late second update land before the next key
            key, src = page.evaluate(
                "(n) => [window.__bench.keys[window.__bench.keys.length - 1], window.__bench.srcs[n]]", before)
            if i >= 3:
                times.append(src - key)
        return times
    finally:
        ctx.close()


def run_browser(steps: int) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-voila-") as logs, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for render in RENDERS:
                with voila(render, Path(logs)) as server:
                    out[render] = stats(bench_browser(browser, server.ready_url, steps))
        finally:
            browser.close()
    return out


# --- report ---------------------------------------------------------------------------------------


def table(title: str, results: dict[str, dict[str, float]]) -> str:
    lines = [title, f"  {'path':<6} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'max ms':>8}"]
    for render, s in results.items():
        lines.append(f"  {render:<6} {s['n']:>4} {s['median']:>10.1f} {s['p95']:>8.1f} {s['min']:>8.1f} {s['max']:>8.1f}")
    if set(results) >= {"blit", "full"}:
        lines.append(f"  speed-up of the median: {results['full']['median'] / results['blit']['median']:.1f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="key presses per render path (default 40)")
    parser.add_argument("--no-browser", action="store_true", help="only the pure-Python benchmark")
    opts = parser.parse_args(argv)
    print(table("set_position + png (pure Python, every slider stop x3)", bench_python()), flush=True)
    if opts.no_browser:
        return 0
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run `make chromium`", file=sys.stderr)
        return 2
    browser = run_browser(opts.steps)
    print(table(f"key press -> new chart in Chromium via Voila ({opts.steps} steps)", browser))
    ok = browser["blit"]["median"] <= GOAL_MS
    print(f"goal: median <= {GOAL_MS:.0f} ms in the browser (blit path): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
