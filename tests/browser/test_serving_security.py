"""Security headers, privacy and error pages of the session's Voila server (serving/http/security.py)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from clinic_explainer.serving.http.security import script_hashes

pytestmark = pytest.mark.browser
EXPLAINER = "voila/render/patient_explainer.ipynb"


def fetch(url: str) -> tuple[int, dict, str]:
    req = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def test_page_headers_allow_nothing_from_elsewhere_and_no_identity_cookie(voila_url):
    status, headers, html = fetch(voila_url + EXPLAINER)
    assert status == 200
    csp = directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and "report-uri" not in csp
    for sources in csp.values():
        assert not any(s.startswith(("http", "*")) or s in ("https:", "http:") for s in sources), sources
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    # every inline script the page runs is hashed in the header (Voila's lab template also
    # writes voila_process(i, n) progress calls, which only update the loading text)
    page = re.sub(r"<script>\s*voila_process\(\d+, \d+\)\s*</script>", "", html)
    assert set(script_hashes(page.encode())) <= set(csp["script-src"])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert not any(c.startswith("username-") for c in headers.get_all("Set-Cookie") or [])


def test_error_pages_are_branded_offline_and_traversal_is_a_clean_404(voila_url, voila_log, content):
    paths = ["no-such-page", "voila/render/nope.ipynb", "voila/templates/../../etc/passwd",
             "voila/templates/%2e%2e/%2e%2e/etc/passwd", "voila/templates/clinic/static/..%2f..%2fconf.json",
             "voila/templates/..%2f..%2fetc%2fpasswd"]
    # only what these requests wrote: the session's server also logs other tests' kernels
    # (a kernel shut down mid-message prints ipykernel's own ZMQ traceback)
    start = voila_log.stat().st_size
    for path in paths:
        # http.client keeps the dots as sent (no normalisation), like a hand-made request
        status, headers, html = fetch(voila_url + path)
        assert status == 404, path
        assert content.clinic.name in html and content.clinic.phone in html, path
        assert not re.search(r"(src|href)=\"https?://", html), path  # no CDN (Font Awesome)
        assert "Traceback" not in html and "root:" not in html
    deadline, written = time.monotonic() + 10, ""
    while "404 GET /voila/templates/..%2f..%2fetc%2fpasswd" not in written and time.monotonic() < deadline:
        time.sleep(0.2)  # the server writes its log lines a moment after answering
        with voila_log.open("rb") as log:
            log.seek(start)
            written = log.read().decode(errors="replace")
    assert "404 GET /voila/templates/..%2f..%2fetc%2fpasswd" in written  # the log these requests reached
    assert "Traceback" not in written


def test_the_explainer_runs_under_the_policy_without_violations(phone_page, voila_url):
    from .conftest import open_app

    violations = []
    phone_page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    open_app(phone_page, voila_url, "patient_explainer.ipynb")
    phone_page.wait_for_selector(".jupyter-widgets", timeout=60_000)  # the widget client has booted
    assert violations == []
