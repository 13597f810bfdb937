"""Building blocks of a notebook page: header, FAQ text, how-to, red flags, footer.

Page pattern (OSSCAR): title -> what you will learn -> FAQ text -> interactive tool ->
how to use it -> sources and review date -> back to the index. Every function returns a
display object, so a notebook cell is ``pages.header("recovery")`` and nothing more. The
markup is in templates/blocks.html.j2 (one macro per function here).
"""

from __future__ import annotations

from importlib import resources

from babel.dates import format_date
from IPython.display import HTML
from markupsafe import Markup

from clinic_explainer import settings
from clinic_explainer.pages.facilitator import note_html
from clinic_explainer.pages.html import markdown
from clinic_explainer.pages.render import render_macro
from clinic_explainer.pages import urls
from clinic_explainer.pages.urls import INDEX_NOTEBOOK
from clinic_explainer.settings import is_training_mode

TEMPLATE = "blocks.html.j2"


def _block(name: str, **kwargs) -> str:
    return render_macro(TEMPLATE, name, **kwargs)


# style.css and a11y.js are static files of the Voila template, which links them; only
# JupyterLab (training) needs them inlined into the page's first output.
ASSETS = resources.files("clinic_explainer").joinpath("serving/jupyter_data/voila/templates/clinic/static")


def style(c) -> str:
    if settings.assets_linked():
        return ""
    css = ASSETS.joinpath("style.css").read_text(encoding="utf-8")
    js = ASSETS.joinpath("a11y.js").read_text(encoding="utf-8")
    js += ASSETS.joinpath("personal_link.js").read_text(encoding="utf-8")
    return _block("style", colours=c.clinic.colours, css=Markup(css), js=Markup(js))


def _date(d, c) -> str:
    return format_date(d, format="d MMMM y", locale=c.locale)


def header_html(page_id: str, c, training: bool = False) -> str:
    """The page's header; ``training`` (JupyterLab): without the language links."""
    page = c.page(page_id)
    return _block("header", c=c, page=page, index=page.notebook == INDEX_NOTEBOOK, style=Markup(style(c)),
                  training=training)


def tool_heading_html(c) -> str:
    """The heading of a page's main tool (the recovery timeline), the skip link's target."""
    return render_macro("macros.html.j2", "heading", text=c.ui.timeline.chart_title, level=2, id=urls.TOOL_ID)


def header(page_id: str, c, training: bool = False) -> HTML:
    return HTML(header_html(page_id, c, training=training))


def _notes(sid: str, c) -> list:
    """The sourced notes beside an FAQ answer that reach this page (approved, or drafts shown)."""
    return [n for n in c.evidence.for_faq(sid) if c.shows("evidence", n.id)]


def _studies(notes, c) -> list[tuple[str, list[str]]]:
    """(note, its short citations) for each sourced note beside an FAQ answer."""
    return [(n.text, [_short_cite(c.sources[s]) for s in n.sources]) for n in notes]


def _short_cite(source) -> str:
    """'Alam et al. 2014' from the source's title (authors first, as sources.yml writes them)."""
    authors = source.title.split(".")[0].split(",")
    first = authors[0].split()[0] if authors and authors[0].split() else source.title
    return f"{first}{' et al.' if len(authors) > 1 else ''} {source.year}"


def faq_html(section_ids, c, level: int = 2, folded: bool = False) -> str:
    """Each FAQ answer: the plain version first, the clinic's own words one tap away.

    The <details> element is open for print (CSS and a beforeprint handler) and its text
    stays in the accessibility tree while closed (style.css), so screen readers reach it.
    """
    answers = [(sid, c.faq[sid], c.plain_for(sid), Markup(markdown(c.faq[sid].body)), _studies(notes, c),
                any(c.marks("evidence", n.id) for n in notes))
               for sid in section_ids if c.shows("faq", sid) for notes in [_notes(sid, c)]]
    return _block("faq", c=c, answers=answers, level=level, folded=folded)


def faq(page_id: str, c) -> HTML:
    return faq_part(*c.page(page_id).faq, c=c)


def faq_part(*section_ids: str, c, folded: bool = False) -> HTML:
    """Some FAQ sections by id (the patient explainer shows them between its tools);
    ``folded``: each answer one tap away under its question (what a patient needs first is
    open above it)."""
    return HTML(render_macro("macros.html.j2", "ce", body=Markup(faq_html(section_ids, c, folded=folded))))


def how_to_use(page_id: str, c) -> HTML:
    page = c.page(page_id)
    return HTML(_block("how_to_use", c=c, page=page) if page.how_to_use else "")


def red_flags_html(c) -> str:
    """Every warning sign, grouped from most to least urgent."""
    return _block("red_flags", c=c)


def red_flags_section_html(c, heading: str) -> str:
    """The warning signs under ``heading``."""
    return _block("red_flags_section", c=c, heading=heading)


def red_flags(c) -> HTML:
    return HTML(render_macro("macros.html.j2", "ce", body=Markup(red_flags_section_html(c, c.ui.timeline.contact_heading))))


def _cited_sources(page, c) -> list[str]:
    ids: list[str] = []
    shown = [sid for sid in page.faq if c.shows("faq", sid)]
    for sid in shown:
        ids += [s for s in c.faq[sid].front.sources if s not in ids]
    if "warning-signs" in shown and c.shows("red_flags"):
        ids += [s for s in c.red_flags.sources if s not in ids]
    for sid in shown:
        ids += [s for n in _notes(sid, c) for s in n.sources if s not in ids]
    ids += [s for s in page.sources if s not in ids]
    return ids


def review_line(review, c, key: tuple = ()) -> str:
    """'Reviewed by … on 23 November 2026. Next review due …', or 'Waiting for review by the clinic.'

    ``key``: the part (and entry) whose review state decides, e.g. ("faq", "results")."""
    if key and c.state(*key) != "approved":
        return c.ui.waiting_review if c.marks(*key) else ""
    return c.text(c.ui.reviewed_line, reviewed_by=review.reviewed_by, last_reviewed=_date(review.last_reviewed, c),
                  next_review=_date(review.next_review, c))


def footer_html(page_id: str, c) -> str:
    page = c.page(page_id)
    shown = [sid for sid in page.faq if c.shows("faq", sid)]
    reviews = [(c.faq[sid].front.question, line) for sid in shown
               if (line := review_line(c.faq[sid].front, c, ("faq", sid)))]
    plains = [sid for sid in shown if c.plain_for(sid)]
    return _block("footer", c=c, index=page.notebook == INDEX_NOTEBOOK,
                  sources=[c.sources[s] for s in _cited_sources(page, c)], reviews=reviews,
                  plain_review=("marked" if any(c.marks("plain", sid) for sid in plains) else "yes") if plains else "",
                  signs_shown=page.tool == "timeline" and c.shows("red_flags"))


def series_html(c) -> str:
    return _block("series", c=c, pages=[p for p in c.series.pages if p.notebook != INDEX_NOTEBOOK])


def series(c) -> HTML:
    return HTML(render_macro("macros.html.j2", "ce", body=Markup(series_html(c))))


def contents(page_id: str, c) -> HTML:
    """In-page links to each FAQ part (the long patient explainer)."""
    return HTML(_block("contents", c=c, page=c.page(page_id)))


def trainer_notes(page_id: str, c, training: bool | None = None) -> HTML:
    """Facilitator notes: shown in JupyterLab training sessions, never in patient mode."""
    if not (is_training_mode() if training is None else training):
        return HTML("")
    note = c.facilitator.for_page(page_id)
    if note is None:
        return HTML("")
    return HTML(_block("trainer_notes", c=c, note_html=Markup(note_html(note, c.ui.facilitator))))
