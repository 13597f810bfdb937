"""`make hub` for real: JupyterHub, its proxy, staff JupyterLab servers and the public explainer
service, on loopback, driven in headless Debian Chromium.

The hub is started as `make hub` starts it (clinic_explainer.hub.launch.hub_command), on a free
port, with a temporary data folder and a copy of the notebooks (Lab's autosave never touches the
committed ones). JupyterHub and configurable-http-proxy are installed first when missing, as
`make hub` does (a file check when they are there).
"""

from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import expect

from clinic_explainer.hub import launch
from clinic_explainer.settings import DATA_ENV, NOTEBOOKS_ENV, PATIENT_POOL_ENV, notebooks_root

from .conftest import DESKTOP, assert_clean, open_app, screenshot
from .servers import Server, free_port

pytestmark = pytest.mark.browser

STAFF = ["ana", "ben"]
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
    """(base URL, log path, notebooks copy) of one hub for this module."""
    launch.ensure_installed()
    tmp = tmp_path_factory.mktemp("hub")
    notebooks = tmp / "notebooks"
    shutil.copytree(notebooks_root(), notebooks)
    port = free_port()
    argv, env = launch.hub_command(port, data=tmp / "data" / "hub", staff=STAFF, password=PASSWORD)
    # the training records of these staff servers in the temporary folder too; a small pool
    env.update({NOTEBOOKS_ENV: str(notebooks), DATA_ENV: str(tmp / "data"), PATIENT_POOL_ENV: "1"})
    url = f"http://127.0.0.1:{port}/"
    # ready once the proxy routes to the explainer service (it answers with the notice words)
    with Server(argv, env, url + launch.SERVICE_PREFIX.lstrip("/") + "clinic-notice.json", tmp / "hub.log",
                timeout=120) as server:
        yield url, server.log_path, notebooks


def log_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def test_two_staff_members_each_reach_jupyterlab_in_training_mode(browser, hub):
    url, log_path, notebooks = hub
    contexts = []
    try:
        for name in STAFF:
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

            # the knowledge check opens (the quiz itself is not driven: it is being wired to the records)
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
        for name in STAFF:
            assert f"User {name} took" in log or f"{name} took" in log
    finally:
        for ctx in contexts:
            ctx.close()


def test_explainer_is_a_public_service_with_our_serving_layer(phone_page, hub, content):
    url, _, _ = hub
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
