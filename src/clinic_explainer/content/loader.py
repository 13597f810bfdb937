"""Load content/ into validated, immutable objects.

Every problem is reported as ``file, line N, field 'x.y': message`` so a nurse editing a
text file can find it. ``load()`` collects the problems of all files before raising, so
one run of ``make check`` lists everything that needs fixing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from clinic_explainer import settings
from clinic_explainer.content import review, schema
from clinic_explainer.content.errors import ContentError, Problem

PACKAGE_ROOT = settings.PROJECT_ROOT
from clinic_explainer.content.crossref import check_explorers, check_patient_questions, check_plain, check_refs
from clinic_explainer.content.facts import check_facts
from clinic_explainer.content.files import SAFE_LOADER, Lines, read_markdown, read_yaml, rel_path
from clinic_explainer.content.validation import RUNTIME_PLACEHOLDERS, fill, fill_tree, line_for, validate

content_root = settings.content_root
notebooks_root = settings.notebooks_root


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
    facts: schema.FactsFile  # facts.yml: every place that repeats a number of the FAQ
    patient_questions: schema.PatientQuestionsFile  # questions patients ask, model answers (staff)
    languages: tuple[tuple[str, str], ...] = ()  # (locale, its language_switch text) of every language
    # How texts that wait for the clinic's review are shown (DRAFT_MODES): to patients "hidden"
    # (the clinic's approved words only) unless clinic.yml opts in with show_drafts ("noticed":
    # shown, one notice a page, no marks); to staff and in the preview, "marked" (each marked).
    drafts: str = "hidden"
    # The clinician's review of every text that needs it (content/review.py), and where a part
    # comes from when a patient gets the default language's approved words instead of an
    # unapproved translation (attribute -> locale).
    book: review.Book = field(default_factory=review.Book, compare=False, repr=False)
    origin: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    staff_view: "Content | None" = field(default=None, compare=False, repr=False)

    def key(self, part: str, ref: str | None = None) -> str:
        """The review key of a part ("red_flags"), an entry ("plain", FAQ id) or an FAQ section."""
        if part == "faq":
            path = Path(self.faq[ref].file)
            return f"{path.parent.parent.name}/faq/{path.name}"
        name = PART_FILES[part]
        loc = self.origin.get(part, self.locale)
        return f"{loc}/{name}#{review.slug(ref)}" if ref is not None else f"{loc}/{name}"

    def state(self, part: str, ref: str | None = None) -> str:
        return self.book.state(self.key(part, ref))

    def shows(self, part: str, ref: str | None = None) -> bool:
        """Whether this text reaches the page: approved, or drafts are shown (opt-in, staff)."""
        return self.drafts != "hidden" or self.book.shown(self.key(part, ref))

    def marks(self, part: str, ref: str | None = None) -> bool:
        """Whether it carries a "waiting for review" mark (staff and preview only)."""
        return self.drafts == "marked" and not self.book.shown(self.key(part, ref))

    def plain_for(self, faq_id: str):
        """The "In short" version of an FAQ answer if it reaches this page, else None (the
        clinic's own words are shown instead)."""
        plain = self.plain.for_faq(faq_id)
        return plain if plain is not None and self.shows("plain", faq_id) else None

    def has_drafts(self) -> bool:
        return any(not self.book.shown(i.key) for i in self.book.of(self.locale))

    def for_staff(self) -> "Content":
        """The same content as staff see it: every draft shown and marked."""
        return replace(self.staff_view or self, drafts="marked", staff_view=None)

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
                out.append((rel_path(base / file), part.review, part.status))
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
    "facts.yml": ("facts", schema.FactsFile),
    "patient_questions.yml": ("patient_questions", schema.PatientQuestionsFile),
}
PART_FILES = {attr: name for name, (attr, _) in DATA_FILES.items()}
# Staff-only files: a language may leave them out and use the clinic's default language's.
STAFF_FILES = ("quiz.yml", "facilitator.yml", "patient_questions.yml")
# Files whose {names} are their own (a fact's numbers), not clinic settings.
OWN_PLACEHOLDERS = ("facts.yml",)


def _collect(problems: list[Problem], fn, *args):
    try:
        return fn(*args)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None


def _load_clinic(root: Path) -> schema.Clinic:
    data, lines = read_yaml(root / "clinic.yml")
    return validate(schema.Clinic, data, rel_path(root / "clinic.yml"), lines)


def _load_ui(root: Path, locale: str, settings: dict[str, str]) -> schema.UiStrings:
    path = root / "locales" / f"{locale}.yml"
    data, lines = read_yaml(path)
    problems: list[Problem] = []
    fill_tree(data, {}, set(settings) | RUNTIME_PLACEHOLDERS, rel_path(path), lines, (), problems, False)
    if problems:
        raise ContentError(problems)
    return validate(schema.UiStrings, data, rel_path(path), lines)


def _load_data(path: Path, model: type[BaseModel], settings: dict[str, str]):
    data, lines = read_yaml(path)
    problems: list[Problem] = []
    if path.name not in OWN_PLACEHOLDERS:
        data = fill_tree(data, settings, set(settings), rel_path(path), lines, (), problems, True)
    if problems:
        raise ContentError(problems)
    return validate(model, data, rel_path(path), lines), lines


def _load_faq(path: Path, settings: dict[str, str]):
    front, body, lines = read_markdown(path)
    file = rel_path(path)
    problems: list[Problem] = []
    body = fill_tree(body, settings, set(settings), file, {("body",): lines.get((), 1)}, ("body",), problems, True)
    if problems:
        raise ContentError(problems)
    model = validate(schema.FaqFront, front, file, lines)
    return schema.FaqSection(front=model, body=body, file=file), lines


def load(root: Path | None = None, procedure: str | None = None, locale: str | None = None) -> Content:
    """Load and validate every content file; raise ContentError listing all problems."""
    root = (Path(root) if root else content_root()).resolve()
    return _load_cached(root, procedure, locale, fingerprint(root))


def fingerprint(root: Path) -> tuple:
    """Names, sizes and times of the content files: an edited file invalidates the cache."""
    return tuple((str(p), st.st_mtime_ns, st.st_size) for p in sorted(root.rglob("*"))
                 if p.is_file() for st in [p.stat()])


@lru_cache(maxsize=8)
def _version(root: Path, stamp: tuple) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def content_version(root: Path | None = None) -> str:
    """The hash of every content file (names and bytes): which words a trainee was trained on."""
    root = (Path(root) if root else content_root()).resolve()
    return _version(root, fingerprint(root))


@lru_cache(maxsize=8)
def _load_cached(root: Path, procedure: str | None, locale: str | None, fingerprint: tuple) -> Content:
    clinic = _load_clinic(root)
    procedure = procedure or clinic.default_procedure
    locale = locale or clinic.default_locale
    clinic = clinic.in_language(locale).filled()
    settings = clinic.settings()
    problems: list[Problem] = []
    ui = _collect(problems, _load_ui, root, locale, settings)
    base = root / procedure / locale
    if not base.is_dir():
        raise ContentError([Problem(rel_path(root / "clinic.yml"), "default_procedure",
                                    f"there is no folder {rel_path(base)} for procedure '{procedure}', locale '{locale}'")])

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
        problems.append(Problem(rel_path(base / "faq"), "", "no FAQ files (*.md) found"))

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
        check_refs(section.file, faq_lines[section.file],
                    [(("sources", i), s) for i, s in enumerate(section.front.sources)], source_ids, "source", problems)
    rel = lambda name: rel_path(base / name)  # noqa: E731
    series, timeline, flags = parts["series"], parts["timeline"], parts["red_flags"]
    check_refs(rel("pages.yml"), part_lines["pages.yml"],
                [(("pages", i, "faq", j), f) for i, p in enumerate(series.pages) for j, f in enumerate(p.faq)],
                faq_ids, "FAQ", problems)
    check_refs(rel("timeline.yml"), part_lines["timeline.yml"],
                [(("phases", i, "faq", j), f) for i, p in enumerate(timeline.phases) for j, f in enumerate(p.faq)],
                faq_ids, "FAQ", problems)
    check_refs(rel("timeline.yml"), part_lines["timeline.yml"],
                [(("phases", i, "contact_if", j), f) for i, p in enumerate(timeline.phases)
                 for j, f in enumerate(p.contact_if)], {f.id for f in flags.flags}, "red flag", problems)
    check_refs(rel("red_flags.yml"), part_lines["red_flags.yml"],
                [(("sources", i), s) for i, s in enumerate(flags.sources)], source_ids, "source", problems)
    check_refs(rel("aftercare.yml"), part_lines["aftercare.yml"],
                [(("steps", i, "faq"), s.faq) for i, s in enumerate(parts["aftercare"].steps)], faq_ids, "FAQ", problems)
    cand = parts["candidacy"]
    check_refs(rel("candidacy.yml"), part_lines["candidacy.yml"],
                [((group, i, "faq", j), f) for group in ("concerns", "areas", "contraindications")
                 for i, item in enumerate(getattr(cand, group)) for j, f in enumerate(item.faq)],
                faq_ids, "FAQ", problems)
    if (base / "quiz.yml").exists():
        check_explorers(parts, part_lines, faq, source_ids, rel, problems, faq_lines)
    if (base / "patient_questions.yml").exists():
        check_patient_questions(parts, part_lines, faq, faq_lines, rel, problems)
    check_plain(parts, part_lines, faq, faq_lines, source_ids, rel, problems)
    check_facts(parts, part_lines, faq, rel, problems)
    page_ids = {p.id for p in series.pages}
    check_refs(rel("facilitator.yml"), part_lines["facilitator.yml"],
                [(("notes", i, "page"), n.page) for i, n in enumerate(parts["facilitator"].notes)], page_ids, "page", problems)
    ui_file = rel_path(root / "locales" / f"{locale}.yml")
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
                                    line_for(("pages", i, "notebook"), part_lines["pages.yml"])))
    if problems:
        raise ContentError(problems)

    decisions = _load_decisions(root / procedure)
    book = review.book_for(root / procedure, locale, clinic.default_locale, decisions, STAFF_FILES)
    c = Content(root=root, procedure=procedure, locale=locale, clinic=clinic, ui=ui, faq=faq,
                drafts="noticed" if clinic.show_drafts else "hidden", book=book,
                sources={s.id: s for s in parts["sources"].sources}, languages=languages(root, procedure),
                **{k: v for k, v in parts.items() if k != "sources"})
    if c.drafts == "hidden" and locale != clinic.default_locale:
        c = _approved_only(c, _load_cached(root, procedure, clinic.default_locale, fingerprint))
    return c


def _load_decisions(procedure_dir: Path) -> dict:
    """The clinician's decisions (reviews.yml, written by the review desk); none yet is fine."""
    path = procedure_dir / review.REVIEWS_FILE
    if not path.exists():
        return {}
    data, lines = read_yaml(path)
    return validate(schema.ReviewsFile, data or {}, rel_path(path), lines).decisions


def _approved_only(c: Content, default: Content) -> Content:
    """A patient's view of a translation: where a translated file is not approved, the clinic's
    approved words in the default language instead (the staff view keeps the translation)."""
    swaps: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, (attr, _) in DATA_FILES.items():
        if not c.book.shown(f"{c.locale}/{name}"):
            swaps[attr], origin[attr] = getattr(default, attr), default.locale
    faq = {sid: (s if c.book.shown(c.key("faq", sid)) or sid not in default.faq else default.faq[sid])
           for sid, s in c.faq.items()}
    return replace(c, faq=faq, origin=origin, staff_view=c, **swaps)


def languages(root: Path, procedure: str) -> tuple[tuple[str, str], ...]:
    """(locale, language_switch text) for every language with interface words and content."""
    out = []
    for path in sorted((root / "locales").glob("*.yml")):
        if (root / procedure / path.stem).is_dir():
            try:
                # libyaml: this runs in every patient kernel, and the pure-Python parser took
                # most of the content's load time there (two whole locale files for one word)
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
            except yaml.YAMLError:
                continue
            out.append((path.stem, str(data.get("language_switch", path.stem))))
    return tuple(out)


def locales(root: Path | None = None, procedure: str | None = None) -> list[str]:
    root = (Path(root) if root else content_root()).resolve()
    procedure = procedure or _load_clinic(root).default_procedure
    return [loc for loc, _ in languages(root, procedure)]
