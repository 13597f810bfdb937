"""The explorers' files: candidacy.yml, skin.yml, quiz.yml, facilitator.yml."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from clinic_explainer.content.errors import FieldProblem

from clinic_explainer.content.schema.base import (
    Id,
    ReviewedFile,
    Strict,
    Text,
    unique_ids,
)

# --- candidacy.yml --------------------------------------------------------------------------


class Concern(Strict):
    id: Id
    label: Text
    faq: Annotated[list[Id], Field(min_length=1)]


class Contraindication(Strict):
    id: Id
    question: Text
    tell_dermatologist: Text
    faq: Annotated[list[Id], Field(min_length=1)]


class CandidacyFile(ReviewedFile):
    decider: Text
    concerns: Annotated[list[Concern], Field(min_length=1)]
    areas: list[Concern] = []
    contraindications: Annotated[list[Contraindication], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.concerns, "concerns")
        unique_ids(self.areas, "areas")
        unique_ids(self.contraindications, "contraindications")
        return self



# --- skin.yml -------------------------------------------------------------------------------


class Needle(Strict):
    max_depth_mm: Annotated[float, Field(gt=0, le=5)]
    step_mm: Annotated[float, Field(gt=0)]
    faq: Id


class SkinLayer(Strict):
    id: Id
    label: Text
    plain: Text
    min_mm: Annotated[float, Field(gt=0)] | None = None
    max_mm: Annotated[float, Field(gt=0)] | None = None


class RepairItem(Strict):
    id: Id
    label: Text
    plain: Text


class SkinFile(ReviewedFile):
    sources: Annotated[list[Id], Field(min_length=1)]
    needle: Needle
    layers: Annotated[list[SkinLayer], Field(min_length=2)]
    repair: Annotated[list[RepairItem], Field(min_length=1)]

    @model_validator(mode="after")
    def _layers(self):
        unique_ids(self.layers, "layers")
        unique_ids(self.repair, "repair")
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            if not last and (layer.min_mm is None or layer.max_mm is None):
                raise FieldProblem(("layers", i, "min_mm"),
                                   f"layer '{layer.id}' needs min_mm and max_mm (only the deepest layer may leave them out)")
            if layer.min_mm is not None and layer.max_mm is not None and layer.max_mm < layer.min_mm:
                raise FieldProblem(("layers", i, "max_mm"), f"layer '{layer.id}': max_mm is smaller than min_mm")
        if self.needle.step_mm > self.needle.max_depth_mm:
            raise FieldProblem(("needle", "step_mm"), "step_mm must not be larger than max_depth_mm")
        return self


# --- quiz.yml -------------------------------------------------------------------------------


def _has(text: str, phrase: str) -> bool:
    return " ".join(phrase.lower().split()) in " ".join(text.lower().split())


class QuizQuestion(Strict):
    id: Id
    kind: Literal["choice", "true-false"]
    prompt: Text
    choices: list[Text] = []
    answer: int | bool
    faq: Id
    passage: Text
    answer_evidence: Text
    explanation: Text
    teach_back: Text | None = None

    @property
    def correct_index(self) -> int:
        """Index of the right option (true/false: 0 = true, 1 = false)."""
        if self.kind == "true-false":
            return 0 if self.answer else 1
        return int(self.answer)

    def check_key(self) -> list[tuple[tuple, str]]:
        """Problems with the answer key itself, as (field, message); the FAQ is checked at load."""
        problems = []
        if not _has(self.passage, self.answer_evidence):
            problems.append((("answer_evidence",), f"'{self.answer_evidence}' is not in the passage"))
        if self.kind == "choice":
            if isinstance(self.answer, bool) or not 0 <= self.answer < len(self.choices):
                return problems + [(("answer",), f"answer must be the number of a choice, 0 to {len(self.choices) - 1}")]
            if not _has(self.choices[self.answer], self.answer_evidence):
                problems.append((("answer_evidence",), f"'{self.answer_evidence}' is not in the right choice "
                                                       f"'{self.choices[self.answer]}'"))
            for j, choice in enumerate(self.choices):
                if j != self.answer and _has(choice, self.answer_evidence):
                    problems.append((("choices", j), f"a wrong choice also contains '{self.answer_evidence}'"))
        else:
            if not isinstance(self.answer, bool):
                problems.append((("answer",), "a true-false answer must be true or false"))
            elif self.answer != _has(self.prompt, self.answer_evidence):
                want = "contain" if self.answer else "not contain"
                problems.append((("answer_evidence",), f"for a statement that is {str(self.answer).lower()}, "
                                                       f"the statement must {want} '{self.answer_evidence}'"))
        return problems


class QuizFile(ReviewedFile):
    questions: Annotated[list[QuizQuestion], Field(min_length=1)]

    @model_validator(mode="after")
    def _keys(self):
        unique_ids(self.questions, "questions")
        for i, q in enumerate(self.questions):
            if q.kind == "choice" and len(q.choices) < 2:
                raise FieldProblem(("questions", i, "choices"), "a multiple-choice question needs at least 2 choices")
            if q.kind == "true-false" and q.choices:
                raise FieldProblem(("questions", i, "choices"), "a true-false question has no choices")
            for loc, message in q.check_key():
                raise FieldProblem(("questions", i) + loc, message)
        return self


# --- facilitator.yml ------------------------------------------------------------------------


class FacilitatorNote(Strict):
    page: Id
    minutes: Annotated[int, Field(ge=1, le=120)]
    demonstrate: Annotated[list[Text], Field(min_length=1)]
    patient_questions: list[Text] = []


class FacilitatorFile(ReviewedFile):
    notes: Annotated[list[FacilitatorNote], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        seen: dict[str, int] = {}
        for i, note in enumerate(self.notes):
            if note.page in seen:
                raise FieldProblem(("notes", i, "page"), f"page '{note.page}' already has notes (notes[{seen[note.page]}])")
            seen[note.page] = i
        return self

    def for_page(self, page_id: str) -> FacilitatorNote | None:
        return next((n for n in self.notes if n.page == page_id), None)
