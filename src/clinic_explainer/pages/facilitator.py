"""Trainer notes per page (content/<procedure>/<locale>/facilitator.yml) as HTML.

``pages.trainer_notes`` calls this in JupyterLab training sessions only; in patient mode
(Voila) none of this HTML is built.
"""

from __future__ import annotations

from clinic_explainer.pages.html import esc, ul
from clinic_explainer.content.schema import FacilitatorNote, FacilitatorStrings


def note_html(note: FacilitatorNote, words: FacilitatorStrings) -> str:
    timing = words.timing.replace("{n}", str(note.minutes))
    questions = (f"<h3>{esc(words.patient_questions)}</h3>{ul(note.patient_questions)}"
                 if note.patient_questions else "")
    return (f'<p class="ce-timing">{esc(timing)}</p>'
            f"<h3>{esc(words.demonstrate)}</h3>{ul(note.demonstrate)}{questions}")
