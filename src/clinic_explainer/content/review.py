"""What waits for the clinician's review, and the state of each text.

An *item* is what a clinician approves in one go, named by a key relative to the procedure:

- each plain version, "What studies say" note and jargon term, in every language
  (``en/plain.yml#results``, ``es/evidence.yml#depth-and-collagen``, ``en/jargon.yml#collagen``);
- a whole file in a language other than the clinic's default: a translation
  (``es/timeline.yml``, ``es/faq/03-results.md``), checked against its default-language file;
- a default-language file marked ``status: draft`` as a whole (``en/red_flags.yml``).

Each item's words are hashed; the decision in ``<procedure>/reviews.yml`` names the hash it
was about. So the state follows from the files alone (docs/content-review.md):

- ``approved``: the words are those the clinician approved;
- ``needs-review``: never decided, or the words changed since the decision;
- ``change-asked``: the clinician asked for a change to these very words;
- ``stale``: an approved translation whose default-language text changed since.

With no decision an item takes its file's ``status`` (hand-approved files stay approved).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from clinic_explainer.content.files import SAFE_LOADER
from clinic_explainer.content.schema.review import Decision

REVIEWS_FILE = "reviews.yml"  # beside the language folders: <procedure>/reviews.yml
# files reviewed item by item: file -> (list field, the entry's id field)
GRANULAR = {"plain.yml": ("sections", "faq"), "evidence.yml": ("notes", "id"), "jargon.yml": ("terms", "term")}
NO_SOURCE = ("jargon.yml",)  # a language's hard words are its own, not translations
REVIEW_FIELDS = {"review", "status", "reviewed_by", "last_reviewed", "next_review"}
STATES = ("needs-review", "change-asked", "stale", "approved")
SHOWN = ("approved", "stale")  # a stale translation is still words the clinic approved


def slug(text: str) -> str:
    """A key part from an id or a term: lower case, words joined by hyphens ("ácido-hialurónico")."""
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-")


def text_hash(words) -> str:
    """16 hex digits of the SHA-256 of the words (as written in the file, before {placeholders})."""
    raw = json.dumps(words, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Item:
    key: str
    locale: str
    name: str          # the file, relative to the language folder ("plain.yml", "faq/03-results.md")
    path: Path
    loc: tuple         # the field in the file: () for a whole file, ("sections", 3) for an entry
    ref: str | None    # the entry's id (FAQ id, note id, term) or None for a whole file
    words: object      # the raw words reviewed (a dict), for the desk
    text_hash: str
    source: str | None  # key of the default language's text this translates
    file_status: str   # the file's own status when nothing was decided


def _raw(path: Path) -> dict:
    st = path.stat()
    return _raw_cached(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _raw_cached(path: Path, _mtime: int, _size: int) -> dict:
    """The file's words as written (the loader has already checked it parses): libyaml, no
    line numbers, read once per version of the file (a patient's kernel reads every language)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---", 2)
        data = yaml.load(front, Loader=SAFE_LOADER) or {}
        return {**data, "body": body.strip()}
    data = yaml.load(text, Loader=SAFE_LOADER)
    return data if isinstance(data, dict) else {}


def items_of(base: Path, locale: str, default_locale: str, skip: tuple[str, ...], every_file: bool = False) -> list[Item]:
    """Every item of one language folder (``skip``: staff files reviewed by the training lead;
    ``every_file``: approved whole files too, as the sources translations are checked against)."""
    translated = locale != default_locale
    out: list[Item] = []
    paths = [*sorted(base.glob("*.yml")), *sorted((base / "faq").glob("*.md"))]
    for path in paths:
        name = path.relative_to(base).as_posix()
        if name in skip:
            continue
        data = _raw(path)
        status = str(data.get("status", "approved"))
        if name in GRANULAR:
            list_field, id_field = GRANULAR[name]
            for i, entry in enumerate(data.get(list_field) or []):
                if not isinstance(entry, dict):
                    continue
                ref = slug(str(entry.get(id_field, "")))
                key = f"{locale}/{name}#{ref}"
                source = f"{default_locale}/{name}#{ref}" if translated and name not in NO_SOURCE else None
                out.append(Item(key, locale, name, path, (list_field, i), ref, entry, text_hash(entry), source, status))
        elif translated or status == "draft" or every_file:
            words = {k: v for k, v in data.items() if k not in REVIEW_FIELDS}
            key = f"{locale}/{name}"
            source = f"{default_locale}/{name}" if translated else None
            out.append(Item(key, locale, name, path, (), None, words, text_hash(words), source, status))
    return out


@dataclass(frozen=True)
class Book:
    """The items of one language (and of the default language, whose words translations follow)
    with the clinician's decisions."""

    items: dict[str, Item] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)

    def state(self, key: str) -> str:
        item = self.items.get(key)
        if item is None:
            return "approved"  # not a reviewed text: the clinic's own words
        decision = self.decisions.get(key)
        if decision is None:
            return "approved" if item.file_status == "approved" else "needs-review"
        if decision.text != item.text_hash:
            return "needs-review"
        if decision.action == "change-asked":
            return "change-asked"
        source = self.items.get(item.source) if item.source else None
        if source is not None and decision.source and decision.source != source.text_hash:
            return "stale"
        return "approved"

    def shown(self, key: str) -> bool:
        return self.state(key) in SHOWN

    def of(self, locale: str) -> list[Item]:
        return [i for i in self.items.values() if i.locale == locale]

    def waiting(self, locale: str) -> list[Item]:
        """This language's items awaiting the clinician, the most pressing state first."""
        items = [i for i in self.of(locale) if self.state(i.key) != "approved"]
        return sorted(items, key=lambda i: STATES.index(self.state(i.key)))

    def orphans(self) -> list[str]:
        """Decisions about texts that no longer exist (an entry renamed or removed)."""
        locales = {i.locale for i in self.items.values()}
        return [k for k in self.decisions if k.split("/", 1)[0] in locales and k not in self.items]


def book_for(procedure_dir: Path, locale: str, default_locale: str, decisions: dict[str, Decision],
             skip: tuple[str, ...]) -> Book:
    items = {i.key: i for i in items_of(procedure_dir / locale, locale, default_locale, skip)}
    if locale != default_locale:
        items.update({i.key: i for i in items_of(procedure_dir / default_locale, default_locale, default_locale, skip,
                                                 every_file=True)})
    return Book(items=items, decisions=dict(decisions))


HEADER = """\
# The clinician's latest decision on each text that waits for review, written by the review
# desk (notebooks/07_review_desk.ipynb). Each decision names the words it was about by their
# hash ("text"): when those words are edited, the text goes back to review by itself. For a
# translation, "source" is the hash of the default language's text it was checked against.
# The full history (who decided what, when) is the review log in the clinic's database.
"""


def write_decision(procedure_dir: Path, key: str, decision: Decision) -> Path:
    """Record ``decision`` for ``key`` in <procedure>/reviews.yml (atomically: a reader sees
    the old file or the new one, never half of one)."""
    path = procedure_dir / REVIEWS_FILE
    data = {}
    if path.exists():
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("decisions") or {}
    data[key] = {k: v for k, v in decision.model_dump(mode="json").items() if v not in (None, "")}
    body = yaml.safe_dump({"decisions": dict(sorted(data.items()))}, allow_unicode=True, sort_keys=False, width=100)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    os.replace(tmp, path)
    return path
