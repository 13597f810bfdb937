"""Page order, links and the JupyterLab save hook, without a browser (issue 11)."""

from __future__ import annotations

import copy
import json
import re

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.pages import blocks as pages
from clinic_explainer.content import notebooks_root
from clinic_explainer.lab import committed_form, keep_committed_form

NOTEBOOKS = sorted(notebooks_root().glob("*.ipynb"))


def sources(path) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_contents_list_follows_the_page_order(locale):
    """The explainer's contents links list the FAQ parts in the order the page shows them."""
    content = content_mod.load(locale=locale)
    shown = []
    for src in sources(notebooks_root() / "patient_explainer.ipynb"):
        shown += re.findall(r'"([a-z0-9-]+)"', src) if "faq_part(" in src else []
    assert shown == list(content.page("explainer").faq)
    links = re.findall(r'href="#faq-([a-z0-9-]+)"', pages.contents("explainer", content).data)
    assert links == shown


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_how_to_use_comes_before_the_tool(path):
    cells = sources(path)
    tool = next((i for i, s in enumerate(cells) if re.search(r"\w+View\(", s)), None)
    how = next((i for i, s in enumerate(cells) if "how_to_use(" in s), None)
    if tool is not None and how is not None:
        assert how < tool, f"{path.name}: 'How to use this tool' comes after the tool"


def test_phone_numbers_are_tap_to_call(content):
    phone = content.clinic.phone
    # target="_self": JupyterLab's renderer would open a link without a target in a new tab
    tel = f'<a class="ce-tel" href="tel:{re.sub(r"[^0-9+]", "", phone)}" target="_self">{phone}</a>'
    assert tel in pages.footer_html("explainer", content)
    assert tel in pages.red_flags_html(content)


def test_external_links_say_they_open_a_new_tab(content):
    html = pages.footer_html("explainer", content)
    links = re.findall(r"<a [^>]*href=\"https?://[^>]*>.*?</a>", html)
    assert links
    for link in links:
        assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link and "ce-external" in link
        assert content.ui.external_link in link
    assert 'aria-label="' + content.ui.contents_label + '"' in pages.contents("explainer", content).data


def lab_touched(nb: dict) -> dict:
    """What JupyterLab makes of a notebook: the kernel's language_info, outputs, counts."""
    nb = copy.deepcopy(nb)
    nb["metadata"]["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3},
                                       "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                                       "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                                       "version": "3.11.2"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}}]
            cell["metadata"] = {"scrolled": True, "execution": {"iopub.status.busy": "2026-01-01"}}
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lab_saves_notebooks_exactly_as_committed(path):
    committed = json.loads(path.read_text())
    assert committed_form(copy.deepcopy(committed)) == committed  # committed notebooks are in that form
    model = {"type": "notebook", "content": lab_touched(committed)}
    keep_committed_form(model=model, path=path.name, contents_manager=None)
    assert model["content"] == committed
