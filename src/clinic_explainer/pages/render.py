"""The one Jinja2 environment of the package: every HTML fragment is a template in pages/templates/.

Served pages (built in a visitor's kernel), the take-home PDFs (takehome/) and the pages the
server shows without a kernel (serving/notices.py) all render through ``render``, with
autoescape on, so content text is always escaped and markup lives only in templates.

Two house rules of this environment:

* Text is escaped as ``html.escape`` escapes it (``&quot;``, ``&#x27;``), the escaping of
  ``pages.html.esc``, so a fragment is the same whether a template or ``esc`` wrote it.
* A line break, with the indentation around it, between two tags (HTML or template tags) is
  layout, not output: a template is written one element a line, and the fragment comes out
  as one line. A space that must be output stays on its line (``</strong> {{ text }}``).

A template is either a page of its own (``render``: the handout) or a set of macros, one per
fragment, named after the Python function that calls it (``render_macro``).
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, pass_eval_context, select_autoescape
from jinja2.ext import Extension
from markupsafe import Markup

from clinic_explainer.pages import urls

__all__ = ["Markup", "colour_css", "environment", "render", "render_macro"]


class LineBreaksAreLayout(Extension):
    """Drops a line break (and the indentation around it) that sits between two tags."""

    BREAK = re.compile(r"(?<=[>}])[ \t]*\n\s*(?=[<{])")

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self.BREAK.sub("", source)


@pass_eval_context
def _escape(eval_ctx, value):
    """Every ``{{ value }}``: escaped as ``html.escape`` does, unless it is already markup."""
    if not eval_ctx.autoescape or hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("clinic_explainer.pages", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                      finalize=_escape, extensions=[LineBreaksAreLayout])
    env.globals["colour_css"] = colour_css
    env.globals["urls"] = urls
    env.filters["json"] = json.dumps
    return env


def render(name: str, **context) -> str:
    """The template ``name`` (e.g. "handout.html.j2") filled with ``context``; text is escaped,
    ``Markup`` values (HTML built by another template) are kept as they are."""
    return environment().get_template(name).render(**context)


def render_macro(name: str, macro: str, **kwargs) -> str:
    """The macro ``macro`` of template ``name`` called with ``kwargs`` (text escaped, ``Markup``
    kept), as a plain string."""
    return str(getattr(environment().get_template(name).module, macro)(**kwargs))


def colour_css(colours) -> str:
    """The clinic's colours (content/clinic.yml) as CSS variables: the one writer of them, for
    the served pages, the handout and the notice pages."""
    return (f":root{{--ce-primary:{colours.primary};--ce-accent:{colours.accent};"
            f"--ce-background:{colours.background};}}")
