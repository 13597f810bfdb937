"""``ContentWatch``: the content files as the server last saw them, the last good content, or broken.

The gate asks ``changed()`` on each page request (sizes and times, about a millisecond). A good
edit replaces the preheated kernels (kernels/gate.py); a broken one is logged with the problems
``make check`` shows, and visitors get the "being updated" page with the last good content's
words (notices.py) until it is fixed. Every page the server draws without a kernel (notices,
the paused words, the colours, the landing page) reads ``good``: the content is never loaded
twice.
"""

from __future__ import annotations

from clinic_explainer import content as content_mod


class ContentWatch:
    """The content files' state as the server last saw it: last good content, or broken."""

    def __init__(self, log, root=None):
        self.log, self.root = log, root
        self.fingerprint = self._fingerprint()
        self.good = content_mod.load(root)  # the launcher checked it: a bad start fails loudly
        self.broken = False

    def _fingerprint(self) -> tuple:
        root = self.root or content_mod.content_root()
        return content_mod.fingerprint(root.resolve())

    def locales(self) -> list[str]:
        return [locale for locale, _ in self.good.languages]

    def changed(self) -> bool:
        """Look at the files (sizes and times, about a millisecond); True when they changed."""
        fingerprint = self._fingerprint()
        if fingerprint == self.fingerprint:
            return False
        self.fingerprint = fingerprint
        try:
            self.good = content_mod.load(self.root)
        except content_mod.ContentError as exc:
            self.broken = True
            self.log.error("Content is broken, so patients get the last good content or the 'being "
                           "updated' page until it is fixed (`make check` says the same):\n  %s",
                           str(exc).replace("\n", "\n  "))
        else:
            if self.broken:
                self.log.warning("Content fixed: pages show it again.")
            self.broken = False
        return True
