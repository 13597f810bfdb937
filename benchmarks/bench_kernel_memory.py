"""Memory of one patient's kernel on the explainer (`make bench`-style; not a pytest test).

A kernel is started as Voila starts a patient's: the server's environment (serving/app.py
``prepare_environment``: patient mode, the ``python3`` kernelspec of serving/jupyter_data),
the working folder notebooks/. The patient explainer's code cells run in it one by one, as
Voila runs them; then the kernel process's VmRSS and VmHWM (peak) are read from
/proc/<pid>/status. Several kernels one after another; the median is printed. No browser:
the widgets' messages go nowhere, which changes nothing in the kernel's memory.

  current       this checkout's src/, the chart cache filled first (as `make serve` does)
  current-cold  the same with an empty chart cache: the first kernel after a content edit
  baseline      --baseline REF, from a temporary git worktree (e.g. HEAD before a change)
  idle          a kernel of this checkout that ran no cell (the floor)

Usage: python benchmarks/bench_kernel_memory.py [--baseline REF] [--kernels 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from baseline import worktree  # noqa: E402
NOTEBOOK = "patient_explainer.ipynb"
GOAL_MB = 90
CHECKED = ("matplotlib", "numpy", "PIL", "weasyprint", "jinja2", "segno", "icalendar")


def status_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def measure(tree: Path, cells: bool) -> dict:
    """In a child process whose PYTHONPATH is ``tree``/src: one kernel, its memory."""
    import nbformat
    from jupyter_client import KernelManager

    try:
        from clinic_explainer.serving.app import prepare_environment
    except ImportError:  # an older commit: the server's environment came with its voila_command
        from clinic_explainer.serve import voila_command

        os.environ.update(voila_command(0)[1])
    else:
        prepare_environment(os.environ)  # JUPYTER_PATH: the patient kernelspec, found by KernelManager
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(tree / "notebooks"), env=dict(os.environ))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        code = [c.source for c in nbformat.read(tree / "notebooks" / NOTEBOOK, as_version=4).cells
                if c.cell_type == "code"] if cells else []
        errors = []
        for source in code:
            reply = kc.execute_interactive(source, timeout=300, output_hook=lambda msg: (
                errors.append(msg["content"]["ename"]) if msg["msg_type"] == "error" else None))
            if reply["content"]["status"] != "ok":
                errors.append(reply["content"].get("ename", "error"))
        loaded: list[str] = []
        kc.execute_interactive(f"import sys; print([m for m in {CHECKED!r} if m in sys.modules])", timeout=60,
                               output_hook=lambda msg: loaded.append(msg["content"]["text"])
                               if msg["msg_type"] == "stream" else None)
        return {**status_mb(km.provisioner.pid), "errors": errors, "imported": "".join(loaded).strip()}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run_child(tree: Path, cache: Path, cells: bool = True, warm: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), CLINIC_EXPLAINER_CACHE=str(cache))
    env.pop("CLINIC_EXPLAINER_CONTENT", None)
    env.pop("CLINIC_EXPLAINER_NOTEBOOKS", None)
    if warm:  # as `make serve` does before it starts Voila
        subprocess.run([sys.executable, "-c", "try:\n    from clinic_explainer.serve import prerender_charts\n"
                        "except ImportError:\n    from clinic_explainer.serving.launcher import prerender_charts\n"
                        "prerender_charts()"], env=env, check=True, cwd=tree)
    out = subprocess.run([sys.executable, __file__, "--child", str(tree), *([] if cells else ["--idle"])],
                         env=env, check=True, capture_output=True, text=True, cwd=tree).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit to measure side by side (e.g. HEAD)")
    parser.add_argument("--kernels", type=int, default=3, help="kernels per variant (median reported)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.child:
        print(json.dumps(measure(opts.child, cells=not opts.idle)))
        return 0

    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-kernel-cache-") as tmp, \
            (worktree(opts.baseline) if opts.baseline else nullcontext()) as base:
        caches = Path(tmp)
        plan = []
        if base:
            plan.append(("baseline", lambda i: run_child(base, caches / f"baseline-{i}")))
        plan += [("current", lambda i: run_child(REPO, caches / "warm", warm=i == 0)),
                 ("current-cold", lambda i: run_child(REPO, caches / f"cold-{i}")),
                 ("idle", lambda i: run_child(REPO, caches / "idle", cells=False))]
        for i in range(opts.kernels):  # interleaved, so a drift of the machine hits every variant
            for name, run in plan:
                rows.setdefault(name, []).append(run(i))
                r = rows[name][-1]
                print(f"  {name:13} kernel {i + 1}: RSS {r['VmRSS']:6.1f} MB, peak {r['VmHWM']:6.1f} MB"
                      f"{'  errors: ' + str(r['errors']) if r['errors'] else ''}", file=sys.stderr, flush=True)

    print(f"\nKernel memory per patient visit, {NOTEBOOK} executed in patient mode "
          f"(median of {opts.kernels} kernels; goal <= {GOAL_MB} MB)"
          + (f"; baseline = {opts.baseline}" if opts.baseline else ""))
    print(f"{'variant':14} {'RSS MB':>8} {'peak MB':>8}  heavy libraries imported")
    for name, runs in rows.items():
        rss = statistics.median(r["VmRSS"] for r in runs)
        hwm = statistics.median(r["VmHWM"] for r in runs)
        print(f"{name:14} {rss:8.1f} {hwm:8.1f}  {runs[-1]['imported']}")
    return 0 if all(not r["errors"] for runs in rows.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
