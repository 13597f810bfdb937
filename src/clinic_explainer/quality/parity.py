"""Every language says the same things: same sections, phases, facts, numbers and dates.

Compares each language's files with the default language's, field by field on the raw YAML
(and the FAQ files by id): lists must have the same length, ids and hours must be equal,
and every text must contain the same numbers ("1–2 weeks" / "1 a 2 semanas"). Review
blocks, draft status and the jargon list are each language's own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from clinic_explainer import content as content_mod
from clinic_explainer.content.crossref import numbers
from clinic_explainer.content.files import read_markdown, read_yaml, rel_path
from clinic_explainer.content.validation import line_for
from clinic_explainer.content.errors import ContentError, Problem, format_loc

OWN_PER_LANGUAGE = {"review", "status", "reviewed_by", "last_reviewed", "next_review"}
SKIP_FILES = {"jargon.yml"}
# Words of the interface that name a format, not a fact.
SKIP_KEYS = {"date_format", "language_name", "language_switch", "term", "defined_as",
             # a language lists the places of its own files that repeat a fact (staff files
             # such as quiz.yml may be borrowed from the default language)
             "used_in"}


def _compare(a: Any, b: Any, path: tuple, file: str, lines, label: str, out: list[Problem]) -> None:
    here = format_loc(path)
    line = line_for(path, lines)
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key in OWN_PER_LANGUAGE or key in SKIP_KEYS:
                continue
            if key not in b:
                out.append(Problem(file, format_loc(path + (key,)), f"missing here, but the {label} version has it. "
                                   "Add it (translated).", line))
            else:
                _compare(a[key], b[key], path + (key,), file, lines, label, out)
        for key in b:
            if key not in a and key not in OWN_PER_LANGUAGE and key not in SKIP_KEYS:
                out.append(Problem(file, format_loc(path + (key,)), f"the {label} version has no '{key}' here. "
                                   "Remove it, or add it to both languages.", line_for(path + (key,), lines)))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(Problem(file, here, f"has {len(b)} item(s) but the {label} version has {len(a)}: every "
                               "section, phase, step and fact must be in both languages.", line))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            _compare(x, y, path + (i,), file, lines, label, out)
    elif isinstance(a, str) and isinstance(b, str):
        if path and path[-1] in ("id", "faq", "level", "page", "notebook", "kind") or \
                (len(path) > 1 and path[-2] in ("faq", "pages", "sources", "contact_if", "audience")):
            if a != b:
                out.append(Problem(file, here, f"is '{b}' but '{a}' in the {label} version: ids are not translated.", line))
            return
        na, nb = sorted(set(numbers(a))), sorted(set(numbers(b)))
        if na != nb:
            out.append(Problem(file, here, f"the numbers differ between languages: here {', '.join(nb) or 'none'}, "
                               f"in the {label} version {', '.join(na) or 'none'}. Use the same numbers.", line))
    elif isinstance(a, (int, float, date, bool)) or isinstance(b, (int, float, date, bool)):
        if a != b:
            out.append(Problem(file, here, f"is {b} here but {a} in the {label} version. Numbers and dates must "
                               "be the same in every language.", line))


def _faq_files(folder: Path) -> dict[str, tuple[Path, Any, str, Any]]:
    out = {}
    for path in sorted(folder.glob("*.md")):
        front, body, lines = read_markdown(path)
        out[str(front.get("id"))] = (path, front, body, lines)
    return out


def problems(root: Path, procedure: str, base: str, others: list[str]) -> list[Problem]:
    """Compare the files of each language in ``others`` with those of ``base`` (no loading needed,
    so a language whose files do not load is still compared)."""
    out: list[Problem] = []
    for other in others:
        try:
            out += _pair(root, procedure, base, other)
        except ContentError as exc:
            out += exc.problems
    return out


def _pair(root: Path, procedure: str, base: str, other: str) -> list[Problem]:
    out: list[Problem] = []
    label = f"'{base}'"
    a_dir = root / procedure / base
    b_dir = root / procedure / other
    for name in content_mod.DATA_FILES:
        if name in SKIP_FILES or (name in content_mod.STAFF_FILES and not (b_dir / name).exists()):
            continue
        if not (a_dir / name).exists() or not (b_dir / name).exists():
            continue  # reported by the loader
        try:
            a, _ = read_yaml(a_dir / name)
            b, lines = read_yaml(b_dir / name)
        except ContentError:
            continue  # reported by the loader
        _compare(a, b, (), rel_path(b_dir / name), lines, label, out)
    ui_a, _ = read_yaml(root / "locales" / f"{base}.yml")
    ui_b, ui_lines = read_yaml(root / "locales" / f"{other}.yml")
    _compare(ui_a, ui_b, (), rel_path(root / "locales" / f"{other}.yml"), ui_lines, label, out)
    fa, fb = _faq_files(a_dir / "faq"), _faq_files(b_dir / "faq")
    for sid, (path, front, body, _) in fa.items():
        if sid not in fb:
            out.append(Problem(rel_path(b_dir / "faq"), "", f"the FAQ section '{sid}' ({rel_path(path)}) has no "
                               f"'{other}' version. Add {path.name} here, translated.", None))
            continue
        bpath, bfront, bbody, blines = fb[sid]
        _compare({k: v for k, v in front.items() if k not in ("title", "question")},
                 {k: v for k, v in bfront.items() if k not in ("title", "question")}, (), rel_path(bpath), blines, label, out)
        na, nb = sorted(set(numbers(body))), sorted(set(numbers(bbody)))
        if na != nb:
            out.append(Problem(rel_path(bpath), "body", f"the numbers differ between languages: here "
                               f"{', '.join(nb) or 'none'}, in the {label} version {', '.join(na) or 'none'}. "
                               "Use the same numbers.", blines.get((), 1)))
    for sid, (bpath, *_rest) in fb.items():
        if sid not in fa:
            out.append(Problem(rel_path(bpath), "id", f"there is no FAQ section '{sid}' in the {label} version.", 2))
    return out
