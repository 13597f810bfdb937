"""The clinician's decisions on texts awaiting review: the append-only log, then the content file.

``decide`` first appends the decision to the review log (the ``review_events`` table: who,
what, when, the hash of the words) and only then writes it into ``<procedure>/reviews.yml``,
which is what patients' pages follow. If the database cannot be written, nothing changes
and the words say why; an approval is never in the content without its line in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from clinic_explainer.content import Content
from clinic_explainer.content.review import write_decision
from clinic_explainer.content.schema.review import Decision
from clinic_explainer.models.training import NameProblem, clean_name
from clinic_explainer.records.database import Database
from clinic_explainer.records.tables import ReviewEvent

COMMENT_MAX = 2000


class DecisionProblem(ValueError):
    """A decision that cannot be recorded as asked; ``str()`` says why in words."""


@dataclass(frozen=True)
class Event:
    item: str
    action: str
    reviewer: str
    comment: str
    text_hash: str
    at: datetime


def decide(db: Database, c: Content, key: str, action: str, reviewer: str, comment: str = "",
           today: date | None = None) -> Decision:
    """Record the clinician's ``action`` ("approved" or "change-asked") on the item ``key`` as
    its words are now. Raises DecisionProblem (words) or RecordsUnavailable (words)."""
    item = c.book.items.get(key)
    if item is None:
        raise DecisionProblem("This text is no longer in the content files (it was renamed or removed). Reload the desk.")
    try:
        name = clean_name(reviewer)
    except NameProblem as exc:
        raise DecisionProblem(str(exc).replace("to start", "to sign your decision")) from exc
    comment = " ".join(str(comment or "").split()) if action == "approved" else str(comment or "").strip()
    if action == "change-asked" and not comment:
        raise DecisionProblem("Please say what should change, so whoever edits the text knows what to do.")
    if len(comment) > COMMENT_MAX:
        raise DecisionProblem(f"Please keep the comment under {COMMENT_MAX} characters.")
    source = c.book.items.get(item.source) if item.source else None
    decision = Decision(action=action, by=name, date=today or date.today(), text=item.text_hash,
                        source=source.text_hash if source else None, comment=comment)
    at = datetime.now(timezone.utc)
    db.write(lambda s: s.add(ReviewEvent(item=key, action=action, reviewer=name, comment=comment,
                                         text_hash=item.text_hash, at=at)))
    write_decision(c.root / c.procedure, key, decision)
    return decision


def history(db: Database, key: str | None = None) -> list[Event]:
    """The review log, newest first (of one item, or of all)."""
    def read(s):
        query = select(ReviewEvent).order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
        if key is not None:
            query = query.where(ReviewEvent.item == key)
        return [Event(r.item, r.action, r.reviewer, r.comment, r.text_hash,
                      r.at if r.at.tzinfo else r.at.replace(tzinfo=timezone.utc)) for r in s.scalars(query)]
    return db.read(read)
