"""voila.js's first chunks in one file, ``clinic-chunks/voila.<hash>.js`` (issue 19).

voila.js (a webpack build) loads about seventy chunk files of its own after it runs, one request
each: of the hundred files a first visit asked the server for, three quarters were these, and in
a crowd each request costs the server (and the visitor's phone) more than its bytes. A webpack
chunk only registers its modules (``(self.webpackChunk_… ||= []).push(…)``): pushed before
voila.js runs, webpack finds them installed and asks for none of them. So the clinic template
loads them as one file just before voila.js: the same bytes, one request, compressed once and
then served from memory (http/caching.py: a hashed name names one content for good).

``FIRST_VISIT`` lists the chunks Chromium asked for on a first visit of the explainer with
Voila 0.5.13, in that order (tests/browser/test_patient_path.py checks that a first visit asks
for none of them). A chunk not listed is still loaded by webpack when it is needed; a listed one
that an upgraded Voila no longer has is left out. Nothing here is of the visitor or the content.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado.web import Application, RequestHandler

from clinic_explainer.serving import patches

FIRST_VISIT = (
    5764, 8135, 3992, 9582, 7556, 1670, 6049, 8925, 7883, 6573, 3311, 4135, 1621, 3649, 8487, 3916,
    9684, 4041, 143, 7155, 3144, 1601, 4972, 9890, 5312, 6468, 3459, 630, 5688, 2930, 73, 1187, 4173,
    7483, 431, 3989, 8766, 9151, 4729, 6382, 5044, 7598, 9081, 7770, 3249, 4653, 8862, 9981, 5767, 4222,
    3307, 8773, 6008, 8017, 457, 9212, 4371, 2829, 7259, 6074, 4875, 4486, 7393, 225, 6305, 614, 1996,
    2772, 7245, 2121, 2296, 5992,
)
ROUTE = "clinic-chunks"
# what a webpack chunk of voila.js is: a push of its modules, nothing run (anything else is left
# out), after its license banner if it has one, in strict mode or not
CHUNK = re.compile(rb'(?P<banner>/\*![^*]*\*/\s*)?(?P<strict>"use strict";)?'
                   rb"(?P<push>\(self\.webpackChunk_\w+\s*=\s*self\.webpackChunk_\w+\s*\|\|\s*\[\]\)\.push\()")

_BUNDLE: dict[str, object] = {}  # "body", "name": made once, at the server's start


def build(static_paths: list[str], chunks: tuple[int, ...] = FIRST_VISIT) -> tuple[bytes, list[int]]:
    """The chunks found in Voila's static folders, one after the other; the ids put in."""
    parts, found = [], []
    for chunk in chunks:
        for folder in static_paths:
            path = Path(folder) / f"{chunk}.voila.js"
            if path.is_file():
                body = path.read_bytes()
                match = CHUNK.match(body)
                if match:
                    # each in a function of its own: a chunk's "use strict" stays its own (in one
                    # file it would be a plain string after the first line), and a last line
                    # comment (a source map's) ends with its line
                    banner, strict = match["banner"] or b"", match["strict"] or b""
                    parts.append(banner + b"(function(){" + strict + b"\n" + body[match.start("push"):].rstrip()
                                 + b"\n})();\n")
                    found.append(chunk)
                break
    return b"".join(parts), found


def bundle_url(base_url: str) -> str:
    """The bundle's address for the template ("" when there is none: voila.js loads its chunks)."""
    name = _BUNDLE.get("name")
    return url_path_join(base_url, ROUTE, name) if name else ""


class ChunkBundle(RequestHandler):
    def get(self, name: str):
        if name != _BUNDLE.get("name"):
            self.send_error(404)
            return
        self.set_header("Content-Type", "application/javascript; charset=UTF-8")
        self.write(_BUNDLE["body"])  # tornado adds its ETag: compressed once (compression.py)


def voila_chunks(app: Application, voila_app) -> None:
    """Application hook: the bundle of ``FIRST_VISIT`` from the installed Voila, and its route."""
    body, found = build(list(voila_app.static_paths))
    if not found:
        voila_app.log.warning("None of voila.js's chunks was found: the page loads them one by one")
        return
    _BUNDLE.update(body=body, name=f"voila.{hashlib.sha256(body).hexdigest()[:20]}.js")
    patches.add_handlers_first(app, [(url_path_join(voila_app.base_url, ROUTE, r"([^/]+)"), ChunkBundle)])
