"""``make serve``: check the content, draw every slider's chart once, then start Voila.

The command above the layers: it uses the content check (quality/), the chart cache
(charts/) and the server (serving/), which know nothing of each other. ``--ip 0.0.0.0``
serves a waiting-room tablet on the LAN.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clinic_explainer.charts import cache as chart_cache
from clinic_explainer import content as content_mod
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.serving.launcher import DEFAULT_PORT, voila_command  # noqa: F401 (public here too)


def prerender_charts() -> list[Path]:
    """Every slider's chart snapshot in every language, into the chart cache, so no visitor's
    kernel draws one (or imports matplotlib). Returns the entries' paths."""
    paths = []
    for locale in content_mod.locales():
        c = content_mod.load(locale=locale)
        model = RecoveryTimeline(c)
        for stops in (model.stops(), model.result_stops()):  # the timeline's and the results' sliders
            chart_cache.snapshot(c, stops)
            paths.append(chart_cache.entry_path(c, stops))
    return paths


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the micro-needling series with Voila.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="use 0.0.0.0 to serve a waiting-room tablet on the LAN")
    opts = parser.parse_args(args)
    # validate content first: a broken file should fail here, not in a patient's browser
    from clinic_explainer.quality import check
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
