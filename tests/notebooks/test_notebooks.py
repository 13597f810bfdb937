"""Every notebook executes cleanly (a warning fails it), is thin, and is stored without outputs."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from clinic_explainer import content as content_mod
from tests.paths import ROOT as ROOT_DIR

NOTEBOOKS = ROOT_DIR / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
# run first in the kernel: any warning raised by our code becomes an error (QuantEcon's -W)
STRICT = "import warnings\nwarnings.simplefilter('error')"


def test_there_is_a_notebook_for_every_page_and_a_page_for_every_notebook():
    pages = {p.notebook for p in content_mod.load().series.pages}
    assert pages == set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_notebook_is_stored_without_outputs(name):
    nb = json.loads((NOTEBOOKS / name).read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{name}: run `make strip`"


@pytest.mark.parametrize("name", ALL)
def test_notebook_cells_are_thin(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [line for line in cell.source.splitlines() if line.strip()]
            assert len(lines) <= 2, f"{name}: a cell holds logic; move it into the package:\n{cell.source}"


@pytest.mark.parametrize("mode", ["training", "patient"])
@pytest.mark.parametrize("name", ALL)
def test_notebook_executes_without_errors_or_warnings(name, mode, monkeypatch):
    monkeypatch.setenv("CLINIC_EXPLAINER_MODE", mode)
    monkeypatch.setenv("MPLBACKEND", "agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(STRICT))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{name}: {out.get('ename')}: {out.get('evalue')}"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"{name} wrote to stderr: {out['text']}"
    displayed = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in displayed), \
        f"{name} shows no widget"
    html = "".join(o.get("data", {}).get("text/html", "") for o in displayed)
    assert "not medical advice" in html
