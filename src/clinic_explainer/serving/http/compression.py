"""Compression: brotli (then gzip) for pages and files, permessage-deflate on the kernel websocket.

Voila builds its tornado application before it applies ``tornado_settings``, too late for
``compress_response``: the ``compress`` hook adds the transforms that setting would have added,
with brotli first for the browsers that accept it. A response with an ETag is compressed once
(http/caching.py ``COMPRESSED``) and then served from memory; a file whose URL names one
content for good is then answered whole from memory (http/caching.py, hot files).
"""

from __future__ import annotations

from tornado.web import Application, GZipContentEncoding, OutputTransform

from clinic_explainer.serving import patches
from clinic_explainer.serving.http.caching import COMPRESSED

try:  # brotli (pyproject) compresses JS about a fifth smaller than gzip; gzip is the fallback
    import brotli
except ImportError:  # pragma: no cover - e.g. a conda environment without brotli-python
    brotli = None

# the widget state a page receives (JSON, about 150 KB for the explainer) shrinks several times
WEBSOCKET_DEFLATE = {"compression_level": 6, "mem_level": 5}


class BrotliContentEncoding(OutputTransform):
    """Brotli for clients that accept it ("br"), on the same content types as tornado's gzip.

    Streams: each flushed chunk (Voila sends a page cell by cell) is flushed compressed.
    A response with an ETag is compressed once and then served from ``COMPRESSED``.
    """

    QUALITY = 5  # fast enough per request; the long cache lifetimes make repeats free anyway

    def __init__(self, request):
        self._br = brotli is not None and "br" in request.headers.get("Accept-Encoding", "")
        self._path, self._get = request.path, request.method == "GET"
        self._key = self._cached = self._pieces = None

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
        return out


def compress(app: Application, voila) -> None:
    """brotli or gzip for HTML, JS, CSS, JSON and SVG responses of 1 KB and more."""
    for transform in (GZipContentEncoding, BrotliContentEncoding):  # brotli ends up first
        if transform not in app.transforms:
            app.transforms.insert(0, transform)


def compress_websocket(app: Application, voila_app) -> None:
    """permessage-deflate on the kernel websocket (jupyter_server offers none by default)."""
    patches.deflate_kernel_websocket(WEBSOCKET_DEFLATE)
