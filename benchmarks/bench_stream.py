"""Patients arriving as a stream, and what a visit costs in CPU (not a pytest test): `make bench`.

A clinic texts its link to its whole patient list: visitors arrive for minutes, not in one
burst. For each server setup and rate, visitors arrive at ``rate`` a second for
``--seconds`` (each from a loopback address of its own, 127.0.1.x, as patients come from many
addresses), and each keeps the page open ``--stay`` seconds. Each visitor is a ``WireVisitor``
(wire_visitor.py: the page, the files a real visit fetches, the kernel websocket, the widget
states, one slider step). Reported over all visitors:

  readable / interactive   p50 and p95 (as bench_load.py)
  busy, errors             busy pages served, failed or timed-out visits
  CPU-s per visit          CPU time of the server and every kernel, from the first visitor
                           until the server is back to idle (its pool refilled), over the
                           visits: page render, kernel start, notebook run and refill included
  peak MB, idle MB         memory of the server and its kernels

Loopback only; every visit is bounded by a timeout, every run by rate x seconds visitors.
Usage: python benchmarks/bench_stream.py [--rates 0.5 1 2 4] [--seconds 120] [--stay 45]
                                         [--setups before after] [--baseline REF]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import worktree  # noqa: E402
from bench_load import SETTLE_TIMEOUT_S, descendants, family, family_pss, markers, outcome, wait_idle  # noqa: E402
from bench_phone import REPO, explainer_server  # noqa: E402
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from wire_visitor import WireVisitor, record_assets  # noqa: E402

PAGE_TIMEOUT_S = 60
REFILL_TIMEOUT_S = 300  # the CPU figure waits this long for the pool to be full again (refill included)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time of the server, its live descendants and the children they have already reaped."""
    total = 0.0
    for p in descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # and the children each live member has reaped (the server's kernels, or the fork
        # server's, serving/kernel_forks.py): a reaped process is no member, so nothing twice
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += utime + stime + cutime + cstime
    return total / TICK


async def stream(url: str, rate: float, seconds: float, stay: float, pid: int, idle_kernels: int, content) -> dict:
    mark = markers(content)
    peak = {"mb": 0.0, "kernels": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            mb, kernels = family(pid)
            peak["mb"], peak["kernels"] = max(peak["mb"], mb), max(peak["kernels"], kernels)
            time.sleep(0.5)

    base, path = url.split("/voila/")[0], "/voila/" + url.split("/voila/", 1)[1]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        assets = await record_assets(browser, url)  # one real visit: the files a page fetches
        await browser.close()
    wait_idle(pid, idle_kernels, SETTLE_TIMEOUT_S)
    await asyncio.sleep(3)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    runs = []
    n = int(rate * seconds)
    for i in range(n):
        await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
        hold = asyncio.Event()
        asyncio.get_running_loop().call_later(stay, hold.set)
        visitor = WireVisitor(base, path, assets, mark, PAGE_TIMEOUT_S, local_addr=f"127.0.{1 + i // 250}.{1 + i % 250}")
        runs.append(asyncio.ensure_future(visitor.run(time.perf_counter(), hold)))
    results = await asyncio.gather(*runs)
    stop.set()
    sampler.join()
    settle = wait_idle(pid, idle_kernels, REFILL_TIMEOUT_S)
    cpu = cpu_seconds(pid) - cpu0
    return {"results": results, "peak_mb": peak["mb"], "peak_kernels": peak["kernels"], "cpu_s": cpu,
            "settled": settle is not None, "visits": n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", type=float, nargs="+", default=[0.5, 1, 2, 4])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--stay", type=float, default=45)
    parser.add_argument("--setups", nargs="+", default=["before", "after"], choices=["before", "after"])
    parser.add_argument("--baseline", default="924caac", help="the commit of the 'before' server")
    parser.add_argument("--logs", help="keep the servers' logs in this folder (default: thrown away)")
    opts = parser.parse_args()
    from clinic_explainer.content import load

    content = load()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as scratch, worktree(opts.baseline) as base:
        logs = opts.logs or scratch
        Path(logs).mkdir(parents=True, exist_ok=True)
        for rate in opts.rates:
            for setup in opts.setups:  # side by side, rate by rate: the machine's noise hits both
                tree = base if setup == "before" else REPO
                with explainer_server(tree, True, Path(logs) / f"{setup}-{rate}.log") as (url, pid):
                    idle_mb, idle_kernels = family(pid)
                    idle_pss = family_pss(pid)
                    out = asyncio.run(stream(url, rate, opts.seconds, opts.stay, pid, idle_kernels, content))
                    res = out["results"]
                    row = {"setup": setup, "rate": rate, "visits": out["visits"], "idle_mb": idle_mb, "idle_pss": idle_pss,
                           "idle_kernels": idle_kernels,
                           **outcome(res),
                           "cpu_per_visit": out["cpu_s"] / max(1, out["visits"]), "settled": out["settled"],
                           "peak_mb": out["peak_mb"], "peak_kernels": out["peak_kernels"]}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    print(f"\nbefore = {opts.baseline}, after = this checkout; {opts.seconds:.0f} s of arrivals, each stays {opts.stay:.0f} s")
    print("rate/s setup  visits  readable                      interactive (count)                 busy errors"
          "  CPU-s/visit  peak MB (kernels)  idle MB (kernels)  idle PSS MB")
    for r in rows:
        print(f"{r['rate']:5.1f}  {r['setup']:6} {r['visits']:5}   {r['readable']:29} {r['interactive']:29}"
              f" ({r['interactive_count']:3}) {r['busy']:5} {r['errors']:5}  {r['cpu_per_visit']:10.2f}"
              f"{'' if r['settled'] else '*'}  {r['peak_mb']:7.0f} ({r['peak_kernels']:3})  {r['idle_mb']:7.0f} ({r['idle_kernels']})"
              f"  {r['idle_pss']:7.0f}")
    print("(* not back to idle within the settle time: the CPU figure misses part of the refill)")


if __name__ == "__main__":
    main()
