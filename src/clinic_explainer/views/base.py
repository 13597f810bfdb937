"""What every view shares: callbacks that fail with a friendly message (never a traceback), and
the calm stand-in shown until the widget client has rendered the view.

The log names the failing step and the exception type only: no values, because what a
patient enters (a date, answers) must never reach a log.
"""

from __future__ import annotations

import functools
import logging

from markupsafe import Markup

from clinic_explainer.pages.placeholder import placeholder_html
from clinic_explainer.pages.render import render_macro
from clinic_explainer.takehome.answers import message_html  # noqa: F401  (the views' one, shared)

log = logging.getLogger(__package__)


def heading_html(text: str, level: int = 2, id: str = "") -> str:
    """A view's heading in its own block."""
    return render_macro("macros.html.j2", "heading", text=text, level=level, id=id)


def caption_html(text: str) -> str:
    return render_macro("macros.html.j2", "caption", text=text)


def ce_html(body: str) -> str:
    """HTML a view built, in the page's style scope (a ``ce`` block)."""
    return render_macro("macros.html.j2", "ce", body=Markup(body))


def guarded(step: str):
    """Decorate a view method; the view needs ``content`` and a ``_message`` HTML widget."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:  # never show a traceback to a patient
                log.error("%s: %s failed (%s)", type(self).__name__, step, type(exc).__name__)
                self._message.value = message_html(self.content.ui.error_generic, warn=True)
        return inner
    return wrap


class ReadyPlaceholder:
    placeholder: str = ""

    def placeholder_html(self) -> str:
        """What the page shows until the live widget has rendered (a view may show more)."""
        return placeholder_html(self.placeholder, self.content)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self.placeholder:
            bundle["text/html"] = self.placeholder_html()
        return bundle
