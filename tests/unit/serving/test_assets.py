"""What the server draws from content/ without a kernel: the landing page's words, the paused notice's words."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2

from clinic_explainer.serving.app import JUPYTER_DATA
from clinic_explainer.serving.http.assets import STATIC, landing_words
from clinic_explainer.settings import INDEX_NOTEBOOK

CLINIC_TEMPLATE = JUPYTER_DATA / "voila/templates/clinic"


def test_the_landing_page_says_only_what_content_says_under_both_of_voilas_names(content):
    # as Voila renders its tree page (voila/app.py: autoescape, the template folders)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(CLINIC_TEMPLATE)]), autoescape=True,
                             extensions=["jinja2.ext.i18n"])
    env.globals["clinic_landing"] = landing_words(SimpleNamespace(watch=SimpleNamespace(good=content)), "/")
    lab, classic = (env.get_template(name).render(base_url="/") for name in ("tree-lab.html", "tree.html"))
    assert lab.strip() == classic.strip()
    assert f'<html lang="{content.locale}">' in lab and f"/voila/render/{INDEX_NOTEBOOK}" in lab
    assert f">{content.text(content.ui.serving.start_link)}</a>" in lab
    assert f"<title>{jinja2.utils.markupsafe.escape(content.clinic.name)}</title>" in lab


def test_kernel_watch_carries_no_words_of_its_own(content):
    """Its words come from /clinic-notice.json (the last good content, in the clinic's language)."""
    js = (STATIC / "kernel-watch.js").read_text()
    for words in (content.ui.serving.paused, content.ui.serving.continue_button, "paused", "Continue"):
        assert f'"{words}' not in js, words
    assert "clinic-notice.json" in js
