"""The recovery timeline widget: a labelled slider, the phase card and the chart.

Model / view split: ``RecoveryTimeline`` holds the answers, this VBox only wires
widgets to it. One update path (``_update``) redraws the card and moves the chart's
marker in place (the chart blits only the marker). An optional treatment date turns the
milestones into real dates, jumps the slider to "now" with "Day 3 after your treatment: ..."
above it and offers a calendar file and a handout; a date still to come (a personal link
sent at booking) is the plan-ahead view ("Your treatment is in 5 days: what to expect")
with the slider at the start; any other date gets words (views/treatment_date.py).

Callbacks never raise into the page: a patient sees a friendly message, never a
traceback. The treatment date is patient data: it lives in this kernel's memory only,
it is never written to disk and never logged (log lines name the failing step only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import ipywidgets as w

from clinic_explainer import settings
from clinic_explainer.charts import cache as chart_cache
from clinic_explainer.charts import text as chart_text
from clinic_explainer.models.timeline import Answer, RecoveryTimeline, describe_duration, describe_position, phase_title
from clinic_explainer.pages.blocks import red_flags_section_html
from clinic_explainer.pages.early_slider import early_slider_html
from clinic_explainer.pages.render import render_macro
from clinic_explainer.takehome.answers import calendar_file_html, date_answer, handout_file_html
from clinic_explainer.takehome.downloads import DownloadRefused
from clinic_explainer.views.base import ReadyPlaceholder, caption_html, ce_html, guarded, message_html
from clinic_explainer.views.treatment_date import TreatmentDatePicker

TEMPLATE = "timeline.html.j2"


def slider_width() -> w.Layout:
    """The slider's layout: made with the view, never at import (a widget made at import would
    live in the kernel fork server, serving/kernel_forks.py, with no kernel to talk to)."""
    return w.Layout(width="100%", max_width="760px")


def next_text(answer: Answer, c) -> str:
    """'Next: Redness settles (12 to 48 hours), in about 6 hours', or the last phase's words."""
    t = c.ui.timeline
    if answer.next_phase is None:
        return t.last_phase
    return c.text(t.next_in, label=phase_title(answer.next_phase, c), duration=describe_duration(answer.hours_to_next, c))


def card_html(answer: Answer, c) -> str:
    return render_macro(TEMPLATE, "card", c=c, answer=answer, phase_title=phase_title, next_text=next_text(answer, c))


def chart_caption_html(c) -> str:
    """The visible caption; the chart's description is its image's alt (one text equivalent)."""
    return caption_html(c.ui.timeline.chart_caption)


MARKER_ENV, MARKERS = settings.MARKER_ENV, settings.MARKERS
POSITION_TOKEN = "@@position@@"


def marker_html(stop: dict, alt_template: str, label_text: str) -> str:
    """The CSS "you are here" marker over the background chart, placed for ``stop``."""
    return render_macro(TEMPLATE, "marker", stop=stop, alt_template=alt_template, label=label_text)


class TimelineSliderView(ReadyPlaceholder, w.VBox):
    """A slider over time since treatment, a card and the timeline chart, redrawn on one path.

    Subclasses choose the slider's stops and labels and the card; the chart, the caption
    and the error handling are shared.

    With the "client" marker (default) the chart's PNG is sent once, without the marker; a
    CSS marker over it, the readout and the handle's spoken value move in the page on each
    step (a11y.js, from per-stop data), while the kernel only sends the new card. That PNG
    and the marker's places come from the chart cache (chart_cache.py), rendered before
    serving, so the kernel never imports matplotlib; ``chart`` is drawn only if asked for.
    """

    def __init__(self, content, render: str | None = None, marker: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.content = c = content
        self.model = RecoveryTimeline(c)
        self.marker = marker or settings.marker()
        if self.marker not in MARKERS:
            raise ValueError(f"marker must be one of {MARKERS}, not {self.marker!r}")
        self.render = render or settings.chart_render()
        self.position = 0.0
        self._chart = self._snapshot = None
        stops = self._stops()
        if self.marker == "client":  # the picture and the marker's places, from the cache
            self._snapshot = chart_cache.snapshot(c, stops, render=self.render)
        else:  # a live chart, drawn again on every step
            self._chart = self._new_chart()
        options = [(self._label(h), h) for h in stops]
        self._slider = w.SelectionSlider(options=options, value=0, description=c.ui.timeline.slider_label,
                                         continuous_update=True, readout=False,
                                         style={"description_width": "initial"}, layout=slider_width())
        self._card = w.HTML()
        self._image = w.Image(format="png", layout=w.Layout(width="100%", height="auto"))
        self._overlay = w.HTML()
        self._stage = w.Box([self._image, self._overlay])
        self._stage.add_class("ce-chart-stage")
        self._alt = w.HTML(chart_caption_html(c))
        self._message = w.HTML()
        self._stop_data = [self._stop(h) for h in stops]
        # the chart's description with the marker's words left open (the page fills them in)
        self._alt_template = chart_text.alt_text(c, self.model, POSITION_TOKEN)
        self._readout = w.HTML(render_macro("macros.html.j2", "readout", stops=self._stop_data, index=0))
        if self._snapshot is not None:
            self._image.value = self._snapshot.png  # the background, once
        self._slider.observe(self._on_slider, names="value")
        self.add_class("ce-widget")

    @staticmethod
    def stops_for(model: RecoveryTimeline) -> list[float]:
        """The slider's stops (static: the launcher pre-renders their chart without a view)."""
        return model.stops()

    def _stops(self) -> list[float]:
        return self.stops_for(self.model)

    def _new_chart(self):
        from clinic_explainer.charts.chart import (
            TimelineChart,  # matplotlib: never imported with the client marker unless asked
        )

        chart = TimelineChart(self.content, self.model, render=self.render)
        chart.show_marker(self.marker == "kernel")
        chart.set_position(self.position)
        return chart

    def _label(self, hours: float) -> str:
        return describe_position(hours, self.content)

    def _card_html(self, answer: Answer) -> str:
        return card_html(answer, self.content)

    def _stop(self, hours: float) -> dict:
        """Everything the page needs to show stop ``hours`` without asking the kernel."""
        geometry = self._snapshot.marker_geometry(hours) if self._snapshot is not None else {}
        return {"v": f"{self._label(hours)}: {self.model.at(hours).phase.label}",
                "p": chart_text.position_text(hours, self.content, self.model), **geometry}

    # -- public, for tests and notebooks -------------------------------------------------
    @property
    def chart(self):
        """The matplotlib chart at the current position (built on first use with the client marker)."""
        if self._chart is None:
            self._chart = self._new_chart()
        return self._chart

    @property
    def hours(self) -> float:
        return self._slider.value

    @hours.setter
    def hours(self, value: float) -> None:
        """Move to the last stop at or before ``value``."""
        stops = self._stops()
        self._slider.value = max((s for s in stops if s <= value), default=stops[0])

    @property
    def card(self) -> str:
        return self._card.value

    @property
    def chart_png(self) -> bytes:
        return bytes(self._image.value)

    @property
    def marker_overlay(self) -> str:
        return self._overlay.value

    @property
    def readout(self) -> str:
        return self._readout.value

    @property
    def message(self) -> str:
        return self._message.value

    def _tool_box(self) -> w.Box:
        """The slider, its readout and the chart together, the card beside them on a wide
        screen and below them on a phone: the marker stays in sight while the slider moves."""
        controls = w.VBox([self._slider, self._readout, self._stage, self._alt])
        controls.add_class("ce-tool-controls")
        box = w.Box([controls, self._card])
        box.add_class("ce-tool")
        return box

    # -- before the widget client -----------------------------------------------------------
    def placeholder_html(self) -> str:
        """The same slider in plain HTML that works at once on the text-first page (early_slider.py)."""
        if self._snapshot is None:  # the kernel-drawn marker (the benchmark's baseline): the calm box
            return super().placeholder_html()
        c, index = self.content, self._slider.index
        stop, template = self._stop_data[index], self._alt_template
        return early_slider_html(
            tool=self.placeholder, label=c.ui.timeline.slider_label, stops=self._stop_data,
            cards=[self._card_html(self.model.at(h)) for h in self._stops()], index=index,
            png=self._snapshot.png, alt=template.replace(POSITION_TOKEN, stop["p"]),
            marker=marker_html(stop, template, c.ui.timeline.you_are_here), caption=chart_caption_html(c),
            calm=getattr(c.ui.getting_ready, self.placeholder),
            waiting=self._early_waiting(), head=self._early_head(), tail=self._early_tail())

    def _early_waiting(self) -> str:
        """Words for what still needs the kernel (none: everything works early)."""
        return ""

    def _early_head(self) -> str:
        """HTML above the early slider, where the live widget shows more."""
        return ""

    def _early_tail(self) -> str:
        """HTML below the early slider, where the live widget shows more."""
        return ""

    # -- wiring ---------------------------------------------------------------------------
    @guarded("slider")
    def _on_slider(self, change) -> None:
        self._update()

    @guarded("update")
    def _update(self) -> None:
        answer = self.model.at(self._slider.value)
        self._card.value = self._card_html(answer)
        self.position = answer.hours
        if self._chart is not None:
            self._chart.set_position(answer.hours)
        if self.marker == "kernel":
            self._image.value = self.chart.png()
            self._overlay.value = render_macro(TEMPLATE, "kernel_marker", alt=self.chart.alt_text())
        elif not self._overlay.value:  # once: the page script moves it from here on
            stop = self._stop_data[self._slider.index]
            self._overlay.value = marker_html(stop, self._alt_template, self.content.ui.timeline.you_are_here)
        self._message.value = ""


class TimelineView(TimelineSliderView):
    placeholder = "timeline"

    def __init__(self, content, now: Callable[[], datetime] | None = None,
                 render: str | None = None, marker: str | None = None, **kwargs):
        super().__init__(content, render, marker, **kwargs)
        c = self.content
        self.tz = ZoneInfo(c.clinic.timezone)
        self._now = now or (lambda: datetime.now(self.tz))
        self.treated_at: datetime | None = None
        t = c.ui.timeline
        # the label above its field at any width (a wrapped label was drawn over the next
        # field on a phone), the field a full-width tap target (date_box_style)
        style = {"description_width": "100%"}

        def field():
            return w.Layout(width="100%", max_width="420px", height="auto", flex_flow="row wrap")

        def button():
            return w.Layout(width="auto", max_width="100%", height="auto")

        self.date_picker = TreatmentDatePicker(description=t.date_label, value=None, style=style, layout=field())
        self.time_picker = w.TimePicker(description=t.time_label, value=None, style=style, layout=field())
        self._date_help = w.HTML(caption_html(t.date_help))
        self._style = w.HTML(render_macro(TEMPLATE, "date_box_style"))
        self._status = w.HTML()
        self._dates = w.HTML()
        self.calendar_button = w.Button(description=t.calendar_button, tooltip=t.calendar_button, layout=button())
        self._calendar = w.HTML()
        self.handout_button = w.Button(description=t.handout_button, tooltip=t.handout_button, layout=button())
        self._handout = w.HTML()
        self._red_flags = w.HTML(ce_html(red_flags_section_html(c, t.all_warning_signs)))

        self.date_picker.observe(self._on_date, names=["value", "unreadable"])
        self.time_picker.observe(self._on_date, names="value")
        self.calendar_button.on_click(self._on_calendar)
        self.handout_button.on_click(self._on_handout)

        date_box = w.VBox([self._style, self.date_picker, self.time_picker, self._date_help, self._dates,
                           self.calendar_button, self._calendar, self.handout_button, self._handout])
        date_box.add_class("ce-date-box")
        self._tool = self._tool_box()
        self.children = [self._message, self._status, self._tool, date_box, self._red_flags]
        self._set_personal(None)
        self._update()

    def _early_head(self) -> str:
        return render_macro("early.html.j2", "status_slot")  # the patient's day, once a date is entered

    def _early_tail(self) -> str:
        """The date fields and downloads, working before the widget client (serving/http/early.py)."""
        return render_macro("early.html.j2", "date_box", c=self.content) + self._red_flags.value

    @property
    def dates(self) -> str:
        return self._dates.value

    @property
    def status(self) -> str:
        return self._status.value

    @property
    def calendar(self) -> str:
        return self._calendar.value

    @property
    def handout(self) -> str:
        return self._handout.value

    @property
    def red_flags(self) -> str:
        return self._red_flags.value

    def _treatment_time(self) -> datetime:
        """The picked date and time in the clinic's time zone (start of day without a time)."""
        day = self.date_picker.value
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError("not a date")
        clock = self.time_picker.value or time(0, 0)
        return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=self.tz)

    def _set_personal(self, treated_at: datetime | None) -> None:
        """The one place the patient's date is set or cleared: the dates list's inputs, the
        downloads and the buttons follow it, so nothing stale stays on screen."""
        self.treated_at = treated_at
        self._calendar.value = ""
        self._handout.value = ""
        self._status.value = ""
        self.calendar_button.disabled = self.handout_button.disabled = treated_at is None

    def _now_aware(self) -> datetime:
        now = self._now()
        return now if now.tzinfo is not None else now.replace(tzinfo=self.tz)

    @guarded("date")
    def _on_date(self, change) -> None:
        had_date = self.treated_at is not None
        self._set_personal(None)
        self._message.value = ""
        treated_at, problem = None, None
        if self.date_picker.value is None:
            # cleared, or part-typed / not a real day (the browser sends no value for those),
            # or a day Python cannot hold (a year of 20261)
            problem = "invalid" if self.date_picker.unreadable else "cleared" if had_date else "empty"
        else:
            try:
                treated_at = self._treatment_time()
            except (TypeError, ValueError, OverflowError):
                problem = "invalid"
        answer = date_answer(self.model, self.content, treated_at, problem, self._now_aware())
        self._set_personal(answer.treated_at)
        if answer.treated_at is not None and not answer.calendar:
            self.calendar_button.disabled = True
        self._dates.value = answer.dates
        self.hours = answer.hours  # jump to "now", or to the start before it (none left over)
        self._status.value = answer.status

    @guarded("calendar")
    def _on_calendar(self, button=None) -> None:
        self._calendar.value = self._download(lambda: calendar_file_html(
            self.model, self.content, self.treated_at, self._now_aware()))

    @guarded("handout")
    def _on_handout(self, button=None) -> None:
        """The handout with the patient's dates, built in memory and offered as a download."""
        self._handout.value = self._download(lambda: handout_file_html(
            self.content, self.treated_at, self._now_aware()))

    def _download(self, build) -> str:
        try:
            return build()
        except DownloadRefused as refused:
            return message_html(refused.words(self.content), warn=True)
