"""The repository's folders, for tests at any depth of tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
