"""The FAQ answers (faq/*.md front matter) and what sits beside them: plain versions,
evidence notes, jargon, sources."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from clinic_explainer.content.errors import FieldProblem

from clinic_explainer.content.schema.base import (
    Audience,
    Id,
    ReviewedFile,
    Status,
    Strict,
    Text,
    unique_ids,
)

# --- <procedure>/<locale>/faq/*.md front matter ----------------------------------------


class FaqFront(Strict):
    id: Id
    title: Text
    question: Text
    audience: Annotated[list[Audience], Field(min_length=1)]
    sources: Annotated[list[Id], Field(min_length=1)]
    reviewed_by: Text
    last_reviewed: date
    next_review: date
    status: Status = "approved"

    @model_validator(mode="after")
    def _review_after_last(self):
        if self.next_review <= self.last_reviewed:
            raise FieldProblem(("next_review",), "next_review must be later than last_reviewed")
        return self


class FaqSection(BaseModel):
    """A validated FAQ section with its Markdown body (placeholders already filled)."""

    model_config = ConfigDict(frozen=True)
    front: FaqFront
    body: str
    file: str

    @property
    def id(self) -> str:
        return self.front.id


# --- sources.yml --------------------------------------------------------------------------


class Source(Strict):
    id: Id
    title: Text
    publisher: Text
    year: Annotated[int, Field(ge=1900, le=2100)]
    doi: str | None = None
    url: str | None = None


class SourcesFile(ReviewedFile):
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.sources, "sources")
        return self



# --- plain.yml: the "In short" version of each FAQ answer -----------------------------------


class Fact(Strict):
    """One fact of the clinic's answer and how the plain version says it."""

    clinic: Text  # words found in the clinic's answer
    plain: Text   # words found in the plain version


class PlainSection(Strict):
    faq: Id
    in_short: Text
    facts: Annotated[list[Fact | Text], Field(min_length=1)]

    def fact_pairs(self) -> list[Fact]:
        return [f if isinstance(f, Fact) else Fact(clinic=f, plain=f) for f in self.facts]


class PlainFile(ReviewedFile):
    sections: Annotated[list[PlainSection], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        seen: set[str] = set()
        for i, sec in enumerate(self.sections):
            if sec.faq in seen:
                raise FieldProblem(("sections", i, "faq"), f"FAQ section '{sec.faq}' already has a plain version")
            seen.add(sec.faq)
        return self

    def for_faq(self, faq_id: str) -> PlainSection | None:
        return next((s for s in self.sections if s.faq == faq_id), None)


# --- evidence.yml: "What studies say" beside an FAQ answer ---------------------------------


class EvidenceNote(Strict):
    id: Id
    faq: Id
    text: Text
    sources: Annotated[list[Id], Field(min_length=1)]


class EvidenceFile(ReviewedFile):
    notes: list[EvidenceNote] = []

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.notes, "notes")
        return self

    def for_faq(self, faq_id: str) -> list[EvidenceNote]:
        return [n for n in self.notes if n.faq == faq_id]


# --- jargon.yml: hard words and what they mean ---------------------------------------------


class JargonTerm(Strict):
    term: Text
    plain: Text  # the plain word, or a short definition
    defined_as: Annotated[list[Text], Field(min_length=1)]  # wordings that count as defining it on first use


class JargonFile(ReviewedFile):
    terms: Annotated[list[JargonTerm], Field(min_length=1)]

