"""locales/<locale>.yml: every word of buttons, headings and messages, per tool."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
)


from clinic_explainer.content.schema.base import (
    Id,
    Strict,
    Text,
)

# --- locales/<locale>.yml ---------------------------------------------------------------


class TimelineStrings(Strict):
    slider_label: Text
    may_see: Text
    what_to_do: Text
    whats_next: Text
    next_in: Text
    last_phase: Text
    contact_heading: Text
    signs_link: Text  # the card's link to the warning signs (what to do for each level)
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
    all_warning_signs: Text
    dated_item: Text
    date_cleared: Text
    follow_up: Text
    handout_button: Text
    handout_ready: Text
    handout_link: Text
    plan_ahead: Text
    plan_ahead_today: Text
    plan_ahead_tomorrow: Text
    today_mark: Text
    plan_ahead_help: Text
    date_too_far: Text
    day_now: Text
    day_zero: Text
    no_reminders: Text
    calendar_event: Text
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
    today: Text


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


class ReaderStrings(Strict):
    """Reading aids of the patient pages (the Voila template's reader.js): read aloud, larger text."""
    listen: Text
    stop: Text
    larger_text: Text


class UiStrings(Strict):
    language_name: Text
    date_format: Text
    date_format_year: Text
    disclaimer: Text
    contact_heading: Text
    learn_heading: Text
    how_to_use_heading: Text
    sources_heading: Text
    reviewed_line: Text
    waiting_review: Text
    draft_label: Text
    drafts_notice: Text  # one per page, where clinic.yml shows drafts to patients
    in_short: Text
    full_answer: Text
    studies_say: Text
    plain_review: Text
    language_switch: Text
    back_to_index: Text
    contents_label: Text
    skip_to_tool: Text  # the skip link to a page's main tool (pages.yml `tool`)
    external_link: Text
    series_heading: Text
    audience_patient: Text
    audience_staff: Text
    facilitator_heading: Text
    error_generic: Text
    download_too_slow: Text
    download_too_large: Text
    serving: ServingStrings
    getting_ready: GettingReady
    start_here: StartHere
    timeline: TimelineStrings
    candidacy: CandidacyStrings
    skin: SkinStrings
    quiz: QuizStrings
    training: TrainingStrings
    review_desk: ReviewDeskStrings
    facilitator: FacilitatorStrings
    handout: HandoutStrings
    reader: ReaderStrings



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
    own_questions_limit: Text
    own_questions_too_long: Text
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
    # questions patients often ask (patient_questions.yml) and the trainers' answer key (PDF)
    patient_heading: Text
    patient_intro: Text
    model_answer: Text
    draws_on: Text
    faq_silent: Text
    key_button: Text
    key_ready: Text
    key_link: Text
    key_title: Text
    key_intro: Text
    key_why: Text
    key_version: Text
    key_draft: Text


class TrainingStrings(Strict):
    """Words of the training record (JupyterLab), the class view and the certificate: staff only."""

    record_heading: Text
    name_label: Text
    name_hint: Text
    save: Text
    hub_user: Text
    type_name: Text
    saved: Text
    not_saved: Text
    staff_only: Text
    class_heading: Text
    class_intro: Text
    trainee: Text
    started: Text
    finished: Text
    score: Text
    not_finished: Text
    none_yet: Text
    chart_axis: Text
    chart_alt: Text
    most_missed: Text
    faq_says: Text
    teach_back: Text
    log_link: Text
    certificate_link: Text
    certificate_title: Text
    certificate_line: Text
    certificate_version: Text


class FacilitatorStrings(Strict):
    demonstrate: Text
    patient_questions: Text
    timing: Text




class ReviewDeskStrings(Strict):
    """Words of the clinician's review desk (views/review_desk.py): staff only."""

    heading: Text
    intro: Text
    staff_only: Text
    counts: Text
    nothing_waiting: Text
    list_label: Text
    reviewer_label: Text
    comment_label: Text
    approve: Text
    ask_change: Text
    approved_done: Text
    asked_done: Text
    not_recorded: Text
    state_needs_review: Text
    state_edited: Text
    state_change_asked: Text
    state_stale: Text
    kind_plain: Text
    kind_evidence: Text
    kind_jargon: Text
    kind_translation: Text
    kind_file: Text
    beside: Text
    to_review: Text
    checks_heading: Text
    check_facts: Text
    check_numbers: Text
    check_reading: Text
    check_sources: Text
    check_jargon: Text
    check_parity: Text
    check_used: Text
    passed: Text
    failed: Text
    last_decision: Text
    action_approved: Text
    action_change_asked: Text
    where: Text
    log_heading: Text
    log_empty: Text
    log_columns: list[Text]


UiStrings.model_rebuild()  # its tool sections are defined below it
