"""Files and words made for the clinic template and the notices, from the gate's last good content.

- ``clinic-static/``: notice.css and kernel-watch.js (serving/static/);
- ``clinic-theme/``: JupyterLab's light theme as Voila ships it (Voila's own theme route looks
  only in the first voila data folder, which is ours);
- ``clinic-notice.json``: every word kernel-watch.js shows (the "paused" notice);
- ``clinic/colours.css``: the clinic's colours as CSS variables (a file, not an inline style);
- the landing page (Voila's tree page at ``/``, jupyter_data/.../tree-lab.html): its language,
  title and link words, through ``clinic_landing()`` in the environment Voila renders it with.

All of it reads ``gate.watch.good`` (kernels/watch.py): the content is never loaded again here.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyter_server.utils import url_path_join
from tornado.web import RequestHandler, StaticFileHandler

from clinic_explainer.pages.render import colour_css
from clinic_explainer.serving import patches
from clinic_explainer.settings import INDEX_NOTEBOOK

STATIC = Path(__file__).resolve().parents[1] / "static"


def light_theme_dir() -> Path:
    """JupyterLab's light theme as Voila ships it (its colour and border variables)."""
    for folder in jupyter_path("voila", "themes", "@jupyterlab", "theme-light-extension"):
        if (Path(folder) / "index.css").is_file():
            return Path(folder)
    raise RuntimeError("JupyterLab's light theme was not found: is Voila installed?")


class NoticeWords(RequestHandler):
    """Words of the "paused" notice for kernel-watch.js, from the last good content."""

    def initialize(self, gate):
        self.gate = gate

    def get(self):
        c = self.gate.watch.good
        self.set_header("Cache-Control", "no-cache")
        self.write({"paused": c.text(c.ui.serving.paused), "continue": c.text(c.ui.serving.continue_button),
                    "call_us": c.text(c.ui.serving.call_us)})


class ColoursHandler(RequestHandler):
    """The clinic's colours (content/clinic.yml) as CSS variables."""

    def initialize(self, gate):
        self.gate = gate

    async def get(self):
        # an edited colour shows at once, as a page request would see it; the files are only
        # looked at (sizes and times, off the event loop), read again only when they changed
        await self.gate.refresh_if_changed()
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")  # revalidated (ETag)
        self.write(colour_css(self.gate.watch.good.clinic.colours) + "\n")


def landing_words(gate, base_url: str):
    """``clinic_landing()`` for the landing page's template: where it sends the visitor and in
    which words (the clinic's default language)."""

    def clinic_landing() -> dict:
        c = gate.watch.good
        return {"locale": c.locale, "title": c.clinic.name, "start_label": c.text(c.ui.serving.start_link),
                "start_url": url_path_join(base_url, "voila/render", INDEX_NOTEBOOK)}

    return clinic_landing


def clinic_assets(app, voila) -> None:
    """Application hook (after kernel_lifecycle, whose gate it reads): the routes and words above."""
    gate = app.settings["clinic_gate"]
    app.add_handlers(".*$", [
        (url_path_join(voila.base_url, "clinic-static/(.*)"), StaticFileHandler, {"path": str(STATIC)}),
        (url_path_join(voila.base_url, "clinic-theme/(.*)"), StaticFileHandler, {"path": str(light_theme_dir())}),
        (url_path_join(voila.base_url, "clinic-notice.json"), NoticeWords, {"gate": gate}),
        (url_path_join(voila.base_url, "clinic/colours.css"), ColoursHandler, {"gate": gate}),
    ])
    patches.landing_environment(app).globals["clinic_landing"] = landing_words(gate, voila.base_url)
