"""Slider step -> new view, before and after the client-side marker (`make bench`; not a test).

Two Voila servers in one run, one after the other, the same notebook (03_recovery_timeline):

- ``kernel`` (before): every step is a round trip; the kernel draws the marker into a new
  PNG and sends it ($CLINIC_EXPLAINER_MARKER=kernel).
- ``client`` (after, the default): the chart's PNG is a fixed background sent once; the page
  moves a CSS "you are here" marker, the readout and the handle's spoken value at once
  (a11y.js, from per-stop data), while the kernel sends only the new card.

Each is measured at desktop speed and under Lighthouse's mobile profile (Chrome DevTools
Protocol: 150 ms round trip, 1.6 Mbit/s down, 0.75 up, CPU slowed 4x), switched on after the
page has loaded. Headless Chromium focuses the slider handle and presses ArrowRight /
ArrowLeft; in the page, each step is timed from the keydown event to the first animation
frame after the chart changed (img src for ``kernel``, the marker's position for ``client``)
and, for reference, to the card's update (a kernel round trip in both).

Goals (issue 7 item 3): client path median <= 200 ms under the mobile profile, < 100 ms on
the desktop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from clinic_explainer.serving.launcher import voila_command
from clinic_explainer.views.timeline import MARKER_ENV, MARKERS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS, RENDERED, Server, free_port  # noqa: E402

from bench_timeline import stats  # noqa: E402  (this folder is on sys.path when run as a script)

NOTEBOOK = "03_recovery_timeline.ipynb"
GOALS_MS = {"desktop": 100.0, "mobile": 200.0}
MOBILE_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
                  "uploadThroughput": 0.75e6 / 8}
MOBILE_CPU = 4

# Stamp every keydown, every change of the chart (img src or marker position) with the next
# animation frame after it, and every card update.
INSTRUMENT = """() => {
  const w = document.querySelector('.ce-widget');
  const b = window.__bench = {keys: [], views: [], cards: []};
  document.addEventListener('keydown', () => b.keys.push(performance.now()), true);
  const painted = () => requestAnimationFrame(() => b.views.push(performance.now()));
  new MutationObserver(painted).observe(w.querySelector('img'), {attributes: true, attributeFilter: ['src']});
  const line = w.querySelector('.ce-marker-line');  // client marker: the line and the readout move
  if (line) {
    new MutationObserver(painted).observe(w.querySelector('.ce-readout'), {childList: true, characterData: true, subtree: true});
  }
  const card = w.querySelector('.ce-card').closest('.widget-html');
  new MutationObserver(() => b.cards.push(performance.now())).observe(card, {childList: true, subtree: true});
  return true;
}"""


def voila(marker: str, log_dir: Path) -> Server:
    port = free_port()
    argv, env = voila_command(port)
    env[MARKER_ENV] = marker
    return Server(argv, env, f"http://127.0.0.1:{port}/", log_dir / f"voila-{marker}.log")


def measure(browser, url: str, profile: str, steps: int) -> tuple[list[float], list[float]]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844} if profile == "mobile"
                              else {"width": 1280, "height": 900}, device_scale_factor=1)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(url + "voila/render/" + NOTEBOOK)
        page.wait_for_function(RENDERED, timeout=120_000)
        page.wait_for_selector(".ce-widget img[src]")
        page.wait_for_load_state("networkidle")
        if profile == "mobile":
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE_CPU})
        page.evaluate(INSTRUMENT)
        page.locator(".ce-widget .noUi-handle").first.focus()
        n_stops = 1 + int(float(page.evaluate(
            "() => document.querySelector('.ce-widget .noUi-handle').getAttribute('aria-valuemax')")))
        position, direction, views, cards = 0, 1, [], []
        for i in range(steps + 2):  # two warm-up steps, not counted
            if not 0 <= position + direction < n_stops:
                direction = -direction
            before = page.evaluate("() => [window.__bench.views.length, window.__bench.cards.length]")
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
            position += direction
            page.wait_for_function("([v, c]) => window.__bench.views.length > v && window.__bench.cards.length > c",
                                   arg=before, timeout=60_000)
            page.wait_for_timeout(50)
            key, view, card = page.evaluate("([v, c]) => [window.__bench.keys[window.__bench.keys.length - 1],"
                                            " window.__bench.views[v], window.__bench.cards[c]]", before)
            if i >= 2:
                views.append(view - key)
                cards.append(card - key)
        return views, cards
    finally:
        ctx.close()


def run(steps: int) -> dict[tuple[str, str], tuple[dict, dict]]:
    from playwright.sync_api import sync_playwright

    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-slider-") as logs, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for marker in reversed(MARKERS):  # kernel (before), then client (after)
                with voila(marker, Path(logs)) as server:
                    for profile in ("desktop", "mobile"):
                        print(f"  measuring {marker} / {profile} ...", file=sys.stderr, flush=True)
                        views, cards = measure(browser, server.ready_url, profile, steps)
                        out[(marker, profile)] = (stats(views), stats(cards))
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="key presses per marker and profile (default 20)")
    opts = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run `make chromium`", file=sys.stderr)
        return 2
    results = run(opts.steps)
    print(f"slider step -> new view, 03_recovery_timeline in Voila, {opts.steps} steps each (ms)")
    print(f"  {'marker':<16} {'profile':<8} {'view median':>11} {'view p95':>9} {'card median':>11} {'card p95':>9}")
    for (marker, profile), (view, card) in results.items():
        name = {"kernel": "kernel (before)", "client": "client (after)"}[marker]
        print(f"  {name:<16} {profile:<8} {view['median']:>11.1f} {view['p95']:>9.1f}"
              f" {card['median']:>11.1f} {card['p95']:>9.1f}")
    ok = all(results[("client", p)][0]["median"] <= goal for p, goal in GOALS_MS.items())
    print("goal: client view median <= 200 ms (mobile) and < 100 ms (desktop): " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
