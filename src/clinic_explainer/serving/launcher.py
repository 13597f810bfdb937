"""``make serve``: check the content, pre-render the charts, then start the Voila process (app.py).

The settings live in config/voila.py; this module only chooses the notebooks folder, the
port and the address. ``voila_command`` is shared with the browser tests and benchmarks.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import chart_cache
from ..content import notebooks_root
from .app import prepare_environment

DEFAULT_PORT = 8866  # Voila's default


def voila_command(port: int = DEFAULT_PORT, notebooks: Path | None = None, ip: str = "127.0.0.1",
                  extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """argv and environment of the server process (flags given here win over the config file)."""
    notebooks = notebooks or notebooks_root()
    argv = [sys.executable, "-m", "clinic_explainer.serving.app", str(notebooks),
            f"--port={port}", f"--Voila.ip={ip}", *(extra or [])]
    return argv, prepare_environment(dict(os.environ))


def prerender_charts() -> list[Path]:
    """Every slider view's chart snapshot in every language, into the chart cache, so no
    visitor's kernel draws one (or imports matplotlib). Returns the entries' paths."""
    from .. import content as content_mod
    from ..results_view import ResultsView
    from ..timeline import RecoveryTimeline
    from ..timeline_view import TimelineView

    paths = []
    for locale in content_mod.locales():
        c = content_mod.load(locale=locale)
        model = RecoveryTimeline(c)
        for view in (TimelineView, ResultsView):  # the slider views of the patient pages
            stops = view.stops_for(model)
            chart_cache.snapshot(c, stops)
            paths.append(chart_cache.entry_path(c, stops))
    return paths


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the micro-needling series with Voila.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="use 0.0.0.0 to serve a waiting-room tablet on the LAN")
    opts = parser.parse_args(args)
    # validate content first: a broken file should fail here, not in a patient's browser
    from .. import check
    if check.main([]) != 0:
        sys.exit(1)
    paths = prerender_charts()
    missing = [p for p in paths if not p.exists()]
    if missing:  # pages still work; each visitor's kernel draws the chart (about 50 MB more)
        print(f"Warning: could not write the chart cache in {chart_cache.cache_dir()} "
              "(set CLINIC_EXPLAINER_CACHE to a writable folder)", file=sys.stderr, flush=True)
    else:
        print(f"Timeline charts ready: {len(paths)} pictures in {chart_cache.cache_dir()}", flush=True)
    argv, env = voila_command(opts.port, ip=opts.ip)
    print(f"Serving on http://localhost:{opts.port}/  (Ctrl+C to stop)", flush=True)
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main()
