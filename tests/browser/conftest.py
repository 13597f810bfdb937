"""A real Voila server and headless Debian Chromium, driven by Playwright.

Every request the page makes is checked: anything that is not this machine fails the
test (no CDN at run time). Screenshots land in test-artifacts/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from clinic_explainer.serving.launcher import voila_command

from .servers import RENDERED, Server, free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ERROR_TEXTS = ("Traceback", "Error:", "Exception", "NameError", "KeyError", "ValueError", "ModuleNotFoundError",
               "There was an error when executing cell")


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """(base URL, path of the server's log) of one Voila server for the whole session."""
    port = free_port()
    argv, env = voila_command(port)
    url = f"http://127.0.0.1:{port}/"
    with Server(argv, env, url, tmp_path_factory.mktemp("voila") / "voila.log") as server:
        yield url, server.log_path


@pytest.fixture(scope="session")
def voila_url(voila_server):
    return voila_server[0]


@pytest.fixture(scope="session")
def voila_log(voila_server):
    return voila_server[1]


class PageWatch:
    """Records requests that leave this machine and console errors."""

    def __init__(self, page: Page):
        self.page = page
        self.external: list[str] = []
        self.console_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()


def _new_page(browser, viewport):
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, reduced_motion="reduce")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    return ctx, page, PageWatch(page)


@pytest.fixture
def phone_page(browser):
    ctx, page, watch = _new_page(browser, PHONE)
    page.watch = watch
    yield page
    ctx.close()


@pytest.fixture
def desktop_page(browser):
    ctx, page, watch = _new_page(browser, DESKTOP)
    page.watch = watch
    yield page
    ctx.close()


def open_app(page: Page, base_url: str, notebook: str) -> None:
    """Open a notebook app and wait until Voila has rendered every cell."""
    page.goto(base_url + "voila/render/" + notebook)
    page.wait_for_function(RENDERED, timeout=90_000)
    page.wait_for_load_state("networkidle")


def assert_clean(page: Page) -> None:
    """No traceback or error text, no code, no prompts, nothing fetched from outside."""
    text = page.inner_text("body")
    for marker in ERROR_TEXTS:
        assert marker not in text, f"{marker!r} is on the page:\n{text[:2000]}"
    code = ".jp-CodeCell .jp-InputArea, .jp-InputPrompt:visible, .jp-OutputPrompt:visible, .highlight"
    assert page.locator(code).count() == 0, "code or prompts are visible"
    assert "clinic_explainer" not in page.content(), "notebook source reached the page"
    assert page.watch.external == [], f"requests left the machine: {page.watch.external}"
    assert page.locator(".ce-notes, .ce-teach-back").count() == 0, "trainer material reached a patient page"


def screenshot(page: Page, name: str, full: bool = True) -> Path:
    """Save a screenshot for people to look at; full=True captures the whole page.

    Voila scrolls inside #rendered_cells, so a full-page shot grows the viewport to it.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    if full:
        height = page.evaluate("() => { const r = document.querySelector('#rendered_cells');"
                               " return r ? r.scrollHeight : document.body.scrollHeight; }")
        page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 16000)})
        page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    if full:  # JupyterLab's panels lay out again a frame later: scrolling before that is lost
        page.wait_for_function("(h) => { const r = document.querySelector('#rendered_cells');"
                               " return !r || r.clientHeight <= h; }", arg=viewport["height"])
    return path
