"""``make serve``: check the content, then start the Voila process (app.py).

The settings live in config/voila.py; this module only chooses the notebooks folder, the
port and the address. ``voila_command`` is shared with the browser tests and benchmarks.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the micro-needling series with Voila.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="use 0.0.0.0 to serve a waiting-room tablet on the LAN")
    opts = parser.parse_args(args)
    # validate content first: a broken file should fail here, not in a patient's browser
    from .. import check
    if check.main([]) != 0:
        sys.exit(1)
    argv, env = voila_command(opts.port, ip=opts.ip)
    print(f"Serving on http://localhost:{opts.port}/  (Ctrl+C to stop)", flush=True)
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main()
