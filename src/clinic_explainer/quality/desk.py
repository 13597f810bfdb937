"""The automatic checks the review desk shows beside each text.

For a clinician deciding on one text: are the clinic's facts and numbers kept, how hard is it
to read, are its sources known, is every hard word explained, does a translation give the
same numbers and entries as the default language. Each check is (name, passed, detail), the
detail in figures; the names are interface words (locales, ``review_desk.checks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_explainer.content import Content
from clinic_explainer.content.crossref import fold, numbers
from clinic_explainer.content.errors import format_loc
from clinic_explainer.content.files import rel_path
from clinic_explainer.content.review import Item
from clinic_explainer.quality import parity
from clinic_explainer.quality.check import jargon_problems, plain_units, readability_problems
from clinic_explainer.quality.readability import formula_for, score


@dataclass(frozen=True)
class Check:
    name: str      # key of review_desk.checks in the locale: facts, numbers, reading, sources, jargon, parity
    passed: bool
    detail: str


def _reading(c: Content, text) -> Check:
    if formula_for(c.locale) is None:
        return Check("reading", False, c.locale)
    s = score(text, c.locale)
    return Check("reading", not s.too_hard(), str(s))


def _problems_at(problems, file: str, loc: tuple) -> list[str]:
    """The messages of ``problems`` in ``file`` at the field ``loc`` or inside it."""
    at = format_loc(loc)
    return [p.message for p in problems if p.file == file and
            (not at or p.field == at or p.field.startswith((at + ".", at + "[")))]


def checks(c: Content, item: Item) -> list[Check]:
    """The checks of one item of ``c``'s language (``c``: the staff view of that language)."""
    file = rel_path(item.path)
    out: list[Check] = []
    if item.name == "plain.yml":
        sec = c.plain.sections[item.loc[1]]
        answer = c.faq.get(sec.faq)
        facts = sec.fact_pairs()
        kept = [f for f in facts if fold(f.plain) in fold(sec.in_short)]
        out.append(Check("facts", len(kept) == len(facts), f"{len(kept)}/{len(facts)}"))
        if answer is not None:
            need = list(dict.fromkeys(numbers(answer.body)))
            missing = [n for n in need if n not in numbers(sec.in_short)]
            out.append(Check("numbers", not missing, ", ".join(missing) if missing else ", ".join(need) or "0"))
            out.append(Check("sources", bool(answer.front.sources), str(len(answer.front.sources))))
        out.append(_reading(c, sec.in_short))
    elif item.name == "evidence.yml":
        note = c.evidence.notes[item.loc[1]]
        known = [s for s in note.sources if s in c.sources]
        out.append(Check("sources", len(known) == len(note.sources) and bool(known), str(len(known))))
        out.append(_reading(c, note.text))
    elif item.name == "jargon.yml":
        term = c.jargon.terms[item.loc[1]]
        used = [label for label, _, _, text in plain_units(c)
                if fold(term.term) in fold(text if isinstance(text, str) else " ".join(text))]
        out.append(Check("used", True, str(len(used))))
        out.append(_reading(c, term.plain))
    else:
        units = [text for _, ufile, _, text in plain_units(c) if ufile == file]
        if units:
            out.append(Check("reading", not _problems_at(readability_problems(c), file, ()),
                             str(score(units[0], c.locale)) if formula_for(c.locale) else c.locale))
    if item.name != "jargon.yml":
        hard = _problems_at(jargon_problems(c), file, item.loc)
        out.append(Check("jargon", not hard, str(len(hard))))
    if item.source:
        default = c.clinic.default_locale
        diffs = [p.message for p in parity.problems(c.root, c.procedure, default, [c.locale]) if p.file == file]
        out.append(Check("parity", not diffs, str(len(diffs))))
    return out

