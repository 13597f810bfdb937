"""`make check`: validate content/ in every language and tell the editor what to fix.

Exit code 1 with one line per problem (file, line, field, message) when content is
broken; otherwise a report: the reading level of every patient-facing section (the clinic's
answer and its plain version, in each language), drafts waiting for clinic review, reviews
coming up. Besides loading (content.load), the check fails when:

- a plain text we wrote (an "In short" version, a timeline card, a warning sign, aftercare,
  a "What studies say" note) reads above grade 8 in its language's formula (readability.py:
  English Flesch-Kincaid or SMOG, Spanish Fernández-Huerta), or the language has no formula;
- a hard word from jargon.yml is used without its meaning right there, the first time;
- a review date has passed;
- the languages disagree: a section, phase or fact in one and not the other, or a number or
  date that differs (see parity.py).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.content.crossref import abs_path, fold
from clinic_explainer.content.files import read_yaml, rel_path
from clinic_explainer.content.validation import line_for
from clinic_explainer.quality import parity
from clinic_explainer.quality.readability import REGISTRY, Score, formula_for, score
from clinic_explainer.content.errors import ContentError, Problem, format_loc

# --- the texts a patient reads, by file and field ---------------------------------------------


def _md_plain(text: str) -> str:
    return re.sub(r"[*_`#>]", "", text)


def plain_units(c: content_mod.Content) -> list[tuple[str, str, tuple, str | list[str]]]:
    """(label, file, field, text) of every text written for patients in plain words.

    A data file is one unit, read in order (a hard word is explained the first time it
    appears in that file); each "In short" version and study note is a unit of its own.
    """
    base = c.root / c.procedure / c.locale
    rel = lambda name: rel_path(base / name)  # noqa: E731
    units: list[tuple[str, str, tuple, str | list[str]]] = []
    for i, sec in enumerate(c.plain.sections):
        units.append((f"in short: {sec.faq}", rel("plain.yml"), ("sections", i, "in_short"), sec.in_short))
    for i, note in enumerate(c.evidence.notes):
        units.append((f"what studies say: {note.id}", rel("evidence.yml"), ("notes", i, "text"), note.text))
    tl = c.timeline
    units.append(("timeline cards", rel("timeline.yml"), ("phases",),
                  [t for p in tl.phases for t in (*p.may_see, *p.what_to_do)] + [m.text for m in tl.milestones]
                  + [tl.caveat]))
    units.append(("warning signs", rel("red_flags.yml"), ("flags",),
                  [t for lvl in c.red_flags.levels for t in (lvl.label, lvl.action)] + [f.text for f in c.red_flags.flags]))
    units.append(("aftercare", rel("aftercare.yml"), ("steps",), [s.text for s in c.aftercare.steps]))
    cand = c.candidacy
    units.append(("candidacy", rel("candidacy.yml"), ("contraindications",),
                  [cand.decider, *(x.label for x in (*cand.concerns, *cand.areas)),
                   *(t for x in cand.contraindications for t in (x.question, x.tell_dermatologist))]))
    return units


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "\n".join(text)


def jargon_problems(c: content_mod.Content) -> list[Problem]:
    problems = []
    for label, file, loc, text in plain_units(c):
        body = _joined(text)
        low = body.lower()
        for term in c.jargon.terms:
            m = re.search(r"\b" + re.escape(term.term.lower()), low)
            if not m:
                continue
            window = low[max(0, m.start() - 80): m.end() + 100]
            if not any(fold(d) in fold(window) for d in term.defined_as):
                problems.append(Problem(file, format_loc(loc), f"'{term.term}' is a hard word ({label}). The first "
                                        f"time you use it, explain it right there, e.g. '{term.term} ({term.plain})', "
                                        f"or write '{term.plain}' instead (jargon.yml).", _line(file, loc)))
    return problems


def _line(file: str, loc: tuple) -> int | None:
    try:
        _, lines = read_yaml(abs_path(file))
    except ContentError:
        return None
    return line_for(loc, lines)


def readability_problems(c: content_mod.Content) -> list[Problem]:
    problems = []
    for label, file, loc, text in plain_units(c):
        s = score(text if isinstance(text, list) else _md_plain(text), c.locale)
        if s.too_hard():
            problems.append(Problem(file, format_loc(loc), f"too hard to read ({label}: {s}; needs {s.formula.need}). "
                                    "Use shorter sentences and shorter, everyday words.", _line(file, loc)))
    return problems


def review_problems(c: content_mod.Content, today: date) -> list[Problem]:
    return [Problem(file, "next_review", f"the review was due on {review.next_review}. Ask the clinic to review "
                    "this file, then set last_reviewed and next_review.", None)
            for file, review, _ in c.reviews() if review.next_review < today]


def section_rows(c: content_mod.Content) -> list[tuple[str, Score, Score | None]]:
    """(FAQ id, the clinic's answer, its plain version) for every FAQ section."""
    rows = []
    for sid, section in c.faq.items():
        plain = c.plain.for_faq(sid)
        rows.append((sid, score(_md_plain(section.body), c.locale), score(plain.in_short, c.locale) if plain else None))
    return rows


def review_summary(c: content_mod.Content) -> list[str]:
    """Lines for `make check`: what in this language awaits the clinician (texts never reviewed
    grouped by file), what was edited since its approval, what a clinician asked to change,
    what went stale, and decisions about texts that are gone."""
    lines, never = [], {}
    for item in c.book.waiting(c.locale):
        state, decision = c.book.state(item.key), c.book.decisions.get(item.key)
        where = rel_path(item.path)
        if state == "needs-review" and decision is None:
            never.setdefault(where, []).append(item.ref or "the whole file")
        elif state == "needs-review":
            lines.append(f"    edited since {decision.by} decided on {decision.date}: {item.key} ({where})")
        elif state == "change-asked":
            lines.append(f"    change asked by {decision.by} on {decision.date}: {item.key} ({where}): {decision.comment}")
        else:
            lines.append(f"    stale: {item.key} was approved on {decision.date}, then its source {item.source} changed ({where})")
    lines += [f"    never reviewed: {where}: {', '.join(refs)}" for where, refs in never.items()]
    lines += [f"    decision about a text that is gone: {key} (reviews.yml)" for key in c.book.orphans()]
    return lines


def report(c: content_mod.Content, today: date) -> list[str]:
    lines = [f"  reading level, language '{c.locale}' (goal: {formula_for(c.locale).goal})"]
    for sid, clinic, plain in section_rows(c):
        lines.append(f"    {sid:18} clinic's answer: {clinic}   in short: {plain}")
    for label, _, _, text in plain_units(c):
        if not label.startswith("in short"):
            lines.append(f"    {label:34} {score(text, c.locale)}")
    waiting = review_summary(c)
    if waiting:
        lines.append(f"  waiting for the clinician ('{c.locale}', the review desk: notebooks/07_review_desk.ipynb):")
        lines += waiting
    for file, review, status in c.reviews():
        if review.next_review == today:
            lines.append(f"  review due today: {file}")
    return lines


def check_all(root: Path | None, today: date) -> tuple[list[content_mod.Content], list[Problem]]:
    """Load every language and run every check; (loaded contents, problems)."""
    problems: list[Problem] = []
    try:
        locales = content_mod.locales(root)
        default = content_mod.load(root)
    except ContentError as exc:
        return [], exc.problems
    loaded = []
    for loc in dict.fromkeys([default.locale, *locales]):
        try:
            c = content_mod.load(root, locale=loc).for_staff()  # the files as written, every draft in
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(c)
        if formula_for(loc) is None:  # the check cannot say whether patients can read it
            problems.append(Problem(rel_path(c.root / "locales" / f"{loc}.yml"), "",
                                    f"there is no reading-level formula for the language '{loc}' (known: "
                                    f"{', '.join(sorted(REGISTRY))}). Add one to quality/readability.py."))
            problems += jargon_problems(c) + review_problems(c, today)
            continue
        problems += readability_problems(c) + jargon_problems(c) + review_problems(c, today)
    if len(locales) > 1:
        problems += parity.problems(default.root, default.procedure, default.locale,
                                    [loc for loc in locales if loc != default.locale])
    return loaded, list(dict.fromkeys(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the content files.")
    parser.add_argument("root", nargs="?", type=Path, default=None, help="content folder (default: content/)")
    opts = parser.parse_args(argv)
    loaded, problems = check_all(opts.root, date.today())
    if problems:
        print(f"Content check FAILED ({len(problems)} problem(s)):", file=sys.stderr)
        for problem in dict.fromkeys(problems):
            print(f"  {problem}", file=sys.stderr)
        return 1
    c = loaded[0]
    print(f"Content check passed: {c.clinic.name}, procedure '{c.procedure}', "
          f"languages {', '.join(x.locale for x in loaded)}, {len(c.faq)} FAQ sections, "
          f"{len(c.timeline.phases)} recovery phases.")
    for c in loaded:
        for line in report(c, date.today()):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
