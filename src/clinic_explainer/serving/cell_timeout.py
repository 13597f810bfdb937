"""How long a cell may run: 60 s, except the cell where a preheated kernel waits for its visitor.

A preheated kernel runs a page's first cell (``page = open_page(...)``) and, inside it,
waits in ``session.asked_locale`` until Voila hands it a visitor's request (``?lang=``).
That wait lasts as long as the kernel sits in the pool, so a fixed limit on it breaks
every pooled page older than the limit (seen in the full test run: pages opened from a
pool kernel more than 60 s old showed the timeout message). Every other cell is stopped
after ``CELL_TIMEOUT`` seconds, so a stuck cell cannot hold a visitor's page for ever.
"""

from __future__ import annotations

from clinic_explainer.settings import CELL_TIMEOUT, OPENS_PAGE

# the first cell of every notebook opens the page (session.open_page): the language is read there
WAITS_FOR_VISITOR = OPENS_PAGE


def cell_timeout(cell) -> int | None:
    """nbclient's ``timeout_func``: seconds the cell may run, None for no limit."""
    return None if WAITS_FOR_VISITOR in cell.get("source", "") else CELL_TIMEOUT
