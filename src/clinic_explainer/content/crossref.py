"""Checks between files: ids that must exist, quotes that must match the FAQ, facts and numbers kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


from clinic_explainer.content import schema
from clinic_explainer.content.errors import Problem, format_loc

from clinic_explainer.content.files import PACKAGE_ROOT, Lines
from clinic_explainer.content.validation import line_for


def check_refs(file: str, lines: Lines, refs: list[tuple[tuple, str]], known: set[str], kind: str,
                problems: list[Problem]) -> None:
    for loc, ref in refs:
        if ref not in known:
            problems.append(Problem(file, format_loc(loc), f"unknown {kind} id '{ref}' (known: {', '.join(sorted(known))})",
                                    line_for(loc, lines)))


def squash(text: str) -> str:
    """White space folded to single spaces: how quotes are compared with the FAQ."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """Squashed, lower case, en dashes and curly apostrophes made plain: how facts and
    definitions are looked for in a text (the one normaliser of the content checks)."""
    return squash(text.replace("–", "-").replace("’", "'").lower())


def abs_path(file: str) -> Path:
    return Path(file) if Path(file).is_absolute() else PACKAGE_ROOT / file


def _newer(a: str, b: str) -> bool:
    try:
        return abs_path(a).stat().st_mtime_ns > abs_path(b).stat().st_mtime_ns
    except OSError:
        return False


def _body_line(section: schema.FaqSection, lines: Lines, words: str) -> int | None:
    """The line of the FAQ file where ``words`` (or their start) would be."""
    start = lines.get((), 1)
    try:
        text = abs_path(section.file).read_text(encoding="utf-8").split("\n")
    except OSError:
        return start
    first = " ".join(words.split()[:3]).lower()
    for n, line in enumerate(text, 1):
        if first and first in line.lower():
            return n
    end = next((n for n, line in enumerate(text, 1) if n > 1 and line.strip() == "---"), start)
    return end + 1


def _missing_quote(faq_section: schema.FaqSection, faq_lines: Lines, other_file: str, other_line: int | None,
                   field: str, words: str, what: str, problems: list[Problem]) -> bool:
    """Words quoted from an FAQ answer are no longer in it. If the FAQ file is the one edited
    last, report it there (the nurse changed the answer); else let the caller report it."""
    if not _newer(faq_section.file, other_file):
        return False
    where = f"{other_file}, line {other_line}" if other_line else other_file
    problems.append(Problem(
        faq_section.file, "", f"this answer no longer says '{words}', but {what} repeats these words "
        f"({where}, field '{field}'). If you meant to change the answer, change {Path(other_file).name} too; "
        f"if not, undo your change here.", _body_line(faq_section, faq_lines, words)))
    return True


def check_explorers(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                     source_ids: set[str], rel, problems: list[Problem], faq_lines: dict[str, Lines]) -> None:
    """References of skin.yml and quiz.yml; a quiz passage must be quoted exactly from its FAQ section."""
    skin, quiz, faq_ids = parts["skin"], parts["quiz"], set(faq)
    skin_file, skin_lines = rel("skin.yml"), part_lines["skin.yml"]
    check_refs(skin_file, skin_lines, [(("sources", i), s) for i, s in enumerate(skin.sources)],
                source_ids, "source", problems)
    check_refs(skin_file, skin_lines, [(("needle", "faq"), skin.needle.faq)], faq_ids, "FAQ", problems)
    depth = f"{skin.needle.max_depth_mm:g} mm"
    if skin.needle.faq in faq and depth not in squash(faq[skin.needle.faq].body):
        problems.append(Problem(skin_file, "needle.max_depth_mm",
                                f"the FAQ section '{skin.needle.faq}' does not say '{depth}'",
                                line_for(("needle", "max_depth_mm"), skin_lines)))
    quiz_file, quiz_lines = rel("quiz.yml"), part_lines["quiz.yml"]
    check_refs(quiz_file, quiz_lines, [(("questions", i, "faq"), q.faq) for i, q in enumerate(quiz.questions)],
                faq_ids, "FAQ", problems)
    for i, q in enumerate(quiz.questions):
        if q.faq in faq and squash(q.passage) not in squash(faq[q.faq].body):
            field = f"questions[{i}].passage"
            line = line_for(("questions", i, "passage"), quiz_lines)
            if _missing_quote(faq[q.faq], faq_lines[faq[q.faq].file], quiz_file, line, field, q.passage,
                              "the knowledge check", problems):
                continue
            problems.append(Problem(quiz_file, f"questions[{i}].passage",
                                    f"this passage is not an exact quote from the FAQ section '{q.faq}' "
                                    f"({faq[q.faq].file})", line_for(("questions", i, "passage"), quiz_lines)))


NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> list[str]:
    """The numbers written in a text, in order ('1–2 weeks' -> ['1', '2']; '0,5' == '0.5')."""
    return [n.replace(",", ".") for n in NUMBER.findall(text)]


def _has_words(text: str, words: str) -> bool:
    return fold(words) in fold(text)


def check_plain(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                 faq_lines: dict[str, Lines], source_ids: set[str], rel, problems: list[Problem]) -> None:
    """Every FAQ answer has a plain version that keeps its facts and numbers; evidence notes are sourced."""
    plain, file, lines = parts["plain"], rel("plain.yml"), part_lines["plain.yml"]
    for i, sec in enumerate(plain.sections):
        loc = ("sections", i)
        if sec.faq not in faq:
            problems.append(Problem(file, format_loc(loc + ("faq",)), f"unknown FAQ id '{sec.faq}' "
                                    f"(known: {', '.join(sorted(faq))})", line_for(loc + ("faq",), lines)))
            continue
        answer = faq[sec.faq]
        for j, fact in enumerate(sec.fact_pairs()):
            floc = loc + ("facts", j)
            if not _has_words(answer.body, fact.clinic):
                if _missing_quote(answer, faq_lines[answer.file], file, line_for(floc, lines), format_loc(floc),
                                  fact.clinic, "the plain version's list of facts", problems):
                    continue
                problems.append(Problem(file, format_loc(floc), f"the clinic's answer ({answer.file}) does not say "
                                        f"'{fact.clinic}'. Copy the words exactly as the answer has them.",
                                        line_for(floc, lines)))
            if not _has_words(sec.in_short, fact.plain):
                problems.append(Problem(file, format_loc(loc + ("in_short",)),
                                        f"the plain version of '{sec.faq}' leaves out a fact of the clinic's answer: "
                                        f"it must say '{fact.plain}' (facts[{j}]). Put it back in.",
                                        line_for(loc + ("in_short",), lines)))
        missing = [n for n in dict.fromkeys(numbers(answer.body)) if n not in numbers(sec.in_short)]
        if missing:
            problems.append(Problem(file, format_loc(loc + ("in_short",)),
                                    f"the plain version of '{sec.faq}' leaves out the number(s) {', '.join(missing)} "
                                    f"that the clinic's answer gives ({answer.file}). Keep every number.",
                                    line_for(loc + ("in_short",), lines)))
    for sid, section in faq.items():
        if "patient" in section.front.audience and plain.for_faq(sid) is None:
            problems.append(Problem(file, "sections", f"the FAQ answer '{sid}' ({section.file}) has no plain "
                                    f"version. Add one (faq: {sid}, in_short: ..., facts: ...).", None))
    ev, efile, elines = parts["evidence"], rel("evidence.yml"), part_lines["evidence.yml"]
    check_refs(efile, elines, [(("notes", i, "faq"), n.faq) for i, n in enumerate(ev.notes)], set(faq), "FAQ", problems)
    check_refs(efile, elines, [(("notes", i, "sources", j), s) for i, n in enumerate(ev.notes)
                                for j, s in enumerate(n.sources)], source_ids, "source", problems)
    check_refs(rel("pages.yml"), part_lines["pages.yml"],
                [(("pages", i, "sources", j), s) for i, p in enumerate(parts["series"].pages)
                 for j, s in enumerate(p.sources)], source_ids, "source", problems)


QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")


def _mtime(file: str) -> int:
    try:
        return abs_path(file).stat().st_mtime_ns
    except OSError:
        return 0


def check_patient_questions(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                            faq_lines: dict[str, Lines], rel, problems: list[Problem]) -> None:
    """patient_questions.yml: every model answer draws only on the FAQ answers and sourced notes
    it names. Its evidence quotes are in those texts word for word, so are words it puts in
    quotation marks, and every number it gives is one of theirs."""
    pq, file, lines = parts["patient_questions"], rel("patient_questions.yml"), part_lines["patient_questions.yml"]
    notes = {n.id: n for n in parts["evidence"].notes}
    check_refs(file, lines, [(("questions", i, "faq", j), f) for i, q in enumerate(pq.questions)
                             for j, f in enumerate(q.faq)], set(faq), "FAQ", problems)
    check_refs(file, lines, [(("questions", i, "notes", j), n) for i, q in enumerate(pq.questions)
                             for j, n in enumerate(q.notes)], set(notes), "evidence note", problems)
    for i, q in enumerate(pq.questions):
        sections = [faq[f] for f in q.faq if f in faq]
        texts = [squash(s.body) for s in sections] + [squash(notes[n].text) for n in q.notes if n in notes]
        named = ", ".join([f"'{s.id}' ({s.file})" for s in sections] + [f"'{n}'" for n in q.notes if n in notes])
        quotes = [(("questions", i, "evidence", j), words) for j, words in enumerate(q.evidence)]
        quotes += [(("questions", i, "answer"), m.group(1)) for m in QUOTED.finditer(q.answer)]
        for loc, words in quotes:
            if any(squash(words) in text for text in texts):
                continue
            line = line_for(loc, lines)
            newest = max(sections, key=lambda s: _mtime(s.file), default=None)
            if newest is not None and _missing_quote(newest, faq_lines[newest.file], file, line, format_loc(loc),
                                                     words, "a model answer to a patient's question", problems):
                continue
            problems.append(Problem(file, format_loc(loc), f"'{words}' is not word for word in the texts this "
                                    f"answer draws on ({named}). Quote them exactly, or name the FAQ answer "
                                    f"(faq) or evidence note (notes) that says it.", line))
        said = {n for text in texts for n in numbers(text)}
        extra = [n for n in dict.fromkeys(numbers(q.answer)) if n not in said]
        if extra:
            loc = ("questions", i, "answer")
            problems.append(Problem(file, format_loc(loc), f"the model answer gives the number(s) {', '.join(extra)}, "
                                    f"which the texts it draws on ({named}) do not say. Answer only what they say.",
                                    line_for(loc, lines)))
