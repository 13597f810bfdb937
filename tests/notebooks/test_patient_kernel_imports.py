"""A patient who opens the explainer costs their kernel no plotting, PDF or calendar library.

Those load only when a download button is pressed (or, for matplotlib, when the chart cache
has no picture for this content: the launcher fills it before serving). Each would add
megabytes to every visitor's kernel (issue 7: at most 90 MB per visitor).
"""

import json
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import clinic_explainer
from clinic_explainer.serving.app import prepare_environment
from clinic_explainer.serve import prerender_charts

from tests.notebooks.test_notebooks import NOTEBOOKS

# jinja2 (and markupsafe) are not here: the page's fragments are templates built in the kernel (pages/render.py)
HEAVY = ("matplotlib", "numpy", "PIL", "weasyprint", "segno", "icalendar")
REPORT = f"import json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"


def test_patient_explainer_kernel_imports_no_heavy_library(monkeypatch):
    prerender_charts()  # as `make serve` does, into this test run's cache (conftest.py)
    # the server's environment: patient mode and the patient kernelspec (serving/jupyter_data)
    for name, value in prepare_environment({}).items():
        monkeypatch.setenv(name, value)
    # the kernel runs this code, not another installed copy (it starts in notebooks/)
    src = str(Path(clinic_explainer.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
    nb = nbformat.read(NOTEBOOKS / "patient_explainer.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    loaded = json.loads(nb.cells[-1].outputs[0]["text"])
    assert loaded == [], f"a patient's kernel imported {loaded}"
