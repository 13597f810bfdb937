"""The language a visitor asked for: ``?lang=es`` in the page's address.

Voila puts the query string in the kernel's environment (QUERY_STRING). A preheated
kernel runs the notebook before anyone asks for it, so it must wait for the request first
(``voila.utils.wait_for_request``); before waiting it imports the widgets and charts and
reads every language's content, so the work preheating saves is still saved.
Read once per kernel (one kernel serves one visit).
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs

_LANG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_asked: list[str | None] = []


def _warm_up(root) -> None:
    from . import content, timeline_view  # noqa: F401  (imports matplotlib and ipywidgets)

    for locale in content.locales(root):
        content.load(root, locale=locale)


def asked_locale(root=None) -> str | None:
    """The ``lang`` of the page's address, or None (not in Voila, none given, or malformed)."""
    if not _asked:
        if os.environ.get("VOILA_PREHEAT") == "True":
            try:
                _warm_up(root)
            except Exception:  # noqa: BLE001 - a content error is reported when the page loads it
                pass
            from voila.utils import wait_for_request

            wait_for_request()
        lang = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [""])[0]
        _asked.append(lang if _LANG.match(lang) else None)
    return _asked[0]
