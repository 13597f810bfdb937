"""Building blocks of a notebook page: header, FAQ text, how-to, red flags, footer.

Page pattern (OSSCAR): title -> what you will learn -> FAQ text -> interactive tool ->
how to use it -> sources and review date -> back to the index. Every function returns a
display object, so a notebook cell is ``pages.header("recovery")`` and nothing more.
"""

from __future__ import annotations


from importlib import resources

from babel.dates import format_date
from IPython.display import HTML

from clinic_explainer import content as content_mod
from clinic_explainer.pages.facilitator import note_html
from clinic_explainer.pages.html import esc, external_link, markdown, section, ul, with_phone_links
from clinic_explainer import settings
from clinic_explainer.settings import is_training_mode

INDEX_NOTEBOOK = "00_index.ipynb"


def _c(c=None):
    return c or content_mod.load()


# style.css and a11y.js are static files of the Voila template, which links them; only
# JupyterLab (training) needs them inlined into the page's first output.
ASSETS = resources.files("clinic_explainer").joinpath("serving/jupyter_data/voila/templates/clinic/static")


def style(c=None) -> str:
    if settings.assets_linked():
        return ""
    c = _c(c)
    col = c.clinic.colours
    css = ASSETS.joinpath("style.css").read_text(encoding="utf-8")
    js = ASSETS.joinpath("a11y.js").read_text(encoding="utf-8")
    js += ASSETS.joinpath("personal_link.js").read_text(encoding="utf-8")
    return (f"<style>:root{{--ce-primary:{col.primary};--ce-accent:{col.accent};"
            f"--ce-background:{col.background};}}\n{css}</style><script>{js}</script>")


def _date(d, c) -> str:
    return format_date(d, format="d MMMM y", locale=c.locale)


def language_links(c) -> str:
    """Links to this page in the other languages (the page's script keeps the reader's place)."""
    return "".join(f'<a class="ce-lang" href="?lang={esc(loc)}" hreflang="{esc(loc)}" lang="{esc(loc)}">{esc(text)}</a>'
                   for loc, text in c.other_languages())


def banner(page_id: str, c=None) -> str:
    c = _c(c)
    page = c.page(page_id)
    back = "" if page.notebook == INDEX_NOTEBOOK else f'<a href="{c.link(INDEX_NOTEBOOK)}">{esc(c.ui.back_to_index)}</a>'
    return (f'<div class="ce-banner"><span class="ce-clinic">{esc(c.clinic.name)}</span>'
            f'<span class="ce-banner-links">{language_links(c)}{back}</span></div>')


def header_html(page_id: str, c=None) -> str:
    c = _c(c)
    page = c.page(page_id)
    learn = section(c.ui.learn_heading, ul(page.learn), "ce-learn") if page.learn else ""
    return (f'{style(c)}<div class="ce" lang="{esc(c.locale)}" data-ce-lang="{esc(c.locale)}">{banner(page_id, c)}'
            f"<h1>{esc(page.title)}</h1><p class='ce-summary'>{esc(page.summary)}</p>{learn}"
            f'<p class="ce-disclaimer" role="note">{esc(c.text(c.ui.disclaimer))}</p></div>')


def header(page_id: str, c=None) -> HTML:
    return HTML(header_html(page_id, c))


def _draft(status: str, c, text: str | None = None) -> str:
    return f'<p class="ce-draft">{esc(text or c.ui.draft_label)}</p>' if status == "draft" else ""


def studies_html(sid: str, c) -> str:
    """'What studies say' beside an FAQ answer: sourced notes, marked draft until reviewed."""
    notes = c.evidence.for_faq(sid)
    if not notes:
        return ""
    items = "".join(f"<li>{esc(n.text)} <span class=\"ce-cite\">({'; '.join(esc(_short_cite(c.sources[s])) for s in n.sources)})</span></li>"
                    for n in notes)
    return (f'<aside class="ce-studies"><h3>{esc(c.ui.studies_say)}</h3>'
            f"{_draft(c.evidence.status, c)}<ul>{items}</ul></aside>")


def _short_cite(source) -> str:
    """'Alam et al. 2014' from the source's title (authors first, as sources.yml writes them)."""
    authors = source.title.split(".")[0].split(",")
    first = authors[0].split()[0] if authors and authors[0].split() else source.title
    return f"{first}{' et al.' if len(authors) > 1 else ''} {source.year}"


def faq_html(section_ids, c=None, level: int = 2) -> str:
    """Each FAQ answer: the plain version first, the clinic's own words one tap away.

    The <details> element is open for print (CSS and a beforeprint handler) and its text
    stays in the accessibility tree while closed (style.css), so screen readers reach it.
    """
    c = _c(c)
    parts = []
    for sid in section_ids:
        s = c.faq[sid]
        plain = c.plain.for_faq(sid)
        draft = _draft(s.front.status, c)
        if plain is None:
            answer = markdown(s.body)
        else:
            answer = (f'<div class="ce-inshort"><h{level + 1}>{esc(c.ui.in_short)}</h{level + 1}>'
                      f'{_draft(c.plain.status, c, c.ui.waiting_review)}<p>{esc(plain.in_short)}</p></div>'
                      f'<details class="ce-full"><summary>{esc(c.ui.full_answer)}</summary>'
                      f'<div class="ce-full-text">{draft}{markdown(s.body)}</div></details>')
            draft = ""
        parts.append(f'<section class="ce-faq" id="faq-{esc(sid)}"><h{level}>{esc(s.front.question)}</h{level}>'
                     f"{draft}{answer}{studies_html(sid, c)}</section>")
    return "".join(parts)


def faq(page_id: str, c=None) -> HTML:
    c = _c(c)
    return HTML(f'<div class="ce">{faq_html(c.page(page_id).faq, c)}</div>')


def faq_part(*section_ids: str, c=None) -> HTML:
    """Some FAQ sections by id (the patient explainer shows them between its tools)."""
    return HTML(f'<div class="ce">{faq_html(section_ids, _c(c))}</div>')


def how_to_use(page_id: str, c=None) -> HTML:
    c = _c(c)
    page = c.page(page_id)
    if not page.how_to_use:
        return HTML("")
    return HTML(f'<div class="ce">{section(c.ui.how_to_use_heading, ul(page.how_to_use), "ce-howto")}</div>')


def red_flags_html(c=None) -> str:
    """Every warning sign, grouped from most to least urgent."""
    c = _c(c)
    rf = c.red_flags
    groups = []
    for rank, level in enumerate(rf.levels):
        flags = [f.text for f in rf.flags if f.level == level.id]
        if flags:
            groups.append(f'<div class="ce-urgency ce-urgency-{min(rank, 2)}"><strong>{esc(level.label)}</strong>'
                          f"{ul(flags)}<p>{with_phone_links(level.action, c.clinic.phone)}</p></div>")
    draft = f'<p class="ce-draft">{esc(c.ui.draft_label)}</p>' if rf.status == "draft" else ""
    return draft + "".join(groups)


def red_flags(c=None) -> HTML:
    c = _c(c)
    return HTML(f'<div class="ce">{section(c.ui.timeline.contact_heading, red_flags_html(c), "ce-redflags")}</div>')


def _cited_sources(page, c) -> list[str]:
    ids: list[str] = []
    for sid in page.faq:
        ids += [s for s in c.faq[sid].front.sources if s not in ids]
    if "warning-signs" in page.faq:
        ids += [s for s in c.red_flags.sources if s not in ids]
    for sid in page.faq:
        ids += [s for n in c.evidence.for_faq(sid) for s in n.sources if s not in ids]
    ids += [s for s in page.sources if s not in ids]
    return ids


def source_line(source, c=None) -> str:
    note = _c(c).ui.external_link
    text = f"{esc(source.title)} {esc(source.publisher)}, {source.year}."
    if source.doi:
        text += f" doi:{external_link(f'https://doi.org/{source.doi}', source.doi, note)}"
    elif source.url:
        text += f" {external_link(source.url, source.url, note)}"
    return text


def review_line(review, c) -> str:
    """'Reviewed by … on 23 November 2026. Next review due …', or 'Waiting for review by the clinic.'"""
    if getattr(review, "status", "approved") == "draft":
        return c.ui.waiting_review
    return c.text(c.ui.reviewed_line, reviewed_by=review.reviewed_by, last_reviewed=_date(review.last_reviewed, c),
                  next_review=_date(review.next_review, c))


def footer_html(page_id: str, c=None) -> str:
    c = _c(c)
    page = c.page(page_id)
    sources = "".join(f"<li>{source_line(c.sources[s], c)}</li>" for s in _cited_sources(page, c))
    reviews = "".join(f"<li><em>{esc(c.faq[sid].front.question)}</em> {esc(review_line(c.faq[sid].front, c))}</li>"
                      for sid in page.faq)
    if any(c.plain.for_faq(sid) for sid in page.faq):
        reviews += f"<li>{esc(c.ui.plain_review)}</li>"
    # the emergency line once: the after-hours line often says it already
    emergency = "" if c.clinic.emergency_line in c.clinic.after_hours_line else f"<p>{esc(c.clinic.emergency_line)}</p>"
    contact = (f'<section class="ce-disclaimer"><h2>{esc(c.text(c.ui.contact_heading))}</h2>'
               f"<p>{with_phone_links(c.clinic.contact_line, c.clinic.phone)}</p>"
               f"<p>{with_phone_links(c.clinic.after_hours_line, c.clinic.phone)}</p>"
               f"{emergency}<p>{esc(c.text(c.ui.disclaimer))}</p></section>")
    back = "" if page.notebook == INDEX_NOTEBOOK else \
        f'<p class="ce-nav"><a href="{c.link(INDEX_NOTEBOOK)}">&larr; {esc(c.ui.back_to_index)}</a></p>'
    cited = (f'<section class="ce-sources"><h2>{esc(c.ui.sources_heading)}</h2>'
             f"<ul>{sources}</ul><ul>{reviews}</ul></section>") if sources or reviews else ""
    return f'<div class="ce">{contact}{cited}{back}</div>'


def series_html(c=None) -> str:
    c = _c(c)
    items = []
    for page in c.series.pages:
        if page.notebook == INDEX_NOTEBOOK:
            continue
        tags = "".join(f'<span class="ce-tag">{esc(c.ui.audience_patient if a == "patient" else c.ui.audience_staff)}</span>'
                       for a in page.audience)
        items.append(f'<li><a href="{esc(c.link(page.notebook))}">{esc(page.title)}</a><br>{tags}'
                     f"<p>{esc(page.summary)}</p></li>")
    return (f'<section><h2>{esc(c.ui.series_heading)}</h2><p>{esc(c.series.series_intro)}</p>'
            f'<ul class="ce-series">{"".join(items)}</ul></section>')


def series(c=None) -> HTML:
    return HTML(f'<div class="ce">{series_html(c)}</div>')


def contents(page_id: str, c=None) -> HTML:
    """In-page links to each FAQ part (the long patient explainer)."""
    c = _c(c)
    links = "".join(f'<li><a href="#faq-{esc(s)}">{esc(c.faq[s].front.question)}</a></li>' for s in c.page(page_id).faq)
    return HTML(f'<nav class="ce" aria-label="{esc(c.ui.contents_label)}"><ul class="ce-toc">{links}</ul></nav>')


def trainer_notes(page_id: str, c=None, training: bool | None = None) -> HTML:
    """Facilitator notes: shown in JupyterLab training sessions, never in patient mode."""
    if not (is_training_mode() if training is None else training):
        return HTML("")
    c = _c(c)
    note = c.facilitator.for_page(page_id)
    if note is None:
        return HTML("")
    return HTML(f'<div class="ce"><aside class="ce-notes"><h2>{esc(c.ui.facilitator_heading)}</h2>'
                f"{note_html(note, c.ui.facilitator)}</aside></div>")
