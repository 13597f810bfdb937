"""``APPLICATION_HOOKS``: code of ours that runs inside the Voila process before it serves, in list order.

Voila builds its tornado ``Application`` in ``Voila.start()`` and applies
``Voila.tornado_settings`` only afterwards, too late for settings such as
``compress_response`` that tornado reads while building the application. Our subclass
(app.py) therefore calls every hook with the built application and the Voila instance,
right before the server starts listening.

A hook is ``hook(app: tornado.web.Application, voila: Voila) -> None``. It may add output
transforms (``app.transforms``), wrap or add handlers, or change ``app.settings``; anything
that reaches into Voila or jupyter_server internals goes through patches.py. Hooks after
``kernel_lifecycle`` read its gate (``app.settings["clinic_gate"]``).
"""

from __future__ import annotations

from collections.abc import Callable

from tornado.web import Application

from clinic_explainer.serving import patches
from clinic_explainer.serving.http.assets import clinic_assets
from clinic_explainer.serving.kernel_forks import fork_kernels
from clinic_explainer.serving.kernel_manager import room_for_sockets
from clinic_explainer.serving.http.caching import cache_lifetimes, hot_files, versioned_voila_static
from clinic_explainer.serving.http.chunks import voila_chunks
from clinic_explainer.serving.http.compression import compress, compress_websocket
from clinic_explainer.serving.http.early import early_answers
from clinic_explainer.serving.http.security import secure
from clinic_explainer.serving.http.surface import small_surfaces
from clinic_explainer.serving.http.templates import shared_template_code
from clinic_explainer.serving.http.ws_guard import guard_application
from clinic_explainer.serving.kernels import kernel_lifecycle

Hook = Callable[[Application, object], None]

APPLICATION_HOOKS: list[Hook] = [
    room_for_sockets,               # kernel_manager.py: a context's sockets for a crowd's kernels
    fork_kernels,                   # kernel_forks.py: patients' kernels forked, their imports done once
    shared_template_code,           # http/templates.py: page templates compiled once
    patches.watch_activity_lightly,  # kernels' activity noted from two small JSON frames
    compress,                       # http/compression.py: brotli, then gzip
    compress_websocket,             # http/compression.py: permessage-deflate
    cache_lifetimes,                # http/caching.py: versioned files cached for good
    versioned_voila_static,
    voila_chunks,                   # http/chunks.py: voila.js's first chunks in one file
    hot_files,                      # (after: its matcher goes before every route)
    guard_application,  # http/ws_guard.py: crafted websocket frames rejected before they are parsed
    kernel_lifecycle,   # kernels/: admission cap, busy page, kernels freed when pages close, the pool
    clinic_assets,      # http/assets.py: notice words and files, colours.css, the landing page's words
    early_answers,      # http/early.py: the early tools' answers (a date, ticks, the files) without a kernel
    secure,             # http/security.py: CSP and other headers, no identity cookie, branded error pages
    small_surfaces,     # http/surface.py: body limits, request details once, no listing, versions or tracebacks
]


def apply(app: Application, voila) -> None:
    for hook in APPLICATION_HOOKS:
        hook(app, voila)
