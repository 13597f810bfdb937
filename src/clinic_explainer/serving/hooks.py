"""Application hooks: code of ours that runs inside the Voila process before it serves.

Voila builds its tornado ``Application`` in ``Voila.start()`` and applies
``Voila.tornado_settings`` only afterwards, too late for settings such as
``compress_response`` that tornado reads while building the application. Our subclass
(app.py) therefore calls every function in ``APPLICATION_HOOKS`` with the built
application and the Voila instance, right before the server starts listening.

A hook is ``hook(app: tornado.web.Application, voila: Voila) -> None``. It may add output
transforms (``app.transforms``: compression, headers on every response), wrap or add
handlers (``app.add_handlers``), or change ``app.settings``. Append new hooks to
``APPLICATION_HOOKS`` below; they run in list order.
"""

from __future__ import annotations

from collections.abc import Callable

from jupyter_server.utils import url_path_join
from tornado.web import Application, GZipContentEncoding, RequestHandler

from .kernels import kernel_lifecycle
from .notice_page import add_routes
from .ws_guard import guard_application

Hook = Callable[[Application, object], None]


def compress(app: Application, voila) -> None:
    """gzip HTML, JS, CSS, JSON and SVG responses of 1 KB and more when the client accepts it.

    What ``compress_response=True`` would do had it been set when the application was built.
    """
    if GZipContentEncoding not in app.transforms:
        app.transforms.insert(0, GZipContentEncoding)


class ColoursHandler(RequestHandler):
    """The clinic's colours (content/clinic.yml) as CSS variables: a file, not an inline style."""

    def get(self):
        from .. import content as content_mod
        col = content_mod.load().clinic.colours
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")  # revalidated (ETag): an edited colour shows at once
        self.write(f":root{{--ce-primary:{col.primary};--ce-accent:{col.accent};--ce-background:{col.background};}}\n")


def clinic_assets(app: Application, voila) -> None:
    """Files made from content/ that the clinic template links (clinic/colours.css)."""
    app.add_handlers(".*$", [(url_path_join(voila.base_url, r"/clinic/colours.css"), ColoursHandler)])


APPLICATION_HOOKS: list[Hook] = [
    compress,
    guard_application,  # ws_guard.py: crafted websocket frames rejected before they are parsed
    kernel_lifecycle,   # kernels.py: admission cap, busy page, kernels freed when pages close
    add_routes,         # notice_page.py: static files and words of the kernel notices
    clinic_assets,
]


def apply(app: Application, voila) -> None:
    for hook in APPLICATION_HOOKS:
        hook(app, voila)
