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
