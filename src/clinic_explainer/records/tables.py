"""The tables (SQLAlchemy's declarative models). A change here is a new migration in migrations/versions/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Trainee(Base):
    """A member of staff: the hub user on JupyterHub, else the name typed at the start."""

    __tablename__ = "trainees"
    __table_args__ = (UniqueConstraint("name", "hub_user", name="uq_trainee_name_hub_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    hub_user: Mapped[str] = mapped_column(String(80), default="")  # "" on one machine
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sessions: Mapped[list[TrainingSession]] = relationship(back_populates="trainee")


class TrainingSession(Base):
    """One trainee taking the knowledge check once, on one version of the content."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # made by the page: saving twice is one row
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    content_version: Mapped[str] = mapped_column(String(64))  # hash of the content files
    locale: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    score: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    trainee: Mapped[Trainee] = relationship(back_populates="sessions")
    answers: Mapped[list[Answer]] = relationship(back_populates="session", cascade="all, delete-orphan")


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id", name="uq_answer_session_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    question_id: Mapped[str] = mapped_column(String(80))
    chosen: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    session: Mapped[TrainingSession] = relationship(back_populates="answers")


class ReviewEvent(Base):
    """The content review log, append-only: who approved (or asked to change) which words, when."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item: Mapped[str] = mapped_column(String(200), index=True)  # e.g. "en/plain.yml#results" (content/review.py)
    action: Mapped[str] = mapped_column(String(20))     # "approved" or "change-asked"
    reviewer: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str] = mapped_column(String(64))  # hash of the words decided on (content/review.py text_hash)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
