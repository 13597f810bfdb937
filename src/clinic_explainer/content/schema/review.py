"""<procedure>/reviews.yml: the clinician's latest decision on each text awaiting review.

Written by the review desk (never by hand, though a hand edit is validated like any file).
Each decision names the words it was about by their hash, so an edit to approved words
sends them back to review by itself; the full history is the database's review log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from clinic_explainer.content.schema.base import Strict, Text

Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
Action = Literal["approved", "change-asked"]


class Decision(Strict):
    action: Action
    by: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    date: dt.date
    text: Hash                   # hash of the words decided on
    source: Hash | None = None   # a translation: hash of the default language's text at the time
    comment: Annotated[str, Field(max_length=2000)] = ""


class ReviewsFile(Strict):
    decisions: dict[Text, Decision] = {}
