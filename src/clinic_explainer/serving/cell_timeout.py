"""How long a cell may run: 60 s, except the cell where a preheated kernel waits for its visitor.

A preheated kernel runs a page's first cell (``pages.header(...)``) and, inside it,
waits in ``request.asked_locale`` until Voila hands it a visitor's request (``?lang=``).
That wait lasts as long as the kernel sits in the pool, so a fixed limit on it breaks
every pooled page older than the limit (seen in the full test run: pages opened from a
pool kernel more than 60 s old showed the timeout message). Every other cell is stopped
after ``CELL_TIMEOUT`` seconds, so a stuck cell cannot hold a visitor's page for ever.
"""

from __future__ import annotations

CELL_TIMEOUT = 60
# the first cell of every notebook: it loads the content, so it is where the language is read
WAITS_FOR_VISITOR = "pages.header("


def cell_timeout(cell) -> int | None:
    """nbclient's ``timeout_func``: seconds the cell may run, None for no limit."""
    return None if WAITS_FOR_VISITOR in cell.get("source", "") else CELL_TIMEOUT
