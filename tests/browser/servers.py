"""Start a local server and headless Debian Chromium: shared by the browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google at every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
# The clinic template shows the text at once; its textfirst.js marks <html data-ce-ready>
# once every cell has arrived and every output (widgets too) has rendered in place.
RENDERED = "() => document.documentElement.dataset.ceReady === 'true'"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on this machine, ready once ``ready_url`` answers; stopped on exit."""

    def __init__(self, argv: list[str], env: dict[str, str], ready_url: str, log_path: Path, timeout: float = 90,
                 stop_timeout: float = 20):
        self.argv, self.env, self.ready_url, self.log_path, self.timeout = argv, env, ready_url, log_path, timeout
        self.stop_timeout = stop_timeout

    def __enter__(self) -> Server:
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"{self.argv[2]} did not start:\n" + self.log_path.read_text())
                time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:  # e.g. a hub stopping every staff server on a busy machine
            self.proc.kill()
            self.proc.wait(timeout=20)


def left_behind(marker: str) -> list[str]:
    """Processes of this machine whose command line or environment names ``marker`` (a test's
    temporary folder): what a stopped server left running."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (proc / "environ").read_bytes().decode(errors="replace")
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if marker in cmdline or marker in environ:
            found.append(f"{proc.name}: {cmdline[:160]}")
    return found
