"""The clinician's review desk: every text awaiting review, one at a time beside the words it
follows, with its automatic checks; Approve, or Ask for a change with a comment.

A decision goes to the database's append-only review log and then into the content files
(records/reviews.py); the desk reloads the content at once, so the list, the counts and the
state line show what patients now get. Staff only (JupyterLab, `make preview`, the hub): in
patient mode it shows one line and reads nothing.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as w
from babel.dates import format_date, format_datetime
from markupsafe import Markup

from clinic_explainer import content as content_mod
from clinic_explainer import settings
from clinic_explainer.content.review import Item
from clinic_explainer.pages.html import markdown
from clinic_explainer.pages.render import render_macro
from clinic_explainer.quality.desk import checks
from clinic_explainer.records import reviews
from clinic_explainer.records.database import RecordsUnavailable, open_database
from clinic_explainer.views.base import guarded

TEMPLATE = "review_desk.html.j2"
LOG_ROWS = 12
# texts of a file that are names of things, not words a patient reads
NOT_WORDS = {"id", "faq", "sources", "level", "page", "contact_if", "notebook", "image", "doi", "url", "audience",
             "defined_as", "uses", "file", "field", "rule"}


def _leaves(node, path: str = ""):
    """(field, words) for every text in a file's data, in order."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in NOT_WORDS:
                yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    elif isinstance(node, str) and node.strip():
        yield path, node


def _side_by_side(a: dict, b: dict) -> list[tuple[str, object, object]]:
    """Rows of a translation: each field's words in the default language and in this one."""
    left = dict(_leaves(a))
    rows = []
    for field, words in _leaves(b):
        if field == "body":
            rows.append(("", Markup(markdown(left.get(field, ""))), Markup(markdown(words))))
        else:
            rows.append((field, left.get(field, ""), words))
    return rows


class ReviewDesk(w.VBox):
    """The desk (see the module's docstring). ``staff``: False in patient mode."""

    def __init__(self, content, staff: bool = True, database=None, reviewer: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.content, self.w = content, content.ui.review_desk
        self._message = w.HTML()
        self.add_class("ce-widget")
        self.add_class("ce-review-desk")
        if not staff:
            self.children = [w.HTML(render_macro(TEMPLATE, "status", text=self.w.staff_only))]
            return
        self.db = database or open_database()
        self._intro = w.HTML()
        self._list = w.Select(description=self.w.list_label, rows=12, style={"description_width": "initial"},
                              layout=w.Layout(width="auto", max_width="100%"))
        self._list.add_class("ce-desk-list")  # observed from _reload on, once its options are set
        self._item = w.HTML()
        self._name = w.Text(value=reviewer if reviewer is not None else settings.hub_user(),
                            description=self.w.reviewer_label, style={"description_width": "initial"},
                            layout=w.Layout(width="auto", max_width="420px"))
        self._comment = w.Textarea(placeholder=self.w.comment_label, layout=w.Layout(width="100%", height="5em"))
        self._comment.add_class("ce-desk-comment")
        self._approve = w.Button(description=self.w.approve, button_style="success", layout=w.Layout(width="auto"))
        self._ask = w.Button(description=self.w.ask_change, layout=w.Layout(width="auto"))
        self._approve.on_click(lambda _: self._decide("approved"))
        self._ask.on_click(lambda _: self._decide("change-asked"))
        self._log = w.HTML()
        self._decision = w.VBox([self._name, w.HTML(render_macro(TEMPLATE, "caption", text=self.w.comment_label)),
                                 self._comment, w.HBox([self._approve, self._ask]), self._message])
        self.children = [self._intro, self._list, self._item, self._decision, self._log]
        self._reload()

    # --- the content as it now is, every language ------------------------------------------

    def _reload(self, keep: str | None = None) -> None:
        c = self.content
        self._views = {loc: content_mod.load(c.root, c.procedure, loc).for_staff()
                       for loc in content_mod.locales(c.root, c.procedure)}
        waiting = [(loc, item) for loc, view in self._views.items() for item in view.book.waiting(loc)]
        self._items = {item.key: (loc, item) for loc, item in waiting}
        states = [self._state(self._views[loc], item) for loc, item in waiting]
        counts = {s: states.count(s) for s in ("never", "edited", "change-asked", "stale")}
        line = (self.w.nothing_waiting if not waiting else
                c.text(self.w.counts, waiting=len(waiting), never=counts["never"], edited=counts["edited"],
                       asked=counts["change-asked"], stale=counts["stale"]))
        self._intro.value = render_macro(TEMPLATE, "intro", w=self.w, counts_line=line)
        options = [(f"{loc.upper()} · {self._title(self._views[loc], item)} ({self._state_words(state)})", item.key)
                   for (loc, item), state in zip(waiting, states)]
        value = keep if keep in self._items else (options[0][1] if options else None)
        self._list.unobserve_all("value")
        self._list.options = options
        self._list.value = value
        self._list.observe(lambda _: self._show(), names="value")
        self._decision.layout.display = None if options else "none"
        self._show()
        self._show_log()

    def _state(self, c, item: Item) -> str:
        """never / edited / change-asked / stale: what the clinician needs to know first."""
        state = c.book.state(item.key)
        if state == "needs-review":
            return "edited" if item.key in c.book.decisions else "never"
        return state

    def _state_words(self, state: str) -> str:
        return {"never": self.w.state_needs_review, "edited": self.w.state_edited,
                "change-asked": self.w.state_change_asked, "stale": self.w.state_stale}[state]

    def _title(self, c, item: Item) -> str:
        if item.name == "plain.yml":
            sec = c.plain.sections[item.loc[1]]
            return c.text(self.w.kind_plain, title=c.faq[sec.faq].front.question if sec.faq in c.faq else sec.faq)
        if item.name == "evidence.yml":
            return c.text(self.w.kind_evidence, title=c.evidence.notes[item.loc[1]].text[:70] + "…")
        if item.name == "jargon.yml":
            return c.text(self.w.kind_jargon, title=c.jargon.terms[item.loc[1]].term)
        kind = self.w.kind_translation if item.source else self.w.kind_file
        return c.text(kind, title=f"{item.locale}/{item.name}")

    # --- one text ------------------------------------------------------------------------

    def _sides(self, c, item: Item):
        """(left heading, right heading, rows): the text beside the words it follows."""
        if item.name == "plain.yml":
            sec = c.plain.sections[item.loc[1]]
            answer = c.faq.get(sec.faq)
            left = Markup(markdown(answer.body)) if answer else ""
            return (c.text(self.w.beside, title=answer.front.question if answer else sec.faq), self.w.to_review,
                    [("", left, sec.in_short)])
        if item.name == "evidence.yml":
            note = c.evidence.notes[item.loc[1]]
            answer = c.faq.get(note.faq)
            cites = "; ".join(c.sources[s].title for s in note.sources if s in c.sources)
            return (c.text(self.w.beside, title=answer.front.question if answer else note.faq), self.w.to_review,
                    [("", Markup(markdown(answer.body)) if answer else "", f"{note.text} ({cites})")])
        if item.name == "jargon.yml":
            term = c.jargon.terms[item.loc[1]]
            return (term.term, self.w.to_review, [("", term.term, f"{term.plain} ({' / '.join(term.defined_as)})")])
        source = c.book.items.get(item.source) if item.source else None
        if source is not None:  # a translation: each field in the default language, then in this one
            return f"{source.locale}/{source.name}", f"{item.locale}/{item.name}", _side_by_side(source.words, item.words)
        return "", f"{item.locale}/{item.name}", [(field, "", text) for field, text in _leaves(item.words)]

    @guarded("review desk")
    def _show(self) -> None:
        key = self._list.value
        if key is None or key not in self._items:
            self._item.value = ""
            return
        loc, item = self._items[key]
        c = self._views[loc]
        state = self._state(c, item)
        decision = c.book.decisions.get(key)
        last = ""
        if decision is not None:
            action = self.w.action_approved if decision.action == "approved" else self.w.action_change_asked
            last = c.text(self.w.last_decision, action=action, name=decision.by, date=self._date(decision.date))
            if decision.comment:
                last += f" «{decision.comment}»"
        left, right, rows = self._sides(c, item)
        names = {"facts": self.w.check_facts, "numbers": self.w.check_numbers, "reading": self.w.check_reading,
                 "sources": self.w.check_sources, "jargon": self.w.check_jargon, "parity": self.w.check_parity,
                 "used": self.w.check_used}
        lines = [(c.text(names[ch.name], detail=ch.detail), ch.passed) for ch in checks(c, item)]
        self._item.value = render_macro(TEMPLATE, "item", w=self.w, title=self._title(c, item), state=state,
                                        state_line=self._state_words(state), where=c.text(self.w.where, file=str(item.path.relative_to(c.root.parent))),
                                        left_title=left, right_title=right, pairs=rows, checks=lines, last=last)

    def _date(self, day: date) -> str:
        return format_date(day, format="d MMMM y", locale=self.content.locale)

    # --- a decision --------------------------------------------------------------------

    @guarded("review decision")
    def _decide(self, action: str) -> None:
        key = self._list.value
        if key not in self._items:
            return
        loc, _ = self._items[key]
        try:
            decision = reviews.decide(self.db, self._views[loc], key, action, self._name.value, self._comment.value)
        except (reviews.DecisionProblem, RecordsUnavailable) as exc:
            self._message.value = render_macro(TEMPLATE, "status", text=self.content.text(self.w.not_recorded, reason=str(exc)), warn=True)
            return
        done = self.w.approved_done if action == "approved" else self.w.asked_done
        self._comment.value = ""
        self._message.value = render_macro(TEMPLATE, "status", text=self.content.text(done, name=decision.by, date=self._date(decision.date)))
        order = list(self._items)
        after = order[order.index(key) + 1:] + order[:order.index(key)]
        self._reload(keep=next(iter(after), None) if action == "approved" else key)

    def _show_log(self) -> None:
        try:
            events = reviews.history(self.db)[:LOG_ROWS]
        except RecordsUnavailable as exc:
            self._log.value = render_macro(TEMPLATE, "status", text=str(exc), warn=True)
            return
        rows = [(format_datetime(e.at, format="d MMM y, HH:mm", locale=self.content.locale), e.item,
                 self.w.action_approved if e.action == "approved" else self.w.action_change_asked, e.reviewer, e.comment)
                for e in events]
        self._log.value = render_macro(TEMPLATE, "log", w=self.w, rows=rows)
