"""The training record beside the knowledge check and the trainer's class view, driven from Python
on a real SQLite database (as JupyterLab would, without a browser)."""

import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from pypdf import PdfReader

from clinic_explainer.records import training
from clinic_explainer.records.database import Database
from clinic_explainer.views.quiz import QuizView
from clinic_explainer.views.training import ClassView, TrainingRecorder


@pytest.fixture
def db(tmp_path):
    return Database(f"sqlite:///{tmp_path / 'clinic.db'}", busy_timeout=0.2)


def take_quiz(content, db, name, right=(), hub_user=""):
    """Answer every question: the right option where its index is in ``right``, else a wrong one."""
    recorder = TrainingRecorder(content, "v1", database=db, hub_user=hub_user)
    if name:
        recorder.type_name(name)
    quiz = QuizView(content, training=True, recorder=recorder)
    for i, q in enumerate(content.quiz.questions):
        wrong = next(j for j in range(len(quiz.options)) if j != q.correct_index)
        quiz.choose(q.correct_index if i in right else wrong)
        quiz.check()
        quiz.next()
    return recorder, quiz


def test_a_typed_name_is_checked_and_answers_are_saved_as_they_come(content, db):
    recorder = TrainingRecorder(content, "v1", database=db, hub_user="")
    recorder.type_name("<b>Ana</b>")
    assert "letters" in recorder.message and training.log_rows(db) == []
    recorder.type_name("A" * 500)
    assert "at most 60" in recorder.message
    quiz = QuizView(content, training=True, recorder=recorder)
    quiz.choose(0)
    quiz.check()  # answered before a name: kept on the page
    assert training.log_rows(db) == []
    recorder.type_name("  Ana   López ")
    rows = training.log_rows(db)
    assert [r["trainee"] for r in rows] == ["Ana López"] and "Saved" in recorder.message
    assert len(db.read(lambda s: s.execute(__import__("sqlalchemy").text("select * from answers")).all())) == 1


def test_the_hub_user_needs_no_name(content, db):
    recorder, quiz = take_quiz(content, db, name="", hub_user="alice")
    rows = training.log_rows(db)
    assert rows[0]["trainee"] == "alice" and rows[0]["hub_user"] == "alice" and rows[0]["finished"]
    assert rows[0]["total"] == str(len(content.quiz.questions))


def test_a_read_only_database_gets_words_and_the_next_save_keeps_everything(content, tmp_path):
    path = tmp_path / "clinic.db"
    Database(f"sqlite:///{path}").migrate()
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    read_only._migrated = True
    recorder = TrainingRecorder(content, "v1", database=read_only, hub_user="")
    recorder.type_name("Ana")
    quiz = QuizView(content, training=True, recorder=recorder)
    quiz.choose(0)
    quiz.check()
    assert "read-only" in recorder.message and "stay on this page" in recorder.message
    assert "Traceback" not in recorder.message
    recorder.db = Database(f"sqlite:///{path}")  # the file is writable again
    quiz.next()
    quiz.choose(0)
    quiz.check()
    assert len(recorder.record.answers) == 2
    assert training.log_rows(recorder.db)[0]["trainee"] == "Ana"


def test_class_view_shows_both_trainees_the_chart_and_the_most_missed_question(content, db):
    first = content.quiz.questions[0]
    take_quiz(content, db, "Ana", right=range(1, 100))   # misses only the first question
    take_quiz(content, db, "Ben", right=range(1, 5))
    view = ClassView(content, training_mode=True, database=db, since=datetime.now(timezone.utc) - timedelta(hours=1),
                     refresh=None)
    assert "Ana" in view.room and "Ben" in view.room and "<table" in view.room
    png = Image.open(io.BytesIO(view.chart_png))
    assert png.size[0] == 1000 and png.size[1] > 400
    assert first.prompt in view.missed and first.passage in view.missed
    assert "training-log.csv" in view.links and view.links.count("application/pdf") == 2


def test_class_view_in_patient_mode_reads_nothing(content, db):
    take_quiz(content, db, "Ana")
    view = ClassView(content, training_mode=False, database=db, refresh=None)
    html = "".join(getattr(child, "value", "") for child in view.children)
    assert "Ana" not in html and content.ui.training.staff_only in html


def test_certificate_is_a_one_page_pdf_with_name_score_and_version(content):
    from clinic_explainer.takehome.certificate import certificate_pdf

    total = len(content.quiz.questions)  # the knowledge check as it is now; two missed
    pdf = certificate_pdf(content, "Ana López", datetime(2026, 12, 4, 10, tzinfo=timezone.utc), total - 2, total,
                          "0123456789abcdef" * 4)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert "Ana López" in text and f"{total - 2} of {total}" in text and "0123456789ab" in text
    assert content.clinic.name in text
