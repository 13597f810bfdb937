"""What an interactive tool shows before the page's widget client is ready.

A view that inherits ``ReadyPlaceholder`` and names its ``placeholder`` (a field of
``getting_ready`` in content/locales) adds a ``text/html`` version to its output: a calm,
labelled box ("The recovery timeline is getting ready…"). The Voila template shows it
until the live widget has rendered; JupyterLab shows the widget itself.
"""

from __future__ import annotations

from clinic_explainer import content as content_mod
from clinic_explainer.pages.html import esc


def placeholder_html(tool: str, c=None) -> str:
    c = c or content_mod.load()
    return calm_box(tool, getattr(c.ui.getting_ready, tool))


def calm_box(tool: str, words: str) -> str:
    """The labelled box itself: ``words`` in the page's language."""
    return (f'<div class="ce-placeholder" data-tool="{esc(tool)}" role="status">'
            f"<p>{esc(words)}</p></div>")


class ReadyPlaceholder:
    placeholder: str = ""

    def placeholder_html(self) -> str:
        """What the page shows until the live widget has rendered (a view may show more)."""
        return placeholder_html(self.placeholder, getattr(self, "content", None))

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self.placeholder:
            bundle["text/html"] = self.placeholder_html()
        return bundle
