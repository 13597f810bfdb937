"""Facts said once: every place that repeats a number of the clinic's FAQ agrees with the FAQ.

facts.yml names each fact, the FAQ answer that says it and how (``"{start} to {end} hours"``).
The numbers are read from the answer itself, so the answer is the one place a fact is
stated: when a nurse changes "12 to 48 hours" to "24 to 72 hours" there, every place listed
under ``used_in`` that still says 48 is named, with its file, field and line. An answer
that no longer says the fact in those words is named too.
"""

from __future__ import annotations

import re
from typing import Any

from clinic_explainer.content import schema
from clinic_explainer.content.crossref import fold
from clinic_explainer.content.errors import Problem, format_loc
from clinic_explainer.content.files import Lines
from clinic_explainer.content.schema.facts import HOURS_PER
from clinic_explainer.content.validation import line_for

NUMBER = r"(\d+(?:[.,]\d+)?)"
_NAME = re.compile(r"\{([a-z_]+)\}")
_STEP = re.compile(r"([a-z_]+)(?:\[([^\]]+)\])?")


def words_pattern(words: str) -> tuple[re.Pattern, list[str]]:
    """'{start} to {end} hours' -> a pattern that finds it in folded text (white space already
    squashed by ``fold``), numbers captured; and the numbers' names."""
    folded, parts, names, last = fold(words), [], [], 0
    for m in _NAME.finditer(folded):
        parts += [re.escape(folded[last:m.start()]), NUMBER]
        names.append(m.group(1))
        last = m.end()
    parts.append(re.escape(folded[last:]))
    return re.compile(r"(?<![\w.])" + "".join(parts) + r"(?!\w)"), names


def values_in(answer: str, words: str) -> dict[str, float] | None:
    """The fact's numbers as the answer says them ({"start": 12, "end": 48}), or None."""
    pattern, names = words_pattern(words)
    m = pattern.search(fold(answer))
    if m is None:
        return None
    return {name: float(m.group(i + 1).replace(",", ".")) for i, name in enumerate(names)}


def _number(value: float) -> str:
    return f"{value:g}"


def resolve(model: Any, field: str) -> tuple[Any, tuple] | None:
    """A field path with ids in brackets ('phases[healing].start_hours', 'notes[recovery].
    demonstrate') -> (value, location with list indexes), or None when it is not there."""
    value, loc = model, ()
    for step in field.split("."):
        m = _STEP.fullmatch(step)
        if m is None or not hasattr(value, m.group(1)):
            return None
        value, loc = getattr(value, m.group(1)), loc + (m.group(1),)
        key = m.group(2)
        if key is None:
            continue
        if key.isdigit():
            index = int(key)
        else:
            index = next((i for i, item in enumerate(value)
                          if key in (getattr(item, "id", None), getattr(item, "page", None))), None)
        if index is None or not isinstance(value, (list, tuple)) or index >= len(value):
            return None
        value, loc = value[index], loc + (index,)
    return value, loc


def check_facts(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                rel, problems: list[Problem]) -> None:
    facts, file, lines = parts["facts"], rel("facts.yml"), part_lines["facts.yml"]
    for i, fact in enumerate(facts.facts):
        loc = ("facts", i)
        section = faq.get(fact.faq)
        if section is None:
            problems.append(Problem(file, format_loc(loc + ("faq",)), f"unknown FAQ id '{fact.faq}' "
                                    f"(known: {', '.join(sorted(faq))})", line_for(loc + ("faq",), lines)))
            continue
        values = values_in(section.body, fact.words)
        if values is None:
            problems.append(Problem(section.file, "", f"this answer no longer says '{fact.words}' (fact "
                                    f"'{fact.id}' in {file}, line {line_for(loc + ('words',), lines)}), and other files "
                                    "repeat that fact. If you changed it here, write the new words in facts.yml too, "
                                    "then change every place make check names.", None))
            continue
        said = fact.words.format(**{k: _number(v) for k, v in values.items()})
        for j, use in enumerate(fact.used_in):
            uloc = loc + ("used_in", j)
            if use.file not in _FILES:
                problems.append(Problem(file, format_loc(uloc + ("file",)), f"unknown file '{use.file}' (known: "
                                        f"{', '.join(sorted(_FILES))})", line_for(uloc, lines)))
                continue
            found = resolve(parts[_FILES[use.file]], use.field)
            if found is None:
                problems.append(Problem(file, format_loc(uloc + ("field",)), f"there is no field '{use.field}' "
                                        f"in {use.file}", line_for(uloc + ("field",), lines)))
                continue
            value, floc = found
            where = rel(use.file), format_loc(floc), line_for(floc, part_lines[use.file])
            wrong = _disagrees(fact, use, value, values)
            if wrong:
                problems.append(Problem(where[0], where[1], f"{wrong}, but the clinic's answer says '{said}' "
                                        f"({section.file}; fact '{fact.id}' in facts.yml). Make them agree.", where[2]))


def _disagrees(fact, use, value: Any, values: dict[str, float]) -> str | None:
    """Why ``value`` disagrees with the fact, in words; None when it agrees."""
    if use.within:
        if fact.means_hours is None:
            return f"'within' needs means_hours for the fact '{fact.id}'"
        low, high = fact.means_hours
        if not isinstance(value, (int, float)) or not low <= value <= high:
            return (f"this time ({_number(value)} hours) is not what '{fact.words}' means "
                    f"({_number(low)} to {_number(high)} hours)")
        return None
    if use.is_ is not None:
        if use.is_ not in values:
            return f"the fact '{fact.id}' has no number '{use.is_}' (it has {', '.join(values)})"
        expected = values[use.is_]
        unit = use.in_ or fact.unit
        if unit != fact.unit:
            if fact.unit not in HOURS_PER or unit not in HOURS_PER:
                return f"cannot turn {fact.unit} into {unit}"
            expected = expected * HOURS_PER[fact.unit] / HOURS_PER[unit]
        if not isinstance(value, (int, float)) or abs(float(value) - expected) > 1e-9:
            return f"this says {_number(value) if isinstance(value, (int, float)) else value!r}, not {_number(expected)} ({use.is_}, in {unit})"
        return None
    wanted = use.says.format(**{k: _number(v) for k, v in values.items()})
    texts = value if isinstance(value, (list, tuple)) else [value]
    if not any(isinstance(t, str) and fold(wanted) in fold(t) for t in texts):
        return f"this text does not say '{wanted}'"
    return None


# facts.yml names files; the attribute of the parsed parts that holds each
_FILES = {"timeline.yml": "timeline", "red_flags.yml": "red_flags", "aftercare.yml": "aftercare",
          "quiz.yml": "quiz", "pages.yml": "series", "skin.yml": "skin", "facilitator.yml": "facilitator",
          "candidacy.yml": "candidacy", "plain.yml": "plain", "evidence.yml": "evidence"}
