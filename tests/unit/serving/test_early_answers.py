"""The early tools' answers (serving/http/early.py): what a date, ticks and the download buttons
give before the widget client, over real HTTP on loopback, and what anything else gets."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application

from clinic_explainer import content as content_mod
from clinic_explainer.models.candidacy import CandidacyExplorer
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.serving.http import early
from clinic_explainer.takehome import answers


class _Watch:
    def __init__(self, contents):
        self.contents = contents
        self.good = contents["en"]

    def good_for(self, lang):
        return self.contents.get(lang, self.good)


@pytest.fixture(scope="module")
def contents():
    return {lang: content_mod.load(locale=lang) for lang in ("en", "es")}


def post(contents, tool: str, body, headers: dict | None = None) -> tuple[int, dict]:
    """POST ``body`` (JSON, or bytes as they are) to a real server with the early answers' route."""
    async def go():
        app = Application()
        app.settings["clinic_gate"] = SimpleNamespace(watch=_Watch(contents))
        early.early_answers(app, SimpleNamespace(base_url="/"))
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(app)
        server.add_sockets(sockets)
        port = sockets[0].getsockname()[1]
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            r = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/clinic-early/{tool}", method="POST",
                                              body=data, headers=headers or {}, raise_error=False)
            return r.code, json.loads(r.body) if r.body.startswith(b"{") else {}
        finally:
            server.stop()
    # a loop of its own in a thread: the browser tests' Playwright may hold this thread's loop
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(timeout=120)


def _now(c):
    return datetime.now(ZoneInfo(c.clinic.timezone))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_date_gives_the_same_day_dates_and_stop_as_the_live_widget(contents, lang):
    c = contents[lang]
    day = (_now(c) - timedelta(days=3)).date().isoformat()
    code, reply = post(contents, "timeline", {"lang": lang, "do": "show", "date": day, "time": ""})
    assert code == 200 and reply["personal"] and reply["calendar"]
    model = RecoveryTimeline(c)
    treated, problem = answers.read_date(day, "", ZoneInfo(c.clinic.timezone))
    live = answers.date_answer(model, c, treated, problem, _now(c))
    assert reply["status"] == live.status and reply["dates"] == live.dates
    assert c.text(c.ui.timeline.day_now, n=3, label=model.at(72).phase.label) in reply["status"]
    stops = model.stops()
    assert stops[reply["index"]] <= live.hours < (stops[reply["index"] + 1] if reply["index"] + 1 < len(stops) else 1e9)


def test_dates_not_taken_get_their_words_and_no_downloads(contents):
    c = contents["en"]
    t = c.ui.timeline
    for day, words in (("", t.date_empty), ("2026-02-30", t.date_invalid), ("not a day", t.date_invalid),
                       ("1999-01-01", t.date_too_old)):
        code, reply = post(contents, "timeline", {"lang": "en", "do": "show", "date": day})
        assert code == 200 and not reply["personal"] and reply["index"] == 0, day
        assert words in reply["dates"] and reply["status"] == ""
        code, reply = post(contents, "timeline", {"lang": "en", "do": "calendar", "date": day})
        assert t.calendar_needs_date in reply["file"] and "href" not in reply["file"]
    eight_months = (_now(c) - timedelta(days=240)).date().isoformat()
    code, reply = post(contents, "timeline", {"lang": "en", "do": "show", "date": eight_months})
    assert reply["personal"] and not reply["calendar"]
    assert answers.no_reminders_words(RecoveryTimeline(c), c) in reply["dates"]


def test_the_files_are_the_live_widgets_files(contents):
    c = contents["es"]
    day = (_now(c) - timedelta(days=1)).date().isoformat()
    _, ics = post(contents, "timeline", {"lang": "es", "do": "calendar", "date": day, "time": "10:30"})
    data = base64.b64decode(re.search(r'href="data:text/calendar;base64,([^"]+)"', ics["file"]).group(1))
    assert data.startswith(b"BEGIN:VCALENDAR") and c.ui.timeline.calendar_ready in ics["file"]
    _, pdf = post(contents, "timeline", {"lang": "es", "do": "handout", "date": day})
    assert base64.b64decode(re.search(r'base64,([^"]+)"', pdf["file"]).group(1)).startswith(b"%PDF")
    _, listed = post(contents, "candidacy", {"lang": "es", "do": "list", "page": "explainer",
                                             "concerns": ["acne-scars"], "notes": "¿Maquillaje?"})
    assert base64.b64decode(re.search(r'base64,([^"]+)"', listed["file"]).group(1)).startswith(b"%PDF")


def test_ticks_give_the_live_widgets_guidance(contents):
    c = contents["en"]
    q = c.candidacy.contraindications[0].id
    body = {"lang": "en", "do": "show", "page": "explainer", "concerns": [c.candidacy.concerns[0].id],
            "areas": [c.candidacy.areas[0].id], "replies": {q: "not-sure"}}
    code, reply = post(contents, "candidacy", body)
    model = CandidacyExplorer(c, page_id="explainer")
    model.set_concern(c.candidacy.concerns[0].id, True)
    model.set_area(c.candidacy.areas[0].id, True)
    model.answer(q, "not-sure")
    assert code == 200 and reply["result"] == answers.guidance_html(model.guidance(), c, model)


def test_too_long_own_questions_get_words_not_a_file(contents):
    c = contents["en"]
    code, reply = post(contents, "candidacy", {"lang": "en", "do": "list", "page": "explainer", "notes": "x" * 2001})
    assert code == 200 and "file" not in reply
    assert answers.limit_words(c.ui.candidacy.own_questions_too_long, c) in reply["message"]


@pytest.mark.parametrize("tool,body", [
    ("timeline", b"not json"), ("timeline", b"[1, 2]"), ("timeline", {"do": "drop tables"}),
    ("timeline", {"do": "show", "date": ["2026-12-01"]}), ("timeline", {"lang": 5, "do": "show"}),
    ("candidacy", {"do": "show", "page": "../../etc"}), ("candidacy", {"do": "show", "concerns": ["nope"]}),
    ("candidacy", {"do": "show", "concerns": [["x"]]}), ("candidacy", {"do": "show", "replies": {"x": "yes"}}),
    ("candidacy", {"do": "show", "replies": {"accutane": "maybe"}}), ("candidacy", {"do": "list", "notes": 7}),
])
def test_anything_else_gets_the_generic_words_and_no_value_is_logged(contents, tool, body, caplog):
    caplog.set_level(logging.INFO)
    code, reply = post(contents, tool, body)
    assert code == 400 and contents["en"].ui.error_generic in reply["message"]
    assert "drop tables" not in caplog.text and "etc" not in caplog.text


def test_a_browsers_cross_site_request_is_refused(contents):
    code, _ = post(contents, "timeline", {"lang": "en", "do": "show", "date": "2026-12-01"},
                   headers={"Sec-Fetch-Site": "cross-site"})
    assert code == 403


def test_files_past_the_queue_get_the_budget_words_at_once(contents, monkeypatch):
    monkeypatch.setattr(early.EarlyAnswer, "waiting_files", early.MAX_WAITING_FILES)
    c = contents["en"]
    day = (_now(c) - timedelta(days=1)).date().isoformat()
    _, reply = post(contents, "timeline", {"lang": "en", "do": "handout", "date": day})
    assert c.ui.download_too_slow in reply["file"] and "href" not in reply["file"]


def test_a_cleared_date_gets_its_own_words(contents):
    t = contents["en"].ui.timeline
    _, reply = post(contents, "timeline", {"lang": "en", "do": "show", "date": "", "had": True})
    assert t.date_cleared in reply["dates"] and not reply["personal"]
    _, reply = post(contents, "timeline", {"lang": "en", "do": "show", "date": "", "had": "yes"})
    assert t.date_empty in reply["dates"]
