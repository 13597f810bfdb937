"""'Is it right for me?': turn what a patient ticks into guidance, never a verdict.

Pure model: no widgets, no storage, no logging of answers. The result lists the FAQ parts
that speak to the patient, what to tell the dermatologist, and always ends with the
decider line and "talk to your dermatologist".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from clinic_explainer.content import Content

Reply = Literal["yes", "no", "not-sure"]
REPLIES: tuple[Reply, ...] = ("yes", "no", "not-sure")


@dataclass(frozen=True)
class FaqLink:
    """An FAQ answer the guidance points to (its address: pages/urls.faq_href)."""

    id: str
    title: str


@dataclass(frozen=True)
class Tell:
    question_id: str
    text: str
    unsure: bool


@dataclass(frozen=True)
class Guidance:
    faq: list[FaqLink]
    tell: list[Tell]
    decider: str
    next_step: str

    @property
    def empty(self) -> bool:
        return not self.faq and not self.tell

    def lines(self) -> list[str]:
        """Plain text of the guidance in reading order; the last line is the next step."""
        out = [link.title for link in self.faq] + [t.text for t in self.tell]
        return out + [self.decider, self.next_step]


@dataclass
class CandidacyExplorer:
    """What the patient has ticked; ``guidance()`` is the whole answer."""

    content: Content
    page_id: str = "candidacy"
    concerns: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    replies: dict[str, Reply] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cand = self.content.candidacy
        self._concern_ids = [c.id for c in cand.concerns]
        self._area_ids = [a.id for a in cand.areas]
        self._question_ids = [q.id for q in cand.contraindications]

    def set_concern(self, concern_id: str, ticked: bool) -> None:
        self._toggle(self.concerns, self._concern_ids, concern_id, ticked)

    def set_area(self, area_id: str, ticked: bool) -> None:
        self._toggle(self.areas, self._area_ids, area_id, ticked)

    def answer(self, question_id: str, reply: Reply | None) -> None:
        if question_id not in self._question_ids:
            raise KeyError(f"unknown question '{question_id}'")
        if reply is None:
            self.replies.pop(question_id, None)
        elif reply in REPLIES:
            self.replies[question_id] = reply
        else:
            raise ValueError(f"reply must be one of {REPLIES}")

    def clear(self) -> None:
        self.concerns.clear()
        self.areas.clear()
        self.replies.clear()

    @staticmethod
    def _toggle(chosen: set[str], known: list[str], item_id: str, ticked: bool) -> None:
        if item_id not in known:
            raise KeyError(f"unknown item '{item_id}'")
        (chosen.add if ticked else chosen.discard)(item_id)

    def guidance(self) -> Guidance:
        c, cand = self.content, self.content.candidacy
        wanted: set[str] = set()
        for item in cand.concerns:
            if item.id in self.concerns:
                wanted.update(item.faq)
        for item in cand.areas:
            if item.id in self.areas:
                wanted.update(item.faq)
        tell: list[Tell] = []
        for q in cand.contraindications:
            reply = self.replies.get(q.id)
            if reply in ("yes", "not-sure"):
                wanted.update(q.faq)
                tell.append(Tell(q.id, q.tell_dermatologist, reply == "not-sure"))
        links = [FaqLink(sid, c.faq[sid].front.question)
                 for sid in c.faq if sid in wanted]  # FAQ order, not tick order
        return Guidance(faq=links, tell=tell, decider=cand.decider, next_step=c.text(c.ui.candidacy.next_step))
