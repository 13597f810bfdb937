"""A trainee's knowledge-check session, pure: the name they typed, their answers, their score.

Nothing here touches the database (records/training.py saves it) or a widget (views/quiz.py
shows it). A name is checked before it is used: plain words only, no markup.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

NAME_MAX = 60
# letters of any language, spaces, and the marks names use (O'Brien, Anne-Marie, J. Smith)
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")


class NameProblem(ValueError):
    """A typed name that cannot be used; ``str()`` says why in words."""


def clean_name(text: str) -> str:
    """The trainee's name, white space folded; NameProblem with words when it cannot be used."""
    name = " ".join(str(text or "").split())
    if not name:
        raise NameProblem("Please type your name to start.")
    if len(name) > NAME_MAX:
        raise NameProblem(f"Please use at most {NAME_MAX} letters (a short form of your name is fine).")
    if not _NAME.match(name):
        raise NameProblem("Please use letters, spaces, hyphens and apostrophes only.")
    return name


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class AnswerRecord:
    question_id: str
    chosen: str
    correct: bool
    answered_at: datetime


@dataclass
class SessionRecord:
    """Everything a training record needs about one session; saved whole, again and again
    (each save replaces the last), so a save that fails loses nothing the page still has."""

    name: str
    hub_user: str
    content_version: str
    locale: str
    total: int
    started_at: datetime = field(default_factory=now)
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    answers: list[AnswerRecord] = field(default_factory=list)
    finished_at: datetime | None = None

    @property
    def score(self) -> int:
        return sum(a.correct for a in self.answers)

    def answer(self, question_id: str, chosen: str, correct: bool, at: datetime | None = None) -> None:
        self.answers = [a for a in self.answers if a.question_id != question_id]
        self.answers.append(AnswerRecord(question_id, chosen, correct, at or now()))

    def finish(self, at: datetime | None = None) -> None:
        self.finished_at = at or now()
