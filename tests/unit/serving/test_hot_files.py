"""Hot files (serving/http/caching.py): a file whose URL names one content for good is kept
whole once sent, then answered from memory; a made-up version never takes a file's place."""

from __future__ import annotations

import hashlib

import brotli
import pytest
from tornado.testing import AsyncHTTPTestCase
from tornado.web import Application, StaticFileHandler

from clinic_explainer.serving.http.caching import COMPRESSED, cache_lifetimes, hot_files
from clinic_explainer.serving.http.compression import compress

BR = {"Accept-Encoding": "gzip, deflate, br"}


class HotFilesTest(AsyncHTTPTestCase):
    @pytest.fixture(autouse=True)
    def _files(self, tmp_path):
        self.folder = tmp_path
        self.js = tmp_path / "app.js"
        self.js.write_text("console.log('first version');\n" * 200)
        COMPRESSED.fixed.clear()
        COMPRESSED.fixed_size = 0
        yield
        COMPRESSED.fixed.clear()
        COMPRESSED.fixed_size = 0

    def get_app(self):
        # (tornado keeps a file's version, its ETag, until restart: not here, where files change)
        app = Application([(r"/static/(.*)", StaticFileHandler, {"path": str(self.folder)})],
                          static_hash_cache=False)
        for hook in (compress, cache_lifetimes, hot_files):
            hook(app, None)
        return app

    def fetch(self, path, **kwargs):  # as sent: tornado's client would ask for gzip only
        return super().fetch(path, decompress_response=False, **kwargs)

    def url(self, version: str) -> str:
        return f"/static/app.js?v={version}"

    def version(self) -> str:
        return hashlib.sha512(self.js.read_bytes()).hexdigest()

    def test_kept_once_sent_then_answered_from_memory(self):
        first = self.version()
        sent = self.fetch(self.url(first), headers=BR)
        assert sent.code == 200 and sent.headers["Content-Encoding"] == "br"
        assert "/static/app.js" in COMPRESSED.fixed
        self.js.write_text("console.log('second version');\n" * 200)  # the disk changes: memory answers
        again = self.fetch(self.url(first), headers=BR)
        assert again.code == 200 and brotli.decompress(again.body).startswith(b"console.log('first")
        assert again.headers["Content-Length"] == str(len(again.body))
        assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert again.headers["Etag"] == sent.headers["Etag"] and "Date" in again.headers
        # revalidation
        same = self.fetch(self.url(first), headers={**BR, "If-None-Match": again.headers["Etag"]})
        assert same.code == 304 and same.body == b""
        # the new version's URL is not the kept one: the file from disk
        new = self.fetch(self.url(self.version()), headers=BR)
        assert new.code == 200 and brotli.decompress(new.body).startswith(b"console.log('second")
        # a client without brotli, or asking for a range, gets the normal route (the disk)
        plain = self.fetch(self.url(first), headers={"Accept-Encoding": "identity"})
        assert plain.body.startswith(b"console.log('second")
        part = self.fetch(self.url(first), headers={**BR, "Range": "bytes=0-6"})
        assert part.code == 206 and brotli.decompress(part.body) == b"console"

    def test_a_made_up_version_is_never_kept(self):
        made_up = "0" * 128
        answer = self.fetch(self.url(made_up), headers=BR)
        assert answer.code == 200 and "/static/app.js" not in COMPRESSED.fixed
        assert self.fetch(self.url("1" * 64), headers=BR).code == 200  # not tornado's kind of version
        assert "/static/app.js" not in COMPRESSED.fixed
        real = self.version()
        self.fetch(self.url(real), headers=BR)
        assert COMPRESSED.fixed["/static/app.js"].version == real
        self.js.write_text("changed\n")
        # the made-up URL is not answered from memory either
        assert self.fetch(self.url(made_up), headers={"Accept-Encoding": "identity"}).body == b"changed\n"
        kept = self.fetch(self.url(real), headers=BR)
        assert brotli.decompress(kept.body).startswith(b"console.log('first")
