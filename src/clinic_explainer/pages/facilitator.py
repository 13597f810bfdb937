"""Trainer notes per page (content/<procedure>/<locale>/facilitator.yml) as HTML.

``pages.trainer_notes`` calls this in JupyterLab training sessions only; in patient mode
(Voila) none of this HTML is built. The markup: the ``note`` macro of templates/blocks.html.j2.
"""

from __future__ import annotations

from clinic_explainer.content.schema import FacilitatorNote, FacilitatorStrings
from clinic_explainer.pages.render import render_macro


def note_html(note: FacilitatorNote, words: FacilitatorStrings) -> str:
    return render_macro("blocks.html.j2", "note", note=note, words=words)
