"""Start Voila with the landing page and every notebook as an app.

Code hidden, tracebacks off, no template or theme override from the URL, idle kernels
culled, patient mode for every kernel. ``voila_command`` is shared with the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .content import notebooks_root

JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter_data"
DEFAULT_PORT = 8866  # Voila's default
# One executed kernel kept ready for the pages patients open first (benchmarks/bench_serving.py:
# about a third faster to a rendered explainer, for about 130 MB each while idle). Other
# notebooks get none, so memory does not grow with the number of notebooks.
PREHEATED = ("00_index.ipynb", "patient_explainer.ipynb", "03_recovery_timeline.ipynb")


def voila_command(port: int = DEFAULT_PORT, notebooks: Path | None = None, ip: str = "127.0.0.1",
                  extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    notebooks = notebooks or notebooks_root()
    argv = [
        sys.executable, "-m", "voila", str(notebooks),
        f"--port={port}", f"--Voila.ip={ip}", "--no-browser",
        "--template=clinic", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        # an unknown ?template= would hang the request and leak a kernel
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        # a kernel per visit (~100 MB): cull those left idle and disconnected
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=120",
        "--MappingKernelManager.cull_connected=False",
        # preheated kernels run before any request, so they rely on CLINIC_EXPLAINER_MODE below
        "--preheat_kernel=True",
        "--VoilaKernelManager.kernel_pools_config="
        + json.dumps({"default": {"pool_size": 0}, **{nb: {"pool_size": 1} for nb in PREHEATED}}),
        *(extra or []),
    ]
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p)
    env["CLINIC_EXPLAINER_MODE"] = "patient"
    env.setdefault("MPLBACKEND", "agg")
    return argv, env


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the micro-needling series with Voila.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="use 0.0.0.0 to serve a waiting-room tablet on the LAN")
    opts = parser.parse_args(args)
    # validate content first: a broken file should fail here, not in a patient's browser
    from . import check
    if check.main([]) != 0:
        sys.exit(1)
    argv, env = voila_command(opts.port, ip=opts.ip)
    print(f"Serving on http://localhost:{opts.port}/  (Ctrl+C to stop)", flush=True)
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main()
