"""The one Jinja2 environment of the package: every HTML fragment is a template in pages/templates/.

Served pages (built in a visitor's kernel), the take-home PDFs (takehome/) and the pages the
server shows without a kernel (serving/notices.py) all render through ``render``, with
autoescape on, so content text is always escaped and markup lives only in templates.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

__all__ = ["Markup", "environment", "render"]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("clinic_explainer.pages", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.globals["colour_css"] = colour_css
    return env


def render(name: str, **context) -> str:
    """The template ``name`` (e.g. "faq.html.j2") filled with ``context``; text is escaped,
    ``Markup`` values (HTML built by another template) are kept as they are."""
    return environment().get_template(name).render(**context)


def colour_css(colours) -> str:
    """The clinic's colours (content/clinic.yml) as CSS variables: the one writer of them, for
    the served pages, the handout and the notice pages."""
    return (f":root{{--ce-primary:{colours.primary};--ce-accent:{colours.accent};"
            f"--ce-background:{colours.background};}}")
