"""Load content/ into validated, immutable objects.

Every problem is reported as ``file, line N, field 'x.y': message`` so a nurse editing a
text file can find it. ``load()`` collects the problems of all files before raising, so
one run of ``make check`` lists everything that needs fixing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import schema
from .errors import ContentError, FieldProblem, Problem, format_loc

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Placeholders the interface strings fill in at run time (in addition to clinic settings).
RUNTIME_PLACEHOLDERS = {
    "n", "label", "duration", "stages", "position", "reviewed_by", "last_reviewed",
    "next_review", "score", "total", "date", "depth", "level", "flag", "start", "end", "unit",
}
_TYPE_TAGS = {"float", "int", "str", "bool", "none", "list", "dict", "date", "constrained-str"}
Lines = dict[tuple, int]


def repo_root() -> Path:
    return PACKAGE_ROOT


def content_root() -> Path:
    return Path(os.environ.get("CLINIC_EXPLAINER_CONTENT", PACKAGE_ROOT / "content"))


def notebooks_root() -> Path:
    return Path(os.environ.get("CLINIC_EXPLAINER_NOTEBOOKS", PACKAGE_ROOT / "notebooks"))


# --- reading files with line numbers ---------------------------------------------------


def _rel(path: Path) -> str:
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
        raise ContentError([Problem(file, "", f"this is not valid YAML: {yaml_in_words(exc, reason)}", line)]) from None
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
    file = _rel(path)
    if not path.exists():
        raise ContentError([Problem(file, "", "this file is missing")])
    return parse_yaml(path.read_text(encoding="utf-8"), file)


def read_markdown(path: Path) -> tuple[Any, str, Lines]:
    """Split a Markdown file into its YAML front matter and its body."""
    file = _rel(path)
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


# --- validation ----------------------------------------------------------------------------


def _line_for(loc: tuple, lines: Lines) -> int | None:
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
        raise ContentError([Problem(file, format_loc(exc.loc), exc.message, _line_for(exc.loc, lines))]) from None
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _clean_loc(error["loc"])
            problems.append(Problem(file, format_loc(loc), _friendly(error), _line_for(loc, lines)))
        raise ContentError(problems) from None


def fill(text: str, values: dict[str, str]) -> str:
    """Fill {placeholders}; unknown names are left as they are (validated at load)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _fill_tree(data: Any, values: dict[str, str], allowed: set[str], file: str, lines: Lines,
               path: tuple, problems: list[Problem], substitute: bool) -> Any:
    if isinstance(data, dict):
        return {k: _fill_tree(v, values, allowed, file, lines, path + (k,), problems, substitute)
                for k, v in data.items()}
    if isinstance(data, list):
        return [_fill_tree(v, values, allowed, file, lines, path + (i,), problems, substitute)
                for i, v in enumerate(data)]
    if isinstance(data, str):
        for name in PLACEHOLDER.findall(data):
            if name not in allowed:
                problems.append(Problem(
                    file, format_loc(path),
                    f"unknown placeholder {{{name}}} (known: {', '.join(sorted(allowed))})",
                    _line_for(path, lines)))
        return fill(data, values) if substitute else data
    return data


# --- the content object ----------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    root: Path
    procedure: str
    locale: str
    clinic: schema.Clinic
    ui: schema.UiStrings
    faq: dict[str, schema.FaqSection]
    sources: dict[str, schema.Source]
    series: schema.SeriesFile
    timeline: schema.TimelineFile
    red_flags: schema.RedFlagsFile
    aftercare: schema.AftercareFile
    candidacy: schema.CandidacyFile
    skin: schema.SkinFile
    quiz: schema.QuizFile
    facilitator: schema.FacilitatorFile
    plain: schema.PlainFile
    evidence: schema.EvidenceFile
    jargon: schema.JargonFile
    languages: tuple[tuple[str, str], ...] = ()  # (locale, its language_switch text) of every language

    def link(self, notebook: str) -> str:
        """A link to another page of the series that keeps this language."""
        return notebook if self.locale == self.clinic.default_locale else f"{notebook}?lang={self.locale}"

    def other_languages(self) -> list[tuple[str, str]]:
        return [(loc, text) for loc, text in self.languages if loc != self.locale]

    def text(self, template: str, **values: Any) -> str:
        """Fill an interface string with clinic settings and run-time values."""
        return fill(template, {**self.clinic.settings(), **{k: str(v) for k, v in values.items()}})

    def page(self, page_id: str) -> schema.Page:
        for page in self.series.pages:
            if page.id == page_id:
                return page
        raise KeyError(f"no page '{page_id}' in pages.yml")

    def reviews(self) -> list[tuple[str, schema.Review | schema.FaqFront, str]]:
        """(file, review, status) for every reviewed file, for pages and `make check`."""
        out = [(s.file, s.front, s.front.status) for s in self.faq.values()]
        base = self.root / self.procedure / self.locale
        for file, (attr, _) in DATA_FILES.items():
            if file in STAFF_FILES and not (base / file).exists():
                continue  # borrowed from the default language, reviewed there
            part = getattr(self, attr)
            if isinstance(part, schema.ReviewedFile):
                out.append((_rel(base / file), part.review, part.status))
        return out


# file name -> (attribute, model); a new structured file is one more line here.
DATA_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "sources.yml": ("sources", schema.SourcesFile),
    "pages.yml": ("series", schema.SeriesFile),
    "timeline.yml": ("timeline", schema.TimelineFile),
    "red_flags.yml": ("red_flags", schema.RedFlagsFile),
    "aftercare.yml": ("aftercare", schema.AftercareFile),
    "candidacy.yml": ("candidacy", schema.CandidacyFile),
    "skin.yml": ("skin", schema.SkinFile),
    "quiz.yml": ("quiz", schema.QuizFile),
    "facilitator.yml": ("facilitator", schema.FacilitatorFile),
    "plain.yml": ("plain", schema.PlainFile),
    "evidence.yml": ("evidence", schema.EvidenceFile),
    "jargon.yml": ("jargon", schema.JargonFile),
}
# Staff-only files: a language may leave them out and use the clinic's default language's.
STAFF_FILES = ("quiz.yml", "facilitator.yml")


def _collect(problems: list[Problem], fn, *args):
    try:
        return fn(*args)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None


def _load_clinic(root: Path) -> schema.Clinic:
    data, lines = read_yaml(root / "clinic.yml")
    return validate(schema.Clinic, data, _rel(root / "clinic.yml"), lines)


def _load_ui(root: Path, locale: str, settings: dict[str, str]) -> schema.UiStrings:
    path = root / "locales" / f"{locale}.yml"
    data, lines = read_yaml(path)
    problems: list[Problem] = []
    _fill_tree(data, {}, set(settings) | RUNTIME_PLACEHOLDERS, _rel(path), lines, (), problems, False)
    if problems:
        raise ContentError(problems)
    return validate(schema.UiStrings, data, _rel(path), lines)


def _load_data(path: Path, model: type[BaseModel], settings: dict[str, str]):
    data, lines = read_yaml(path)
    problems: list[Problem] = []
    data = _fill_tree(data, settings, set(settings), _rel(path), lines, (), problems, True)
    if problems:
        raise ContentError(problems)
    return validate(model, data, _rel(path), lines), lines


def _load_faq(path: Path, settings: dict[str, str]):
    front, body, lines = read_markdown(path)
    file = _rel(path)
    problems: list[Problem] = []
    body = _fill_tree(body, settings, set(settings), file, {("body",): lines.get((), 1)}, ("body",), problems, True)
    if problems:
        raise ContentError(problems)
    model = validate(schema.FaqFront, front, file, lines)
    return schema.FaqSection(front=model, body=body, file=file), lines


def _check_refs(file: str, lines: Lines, refs: list[tuple[tuple, str]], known: set[str], kind: str,
                problems: list[Problem]) -> None:
    for loc, ref in refs:
        if ref not in known:
            problems.append(Problem(file, format_loc(loc), f"unknown {kind} id '{ref}' (known: {', '.join(sorted(known))})",
                                    _line_for(loc, lines)))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _abs(file: str) -> Path:
    return Path(file) if Path(file).is_absolute() else PACKAGE_ROOT / file


def _newer(a: str, b: str) -> bool:
    try:
        return _abs(a).stat().st_mtime_ns > _abs(b).stat().st_mtime_ns
    except OSError:
        return False


def _body_line(section: schema.FaqSection, lines: Lines, words: str) -> int | None:
    """The line of the FAQ file where ``words`` (or their start) would be."""
    start = lines.get((), 1)
    try:
        text = _abs(section.file).read_text(encoding="utf-8").split("\n")
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


def _check_explorers(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                     source_ids: set[str], rel, problems: list[Problem], faq_lines: dict[str, Lines]) -> None:
    """References of skin.yml and quiz.yml; a quiz passage must be quoted exactly from its FAQ section."""
    skin, quiz, faq_ids = parts["skin"], parts["quiz"], set(faq)
    skin_file, skin_lines = rel("skin.yml"), part_lines["skin.yml"]
    _check_refs(skin_file, skin_lines, [(("sources", i), s) for i, s in enumerate(skin.sources)],
                source_ids, "source", problems)
    _check_refs(skin_file, skin_lines, [(("needle", "faq"), skin.needle.faq)], faq_ids, "FAQ", problems)
    depth = f"{skin.needle.max_depth_mm:g} mm"
    if skin.needle.faq in faq and depth not in _squash(faq[skin.needle.faq].body):
        problems.append(Problem(skin_file, "needle.max_depth_mm",
                                f"the FAQ section '{skin.needle.faq}' does not say '{depth}'",
                                _line_for(("needle", "max_depth_mm"), skin_lines)))
    quiz_file, quiz_lines = rel("quiz.yml"), part_lines["quiz.yml"]
    _check_refs(quiz_file, quiz_lines, [(("questions", i, "faq"), q.faq) for i, q in enumerate(quiz.questions)],
                faq_ids, "FAQ", problems)
    for i, q in enumerate(quiz.questions):
        if q.faq in faq and _squash(q.passage) not in _squash(faq[q.faq].body):
            field = f"questions[{i}].passage"
            line = _line_for(("questions", i, "passage"), quiz_lines)
            if _missing_quote(faq[q.faq], faq_lines[faq[q.faq].file], quiz_file, line, field, q.passage,
                              "the knowledge check", problems):
                continue
            problems.append(Problem(quiz_file, f"questions[{i}].passage",
                                    f"this passage is not an exact quote from the FAQ section '{q.faq}' "
                                    f"({faq[q.faq].file})", _line_for(("questions", i, "passage"), quiz_lines)))


NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> list[str]:
    """The numbers written in a text, in order ('1–2 weeks' -> ['1', '2']; '0,5' == '0.5')."""
    return [n.replace(",", ".") for n in NUMBER.findall(text)]


def _has_words(text: str, words: str) -> bool:
    norm = lambda t: " ".join(t.replace("–", "-").replace("’", "'").lower().split())  # noqa: E731
    return norm(words) in norm(text)


def _check_plain(parts: dict[str, Any], part_lines: dict[str, Lines], faq: dict[str, schema.FaqSection],
                 faq_lines: dict[str, Lines], source_ids: set[str], rel, problems: list[Problem]) -> None:
    """Every FAQ answer has a plain version that keeps its facts and numbers; evidence notes are sourced."""
    plain, file, lines = parts["plain"], rel("plain.yml"), part_lines["plain.yml"]
    for i, sec in enumerate(plain.sections):
        loc = ("sections", i)
        if sec.faq not in faq:
            problems.append(Problem(file, format_loc(loc + ("faq",)), f"unknown FAQ id '{sec.faq}' "
                                    f"(known: {', '.join(sorted(faq))})", _line_for(loc + ("faq",), lines)))
            continue
        answer = faq[sec.faq]
        for j, fact in enumerate(sec.fact_pairs()):
            floc = loc + ("facts", j)
            if not _has_words(answer.body, fact.clinic):
                if _missing_quote(answer, faq_lines[answer.file], file, _line_for(floc, lines), format_loc(floc),
                                  fact.clinic, "the plain version's list of facts", problems):
                    continue
                problems.append(Problem(file, format_loc(floc), f"the clinic's answer ({answer.file}) does not say "
                                        f"'{fact.clinic}'. Copy the words exactly as the answer has them.",
                                        _line_for(floc, lines)))
            if not _has_words(sec.in_short, fact.plain):
                problems.append(Problem(file, format_loc(loc + ("in_short",)),
                                        f"the plain version of '{sec.faq}' leaves out a fact of the clinic's answer: "
                                        f"it must say '{fact.plain}' (facts[{j}]). Put it back in.",
                                        _line_for(loc + ("in_short",), lines)))
        missing = [n for n in dict.fromkeys(numbers(answer.body)) if n not in numbers(sec.in_short)]
        if missing:
            problems.append(Problem(file, format_loc(loc + ("in_short",)),
                                    f"the plain version of '{sec.faq}' leaves out the number(s) {', '.join(missing)} "
                                    f"that the clinic's answer gives ({answer.file}). Keep every number.",
                                    _line_for(loc + ("in_short",), lines)))
    for sid, section in faq.items():
        if "patient" in section.front.audience and plain.for_faq(sid) is None:
            problems.append(Problem(file, "sections", f"the FAQ answer '{sid}' ({section.file}) has no plain "
                                    f"version. Add one (faq: {sid}, in_short: ..., facts: ...).", None))
    ev, efile, elines = parts["evidence"], rel("evidence.yml"), part_lines["evidence.yml"]
    _check_refs(efile, elines, [(("notes", i, "faq"), n.faq) for i, n in enumerate(ev.notes)], set(faq), "FAQ", problems)
    _check_refs(efile, elines, [(("notes", i, "sources", j), s) for i, n in enumerate(ev.notes)
                                for j, s in enumerate(n.sources)], source_ids, "source", problems)
    _check_refs(rel("pages.yml"), part_lines["pages.yml"],
                [(("pages", i, "sources", j), s) for i, p in enumerate(parts["series"].pages)
                 for j, s in enumerate(p.sources)], source_ids, "source", problems)


def load(root: Path | None = None, procedure: str | None = None, locale: str | None = None) -> Content:
    """Load and validate every content file; raise ContentError listing all problems."""
    root = (Path(root) if root else content_root()).resolve()
    if locale is None and not os.environ.get("CLINIC_EXPLAINER_LOCALE"):
        from .request import asked_locale

        asked = asked_locale(root)
        if asked and (root / "locales" / f"{asked}.yml").exists():
            locale = asked
    return _load_cached(root, procedure, locale, _fingerprint(root))


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and times of the content files: an edited file invalidates the cache."""
    return tuple((str(p), st.st_mtime_ns, st.st_size) for p in sorted(root.rglob("*"))
                 if p.is_file() for st in [p.stat()])


@lru_cache(maxsize=8)
def _load_cached(root: Path, procedure: str | None, locale: str | None, fingerprint: tuple) -> Content:
    clinic = _load_clinic(root)
    procedure = procedure or clinic.default_procedure
    locale = locale or os.environ.get("CLINIC_EXPLAINER_LOCALE") or clinic.default_locale
    clinic = clinic.in_language(locale).filled()
    settings = clinic.settings()
    problems: list[Problem] = []
    ui = _collect(problems, _load_ui, root, locale, settings)
    base = root / procedure / locale
    if not base.is_dir():
        raise ContentError([Problem(_rel(root / "clinic.yml"), "default_procedure",
                                    f"there is no folder {_rel(base)} for procedure '{procedure}', locale '{locale}'")])

    faq: dict[str, schema.FaqSection] = {}
    faq_lines: dict[str, Lines] = {}
    for path in sorted((base / "faq").glob("*.md")):
        loaded = _collect(problems, _load_faq, path, settings)
        if loaded:
            section, lines = loaded
            if section.id in faq:
                problems.append(Problem(section.file, "id", f"the FAQ id '{section.id}' is also used by {faq[section.id].file}",
                                        lines.get(("id",))))
            faq[section.id] = section
            faq_lines[section.file] = lines
    if not faq and not problems:
        problems.append(Problem(_rel(base / "faq"), "", "no FAQ files (*.md) found"))

    parts: dict[str, Any] = {}
    part_lines: dict[str, Lines] = {}
    for name, (attr, model) in DATA_FILES.items():
        path = base / name
        if name in STAFF_FILES and not path.exists():
            # borrowed from the default language (or any language that has it), reviewed there
            options = [root / procedure / clinic.default_locale / name,
                       *sorted((root / procedure).glob(f"*/{name}"))]
            path = next((p for p in options if p.exists()), path)
        loaded = _collect(problems, _load_data, path, model, settings)
        if loaded:
            parts[attr], part_lines[name] = loaded
    if problems:
        raise ContentError(problems)

    # references between files
    faq_ids, source_ids = set(faq), {s.id for s in parts["sources"].sources}
    for section in faq.values():
        _check_refs(section.file, faq_lines[section.file],
                    [(("sources", i), s) for i, s in enumerate(section.front.sources)], source_ids, "source", problems)
    rel = lambda name: _rel(base / name)  # noqa: E731
    series, timeline, flags = parts["series"], parts["timeline"], parts["red_flags"]
    _check_refs(rel("pages.yml"), part_lines["pages.yml"],
                [(("pages", i, "faq", j), f) for i, p in enumerate(series.pages) for j, f in enumerate(p.faq)],
                faq_ids, "FAQ", problems)
    _check_refs(rel("timeline.yml"), part_lines["timeline.yml"],
                [(("phases", i, "faq", j), f) for i, p in enumerate(timeline.phases) for j, f in enumerate(p.faq)],
                faq_ids, "FAQ", problems)
    _check_refs(rel("timeline.yml"), part_lines["timeline.yml"],
                [(("phases", i, "contact_if", j), f) for i, p in enumerate(timeline.phases)
                 for j, f in enumerate(p.contact_if)], {f.id for f in flags.flags}, "red flag", problems)
    _check_refs(rel("red_flags.yml"), part_lines["red_flags.yml"],
                [(("sources", i), s) for i, s in enumerate(flags.sources)], source_ids, "source", problems)
    _check_refs(rel("aftercare.yml"), part_lines["aftercare.yml"],
                [(("steps", i, "faq"), s.faq) for i, s in enumerate(parts["aftercare"].steps)], faq_ids, "FAQ", problems)
    cand = parts["candidacy"]
    _check_refs(rel("candidacy.yml"), part_lines["candidacy.yml"],
                [((group, i, "faq", j), f) for group in ("concerns", "areas", "contraindications")
                 for i, item in enumerate(getattr(cand, group)) for j, f in enumerate(item.faq)],
                faq_ids, "FAQ", problems)
    if (base / "quiz.yml").exists():
        _check_explorers(parts, part_lines, faq, source_ids, rel, problems, faq_lines)
    _check_plain(parts, part_lines, faq, faq_lines, source_ids, rel, problems)
    page_ids = {p.id for p in series.pages}
    _check_refs(rel("facilitator.yml"), part_lines["facilitator.yml"],
                [(("notes", i, "page"), n.page) for i, n in enumerate(parts["facilitator"].notes)], page_ids, "page", problems)
    ui_file = _rel(root / "locales" / f"{locale}.yml")
    for i, choice in enumerate(ui.start_here.choices):
        for j, pid in enumerate(choice.pages):
            if pid not in page_ids:
                problems.append(Problem(ui_file, f"start_here.choices[{i}].pages[{j}]",
                                        f"unknown page id '{pid}' (known: {', '.join(sorted(page_ids))})"))
    notebooks = notebooks_root()
    for i, page in enumerate(series.pages):
        if not (notebooks / page.notebook).exists():
            problems.append(Problem(rel("pages.yml"), f"pages[{i}].notebook",
                                    f"there is no notebook {page.notebook} in notebooks/",
                                    _line_for(("pages", i, "notebook"), part_lines["pages.yml"])))
    if problems:
        raise ContentError(problems)

    return Content(root=root, procedure=procedure, locale=locale, clinic=clinic, ui=ui, faq=faq,
                   sources={s.id: s for s in parts["sources"].sources}, languages=languages(root, procedure),
                   **{k: v for k, v in parts.items() if k != "sources"})


def languages(root: Path, procedure: str) -> tuple[tuple[str, str], ...]:
    """(locale, language_switch text) for every language with interface words and content."""
    out = []
    for path in sorted((root / "locales").glob("*.yml")):
        if (root / procedure / path.stem).is_dir():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError:
                continue
            out.append((path.stem, str(data.get("language_switch", path.stem))))
    return tuple(out)


def locales(root: Path | None = None, procedure: str | None = None) -> list[str]:
    root = (Path(root) if root else content_root()).resolve()
    procedure = procedure or _load_clinic(root).default_procedure
    return [loc for loc, _ in languages(root, procedure)]
