"""Training records: save a trainee's session, read the class view, export the log.

``save`` writes a whole ``SessionRecord`` idempotently (its uid names it), so the quiz saves
after every answer and a save that failed (a locked or read-only file) is simply done
again later, from what the page still holds. ``class_view`` is what the trainer's live
page shows; ``log_rows`` is the CSV an inspector asks for.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from clinic_explainer.models.training import SessionRecord
from clinic_explainer.records.database import Database
from clinic_explainer.records.tables import Answer, Trainee, TrainingSession

def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive times (stored in UTC); PostgreSQL aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


LOG_FIELDS = ("trainee", "hub_user", "started", "finished", "score", "total", "content_version", "language", "session")


def save(db: Database, record: SessionRecord) -> None:
    def write(s):
        trainee = s.scalar(select(Trainee).where(Trainee.name == record.name, Trainee.hub_user == record.hub_user))
        if trainee is None:
            trainee = Trainee(name=record.name, hub_user=record.hub_user, created_at=record.started_at)
            s.add(trainee)
            s.flush()
        row = s.scalar(select(TrainingSession).where(TrainingSession.uid == record.uid))
        if row is None:
            row = TrainingSession(uid=record.uid, trainee_id=trainee.id, content_version=record.content_version,
                                  locale=record.locale, started_at=record.started_at, total=record.total)
            s.add(row)
            s.flush()
        row.finished_at, row.score, row.total = record.finished_at, record.score, record.total
        saved = {a.question_id: a for a in row.answers}
        for a in record.answers:
            old = saved.get(a.question_id)
            if old is None:
                row.answers.append(Answer(question_id=a.question_id, chosen=a.chosen, correct=a.correct,
                                          answered_at=a.answered_at))
            else:
                old.chosen, old.correct, old.answered_at = a.chosen, a.correct, a.answered_at
    db.write(write)


@dataclass(frozen=True)
class TraineeRow:
    name: str
    hub_user: str
    started_at: datetime
    finished_at: datetime | None
    score: int
    answered: int
    total: int
    content_version: str


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    answered: int
    right: int

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ClassView:
    trainees: tuple[TraineeRow, ...]
    questions: tuple[QuestionRow, ...]  # most missed first

    @property
    def finished(self) -> int:
        return sum(t.finished_at is not None for t in self.trainees)


def class_view(db: Database, since: datetime | None = None) -> ClassView:
    """Sessions started since ``since`` (a training session's start; all when None)."""
    def read(s):
        query = select(TrainingSession).order_by(TrainingSession.started_at)
        if since is not None:
            query = query.where(TrainingSession.started_at >= since)
        sessions = s.scalars(query).all()
        trainees = tuple(TraineeRow(r.trainee.name, r.trainee.hub_user, _utc(r.started_at), _utc(r.finished_at), r.score,
                                    len(r.answers), r.total, r.content_version) for r in sessions)
        per: dict[str, list[bool]] = {}
        for r in sessions:
            for a in r.answers:
                per.setdefault(a.question_id, []).append(a.correct)
        questions = tuple(sorted((QuestionRow(q, len(v), sum(v)) for q, v in per.items()),
                                 key=lambda q: (q.share_right, -q.answered, q.question_id)))
        return ClassView(trainees, questions)
    return db.read(read)


def log_rows(db: Database) -> list[dict[str, str]]:
    def read(s):
        rows = []
        for r in s.scalars(select(TrainingSession).order_by(TrainingSession.started_at)).all():
            rows.append({"trainee": r.trainee.name, "hub_user": r.trainee.hub_user,
                         "started": _utc(r.started_at).isoformat(timespec="seconds"),
                         "finished": _utc(r.finished_at).isoformat(timespec="seconds") if r.finished_at else "",
                         "score": str(r.score), "total": str(r.total), "content_version": r.content_version,
                         "language": r.locale, "session": r.uid})
        return rows
    return db.read(read)


def log_csv(db: Database) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LOG_FIELDS)
    writer.writeheader()
    writer.writerows(log_rows(db))
    return out.getvalue()
