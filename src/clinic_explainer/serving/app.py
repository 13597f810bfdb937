"""The Voila process of `make serve`: ``python -m clinic_explainer.serving.app NOTEBOOKS``.

``ClinicVoila`` is Voila with three differences: its settings come from config/voila.py,
the ``clinic`` template is found in jupyter_data/, and the application hooks (hooks.py) run
on the tornado application before it listens (``listen``: listed in patches.py). Every
kernel runs in patient mode.
"""

from __future__ import annotations

import gc
import os
import signal
from pathlib import Path

from traitlets import default
from voila.app import Voila

HERE = Path(__file__).resolve().parent
CONFIG_DIR = HERE / "config"
JUPYTER_DATA = HERE / "jupyter_data"


def prepare_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment the server and its kernels need (inherited by every kernel)."""
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p)
    # preheated kernels run before any request, so they cannot learn the mode from it
    env["CLINIC_EXPLAINER_MODE"] = "patient"
    env.setdefault("MPLBACKEND", "agg")
    # the clinic template links style.css and a11y.js: pages.style() need not inline them
    env["CLINIC_EXPLAINER_LINKED_ASSETS"] = "1"
    return env


class ClinicVoila(Voila):
    """Voila reading config/voila.py and running the application hooks before it serves."""

    @default("config_file_paths")
    def _config_file_paths_default(self):
        # our settings file only (not voila.json files lying in the current directory)
        return [str(CONFIG_DIR)]

    def listen(self):
        from clinic_explainer.serving import hooks
        hooks.apply(self.app, self)
        # what was built to serve (modules, templates, the application) lives as long as the
        # server: out of the garbage collector's sight, a full collection no longer walks it
        # (about an eighth of the server's CPU in a crowd of 100, benchmarks/bench_load.py)
        gc.collect()
        gc.freeze()
        # an interrupt stops the server (Voila handles SIGTERM only), even when it was started
        # with SIGINT ignored, as a background job's children are: the hub stops its explainer
        # service with SIGINT first, and waited 10 s for nothing before its SIGTERM
        signal.signal(signal.SIGINT, signal.default_int_handler)
        super().listen()


def main(argv: list[str] | None = None) -> None:
    prepare_environment(os.environ)
    ClinicVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
