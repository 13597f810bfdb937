"""A clinician's decision: the append-only log in the database first, then the content file;
a database that cannot be written changes nothing and says why."""

import sqlite3
from datetime import date

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.quality import check
from clinic_explainer.records import reviews
from clinic_explainer.records.database import Database, RecordsUnavailable

from ...content_tree import append, edit

DAY = date(2026, 12, 5)



@pytest.fixture
def db(tmp_path):
    return Database(f"sqlite:///{tmp_path / 'data' / 'clinic.db'}", busy_timeout=0.2)


def test_a_decision_is_logged_then_written_into_the_content(tree, db):
    c = content_mod.load(tree)
    d = reviews.decide(db, c, "en/plain.yml#results", "approved", "  Dr  Ana Ruiz ", today=DAY)
    assert d.by == "Dr Ana Ruiz" and d.text == c.book.items["en/plain.yml#results"].text_hash
    text = (tree / "microneedling" / "reviews.yml").read_text()
    assert "en/plain.yml#results:" in text and "action: approved" in text and d.text in text
    reviews.decide(db, c, "en/plain.yml#benefits", "change-asked", "Dr Ana Ruiz", "Say 'a few months'.", today=DAY)
    log = reviews.history(db)
    assert [(e.item, e.action, e.reviewer) for e in log] == [
        ("en/plain.yml#benefits", "change-asked", "Dr Ana Ruiz"), ("en/plain.yml#results", "approved", "Dr Ana Ruiz")]
    assert log[0].comment == "Say 'a few months'." and log[1].text_hash == d.text
    # approving again later adds a line: the log keeps every decision
    reviews.decide(db, content_mod.load(tree), "en/plain.yml#results", "approved", "Dr Ben Okafor", today=DAY)
    assert len(reviews.history(db, "en/plain.yml#results")) == 2


@pytest.mark.parametrize("name, comment, action, words", [
    ("", "", "approved", "sign your decision"),
    ("<b>Dr</b>", "", "approved", "letters"),
    ("Dr Ana Ruiz", "  ", "change-asked", "say what should change"),
    ("Dr Ana Ruiz", "x" * 2001, "change-asked", "2000"),
])
def test_bad_input_gets_words_and_records_nothing(tree, db, name, comment, action, words):
    with pytest.raises(reviews.DecisionProblem) as info:
        reviews.decide(db, content_mod.load(tree), "en/plain.yml#results", action, name, comment)
    assert words in str(info.value)
    assert not (tree / "microneedling" / "reviews.yml").exists()


def test_a_read_only_or_locked_database_changes_nothing(tree, db):
    c = content_mod.load(tree)
    reviews.decide(db, c, "en/plain.yml#results", "approved", "Dr Ana Ruiz", today=DAY)
    before = (tree / "microneedling" / "reviews.yml").read_text()
    # root writes through file modes, so open the file read-only as SQLite itself does
    read_only = Database(f"sqlite:///file:{db.path}?mode=ro&uri=true")
    read_only._migrated = True
    with pytest.raises(RecordsUnavailable, match="read-only"):
        reviews.decide(read_only, c, "en/plain.yml#benefits", "approved", "Dr Ana Ruiz", today=DAY)
    locker = sqlite3.connect(db.path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(RecordsUnavailable, match="busy"):
            reviews.decide(db, c, "en/plain.yml#benefits", "approved", "Dr Ana Ruiz", today=DAY)
    finally:
        locker.rollback()
        locker.close()
    assert (tree / "microneedling" / "reviews.yml").read_text() == before
    assert [e.item for e in reviews.history(db)] == ["en/plain.yml#results"]


def test_make_check_lists_what_waits_what_was_edited_and_what_went_stale(tree, db, capsys):
    es = content_mod.load(tree, locale="es")
    reviews.decide(db, es, "es/faq/05-results.md", "approved", "Dr Ana Ruiz", today=DAY)
    reviews.decide(db, content_mod.load(tree), "en/plain.yml#results", "approved", "Dr Ana Ruiz", today=DAY)
    append(tree, "microneedling/en/faq/05-results.md", "Ask the clinic what to expect for your skin.")
    edit(tree, "microneedling/en/plain.yml", "a few months", "a few months (ask us)")
    assert check.main([str(tree)]) == 0
    out = capsys.readouterr().out
    assert "stale: es/faq/05-results.md was approved on 2026-12-05, then its source en/faq/05-results.md changed" in out
    assert "edited since Dr Ana Ruiz decided on 2026-12-05: en/plain.yml#results" in out
    assert "never reviewed: " in out and "plain.yml: introduction, how-it-works" in out
