"""``ContentWatch``: the content files as the server last saw them, per language: last good content, or broken.

Every language is watched on its own (``content.locales``): a broken Spanish file turns away
Spanish pages only, with the "being updated" page in Spanish (from Spanish's last good
content); English keeps working. The gate asks ``refresh()`` on each page request: the
files' names, sizes and times are compared with the last look (off the event loop), and only
when they changed is the content loaded again, **in a worker thread**, once for all the
requests that asked meanwhile; a request waits at most ``LOAD_WAIT`` seconds for it and is
then answered from the last good content. A good edit replaces the preheated kernels
(kernels/gate.py); a broken one is logged with the problems ``make check`` shows.

Nothing can freeze the server through a file: a file over ``MAX_FILE_BYTES`` is refused
unread (named in the log), and unreadable content (a file that became a folder, a missing
folder, no permission) marks the languages it belongs to broken like a syntax error does.
Every page the server draws without a kernel (notices, the paused words, the colours, the
landing page, the template's title) reads ``good`` / ``good_for``: the content is never
loaded on a request's own account.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.content import ContentError, Problem
from clinic_explainer.settings import CONTENT_FILE_MAX_BYTES

# The largest content file today (quiz.yml, locales/es.yml) is about 10 KB; the whole folder
# about 130 KB. A YAML parse costs about a second per few MB and ten times the file in memory:
# a 50 MB file (a paste gone wrong, a log saved in the folder) held a worker for minutes and
# every kernel would parse it again. 1 MB is a hundred times the largest real file. (Could move
# to settings.py if a clinic ever needs longer files.)
MAX_FILE_BYTES = CONTENT_FILE_MAX_BYTES
# How long a request waits for a reload before it is answered from the last good content
# (a reload of every language takes about 0.3 s; a slow disk should not hold the visitors).
LOAD_WAIT = 5.0


def oversized(stamp: tuple, limit: int | None = None) -> list[tuple[str, int]]:
    """(path, size) of the files over ``limit`` (MAX_FILE_BYTES) in a fingerprint (``content.fingerprint``)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    return [(path, size) for path, _mtime, size in stamp if size > limit]


def locale_of_file(root: Path, path: str) -> str | None:
    """The language a content file belongs to (``locales/es.yml``, ``<procedure>/es/...``);
    None for a file of every language (clinic.yml)."""
    parts = Path(path).relative_to(root).parts
    if len(parts) == 2 and parts[0] == "locales":
        return Path(parts[1]).stem
    if len(parts) >= 3:
        return parts[1]
    return None


class ContentWatch:
    """The content files' state as the server last saw it: per language, last good content or broken."""

    def __init__(self, log, root=None):
        self.log = log
        self.root = Path(root or content_mod.content_root()).resolve()
        self.fingerprint = self._fingerprint()
        default = content_mod.load(self.root)  # the launcher checked it: a bad start fails loudly
        self.default_locale = default.locale
        self.contents: dict[str, content_mod.Content] = {default.locale: default}
        self.problems: dict[str, str] = {}  # language -> what is wrong (in words, for the log)
        self._apply(self._load_all(self.fingerprint, content_mod.locales(self.root)))
        self._pending: asyncio.Future | None = None

    # --- what the server reads ---------------------------------------------------------------
    @property
    def good(self):
        """The clinic's default language's last good content."""
        return self.contents[self.default_locale]

    def locale_for(self, lang: str | None) -> str:
        """The language a page asked for if the clinic has it, else the default one."""
        return lang if lang in self.contents or lang in self.problems else self.default_locale

    def good_for(self, lang: str | None):
        """The last good content of ``lang`` (the default language's if it never loaded)."""
        return self.contents.get(self.locale_for(lang), self.good)

    def locales(self) -> list[str]:
        return [locale for locale, _ in self.good.languages if locale in self.contents] or [self.default_locale]

    def is_broken(self, lang: str | None = None) -> bool:
        return self.locale_for(lang) in self.problems

    @property
    def broken(self) -> bool:
        """Whether the default language is broken."""
        return self.is_broken(None)

    # --- looking at the files ----------------------------------------------------------------
    def _fingerprint(self) -> tuple:
        try:
            return content_mod.fingerprint(self.root)
        except OSError as exc:  # a folder without permission: a fingerprint of its own, so it is seen
            return (("unreadable", type(exc).__name__),)

    def _load_all(self, stamp: tuple, locales: list[str] | None = None) -> dict[str, object]:
        """Every language's Content, or the words of what is wrong with it (runs in a worker thread)."""
        big = oversized(stamp)
        every = {locale_of_file(self.root, path) for path, _ in big}
        if locales is None:
            locales = list(self.contents) + [loc for loc in self.problems if loc not in self.contents]
            if None not in every and not any(Path(p).parent.name == "locales" for p, _ in big):
                try:  # a new language (reads clinic.yml and locales/*.yml: no file there is too big)
                    locales = list(dict.fromkeys([*locales, *content_mod.locales(self.root)]))
                except Exception:  # noqa: BLE001 - clinic.yml is broken: every language is
                    pass
        results: dict[str, object] = {}
        for locale in locales:
            # every language's load reads every locales/*.yml (content.languages): one too big there
            # breaks them all
            too_big = [(p, s) for p, s in big if locale_of_file(self.root, p) in (None, locale)
                       or Path(p).parent.name == "locales"]
            if too_big:
                results[locale] = "\n".join(str(Problem(
                    str(Path(p).relative_to(self.root)), "", f"the file is {s / 1e6:.1f} MB, over the "
                    f"{MAX_FILE_BYTES / 1e6:.1f} MB a content file may have: it was not read")) for p, s in too_big)
                continue
            try:
                results[locale] = content_mod.load(self.root, locale=locale)
            except ContentError as exc:
                results[locale] = str(exc)
            except Exception as exc:  # noqa: BLE001 - unreadable files, a missing folder: the same page
                results[locale] = f"content/ could not be read: {type(exc).__name__}: {exc}"
        return results

    def _apply(self, results: dict[str, object]) -> set[str]:
        """Take in a load's results; the languages whose content or state changed."""
        changed = set()
        for locale, result in results.items():
            if isinstance(result, str) != (locale in self.problems) or (
                    not isinstance(result, str) and result != self.contents.get(locale)):
                changed.add(locale)
            if isinstance(result, str):
                if self.problems.get(locale) != result:
                    self.log.error("Content is broken in language '%s', so its visitors get the 'being "
                                   "updated' page until it is fixed (`make check` says the same); other "
                                   "languages are served:\n  %s", locale, result.replace("\n", "\n  "))
                self.problems[locale] = result
            else:
                if self.problems.pop(locale, None) is not None:
                    self.log.warning("Content fixed in language '%s': its pages show it again.", locale)
                self.contents[locale] = result
        return changed

    async def refresh(self) -> set[str]:
        """Look at the files (off the event loop); reload them in a worker thread when they
        changed, once for every request asking meanwhile. Returns the languages whose content
        (or broken state) changed. Waits at most ``LOAD_WAIT`` seconds (then nothing: the last
        good content answers)."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._look())
        try:
            return await asyncio.wait_for(asyncio.shield(self._pending), LOAD_WAIT)
        except asyncio.TimeoutError:
            self.log.warning("Content is still being read after %.0f s: pages use the last good content", LOAD_WAIT)
            return set()

    async def _look(self) -> set[str]:
        loop = asyncio.get_running_loop()
        stamp = await loop.run_in_executor(None, self._fingerprint)
        if stamp == self.fingerprint:
            return set()
        changed = self._apply(await loop.run_in_executor(None, self._load_all, stamp))
        self.fingerprint = stamp
        return changed
