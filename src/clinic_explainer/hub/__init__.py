"""``make hub``: a JupyterHub on this machine for staff training and the public explainer.

- ``launch.py``: the hub's command line and environment (``hub_command``), what it needs
  installed (``ensure_installed``: jupyterhub from PyPI, configurable-http-proxy from npm
  into the virtualenv) and ``python -m clinic_explainer.hub`` (what ``make hub`` runs).
- ``jupyterhub_config.py``: the hub's settings, each with its reason. Staff log in with the
  shared staff password and get JupyterLab in training mode; the patient explainer is a
  public hub service: our Voila process (serving/), unchanged, under ``/services/explainer/``.

A command above the layers (docs/architecture.md): it uses serving/'s ``voila_command`` and
the content check, and nothing below imports it. docs/deploy.md, "JupyterHub", tells how it
was tested and how it grows past one machine.
"""
