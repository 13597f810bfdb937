"""lab.py: notebooks open clean in JupyterLab and are saved as committed (`make lab`, the hub)."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from clinic_explainer import lab
from clinic_explainer.settings import notebooks_root

NOTEBOOKS = sorted(notebooks_root().glob("*.ipynb"))


def test_kernel_language_info_is_what_this_python_reports():
    info = lab.kernel_language_info()
    assert info["name"] == "python"
    assert info["version"] == sys.version.split()[0]  # the full info Lab copies when the kernel connects
    assert {"codemirror_mode", "mimetype", "pygments_lexer", "file_extension"} <= set(info)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_open_with_the_kernels_language_info_and_save_back_as_committed(path):
    committed = json.loads(path.read_text())
    opened = lab.as_opened(copy.deepcopy(committed))
    # Lab finds nothing to change when the kernel tells it its language_info: no unsaved dot
    assert opened["metadata"]["language_info"] == lab.kernel_language_info()
    assert opened["cells"] == committed["cells"]
    model = {"type": "notebook", "content": opened}
    lab.keep_committed_form(model=model, path=path.name, contents_manager=None)
    assert model["content"] == committed


def test_a_notebook_of_another_kernel_is_left_alone():
    nb = {"metadata": {"kernelspec": {"name": "ir"}, "language_info": {"name": "R"}}, "cells": []}
    assert lab.as_opened(copy.deepcopy(nb)) == nb


def test_the_contents_manager_hands_out_notebooks_as_opened_and_saves_them_as_committed(tmp_path):
    name = "01_how_it_works.ipynb"
    shutil.copy(notebooks_root() / name, tmp_path / name)
    committed = (tmp_path / name).read_text()
    cm = lab.TrainingContentsManager(root_dir=str(tmp_path))
    cm.pre_save_hook = lab.keep_committed_form  # as SAVE_HOOK_OPTION sets it

    async def open_and_save():
        model = await cm.get(name)
        assert model["content"]["metadata"]["language_info"] == lab.kernel_language_info()
        listing = await cm.get("")  # a folder is listed as it was
        assert listing["type"] == "directory"
        model["content"]["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
        await cm.save({"type": "notebook", "format": "json", "content": model["content"]}, name)

    # a loop of its own, in a thread (a browser test's Playwright may hold this thread's loop)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, open_and_save()).result()
    assert (tmp_path / name).read_text() == committed


def test_lab_settings_ship_a_present_button_and_no_news():
    settings = json.loads(lab.SETTINGS_FILE.read_text())
    (present,) = [i for i in settings["@jupyterlab/notebook-extension:panel"]["toolbar"]
                  if i["name"] == "clinic-present"]
    assert present["command"] == "apputils:run-all-enabled"
    assert present["args"]["commands"] == ["application:toggle-presentation-mode", "filebrowser:hide-main"]
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification["checkForUpdates"] is False and notification["fetchNews"] == "false"


def test_make_lab_runs_jupyterlab_with_the_settings_and_the_hooks(tmp_path):
    argv, env = lab.lab_command(tmp_path, ["--port=9999"])
    assert argv[1:3] == ["-m", "jupyterlab"] and f"--notebook-dir={tmp_path}" in argv
    assert set(lab.SERVER_OPTIONS) <= set(argv) and "--port=9999" in argv
    assert env["CLINIC_EXPLAINER_MODE"] == "training"
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(lab.JUPYTER_CONFIG)
    kept = lab.lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere"})["JUPYTER_CONFIG_PATH"]
    assert kept.split(os.pathsep) == [str(lab.JUPYTER_CONFIG), "/elsewhere"]


def test_pages_in_jupyterlab_have_no_language_link(content):
    """In Lab a '?lang=es' link opens a file of that name (Jupyter's 404, the session gone): the
    training pages leave it out (the start page's trainer notes say how to show Spanish)."""
    from clinic_explainer.pages import blocks
    from clinic_explainer.session import PageSession

    assert 'class="ce-lang"' in blocks.header_html("recovery", content)  # patients keep it
    assert 'class="ce-lang"' not in blocks.header_html("recovery", content, training=True)
    html = PageSession("recovery", content, training=True).header().data
    assert 'class="ce-lang"' not in html and 'href="?lang=' not in html and content.page("recovery").title in html
    assert any("Spanish" in line for line in content.facilitator.for_page("index").demonstrate)
