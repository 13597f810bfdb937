"""facts.yml: the numbers and durations patients read in more than one place, each said once in the FAQ."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from clinic_explainer.content.schema.base import Id, ReviewedFile, Strict, Text, unique_ids

Unit = Literal["hours", "days", "weeks", "months", "mm"]
HOURS_PER = {"hours": 1, "days": 24, "weeks": 168, "months": 730.5}


class FactUse(Strict):
    """One place that repeats a fact: a number field that must equal it (``is``, converted to
    the field's unit ``in``), a text that must say it (``says``, with {names}), or a time that
    must fall within what vague words mean (``within``)."""

    model_config = Strict.model_config | {"populate_by_name": True}

    file: Text
    field: Text
    is_: Id | None = Field(None, alias="is")
    in_: Unit | None = Field(None, alias="in")
    says: Text | None = None
    within: bool = False

    @model_validator(mode="after")
    def _one_rule(self):
        if sum((self.is_ is not None, self.says is not None, self.within)) != 1:
            raise ValueError("give exactly one of 'is', 'says' or 'within: true'")
        return self


class Fact(Strict):
    id: Id
    faq: Id
    words: Text  # how the FAQ answer says it, {names} for its numbers: "{start} to {end} hours"
    unit: Unit
    # what words with no number mean, in hours ("a few months": [1460, 4380])
    means_hours: tuple[float, float] | None = None
    used_in: Annotated[list[FactUse], Field(min_length=1)]


class FactsFile(ReviewedFile):
    facts: list[Fact]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.facts, "facts")
        return self
