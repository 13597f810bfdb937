"""The early tools' answers: what a page's date field, tick boxes and downloads give before the
widget client has arrived (issue 18; an application hook).

Over mobile data Voila's widget client takes many seconds to load. The server-rendered page
therefore carries plain forms for the timeline's own dates and for the candidacy explorer
(pages/templates/early.html.j2); early.js posts what the patient entered here, as JSON, and
shows the answer. The answer is built by the same functions the live widgets call
(takehome/answers.py), from the gate's last good content in the page's language, so the
words and the files are the same either way; when the live widget arrives it takes over only
a tool the patient has not used yet (textfirst.js).

    POST <base>clinic-early/timeline   {"lang", "do": "show"|"calendar"|"handout", "date", "time",
                                        "had": whether the page showed a date before}
    POST <base>clinic-early/candidacy  {"lang", "page", "do": "show"|"list", "concerns": [ids],
                                        "areas": [ids], "replies": {id: "yes"|"no"|"not-sure"}, "notes"}

Answers are JSON of HTML fragments. Nothing is stored and nothing the patient sent is logged
(the log names the step and the exception type only; tornado's access line has no body). The
answer depends only on what is sent, so a cross-site form gains nothing; a browser's
cross-site request is refused anyway. The files (a calendar file, a PDF) are built off the
event loop, one at a time, within the download budget; past a short queue the patient reads
the budget's words instead of waiting.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from tornado.web import HTTPError, RequestHandler

from clinic_explainer.models.candidacy import REPLIES, CandidacyExplorer
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.pages.urls import EARLY_ANSWERS
from clinic_explainer.settings import OWN_QUESTIONS_MAX_CHARS
from clinic_explainer.takehome import answers
from clinic_explainer.takehome.downloads import DownloadRefused

log = logging.getLogger(__name__)

FILES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clinic-early-file")
MAX_WAITING_FILES = 4  # more than this many files asked for at once: the "too slow" words at once


class EarlyAnswer(RequestHandler):
    """One tool's answer; ``tool`` is "timeline" or "candidacy" (the route's group)."""

    waiting_files = 0  # across the process: files asked for and not yet built

    def initialize(self, gate):
        self.gate = gate

    def prepare(self) -> None:
        # no token to check (the page holds no cookie a script can read): the answer depends
        # only on the request, and a browser's cross-site request is refused here
        if self.request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise HTTPError(403)

    def check_xsrf_cookie(self) -> None:
        """Nothing to check (prepare refuses a browser's cross-site request)."""

    def _fail(self, status: int = 400) -> None:
        """A request the page never sends: the generic words, in the clinic's language."""
        self.set_status(status)
        self.finish({"message": answers.message_html(self.gate.watch.good.ui.error_generic, warn=True)})

    async def post(self, tool: str):
        self.set_header("Cache-Control", "no-store")
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return self._fail()
        if not isinstance(body, dict) or not isinstance(body.get("lang", ""), str):
            return self._fail()
        c = self.gate.watch.good_for(body.get("lang") or None)
        step = f"{tool}.{body.get('do')}"
        try:
            if tool == "timeline":
                reply = await self._timeline(c, body)
            else:
                reply = await self._candidacy(c, body)
        except _Malformed:
            return self._fail()
        except Exception as exc:  # noqa: BLE001 - never a traceback to a patient; no values logged
            log.error("early answer %s failed (%s)", step if len(step) < 40 else tool, type(exc).__name__)
            return self._fail(500)
        self.finish(reply)

    # -- the timeline's own dates ----------------------------------------------------------
    async def _timeline(self, c, body: dict) -> dict:
        do, day, clock = body.get("do"), body.get("date", ""), body.get("time", "")
        if do not in ("show", "calendar", "handout") or not isinstance(day, str) or not isinstance(clock, str):
            raise _Malformed
        tz = ZoneInfo(c.clinic.timezone)
        now = datetime.now(tz)
        model = RecoveryTimeline(c)
        treated_at, problem = answers.read_date(day[:40], clock[:40], tz)
        if problem == "empty" and body.get("had") is True:  # the date the page showed was cleared
            problem = "cleared"
        answer = answers.date_answer(model, c, treated_at, problem, now)
        if do == "show":
            index = model.stops().index(model.nearest_stop(answer.hours))
            return {"status": answer.status, "dates": answer.dates, "index": index,
                    "personal": answer.treated_at is not None, "calendar": answer.calendar}
        if do == "calendar":
            build = lambda: answers.calendar_file_html(model, c, answer.treated_at, now)  # noqa: E731
        else:
            build = lambda: answers.handout_file_html(c, answer.treated_at, now)  # noqa: E731
        return {"file": await self._file(c, build)}

    # -- the candidacy explorer ------------------------------------------------------------
    async def _candidacy(self, c, body: dict) -> dict:
        do, page = body.get("do"), body.get("page", "candidacy")
        concerns, areas = body.get("concerns", []), body.get("areas", [])
        replies, notes = body.get("replies", {}), body.get("notes", "")
        pages = {p.id for p in c.series.pages}
        if (do not in ("show", "list") or page not in pages or not isinstance(notes, str)
                or not isinstance(concerns, list) or not isinstance(areas, list) or not isinstance(replies, dict)):
            raise _Malformed
        model = CandidacyExplorer(c, page_id=page)
        try:
            for item in concerns:
                model.set_concern(item, True)
            for item in areas:
                model.set_area(item, True)
            for question, reply in replies.items():
                if reply not in REPLIES:
                    raise _Malformed
                model.answer(question, reply)
        except (KeyError, TypeError):  # an id the content does not have
            raise _Malformed from None
        if do == "show":
            return {"result": answers.guidance_html(model.guidance(), c, model)}
        if len(notes) > OWN_QUESTIONS_MAX_CHARS:
            words = answers.limit_words(c.ui.candidacy.own_questions_too_long, c)
            return {"message": answers.message_html(words, warn=True)}
        return {"file": await self._file(c, lambda: answers.list_file_html(model, c, notes))}

    async def _file(self, c, build) -> str:
        """A file's "ready" link, built off the event loop, or the budget's words."""
        if EarlyAnswer.waiting_files >= MAX_WAITING_FILES:
            return answers.message_html(DownloadRefused("slow").words(c), warn=True)
        EarlyAnswer.waiting_files += 1
        try:
            return await IOLoop.current().run_in_executor(FILES, build)
        except DownloadRefused as refused:
            return answers.message_html(refused.words(c), warn=True)
        finally:
            EarlyAnswer.waiting_files -= 1


class _Malformed(Exception):
    """A request no page of ours sends."""


def early_answers(app, voila) -> None:
    """Application hook (after kernel_lifecycle, whose gate it reads): the early tools' route."""
    gate = app.settings["clinic_gate"]
    app.add_handlers(".*$", [
        (url_path_join(voila.base_url, EARLY_ANSWERS, "(timeline|candidacy)"), EarlyAnswer, {"gate": gate}),
    ])
