"""The training store on a real SQLite database: migrations, saving, the class view, the log,
and a database that is locked, read-only or deleted mid-session (words, nothing lost)."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from clinic_explainer.models.training import NameProblem, SessionRecord, clean_name
from clinic_explainer.records import training
from clinic_explainer.records.database import Database, RecordsUnavailable, head_revision

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path):
    return Database(f"sqlite:///{tmp_path / 'data' / 'clinic.db'}", busy_timeout=0.2)


def session(name="Ana López", answers=(("downtime", "Virtually no downtime", True),), finished=False):
    r = SessionRecord(name, "", "v1", "en", total=3, started_at=T0)
    for i, (q, chosen, right) in enumerate(answers):
        r.answer(q, chosen, right, at=T0 + timedelta(minutes=i + 1))
    if finished:
        r.finish(at=T0 + timedelta(minutes=10))
    return r


def test_upgrade_from_empty_makes_every_table(db):
    db.migrate()
    assert db.revision() == head_revision() == "0002"
    names = set(inspect(db.engine).get_table_names())
    assert {"trainees", "training_sessions", "answers", "review_events", "alembic_version"} <= names


def test_upgrade_from_the_first_schema_keeps_its_rows(db):
    db.migrate("0001")
    assert db.revision() == "0001" and "review_events" not in inspect(db.engine).get_table_names()
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO trainees (id, name, hub_user, created_at) VALUES (1, 'Ana', '', '2026-12-01 09:00:00')"))
        c.execute(text("INSERT INTO training_sessions (uid, trainee_id, content_version, locale, started_at, score, total)"
                       " VALUES ('u1', 1, 'v0', 'en', '2026-12-01 09:00:00', 2, 3)"))
    db.migrate()
    assert db.revision() == "0002"
    rows = training.log_rows(db)
    assert [(r["trainee"], r["score"], r["content_version"]) for r in rows] == [("Ana", "2", "v0")]


def test_saving_again_replaces_the_session_and_adds_no_row(db):
    r = session()
    training.save(db, r)
    r.answer("redness", "Within 12 to 48 hours", True, at=T0 + timedelta(minutes=5))
    r.finish(at=T0 + timedelta(minutes=10))
    training.save(db, r)
    training.save(db, r)
    rows = training.log_rows(db)
    assert len(rows) == 1 and rows[0]["score"] == "2" and rows[0]["finished"] == "2026-12-04T09:10:00+00:00"


def test_class_view_shows_who_finished_and_the_most_missed_question_first(db):
    training.save(db, session("Ana", [("downtime", "x", True), ("redness", "y", False)], finished=True))
    training.save(db, session("Ben", [("downtime", "x", True), ("redness", "z", False), ("depth", "2 mm", True)]))
    view = training.class_view(db, since=T0 - timedelta(hours=1))
    assert [t.name for t in view.trainees] == ["Ana", "Ben"] and view.finished == 1
    assert view.questions[0].question_id == "redness" and view.questions[0].share_right == 0.0
    assert training.class_view(db, since=T0 + timedelta(hours=1)).trainees == ()


def test_log_csv_has_a_row_per_session_with_the_content_version(db):
    training.save(db, session("Ana", finished=True))
    training.save(db, session("Ben"))
    lines = training.log_csv(db).splitlines()
    assert lines[0] == ",".join(training.LOG_FIELDS)
    assert len(lines) == 3 and all(",v1,en," in line for line in lines[1:])


def test_two_trainees_with_the_same_typed_name_keep_their_own_sessions(db):
    training.save(db, session("Ana"))
    training.save(db, session("Ana"))
    assert len(training.log_rows(db)) == 2


def test_a_locked_database_gets_words_and_the_next_save_keeps_everything(db, tmp_path):
    training.save(db, session("Ana"))
    holder = sqlite3.connect(db.path)
    holder.execute("BEGIN EXCLUSIVE")
    r = session("Ben", [("downtime", "x", True)])
    with pytest.raises(RecordsUnavailable, match="busy"):
        training.save(db, r)
    holder.rollback()
    holder.close()
    r.answer("redness", "y", False)
    training.save(db, r)  # the page kept every answer: saved whole
    assert {row["trainee"]: row["score"] for row in training.log_rows(db)} == {"Ana": "1", "Ben": "1"}


def test_a_read_only_database_gets_words(tmp_path):
    path = tmp_path / "clinic.db"
    writable = Database(f"sqlite:///{path}")
    training.save(writable, session("Ana"))
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    read_only._migrated = True  # opened by the server that made it
    with pytest.raises(RecordsUnavailable, match="read-only"):
        training.save(read_only, session("Ben"))
    assert [row["trainee"] for row in training.log_rows(writable)] == ["Ana"]  # nothing saved is lost


def test_a_database_deleted_mid_session_is_made_again_with_the_whole_session(db):
    r = session("Ana")
    training.save(db, r)
    db.path.unlink()
    r.answer("redness", "y", True)
    training.save(db, r)
    rows = training.log_rows(db)
    assert len(rows) == 1 and rows[0]["score"] == "2"


@pytest.mark.parametrize("typed, words", [
    ("", "type your name"),
    ("   ", "type your name"),
    ("A" * 500, "at most 60"),
    ("<script>alert(1)</script>", "letters, spaces"),
    ("Ana <b>", "letters, spaces"),
])
def test_names_that_cannot_be_used_get_words(typed, words):
    with pytest.raises(NameProblem, match=words):
        clean_name(typed)


def test_names_of_many_languages_are_kept():
    assert clean_name("  José   María ") == "José María"
    assert clean_name("Siobhán O'Brien-Ng") == "Siobhán O'Brien-Ng"
