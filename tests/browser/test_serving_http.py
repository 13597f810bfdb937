"""The serving layer over plain HTTP, against the session's Voila server (no browser page)."""

import re
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def fetch(url: str, gzip: bool = True):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.headers, r.read()


def test_html_and_javascript_are_compressed_by_the_server_itself(voila_url):
    headers, body = fetch(voila_url + "voila/render/patient_explainer.ipynb")
    assert headers["Content-Encoding"] == "gzip"
    _, plain = fetch(voila_url + "voila/render/patient_explainer.ipynb", gzip=False)
    assert len(body) * 3 < len(plain), (len(body), len(plain))
    js = re.search(r'src="([^"]*voila\.js[^"]*)"', plain.decode()).group(1)
    headers, _ = fetch(voila_url.rstrip("/") + js)
    assert headers["Content-Encoding"] == "gzip"


def test_versioned_files_are_cached_for_good_and_the_page_is_not(voila_url):
    headers, body = fetch(voila_url + "voila/render/patient_explainer.ipynb", gzip=False)
    assert "immutable" not in (headers["Cache-Control"] or "")
    page = body.decode()
    main_js = re.search(r'src="([^"]*/voila/static/v[^"]*/voila\.js)"', page).group(1)
    css = re.search(r'href="([^"]*style\.css\?v=[^"]*)"', page).group(1)
    for url in (main_js, css):
        headers, _ = fetch(voila_url.rstrip("/") + url)
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", url
    # only the federated extensions the pages use
    assert "jupyterlab_pygments" not in page and "@jupyter-widgets/jupyterlab-manager" in page


def test_brotli_for_browsers_that_accept_it(voila_url):
    req = urllib.request.Request(voila_url + "voila/render/patient_explainer.ipynb",
                                 headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.headers["Content-Encoding"] == "br"
        import brotli
        assert b"ce-pre" in brotli.decompress(r.read())


def test_static_files_compressed_once_are_served_whole_every_time(voila_url):
    """The second brotli answer comes from the server's compressed-body cache (serving/http/caching.py):
    it must be the same file, with a Content-Length that matches, and a HEAD still works."""
    import brotli

    import sys
    from pathlib import Path

    from clinic_explainer.serving.http.caching import STATIC_PREFIX

    # the widget client's largest chunk: many chunks of tornado's static handler (64 KB each)
    static = Path(sys.prefix) / "share/jupyter/voila/templates/base/static"
    biggest = max(static.glob("*.voila.js"), key=lambda p: p.stat().st_size)
    js = f"{voila_url}{STATIC_PREFIX}/{biggest.name}"
    _, plain = fetch(js, gzip=False)
    assert len(plain) > 4 * 64 * 1024
    bodies, bodies_headers = [], []
    for i in range(3):
        req = urllib.request.Request(js, headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
            assert r.headers["Content-Encoding"] == "br"
            if i:  # a known body has a length; the first answer (compressed as it streams) had none
                assert int(r.headers["Content-Length"]) == len(body)
            bodies.append(body)
            bodies_headers.append(r.headers)
    assert all(brotli.decompress(b) == plain for b in bodies)
    # from the second on, straight from memory (http/caching.py HotFileHandler): same headers as the first
    first, hot = bodies_headers[0], bodies_headers[2]
    for name in ("Content-Type", "Etag", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options"):
        assert hot[name] == first[name], name
    req = urllib.request.Request(js, headers={"Accept-Encoding": "br", "If-None-Match": hot["Etag"]})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(req, timeout=60)
    not_modified.value.close()
    assert not_modified.value.code == 304
    assert bodies[1] == bodies[2] and len(bodies[1]) < len(plain) / 2
    head = urllib.request.Request(js, headers={"Accept-Encoding": "br"}, method="HEAD")
    with urllib.request.urlopen(head, timeout=60) as r:
        assert r.status == 200 and r.read() == b""


def test_the_compressed_body_cache_keeps_within_its_size():
    from clinic_explainer.serving.http.caching import CompressedBodies

    cache = CompressedBodies(max_bytes=100)
    for i in range(10):
        cache.put((f"/f{i}", "etag"), b"x" * 20)
    assert cache.size <= 100 and cache.get(("/f0", "etag")) is None and cache.get(("/f9", "etag")) == b"x" * 20
    cache.put(("/big", "e"), b"x" * 60)  # over a quarter of the whole: never kept
    assert cache.get(("/big", "e")) is None
