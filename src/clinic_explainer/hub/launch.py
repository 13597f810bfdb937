"""The hub's command line (``hub_command``), what it needs installed, and ``make hub``'s entry point.

``make hub`` and tests/browser/test_hub_browser.py start the hub the same way: ``hub_command``
gives the argv and the environment, and jupyterhub_config.py (beside this file) reads that
environment. Everything the hub writes (its SQLite database, the cookie secret, the proxy's
pid file, each staff member's home folder, the generated staff password) goes in one data
folder: ``data/hub/`` (``CLINIC_EXPLAINER_DATA`` moves ``data/``; gitignored).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from clinic_explainer.settings import EXPLAINER_NOTEBOOK, data_dir

HERE = Path(__file__).resolve().parent
CONFIG_FILE = HERE / "jupyterhub_config.py"
DEFAULT_PORT = 8000  # JupyterHub's default
SERVICE_NAME = "explainer"
SERVICE_PREFIX = f"/services/{SERVICE_NAME}/"  # JupyterHub's prefix for a service (JUPYTERHUB_SERVICE_PREFIX)
EXPLAINER_PATH = f"{SERVICE_PREFIX}voila/render/{EXPLAINER_NOTEBOOK}"  # the patients' link on the hub

# what the hub needs: JupyterHub from PyPI, its proxy from npm, installed into the virtualenv
# (never globally), so `make clean` removes both
def _requirement(name: str) -> str:
    """The package's own requirement for ``name`` (pyproject.toml, the one place of versions)."""
    from importlib.metadata import requires

    return next((r.split(";")[0].strip() for r in requires("clinic-explainer") or []
                 if r.lower().startswith(name)), name)


# installed by `make setup` (pyproject.toml); installed here only into an environment made otherwise
JUPYTERHUB_REQUIREMENT = _requirement("jupyterhub")
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
NODE_PREFIX = Path(sys.prefix) / "hub-node"
PROXY = NODE_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"

# the environment jupyterhub_config.py reads (hub_command sets it)
HUB_DATA_ENV = "CLINIC_HUB_DATA"           # the hub's data folder
PORTS_ENV = "CLINIC_HUB_INTERNAL_PORTS"    # "HUB_API,PROXY_API,SERVICE": loopback ports behind the proxy
STAFF_ENV = "CLINIC_HUB_STAFF"             # staff names, comma-separated; unset: anyone with the password
PASSWORD_ENV = "CLINIC_HUB_PASSWORD"       # the staff password; unset: generated into data/hub/staff-password
PASSWORD_FILE = "staff-password"


def hub_data() -> Path:
    return Path(os.environ.get(HUB_DATA_ENV) or data_dir() / "hub")


def staff_names() -> list[str]:
    return [n.strip() for n in os.environ.get(STAFF_ENV, "").split(",") if n.strip()]


def staff_password(data: Path) -> str:
    """The shared staff password: ``CLINIC_HUB_PASSWORD``, else the one generated on first start
    into ``data/hub/staff-password`` (readable by this user only)."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    path = data / PASSWORD_FILE
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(12) + "\n")
    return path.read_text().strip()


def internal_ports() -> tuple[int, int, int]:
    """(hub API, proxy API, explainer service) ports, all on loopback."""
    hub_api, proxy_api, service = (int(p) for p in os.environ[PORTS_ENV].split(","))
    return hub_api, proxy_api, service


def free_ports(n: int, avoid: frozenset[int] = frozenset()) -> list[int]:
    """``n`` distinct free loopback ports, none of them in ``avoid`` (all held together while
    chosen, an avoided one too, so the kernel cannot hand the same port out twice)."""
    with ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < n:
            s = stack.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            if (port := s.getsockname()[1]) not in avoid:
                ports.append(port)
        return ports


def hub_command(port: int = DEFAULT_PORT, ip: str = "127.0.0.1", data: Path | None = None,
                staff: list[str] | None = None, password: str | None = None) -> tuple[list[str], dict[str, str]]:
    """argv and environment of the hub process (it starts the proxy, the explainer service and,
    on each login, that staff member's JupyterLab)."""
    data = data or hub_data()
    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env[HUB_DATA_ENV] = str(data)
    # never the public port: the proxy starts first, and a hub whose API port is the proxy's
    # would fail to bind and leave the proxy sending its error pages to itself
    env[PORTS_ENV] = ",".join(map(str, free_ports(3, avoid=frozenset({port}))))
    if staff is not None:
        env[STAFF_ENV] = ",".join(staff)
    if password is not None:
        env[PASSWORD_ENV] = password
    argv = [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG_FILE), f"--JupyterHub.ip={ip}",
            f"--JupyterHub.port={port}"]
    return argv, env


def missing() -> list[str]:
    """What of the hub is not installed yet (empty when everything is there)."""
    out = []
    if importlib.util.find_spec("jupyterhub") is None:
        out.append(JUPYTERHUB_REQUIREMENT)
    if not PROXY.exists():
        out.append(PROXY_PACKAGE)
    return out


def ensure_installed() -> None:
    """Install JupyterHub (pip, into this virtualenv) and configurable-http-proxy (npm, into
    ``.venv/hub-node/``) when missing; nothing when both are there (a file test, no network)."""
    if importlib.util.find_spec("jupyterhub") is None:
        print(f"Installing {JUPYTERHUB_REQUIREMENT} ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", JUPYTERHUB_REQUIREMENT], check=True)
        importlib.invalidate_caches()
    if not PROXY.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is missing: `make hub` installs Debian's npm, or install Node.js and npm")
        print(f"Installing {PROXY_PACKAGE} into {NODE_PREFIX} ...", flush=True)
        subprocess.run([npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
                        "--loglevel=error", PROXY_PACKAGE], check=True)


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="JupyterHub for staff training and the public explainer.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="0.0.0.0 for the clinic's network (put TLS in front)")
    parser.add_argument("--install-only", action="store_true", help="install what the hub needs, start nothing")
    opts = parser.parse_args(args)
    ensure_installed()
    if opts.install_only:
        return
    # as `make serve`: a broken content file fails here, and the charts are drawn once for every kernel
    from clinic_explainer.quality import check
    from clinic_explainer.serve import prerender_charts
    if check.main([]) != 0:
        sys.exit(1)
    prerender_charts()
    argv, env = hub_command(opts.port, opts.ip)
    data = Path(env[HUB_DATA_ENV])
    os.environ.update(env)
    staff_password(data)  # generated now, so the message below can point to it
    where = "CLINIC_HUB_PASSWORD" if os.environ.get(PASSWORD_ENV) else data / PASSWORD_FILE
    print(f"JupyterHub on http://localhost:{opts.port}/  (Ctrl+C to stop)\n"
          f"  staff: log in with any name{' in CLINIC_HUB_STAFF' if staff_names() else ''} and the password"
          f" in {where}\n"
          f"  patients: http://localhost:{opts.port}{EXPLAINER_PATH} (no login)", flush=True)
    os.chdir(data)  # anything the hub writes beside itself lands in its data folder
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main()
