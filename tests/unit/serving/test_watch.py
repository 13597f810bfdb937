"""ContentWatch without a server: every language on its own, files that cannot freeze it (issue 20)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import logging
import shutil
from pathlib import Path

from clinic_explainer.serving.kernels import watch as watch_mod
from clinic_explainer.serving.kernels.watch import ContentWatch, locale_of_file
from tests.content_tree import copy_content

TIMELINE_ES = "microneedling/es/timeline.yml"


def refresh(w: ContentWatch) -> set[str]:
    # a loop of its own, in a thread: a browser test's Playwright may hold this thread's loop
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, w.refresh()).result()


def test_a_file_belongs_to_its_language_or_to_all():
    root = Path("/c")
    assert locale_of_file(root, "/c/locales/es.yml") == "es"
    assert locale_of_file(root, "/c/microneedling/es/faq/a.md") == "es"
    assert locale_of_file(root, "/c/clinic.yml") is None


def test_a_broken_language_is_broken_alone_and_keeps_its_last_good_content(tmp_path):
    root = copy_content(tmp_path)
    w = ContentWatch(logging.getLogger("test"), root)
    assert w.locales() == ["en", "es"] and not w.is_broken("es")
    spanish = w.good_for("es")
    with open(root / TIMELINE_ES, "a") as f:
        f.write("\nbroken: [unclosed\n")
    assert refresh(w) == {"es"}
    assert w.is_broken("es") and not w.is_broken("en") and not w.broken
    assert w.good_for("es") is spanish and w.good_for("xx").locale == "en"
    assert "timeline.yml" in w.problems["es"]
    assert refresh(w) == set()  # nothing changed: nothing read
    shutil.copy(Path(__file__).resolve().parents[3] / "content" / TIMELINE_ES, root / TIMELINE_ES)
    assert refresh(w) == {"es"} and not w.is_broken("es")


def test_an_oversized_file_is_refused_unread_and_unreadable_files_break_their_language(tmp_path, monkeypatch):
    root = copy_content(tmp_path)
    w = ContentWatch(logging.getLogger("test"), root)
    monkeypatch.setattr(watch_mod, "MAX_FILE_BYTES", 200_000)
    (root / TIMELINE_ES).write_text("phases: [\n" + "x" * 300_000)
    load, read = watch_mod.content_mod.load, []
    monkeypatch.setattr(watch_mod.content_mod, "load", lambda *a, **k: read.append(k.get("locale")) or load(*a, **k))
    assert refresh(w) == {"es"} and "it was not read" in w.problems["es"] and not w.is_broken("en")
    assert "es" not in read and "en" in read
    monkeypatch.undo()
    (root / TIMELINE_ES).unlink()
    (root / TIMELINE_ES).mkdir()
    refresh(w)
    assert w.is_broken("es") and "IsADirectoryError" in w.problems["es"]
    shutil.rmtree(root / "microneedling" / "es")  # a missing folder
    refresh(w)
    assert w.is_broken("es") and not w.is_broken("en")
