"""Training mode in real JupyterLab, started as `make lab` starts it (clinic_explainer.lab): the
knowledge check runs top to bottom and shows trainer notes; a notebook opens clean and presents
in one click; two trainees and the class view on one machine."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from clinic_explainer import lab
from clinic_explainer.content import notebooks_root

from .conftest import screenshot
from .servers import Server, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    port = free_port()
    env = lab.lab_environment(dict(os.environ, CLINIC_EXPLAINER_MODE="training", MPLBACKEND="agg"))
    log_path = tmp_path_factory.mktemp("lab") / "lab.log"
    # a copy, so Lab's autosave can never write outputs into the committed notebooks
    root = tmp_path_factory.mktemp("lab-notebooks") / "notebooks"
    shutil.copytree(notebooks_root(), root)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={root}", "--IdentityProvider.token=", "--ServerApp.password=",
            "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True", *lab.SERVER_OPTIONS,
            "--LabApp.news_url=None",
            # Lab's remembered layout of this test run only (the user's would reopen other notebooks),
            # and no settings of the user's own: the project's Lab settings as they ship
            f"--LabApp.workspaces_dir={tmp_path_factory.mktemp('lab-workspaces')}",
            f"--LabApp.user_settings_dir={tmp_path_factory.mktemp('lab-user-settings')}",
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}/"
    with Server(argv, env, url + "api/status", log_path):
        yield url, root


def open_and_run(page, lab_url: str, notebook: str) -> None:
    """Open a notebook in a fresh Lab workspace, wait for its kernel, run every cell."""
    page.goto(lab_url + f"lab/tree/{notebook}?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def test_knowledge_check_in_jupyterlab_shows_trainer_notes(desktop_page, lab_url, content):
    page = desktop_page
    lab_url, root = lab_url
    open_and_run(page, lab_url, "05_knowledge_check.ipynb")
    notes = page.locator(".ce-notes:not(.ce-teach-back)")
    notes.wait_for(timeout=120_000)
    notes.scroll_into_view_if_needed()  # Lab may not paint cells out of view
    # text_content: Lab skips painting cells out of view (content-visibility), so innerText may be ''
    assert content.ui.facilitator_heading in notes.text_content()
    # every code cell ran and none failed
    page.wait_for_function("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                           ".every(p => /\\[\\d+\\]/.test(p.textContent))", timeout=120_000)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    # the quiz widget is live in the notebook
    assert page.locator(".ce-widget .widget-radio-box, .ce-widget .jupyter-button").count() > 0
    # the teach-back prompts are shown once: beside their question, no list printed again below
    assert page.locator(".ce-teach-list").count() == 0
    notes.scroll_into_view_if_needed()
    screenshot(page, "lab-knowledge-check-training", full=False)

    # presentation mode (View > Appearance > Presentation Mode): projector type, the teach-back prompt beside its question
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.evaluate("window.jupyterapp.commands.execute('application:toggle-presentation-mode')")
    page.wait_for_selector(".jp-mod-presentationMode")
    # answer (mouse) up to the first question with a teach-back prompt
    q_index = next(i for i, q in enumerate(content.quiz.questions) if q.teach_back)
    for _ in range(q_index):
        choose(page.locator(".ce-quiz input[type='radio']").first)
        page.get_by_role("button", name=content.ui.quiz.check).click()
        page.get_by_role("button", name=content.ui.quiz.next).click()
    teach = page.locator(".ce-quiz-row .ce-teach-back").first
    teach.wait_for()
    teach.scroll_into_view_if_needed()
    assert content.quiz.questions[q_index].teach_back in teach.text_content()
    n = content.text(content.ui.quiz.progress, n=q_index + 1, total=len(content.quiz.questions))
    assert n in teach.text_content()
    # both boxes measured at once (Lab may scroll the notebook between two measurements)
    p_box, t_box = page.evaluate("() => ['.ce-quiz-row #quiz-prompt', '.ce-quiz-row .ce-teach-back']"
                                 ".map(s => document.querySelector(s).getBoundingClientRect().toJSON())")
    assert t_box["x"] > p_box["x"] + p_box["width"] - 1 and t_box["y"] < p_box["y"] + p_box["height"], (p_box, t_box)
    sizes = page.evaluate("() => ['.ce p', '.ce-widget label', '.ce-quiz-row .ce-teach-back p']"
                          ".map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))")
    assert min(sizes) >= 24, sizes
    screenshot(page, "lab-knowledge-check-presentation", full=False)

    # saving after a run leaves the committed notebook as it was (no outputs, no metadata)
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    page.wait_for_timeout(500)
    saved = (root / "05_knowledge_check.ipynb").read_text()
    assert saved == (notebooks_root() / "05_knowledge_check.ipynb").read_text()


# every point of Lab's notification toast and of its status-bar bell shows Lab's notification area
# itself (the toast may sit over the bell: both Lab's own), nothing of ours on top
UNCOVERED = """() => {
  const inside = (sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
    const points = [[0.5, 0.5], [0.1, 0.2], [0.9, 0.2], [0.1, 0.8], [0.9, 0.8]];
    return points.every(([fx, fy]) => { const hit = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
      return hit !== null && hit.closest('.Toastify, .jp-Notification-Status') !== null; }); };
  return {toast: inside('.Toastify__toast'), bell: inside('.jp-Notification-Status')};
}"""


def test_notebook_opens_clean_and_presents_in_one_click(desktop_page, lab_url):
    """Issue 17, item 7: no unsaved-changes dot on opening; the toolbar's "Present" button turns
    on presentation mode, hides the file browser and every code cell; no language link that Lab
    would open as a file (a 404); nothing of the page floats over Lab's notifications."""
    page = desktop_page
    url, _ = lab_url
    page.goto(url + "lab/tree/01_how_it_works.ipynb?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=90_000)
    # the kernel has connected and told Lab its language_info: still nothing to save
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.model.getMetadata('language_info')"
                           " && window.jupyterapp.shell.currentWidget.model.getMetadata('language_info').version")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty") is False
    assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty").count() == 0
    screenshot(page, "lab-opened-clean", full=False)

    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                           ".every(p => /\\[\\d+\\]/.test(p.textContent))", timeout=120_000)
    page.locator(".ce h1").first.wait_for()
    # no language link in Lab ('?lang=es' there is a file name: Jupyter's 404, the session gone)
    assert page.locator("a.ce-lang, .ce-lang-float").count() == 0
    assert page.locator(".jp-Notebook a[href*='lang=']").count() == 0
    # nothing of the page is fixed on the screen, over Lab's own controls
    assert page.evaluate("() => [...document.querySelectorAll('.ce, .ce *')]"
                         ".filter(e => getComputedStyle(e).position === 'fixed').length") == 0

    # one click: Lab's presentation mode, no file browser, no code cells
    assert page.locator("#filebrowser").is_visible()
    page.locator(".jp-Toolbar-item[data-jp-item-name='clinic-present'] button").click()
    page.wait_for_selector(".jp-LabShell.jp-mod-presentationMode")
    page.locator("#filebrowser").wait_for(state="hidden")
    assert page.evaluate("() => window.jupyterapp.shell.leftCollapsed") is True
    assert page.locator(".jp-Notebook .jp-CodeCell .jp-Cell-inputWrapper:visible").count() == 0
    assert page.locator(".jp-Notebook .jp-CodeCell").count() >= 5  # the cells are there, their code hidden
    assert page.locator(".ce h1").first.is_visible()
    # Lab's notifications stay clear: a toast and the status bar's bell are not covered
    page.evaluate("window.jupyterapp.commands.execute('apputils:notify',"
                  " {message: 'Kernel restarted', type: 'info', options: {autoClose: false}})")
    page.locator(".Toastify__toast").wait_for()
    page.wait_for_timeout(500)  # the toast's entry animation
    assert page.evaluate(UNCOVERED) == {"toast": True, "bell": True}
    screenshot(page, "lab-presentation-one-click", full=False)
    # the same button ends it
    page.locator(".jp-Toolbar-item[data-jp-item-name='clinic-present'] button").click()
    page.wait_for_selector(".jp-LabShell:not(.jp-mod-presentationMode)")
    assert page.locator(".jp-Notebook .jp-CodeCell .jp-Cell-inputWrapper:visible").count() >= 5


def choose(radio) -> None:
    """Tick one option of the quiz with the keyboard (focus, Space), as a keyboard user does: a
    long option's wrapped label can lie over its neighbour's button, where a click would land on
    the wrong one. Again if the widget was not wired yet."""
    for _ in range(20):
        radio.focus()
        radio.page.keyboard.press("Space")
        if radio.is_checked():
            return
        radio.page.wait_for_timeout(250)
    raise AssertionError("the quiz option stays unticked")


def _run_notebook(page, url: str) -> None:
    page.goto(url + "?reset")  # this notebook only (Lab would reopen the last one beside it)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=90_000)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                           ".every(p => /\\[\\d+\\]/.test(p.textContent))", timeout=120_000)


def test_two_trainees_on_one_machine_and_the_class_view(desktop_page, lab_url, content):
    """Issue 17 on one machine: each trainee types a name once, answers are saved to SQLite as
    they go (no set-up step), and the trainer's class view shows both, the chart and the
    question the room missed most."""
    page = desktop_page
    url, root = lab_url
    ui, questions = content.ui, content.quiz.questions
    for trainee, rights in (("Ana Trainee", (False, True)), ("Ben Trainee", (False, False))):
        copy = root / f"05_knowledge_check_{trainee.split()[0].lower()}.ipynb"  # a kernel each
        shutil.copy(root / "05_knowledge_check.ipynb", copy)
        _run_notebook(page, url + f"lab/tree/{copy.name}")
        record = page.locator(".ce-training-record")
        record.locator("input[type='text']").fill(trainee)
        record.get_by_role("button", name=ui.training.save).click()
        page.get_by_text(ui.training.type_name).wait_for(state="detached", timeout=20_000)
        for q, right in zip(questions, rights):
            page.locator(".ce-quiz").scroll_into_view_if_needed()
            radios = page.locator(".ce-quiz input[type='radio']")
            radios.first.wait_for(timeout=60_000)
            wrong = next(j for j in range(radios.count()) if j != q.correct_index)
            choose(radios.nth(q.correct_index if right else wrong))
            page.get_by_role("button", name=ui.quiz.check).click()
            # the kernel answers (a busy machine may take a while)
            page.get_by_role("button", name=ui.quiz.next).click(timeout=120_000)
        page.wait_for_function("t => document.querySelector('.ce-training-record').textContent.includes(t)",
                               arg=content.text(ui.training.saved, n=2), timeout=20_000)
    _run_notebook(page, url + "lab/tree/06_class_view.ipynb")
    room = page.locator(".ce-class-table")
    room.wait_for(timeout=60_000)
    text = room.text_content()
    assert "Ana Trainee" in text and "Ben Trainee" in text
    assert page.locator(".ce-class-view img").count() == 1
    missed = page.locator(".ce-missed")
    assert questions[0].prompt in missed.text_content()  # both missed the first question
    assert page.locator(".ce-class-view a[download='training-log.csv']").count() == 1
    room.scroll_into_view_if_needed()
    screenshot(page, "lab-class-view", full=False)
