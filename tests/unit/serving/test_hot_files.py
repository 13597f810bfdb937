"""Hot files (serving/http/caching.py): a file whose URL names one content for good is kept
whole once sent, then answered from memory; a made-up version never takes a file's place."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
import time
import urllib.error
import urllib.request

import brotli
import pytest
from tornado.httpserver import HTTPServer
from tornado.web import Application, StaticFileHandler

from clinic_explainer.serving.http.caching import COMPRESSED, cache_lifetimes, hot_files
from clinic_explainer.serving.http.compression import compress

BR = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def server(tmp_path):
    """A tornado application with our compression, cache lifetimes and hot files, serving
    ``tmp_path`` on a loopback port from a thread of its own (its own event loop)."""
    COMPRESSED.fixed.clear()
    COMPRESSED.fixed_size = 0
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run():
        asyncio.set_event_loop(loop)
        # (tornado keeps a file's version, its ETag, until restart: not here, where files change)
        app = Application([(r"/static/(.*)", StaticFileHandler, {"path": str(tmp_path)})], static_hash_cache=False)
        for hook in (compress, cache_lifetimes, hot_files):
            hook(app, None)
        HTTPServer(app).add_sockets([sock])
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", tmp_path / "app.js"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    COMPRESSED.fixed.clear()
    COMPRESSED.fixed_size = 0


def get(url: str, headers: dict) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, dict(answer.headers), answer.read()


def kept(path: str = "/static/app.js"):
    """The hot file of ``path``: kept when the server's last flush of the answer ran (the
    client may have its whole body a moment before), or None."""
    deadline = time.monotonic() + 5
    while path not in COMPRESSED.fixed and time.monotonic() < deadline:
        time.sleep(0.02)
    return COMPRESSED.fixed.get(path)


def version(js) -> str:
    return hashlib.sha512(js.read_bytes()).hexdigest()


def test_kept_once_sent_then_answered_from_memory(server):
    base, js = server
    js.write_text("console.log('first version');\n" * 200)
    first = version(js)
    url = f"{base}/static/app.js?v={first}"
    code, sent, _ = get(url, BR)
    assert code == 200 and sent["Content-Encoding"] == "br" and kept() is not None
    js.write_text("console.log('second version');\n" * 200)  # the disk changes: memory answers
    code, again, body = get(url, BR)
    assert code == 200 and brotli.decompress(body).startswith(b"console.log('first")
    assert again["Content-Length"] == str(len(body)) and "Date" in again
    assert again["Cache-Control"] == "public, max-age=31536000, immutable" and again["Etag"] == sent["Etag"]
    code, _, body = get(url, {**BR, "If-None-Match": again["Etag"]})  # revalidation
    assert code == 304 and body == b""
    # the new version's URL is not the kept one: the file from disk
    code, _, body = get(f"{base}/static/app.js?v={version(js)}", BR)
    assert code == 200 and brotli.decompress(body).startswith(b"console.log('second")
    # a client without brotli, or asking for a range, gets the normal route (the disk)
    assert get(url, {"Accept-Encoding": "identity"})[2].startswith(b"console.log('second")
    code, _, body = get(url, {**BR, "Range": "bytes=0-6"})
    assert code == 206 and brotli.decompress(body) == b"console"


def test_a_made_up_version_is_never_kept(server):
    base, js = server
    js.write_text("console.log('first version');\n" * 200)
    made_up = f"{base}/static/app.js?v={'0' * 128}"
    assert get(made_up, BR)[0] == 200
    assert get(f"{base}/static/app.js?v={'1' * 64}", BR)[0] == 200  # not tornado's kind of version
    time.sleep(0.3)  # (the answers' last flushes)
    assert "/static/app.js" not in COMPRESSED.fixed
    real = version(js)
    get(f"{base}/static/app.js?v={real}", BR)
    assert kept().version == real
    js.write_text("changed\n")
    # the made-up URL is not answered from memory; the real one is
    assert get(made_up, {"Accept-Encoding": "identity"})[2] == b"changed\n"
    assert brotli.decompress(get(f"{base}/static/app.js?v={real}", BR)[2]).startswith(b"console.log('first")
