"""Small surfaces: the server accepts and tells no more than the pages need (an application hook, issue 20).

- **Request bodies** of at most ``MAX_BODY_BYTES``: no route takes an upload (the pages only
  GET; the largest body anyone sends is the kernel's interrupt or shutdown POST, empty). Tornado
  refuses a longer one while reading it (by its Content-Length, or chunk by chunk), with a bare
  400 and without buffering it: ``patches.listen_with`` gives Voila's HTTP server the limits.
  Idle keep-alive connections are closed after ``IDLE_SECONDS``, a body must arrive within
  ``BODY_SECONDS``.
- **A preheated kernel's request details** (``/voila/query/<kernel id>``: the visitor's
  address and query string, which Voila keeps in a class dictionary for good): given only to a
  loopback connection, for a live kernel, to one connection at a time and once; the entry is
  freed when it is handed over and when the kernel shuts down (``forget_request_info``). A
  kernel preheated in its page's language (the explainer's, copies included) never asks for
  them: from its hand-out on, nobody gets them (``Gate.on_asks_nothing``).
- **No listing**: ``/voila/api/contents`` (the notebooks as JSON), ``/voila/tree`` (the folder),
  ``/login`` and ``/logout`` (jupyter_server's, which crash in Voila) answer the branded 404.
- **No versions**: no ``Server`` header; the page config's ``appVersion`` and Voila's static
  prefix carry none (http/caching.py).
- **No traceback**: jupyter_server's error pages need templates Voila does not ship: rendering
  one failed and logged a traceback for every 404 of a static file. A plain body instead, which
  http/security.py replaces by the branded page.
- **The ``_xsrf`` cookie**: a session cookie (no 30 days), ``HttpOnly`` (no page script reads it:
  the page only GETs and speaks on its websocket) and ``SameSite=Strict``.
- **Stale kernel folders**: ``/tmp/voila_*`` folders of servers that are gone (a kill -9) are
  removed at start; ours is removed at stop (Voila's own stop) or exit.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado.web import HTTPError, OutputTransform, RequestHandler

from clinic_explainer.serving import patches
from clinic_explainer.serving.http.routes import replace_handler
from clinic_explainer.serving.http.ws_guard import MAX_MESSAGE_BYTES

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
# the read buffer must hold one websocket message (the frame guard's limit) and no more
MAX_BUFFER_BYTES = 2 * MAX_MESSAGE_BYTES
IDLE_SECONDS = 120  # tornado's default is an hour: an idle keep-alive connection is a held socket
BODY_SECONDS = 30
LOOPBACK = ("127.0.0.1", "::1")
WS_POLICY_VIOLATION = 1008
MARKER = "clinic-server.pid"  # in our kernel folder: which process owns it


def limit_requests(app, voila) -> None:
    """Application hook: request bodies, buffers and idle connections bounded in the process."""
    patches.listen_with(app, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BUFFER_BYTES,
                        idle_connection_timeout=IDLE_SECONDS, body_timeout=BODY_SECONDS)


# --- the request details of a preheated kernel -------------------------------------------------
HANDED: set[str] = set()  # kernels whose request details were given: never again


def forget_request_info(kernel_id: str) -> None:
    """A kernel shut down: its request details and its marks go too."""
    HANDED.discard(kernel_id)
    patches.drop_request_info(kernel_id)


def once_request_info(handler_class: type, gate) -> type:
    """Voila's request-info websocket, for the kernel itself, once."""

    class RequestInfoOnce(handler_class):
        _clinic_kernel = None

        def open(self, kernel_id: str):
            if (self.request.remote_ip not in LOOPBACK or kernel_id not in gate.km
                    or kernel_id in HANDED or patches.request_info_waiting(kernel_id)):
                log.warning("Request details refused for kernel %s (not its kernel, or already given)", kernel_id)
                self.close(WS_POLICY_VIOLATION, "not available")
                return None
            self._clinic_kernel = kernel_id
            return super().open(kernel_id)

        def write_message(self, message, binary=False):
            result = super().write_message(message, binary)
            if self._clinic_kernel:  # handed over: nobody reads it again
                HANDED.add(self._clinic_kernel)
                patches.drop_request_info(self._clinic_kernel, keep_waiter=True)
            return result

        def on_close(self):
            # upstream removes the last waiter it looked at when this one is not registered
            if self._clinic_kernel and patches.request_info_waiting(self._clinic_kernel) is self:
                super().on_close()

    RequestInfoOnce.__name__ = RequestInfoOnce.__qualname__ = f"Once{handler_class.__name__}"
    return RequestInfoOnce


# --- no listing, no versions, no traceback -------------------------------------------------------
class NotFound(RequestHandler):
    def prepare(self):
        raise HTTPError(404)


class NoServerHeader(OutputTransform):
    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        headers.pop("Server", None)
        return status_code, headers, chunk


def close_listings(app, voila) -> None:
    base = voila.base_url
    patches.add_handlers_first(app, [(url_path_join(base, path), NotFound) for path in
                                     ("voila/tree.*", "voila/api/contents.*", "login.*", "logout.*")])


# --- kernel folders ----------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_kernel_folders(root: Path, own: Path | None = None, empty_after: float = 3600) -> list[Path]:
    """``voila_*`` folders under ``root`` whose server is gone: ours (a marker with a dead pid),
    or empty ones untouched for ``empty_after`` seconds. Another live server's folder stays."""
    removed = []
    for folder in root.glob("voila_*"):
        if not folder.is_dir() or folder == own:
            continue
        try:
            marker = folder / MARKER
            if marker.is_file():
                stale = not _alive(int(marker.read_text().strip() or 0))
            else:
                stale = not any(folder.iterdir()) and time.time() - folder.stat().st_mtime > empty_after
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except (OSError, ValueError):
            continue
    return removed


def kernel_folders(app, voila) -> None:
    """Application hook: stale folders removed, ours marked with our pid and removed at exit."""
    own = Path(voila.connection_dir) if getattr(voila, "connection_dir", "") else None
    removed = remove_stale_kernel_folders(Path(voila.connection_dir_root or tempfile.gettempdir()), own)
    if removed:
        log.info("Removed %d kernel folder(s) of servers that are gone", len(removed))
    if own is not None and own.is_dir():
        (own / MARKER).write_text(str(os.getpid()))
        atexit.register(shutil.rmtree, own, ignore_errors=True)


def small_surfaces(app, voila) -> None:
    """Application hook (after kernel_lifecycle, whose gate it reads): everything above."""
    from voila.request_info_handler import RequestInfoSocketHandler

    gate = app.settings["clinic_gate"]
    limit_requests(app, voila)
    replace_handler(app, RequestInfoSocketHandler, lambda cls: once_request_info(cls, gate))
    gate.on_forget.append(forget_request_info)
    gate.on_asks_nothing.append(HANDED.add)  # its details (Voila keeps them for it) go to nobody
    close_listings(app, voila)
    if NoServerHeader not in app.transforms:
        app.transforms.insert(0, NoServerHeader)
    patches.plain_error_pages()
    app.settings["xsrf_cookie_kwargs"] = {"path": voila.base_url, "httponly": True, "samesite": "Strict",
                                          "expires_days": None}
    kernel_folders(app, voila)
