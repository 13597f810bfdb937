"""Shared pieces of every content file's model: strict models, ids, texts, review dates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from clinic_explainer.content.errors import FieldProblem


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Audience = Literal["patient", "staff"]
Status = Literal["approved", "draft"]
Hours = Annotated[float, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def unique_ids(items, field: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise FieldProblem((field, i, "id"), f"the id '{item.id}' is used twice")
        seen.add(item.id)


class Review(Strict):
    reviewed_by: Text
    last_reviewed: date
    next_review: date

    @model_validator(mode="after")
    def _review_after_last(self):
        if self.next_review <= self.last_reviewed:
            raise ValueError("next_review must be later than last_reviewed")
        return self


class ReviewedFile(Strict):
    """What every content data file carries: who reviewed it, and whether it is a draft."""

    review: Review
    status: Status = "approved"
