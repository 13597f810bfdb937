"""What does Voila's kernel preheating buy for the patient explainer? (not a pytest test)

Two servers, one after the other in the same run, with the flags of `make serve` except:
  cold     a kernel is started and the notebook executed when the page is requested;
  preheat  --preheat_kernel with a pool of one executed kernel for patient_explainer.ipynb
           only (other notebooks: pool 0, so memory stays one kernel per visit).
For each, N visits in a fresh browser context measure the time from navigation to the
fully rendered page, and the server's memory (RSS of Voila and its kernels) is read from
/proc while idle. Usage: python benchmarks/bench_serving.py [--visits 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from clinic_explainer.serving.launcher import voila_command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.conftest import open_app  # noqa: E402
from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS, Server, free_port  # noqa: E402

NOTEBOOK = "patient_explainer.ipynb"
POOLS = {"default": {"pool_size": 0}, NOTEBOOK: {"pool_size": 1}}
# the same server flags as `make serve`, with its preheat flags replaced by these
CONFIGS = {
    "cold": ["--preheat_kernel=False"],
    "preheat": ["--preheat_kernel=True", f"--VoilaKernelManager.kernel_pools_config={json.dumps(POOLS)}"],
}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-e"], capture_output=True, text=True).stdout
    rows = [tuple(int(x) for x in line.split()) for line in children.splitlines() if line.strip()]
    family, total, grew = {pid}, 0, True
    while grew:
        grew = False
        for p, pp, _ in rows:
            if pp in family and p not in family:
                family.add(p)
                grew = True
    total = sum(rss for p, _, rss in rows if p in family)
    return total / 1024


def run(name: str, extra: list[str], visits: int, browser, log_dir: Path) -> dict:
    port = free_port()
    argv, env = voila_command(port)
    argv = [a for a in argv if not a.startswith(("--preheat_kernel", "--VoilaKernelManager.kernel_pools_config"))]
    url = f"http://127.0.0.1:{port}/"
    with Server(argv + extra, env, url, log_dir / f"voila-{name}.log") as server:
        time.sleep(12)  # let a pool fill (and the cold server settle) before measuring
        idle_mb = tree_rss_mb(server.proc.pid)
        times = []
        for _ in range(visits):
            ctx = browser.new_context(viewport={"width": 390, "height": 844})
            page = ctx.new_page()
            start = time.perf_counter()
            open_app(page, url, NOTEBOOK)
            times.append((time.perf_counter() - start) * 1000)
            ctx.close()
            time.sleep(10)  # the pool refills; the closed page's kernel is shut down
    return {"name": name, "times": times, "idle_mb": idle_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=5)
    opts = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as logs, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, extra in CONFIGS.items():
            results.append(run(name, extra, opts.visits, browser, Path(logs)))
        browser.close()
    print(f"time to a rendered {NOTEBOOK} (phone, fresh context), {opts.visits} visits each")
    print(f"  {'config':8} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'idle MB':>8}")
    for r in results:
        t = r["times"]
        print(f"  {r['name']:8} {statistics.median(t):10.0f} {min(t):8.0f} {max(t):8.0f} {r['idle_mb']:8.0f}")
    cold, hot = (statistics.median(r["times"]) for r in results)
    print(f"  preheat / cold median: {hot / cold:.2f}")


if __name__ == "__main__":
    main()
