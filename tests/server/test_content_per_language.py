"""Every language watched on its own, and no file can freeze the server or hang a request (issue 20).

A real server on loopback, on a copy of content/: a broken, unreadable or 50 MB Spanish file turns
away Spanish pages only, with the "being updated" page in Spanish within seconds; English pages
are served meanwhile; every request is answered; fixing the file recovers without a restart.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import time
import urllib.error
import urllib.request

import pytest

from clinic_explainer.content import load
from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.content_tree import copy_content
from tests.server.ws_attack import probe_seconds

DEVELOPER = ("There was an error", "show_tracebacks", "Traceback", "ContentError")
TIMELINE_ES = "microneedling/es/timeline.yml"


def get(url: str, timeout: float = 30) -> tuple[int, str, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode(), time.monotonic() - start
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), time.monotonic() - start


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("per_language")
    root = copy_content(tmp)
    port = free_port()
    argv, env = voila_command(port, extra=["--KernelPolicy.unconnected_timeout=20"])
    env["CLINIC_EXPLAINER_CONTENT"] = str(root)
    env["CLINIC_EXPLAINER_PATIENT_POOL"] = "1"
    base = f"http://127.0.0.1:{port}/"
    with Server(argv, env, base, tmp / "voila.log") as server:
        yield base, root, server.log_path


@pytest.fixture(scope="module")
def words():
    en, es = load(locale="en"), load(locale="es")
    return {"en_title": en.page("how-it-works").title, "es_updating": es.text(es.ui.serving.updating_title),
            "es_title": es.page("how-it-works").title}


def pages_while_broken(base: str, words: dict) -> list[tuple[int, str, float]]:
    """English and Spanish pages at once, every request bounded by 30 s."""
    urls = [base + "voila/render/01_how_it_works.ipynb", base + "voila/render/01_how_it_works.ipynb?lang=es",
            base + "voila/render/patient_explainer.ipynb?lang=es", base + "voila/render/03_recovery_timeline.ipynb?lang=es",
            base + "clinic/colours.css?lang=es", base + "nowhere?lang=es"]
    with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(get, urls))  # urlopen raises if any is still open after 30 s


def assert_spanish_updating_english_served(results, words):
    (en_status, en_html, _), *spanish_pages, (css_status, _, _), (nf_status, nf_html, _) = results
    assert en_status == 200 and words["en_title"] in en_html
    for status, html, took in spanish_pages:
        assert status == 503 and words["es_updating"] in html and '<html lang="es"' in html, html[:500]
        assert not any(marker in html for marker in DEVELOPER)
        assert took < 5, took
    print(f"\nSpanish 'being updated' pages in at most {max(t for *_, t in spanish_pages):.2f} s; "
          f"English page {results[0][2]:.1f} s; every request answered within {max(t for *_, t in results):.1f} s")
    assert css_status == 200
    assert nf_status == 404 and '<html lang="es"' in nf_html  # a notice in the visitor's language


def wait_for_spanish_page(base: str, words: dict, timeout: float = 90) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        status, html, _ = get(base + "voila/render/01_how_it_works.ipynb?lang=es", timeout=60)
        if status == 200:
            assert words["es_title"] in html
            return time.monotonic() - start
        time.sleep(1)
    raise AssertionError("the Spanish page did not come back")


def test_a_broken_spanish_file_turns_away_spanish_pages_only_and_its_fix_recovers(served, words):
    base, root, log = served
    good = (root / TIMELINE_ES).read_text()
    with open(root / TIMELINE_ES, "a") as f:
        f.write("\nbroken: [unclosed\n")
    assert_spanish_updating_english_served(pages_while_broken(base, words), words)
    text = log.read_text()
    assert "Content is broken in language 'es'" in text and "timeline.yml" in text
    (root / TIMELINE_ES).write_text(good)
    print(f"fixed: the Spanish page back after {wait_for_spanish_page(base, words):.1f} s")
    assert "Content fixed in language 'es'" in log.read_text()


def test_an_unreadable_spanish_file_is_reported_like_a_broken_one(served, words):
    base, root, log = served
    saved = root.parent / "timeline.yml.saved"
    shutil.move(root / TIMELINE_ES, saved)
    (root / TIMELINE_ES).mkdir()  # fails to read even for root (chmod 000 would not)
    try:
        assert_spanish_updating_english_served(pages_while_broken(base, words), words)
        assert "IsADirectoryError" in log.read_text()
    finally:
        (root / TIMELINE_ES).rmdir()
        shutil.move(saved, root / TIMELINE_ES)
    wait_for_spanish_page(base, words)


def test_a_50_mb_file_is_refused_unread_and_the_server_keeps_answering(served, words):
    base, root, log = served
    good = (root / TIMELINE_ES).read_text()
    probes = []
    with open(root / TIMELINE_ES, "w") as f:  # written in pieces, with requests in between
        f.write("phases: [\n")
        for _ in range(10):
            f.write(("- {x: " + "y" * 1000 + "\n") * 5000)
            f.flush()
            probes.append(probe_seconds(base, timeout=5))
    try:
        started = time.monotonic()
        results = pages_while_broken(base, words)
        probes.append(probe_seconds(base, timeout=5))
        assert_spanish_updating_english_served(results, words)
        colours = [get(base + "clinic/colours.css")[2] for _ in range(20)]  # nothing parsed per request
        assert max(colours) < 0.5, colours
        assert max(probes) < 1, probes
        print(f"50 MB file: other requests answered in at most {max(probes):.3f} s; colours.css at most "
              f"{max(colours):.3f} s")
        assert time.monotonic() - started < 30
        text = log.read_text()
        assert "microneedling/es/timeline.yml: the file is 50" in text and "it was not read" in text
    finally:
        (root / TIMELINE_ES).write_text(good)
    wait_for_spanish_page(base, words)
