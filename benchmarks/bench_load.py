"""N patients opening the explainer at once (not a pytest test): `make bench`.

For each server setup and each crowd size, one headless Chromium opens the patient explainer
in N fresh browser contexts at the same moment (loopback only; every page is bounded by a
timeout) and reports, per visitor:

  readable     navigation -> the first FAQ answer is visible (or the busy page's heading)
  interactive  navigation -> Voila has rendered every cell and the tools are on screen

and overall: errors (failed or timed-out pages, developer error text), busy pages served,
peak memory of the server and its kernels, and memory and kernels 10 s after every tab closed.

Setups: "before" is `make serve`'s server from an earlier commit (a temporary git worktree;
by default 4d91b2c, the last landed commit before issues 7 and 8); "after" is this checkout's.
Both are started the same way as bench_phone.py starts them, with their preheated pool filled.
Usage: python benchmarks/bench_load.py [--crowds 20 50] [--setups before after] [--baseline REF]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import worktree  # noqa: E402
from bench_phone import REPO, explainer_server  # noqa: E402
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

NOTEBOOK = "patient_explainer.ipynb"
PAGE_TIMEOUT_S = 120
ERROR_TEXTS = ("There was an error", "Traceback", "show_tracebacks")


def family(pid: int) -> tuple[float, int]:
    """(RSS in MB of a process and its descendants, number of kernel processes among them)."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=,args=", "-e"], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) >= 3:
            rows.append((int(parts[0]), int(parts[1]), int(parts[2]), parts[3] if len(parts) > 3 else ""))
    members, grew = {pid}, True
    while grew:
        grew = False
        for p, pp, _, _ in rows:
            if pp in members and p not in members:
                members.add(p)
                grew = True
    rss = sum(r for p, _, r, _ in rows if p in members) / 1024
    kernels = sum(1 for p, _, _, a in rows if p in members and "ipykernel" in a)
    return rss, kernels


async def visit(browser, url: str, content_question: str, busy_heading: str, start: float) -> dict:
    ctx = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await ctx.new_page()
    result = {"readable": None, "interactive": None, "busy": False, "error": None, "ctx": ctx}
    try:
        await page.goto(url, timeout=PAGE_TIMEOUT_S * 1000, wait_until="commit")
        busy = page.get_by_role("heading", name=busy_heading)
        await page.wait_for_function(
            "([q, b]) => [...document.querySelectorAll('h1, h2')].some(h => h.offsetParent !== null &&"
            " (h.textContent.includes(q) || h.textContent.includes(b)))",
            arg=[content_question, busy_heading], timeout=PAGE_TIMEOUT_S * 1000)
        result["readable"] = time.perf_counter() - start
        if await busy.count():
            result["busy"] = True
        else:
            # the live timeline's slider handle on screen (either version's template)
            await page.wait_for_selector(".jupyter-widgets .widget-slider .noUi-handle", state="visible",
                                         timeout=PAGE_TIMEOUT_S * 1000)
            result["interactive"] = time.perf_counter() - start
        text = await page.inner_text("body")
        if any(marker in text for marker in ERROR_TEXTS):
            result["error"] = "developer error on the page"
    except Exception as exc:  # timeouts and navigation errors count as errors
        result["error"] = type(exc).__name__
    return result


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):5.1f} s, p95 {p95:5.1f} s"


async def crowd(url: str, n: int, pid: int, content) -> dict:
    question = content.faq["introduction"].front.question
    busy_heading = content.text(content.ui.serving.busy_title)
    peak = {"mb": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak["mb"] = max(peak["mb"], family(pid)[0])
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        start = time.perf_counter()
        results = await asyncio.gather(*(visit(browser, url, question, busy_heading, start) for _ in range(n)))
        for r in results:
            await r.pop("ctx").close()
        await browser.close()
    closed_at = time.monotonic()
    stop.set()
    sampler.join()
    await asyncio.sleep(max(0.0, 10 - (time.monotonic() - closed_at)))
    after_mb, after_kernels = family(pid)
    return {"results": results, "peak_mb": peak["mb"], "after_mb": after_mb, "after_kernels": after_kernels}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crowds", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--setups", nargs="+", default=["before", "after"], choices=["before", "after"])
    parser.add_argument("--baseline", default="4d91b2c", help="the commit of the 'before' server")
    opts = parser.parse_args()
    from clinic_explainer.content import load

    content = load()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as logs, worktree(opts.baseline) as base:
        for setup in opts.setups:
            for n in opts.crowds:
                tree = base if setup == "before" else REPO
                with explainer_server(tree, True, Path(logs) / f"{setup}-{n}.log") as (url, pid):
                    idle_mb, idle_kernels = family(pid)
                    out = asyncio.run(crowd(url, n, pid, content))
                    res = out["results"]
                    row = {
                        "setup": setup, "n": n, "idle_mb": idle_mb, "idle_kernels": idle_kernels,
                        "readable": summary([r["readable"] for r in res if r["readable"] is not None]),
                        "interactive": summary([r["interactive"] for r in res if r["interactive"] is not None]),
                        "errors": sum(1 for r in res if r["error"]),
                        "error_kinds": sorted({r["error"] for r in res if r["error"]}),
                        "busy": sum(1 for r in res if r["busy"]),
                        "peak_mb": out["peak_mb"], "after_mb": out["after_mb"], "after_kernels": out["after_kernels"],
                    }
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    print(f"\nbefore = {opts.baseline}, after = this checkout")
    print("setup   N   readable                       interactive                    errors busy"
          "  peak MB  idle MB -> 10 s after close (kernels)")
    for r in rows:
        print(f"{r['setup']:6} {r['n']:3}   {r['readable']:30} {r['interactive']:30} {r['errors']:5} {r['busy']:4}"
              f"  {r['peak_mb']:7.0f}  {r['idle_mb']:5.0f} ({r['idle_kernels']}) -> {r['after_mb']:5.0f}"
              f" ({r['after_kernels']})")


if __name__ == "__main__":
    main()
