"""The results widget: weeks since treatment, what is typical then, the chart."""

from clinic_explainer.views.results import ResultsView


def test_results_slider_moves_card_and_chart(content):
    view = ResultsView(content)
    phases = content.timeline.phases
    first_card, first_png = view.card, view.chart_png
    assert phases[0].label in first_card and content.timeline.caveat in first_card
    view.hours = 2 * 168
    assert view.hours == 336
    # the FAQ: smoother skin within 1-2 weeks, complete results only a few months after
    assert view._label(view.hours) == "2 weeks" and f'<p class="ce-phase">{phases[3].label} (' in view.card
    for text in phases[3].may_see:
        assert text in view.card
    view.hours = 13 * 168  # "3 months"
    assert view._label(view.hours) == "3 months" and f'<p class="ce-phase">{phases[4].label} (' in view.card
    for text in phases[4].may_see:
        assert text in view.card
    view.hours = 336
    # the chart's PNG is the fixed background; the page moves the marker (client marker)
    assert view.card != first_card and view.chart_png == first_png
    assert view.chart.position == 336
    assert view.message == ""


def test_every_results_stop_renders(content):
    view = ResultsView(content)
    labels = [label for label, _ in view._slider.options]
    assert len(labels) == len(set(labels))
    for _, hours in view._slider.options:
        view._slider.value = hours
        assert view.message == ""
        assert content.timeline.caveat in view.card
    assert content.ui.timeline.last_phase in view.card
