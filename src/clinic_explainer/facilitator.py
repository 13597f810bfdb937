"""Trainer notes per page (content/<procedure>/<locale>/facilitator.yml).

``pages.trainer_notes`` shows them in JupyterLab training sessions only; in patient mode
(Voila) it returns an empty display and none of this HTML is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .html import esc, ul

if TYPE_CHECKING:
    from .schema import FacilitatorNote, FacilitatorStrings

# Used only if a note is rendered without the locale (e.g. a bare schema object in a test).
_FALLBACK = {"demonstrate": "What to demonstrate", "patient_questions": "Common patient questions",
             "timing": "About {n} minutes"}


def note_html(note: FacilitatorNote, labels: FacilitatorStrings | None = None) -> str:
    words = labels.model_dump() if labels is not None else _FALLBACK
    timing = words["timing"].replace("{n}", str(note.minutes))
    questions = (f"<h3>{esc(words['patient_questions'])}</h3>{ul(note.patient_questions)}"
                 if note.patient_questions else "")
    return (f'<p class="ce-timing">{esc(timing)}</p>'
            f"<h3>{esc(words['demonstrate'])}</h3>{ul(note.demonstrate)}{questions}")


@dataclass(frozen=True)
class BoundNote:
    """One page's notes with the headings of the current locale."""

    note: FacilitatorNote
    labels: FacilitatorStrings | None = None

    @property
    def minutes(self) -> int:
        return self.note.minutes

    def html(self) -> str:
        return note_html(self.note, self.labels)
