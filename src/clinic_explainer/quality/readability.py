"""Reading level per language, from a registry: one entry a language, an unknown one is a clear problem.

English uses US school grades (Flesch-Kincaid and SMOG: fail above grade 8, aim for 6);
Spanish uses reading ease (Fernández-Huerta and Szigriszt-Pazos: fail below 60, about grade
8; aim for 70). textstat 0.7.8 computes them offline (pyphen); a later textstat downloads
NLTK data at first use. A new language is a new ``Formula`` in ``REGISTRY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

GRADE_LIMIT = 8       # fail above this US school grade (English plain texts)
GRADE_GOAL = 6        # what we aim for
EASE_LIMIT = 60       # Spanish: fail below this Fernández-Huerta ease (60-70 = about grade 8)
EASE_GOAL = 70        # "bastante fácil", about grade 6


@dataclass(frozen=True)
class Formula:
    """How one language's texts are scored: two measures, the pass rule and their names."""

    textstat_lang: str
    measures: tuple[str, str]               # textstat function names
    labels: tuple[str, str]                 # how the report names them
    too_hard: Callable[[float, float], bool]
    goal: str                               # e.g. "grade 6 or lower, fails above 8"
    need: str                               # what a failing text needs
    width: int = 5                          # of each figure in the report

    def describe(self, a: float, b: float) -> str:
        return f"{self.labels[0]} {a:{self.width}.1f}, {self.labels[1]} {b:{self.width}.1f}"


REGISTRY: dict[str, Formula] = {
    "en": Formula("en_US", ("flesch_kincaid_grade", "smog_index"), ("Flesch-Kincaid grade", "SMOG"),
                  lambda a, b: max(a, b) > GRADE_LIMIT,
                  f"grade {GRADE_GOAL} or lower, fails above {GRADE_LIMIT}", f"grade {GRADE_LIMIT} or lower", 4),
    "es": Formula("es", ("fernandez_huerta", "szigriszt_pazos"), ("Fernández-Huerta", "Szigriszt-Pazos"),
                  lambda a, b: a < EASE_LIMIT,
                  f"Fernández-Huerta {EASE_GOAL}+, fails below {EASE_LIMIT}", f"Fernández-Huerta {EASE_LIMIT} or more"),
}


def formula_for(locale: str) -> Formula | None:
    """The formula of ``locale`` ("es", "es-MX" -> Spanish), or None when none is registered."""
    return REGISTRY.get(locale) or REGISTRY.get(locale.split("-")[0].split("_")[0])


@dataclass(frozen=True)
class Score:
    """Reading level of one text in one language."""

    formula: Formula
    a: float
    b: float

    def too_hard(self) -> bool:
        return self.formula.too_hard(self.a, self.b)

    def __str__(self) -> str:
        return self.formula.describe(self.a, self.b)


def score(texts: list[str] | str, locale: str) -> Score:
    """Score a text (or texts read as one, each ended as a sentence); KeyError for a language
    with no formula (the check reports it as a problem before scoring)."""
    formula = formula_for(locale)
    if formula is None:
        raise KeyError(locale)
    text = texts if isinstance(texts, str) else " ".join(t if t.rstrip().endswith((".", "?", "!")) else t + "."
                                                         for t in texts)
    import textstat  # 0.7.8 works offline (pyphen); later versions download NLTK data

    textstat.set_lang(formula.textstat_lang)
    try:
        first, second = (getattr(textstat, name) for name in formula.measures)
        return Score(formula, first(text), second(text))
    finally:
        textstat.set_lang("en_US")
