"""Reading content files with the line of every field: YAML and Markdown with front matter.

A syntax mistake is put in words a nurse can act on, with the file and the line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from clinic_explainer import settings
from clinic_explainer.content.errors import ContentError, Problem, format_loc

PACKAGE_ROOT = settings.PROJECT_ROOT
Lines = dict[tuple, int]


def rel_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PACKAGE_ROOT))
    except ValueError:
        return str(path)


def _walk(node: yaml.Node, path: tuple, lines: Lines, file: str, problems: list[Problem]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(
                    Problem(file, format_loc(path + (key,)), "this field appears twice",
                            key_node.start_mark.line + 1)
                )
            seen.add(key)
            _walk(value_node, path + (key,), lines, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, file, problems)


def yaml_in_words(exc: yaml.YAMLError, reason: str) -> str:
    """What a YAML mistake means, and what to do, in words a nurse can act on."""
    context = str(getattr(exc, "context", "") or "")
    if "expected <block end>" in reason or "expected <block end>" in context or \
            "block sequence entries are not allowed" in reason:
        return ("this line is not lined up with the lines above it. Use the same number of spaces at the "
                "start of the line as the other lines of the same list.")
    if "mapping values are not allowed" in reason:
        return ("a sentence has a colon and a space (': ') in it, so it was read as a field name. "
                'Put the whole sentence in double quotes, like "Note: ...".')
    if "'\\t'" in reason or "\\t" in reason or "tab" in reason:
        return "there is a tab character here. Use spaces instead of tabs."
    if "quoted scalar" in context or "end of stream" in reason:
        return "a quotation mark (\") is opened but not closed. Add the closing quotation mark."
    if "flow sequence" in context or "flow mapping" in context:
        return "a list in square brackets [ ] or a { } is not closed. Add the closing ] or }."
    if "could not find expected ':'" in reason:
        return ("this line should look like 'field: text'. A colon may be missing, or a quotation mark "
                "on this or the line above is not closed.")
    if "cannot start any token" in reason:
        return ("this text starts with a character YAML does not allow at the start (such as @, ` or %). "
                "Put the whole text in double quotes.")
    return f"{reason}. Compare this line with the lines around it (spaces at the start, colons, quotes)."


UNCLOSED_QUOTE = "a quotation mark (\") is opened but not closed. Add the closing quotation mark."
_OPENS_QUOTE = re.compile(r'^\s*(?:-\s+)?(?:[\w.-]+:\s+)?(?:-\s+)?"')


def unclosed_quote_line(text: str, error_line: int | None) -> int | None:
    """The 0-based line, at or up to 3 lines above a syntax error, whose value opens a double
    quote it does not close (YAML then reads on into the next lines and fails there)."""
    if error_line is None:
        return None
    lines = text.split("\n")
    for n in range(min(error_line, len(lines) - 1), max(-1, error_line - 4), -1):
        line = lines[n]
        if _OPENS_QUOTE.match(line) and (line.count('"') - line.count('\\"')) % 2 == 1:
            return n
    return None


# libyaml's parser when PyYAML has it: a patient's kernel reads every content file at start,
# and the pure-Python parser took about half of that kernel's start-up CPU time
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, file: str, first_line: int = 1) -> tuple[Any, Lines]:
    """Parse YAML text; raise ContentError naming the file and line on bad syntax."""
    problems: list[Problem] = []
    try:
        try:
            node = yaml.compose(text, Loader=SAFE_LOADER)
            data = yaml.load(text, Loader=SAFE_LOADER)
        except yaml.YAMLError:  # the pure-Python parser's messages are the ones put in plain words
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        words = yaml_in_words(exc, reason)
        opened = unclosed_quote_line(text, mark.line if mark else None)
        if opened is not None:  # the parser stops on a later line; the mistake is where the quote opened
            line, words = opened + first_line, UNCLOSED_QUOTE
        raise ContentError([Problem(file, "", f"this is not valid YAML: {words}", line)]) from None
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines, file, problems)
        if first_line != 1:
            lines = {k: v + first_line - 1 for k, v in lines.items()}
            problems = [Problem(p.file, p.field, p.message, (p.line or 0) + first_line - 1) for p in problems]
    if problems:
        raise ContentError(problems)
    return data, lines


def read_yaml(path: Path) -> tuple[Any, Lines]:
    file = rel_path(path)
    if not path.exists():
        raise ContentError([Problem(file, "", "this file is missing")])
    return parse_yaml(path.read_text(encoding="utf-8"), file)


def read_markdown(path: Path) -> tuple[Any, str, Lines]:
    """Split a Markdown file into its YAML front matter and its body."""
    file = rel_path(path)
    text = path.read_text(encoding="utf-8")
    parts = text.split("\n")
    if not parts or parts[0].strip() != "---":
        raise ContentError([Problem(file, "", "the file must start with a '---' line and front matter", 1)])
    try:
        end = next(i for i in range(1, len(parts)) if parts[i].strip() == "---")
    except StopIteration:
        raise ContentError([Problem(file, "", "the front matter has no closing '---' line", 1)]) from None
    data, lines = parse_yaml("\n".join(parts[1:end]), file, first_line=2)
    body = "\n".join(parts[end + 1 :]).strip()
    if not body:
        raise ContentError([Problem(file, "body", "the text after the front matter is empty", end + 2)])
    return data, body, lines
