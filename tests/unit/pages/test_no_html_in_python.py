"""Markup lives in templates (pages/templates/), never in a Python string: a string literal
(an f-string's text included) that holds an HTML tag fails this test. Docstrings may name
tags. serving/ is left out: another layer, whose pages are its own concern.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import clinic_explainer

PACKAGE = Path(clinic_explainer.__file__).resolve().parent
TAG = re.compile(r"<(?:/?(?:a|aside|b|blockquote|body|br|button|code|details|div|em|figcaption|figure|footer|h[1-6]"
                 r"|head|header|html|i|img|input|label|li|main|meta|nav|ol|p|pre|script|section|span|strong|style"
                 r"|summary|svg|table|td|th|tr|ul)|!DOCTYPE)(?=[\s>/])", re.IGNORECASE)
SKIPPED = {
    "serving": "the server's own layer (another owner); its notice page is a template already",
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def html_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docs = _docstrings(tree)
    return [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value[:60]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
            and TAG.search(node.value)]


def test_no_python_string_holds_html():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] in SKIPPED:
            continue
        found += html_literals(path)
    assert not found, "HTML in Python (write it in a template in pages/templates/):\n" + "\n".join(found)


def test_the_check_sees_html(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""A <div> in a docstring is fine."""\nx = f\'<p class="a">{1}</p>\'\ny = "a < b"\n')
    old = globals()["PACKAGE"]
    try:
        globals()["PACKAGE"] = tmp_path
        assert {line.split(":")[1] for line in html_literals(sample)} == {"2"}
    finally:
        globals()["PACKAGE"] = old
