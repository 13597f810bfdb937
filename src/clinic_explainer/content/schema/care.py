"""The recovery files: timeline.yml (phases, milestones), red_flags.yml, aftercare.yml."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    model_validator,
)

from clinic_explainer.content.errors import FieldProblem

from clinic_explainer.content.schema.base import (
    Hours,
    Id,
    ReviewedFile,
    Strict,
    Text,
    unique_ids,
)

# --- timeline.yml ---------------------------------------------------------------------------


def _no_times(value: str) -> str:
    if re.search(r"\d", value):
        raise ValueError("write the name only, without numbers: the page adds the times "
                         "from start_hours and end_hours, so they can never disagree")
    return value


NameOnly = Annotated[Text, AfterValidator(_no_times)]


class Phase(Strict):
    id: Id
    label: NameOnly
    short_label: NameOnly
    start_hours: Hours
    end_hours: Hours
    faq: Annotated[list[Id], Field(min_length=1)]
    may_see: Annotated[list[Text], Field(min_length=1)]
    what_to_do: Annotated[list[Text], Field(min_length=1)]
    contact_if: list[Id] = []


class Milestone(Strict):
    id: Id
    at_hours: Hours
    text: Text


class Illustration(Strict):
    """Where the illustrative curves reach their end points (hours, from the FAQ)."""

    redness_gone_by_hours: Annotated[float, Field(gt=0)]
    results_complete_by_hours: Annotated[float, Field(gt=0)]


class TimelineFile(ReviewedFile):
    caveat: Text
    illustration: Illustration
    phases: Annotated[list[Phase], Field(min_length=2)]
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _phases_in_order(self):
        unique_ids(self.phases, "phases")
        unique_ids(self.milestones, "milestones")
        if self.phases[0].start_hours != 0:
            raise FieldProblem(("phases", 0, "start_hours"), "the first phase must start at 0 hours")
        for i, phase in enumerate(self.phases):
            if phase.end_hours <= phase.start_hours:
                raise FieldProblem(
                    ("phases", i, "end_hours"),
                    f"phase '{phase.id}' ends ({phase.end_hours:g} h) before it starts "
                    f"({phase.start_hours:g} h)",
                )
            if i == 0:
                continue
            prev = self.phases[i - 1]
            if phase.start_hours < prev.end_hours:
                raise FieldProblem(
                    ("phases", i, "start_hours"),
                    f"phase '{phase.id}' starts at {phase.start_hours:g} h, before phase "
                    f"'{prev.id}' ends ({prev.end_hours:g} h): phases overlap or are out of order",
                )
            if phase.start_hours > prev.end_hours:
                raise FieldProblem(
                    ("phases", i, "start_hours"),
                    f"phase '{phase.id}' starts at {phase.start_hours:g} h but phase "
                    f"'{prev.id}' ends at {prev.end_hours:g} h: there is a gap between them",
                )
        end = self.phases[-1].end_hours
        for i, milestone in enumerate(self.milestones):
            if milestone.at_hours > end:
                raise FieldProblem(
                    ("milestones", i, "at_hours"),
                    f"milestone '{milestone.id}' is after the last phase ends ({end:g} h)",
                )
        return self


# --- red_flags.yml --------------------------------------------------------------------------


class UrgencyLevel(Strict):
    id: Id
    label: Text
    action: Text


class RedFlag(Strict):
    id: Id
    level: Id
    text: Text
    # a "check your skin" calendar event this many hours after treatment (only where set)
    follow_up_at_hours: Hours | None = None


class RedFlagsFile(ReviewedFile):
    sources: Annotated[list[Id], Field(min_length=1)]
    levels: Annotated[list[UrgencyLevel], Field(min_length=1)]
    flags: Annotated[list[RedFlag], Field(min_length=1)]

    @model_validator(mode="after")
    def _levels_known(self):
        unique_ids(self.levels, "levels")
        unique_ids(self.flags, "flags")
        known = {level.id for level in self.levels}
        for i, flag in enumerate(self.flags):
            if flag.level not in known:
                raise FieldProblem(
                    ("flags", i, "level"),
                    f"unknown level '{flag.level}' (known: {', '.join(sorted(known))})",
                )
        return self


# --- aftercare.yml --------------------------------------------------------------------------


class AftercareStep(Strict):
    id: Id
    text: Text
    faq: Id
    from_hours: Hours
    until_hours: Hours | None = None
    remind_at_hours: list[Hours] = []


class AftercareFile(ReviewedFile):
    steps: Annotated[list[AftercareStep], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.steps, "steps")
        for i, step in enumerate(self.steps):
            if step.until_hours is not None and step.until_hours <= step.from_hours:
                raise FieldProblem(("steps", i, "until_hours"), "until_hours must be after from_hours")
        return self
