"""Names and types of the files the download buttons offer, and the budget every download keeps.

Views import these when they load; the code that builds the files (handout/ with WeasyPrint,
matplotlib and the QR code; calendar.py's iCalendar) is imported only when a patient presses
a button, so a visit that never downloads does not pay for it in memory. (Jinja2 is loaded
anyway: every fragment of the page is a template, pages/render.py.)

**The budget** (issue 20). A file is built in the visitor's kernel on a click; ``within_budget``
runs the build with a time limit (``DOWNLOAD_MAX_SECONDS``: a real alarm on the kernel's main
thread, where ipykernel runs widget callbacks, so a runaway layout is stopped, not waited for)
and refuses a result larger than ``DOWNLOAD_MAX_BYTES`` (it would travel to the page inside a
widget's state). Either way it raises ``DownloadRefused``, whose ``words`` are the sentence the
patient reads instead of a link; nothing half-built is kept. Today's files take 0.2-0.7 s and
12-35 KB (settings.py), so a normal visit never comes near the budget.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from clinic_explainer.settings import DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_SECONDS

PDF_MIME = "application/pdf"
HANDOUT_FILENAME = "my-recovery-handout.pdf"
LIST_FILENAME = "my-appointment-list.pdf"


class DownloadRefused(Exception):
    """A download past its budget: ``reason`` is "slow" or "large" (never the file's content)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def words(self, content) -> str:
        """What the patient reads instead of the link, in the page's language."""
        ui = content.ui
        return ui.download_too_slow if self.reason == "slow" else ui.download_too_large


@contextmanager
def _alarm(seconds: float):
    """Raise DownloadRefused("slow") in this (main) thread after ``seconds``; other threads: no-op."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum, frame):
        raise DownloadRefused("slow")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def within_budget(build: Callable[[], bytes], seconds: float = DOWNLOAD_MAX_SECONDS,
                  max_bytes: int = DOWNLOAD_MAX_BYTES) -> bytes:
    """``build()``'s bytes, or DownloadRefused when it runs past ``seconds`` or ``max_bytes``.

    Off the main thread no alarm can interrupt the build; it is then refused afterwards if it
    took longer than the budget (its file is not offered)."""
    start = time.monotonic()
    with _alarm(seconds):
        data = build()
    if time.monotonic() - start > seconds:
        raise DownloadRefused("slow")
    if len(data) > max_bytes:
        raise DownloadRefused("large")
    return data
