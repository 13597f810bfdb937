"""Content edited while the server runs: a good edit shows on the next reload, a broken one never
reaches a patient as a developer error (real server on loopback, on a copy of content/)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from clinic_explainer.serving.launcher import voila_command
from tests.browser.servers import Server, free_port
from tests.content_tree import copy_content, edit

DEVELOPER = ("There was an error", "show_tracebacks", "Traceback", "ContentError")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_good_edit_shows_on_next_reload_and_broken_content_gives_last_good_or_branded_page(tmp_path, content):
    root = copy_content(tmp_path)
    port = free_port()
    argv, env = voila_command(port)
    env["CLINIC_EXPLAINER_CONTENT"] = str(root)
    base = f"http://127.0.0.1:{port}/"
    with Server(argv, env, base, tmp_path / "voila.log") as server:
        time.sleep(8)  # the preheated pool fills
        explainer = base + "voila/render/patient_explainer.ipynb"
        status, html = get(explainer)
        assert status == 200 and content.clinic.phone in html
        time.sleep(5)  # the pool refills

        # a good edit: the very next page shows it (the pool was preheated before the edit)
        edit(root, "clinic.yml", content.clinic.phone, "555-0199", count=2)
        status, html = get(explainer)
        assert status == 200 and "555-0199" in html and content.clinic.phone not in html

        # a broken edit: patients get the last good content or the branded page, never a developer error
        edit(root, "microneedling/en/timeline.yml", "phases:", "phases: [")
        for nb in ("03_recovery_timeline.ipynb", "patient_explainer.ipynb", "01_how_it_works.ipynb"):
            status, html = get(base + f"voila/render/{nb}")
            assert not any(marker in html for marker in DEVELOPER), html[:3000]
            assert status == 503 and "555-0199" in html
            assert content.text(content.ui.serving.updating_title) in html
            assert content.faq["introduction"].front.question in html  # the last good FAQ text
        log = server.log_path.read_text()
        assert "Content is broken" in log and "timeline.yml" in log

        # fixed: pages are served again
        edit(root, "microneedling/en/timeline.yml", "phases: [", "phases:")
        status, html = get(base + "voila/render/01_how_it_works.ipynb")
        assert status == 200 and not any(marker in html for marker in DEVELOPER)
