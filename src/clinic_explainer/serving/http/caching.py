"""Cache lifetimes, Voila's files under a versioned prefix, and hot files served from memory.

- Versioned files (``?v=<hash>``, a hashed name, ``STATIC_PREFIX``) are cached for a year
  without revalidation: a repeat visit fetches none of them.
- Voila's own chunks (voila.js, 7155.voila.js, fonts) have no version in their names: the
  page asks for them under ``STATIC_PREFIX`` instead (``page_config``), served by
  ``versioned_voila_static``.
- ``COMPRESSED`` keeps the brotli bodies of files with an ETag (compression.py fills it);
  a fixed file already compressed is then served from memory by ``HotFileHandler``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import OrderedDict
from urllib.parse import parse_qs

import voila
from jupyter_server.utils import url_path_join
from tornado.routing import Matcher
from tornado.web import Application, OutputTransform, RequestHandler
from voila.static_file_handler import MultiStaticFileHandler

from clinic_explainer.serving import patches

IMMUTABLE = "public, max-age=31536000, immutable"
# Voila's version names one set of its files, but a page should not tell which version runs:
# a hash of it and of this installation's folder (stable across restarts, new at an upgrade)
STATIC_PREFIX = "voila/static/v" + hashlib.sha256(f"{voila.__version__} {sys.prefix}".encode()).hexdigest()[:12]
_HASHED_NAME = re.compile(r"[./][0-9a-f]{16,}\.(js|css|woff2?|ttf|eot|svg)$")


def is_versioned(request) -> bool:
    """Whether the URL names one version of a file: ?v=<hash>, a hashed name, the prefix."""
    return ("v" in parse_qs(request.query) or f"/{STATIC_PREFIX}/" in request.path
            or _HASHED_NAME.search(request.path) is not None)


def is_fixed(path: str) -> bool:
    """Whether a URL path alone names one content for good: Voila's chunks under the
    versioned prefix and files with a content hash in their name (not ``?v=`` files: their
    path stays when the file changes)."""
    return f"/{STATIC_PREFIX}/" in path or _HASHED_NAME.search(path) is not None


class CacheLifetimes(OutputTransform):
    """Versioned files are cached for a year without revalidation (a repeat visit fetches
    none of them); everything else keeps the handler's own headers."""

    def __init__(self, request):
        self._immutable = request.method in ("GET", "HEAD") and is_versioned(request)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self._immutable and status_code == 200:
            headers["Cache-Control"] = IMMUTABLE
            headers.pop("Pragma", None)
            headers.pop("Expires", None)
        return status_code, headers, chunk


def cache_lifetimes(app: Application, voila) -> None:
    if CacheLifetimes not in app.transforms:
        app.transforms.insert(0, CacheLifetimes)


def versioned_voila_static(app: Application, voila_app) -> None:
    """Voila's static files also under STATIC_PREFIX (see page_config)."""
    patches.add_handlers_first(app, [(url_path_join(voila_app.base_url, STATIC_PREFIX, "(.*)"), MultiStaticFileHandler,
                                      {"paths": voila_app.static_paths, "default_filename": "index.html"})])


def page_config(page_config, base_url, settings, log, voila_configuration, notebook_path=None):
    """VoilaConfiguration.page_config_hook (config/voila.py): the widget client loads its
    chunks from the versioned prefix (webpack's public path is fullStaticUrl)."""
    page_config["fullStaticUrl"] = url_path_join(base_url, STATIC_PREFIX)
    page_config["appVersion"] = ""  # no version in the page (the widget client then says "unknown")
    return page_config


# --- hot files: compressed once, then from memory ------------------------------------------
class CompressedBodies:
    """Brotli bodies of responses that carry an ETag (static files: the widget client is about
    a hundred of them), by path and ETag, so each is compressed once, not once per visitor.

    Compressing them was about a quarter of the server's CPU time when twenty patients opened
    the explainer at once (benchmarks/bench_load.py). An ETag names one content, so an entry
    never goes stale; the least recently used go when the total passes ``max_bytes``.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes, self.size = max_bytes, 0
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        # files whose path names one content for good (is_fixed): path -> (ETag, type, body),
        # served by HotFileHandler without touching the disk
        self.fixed: dict[str, tuple[str, str, bytes]] = {}

    def get(self, key) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key, body: bytes) -> None:
        if key in self._bodies or len(body) > self.max_bytes // 4:
            return
        self._bodies[key] = body
        self.size += len(body)
        while self.size > self.max_bytes:
            _, old = self._bodies.popitem(last=False)
            self.size -= len(old)


COMPRESSED = CompressedBodies()


class HotFiles(Matcher):
    """Matches a GET for a fixed file already compressed (``COMPRESSED.fixed``) from a
    browser that accepts brotli; everything else goes on to the normal routes."""

    def match(self, request):
        if (request.method == "GET" and request.path in COMPRESSED.fixed and "Range" not in request.headers
                and "br" in request.headers.get("Accept-Encoding", "")):
            return {}
        return None


class HotFileHandler(RequestHandler):
    """The widget client's files from memory: no stat, no read, no 64 KB chunks each flushed
    through the output transforms. In a crowd the server answers about a hundred of these per
    visitor; they were most of its requests (benchmarks/bench_load.py)."""

    def get(self):
        etag, ctype, body = COMPRESSED.fixed[self.request.path]
        self.set_header("Content-Type", ctype)
        self.set_header("Etag", etag)
        if self.check_etag_header():
            self.set_status(304)
            return
        self.set_header("Content-Encoding", "br")  # the compression transforms then stand aside
        self.write(body)


def hot_files(app: Application, voila_app) -> None:
    patches.add_rule_first(app, HotFiles(), HotFileHandler)
