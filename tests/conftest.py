import pytest

from clinic_explainer import content as content_mod


@pytest.fixture(scope="session")
def content():
    return content_mod.load()


@pytest.fixture
def tree(tmp_path):
    """A writable copy of content/ (see tests/content_tree.py for edit/line_of)."""
    from .content_tree import copy_content

    return copy_content(tmp_path)
