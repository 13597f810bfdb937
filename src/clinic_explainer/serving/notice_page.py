"""Pages the server shows without a kernel: busy, being updated, not found, error.

Rendered in the server process from notice.html.j2 (Jinja2, autoescaped) with the clinic's
name, colours and phone and, for the busy and updating pages, the FAQ text and the warning
signs, so a patient can still read the answers. No script and nothing from another origin.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
EXPLAINER_PAGE = "explainer"  # pages.yml id of the patient explainer: its FAQ sections
STATUS = {"busy": 503, "updating": 503, "not_found": 404, "error": 500}

_env = Environment(loader=FileSystemLoader(str(HERE)), autoescape=select_autoescape(["j2", "html"]))


def render(kind: str, c, base_url: str = "/", retry_url: str | None = None) -> str:
    """HTML of the ``kind`` page ("busy", "updating", "not_found", "error") from content ``c``."""
    from clinic_explainer.pages import blocks as pages

    s = c.ui.serving
    faq = ""
    if kind in ("busy", "updating"):
        faq = pages.faq_html(c.page(EXPLAINER_PAGE).faq, c) + (
            f'<section class="ce-redflags"><h2>{pages.esc(c.ui.timeline.contact_heading)}</h2>'
            f"{pages.red_flags_html(c)}</section>")
    again = kind in ("busy", "updating")
    return _env.get_template("notice.html.j2").render(
        locale=c.locale, clinic_name=c.clinic.name, colours=c.clinic.colours, base_url=base_url,
        title=c.text(getattr(s, f"{kind}_title")), body=c.text(getattr(s, f"{kind}_body")),
        call_us=c.text(s.call_us), faq_html=Markup(faq),
        retry_url=(retry_url or base_url) if again else base_url,
        retry_label=c.text(s.try_again if again else s.start_link),
        contact_line=c.clinic.contact_line, emergency_line=c.clinic.emergency_line,
        disclaimer=c.text(c.ui.disclaimer),
    )


FALLBACK = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Please try again soon</title></head>
<body><main><h1>Please try again soon</h1><p>This guide is not available right now. Please try again in a
few minutes, or call the clinic.</p></main></body></html>"""


def add_routes(app, voila) -> None:
    """Application hook: our static files (notice.css, kernel-watch.js) and the notice strings."""
    from jupyter_server.utils import url_path_join
    from tornado.web import RequestHandler, StaticFileHandler

    gate_content = app.settings.get("clinic_gate")

    class NoticeStrings(RequestHandler):
        """Words of the "paused" notice for kernel-watch.js, from the last good content."""

        def get(self):
            c = gate_content.watch.good if gate_content else _load()
            self.set_header("Cache-Control", "no-cache")
            self.write({"paused": c.text(c.ui.serving.paused), "continue": c.text(c.ui.serving.continue_button),
                        "call_us": c.text(c.ui.serving.call_us)})

    app.add_handlers(".*$", [
        (url_path_join(voila.base_url, "clinic-static/(.*)"), StaticFileHandler, {"path": str(STATIC)}),
        (url_path_join(voila.base_url, "clinic-theme/(.*)"), StaticFileHandler, {"path": str(light_theme_dir())}),
        (url_path_join(voila.base_url, "clinic-notice.json"), NoticeStrings),
    ])


def light_theme_dir():
    """JupyterLab's light theme as Voila ships it (its colour and border variables). Voila's own
    theme route looks only in the first voila data folder, which is ours (the template)."""
    from pathlib import Path

    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("voila", "themes", "@jupyterlab", "theme-light-extension"):
        if (Path(folder) / "index.css").is_file():
            return Path(folder)
    raise RuntimeError("JupyterLab's light theme was not found: is Voila installed?")


def _load():
    from clinic_explainer.content import loader as content

    return content.load()
