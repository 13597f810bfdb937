"""JupyterLab for training sessions: notebooks saved exactly as committed.

Opening a notebook in JupyterLab connects a kernel, and Lab copies the kernel's full
``language_info`` (version, codemirror mode, lexer...) into the notebook's metadata; running
it adds outputs and execution counts. Lab's autosave (every 120 s) then writes all that
into the committed notebooks. ``make lab`` installs :func:`keep_committed_form` as the
server's ``pre_save_hook``: whatever Lab saves keeps the committed form (no outputs, no
execution counts, the committed metadata), so a session leaves ``git status`` clean unless
someone really changed a cell's source.
"""

from __future__ import annotations

NOTEBOOK_KEYS = ("kernelspec",)
# the server option `make lab` passes (the JupyterLab browser test passes the same)
SAVE_HOOK_OPTION = "--ContentsManager.pre_save_hook=clinic_explainer.lab.keep_committed_form"


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
