"""The clinic's words and facts: content/ files in, one immutable ``Content`` per language out.

The language is an argument (``load(locale="es")``); this layer knows no request, widget or
page. Modules: files (YAML and Markdown with lines), validation (a file against its model),
schema/ (the models, by family of files), crossref (checks between files), loader (Content).
"""

from clinic_explainer.content.errors import ContentError, Problem
from clinic_explainer.content.loader import (
    DATA_FILES,
    STAFF_FILES,
    Content,
    content_root,
    content_version,
    fingerprint,
    languages,
    load,
    locales,
    notebooks_root,
)

__all__ = ["DATA_FILES", "STAFF_FILES", "Content", "ContentError", "Problem", "content_root", "content_version", "fingerprint",
           "languages", "load", "locales", "notebooks_root"]
