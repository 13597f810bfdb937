# JupyterHub settings for `make hub` (read by `jupyterhub -f`; launch.py's hub_command sets the
# environment read here). Every setting carries its reason; docs/deploy.md, "JupyterHub", tells
# how this was tested and what changes past one machine.
# ruff: noqa: F821  (traitlets provides `c`)

import os
import sys

from clinic_explainer import lab
from clinic_explainer.hub import launch
from clinic_explainer.serving.launcher import voila_command
from clinic_explainer.settings import (
    CACHE_ENV,
    CONTENT_ENV,
    DATA_ENV,
    DATABASE_ENV,
    MODE_ENV,
    NOTEBOOKS_ENV,
    notebooks_root,
)

data = launch.hub_data()
hub_api_port, proxy_api_port, service_port = launch.internal_ports()

# --- the hub, its database and its proxy: everything it writes in data/hub/ ------------------
c.JupyterHub.db_url = f"sqlite:///{data / 'jupyterhub.sqlite'}"   # several machines: PostgreSQL (deploy.md)
c.JupyterHub.cookie_secret_file = str(data / "jupyterhub_cookie_secret")  # made on first start, mode 600
c.JupyterHub.pid_file = str(data / "jupyterhub.pid")
c.JupyterHub.hub_ip = "127.0.0.1"                  # the hub's own API: loopback, reached through the proxy
c.JupyterHub.hub_port = hub_api_port
# configurable-http-proxy from npm, installed into the virtualenv by `make hub` (launch.ensure_installed);
# the hub starts it and stops it, it passes websockets (kernels of JupyterLab and of the explainer)
c.ConfigurableHTTPProxy.command = [str(launch.PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(data / "configurable-http-proxy.pid")
c.JupyterHub.cleanup_servers = True                # stopping the hub stops every staff member's server
c.JupyterHub.cleanup_proxy = True

# --- staff: one shared password, no system accounts ------------------------------------------
# JupyterHub's built-in authenticator (5.3+): no package, no user database to keep. Anyone with
# the password may log in under any allowed name, so it suits a room of colleagues, not
# strangers; per-person passwords: NativeAuthenticator (deploy.md).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = launch.staff_password(data)  # at least 8 characters
if launch.staff_names():
    c.Authenticator.allowed_users = set(launch.staff_names())  # only these names (CLINIC_HUB_STAFF)
else:
    c.Authenticator.allow_all = True               # any name: each becomes a staff member on first login

# --- each staff member's JupyterLab, training mode --------------------------------------------
# a local process under the hub's own system user: no system user per staff member. Every server
# shares notebooks/ and the training records, which is the point of a training room; it is not
# isolation (containers: DockerSpawner, deploy.md).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(data / "home" / "{username}")  # HOME: Lab's settings
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # this virtualenv's, whatever PATH says
c.Spawner.notebook_dir = str(notebooks_root())
c.Spawner.default_url = "/lab/tree/00_index.ipynb"
c.Spawner.args = [
    *lab.SERVER_OPTIONS,                           # as `make lab`: notebooks open clean, saved as committed
    "--MappingKernelManager.cull_idle_timeout=3600",  # an idle kernel (a left tab) is freed after an hour
    "--ServerApp.shutdown_no_activity_timeout=7200",  # a forgotten server stops itself after two
    "--LabApp.news_url=None",                      # no news feed fetched from outside, no question about it
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # the hub's admin updates, not staff
    *(["--allow-root"] if os.geteuid() == 0 else []),
]
# the series in training mode (trainer notes, teach-back prompts); JupyterHub's single-user server
# puts JUPYTERHUB_USER (the staff member's name) in every kernel's environment
c.Spawner.environment = {
    MODE_ENV: "training",
    "MPLBACKEND": "agg",
    # JupyterLab defaults for staff, as `make lab` (jupyter_config/labconfig/): each notebook's
    # "Present" button, no news from the internet, no question about it, no update check
    "JUPYTER_CONFIG_PATH": lab.lab_environment()["JUPYTER_CONFIG_PATH"],
}
# only these reach staff servers from the hub's environment (never the proxy's token)
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "TZ", "JUPYTERHUB_SINGLEUSER_APP", CONTENT_ENV, NOTEBOOKS_ENV,
                      CACHE_ENV, DATA_ENV, DATABASE_ENV]
c.Spawner.start_timeout = 60
# stopping the hub stops every staff server with SIGINT, then SIGTERM: a Jupyter server started
# with SIGINT ignored (the children of a background job) waited the whole 10 s default for nothing
c.LocalProcessSpawner.interrupt_timeout = 3
c.Spawner.http_timeout = 60

# --- the patient explainer: a public service, our Voila process unchanged --------------------
# The proxy sends /services/explainer/... to it with the path as it is, so Voila serves every
# route (pages, our static files, /api/kernels/.../channels) under that prefix: base_url is the
# one setting needed (server_url follows it). It never asks the hub who the visitor is: no login.
argv, env = voila_command(service_port, extra=[f"--Voila.base_url={launch.SERVICE_PREFIX}"])
c.JupyterHub.services = [{
    "name": launch.SERVICE_NAME,
    "url": f"http://127.0.0.1:{service_port}",
    "command": argv,
    # voila_command's environment (patient mode, our Jupyter data), less the hub's own secrets
    "environment": {k: v for k, v in env.items() if not k.startswith(("JUPYTERHUB_", "JPY_", "CONFIGPROXY_"))},
    "display": True,                                # listed in the hub's Services menu for staff
}]
