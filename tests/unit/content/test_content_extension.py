"""A second language and a second procedure are content only: no code changes."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

from clinic_explainer import content as content_mod
from clinic_explainer.pages import blocks as pages
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.views.timeline import TimelineView

from tests.content_tree import edit


def test_a_language_is_a_copy_of_the_files(tree):
    # Spanish ships (content/locales/es.yml, content/microneedling/es/); making it the default is one line
    edit(tree, "clinic.yml", "default_locale: en", "default_locale: es")
    c = content_mod.load(tree)
    assert c.locale == "es"
    assert RecoveryTimeline(c).at(1).phase.label == "Día del tratamiento"
    view = TimelineView(c, now=lambda: datetime(2026, 12, 1, 12, tzinfo=ZoneInfo(c.clinic.timezone)))
    assert "Día del tratamiento" in view.card
    # dates are written in the page's language (babel), e.g. "lunes 1 diciembre"
    view.date_picker.value = datetime(2026, 11, 30).date()
    assert "diciembre" in view.dates
    assert 'lang="es"' in pages.header_html("recovery", c)


def test_a_second_procedure_is_a_new_folder(tree):
    shutil.copytree(tree / "microneedling", tree / "chemical-peel")
    edit(tree, "chemical-peel/en/pages.yml", "series_title: Micro-needling, explained",
         "series_title: Chemical peels, explained")
    edit(tree, "clinic.yml", "default_procedure: microneedling", "default_procedure: chemical-peel")
    c = content_mod.load(tree)
    assert c.procedure == "chemical-peel"
    assert c.series.series_title == "Chemical peels, explained"
    # the default one still loads by name
    assert content_mod.load(tree, procedure="microneedling").series.series_title == "Micro-needling, explained"
