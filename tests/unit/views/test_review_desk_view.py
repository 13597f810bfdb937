"""The review desk driven from Python as a clinician would: the list, one text beside the words it
follows with its checks, Approve, Ask for a change, the log; patient mode reads nothing."""

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.records.database import Database
from clinic_explainer.views.review_desk import ReviewDesk


@pytest.fixture
def desk(tree, tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'data' / 'clinic.db'}", busy_timeout=0.2)
    return ReviewDesk(content_mod.load(tree).for_staff(), staff=True, database=db, reviewer="Dr Ana Ruiz")


def test_the_desk_lists_every_language_and_shows_a_text_beside_the_clinics_answer(desk):
    keys = [key for _, key in desk._list.options]
    assert "en/plain.yml#results" in keys and "es/faq/05-results.md" in keys and "en/jargon.yml#collagen" in keys
    assert "texts waiting: " in desk._intro.value and "never reviewed" in desk._intro.value
    desk._list.value = "en/plain.yml#results"
    html = desk._item.value
    assert "When will I see results?" in html and "Complete results can be seen a few months after" in html
    assert "Facts of the clinic&#x27;s answer kept" in html and "Reading level: Flesch-Kincaid" in html
    assert "Numbers as in the clinic&#x27;s answer: 1, 2: <strong>passed" in html
    desk._list.value = "es/faq/05-results.md"
    html = desk._item.value
    assert "en/faq/05-results.md" in html and "Within 1–2 weeks" in html and "En 1 a 2 semanas" in html


def test_approve_and_ask_for_a_change(desk, tree):
    desk._list.value = "en/plain.yml#results"
    desk._approve.click()
    assert "Approved by Dr Ana Ruiz" in desk._message.value
    assert "en/plain.yml#results" not in [k for _, k in desk._list.options]  # no longer waiting
    assert desk._list.value is not None  # the next text is open
    desk._list.value = "en/plain.yml#benefits"
    desk._ask.click()
    assert "Nothing was recorded" in desk._message.value and "say what should change" in desk._message.value
    desk._comment.value = "Keep 'collagen' explained."
    desk._ask.click()
    assert "Change asked by Dr Ana Ruiz" in desk._message.value
    assert "(Change asked)" in dict((k, label) for label, k in desk._list.options)["en/plain.yml#benefits"]
    assert "Keep &#x27;collagen&#x27; explained." in desk._log.value and "approved" in desk._log.value
    c = content_mod.load(tree)
    assert c.state("plain", "results") == "approved" and c.state("plain", "benefits") == "change-asked"


def test_a_bad_name_gets_words_and_changes_nothing(desk, tree):
    desk._name.value = "<script>x</script>"
    desk._list.value = "en/plain.yml#results"
    desk._approve.click()
    assert "letters" in desk._message.value and "ce-warn" in desk._message.value
    assert not (tree / "microneedling" / "reviews.yml").exists()


def test_patients_get_one_line_and_nothing_is_read(tree):
    desk = ReviewDesk(content_mod.load(tree), staff=False)
    assert len(desk.children) == 1 and "for the clinic&#x27;s staff" in desk.children[0].value
    assert not hasattr(desk, "db")
