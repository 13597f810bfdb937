"""The Voila process's command line: ``voila_command`` (the serve command, tests, benchmarks).

The settings live in config/voila.py; this module only chooses the notebooks folder, the
port and the address.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from clinic_explainer.serving.app import prepare_environment
from clinic_explainer.settings import notebooks_root

DEFAULT_PORT = 8866  # Voila's default


def voila_command(port: int = DEFAULT_PORT, notebooks: Path | None = None, ip: str = "127.0.0.1",
                  extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """argv and environment of the server process (flags given here win over the config file)."""
    notebooks = notebooks or notebooks_root()
    argv = [sys.executable, "-m", "clinic_explainer.serving.app", str(notebooks),
            f"--port={port}", f"--Voila.ip={ip}", *(extra or [])]
    return argv, prepare_environment(dict(os.environ))
