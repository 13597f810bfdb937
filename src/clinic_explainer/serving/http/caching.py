"""Cache lifetimes, Voila's files under a versioned prefix, and hot files served from memory.

- Versioned files (``?v=<hash>``, a hashed name, ``STATIC_PREFIX``) are cached for a year
  without revalidation: a repeat visit fetches none of them.
- Voila's own chunks (voila.js, 7155.voila.js, fonts) have no version in their names: the
  page asks for them under ``STATIC_PREFIX`` instead (``page_config``), served by
  ``versioned_voila_static``.
- ``COMPRESSED`` keeps the brotli bodies of files with an ETag (compression.py fills it).
- Hot files: the whole answer to a URL that names one content for good (``hot_version``:
  the versioned prefix, a hashed name, tornado's ``?v=<SHA-512>``) is kept once it has been
  sent (``HotRecorder``), and later asks are answered from memory straight onto the
  connection (``serve_hot``), without a RequestHandler: a first visit asks for about a
  hundred of them.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import parse_qs

import voila
from jupyter_server.utils import url_path_join
from tornado.httputil import HTTPHeaders, ResponseStartLine, format_timestamp
from tornado.routing import Matcher
from tornado.web import Application, OutputTransform
from voila.static_file_handler import MultiStaticFileHandler

from clinic_explainer.serving import patches

try:  # brotli (pyproject); without it nothing is kept compressed
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

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
    versioned prefix and files with a content hash in their name."""
    return f"/{STATIC_PREFIX}/" in path or _HASHED_NAME.search(path) is not None


_TORNADO_VERSION = re.compile(r"[0-9a-f]{128}")  # StaticFileHandler.get_content_version: SHA-512


def hot_version(request) -> str | None:
    """Which content a GET names for good, for the hot files: "" for a fixed path (is_fixed),
    the ``v`` of a ``?v=<SHA-512>`` URL (tornado's version of the file: Voila's template
    files, a quarter of a visit's), or None for a URL that may change."""
    if is_fixed(request.path):
        return ""
    v = parse_qs(request.query).get("v")
    return v[0] if v and len(v) == 1 and _TORNADO_VERSION.fullmatch(v[0]) else None


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
class HotFile(NamedTuple):
    version: str        # hot_version of the URLs it answers
    etag: str
    encoding: str | None  # "br", or None for a body sent as it is (fonts, small files)
    headers: tuple      # the whole answer's headers, as our transforms left them
    body: bytes


class CompressedBodies:
    """Brotli bodies of responses that carry an ETag, by path and ETag, so each is compressed
    once, not once per visitor; and the hot files (``fixed``), answered from memory.

    Compressing them was about a quarter of the server's CPU time when twenty patients opened
    the explainer at once (benchmarks/bench_load.py). An ETag names one content, so an entry
    never goes stale; the least recently used go when the total passes ``max_bytes``.
    """

    HOT_FILES, HOT_BYTES = 1000, 32 * 1024 * 1024

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes, self.size = max_bytes, 0
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        # path -> HotFile: files whose URL names one content for good (hot_version), answered
        # by serve_hot; the first version kept of a path stays
        self.fixed: dict[str, HotFile] = {}
        self.fixed_size = 0

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

    def keep_hot(self, path: str, version: str, headers: HTTPHeaders, body: bytes) -> None:
        """A whole 200 answer to a GET of a URL whose ``hot_version`` is ``version``. A ``?v=``
        URL is kept only when its v is the SHA-512 of the file sent: a made-up v never takes a
        file's place."""
        if (path in self.fixed or len(self.fixed) >= self.HOT_FILES
                or self.fixed_size + len(body) > self.HOT_BYTES):
            return
        encoding = headers.get("Content-Encoding")
        if encoding not in (None, "br") or (encoding == "br" and brotli is None):
            return
        raw = brotli.decompress(body) if encoding == "br" else body
        if version and hashlib.sha512(raw).hexdigest() != version:
            return
        # jupyter_server's labextension files carry no ETag: one from the file, for revalidation
        etag = headers.get("Etag") or f'"{hashlib.sha256(raw).hexdigest()[:32]}"'
        kept = HTTPHeaders(headers)
        for name in ("Content-Length", "Transfer-Encoding", "Date", "Etag"):
            kept.pop(name, None)
        kept["Etag"] = etag
        kept["Content-Length"] = str(len(body))
        self.fixed[path] = HotFile(version, etag, encoding, tuple(kept.get_all()), body)
        self.fixed_size += len(body)


COMPRESSED = CompressedBodies()


def hot_file(request) -> HotFile | None:
    """The hot file that answers this request, if one does (a GET of its URL, whole, from a
    client that accepts what it was kept in)."""
    hot = COMPRESSED.fixed.get(request.path)
    if hot is None or request.method != "GET" or "Range" in request.headers or hot_version(request) != hot.version:
        return None
    return None if hot.encoding and hot.encoding not in request.headers.get("Accept-Encoding", "") else hot


class HotFiles(Matcher):
    """Matches a GET that a hot file answers (``hot_file``), handing that file to ``serve_hot``;
    everything else goes on to the normal routes."""

    def match(self, request):
        hot = hot_file(request)
        return None if hot is None else {"hot": hot}


class HotRecorder(OutputTransform):
    """The last output transform: keeps the whole answer to a URL that names one content for
    good (``hot_version``) as its client received it, headers and (brotli) body."""

    def __init__(self, request):
        self._version = hot_version(request) if (
            request.method == "GET" and "Range" not in request.headers
            and "br" in request.headers.get("Accept-Encoding", "")) else None
        self._path, self._pieces, self._headers = request.path, None, None

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self._version is not None and status_code == 200 and self._path not in COMPRESSED.fixed:
            self._pieces, self._headers = [], headers
        return status_code, headers, self.transform_chunk(chunk, finishing)

    def transform_chunk(self, chunk, finishing):
        if self._pieces is not None:
            self._pieces.append(chunk)
            if finishing:
                COMPRESSED.keep_hot(self._path, self._version, self._headers, b"".join(self._pieces))
                self._pieces = None
        return chunk


def serve_hot(app: Application):
    """The tornado target for HotFiles: the kept answer written straight to the connection,
    without a RequestHandler or the output transforms (its headers are theirs already). In a
    crowd the server answers about a hundred of these per visitor: most of its requests
    (benchmarks/bench_load.py)."""
    hooks = app.settings.setdefault("clinic_request_hooks", [])  # e.g. kernels/handler.py activity

    def answer(request, hot: HotFile) -> None:
        for hook in hooks:
            hook(request)
        headers = HTTPHeaders(hot.headers)
        headers["Date"] = format_timestamp(time.time())
        if _etag_matches(request.headers.get("If-None-Match", ""), hot.etag):
            for name in ("Content-Length", "Content-Encoding", "Content-Type"):
                headers.pop(name, None)
            request.connection.write_headers(ResponseStartLine("HTTP/1.1", 304, "Not Modified"), headers)
        else:
            request.connection.write_headers(ResponseStartLine("HTTP/1.1", 200, "OK"), headers, hot.body)
        request.connection.finish()

    return answer


def _etag_matches(asked: str, etag: str) -> bool:
    if not asked:
        return False
    asked = asked.strip()
    return asked == "*" or etag.strip('"') in {t.strip().removeprefix("W/").strip('"') for t in asked.split(",")}


def hot_files(app: Application, voila_app) -> None:
    patches.add_rule_first(app, HotFiles(), serve_hot(app))
    app.transforms.append(HotRecorder)  # last: the headers and body as the client gets them
