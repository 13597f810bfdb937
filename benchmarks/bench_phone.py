"""The patient explainer on a phone over mobile data (`make bench`; not a pytest test).

One run, side by side, under Lighthouse's mobile profile applied through the Chrome DevTools
Protocol in Playwright (Network.emulateNetworkConditions: 150 ms round trip, 1.6 Mbit/s down,
0.75 Mbit/s up; Emulation.setCPUThrottlingRate 4; a fresh browser context, so no cache):

  static        the floor: the explainer executed by nbconvert (no input) as one HTML file,
                served from this machine (CDN <script>/<link> tags removed: nothing leaves it)
  cold          `make serve`'s server without kernel preheating
  preheated     `make serve`'s server as configured (a ready kernel for the explainer)
  --baseline REF  adds the cold and preheated servers of another commit (a temporary git
                worktree), e.g. `--baseline 4d91b2c` for the figures before issue 7

For each: time to readable FAQ text (first frame where the first FAQ section is visible),
time to a working timeline slider (the live widget's handle is visible, or the server-rendered
slider that works before the widget client, once its script has loaded; one step of the live
slider is then checked to change the view), time to every tool working (the date field, the
tick boxes and the downloads: every widget live, <html data-ce-ready>, or every tool's early form
in the page with early.js loaded, which the server answers without the widget client), a date
typed -> the patient's day shown (a fresh visit, at the moment every tool works), bytes on the
wire (HTTP + websocket frames) for a first and a repeat visit (same
context, its cache kept), slider step -> new view (key down to the first change of the
widget outside the slider, median and p95), and the RSS of the biggest kernel process.
Screenshots at 390 px one second into the load and fully loaded go to test-artifacts/.

Usage: python benchmarks/bench_phone.py [--baseline REF] [--steps 12] [--only static,cold,...]
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from baseline import worktree  # noqa: E402
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS, Server, free_port  # noqa: E402

NOTEBOOK = "patient_explainer.ipynb"
ARTIFACTS = REPO / "test-artifacts"
VIEWPORT = {"width": 390, "height": 844}
MOBILE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
CPU_SLOWDOWN = 4
GOALS = {"readable": 1.5, "interactive": 3.0, "tools": 3.0, "first_mb": 1.5, "repeat_kb": 100, "step_ms": 200, "rss_mb": 90}

# Runs in every page before its own scripts: stamps the first frame where the first FAQ
# section is visible (readable) and where the timeline's slider handle is (interactive).
PROBE = """
window.__phone = {readable: null, interactive: null, tools: null};
(function probe() {
  const p = window.__phone, now = performance.now();
  const visible = (el) => el && el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && el.getBoundingClientRect().height > 0;
  if (p.readable === null) {
    const faq = document.querySelector('section.ce-faq');
    if (visible(faq) && faq.innerText.trim().length > 40) p.readable = now;
  }
  if (p.interactive === null) {
    const w = Array.from(document.querySelectorAll('.ce-widget')).find((x) => x.querySelector('img'));
    const s = w && w.querySelector('[role=slider], input[type=range]');
    // or the server-rendered slider that works before the widget client (early.js loaded)
    const early = document.documentElement?.dataset.ceEarly === 'ready'
      && document.querySelector('.ce-early input[type=range]');
    if (visible(s) || visible(early)) p.interactive = now;
  }
  if (p.tools === null) {
    // every widget live, or every tool's early form in the page with its script (early.js): the
    // date field, the tick boxes and the downloads answer from the server before the widget client
    const live = document.documentElement?.dataset.ceReady === 'true';
    const early = document.documentElement?.dataset.ceEarly === 'ready' && document.getElementById('ce-cells-done')
      && document.querySelector('.ce-early-form') && !document.querySelector('.ce-placeholder:not(.ce-early)');
    if (live || early) p.tools = now;
  }
  if (p.readable === null || p.interactive === null || p.tools === null) requestAnimationFrame(probe);
})();
"""

# The timeline widget and its slider; stamps key downs and the first change of the view
# (anything in the widget outside the slider control itself) after each key down.
INSTRUMENT = """() => {
  const w = Array.from(document.querySelectorAll('.ce-widget')).find((x) => x.querySelector('img'));
  const s = w.querySelector('[role=slider], input[type=range]');
  const control = s.closest('.widget-slider, .widget-hslider, .widget-selection-slider') || s.parentElement;
  window.__steps = {keys: [], views: []};
  document.addEventListener('keydown', () => window.__steps.keys.push(performance.now()), true);
  new MutationObserver((records) => {
    const st = window.__steps;
    if (st.views.length >= st.keys.length) return;
    const target = (r) => r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (records.some((r) => !control.contains(target(r)))) st.views.push(performance.now());
  }).observe(w, {subtree: true, childList: true, characterData: true, attributes: true});
  s.focus();
  return true;
}"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


# --- servers ------------------------------------------------------------------------------


def tree_pids(pid: int) -> dict[int, tuple[int, str]]:
    """{pid: (rss KB, command)} of a process and its descendants."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,ppid=,rss=,comm=,args=", "-e"], capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        parts = line.split(None, 4)
        if len(parts) == 5:  # a forked kernel is named by its id: "ipykernel" goes in its command
            rows[int(parts[0])] = (int(parts[1]), int(parts[2]),
                                   f"ipykernel {parts[4]}" if parts[3].startswith("kernel-") else parts[4])
    family, grew = {pid}, True
    while grew:
        grew = False
        for p, (pp, _, _) in rows.items():
            if pp in family and p not in family:
                family.add(p)
                grew = True
    return {p: (rows[p][1], rows[p][2]) for p in family if p in rows}


def kernel_rss_mb(pid: int) -> float:
    kernels = [rss for rss, cmd in tree_pids(pid).values() if "ipykernel" in cmd]
    return max(kernels) / 1024 if kernels else float("nan")


@contextmanager
def explainer_server(tree: Path, preheat: bool, log: Path):
    """The server of `make serve` from the code in ``tree`` (this checkout or a worktree)."""
    port = free_port()
    extra = [] if preheat else ["--preheat_kernel=False"]
    # (older commits put --preheat_kernel on the command line: the flag given here replaces it)
    # as `make serve` does: the chart cache is filled before Voila starts (where the code has it)
    launch = ("try:\n    from clinic_explainer.serve import prerender_charts\n"
              "except ImportError:\n    try:\n        from clinic_explainer.serving.launcher import prerender_charts\n"
              "    except ImportError:\n        prerender_charts = lambda: None\n"
              "prerender_charts()\n"
              "import json, os, sys; from clinic_explainer.serve import voila_command; "
              "argv, env = voila_command(int(sys.argv[1])); extra = json.loads(sys.argv[2]); "
              "argv = [a for a in argv if not (extra and a.startswith('--preheat_kernel'))] + extra; "
              "os.execve(argv[0], argv, env)")
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    env.pop("CLINIC_EXPLAINER_NOTEBOOKS", None)
    argv = [sys.executable, "-c", launch, str(port), json.dumps(extra)]
    with Server(argv, env, f"http://127.0.0.1:{port}/", log, timeout=120) as server:
        if preheat:  # wait until the explainer's pool holds its executed kernels
            # (Voila's line for the first; the keeper's (serving/kernels/pool.py) once the deep pool is full)
            # (the clinic's language's pool: not "...?lang=es is full", which fills first)
            keeper = any((tree / "src/clinic_explainer/serving" / f).exists() for f in ("pool.py", "kernels/pool.py"))
            full = f"Preheated pool of {NOTEBOOK} is full" if keeper else f"Kernel pool of {NOTEBOOK} is filled"
            deadline = time.monotonic() + 180
            while full not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
        time.sleep(3)
        yield server.ready_url + "voila/render/" + NOTEBOOK, server.proc.pid


@contextmanager
def static_server(tree: Path, workdir: Path):
    """The floor: nbconvert's executed HTML of the explainer, no input, served by http.server."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), CLINIC_EXPLAINER_MODE="patient", MPLBACKEND="agg")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", "--no-input",
                    "--output-dir", str(workdir), str(tree / "notebooks" / NOTEBOOK)],
                   check=True, env=env, capture_output=True)
    html_path = workdir / NOTEBOOK.replace(".ipynb", ".html")
    html = html_path.read_text(encoding="utf-8")
    # the lab template links require.js, MathJax and the widget manager from CDNs: drop them
    html = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>', "", html)
    html = re.sub(r'<link[^>]+href="https?://[^"]*"[^>]*>', "", html)
    html = html.replace("https://unpkg.com/", "data:text/javascript,//")  # the widget manager's loader
    html_path.write_text(html, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(workdir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{html_path.name}", None
    finally:
        httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# --- one visit ----------------------------------------------------------------------------


class Wire:
    """Bytes and requests seen by the DevTools protocol; requests that leave the machine."""

    def __init__(self, cdp):
        self.bytes = self.requests = 0
        self.external: list[str] = []
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketFrameSent", self._frame)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self.deflate = False

    def reset(self):
        self.bytes = self.requests = 0

    def _finished(self, e):
        self.bytes += e.get("encodedDataLength", 0)

    def _sent(self, e):
        self.requests += 1
        url = e["request"]["url"]
        if not url.startswith(("data:", "blob:")) and urlparse(url).hostname not in ("127.0.0.1", "localhost"):
            self.external.append(url)

    def _handshake(self, e):
        headers = {k.lower(): v for k, v in e["response"].get("headers", {}).items()}
        self.deflate = "permessage-deflate" in headers.get("sec-websocket-extensions", "")

    def _frame(self, e):
        """DevTools gives the inflated payload (base64 for binary frames): count what crosses
        the wire, estimating a deflated frame as its payload compressed on its own (an upper
        bound: the connection's shared window does better)."""
        r = e["response"]
        payload = r.get("payloadData", "").encode()
        if r.get("opcode") == 2:
            payload = base64.b64decode(payload)
        self.bytes += len(zlib.compress(payload, 6)) - 4 if self.deflate else len(payload)


def throttle(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", MOBILE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


def load(page, url: str, slider: bool, shot: Path | None) -> dict:
    start = time.monotonic()
    page.goto(url, wait_until="commit", timeout=180_000)
    if shot is not None:
        page.wait_for_timeout(max(0, 1000 - (time.monotonic() - start) * 1000))
        try:
            page.screenshot(path=str(shot))
        except Exception as exc:  # a renderer busy under the 4x CPU throttle may refuse; the timing goes on
            print(f"  (no screenshot at 1 s: {str(exc).splitlines()[0]})", flush=True)
    page.wait_for_function("() => window.__phone && window.__phone.readable !== null", timeout=180_000)
    if slider:
        page.wait_for_function("() => window.__phone.interactive !== null", timeout=240_000)
        # the bytes of the whole visit: the widget client too, though the page's own slider worked earlier
        page.wait_for_selector(".ce-widget .noUi-handle", state="visible", timeout=240_000)
        page.wait_for_function("() => window.__phone.tools !== null", timeout=240_000)
    page.wait_for_load_state("networkidle", timeout=180_000)
    page.wait_for_timeout(1500)  # websocket traffic that follows the last request
    return page.evaluate("() => window.__phone")


def steps(page, n: int) -> list[float]:
    # the live widget's slider (the server-rendered one has handed over to it)
    page.wait_for_selector(".ce-widget .noUi-handle", state="visible", timeout=240_000)
    page.evaluate(INSTRUMENT)
    times = []
    for i in range(n + 2):  # two warm-up steps, not counted
        page.keyboard.press("ArrowRight" if (i // 6) % 2 == 0 else "ArrowLeft")
        page.wait_for_function("() => window.__steps.views.length >= window.__steps.keys.length", timeout=30_000)
        page.wait_for_timeout(300)  # let the rest of the update land before the next key
        if i >= 2:
            times.append(page.evaluate("() => window.__steps.views.at(-1) - window.__steps.keys.at(-1)"))
    return times


def answer_ms(browser, url: str) -> float | None:
    """A fresh visit: as soon as every tool works, a treatment date 3 days ago is typed; the
    milliseconds until the patient's day ("Day 3 after your treatment") is on screen (None if it
    never was: an older commit's page may not show it the same way)."""
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    ctx.add_init_script(PROBE)
    page = ctx.new_page()
    throttle(ctx, page)
    try:
        page.goto(url, wait_until="commit", timeout=180_000)
        page.wait_for_function("() => window.__phone && window.__phone.tools !== null", timeout=240_000)
        day = (time.time() - 3 * 86400)
        field = page.locator(".ce-date-box input[type=date]").first
        start = time.monotonic()
        field.fill(time.strftime("%Y-%m-%d", time.localtime(day)))
        try:
            page.locator(".ce-day").first.wait_for(state="visible", timeout=60_000)
        except PlaywrightTimeout:
            return None
        return (time.monotonic() - start) * 1000
    finally:
        ctx.close()


def visit(browser, name: str, url: str, pid: int | None, n_steps: int) -> dict:
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    ctx.add_init_script(PROBE)
    page = ctx.new_page()
    wire = Wire(throttle(ctx, page))
    ARTIFACTS.mkdir(exist_ok=True)
    slider = pid is not None
    try:
        first = load(page, url, slider, ARTIFACTS / f"bench-phone-{name}-1s.png")
        result = {"readable": first["readable"] / 1000,
                  "interactive": first["interactive"] / 1000 if slider else None,
                  "tools": first["tools"] / 1000 if slider else None,
                  "first_bytes": wire.bytes, "first_requests": wire.requests}
        if slider:
            result["steps"] = steps(page, n_steps)
            result["rss_mb"] = kernel_rss_mb(pid)
            result["answer_ms"] = answer_ms(browser, url)
        page.screenshot(path=str(ARTIFACTS / f"bench-phone-{name}-loaded.png"))
        wire.reset()
        page.goto("about:blank")
        wire.reset()
        load(page, url, slider, None)
        result["repeat_bytes"], result["repeat_requests"] = wire.bytes, wire.requests
        result["external"] = wire.external
        return result
    finally:
        ctx.close()


# --- the report -------------------------------------------------------------------------


def table(results: dict[str, dict]) -> str:
    names = list(results)
    floor = results.get("static", {}).get("readable")
    w = max(12, *(len(n) + 2 for n in names))

    def row(label, fn, goal=""):
        cells = []
        for n in names:
            try:
                v = fn(results[n])
            except (KeyError, TypeError, statistics.StatisticsError):
                v = None
            cells.append(f"{v:>{w}}" if isinstance(v, str) else f"{'-':>{w}}")
        return f"{label:<34}" + "".join(cells) + f"  {goal}"

    lines = [f"{'':<34}" + "".join(f"{n:>{w}}" for n in names) + "  goal"]
    lines.append(row("readable FAQ text, s", lambda r: f"{r['readable']:.1f}"))
    if floor:
        lines.append(row("  / static floor", lambda r: f"{r['readable'] / floor:.1f}x", f"<= {GOALS['readable']}x"))
    lines.append(row("working slider, s", lambda r: f"{r['interactive']:.1f}"))
    if floor:
        lines.append(row("  / static floor", lambda r: f"{r['interactive'] / floor:.1f}x",
                         f"<= {GOALS['interactive']:.0f}x"))
    lines.append(row("every tool working, s", lambda r: f"{r['tools']:.1f}"))
    if floor:
        lines.append(row("  / static floor", lambda r: f"{r['tools'] / floor:.1f}x", f"<= {GOALS['tools']:.0f}x"))
    lines.append(row("a date typed -> the patient's day, ms", lambda r: "-" if r["answer_ms"] is None else f"{r['answer_ms']:.0f}"))
    lines.append(row("bytes first visit, MB (requests)",
                     lambda r: f"{r['first_bytes'] / 1e6:.2f} ({r['first_requests']})", f"<= {GOALS['first_mb']} MB"))
    lines.append(row("bytes repeat visit, KB (requests)",
                     lambda r: f"{r['repeat_bytes'] / 1e3:.0f} ({r['repeat_requests']})", f"<= {GOALS['repeat_kb']} KB"))
    lines.append(row("slider step -> new view, ms median", lambda r: f"{statistics.median(r['steps']):.0f}",
                     f"<= {GOALS['step_ms']} ms"))
    lines.append(row("                              p95", lambda r: f"{pct(r['steps'], 95):.0f}"))
    lines.append(row("kernel RSS per visitor, MB", lambda r: f"{r['rss_mb']:.0f}", f"<= {GOALS['rss_mb']} MB"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit to measure side by side (e.g. 4d91b2c)")
    parser.add_argument("--steps", type=int, default=12, help="slider steps per server (default 12)")
    parser.add_argument("--only", help="comma-separated subset of: static, cold, preheated, "
                                       "baseline-cold, baseline-preheated")
    opts = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run `make chromium`", file=sys.stderr)
        return 2
    wanted = set(opts.only.split(",")) if opts.only else None
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-phone-") as tmp, sync_playwright() as p, \
            (worktree(opts.baseline) if opts.baseline else _none()) as base:
        tmp = Path(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        plan = [("static", None, None)]
        if base is not None:
            plan += [("baseline-cold", base, False), ("baseline-preheated", base, True)]
        plan += [("cold", REPO, False), ("preheated", REPO, True)]
        for name, tree, preheat in plan:
            if wanted and name not in wanted:
                continue
            print(f"measuring {name} ...", flush=True)
            if tree is None:
                with static_server(REPO, tmp) as (url, pid):
                    results[name] = visit(browser, name, url, pid, opts.steps)
            else:
                with explainer_server(tree, preheat, tmp / f"{name}.log") as (url, pid):
                    results[name] = visit(browser, name, url, pid, opts.steps)
        browser.close()
    print(f"\n{NOTEBOOK} at {VIEWPORT['width']} px, mobile profile (150 ms RTT, 1.6/0.75 Mbit/s, CPU x{CPU_SLOWDOWN})"
          + (f"; baseline = {opts.baseline}" if opts.baseline else ""))
    print(table(results))
    external = sorted({u for r in results.values() for u in r.get("external", [])})
    print("note: Chromium's network emulation does not delay websocket frames, so a slider step that\n"
          "      waits for the kernel costs one more round trip (+150 ms) on a real phone than shown.")
    print(f"requests that left the machine: {len(external)}" + "".join(f"\n  {u}" for u in external))
    print(f"screenshots: {ARTIFACTS}/bench-phone-*-1s.png and *-loaded.png")
    return 0


@contextmanager
def _none():
    yield None


if __name__ == "__main__":
    sys.exit(main())
