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
