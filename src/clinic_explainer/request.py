"""The language a visitor asked for: ``?lang=es`` in the page's address.

Voila puts the query string in the kernel's environment (QUERY_STRING). A preheated
kernel runs the notebook before anyone asks for it, so it must wait for the request first:
``_wait_for_request`` does what ``voila.utils.wait_for_request`` (Voila 0.5) does, without
importing Voila into the kernel (about 2 s of CPU, which a visitor arriving just after the
server starts would wait for; measured: first landing page 25 s instead of 3.5 s). While it waits, a background thread imports the widgets
and charts and reads every language's content, so the work preheating saves is still saved
in a kernel that waits for a visitor, and a visitor who comes at once never waits for it.
Read once per kernel (one kernel serves one visit).
"""

from __future__ import annotations

import os
import re
import threading
from urllib.parse import parse_qs

_LANG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_asked: list[str | None] = []


def _warm_up(root) -> None:
    try:
        from . import content, timeline_view  # noqa: F401  (imports matplotlib and ipywidgets)

        for locale in content.locales(root):
            content.load(root, locale=locale)
    except Exception:  # noqa: BLE001 - a content error is reported when the page loads it
        pass


def _wait_for_request(timeout: float = 5) -> None:
    """Block until Voila hands this preheated kernel its visitor's request; put the request's
    details (QUERY_STRING, ...) in os.environ. Same protocol as voila.utils.wait_for_request."""
    import asyncio
    import json

    import websockets

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}")
    result: list[str] = []

    async def receive() -> None:
        async with websockets.connect(url, open_timeout=timeout) as ws:
            result.append(await ws.recv())

    def run() -> None:
        try:
            asyncio.new_event_loop().run_until_complete(receive())
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
            pass  # no request details: the page uses the clinic's default language

    thread = threading.Thread(target=run)  # the kernel's own event loop is busy running this cell
    thread.start()
    thread.join()
    if result:
        os.environ.update({str(k): str(v) for k, v in json.loads(result[0]).items()})


def asked_locale(root=None) -> str | None:
    """The ``lang`` of the page's address, or None (not in Voila, none given, or malformed)."""
    if not _asked:
        if os.environ.get("VOILA_PREHEAT") == "True":
            threading.Thread(target=_warm_up, args=(root,), daemon=True).start()
            _wait_for_request()
        lang = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [""])[0]
        _asked.append(lang if _LANG.match(lang) else None)
    return _asked[0]
