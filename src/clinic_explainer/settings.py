"""Every setting of the package, in one place: environment variables, paths, page ids, tunables.

The lowest layer: it imports nothing of the package. Values that tests or the server change
at run time (an environment variable set for a kernel) are read by a function here when
asked; fixed tunables are constants. Where each is changed: docs/architecture.md.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs

# --- where things are -------------------------------------------------------------------------
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ENV = "CLINIC_EXPLAINER_CONTENT"      # another content/ folder (tests, a clinic's own)
NOTEBOOKS_ENV = "CLINIC_EXPLAINER_NOTEBOOKS"  # another notebooks/ folder
CACHE_ENV = "CLINIC_EXPLAINER_CACHE"          # the chart cache's folder
DATA_ENV = "CLINIC_EXPLAINER_DATA"            # the folder of the SQLite database (records/)
DATABASE_ENV = "CLINIC_EXPLAINER_DATABASE_URL"  # any SQLAlchemy URL, e.g. postgresql+psycopg://...


def content_root() -> Path:
    return Path(os.environ.get(CONTENT_ENV, PROJECT_ROOT / "content"))


def notebooks_root() -> Path:
    return Path(os.environ.get(NOTEBOOKS_ENV, PROJECT_ROOT / "notebooks"))


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "clinic-explainer"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, PROJECT_ROOT / "data"))


def database_url() -> str:
    """The training records' database: SQLite in data/ unless a URL is set (a hub on several
    machines sets a PostgreSQL URL)."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{data_dir() / 'clinic.db'}"


# --- the pages of the series (pages.yml ids and their notebooks) ------------------------------
# How far ahead a treatment date may be (a personal link sent at booking, the date picker):
# a plan-ahead view up to this many days before the treatment; further out is taken for a
# typing slip (a wrong year) and gets words instead of dates (issue 18 item 3)
PLAN_AHEAD_DAYS = 183

INDEX_NOTEBOOK = "00_index.ipynb"
EXPLAINER_NOTEBOOK = "patient_explainer.ipynb"
TIMELINE_NOTEBOOK = "03_recovery_timeline.ipynb"
EXPLAINER_PAGE = "explainer"  # pages.yml id of the patient explainer (its FAQ on notice pages)
# the call every notebook's first cell makes: a preheated kernel waits there for its visitor
OPENS_PAGE = "open_page("

# --- patient mode (Voila) or training mode (JupyterLab) ---------------------------------------
MODE_ENV = "CLINIC_EXPLAINER_MODE"


def is_patient_mode() -> bool:
    """Patients must never see trainer notes or answer keys, so patient mode wins whenever there
    is any sign of Voila: the server sets CLINIC_EXPLAINER_MODE=patient for its kernels, and
    Voila itself puts SERVER_SOFTWARE=voila/... in each kernel's environment."""
    if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        return True
    return os.environ.get(MODE_ENV, "training") != "training"


def is_training_mode() -> bool:
    return not is_patient_mode()


def hub_user() -> str:
    """The JupyterHub user whose JupyterLab this is ("" on one machine): the trainee's identity."""
    return os.environ.get("JUPYTERHUB_USER", "")


PREVIEW_ENV = "CLINIC_EXPLAINER_PREVIEW"  # `make preview`: patient pages with every draft marked


def is_preview() -> bool:
    return os.environ.get(PREVIEW_ENV) == "1"


# --- the page's language ----------------------------------------------------------------------
LOCALE_ENV = "CLINIC_EXPLAINER_LOCALE"  # a kernel preheated in a language (serving's pool)
LANG_PATTERN = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def lang_of_query(query: str) -> str | None:
    """The well-formed ``lang`` of a query string (``lang=es&x=1`` -> "es"), else None.
    The one parser of the language a visitor asks for (session, serving's pool and gate)."""
    lang = parse_qs(query or "").get("lang", [""])[0]
    return lang if LANG_PATTERN.match(lang) else None


def preheated_locale() -> str | None:
    return os.environ.get(LOCALE_ENV) or None


def is_preheating() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True"


# --- how pages and charts are drawn -----------------------------------------------------------
LINKED_ASSETS_ENV = "CLINIC_EXPLAINER_LINKED_ASSETS"  # the Voila template links style.css, a11y.js


def assets_linked() -> bool:
    return os.environ.get(LINKED_ASSETS_ENV) == "1"


CHART_SIZE = (6.0, 5.0)  # inches
CHART_DPI = 100          # 600 x 500 px
CHART_RENDERS = ("blit", "full")
RENDER_ENV = "CLINIC_EXPLAINER_CHART_RENDER"   # benchmarks/bench_timeline.py's switch
MARKERS = ("client", "kernel")
MARKER_ENV = "CLINIC_EXPLAINER_MARKER"         # benchmarks/bench_slider.py's switch


def chart_render() -> str:
    value = os.environ.get(RENDER_ENV, "blit").strip().lower()
    return value if value in CHART_RENDERS else "blit"


def marker() -> str:
    """Where the "you are here" marker moves: "client" (default) or "kernel" (a new PNG per
    step, the benchmark's baseline)."""
    value = os.environ.get(MARKER_ENV, "client").strip().lower()
    return value if value in MARKERS else "client"


# --- serving: kernels, pools, admission (serving/kernels/) ------------------------------------
# RSS of the heaviest page's kernel (the skin explorer draws with matplotlib, ~120 MB); the
# explainer's is ~64 MB (benchmarks/bench_kernel_memory.py). The cap plans for the heaviest.
KERNEL_MB = 130
EXPLAINER_KERNEL_MB = 64
# A kernel's start and first run of the notebook cost about 1 CPU-second; more pages than this
# per core starting one at once make every one of them wait, so past it the busy page is shown.
STARTS_PER_CORE = 3
# The explainer's preheated pool: a tenth of the memory, and at most the crowd the clinic's
# link is planned for (twenty patients opening it at once; bench_load.py measures that).
PATIENT_POOL_MAX = 20
PATIENT_POOL_ENV = "CLINIC_EXPLAINER_PATIENT_POOL"
# one ready kernel for the pages patients open first, none for the others (memory does not
# grow with the number of notebooks); the explainer's size comes from patient_pool_size(), and
# its pools are filled by serving's keeper alone (none at Voila's start: the keeper's first
# kernel of each language is the one its page is kept from, serving/kernels/stamps.py)
POOLS = {INDEX_NOTEBOOK: 1, EXPLAINER_NOTEBOOK: 0, TIMELINE_NOTEBOOK: 1}
# seconds a cell may run (not the first, where a preheated kernel waits for its visitor)
CELL_TIMEOUT = 60
# the largest content file the server reads (the largest real one is ~10 KB): no file can freeze it
CONTENT_FILE_MAX_BYTES = 1024 * 1024
# kernels one client address may hold: a dozen patients behind one waiting-room address, a few
# with a second tab (serving/kernels/shares.py says how the share follows the cap)
WAITING_ROOM = 16
# pages of one client address that its client left, or never connected to, before they
# connected to their kernel (a curl loop, a bot): past this many the address gets the busy
# page without a kernel; one is forgiven every UNCONNECTED_FORGIVEN_SECONDS (a patient who
# closes a tab while it loads costs one)
UNCONNECTED_PAGES_MAX = 3
UNCONNECTED_FORGIVEN_SECONDS = 30.0

# --- what one visitor may type, download and hold (issue 20, docs/architecture.md "Limits") --
# the longest text a patient may type (the questions for the appointment list): a page of
# questions; the list then takes ~0.2 s and ~15 KB (a 1 MB note took 65 s and 680 MB)
OWN_QUESTIONS_MAX_CHARS = 2000
# a download (handout, appointment list, .ics) built on a click: about 0.2-0.7 s and 12-35 KB
# today, so these are far from a normal visit, even on a busy machine
DOWNLOAD_MAX_SECONDS = 20.0
DOWNLOAD_MAX_BYTES = 2 * 1024 * 1024
# widget messages one kernel websocket may send (serving/http/ws_limits.py): a widget client
# waits for each answer, so a patient never sends fast (measured in Chromium on the timeline:
# a fast mouse drag at most 15 in a second, one every ~68 ms; an arrow key held 7 a second);
# past the rate they wait (the latest of a widget replaces the one waiting), past the flood
# line the socket is closed
WS_RATE = 20.0          # messages a second reaching the kernel, after a burst of
WS_BURST = 20
WS_QUEUE = 256          # widgets with a message waiting (a page has ~120 widget models)
WS_FLOOD = 200          # messages received within WS_FLOOD_WINDOW seconds (ten times the rate): closed
WS_FLOOD_WINDOW = 2.0
WS_FLOOD_PAUSE = 10.0   # seconds a flooded kernel refuses new websockets (no reconnect loop)
# a visitor's kernel may hold this much private memory (RLIMIT_DATA, serving/patient_ipykernel.py):
# the heaviest measured visit (the explainer with the calendar, both handouts and the list)
# peaks at 368 MB of it (159 MB resident), the skin explorer at 274 MB; twice that and no
# gigabyte (0 in the environment: no limit)
KERNEL_MEMORY_ENV = "CLINIC_EXPLAINER_KERNEL_MEMORY_MB"
KERNEL_MEMORY_MB = 768


# patients' kernels forked from one process that has imported what they import
# (serving/kernel_forks.py); "0" starts each kernel from scratch as before
KERNEL_FORKS_ENV = "CLINIC_EXPLAINER_FORK_KERNELS"
FORK_SOCKET_ENV = "CLINIC_EXPLAINER_KERNEL_FORKS"  # the fork server's socket (set by the server)


def kernel_forks() -> bool:
    return os.environ.get(KERNEL_FORKS_ENV, "1") != "0"


# a kernel forked from a page already run (serving/page_replay.py): set by the server on the
# kernels of the pages it keeps a copy of (serving/kernels/stamps.py), read by the fork server
PAGE_FORK_ENV = "CLINIC_EXPLAINER_PAGE_FORK"
PAGE_ROLES = ("render", "stamp")  # the kernel the page is rendered with; one for a copy of it


def page_fork(env) -> dict | None:
    """The page a kernel is to be forked from ({"notebook", "family", "page", "role"}), or None
    (a malformed value too: the kernel then starts as any other)."""
    try:
        page = json.loads(env.get(PAGE_FORK_ENV) or "null")
    except ValueError:
        return None
    if not isinstance(page, dict) or page.get("role") not in PAGE_ROLES \
            or not all(isinstance(page.get(k), str) for k in ("notebook", "family", "page")) \
            or not re.fullmatch(r"[0-9a-f]{24}", page["page"]):
        return None
    return page


def kernel_memory_mb() -> int:
    """The patient kernel's memory limit in MB (0: none); the environment may change it."""
    value = os.environ.get(KERNEL_MEMORY_ENV, "")
    return int(value) if value.isdigit() else KERNEL_MEMORY_MB


def patient_pool_env() -> int | None:
    value = os.environ.get(PATIENT_POOL_ENV, "")
    return int(value) if value.isdigit() else None
