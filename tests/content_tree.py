"""A writable copy of content/ for tests that break it on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.content.errors import ContentError

CONTENT = Path(__file__).resolve().parents[1] / "content"


def copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, count))


def append(root: Path, rel: str, sentence: str) -> None:
    """A sentence added to the end of an FAQ answer (no words quoted elsewhere change)."""
    path = root / rel
    path.write_text(path.read_text().rstrip("\n") + " " + sentence + "\n")


def line_of(root: Path, rel: str, needle: str) -> int:
    return next(n for n, line in enumerate((root / rel).read_text().splitlines(), 1) if needle in line)


def load_error(root: Path) -> str:
    """The message of the ContentError that loading ``root`` must raise."""
    with pytest.raises(ContentError) as info:
        content_mod.load(root)
    return str(info.value)
