from pathlib import Path

import pytest

from clinic_explainer import content as content_mod


@pytest.fixture(scope="session", autouse=True)
def chart_cache_dir(tmp_path_factory):
    """A chart cache of the test run's own: tests never read stale entries from, or write to,
    ~/.cache. Set in os.environ, so kernels and servers started by tests use it too."""
    path = tmp_path_factory.mktemp("chart-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLINIC_EXPLAINER_CACHE", str(path))
        yield path


@pytest.fixture(scope="session", autouse=True)
def records_dir(tmp_path_factory):
    """A training database of the test run's own (records/): tests never write to data/.
    Set in os.environ, so kernels and servers started by tests use it too."""
    path = tmp_path_factory.mktemp("records")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLINIC_EXPLAINER_DATA", str(path))
        mp.delenv("CLINIC_EXPLAINER_DATABASE_URL", raising=False)
        yield path


@pytest.fixture(scope="session", autouse=True)
def small_patient_pool():
    """Servers started by tests preheat one explainer kernel, not the twenty `make serve` keeps
    on this machine (each costs about a CPU-second to start); tests of the deep pool set it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLINIC_EXPLAINER_PATIENT_POOL", "1")
        yield


@pytest.fixture(scope="session")
def content():
    return content_mod.load()


@pytest.fixture
def tree(tmp_path):
    """A writable copy of content/ (see tests/content_tree.py for edit/line_of)."""
    from .content_tree import copy_content

    return copy_content(tmp_path)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run, shared by the browser and server tests:
    Playwright's sync API cannot be started again while another instance runs in this thread."""
    from playwright.sync_api import sync_playwright

    from tests.browser.servers import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
