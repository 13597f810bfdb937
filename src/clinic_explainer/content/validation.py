"""Checking one file against its model, and filling {placeholders}: problems name the field and line."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from clinic_explainer.content.errors import ContentError, FieldProblem, Problem, format_loc

from clinic_explainer.content.files import Lines

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Placeholders the interface strings fill in at run time (in addition to clinic settings).
RUNTIME_PLACEHOLDERS = {
    "n", "label", "duration", "stages", "position", "reviewed_by", "last_reviewed",
    "next_review", "score", "total", "date", "depth", "level", "flag", "start", "end", "unit", "name", "reason",
    # the review desk's counts and lines
    "waiting", "never", "edited", "asked", "stale", "title", "detail", "action", "file", "language",
}
_TYPE_TAGS = {"float", "int", "str", "bool", "none", "list", "dict", "date", "constrained-str"}

def line_for(loc: tuple, lines: Lines) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _clean_loc(loc: tuple) -> tuple:
    return tuple(p for p in loc if isinstance(p, int) or (p not in _TYPE_TAGS and "[" not in str(p)))


def _friendly(error: dict) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "this field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "string_type" and isinstance(error.get("input"), dict):
        return ("this text has a colon and a space (': ') in it, so it was read as a field name. "
                'Put the whole text in double quotes, like "Note: ...".')
    if kind == "string_type" and isinstance(error.get("input"), list):
        return "this should be one text, not a list. Remove the '-' at the start of the line."
    msg = msg[0].lower() + msg[1:]
    if "input" in error and kind not in ("value_error", "assertion_error"):
        msg += f" (found {error['input']!r})"
    return msg.removeprefix("value error, ")


def validate(model: type[BaseModel], data: Any, file: str, lines: Lines) -> BaseModel:
    if data is None:
        raise ContentError([Problem(file, "", "the file is empty", 1)])
    try:
        return model.model_validate(data)
    except FieldProblem as exc:
        raise ContentError([Problem(file, format_loc(exc.loc), exc.message, line_for(exc.loc, lines))]) from None
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _clean_loc(error["loc"])
            problems.append(Problem(file, format_loc(loc), _friendly(error), line_for(loc, lines)))
        raise ContentError(problems) from None


def fill(text: str, values: dict[str, str]) -> str:
    """Fill {placeholders}; unknown names are left as they are (validated at load)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def fill_tree(data: Any, values: dict[str, str], allowed: set[str], file: str, lines: Lines,
               path: tuple, problems: list[Problem], substitute: bool) -> Any:
    if isinstance(data, dict):
        return {k: fill_tree(v, values, allowed, file, lines, path + (k,), problems, substitute)
                for k, v in data.items()}
    if isinstance(data, list):
        return [fill_tree(v, values, allowed, file, lines, path + (i,), problems, substitute)
                for i, v in enumerate(data)]
    if isinstance(data, str):
        for name in PLACEHOLDER.findall(data):
            if name not in allowed:
                problems.append(Problem(
                    file, format_loc(path),
                    f"unknown placeholder {{{name}}} (known: {', '.join(sorted(allowed))})",
                    line_for(path, lines)))
        return fill(data, values) if substitute else data
    return data
