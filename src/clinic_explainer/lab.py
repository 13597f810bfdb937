"""JupyterLab for training sessions (``make lab``, and each staff member's Lab on the hub).

Notebooks open clean and are saved exactly as committed:

- Saving. Opening a notebook in JupyterLab connects a kernel, and Lab copies the kernel's full
  ``language_info`` (version, codemirror mode, lexer...) into the notebook's metadata; running
  it adds outputs and execution counts. Lab's autosave (every 120 s) then writes all that into
  the committed notebooks. :func:`keep_committed_form` is the server's ``pre_save_hook``:
  whatever Lab saves keeps the committed form (no outputs, no execution counts, the committed
  metadata), so a session leaves ``git status`` clean unless someone really changed a cell.
- Opening. Because the committed form keeps only ``language_info.name``, Lab's copy of the
  kernel's ``language_info`` used to change the notebook as soon as its kernel connected: every
  notebook showed the unsaved-changes dot before anyone touched it. :class:`TrainingContentsManager`
  hands Lab each notebook with the ``language_info`` its kernel will report (ipykernel's, for
  this very Python: the ``python3`` kernel runs the server's interpreter), so Lab finds nothing
  to change; the save hook takes it out again.

Lab's own settings for training (``JUPYTER_CONFIG``, ``labconfig/default_setting_overrides.json``):
a "Present" button on each notebook's toolbar (presentation mode and the file browser hidden in
one click; the pages' style hides the code cells in presentation mode), and no news or update
checks fetched from the internet. ``python -m clinic_explainer.lab`` is what ``make lab`` runs;
the hub's staff servers (hub/jupyterhub_config.py) and the JupyterLab browser tests use the
same :data:`SERVER_OPTIONS` and :func:`lab_environment`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from clinic_explainer.settings import MODE_ENV, notebooks_root

NOTEBOOK_KEYS = ("kernelspec",)
# the server options `make lab`, the hub's staff servers and the JupyterLab browser tests pass
SAVE_HOOK_OPTION = "--ContentsManager.pre_save_hook=clinic_explainer.lab.keep_committed_form"
CONTENTS_OPTION = "--ServerApp.contents_manager_class=clinic_explainer.lab.TrainingContentsManager"
SERVER_OPTIONS = (SAVE_HOOK_OPTION, CONTENTS_OPTION)
# Lab's settings for training: labconfig/default_setting_overrides.json (defaults: a person's own
# settings still win), found through JUPYTER_CONFIG_PATH
JUPYTER_CONFIG = Path(__file__).resolve().parent / "hub" / "jupyter_config"
SETTINGS_FILE = JUPYTER_CONFIG / "labconfig" / "default_setting_overrides.json"


def committed_form(nb: dict) -> dict:
    """``nb`` (nbformat JSON as a dict) reduced, in place, to the form we commit."""
    meta = nb.get("metadata", {})
    kept = {k: meta[k] for k in NOTEBOOK_KEYS if k in meta}
    language = (meta.get("language_info") or {}).get("name")
    if language:
        kept["language_info"] = {"name": language}
    nb["metadata"] = kept
    for cell in nb.get("cells", []):
        cell["metadata"] = {}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def keep_committed_form(model: dict, **kwargs) -> None:
    """jupyter_server ``ContentsManager.pre_save_hook``: save notebooks in committed form."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        committed_form(model["content"])


def kernel_language_info() -> dict:
    """The ``language_info`` a python3 kernel of this interpreter reports (ipykernel's own)."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def as_opened(nb: dict) -> dict:
    """``nb`` (in place) with the ``language_info`` its kernel will report, so that Lab has
    nothing to change when the kernel connects (a notebook of another language is left alone)."""
    meta = nb.setdefault("metadata", {})
    kernel = (meta.get("kernelspec") or {}).get("name", "python3")
    ours = kernel_language_info()
    if kernel == "python3" and (meta.get("language_info") or {}).get("name", "python") == ours["name"]:
        meta["language_info"] = ours
    return nb


class TrainingContentsManager(AsyncLargeFileManager):
    """jupyter_server's default contents manager; notebooks are handed out :func:`as_opened`."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content") is not None:
            as_opened(model["content"])
        return model


def lab_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with our Lab settings on JUPYTER_CONFIG_PATH, first."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(JUPYTER_CONFIG), env.get("JUPYTER_CONFIG_PATH", "")) if p)
    return env


def lab_command(notebook_dir: Path, extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """argv and environment of ``make lab``: JupyterLab in training mode on the notebooks."""
    env = lab_environment()
    env[MODE_ENV] = "training"
    argv = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={notebook_dir}", *SERVER_OPTIONS,
            "--LabApp.news_url=None", *(extra or [])]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return argv, env


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The series in JupyterLab, training mode (make lab).")
    parser.add_argument("--notebook-dir", type=Path, default=notebooks_root())
    opts, extra = parser.parse_known_args(args)
    argv, env = lab_command(opts.notebook_dir, extra)
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main()
