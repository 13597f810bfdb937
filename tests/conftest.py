import pytest

from clinic_explainer import content as content_mod


@pytest.fixture(scope="session")
def content():
    return content_mod.load()
