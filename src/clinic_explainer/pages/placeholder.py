"""What an interactive tool shows before the page's widget client is ready.

A calm, labelled box ("The recovery timeline is getting ready…") in the page's language
(``getting_ready`` in content/locales). A view adds it to its output (views.base.ReadyPlaceholder);
the Voila template shows it until the live widget has rendered; JupyterLab shows the widget.
"""

from __future__ import annotations

from clinic_explainer.pages.render import render_macro


def placeholder_html(tool: str, c) -> str:
    return calm_box(tool, getattr(c.ui.getting_ready, tool))


def calm_box(tool: str, words: str) -> str:
    """The labelled box itself: ``words`` in the page's language."""
    return render_macro("placeholder.html.j2", "calm_box", tool=tool, words=words)
