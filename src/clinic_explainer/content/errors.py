"""Content errors that name the file, the field and (when known) the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.message}"


class ContentError(Exception):
    """One or more problems in the content files; str() is the message for editors."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FieldProblem(Exception):
    """Raised inside a schema validator to point at a precise field.

    Deliberately not a ValueError: pydantic lets it through unchanged, so the loader can
    report the exact location (e.g. ``phases[2].start_hours``) instead of the model root.
    """

    def __init__(self, loc: tuple[str | int, ...], message: str):
        self.loc = loc
        self.message = message
        super().__init__(message)


def format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
