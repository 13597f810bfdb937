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

import re
from urllib.parse import parse_qs

import voila
from jupyter_server.utils import url_path_join
from tornado.routing import HostMatches, Matcher, Rule
from tornado.web import Application, GZipContentEncoding, OutputTransform, RequestHandler, _ApplicationRouter
from voila.static_file_handler import MultiStaticFileHandler

try:  # brotli (pyproject) compresses JS about a fifth smaller than gzip; gzip is the fallback
    import brotli
except ImportError:  # pragma: no cover - e.g. a conda environment without brotli-python
    brotli = None

from clinic_explainer.serving.kernels import kernel_lifecycle
from clinic_explainer.serving.notice_page import add_routes
from clinic_explainer.serving.security import secure
from clinic_explainer.serving.ws_guard import guard_application

Hook = Callable[[Application, object], None]


class CompressedBodies:
    """Brotli bodies of responses that carry an ETag (static files: the widget client is about
    a hundred of them), by path and ETag, so each is compressed once, not once per visitor.

    Compressing them was about a quarter of the server's CPU time when twenty patients opened
    the explainer at once (benchmarks/bench_load.py). An ETag names one content, so an entry
    never goes stale; the least recently used go when the total passes ``max_bytes``.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        from collections import OrderedDict

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


class BrotliContentEncoding(OutputTransform):
    """Brotli for clients that accept it ("br"), on the same content types as tornado's gzip.

    Streams: each flushed chunk (Voila sends a page cell by cell) is flushed compressed.
    A response with an ETag is compressed once and then served from ``COMPRESSED``.
    """

    QUALITY = 5  # fast enough per request; the long cache lifetimes make repeats free anyway

    def __init__(self, request):
        self._br = brotli is not None and "br" in request.headers.get("Accept-Encoding", "")
        self._path, self._get = request.path, request.method == "GET"
        self._key = self._cached = self._pieces = self._type = None

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self._br:
            ctype = str(headers.get("Content-Type", "")).split(";")[0]
            self._br = ((ctype.startswith("text/") or ctype in GZipContentEncoding.CONTENT_TYPES)
                        and (not finishing or len(chunk) >= GZipContentEncoding.MIN_LENGTH)
                        and "Content-Encoding" not in headers)
        if self._br:
            headers["Content-Encoding"] = "br"  # the gzip transform after this one then stands aside
            etag = headers.get("Etag")
            if etag and status_code == 200 and self._get:
                self._key = (self._path, etag)
                self._cached = COMPRESSED.get(self._key)
            if self._cached is not None:  # the handler's chunks are dropped: the body is known
                headers["Content-Length"] = str(len(self._cached))
                chunk, self._cached = self._cached, b""
                return status_code, headers, chunk
            self._pieces = [] if self._key else None
            self._type = str(headers.get("Content-Type", ""))
            self._compressor = brotli.Compressor(quality=self.QUALITY)
            chunk = self.transform_chunk(chunk, finishing)
            if "Content-Length" in headers:
                if finishing:
                    headers["Content-Length"] = str(len(chunk))
                else:
                    del headers["Content-Length"]
        return status_code, headers, chunk

    def transform_chunk(self, chunk, finishing):
        if not self._br:
            return chunk
        if self._cached is not None:
            return b""
        out = self._compressor.process(chunk) + (self._compressor.finish() if finishing else self._compressor.flush())
        if self._pieces is not None:
            self._pieces.append(out)
            if finishing:
                body = b"".join(self._pieces)
                COMPRESSED.put(self._key, body)
                if is_fixed(self._path) and len(COMPRESSED.fixed) < 1000:
                    COMPRESSED.fixed[self._path] = (self._key[1], self._type, body)
        return out


def compress(app: Application, voila) -> None:
    """brotli or gzip for HTML, JS, CSS, JSON and SVG responses of 1 KB and more.

    What ``compress_response=True`` would do (gzip) had it been set when the application was
    built, with brotli first for the browsers that accept it.
    """
    for transform in (GZipContentEncoding, BrotliContentEncoding):  # brotli ends up first
        if transform not in app.transforms:
            app.transforms.insert(0, transform)


# --- cache lifetimes ---------------------------------------------------------------------

IMMUTABLE = "public, max-age=31536000, immutable"
# Voila's own chunks (voila.js, 7155.voila.js, fonts) have no version in their names: the
# page asks for them under this versioned prefix instead (page_config below), which the
# versioned_voila_static hook serves, so they can be cached for good.
STATIC_PREFIX = f"voila/static/v{voila.__version__}"
_HASHED_NAME = re.compile(r"[./][0-9a-f]{16,}\.(js|css|woff2?|ttf|eot|svg)$")


def is_versioned(request) -> bool:
    """Whether the URL names one version of a file: ?v=<hash>, a hashed name, the prefix."""
    return ("v" in parse_qs(request.query) or f"/{STATIC_PREFIX}/" in request.path
            or _HASHED_NAME.search(request.path) is not None)


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


def is_fixed(path: str) -> bool:
    """Whether a URL path alone names one content for good: Voila's chunks under the
    versioned prefix and files with a content hash in their name (not ``?v=`` files: their
    path stays when the file changes)."""
    return f"/{STATIC_PREFIX}/" in path or _HASHED_NAME.search(path) is not None


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
    app.default_router.rules.insert(0, Rule(HotFiles(), HotFileHandler))


def add_handlers_first(app: Application, handlers: list) -> None:
    """Like ``app.add_handlers`` but matched before Voila's own routes (whose catch-alls,
    e.g. /voila/static/(.*), would otherwise take the request)."""
    app.default_router.rules.insert(0, Rule(HostMatches(".*$"), _ApplicationRouter(app, handlers)))


def versioned_voila_static(app: Application, voila_app) -> None:
    """Voila's static files also under STATIC_PREFIX (see page_config)."""
    add_handlers_first(app, [(url_path_join(voila_app.base_url, STATIC_PREFIX, "(.*)"), MultiStaticFileHandler,
                              {"paths": voila_app.static_paths, "default_filename": "index.html"})])


def page_config(page_config, base_url, settings, log, voila_configuration, notebook_path=None):
    """VoilaConfiguration.page_config_hook (config/voila.py): the widget client loads its
    chunks from the versioned prefix (webpack's public path is fullStaticUrl)."""
    page_config["fullStaticUrl"] = url_path_join(base_url, STATIC_PREFIX)
    return page_config


def _deflate_options(self):
    return {"compression_level": 6, "mem_level": 5}


def compress_websocket(app: Application, voila_app) -> None:
    """permessage-deflate on the kernel websocket: the widget state a page receives (JSON,
    about 150 KB for the explainer) shrinks several times. jupyter_server offers none by default.
    Set on Voila's handler class, so the frame guard's subclass (ws_guard.py) inherits it;
    tornado still caps the inflated message at websocket_max_message_size."""
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    VoilaKernelWebsocketHandler.get_compression_options = _deflate_options


class ColoursHandler(RequestHandler):
    """The clinic's colours (content/clinic.yml) as CSS variables: a file, not an inline style."""

    def get(self):
        from clinic_explainer import content as content_mod
        col = content_mod.load().clinic.colours
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")  # revalidated (ETag): an edited colour shows at once
        self.write(f":root{{--ce-primary:{col.primary};--ce-accent:{col.accent};--ce-background:{col.background};}}\n")


def clinic_assets(app: Application, voila) -> None:
    """Files made from content/ that the clinic template links (clinic/colours.css)."""
    app.add_handlers(".*$", [(url_path_join(voila.base_url, r"/clinic/colours.css"), ColoursHandler)])


class SharedTemplateCode:
    """Compiled page templates shared by every page's exporter (a jinja2 bytecode cache in memory).

    Voila builds a new nbconvert exporter, with a new jinja environment, for every page it
    renders (and every kernel it preheats), and compiled the same templates again each time:
    about a tenth of the server's CPU time in a crowd. Entries are keyed by template file and
    checked against its source, so an edited template is compiled again.
    """

    def __init__(self):
        from jinja2 import BytecodeCache

        class Memory(BytecodeCache):
            def __init__(self):
                self.code: dict[str, bytes] = {}

            def load_bytecode(self, bucket):
                if bucket.key in self.code:
                    bucket.bytecode_from_string(self.code[bucket.key])

            def dump_bytecode(self, bucket):
                self.code[bucket.key] = bucket.bytecode_to_string()

        self.cache = Memory()

    def __call__(self, app: Application, voila_app) -> None:
        from voila.exporter import VoilaExporter

        if getattr(VoilaExporter, "_clinic_shared_code", None) is self.cache:
            return
        create = VoilaExporter._create_environment
        cache = self.cache

        def create_environment(exporter):
            environment = create(exporter)
            environment.bytecode_cache = cache
            return environment

        VoilaExporter._create_environment = create_environment
        VoilaExporter._clinic_shared_code = cache


shared_template_code = SharedTemplateCode()


def light_activity_watch(app: Application, voila_app) -> None:
    """jupyter_server notes each kernel's activity (for culling) from every message the kernel
    publishes by verifying and fully decoding it, dates included: in a crowd that was a sixth
    of the server's CPU time. The same bookkeeping from the two small JSON frames it needs."""
    from jupyter_client.session import Session
    from jupyter_server._tz import utcnow

    km = voila_app.kernel_manager

    def start_watching_activity(kernel_id):
        kernel = km._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        session = Session(config=kernel.session.config, key=kernel.session.key)

        def record_activity(msg_list):
            _idents, parts = session.feed_identities(msg_list, copy=True)
            # parts: signature, header, parent header, metadata, content, buffers
            header, parent = session.unpack(parts[1]), session.unpack(parts[2])
            msg_type, parent_type = header.get("msg_type"), (parent or {}).get("msg_type")
            if km.track_message_type(msg_type) or km.track_message_type(parent_type) \
                    or kernel.execution_state == "busy":
                km.last_kernel_activity = kernel.last_activity = utcnow()
            if msg_type == "status":
                state = session.unpack(parts[4]).get("execution_state")
                if km.track_message_type(parent_type):
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"  # as jupyter_server does

        kernel._activity_stream.on_recv(record_activity)

    km.start_watching_activity = start_watching_activity


APPLICATION_HOOKS: list[Hook] = [
    shared_template_code,
    light_activity_watch,
    compress,
    compress_websocket,
    cache_lifetimes,
    versioned_voila_static,
    hot_files,
    guard_application,  # ws_guard.py: crafted websocket frames rejected before they are parsed
    kernel_lifecycle,   # kernels.py: admission cap, busy page, kernels freed when pages close
    add_routes,         # notice_page.py: static files and words of the kernel notices
    clinic_assets,
    secure,             # security.py: CSP and other headers, no identity cookie, branded error pages
]


def apply(app: Application, voila) -> None:
    for hook in APPLICATION_HOOKS:
        hook(app, voila)
