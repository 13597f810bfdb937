"""Trainer notes: one per page, shown in JupyterLab training sessions, never in patient mode."""

from __future__ import annotations

from html import escape

import nbformat
import pytest
from nbclient import NotebookClient

from clinic_explainer.pages import blocks as pages
from clinic_explainer.pages.facilitator import note_html

from tests.content_tree import edit, line_of, load_error
from tests.paths import ROOT as ROOT_DIR

ROOT = ROOT_DIR
NOTEBOOKS = ROOT / "notebooks"
FACILITATOR = "microneedling/en/facilitator.yml"


def test_every_page_has_notes_with_timing(content):
    for page in content.series.pages:
        note = content.facilitator.for_page(page.id)
        assert note is not None, page.id
        html = note_html(note, content.ui.facilitator)
        assert content.text(content.ui.facilitator.timing, n=note.minutes) in html
        assert content.ui.facilitator.demonstrate in html
    assert content.facilitator.for_page("no-such-page") is None


def test_notes_show_in_training_mode(content, monkeypatch):
    monkeypatch.setenv("CLINIC_EXPLAINER_MODE", "training")
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    html = pages.trainer_notes("candidacy", content).data
    assert content.ui.facilitator_heading in html
    assert escape(content.facilitator.for_page("candidacy").demonstrate[0]) in html


@pytest.mark.parametrize("env", [{"CLINIC_EXPLAINER_MODE": "patient"},
                                 {"CLINIC_EXPLAINER_MODE": "training", "SERVER_SOFTWARE": "voila/0.5.8"}])
def test_notes_are_empty_in_patient_mode(content, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for page in content.series.pages:
        assert pages.trainer_notes(page.id, content).data == ""


def test_unknown_page_in_facilitator_file_names_file_field_and_line(tree):
    edit(tree, FACILITATOR, "  - page: results\n", "  - page: reslts\n")
    msg = load_error(tree)
    line = line_of(tree, FACILITATOR, "reslts")
    assert "facilitator.yml" in msg and f"line {line}" in msg and "unknown page id 'reslts'" in msg
    assert "field 'notes[" in msg


def test_a_page_may_have_only_one_set_of_notes(tree):
    edit(tree, FACILITATOR, "  - page: results\n", "  - page: recovery\n")
    assert "page 'recovery' already has notes" in load_error(tree)


def run_notebook(name: str, mode: str, monkeypatch) -> str:
    monkeypatch.setenv("CLINIC_EXPLAINER_MODE", mode)
    monkeypatch.setenv("MPLBACKEND", "agg")
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_knowledge_check_shows_facilitator_notes_and_teach_back_in_training(content, monkeypatch):
    html = run_notebook("05_knowledge_check.ipynb", "training", monkeypatch)
    note = content.facilitator.for_page("knowledge-check")
    assert content.ui.facilitator_heading in html
    assert note.demonstrate[0] in html
    # the teach-back prompts are shown once, each beside its question in the quiz (a widget):
    # no list of them printed again below the quiz (issue 17)
    assert "ce-teach-list" not in html and content.ui.quiz.teach_back_heading not in html


def test_knowledge_check_hides_notes_in_patient_mode(content, monkeypatch):
    html = run_notebook("05_knowledge_check.ipynb", "patient", monkeypatch)
    assert content.ui.facilitator_heading not in html
    assert content.ui.quiz.teach_back_heading not in html
    assert not any(q.teach_back and q.teach_back in html for q in content.quiz.questions)
