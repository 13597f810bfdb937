"""N patients opening the explainer at once (not a pytest test): `make bench`.

For each server setup and crowd size, N visitors open the patient explainer at the same
moment (loopback only; every visit is bounded by a timeout), and the benchmark reports, over
all of them:

  readable     request -> the first FAQ answer has arrived (or the busy page's heading)
  interactive  request -> the widgets' state has arrived over the kernel websocket (what
               the widget client draws the live slider from)

and overall: errors (failed or timed-out visits, developer error text), busy pages served,
peak memory of the server and its kernels, memory and kernels 10 s after every tab closed,
and how long until the server is back to its idle state (pool full again).

**Who the crowd is.** A real phone parses the widget client and draws the page on its own
CPU; the server sees only HTTP requests and a kernel websocket. So N-1 visitors are
``WireVisitor``s (wire_visitor.py: the page, the ~100 files a real visit fetches with an
empty cache, the kernel websocket, the widget state and one slider step) and one is a real
headless Chromium at phone size, whose own readable / interactive times are shown apart.
``--clients browsers`` runs N Chromium contexts instead, as earlier versions of this script
did: on this 2-core machine those measure mostly the twenty renderers themselves.

Setups: "before" is `make serve`'s server from an earlier commit (a temporary git worktree;
by default 924caac, the last commit before issue 19; `--logs DIR` keeps the servers' logs); "after" is this checkout's.
Both are started as bench_phone.py starts them, with their preheated pool filled.
Usage: python benchmarks/bench_load.py [--crowds 20 50] [--setups before after] [--baseline REF]
                                       [--clients wire|browsers]
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
from wire_visitor import WireVisitor, record_assets  # noqa: E402

NOTEBOOK = "patient_explainer.ipynb"
PAGE_TIMEOUT_S = 120
SETTLE_TIMEOUT_S = 90  # how long to wait for the server to be back to idle after a crowd
ERROR_TEXTS = ("There was an error", "Traceback", "show_tracebacks")


def family_of(pid: int, parents: dict[int, int]) -> set[int]:
    """``pid`` and its descendants, from each process's parent."""
    members, grew = {pid}, True
    while grew:
        grew = False
        for p, pp in parents.items():
            if pp in members and p not in members:
                members.add(p)
                grew = True
    return members


def descendants(pid: int) -> set[int]:
    """``pid`` and its live descendants, read from /proc."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                pass
    return family_of(pid, parents)


def is_kernel(comm: str, args: str) -> bool:
    """A kernel process: started on its own (ipykernel in its command line), or forked by the
    fork server (named by its id, kernel_forks.py)."""
    return comm.startswith("kernel-") or "ipykernel" in args


def family(pid: int) -> tuple[float, int]:
    """(RSS in MB of a process and its descendants, number of kernel processes among them)."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=,comm=,args=", "-e"], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 4)
        if len(parts) >= 4:
            rows.append((int(parts[0]), int(parts[1]), int(parts[2]), parts[3], parts[4] if len(parts) > 4 else ""))
    members = family_of(pid, {p: pp for p, pp, *_ in rows})
    rss = sum(r for p, _, r, _, _ in rows if p in members) / 1024
    kernels = sum(1 for p, _, _, c, a in rows if p in members and is_kernel(c, a))
    return rss, kernels


def family_pss(pid: int) -> float:
    """Proportional memory (PSS, MB) of a process and its descendants: a page shared by n
    processes counts 1/n in each (forked kernels share their imported code, kernel_forks.py),
    where the summed RSS counts it n times."""
    total = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


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


def outcome(res: list[dict]) -> dict:
    """What the visitors met: readable and interactive times, busy pages, errors."""
    return {"readable": summary([r["readable"] for r in res if r["readable"] is not None]),
            "interactive": summary([r["interactive"] for r in res if r["interactive"] is not None]),
            "interactive_count": sum(1 for r in res if r["interactive"] is not None),
            "busy": sum(1 for r in res if r["busy"]), "errors": sum(1 for r in res if r["error"]),
            "error_kinds": sorted({str(r["error"])[:60] for r in res if r["error"]})}


def markers(content) -> dict[str, str]:
    return {"question": content.faq["introduction"].front.question,
            "busy": content.text(content.ui.serving.busy_title)}


def wait_idle(pid: int, kernels: int, timeout: float) -> float | None:
    """Seconds until the server holds ``kernels`` kernels again (its pool refilled), or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if family(pid)[1] == kernels:
            return time.monotonic() - start
        time.sleep(0.5)
    return None


async def crowd(url: str, n: int, pid: int, idle_kernels: int, content, clients: str) -> dict:
    mark = markers(content)
    peak = {"mb": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak["mb"] = max(peak["mb"], family(pid)[0])
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    base, path = url.split("/voila/")[0], "/voila/" + url.split("/voila/", 1)[1]
    harness_cpu = time.process_time()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        n_wire, assets = (n - 1 if clients == "wire" else 0), []
        if n_wire:
            assets = await record_assets(browser, url)  # one real visit: the files a page fetches
            # that visit took a pooled kernel: wait until the pool holds it again
            wait_idle(pid, idle_kernels, SETTLE_TIMEOUT_S)
            await asyncio.sleep(3)
        hold = asyncio.Event()
        start = time.perf_counter()
        # each from a loopback address of its own (127.0.1.x): a crowd of patients, not one client
        wire = [WireVisitor(base, path, assets, mark, PAGE_TIMEOUT_S, local_addr=f"127.0.{1 + i // 250}.{1 + i % 250}")
                for i in range(n_wire)]
        wire_runs = [asyncio.ensure_future(v.run(start, hold)) for v in wire]
        browsers = await asyncio.gather(*(visit(browser, url, mark["question"], mark["busy"], start)
                                          for _ in range(n - n_wire)))
        while not all(v.result["step_ms"] is not None or v.result["error"] or v.result["busy"] for v in wire):
            await asyncio.sleep(0.2)  # every visitor got there (or gave up): the tabs close
        hold.set()
        results = [*await asyncio.gather(*wire_runs), *browsers]
        for r in browsers:
            await r.pop("ctx").close()
        await browser.close()
    closed_at = time.monotonic()
    harness_cpu = time.process_time() - harness_cpu
    stop.set()
    sampler.join()
    await asyncio.sleep(max(0.0, 10 - (time.monotonic() - closed_at)))
    after_mb, after_kernels = family(pid)
    settle = wait_idle(pid, idle_kernels, SETTLE_TIMEOUT_S)
    settled_mb = family(pid)[0]
    return {"results": results, "browser": browsers, "peak_mb": peak["mb"], "after_mb": after_mb,
            "after_kernels": after_kernels, "settle_s": None if settle is None else settle + 10,
            "settled_mb": settled_mb, "harness_cpu": harness_cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crowds", type=int, nargs="+", default=[20, 50, 100, 200])
    parser.add_argument("--setups", nargs="+", default=["before", "after"], choices=["before", "after"])
    parser.add_argument("--baseline", default="924caac", help="the commit of the 'before' server")
    parser.add_argument("--clients", default="wire", choices=["wire", "browsers"])
    parser.add_argument("--logs", help="keep the servers' logs in this folder (default: thrown away):"
                        " which rule gave a visitor the busy page, what failed")
    opts = parser.parse_args()
    from clinic_explainer.content import load

    content = load()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch, worktree(opts.baseline) as base:
        logs = opts.logs or scratch
        Path(logs).mkdir(parents=True, exist_ok=True)
        for setup in opts.setups:
            for n in opts.crowds:
                tree = base if setup == "before" else REPO
                with explainer_server(tree, True, Path(logs) / f"{setup}-{n}.log") as (url, pid):
                    idle_mb, idle_kernels = family(pid)
                    out = asyncio.run(crowd(url, n, pid, idle_kernels, content, opts.clients))
                    res, probe = out["results"], out["browser"]
                    row = {
                        "setup": setup, "n": n, "idle_mb": idle_mb, "idle_kernels": idle_kernels,
                        **outcome(res),
                        "browser": [{k: r[k] for k in ("readable", "interactive", "busy", "error")} for r in probe],
                        "peak_mb": out["peak_mb"], "after_mb": out["after_mb"], "after_kernels": out["after_kernels"],
                        "settle_s": out["settle_s"], "settled_mb": out["settled_mb"],
                        "harness_cpu_s": out["harness_cpu"],
                    }
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    print(f"\nbefore = {opts.baseline}, after = this checkout; clients: {opts.clients}")
    print("setup   N   readable                       interactive (count)                 errors busy"
          "  peak MB  idle MB (kernels) -> 10 s after close -> back to idle")
    for r in rows:
        settle = f"{r['settle_s']:.0f} s, {r['settled_mb']:.0f} MB" if r["settle_s"] else f"not within {SETTLE_TIMEOUT_S} s"
        print(f"{r['setup']:6} {r['n']:3}   {r['readable']:30} {r['interactive']:30} ({r['interactive_count']:2})"
              f" {r['errors']:5} {r['busy']:4}  {r['peak_mb']:7.0f}  {r['idle_mb']:5.0f} ({r['idle_kernels']})"
              f" -> {r['after_mb']:5.0f} ({r['after_kernels']}) -> {settle}")
    for r in rows:
        for b in r["browser"]:
            fmt = lambda v: "-" if v is None else f"{v:.1f} s"  # noqa: E731
            print(f"{r['setup']:6} {r['n']:3}   the real Chromium among them: readable {fmt(b['readable'])}, "
                  f"interactive {fmt(b['interactive'])}{', busy page' if b['busy'] else ''}"
                  f"{', error ' + b['error'] if b['error'] else ''}")


if __name__ == "__main__":
    main()
