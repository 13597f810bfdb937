"""The shape of every content file, as pydantic models.

Each ``*File`` model is the root of one file in content/. Checks that span several items
(ordering, unique ids) raise :class:`FieldProblem` so the error names the exact field.
References between files (an FAQ id, a source id) are checked by ``content.load``.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .errors import FieldProblem

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Audience = Literal["patient", "staff"]
Status = Literal["approved", "draft"]
Hours = Annotated[float, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def unique_ids(items, field: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise FieldProblem((field, i, "id"), f"the id '{item.id}' is used twice")
        seen.add(item.id)


class Review(Strict):
    reviewed_by: Text
    last_reviewed: date
    next_review: date

    @model_validator(mode="after")
    def _review_after_last(self):
        if self.next_review <= self.last_reviewed:
            raise ValueError("next_review must be later than last_reviewed")
        return self


class ReviewedFile(Strict):
    """What every content data file carries: who reviewed it, and whether it is a draft."""

    review: Review
    status: Status = "approved"


# --- clinic.yml -------------------------------------------------------------------------


class Colours(Strict):
    primary: Colour
    accent: Colour
    background: Colour


class ClinicLines(Strict):
    """The clinic's sentences in another language (the same numbers as the default language's)."""

    contact_line: Text | None = None
    emergency_line: Text | None = None
    after_hours_line: Text | None = None


class Clinic(Strict):
    name: Text
    device_name: Text
    contact_line: Text
    phone: Text
    emergency_line: Text
    after_hours_line: Text
    translations: dict[str, ClinicLines] = {}
    timezone: Text
    default_procedure: Id
    default_locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    colours: Colours
    # the explainer's public address (the handout's QR code and the personal link)
    public_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s#?]+/$")] | None = None
    # the time of day calendar reminders ring, in the clinic's time zone
    reminder_time: time = time(9, 0)
    # the paper the front desk prints on: the handout's default size
    paper: Literal["a4", "letter"] = "a4"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone name such as Europe/London") from None
        return value

    @model_validator(mode="after")
    def _same_numbers(self):
        for lang, lines in self.translations.items():
            for key in ("contact_line", "emergency_line", "after_hours_line"):
                text = getattr(lines, key)
                if text is not None and sorted(re.findall(r"\d+", text)) != sorted(re.findall(r"\d+", getattr(self, key))):
                    raise FieldProblem(("translations", lang, key),
                                       f"the numbers differ from {key} above: use the same phone numbers and hours")
        return self

    def filled(self) -> "Clinic":
        """The clinic's sentences with {phone} and {clinic_name} filled in."""
        values = {"phone": self.phone, "clinic_name": self.name}
        fill = lambda text: re.sub(r"\{(phone|clinic_name)\}", lambda m: values[m.group(1)], text)  # noqa: E731
        return self.model_copy(update={k: fill(getattr(self, k)) for k in ("contact_line", "emergency_line",
                                                                            "after_hours_line")})

    def in_language(self, locale: str) -> "Clinic":
        """These settings with the sentences of ``locale`` (where clinic.yml translates them)."""
        lines = self.translations.get(locale)
        if lines is None:
            return self
        return self.model_copy(update={k: v for k, v in lines.model_dump().items() if v is not None})

    def settings(self) -> dict[str, str]:
        """The placeholders content text may use, e.g. {device_name}."""
        return {
            "clinic_name": self.name,
            "device_name": self.device_name,
            "contact_line": self.contact_line,
            "phone": self.phone,
            "emergency_line": self.emergency_line,
            "after_hours_line": self.after_hours_line,
        }


# --- locales/<locale>.yml ---------------------------------------------------------------


class TimelineStrings(Strict):
    slider_label: Text
    may_see: Text
    what_to_do: Text
    whats_next: Text
    next_in: Text
    last_phase: Text
    contact_heading: Text
    chart_caption: Text
    you_are_here: Text
    redness_curve: Text
    collagen_curve: Text
    chart_title: Text
    alt_text: Text
    date_label: Text
    time_label: Text
    date_help: Text
    date_future: Text
    date_too_old: Text
    date_empty: Text
    date_invalid: Text
    your_dates: Text
    calendar_button: Text
    calendar_ready: Text
    calendar_link: Text
    calendar_needs_date: Text
    now_marker: Text
    hours: Text
    hour: Text
    days: Text
    day: Text
    weeks: Text
    week: Text
    months: Text
    month: Text
    minutes: Text
    start: Text
    tick_hour: Text
    tick_week: Text
    tick_month: Text
    tick_start: Text
    curve_axis: Text
    all_warning_signs: Text
    dated_item: Text
    date_cleared: Text
    follow_up: Text
    handout_button: Text
    handout_ready: Text
    handout_link: Text
    span_range: Text
    span_first: Text
    span_from: Text
    unit_hours: Text
    unit_days: Text
    unit_weeks: Text
    unit_months: Text


class StartChoice(Strict):
    label: Text
    pages: Annotated[list[Id], Field(min_length=1)]


class StartHere(Strict):
    question: Text
    choices: Annotated[list[StartChoice], Field(min_length=1)]


class HandoutStrings(Strict):
    """The printed handout and the "Print or save as PDF" button on every page."""

    title: Text
    intro: Text
    faq_heading: Text
    timeline_heading: Text
    aftercare_heading: Text
    treated_on: Text
    qr_caption: Text
    qr_personal: Text
    reviewed: Text
    print_button: Text
    print_ready: Text
    print_link: Text


class ServingStrings(Strict):
    """Pages and notices the server shows without a kernel (busy, updating, errors, paused)."""
    busy_title: Text
    busy_body: Text
    updating_title: Text
    updating_body: Text
    not_found_title: Text
    not_found_body: Text
    error_title: Text
    error_body: Text
    call_us: Text
    start_link: Text
    try_again: Text
    paused: Text
    continue_button: Text


class GettingReady(Strict):
    """Placeholder words of each interactive tool while the page's tools load."""
    start_here: Text
    skin: Text
    candidacy: Text
    timeline: Text
    results: Text
    quiz: Text
    # under the recovery timeline that already works before the widget client (early_slider.py)
    your_dates: Text


class UiStrings(Strict):
    language_name: Text
    date_format: Text
    date_format_year: Text
    time_format: Text
    disclaimer: Text
    contact_heading: Text
    learn_heading: Text
    how_to_use_heading: Text
    sources_heading: Text
    reviewed_line: Text
    waiting_review: Text
    draft_label: Text
    in_short: Text
    full_answer: Text
    studies_say: Text
    plain_review: Text
    language_switch: Text
    back_to_index: Text
    skip_to_tool: Text
    contents_label: Text
    external_link: Text
    series_heading: Text
    open_app: Text
    audience_patient: Text
    audience_staff: Text
    facilitator_heading: Text
    error_generic: Text
    serving: ServingStrings
    getting_ready: GettingReady
    start_here: StartHere
    timeline: TimelineStrings
    candidacy: CandidacyStrings
    skin: SkinStrings
    quiz: QuizStrings
    facilitator: FacilitatorStrings
    handout: HandoutStrings


# --- <procedure>/<locale>/faq/*.md front matter ----------------------------------------


class FaqFront(Strict):
    id: Id
    title: Text
    question: Text
    audience: Annotated[list[Audience], Field(min_length=1)]
    sources: Annotated[list[Id], Field(min_length=1)]
    reviewed_by: Text
    last_reviewed: date
    next_review: date
    status: Status = "approved"

    @model_validator(mode="after")
    def _review_after_last(self):
        if self.next_review <= self.last_reviewed:
            raise FieldProblem(("next_review",), "next_review must be later than last_reviewed")
        return self


class FaqSection(BaseModel):
    """A validated FAQ section with its Markdown body (placeholders already filled)."""

    model_config = ConfigDict(frozen=True)
    front: FaqFront
    body: str
    file: str

    @property
    def id(self) -> str:
        return self.front.id


# --- sources.yml --------------------------------------------------------------------------


class Source(Strict):
    id: Id
    title: Text
    publisher: Text
    year: Annotated[int, Field(ge=1900, le=2100)]
    doi: str | None = None
    url: str | None = None


class SourcesFile(ReviewedFile):
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.sources, "sources")
        return self


# --- pages.yml ----------------------------------------------------------------------------


class Page(Strict):
    id: Id
    notebook: Annotated[str, StringConstraints(pattern=r"^[\w-]+\.ipynb$")]
    title: Text
    summary: Text
    audience: Annotated[list[Audience], Field(min_length=1)]
    learn: list[Text] = []
    faq: list[Id] = []
    how_to_use: list[Text] = []
    sources: list[Id] = []  # sources of the page's tools (e.g. the skin picture), listed in its footer


class SeriesFile(ReviewedFile):
    series_title: Text
    series_intro: Text
    pages: Annotated[list[Page], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.pages, "pages")
        return self


# --- timeline.yml ---------------------------------------------------------------------------


def _no_times(value: str) -> str:
    if re.search(r"\d", value):
        raise ValueError("write the name only, without numbers: the page adds the times "
                         "from start_hours and end_hours, so they can never disagree")
    return value


NameOnly = Annotated[Text, AfterValidator(_no_times)]


class Phase(Strict):
    id: Id
    label: NameOnly
    short_label: NameOnly
    start_hours: Hours
    end_hours: Hours
    faq: Annotated[list[Id], Field(min_length=1)]
    may_see: Annotated[list[Text], Field(min_length=1)]
    what_to_do: Annotated[list[Text], Field(min_length=1)]
    contact_if: list[Id] = []


class Milestone(Strict):
    id: Id
    at_hours: Hours
    text: Text


class Illustration(Strict):
    """Where the illustrative curves reach their end points (hours, from the FAQ)."""

    redness_gone_by_hours: Annotated[float, Field(gt=0)]
    results_complete_by_hours: Annotated[float, Field(gt=0)]


class TimelineFile(ReviewedFile):
    caveat: Text
    illustration: Illustration
    phases: Annotated[list[Phase], Field(min_length=2)]
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _phases_in_order(self):
        unique_ids(self.phases, "phases")
        unique_ids(self.milestones, "milestones")
        if self.phases[0].start_hours != 0:
            raise FieldProblem(("phases", 0, "start_hours"), "the first phase must start at 0 hours")
        for i, phase in enumerate(self.phases):
            if phase.end_hours <= phase.start_hours:
                raise FieldProblem(
                    ("phases", i, "end_hours"),
                    f"phase '{phase.id}' ends ({phase.end_hours:g} h) before it starts "
                    f"({phase.start_hours:g} h)",
                )
            if i == 0:
                continue
            prev = self.phases[i - 1]
            if phase.start_hours < prev.end_hours:
                raise FieldProblem(
                    ("phases", i, "start_hours"),
                    f"phase '{phase.id}' starts at {phase.start_hours:g} h, before phase "
                    f"'{prev.id}' ends ({prev.end_hours:g} h): phases overlap or are out of order",
                )
            if phase.start_hours > prev.end_hours:
                raise FieldProblem(
                    ("phases", i, "start_hours"),
                    f"phase '{phase.id}' starts at {phase.start_hours:g} h but phase "
                    f"'{prev.id}' ends at {prev.end_hours:g} h: there is a gap between them",
                )
        end = self.phases[-1].end_hours
        for i, milestone in enumerate(self.milestones):
            if milestone.at_hours > end:
                raise FieldProblem(
                    ("milestones", i, "at_hours"),
                    f"milestone '{milestone.id}' is after the last phase ends ({end:g} h)",
                )
        return self


# --- red_flags.yml --------------------------------------------------------------------------


class UrgencyLevel(Strict):
    id: Id
    label: Text
    action: Text


class RedFlag(Strict):
    id: Id
    level: Id
    text: Text
    # a "check your skin" calendar event this many hours after treatment (only where set)
    follow_up_at_hours: Hours | None = None


class RedFlagsFile(ReviewedFile):
    sources: Annotated[list[Id], Field(min_length=1)]
    levels: Annotated[list[UrgencyLevel], Field(min_length=1)]
    flags: Annotated[list[RedFlag], Field(min_length=1)]

    @model_validator(mode="after")
    def _levels_known(self):
        unique_ids(self.levels, "levels")
        unique_ids(self.flags, "flags")
        known = {level.id for level in self.levels}
        for i, flag in enumerate(self.flags):
            if flag.level not in known:
                raise FieldProblem(
                    ("flags", i, "level"),
                    f"unknown level '{flag.level}' (known: {', '.join(sorted(known))})",
                )
        return self


# --- aftercare.yml --------------------------------------------------------------------------


class AftercareStep(Strict):
    id: Id
    text: Text
    faq: Id
    from_hours: Hours
    until_hours: Hours | None = None
    remind_at_hours: list[Hours] = []


class AftercareFile(ReviewedFile):
    steps: Annotated[list[AftercareStep], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.steps, "steps")
        for i, step in enumerate(self.steps):
            if step.until_hours is not None and step.until_hours <= step.from_hours:
                raise FieldProblem(("steps", i, "until_hours"), "until_hours must be after from_hours")
        return self


# --- candidacy.yml --------------------------------------------------------------------------


class Concern(Strict):
    id: Id
    label: Text
    faq: Annotated[list[Id], Field(min_length=1)]


class Contraindication(Strict):
    id: Id
    question: Text
    tell_dermatologist: Text
    faq: Annotated[list[Id], Field(min_length=1)]


class CandidacyFile(ReviewedFile):
    decider: Text
    concerns: Annotated[list[Concern], Field(min_length=1)]
    areas: list[Concern] = []
    contraindications: Annotated[list[Contraindication], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.concerns, "concerns")
        unique_ids(self.areas, "areas")
        unique_ids(self.contraindications, "contraindications")
        return self


# --- locale sections of the explorers (candidacy, skin, quiz, facilitator notes) ------------


class CandidacyStrings(Strict):
    heading: Text
    intro: Text
    concerns_heading: Text
    areas_heading: Text
    questions_heading: Text
    yes: Text
    no: Text
    not_sure: Text
    privacy: Text
    result_heading: Text
    nothing_yet: Text
    faq_heading: Text
    tell_heading: Text
    tell_unsure: Text
    next_step: Text
    ticked_heading: Text
    answers_heading: Text
    own_questions_label: Text
    own_questions_help: Text
    list_button: Text
    list_ready: Text
    list_link: Text
    list_title: Text


class SkinStrings(Strict):
    heading: Text
    slider_label: Text
    depth: Text
    reach_sure: Text
    faq_note: Text
    repair_heading: Text
    layers_heading: Text
    layer_range: Text
    schematic_note: Text
    figure_title: Text
    needle_label: Text
    repair_label: Text
    depth_axis: Text
    alt_text: Text


class QuizStrings(Strict):
    heading: Text
    progress: Text
    true_label: Text
    false_label: Text
    check: Text
    next: Text
    finish: Text
    restart: Text
    choose_first: Text
    correct: Text
    incorrect: Text
    right_answer: Text
    from_faq: Text
    score: Text
    review_heading: Text
    all_right: Text
    teach_back_heading: Text


class FacilitatorStrings(Strict):
    demonstrate: Text
    patient_questions: Text
    timing: Text


# --- skin.yml -------------------------------------------------------------------------------


class Needle(Strict):
    max_depth_mm: Annotated[float, Field(gt=0, le=5)]
    step_mm: Annotated[float, Field(gt=0)]
    faq: Id


class SkinLayer(Strict):
    id: Id
    label: Text
    plain: Text
    min_mm: Annotated[float, Field(gt=0)] | None = None
    max_mm: Annotated[float, Field(gt=0)] | None = None


class RepairItem(Strict):
    id: Id
    label: Text
    plain: Text


class SkinFile(ReviewedFile):
    sources: Annotated[list[Id], Field(min_length=1)]
    needle: Needle
    layers: Annotated[list[SkinLayer], Field(min_length=2)]
    repair: Annotated[list[RepairItem], Field(min_length=1)]

    @model_validator(mode="after")
    def _layers(self):
        unique_ids(self.layers, "layers")
        unique_ids(self.repair, "repair")
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            if not last and (layer.min_mm is None or layer.max_mm is None):
                raise FieldProblem(("layers", i, "min_mm"),
                                   f"layer '{layer.id}' needs min_mm and max_mm (only the deepest layer may leave them out)")
            if layer.min_mm is not None and layer.max_mm is not None and layer.max_mm < layer.min_mm:
                raise FieldProblem(("layers", i, "max_mm"), f"layer '{layer.id}': max_mm is smaller than min_mm")
        if self.needle.step_mm > self.needle.max_depth_mm:
            raise FieldProblem(("needle", "step_mm"), "step_mm must not be larger than max_depth_mm")
        return self


# --- quiz.yml -------------------------------------------------------------------------------


def _has(text: str, phrase: str) -> bool:
    return " ".join(phrase.lower().split()) in " ".join(text.lower().split())


class QuizQuestion(Strict):
    id: Id
    kind: Literal["choice", "true-false"]
    prompt: Text
    choices: list[Text] = []
    answer: int | bool
    faq: Id
    passage: Text
    answer_evidence: Text
    explanation: Text
    teach_back: Text | None = None

    @property
    def correct_index(self) -> int:
        """Index of the right option (true/false: 0 = true, 1 = false)."""
        if self.kind == "true-false":
            return 0 if self.answer else 1
        return int(self.answer)

    def check_key(self) -> list[tuple[tuple, str]]:
        """Problems with the answer key itself, as (field, message); the FAQ is checked at load."""
        problems = []
        if not _has(self.passage, self.answer_evidence):
            problems.append((("answer_evidence",), f"'{self.answer_evidence}' is not in the passage"))
        if self.kind == "choice":
            if isinstance(self.answer, bool) or not 0 <= self.answer < len(self.choices):
                return problems + [(("answer",), f"answer must be the number of a choice, 0 to {len(self.choices) - 1}")]
            if not _has(self.choices[self.answer], self.answer_evidence):
                problems.append((("answer_evidence",), f"'{self.answer_evidence}' is not in the right choice "
                                                       f"'{self.choices[self.answer]}'"))
            for j, choice in enumerate(self.choices):
                if j != self.answer and _has(choice, self.answer_evidence):
                    problems.append((("choices", j), f"a wrong choice also contains '{self.answer_evidence}'"))
        else:
            if not isinstance(self.answer, bool):
                problems.append((("answer",), "a true-false answer must be true or false"))
            elif self.answer != _has(self.prompt, self.answer_evidence):
                want = "contain" if self.answer else "not contain"
                problems.append((("answer_evidence",), f"for a statement that is {str(self.answer).lower()}, "
                                                       f"the statement must {want} '{self.answer_evidence}'"))
        return problems


class QuizFile(ReviewedFile):
    questions: Annotated[list[QuizQuestion], Field(min_length=1)]

    @model_validator(mode="after")
    def _keys(self):
        unique_ids(self.questions, "questions")
        for i, q in enumerate(self.questions):
            if q.kind == "choice" and len(q.choices) < 2:
                raise FieldProblem(("questions", i, "choices"), "a multiple-choice question needs at least 2 choices")
            if q.kind == "true-false" and q.choices:
                raise FieldProblem(("questions", i, "choices"), "a true-false question has no choices")
            for loc, message in q.check_key():
                raise FieldProblem(("questions", i) + loc, message)
        return self


# --- facilitator.yml ------------------------------------------------------------------------


class FacilitatorNote(Strict):
    page: Id
    minutes: Annotated[int, Field(ge=1, le=120)]
    demonstrate: Annotated[list[Text], Field(min_length=1)]
    patient_questions: list[Text] = []


class FacilitatorFile(ReviewedFile):
    notes: Annotated[list[FacilitatorNote], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        seen: dict[str, int] = {}
        for i, note in enumerate(self.notes):
            if note.page in seen:
                raise FieldProblem(("notes", i, "page"), f"page '{note.page}' already has notes (notes[{seen[note.page]}])")
            seen[note.page] = i
        return self

    def for_page(self, page_id: str) -> FacilitatorNote | None:
        return next((n for n in self.notes if n.page == page_id), None)


# --- plain.yml: the "In short" version of each FAQ answer -----------------------------------


class Fact(Strict):
    """One fact of the clinic's answer and how the plain version says it."""

    clinic: Text  # words found in the clinic's answer
    plain: Text   # words found in the plain version


class PlainSection(Strict):
    faq: Id
    in_short: Text
    facts: Annotated[list[Fact | Text], Field(min_length=1)]

    def fact_pairs(self) -> list[Fact]:
        return [f if isinstance(f, Fact) else Fact(clinic=f, plain=f) for f in self.facts]


class PlainFile(ReviewedFile):
    sections: Annotated[list[PlainSection], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        seen: set[str] = set()
        for i, sec in enumerate(self.sections):
            if sec.faq in seen:
                raise FieldProblem(("sections", i, "faq"), f"FAQ section '{sec.faq}' already has a plain version")
            seen.add(sec.faq)
        return self

    def for_faq(self, faq_id: str) -> PlainSection | None:
        return next((s for s in self.sections if s.faq == faq_id), None)


# --- evidence.yml: "What studies say" beside an FAQ answer ---------------------------------


class EvidenceNote(Strict):
    id: Id
    faq: Id
    text: Text
    sources: Annotated[list[Id], Field(min_length=1)]


class EvidenceFile(ReviewedFile):
    notes: list[EvidenceNote] = []

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.notes, "notes")
        return self

    def for_faq(self, faq_id: str) -> list[EvidenceNote]:
        return [n for n in self.notes if n.faq == faq_id]


# --- jargon.yml: hard words and what they mean ---------------------------------------------


class JargonTerm(Strict):
    term: Text
    plain: Text  # the plain word, or a short definition
    defined_as: Annotated[list[Text], Field(min_length=1)]  # wordings that count as defining it on first use


class JargonFile(ReviewedFile):
    terms: Annotated[list[JargonTerm], Field(min_length=1)]


UiStrings.model_rebuild()
