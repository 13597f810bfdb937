"""Security headers, privacy and error pages on every response (an application hook).

- Content-Security-Policy: everything from this origin only; scripts only from files here or
  inline scripts whose SHA-256 is listed: only the template's own known scripts (Voila's
  closing script and its progress calls, hashed from the template's text at start-up), never
  whatever a response happens to contain (a cell output or an echoed address could otherwise
  have its own script allowed); no plugins, no <base> change, no framing by other sites.
- Referrer-Policy no-referrer (a link a patient follows does not tell where they came from),
  X-Content-Type-Options nosniff, a Permissions-Policy switching off camera, microphone and
  location, and Cross-Origin-Opener-Policy.
- No identity cookie: jupyter_server gives every visitor a 30-day ``username-…`` cookie; it is
  dropped (Voila needs no identity; the ``_xsrf`` cookie is kept).
- Error pages (404, 500, …) are replaced by the clinic's branded, offline page
  (../notices.py, from the gate's last good content) and never carry a traceback; Voila's template-file handler answers path
  tricks (``/voila/templates/..``) with a clean 404 instead of a 500 and a traceback.
- Cells that fail or time out say so in plain words with the clinic's phone.

What of Voila and jupyter_server this reaches into (the lab template's inline scripts, the
template-file handler, the identity provider) is listed in ../patches.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache

from tornado.web import HTTPError, OutputTransform

from clinic_explainer.serving import notices, patches
from clinic_explainer.serving.http.routes import replace_handler
from clinic_explainer.settings import lang_of_query

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",  # widgets set styles; styles cannot run code
    "img-src": "'self' data: blob:",          # charts are PNG data URLs
    "font-src": "'self' data:",
    "connect-src": "'self'",                  # the kernel's websocket, same origin
    "frame-ancestors": "'self'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Voila's lab template (patches.INVENTORY) ends every page with this inline script (it shows the rendered cells);
# on a streamed page it comes after the headers, so its hash is always allowed.
VOILA_FINISH = b"\n  window.voila_finish();\n"
# an executable inline script: no src, and no type or a JavaScript type
INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"(?!text/javascript|module)[^\"]*\")[^>]*>(.*?)</script>", re.S | re.I)


MAX_CELLS = 500  # progress calls hashed for at most this many cells (our notebooks have under 40)
CELL_OUTPUT = re.compile(rb'<script type="application/vnd\.voila\.cell-output\+json">(.*?)</script>', re.S)


def script_hashes(html: bytes) -> list[str]:
    """CSP sources ('sha256-…') of the executable inline scripts in an HTML chunk.

    Also those inside the HTML outputs that Voila's client renders from the cells' JSON
    (JupyterLab's renderer runs their <script> elements).
    """
    bodies = INLINE_SCRIPT.findall(html)
    for blob in CELL_OUTPUT.findall(html):
        try:
            output_html = json.loads(blob).get("data", {}).get("text/html", "")
        except (ValueError, AttributeError):
            continue
        if isinstance(output_html, list):
            output_html = "".join(output_html)
        bodies += INLINE_SCRIPT.findall(output_html.encode())
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in bodies]


def known_page_scripts() -> list[str]:
    """Hashes of the inline scripts of Voila's lab template a page may run (its closing script;
    the clinic template writes none of its own: it links its files)."""
    return script_hashes(b"<script>" + VOILA_FINISH + b"</script>")


def policy(hashes: list[str] = (), known: list[str] = ()) -> str:
    parts = dict(POLICY)
    if hashes or known:
        parts["script-src"] = " ".join([parts["script-src"], *dict.fromkeys([*hashes, *known])])
    return "; ".join(f"{k} {v}" for k, v in parts.items())


@lru_cache(maxsize=256)
def _progress_hashes(cells: int) -> list[str]:
    """Voila's lab template writes ``voila_process(i, n)`` (loading text) before each cell."""
    return script_hashes(b"".join(
        b"<script>\n            voila_process(%d, %d)\n          </script>" % (i, cells) for i in range(1, cells + 1)))


def make_transform(content_source):
    """An OutputTransform class; ``content_source(request)`` gives the content for error pages
    (the last good content of the language the request asks for, ``?lang=``)."""
    known = known_page_scripts()

    class SecurityHeaders(OutputTransform):
        def __init__(self, request):
            super().__init__(request)
            self.request, self._replaced = request, False

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            html = headers.get("Content-Type", "").startswith("text/html")
            if html and status_code >= 400 and status_code != 503 and b"ce-notice" not in chunk:
                kind = "not_found" if status_code == 404 else "error"
                chunk = notices.render(kind, content_source(self.request), "/").encode()
                headers["Content-Length"] = str(len(chunk))
                headers["Content-Type"] = "text/html; charset=UTF-8"
                self._replaced = True
            # the template's known scripts only (the page's progress calls by its cell count), never
            # hashes of what this response contains
            progress = _progress_hashes(min(getattr(self.request, "clinic_cell_count", 0), MAX_CELLS))
            headers["Content-Security-Policy"] = policy((), known + progress) if html else policy()
            for name, value in HEADERS.items():
                headers[name] = value
            return status_code, headers, chunk

        def transform_chunk(self, chunk, finishing):
            return b"" if self._replaced else chunk

    return SecurityHeaders


def clean_template_paths(handler_class: type) -> type:
    """Voila's template-file handler, answering malformed or escaping paths with a plain 404."""

    class CleanPathHandler(handler_class):
        def parse_url_path(self, path):
            parts = path.replace("\\", "/").split("/")
            if len(parts) < 3 or parts[1] != "static" or any(p in ("", ".", "..") for p in parts):
                raise HTTPError(404)
            return super().parse_url_path(path)

    CleanPathHandler.__name__ = CleanPathHandler.__qualname__ = f"CleanPath{handler_class.__name__}"
    return CleanPathHandler


def secure(app, voila) -> None:
    """Application hook (after kernel_lifecycle, whose gate it reads): headers, cookies, error
    pages, template paths, cell messages."""
    from voila.static_file_handler import TemplateStaticFileHandler

    gate = app.settings["clinic_gate"]

    def content(request=None):
        return gate.watch.good_for(lang_of_query(request.query) if request is not None else None)

    app.transforms.insert(0, make_transform(content))  # before gzip: it reads the HTML
    # jupyter_server's own CSP header (frame-ancestors and a report-uri that answers 404)
    app.settings.setdefault("headers", {})["Content-Security-Policy"] = policy()
    if not replace_handler(app, TemplateStaticFileHandler, clean_template_paths):
        raise RuntimeError("Voila's template file handler was not found")
    # no identity cookie: every visitor stays anonymous, nothing to recognise them by later
    patches.no_login_cookie(getattr(voila, "identity_provider", None), app.settings.get("identity_provider"))
    c = content()
    words = f"{c.text(c.ui.error_generic)} {c.text(c.ui.serving.call_us)}"
    patches.cell_messages(voila, words)
