"""Every HTML fragment the pages, the views and the take-home builders write, for English and
Spanish, against the output recorded in fragments_golden.json.

Recorded before the fragments moved from f-strings into templates (pages/templates/); the
conversion kept every page and view fragment byte for byte, but for these deliberate changes:

* the header's ``<p class='ce-summary'>`` and the quiz score's ``<ul class='ce-review'>`` quote
  their class with double quotes, as every other attribute;
* the handout prints the warning signs with the pages' own macro (``ce-urgency`` levels, the
  phone number a tap-to-call link) and its phase table the phases' hours ("Redness settles
  (12 to 48 hours)"), as the timeline's card does;
* the handout and the appointment list lose the line breaks between tags (pages/render.py:
  a line break between two tags is layout), and the print CSS writes the clinic's colours
  with ``colour_css``, the pages' one writer of them.

After a deliberate change of markup, or a content edit, record again and read the diff
before committing it:

    .venv/bin/python -m tests.unit.pages.test_fragments_golden

Not recorded byte for byte: pictures (PNG, the handout's SVG chart) and downloads carried in
``data:`` links stand as a placeholder; ``ready_html`` is recorded with fixed bytes.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer import settings

GOLDEN = Path(__file__).with_name("fragments_golden.json")
LOCALES = ("en", "es")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 5, 15, 0, tzinfo=NY)  # a Saturday afternoon
TREATED = datetime(2026, 12, 2, 10, 0, tzinfo=NY)
DATA_URL = re.compile(r'data:([a-z/+.-]+);base64,[A-Za-z0-9+/=]+')


def _plain(html: str) -> str:
    return DATA_URL.sub(lambda m: f"data:{m.group(1)};base64,<data>", html)


def _widgets_html(widget, out: dict, key: str) -> None:
    """The value of every HTML widget in a view, in display order."""
    import ipywidgets as w

    n = 0

    def walk(x):
        nonlocal n
        if isinstance(x, w.HTML):
            out[f"{key}/{n}"] = x.value
            n += 1
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)


@contextmanager
def _patched(monkeypatch_items):
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in monkeypatch_items]
    try:
        for obj, name, value in monkeypatch_items:
            setattr(obj, name, value)
        yield
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)


def _pages(c, out: dict, assets: Path) -> None:
    from clinic_explainer.pages import blocks, facilitator, html, placeholder

    ids = [p.id for p in c.series.pages]
    with _patched([(settings, "assets_linked", lambda: True)]):
        for pid in ids:
            out[f"header_html/{pid}"] = blocks.header_html(pid, c)
            out[f"header/{pid}"] = blocks.header(pid, c).data
            out[f"faq/{pid}"] = blocks.faq(pid, c).data
            out[f"footer_html/{pid}"] = blocks.footer_html(pid, c)
            out[f"contents/{pid}"] = blocks.contents(pid, c).data
            out[f"how_to_use/{pid}"] = blocks.how_to_use(pid, c).data
            out[f"trainer_notes/{pid}"] = blocks.trainer_notes(pid, c, training=True).data
            out[f"trainer_notes_patient/{pid}"] = blocks.trainer_notes(pid, c, training=False).data
        out["faq_part/two"] = blocks.faq_part(*list(c.faq)[:2], c=c).data
    with _patched([(settings, "assets_linked", lambda: False), (blocks, "ASSETS", assets)]):
        out["style"] = blocks.style(c)
        out[f"header_html_with_style/{ids[0]}"] = blocks.header_html(ids[0], c)
    with _patched([(settings, "assets_linked", lambda: True)]):
        out["style_linked"] = blocks.style(c)
    for sid in c.faq:
        out[f"faq_html/{sid}"] = blocks.faq_html([sid], c)
        out[f"faq_html_level3/{sid}"] = blocks.faq_html([sid], c, level=3)
    out["red_flags_html"] = blocks.red_flags_html(c)
    out["red_flags"] = blocks.red_flags(c).data
    out["series_html"] = blocks.series_html(c)
    out["series"] = blocks.series(c).data
    for tool in ("timeline", "results", "skin", "candidacy", "quiz", "start_here"):
        out[f"placeholder_html/{tool}"] = placeholder.placeholder_html(tool, c)
    out["calm_box"] = placeholder.calm_box("x<y", "Getting <ready> & \"soon\"")
    out["esc"] = html.esc("<a href=\"x\">'&'</a>")
    for pid in ids:
        note = c.facilitator.for_page(pid)
        if note is not None:
            out[f"note_html/{pid}"] = facilitator.note_html(note, c.ui.facilitator)


def _takehome(c, out: dict) -> None:
    from clinic_explainer.takehome import calendar, handout

    out["ready_html"] = calendar.ready_html("Ready <now>:", b"\x00file bytes", "Download & keep",
                                            "a\"b.ics", "text/calendar")
    out["data_link"] = calendar.data_link(b"abc", "label <x>")
    with _patched([(handout, "chart_svg", lambda c, size=None: "data:image/svg+xml;base64,CHART")]):
        out["handout_html"] = handout.handout_html(c, today=date(2026, 12, 5))
        out["handout_html/treated"] = handout.handout_html(c, TREATED, today=date(2026, 12, 5))
    out["appointment_html"] = handout.appointment_html(
        c, ticked=["Acne scars", "<b>x</b>"], answers=[("Are you pregnant?", "Not sure")],
        tell=["Tell your dermatologist."], faq=["Who is a good candidate?"],
        questions="How many sessions?\n\n  Does it hurt?  ")
    out["appointment_html/empty"] = handout.appointment_html(c, ticked=[], answers=[], tell=[], faq=[],
                                                             questions="")
    for paper in handout.PAPERS:
        out[f"handout_css/{paper}"] = handout._css(paper, c)


def _views(c, out: dict) -> None:
    from clinic_explainer.models.candidacy import CandidacyExplorer
    from clinic_explainer.models.quiz import QuizSession
    from clinic_explainer.models.skin import SkinModel
    from clinic_explainer.models.timeline import RecoveryTimeline
    from clinic_explainer.takehome import answers
    from clinic_explainer.views import base, candidacy, quiz, results, skin, timeline
    from clinic_explainer.views.index import StartHereView
    from clinic_explainer.views.printing import PrintView

    out["message_html"] = base.message_html("Hello <you>")
    out["message_html/warn"] = base.message_html("Careful & <b>", warn=True)

    # the timeline: every stop's card, the dates, the early slider, the live widget's parts
    model = RecoveryTimeline(c)
    for h in model.stops():
        out[f"timeline.card_html/{h:g}"] = timeline.card_html(model.at(h), c)
    out["timeline.dates_html"] = answers.dates_html(model, TREATED, c, NOW.date())
    out["timeline.dates_html/other-year"] = answers.dates_html(model, TREATED, c, date(2025, 6, 1))
    out["timeline.chart_caption_html"] = timeline.chart_caption_html(c)
    view = timeline.TimelineView(c, now=lambda: NOW)
    out["timeline.early"] = view._repr_mimebundle_()["text/html"]
    _widgets_html(view, out, "timeline.widgets")
    view.hours = 72
    out["timeline.card@72"] = view.card
    out["timeline.marker_overlay"] = view.marker_overlay
    view.date_picker.value = TREATED.date()
    view.time_picker.value = time(10, 0)
    _widgets_html(view, out, "timeline.widgets.dated")
    view.date_picker.value = date(2027, 6, 1)  # in the future
    out["timeline.dates/future"] = view.dates
    view.date_picker.value = None
    out["timeline.dates/cleared"] = view.dates
    view._on_calendar()
    out["timeline.calendar/needs-date"] = view.calendar
    kernel = timeline.TimelineView(c, now=lambda: NOW, marker="kernel")
    out["timeline.kernel.early"] = kernel._repr_mimebundle_()["text/html"]
    out["timeline.kernel.overlay"] = kernel.marker_overlay

    for h in model.result_stops():
        out[f"results_card_html/{h:g}"] = results.results_card_html(model.at(h), c)
    rview = results.ResultsView(c)
    out["results.early"] = rview._repr_mimebundle_()["text/html"]
    _widgets_html(rview, out, "results.widgets")

    # the candidacy explorer: nothing, everything ticked, mixed answers
    cand = c.candidacy
    m = CandidacyExplorer(c, page_id="candidacy")
    out["candidacy.guidance/empty"] = answers.guidance_html(m.guidance(), c, m)
    for item in cand.concerns:
        m.set_concern(item.id, True)
    for item in cand.areas:
        m.set_area(item.id, True)
    replies = ("yes", "no", "not-sure")
    for n, q in enumerate(cand.contraindications):
        m.answer(q.id, replies[n % 3])
    out["candidacy.guidance/all"] = answers.guidance_html(m.guidance(), c, m)
    out["candidacy.ticked/all"] = answers.ticked_html(m, c)
    m2 = CandidacyExplorer(c, page_id="explainer")
    m2.set_concern(cand.concerns[0].id, True)
    for q in cand.contraindications:
        m2.answer(q.id, "not-sure")
    out["candidacy.guidance/unsure"] = answers.guidance_html(m2.guidance(), c, m2)
    cview = candidacy.CandidacyView(c)
    out["candidacy.early"] = cview._repr_mimebundle_()["text/html"]
    _widgets_html(cview, out, "candidacy.widgets")

    # the quiz: right and wrong feedback, the score, teach-back
    session = QuizSession(c)
    qview = quiz.QuizView(c, training=True)
    out["quiz.early"] = qview._repr_mimebundle_()["text/html"]
    _widgets_html(qview, out, "quiz.widgets.training")
    qview.check()  # nothing chosen
    out["quiz.message/choose-first"] = qview.message
    for n in range(session.total):
        q = qview.session.current()
        opts = qview.session.options(q)
        qview.choose(q.correct_index if n % 2 == 0 else (q.correct_index + 1) % len(opts))
        qview.check()
        out[f"quiz.feedback/{n}"] = qview.feedback
        out[f"quiz.teach_back/{n}"] = qview.teach_back
        qview.next()
    _widgets_html(qview, out, "quiz.widgets.finished")
    all_right = QuizSession(c)
    while not all_right.finished:
        q = all_right.current()
        all_right.answer(q.correct_index)
        all_right.next()
    out["quiz.summary/all-right"] = quiz.summary_html(all_right, c)
    out["quiz.teach_back_prompts"] = quiz.teach_back_prompts(c, training=True).data
    out["quiz.teach_back_prompts/patient"] = quiz.teach_back_prompts(c, training=False).data
    out["quiz.teach_back_html/none"] = quiz.teach_back_html(None, "1 of 2", c)
    out["quiz.patient_questions_html"] = quiz.patient_questions_html(c)
    from clinic_explainer.takehome.answer_key import answer_key_html
    out["answer_key_html"] = answer_key_html(c, "0123456789abcdef" * 4)
    _widgets_html(quiz.QuizView(c, training=False), out, "quiz.widgets.patient")

    # the skin explorer
    smodel = SkinModel(c)
    for d in smodel.depths():
        out[f"skin.reach_html/{d:g}"] = skin.reach_html(smodel.reach(d), c)
    out["skin.facts_html"] = skin.facts_html(c)
    sview = skin.SkinView(c)
    out["skin.early"] = sview._repr_mimebundle_()["text/html"]
    _widgets_html(sview, out, "skin.widgets")
    sview.depth = smodel.depths()[0]
    _widgets_html(sview, out, "skin.widgets.shallow")

    # the index's guide
    start = StartHereView(c)
    out["start_here.early"] = start._repr_mimebundle_()["text/html"]
    _widgets_html(start, out, "start_here.widgets")
    for choice in c.ui.start_here.choices:
        start.choose(choice.label)
        out[f"start_here.result/{choice.label}"] = start.result

    _widgets_html(PrintView(c), out, "print.widgets")


def capture(tmp: Path) -> dict[str, str]:
    """Every fragment, keyed "<locale>/<what>"."""
    assets = tmp / "assets"
    assets.mkdir(exist_ok=True)
    for name, text in (("style.css", ".ce{color:red}"), ("a11y.js", "/*a11y*/"),
                       ("personal_link.js", "/*link*/")):
        (assets / name).write_text(text, encoding="utf-8")
    out: dict[str, str] = {}
    for locale in LOCALES:
        c = content_mod.load(locale=locale)
        part: dict[str, str] = {}
        _pages(c, part, assets)
        _takehome(c, part)
        _views(c, part)
        out.update({f"{locale}/{k}": _plain(v) for k, v in part.items()})
    return out


def test_every_fragment_is_as_recorded(tmp_path):
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = capture(tmp_path)
    assert sorted(got) == sorted(expected), "fragments added or gone: record again (see the docstring)"
    changed = [k for k in expected if got[k] != expected[k]]
    if changed:
        k = changed[0]
        diff = "\n".join(difflib.unified_diff(re.split(r"(?=<)", expected[k]), re.split(r"(?=<)", got[k]),
                                              "recorded", "now", lineterm="", n=2))
        pytest.fail(f"{len(changed)} fragments changed, e.g. {k}:\n{diff[:4000]}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        GOLDEN.write_text(json.dumps(capture(Path(d)), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                          encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
