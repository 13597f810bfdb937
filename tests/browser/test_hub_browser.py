"""`make hub` for real: JupyterHub, its proxy, staff JupyterLab servers and the public explainer
service, on loopback, driven in headless Debian Chromium.

The hub is started as `make hub` starts it (clinic_explainer.hub.launch.hub_command), on a free
port, with a temporary data folder, a copy of the notebooks (Lab's autosave never touches the
committed ones) and a copy of content/ (the content version on the records is fixed for the run).
Two trainees take the knowledge check at once and the trainer's class view shows them. JupyterHub and configurable-http-proxy are installed first when missing, as
`make hub` does (a file check when they are there).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import os
import shutil
import signal
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from clinic_explainer import content as content_mod
from clinic_explainer.content import content_version
from clinic_explainer.hub import launch
from clinic_explainer.settings import (
    CONTENT_ENV,
    DATA_ENV,
    NOTEBOOKS_ENV,
    PATIENT_POOL_ENV,
    content_root,
    notebooks_root,
)

from .conftest import DESKTOP, assert_clean, open_app, screenshot
from .servers import Server, free_port, left_behind
from .test_jupyterlab_training import choose

pytestmark = pytest.mark.browser

TRAINEES = ["ana", "ben"]
TRAINER = "tess"
STAFF = [*TRAINEES, TRAINER]
PASSWORD = "training-room-2026"
HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options", "permissions-policy")
# a kernel of the staff member's own server (started beside the notebooks), asked over the Jupyter protocol from the Lab page:
# what a notebook's code sees (the quiz itself is not driven here)
KERNEL_ENV = """async ([base, code]) => {
  const xsrf = decodeURIComponent(document.cookie.match(/(?:^|; )_xsrf=([^;]+)/)[1]);
  const headers = {'X-XSRFToken': xsrf, 'Content-Type': 'application/json'};
  const kernel = await (await fetch(base + 'api/kernels', {method: 'POST', headers,
                                    body: JSON.stringify({name: 'python3', path: 'scratch'})})).json();
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + base + 'api/kernels/' + kernel.id + '/channels');
  const msgId = crypto.randomUUID();
  const text = await new Promise((resolve, reject) => {
    let out = '';
    ws.onopen = () => ws.send(JSON.stringify({channel: 'shell', buffers: [], metadata: {}, parent_header: {},
      header: {msg_id: msgId, msg_type: 'execute_request', username: '', session: crypto.randomUUID(),
               version: '5.3', date: new Date().toISOString()},
      content: {code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false,
                stop_on_error: true}}));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.parent_header.msg_id !== msgId) return;
      if (m.msg_type === 'stream') out += m.content.text;
      if (m.msg_type === 'error') reject(new Error(m.content.evalue));
      if (m.msg_type === 'status' && m.content.execution_state === 'idle') resolve(out);
    };
    ws.onerror = () => reject(new Error('kernel websocket failed'));
  });
  ws.close();
  await fetch(base + 'api/kernels/' + kernel.id, {method: 'DELETE', headers});
  return text;
}"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """(base URL, log path, notebooks copy, content copy) of one hub for this module."""
    launch.ensure_installed()
    tmp = tmp_path_factory.mktemp("hub")
    notebooks = tmp / "notebooks"
    shutil.copytree(notebooks_root(), notebooks)
    # the content as it is now: the content version on the records is that of this copy
    content_dir = tmp / "content"
    shutil.copytree(content_root(), content_dir)
    port = free_port()
    argv, env = launch.hub_command(port, data=tmp / "data" / "hub", staff=STAFF, password=PASSWORD)
    # the training records of these staff servers in the temporary folder too; a small pool
    env.update({NOTEBOOKS_ENV: str(notebooks), DATA_ENV: str(tmp / "data"), PATIENT_POOL_ENV: "1",
                CONTENT_ENV: str(content_dir)})
    url = f"http://127.0.0.1:{port}/"
    # ready once the proxy routes to the explainer service (it answers with the notice words)
    try:
        with Server(argv, env, url + launch.SERVICE_PREFIX.lstrip("/") + "clinic-notice.json", tmp / "hub.log",
                    timeout=120, stop_timeout=60) as server:
            yield url, server.log_path, notebooks, content_dir
    finally:
        # the proxy runs in a session of its own: a hub that failed would leave it running
        stop_pid_file(tmp / "data" / "hub" / "configurable-http-proxy.pid")
    # the stopped hub stopped what it started: the staff servers, their kernels, the explainer
    # service and its kernels (they were left running, for good, when the hub took too long)
    deadline = time.monotonic() + 15
    while (left := left_behind(str(tmp))) and time.monotonic() < deadline:
        time.sleep(0.5)
    for line in left:  # not left on the machine either way
        with contextlib.suppress(OSError):
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
    assert not left, "the stopped hub left these running:\n" + "\n".join(left)


def stop_pid_file(path) -> None:
    try:
        os.kill(int(path.read_text()), signal.SIGTERM)
    except (OSError, ValueError):
        pass  # no file, or the process has already ended (the hub stops its proxy)


def log_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def test_two_staff_members_each_reach_jupyterlab_in_training_mode(browser, hub):
    url, log_path, notebooks, _ = hub
    contexts = []
    try:
        for name in TRAINEES:
            ctx = browser.new_context(viewport=DESKTOP, device_scale_factor=1, reduced_motion="reduce")
            contexts.append(ctx)
            page = ctx.new_page()
            page.set_default_timeout(90_000)
            # a staff member may have opened the public explainer in the same browser first (its
            # cookies must not break the hub's or Lab's forms)
            assert page.request.get(url + launch.EXPLAINER_PATH.lstrip("/")).ok

            # a wrong password is refused on the real form
            log_in(page, url, name, "not-the-password")
            page.wait_for_selector(".login_error")
            assert "/hub/login" in page.url

            # the real login form, then the hub spawns the staff member's JupyterLab
            log_in(page, url, name, PASSWORD)
            page.wait_for_url(f"**/user/{name}/lab/**", timeout=120_000)
            page.wait_for_selector(".jp-LabShell, #jp-main-dock-panel", timeout=90_000)

            # the knowledge check opens (the room takes it in the next test)
            page.goto(f"{url}user/{name}/lab/tree/05_knowledge_check.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            # its kernel started (Lab's status bar: "Python 3 (ipykernel) | Idle")
            page.wait_for_function("() => /Python 3.*\\| Idle/.test(document.querySelector('.jp-StatusBar-Widget')"
                                   "?.parentElement?.innerText || '')", timeout=90_000)
            tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
            assert tab.inner_text() == "05_knowledge_check.ipynb"
            screenshot(page, f"hub-lab-knowledge-check-{name}", full=False)

            # what the series' code sees in this member's kernels
            seen = json.loads(page.evaluate(KERNEL_ENV, [f"/user/{name}/", (
                "import json, os; print(json.dumps({k: os.environ.get(k) for k in "
                "('JUPYTERHUB_USER', 'CLINIC_EXPLAINER_MODE', 'CLINIC_EXPLAINER_NOTEBOOKS')} | {'cwd': os.getcwd()}))")]))
            assert seen["JUPYTERHUB_USER"] == name
            assert seen["CLINIC_EXPLAINER_MODE"] == "training"
            assert seen["cwd"] == str(notebooks)
        # both servers run at once, each its own
        log = log_path.read_text()
        for name in TRAINEES:
            assert f"User {name} took" in log or f"{name} took" in log
    finally:
        for ctx in contexts:
            ctx.close()


def open_in_lab(page, url: str, name: str, notebook: str) -> None:
    """Open ``notebook`` in ``name``'s JupyterLab on the hub (this notebook only) and run it all
    from Lab's own menu (Run > Run All Cells), once its kernel is idle."""
    page.goto(f"{url}user/{name}/lab/tree/{notebook}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function("() => /Python 3.*\\| Idle/.test(document.querySelector('.jp-StatusBar-Widget')"
                           "?.parentElement?.innerText || '')", timeout=90_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()


# a staff member's kernels shut down from their Lab page (the Jupyter REST API, their own cookies), so the
# hub stops their server quickly at the end
SHUT_KERNELS = """async (base) => {
  const xsrf = decodeURIComponent(document.cookie.match(/(?:^|; )_xsrf=([^;]+)/)[1]);
  const kernels = await (await fetch(base + 'api/kernels')).json();
  await Promise.all(kernels.map(k => fetch(base + 'api/kernels/' + k.id,
                                           {method: 'DELETE', headers: {'X-XSRFToken': xsrf}})));
  return kernels.length;
}"""


@pytest.mark.timeout(240)  # the hub is already up (the first test): about a minute
def test_two_trainees_complete_the_check_and_the_trainers_class_view_shows_both(browser, hub):
    """Issue 17 on the hub: two trainees take the knowledge check at once, each in their own
    JupyterLab, their answers saved under their hub user names (nothing to type); the trainer's
    class view (06, in the trainer's own JupyterLab) shows both, the chart and the question the
    room missed most; its CSV has both rows, finished, with the content version."""
    url, _, _, content_dir = hub
    c = content_mod.load(content_dir)
    ui, questions = c.ui, c.quiz.questions
    # ana misses the first question, ben the first two: the first is the room's most missed
    plans = {"ana": {0}, "ben": {0, 1}}
    contexts, pages = [], {}
    try:
        def staff_lab(name: str, viewport: dict, notebook: str):
            """A staff member's own browser, logged in to the hub, with ``notebook`` open in Lab."""
            ctx = browser.new_context(viewport=viewport, device_scale_factor=1, reduced_motion="reduce")
            contexts.append(ctx)
            page = pages[name] = ctx.new_page()
            page.set_default_timeout(60_000)
            log_in(page, url, name, PASSWORD)
            page.wait_for_url(f"**/user/{name}/lab/**", timeout=120_000)
            open_in_lab(page, url, name, notebook)
            return page

        for name in plans:
            staff_lab(name, DESKTOP, "05_knowledge_check.ipynb")
        for name, page in pages.items():
            record = page.locator(".ce-training-record")
            # the hub says who this is: the record is under the hub user, no name to type
            expect(record).to_contain_text(c.text(ui.training.hub_user, name=name), timeout=90_000)
            assert record.locator("input[type='text']").count() == 0
        # the room answers together: each step on both pages before waiting for either kernel
        for i, q in enumerate(questions):
            last = i == len(questions) - 1
            for name, page in pages.items():
                expect(page.locator(".ce-quiz #quiz-prompt")).to_contain_text(q.prompt[:40])
                radios = page.locator(".ce-quiz input[type='radio']")
                wrong = next(j for j in range(radios.count()) if j != q.correct_index)
                choose(radios.nth(wrong if i in plans[name] else q.correct_index))
                page.get_by_role("button", name=ui.quiz.check).click()
            for page in pages.values():
                page.get_by_role("button", name=ui.quiz.finish if last else ui.quiz.next).click()
        for name, page in pages.items():
            expect(page.locator(".ce-training-record")).to_contain_text(c.text(ui.training.saved, n=len(questions)))
            score = c.text(ui.quiz.score, score=len(questions) - len(plans[name]), total=len(questions))
            expect(page.locator(".ce-quiz .ce-score")).to_contain_text(score)
            page.locator(".ce-quiz .ce-score").scroll_into_view_if_needed()
            screenshot(page, f"hub-knowledge-check-done-{name}", full=False)

        # the trainer, in their own JupyterLab on the hub, on the projector
        page = staff_lab(TRAINER, {"width": 1920, "height": 1080}, "06_class_view.ipynb")
        room = page.locator(".ce-class-table")
        expect(room).to_contain_text("ana", timeout=90_000)
        expect(room).to_contain_text("ben")
        assert TRAINER not in room.text_content()  # the trainer took no check
        chart = page.locator(".ce-class-view img")  # the share of the room right, per question
        assert chart.count() == 1
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 300")
        room.scroll_into_view_if_needed()
        screenshot(page, "hub-class-view", full=False)
        missed = page.locator(".ce-missed")
        expect(missed).to_contain_text(questions[0].prompt)  # first, with its FAQ passage and teach-back
        missed.scroll_into_view_if_needed()
        screenshot(page, "hub-class-view-most-missed", full=False)

        # the training log from the class view: both trainees, finished, on this content version
        href = page.locator(".ce-class-view a[download='training-log.csv']").get_attribute("href")
        assert href.startswith("data:text/csv")
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(href.split(",", 1)[1]).decode())))
        by_user = {r["hub_user"]: r for r in rows}
        assert set(by_user) == set(plans), rows
        for name, wrong in plans.items():
            row = by_user[name]
            assert row["trainee"] == name and row["finished"]
            assert int(row["score"]) == len(questions) - len(wrong) and int(row["total"]) == len(questions)
            assert row["content_version"] == content_version(content_dir)
    finally:
        for name, page in pages.items():
            try:
                page.evaluate(SHUT_KERNELS, f"/user/{name}/")
            except PlaywrightError:
                pass  # the test failed before this page had a Lab: nothing to shut
        for ctx in contexts:
            ctx.close()


def test_explainer_is_a_public_service_with_our_serving_layer(phone_page, hub, content):
    url, _, _, _ = hub
    page = phone_page
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    base = url + launch.SERVICE_PREFIX.lstrip("/")

    # no login: the explainer answers through the hub's proxy, with our security headers
    response = page.request.get(url + launch.EXPLAINER_PATH.lstrip("/"), max_redirects=0)
    assert response.status == 200
    for header in HEADERS:
        assert header in response.headers, f"{header} missing behind the hub"
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "username-" not in response.headers.get("set-cookie", "")

    open_app(page, base, launch.EXPLAINER_PATH.rsplit("/", 1)[1])
    assert "/hub/login" not in page.url
    # the page's own links (start page, language, FAQ anchors) stay under the service's prefix
    outside = page.evaluate("(prefix) => [...document.querySelectorAll('a[href]')].map(a => a.href)"
                            ".filter(h => h.startsWith(location.origin) && !h.startsWith(location.origin + prefix))",
                            launch.SERVICE_PREFIX)
    assert outside == [], f"links leaving the explainer service: {outside}"
    assert_clean(page)
    # the widget client connected through the proxy: the kernel's websocket under the prefix
    assert any(f"{launch.SERVICE_PREFIX}api/kernels/" in s and s.endswith("/channels") or "/channels?" in s
               for s in sockets), sockets
    # the timeline moved with the keyboard: each step goes to the kernel and back through the proxy
    timeline = page.locator(".ce-widget").filter(has=page.locator(".widget-slider")).first
    readout_before = timeline.locator(".ce-readout").inner_text()
    handle = timeline.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')")
    for _ in range(16):  # 16 stops: 48 hours, the start of the healing phase
        page.keyboard.press("ArrowRight")
    expect(timeline.locator(".ce-readout")).to_contain_text(content.timeline.phases[2].label, timeout=30_000)
    expect(timeline.locator(".ce-card").first).to_contain_text(content.timeline.phases[2].label)
    assert timeline.locator(".ce-readout").inner_text() != readout_before
    assert_clean(page)
    screenshot(page, "hub-explainer-service-phone")
