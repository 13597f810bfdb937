"""patient_questions.yml: questions patients often ask, with model answers for staff.

Each model answer is drawn only from the FAQ answers it names (``faq``) and, where the FAQ
needs them, the sourced "What studies say" notes (``notes``, ids of evidence.yml). Its
``evidence`` are quotes that must be found word for word in those texts (checked with the
FAQ at load, content/crossref.py). Where the FAQ does not answer the question
(``faq_silent: true``), the model answer must say the file's ``ask_clinician`` words.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from clinic_explainer.content.errors import FieldProblem
from clinic_explainer.content.schema.base import Id, ReviewedFile, Strict, Text, unique_ids

__all__ = ["PatientQuestion", "PatientQuestionsFile"]


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


class PatientQuestion(Strict):
    id: Id
    question: Text
    answer: Text  # the model answer, in words a patient understands
    faq: Annotated[list[Id], Field(min_length=1)]
    evidence: Annotated[list[Text], Field(min_length=1)]
    notes: list[Id] = []
    faq_silent: bool = False


class PatientQuestionsFile(ReviewedFile):
    ask_clinician: Text  # what a model answer says where the FAQ is silent
    questions: Annotated[list[PatientQuestion], Field(min_length=1)]

    @model_validator(mode="after")
    def _answers(self):
        unique_ids(self.questions, "questions")
        for i, q in enumerate(self.questions):
            if q.faq_silent and _squash(self.ask_clinician) not in _squash(q.answer):
                raise FieldProblem(("questions", i, "answer"),
                                   f"the FAQ does not answer '{q.question}' (faq_silent), so the model answer must "
                                   f"say '{self.ask_clinician}'")
            for field in ("faq", "notes"):
                ids = getattr(q, field)
                for j, ref in enumerate(ids):
                    if ref in ids[:j]:
                        raise FieldProblem(("questions", i, field, j), f"'{ref}' is listed twice")
        return self
