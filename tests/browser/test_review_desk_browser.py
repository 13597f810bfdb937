"""A clinician at the review desk, in Chromium at 1280 px, on the staff address (`make preview`):
approve one plain version, ask for a change on another; the content file and the review log
record it; the patients' server (the code's default: approved words only) shows the approved
words on its next load; an edit sends them back to review; a changed English answer makes the
approved Spanish text stale in `make check`."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.records import reviews
from clinic_explainer.records.database import Database
from clinic_explainer.serving.launcher import voila_command

from ..content_tree import append, copy_content, edit
from .conftest import assert_clean, open_app, screenshot
from .servers import Server, free_port

pytestmark = pytest.mark.browser
NAME = "Dr Ana Ruiz"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """(content root, data folder, staff URL, patients' URL): two real servers on one content copy."""
    tmp = tmp_path_factory.mktemp("review")
    root = copy_content(tmp)
    edit(root, "clinic.yml", "show_drafts: true", "show_drafts: false")  # the code's default
    data = tmp / "data"
    servers = []
    try:
        urls = []
        for preview in ("1", ""):
            port = free_port()
            argv, env = voila_command(port)
            env.update(CLINIC_EXPLAINER_CONTENT=str(root), CLINIC_EXPLAINER_DATA=str(data),
                       CLINIC_EXPLAINER_PREVIEW=preview)
            server = Server(argv, env, f"http://127.0.0.1:{port}/", tmp / f"voila-{port}.log").__enter__()
            servers.append(server)
            urls.append(f"http://127.0.0.1:{port}/")
        yield root, data, urls[0], urls[1]
    finally:
        for server in servers:
            server.__exit__()


def label_of(root, key: str) -> str:
    c = content_mod.load(root).for_staff()
    sec = c.plain.for_faq(key.split("#")[1])
    return f"EN · In short: {c.faq[sec.faq].front.question} (Waiting for review)"


def patient_inshort(page, base: str, root) -> str:
    """The "In short" text of the results answer on the patients' results page ('' if none)."""
    open_app(page, base, "04_results_and_benefits.ipynb")
    assert_clean(page)
    section = page.locator("#faq-results .ce-inshort")
    return section.inner_text() if section.count() else ""


def test_the_clinician_approves_one_text_and_asks_for_a_change_on_another(clinic, desktop_page, browser):
    root, data, staff, patients = clinic
    page = desktop_page
    approved = content_mod.load(root).plain.for_faq("results").in_short
    assert patient_inshort(page, patients, root) == ""  # a draft: patients get the clinic's own answer

    open_app(page, staff, "07_review_desk.ipynb")
    page.get_by_role("heading", name="Texts waiting for your review").wait_for()
    page.locator(".ce-desk-list select").select_option(label=label_of(root, "en/plain.yml#results"))
    page.locator("#ce-desk-title", has_text="In short: When will I see results?").wait_for()
    assert page.locator(".ce-desk-item").get_by_text("Complete results can be seen a few months after").count()
    page.get_by_label("Your name").fill(NAME)
    page.get_by_role("button", name="Approve these words").click()
    page.get_by_text(f"Approved by {NAME}").wait_for()
    # the list no longer offers it (wait: a choice made in the old list would name another text)
    page.locator(".ce-desk-list option", has_text=label_of(root, "en/plain.yml#results")).wait_for(state="detached")
    screenshot(page, "review-desk-approved", full=False)

    page.locator(".ce-desk-list select").select_option(label=label_of(root, "en/plain.yml#benefits"))
    page.locator("#ce-desk-title", has_text="benefits").wait_for()
    page.locator(".ce-desk-comment textarea").fill("Explain 'collagen' where it first appears.")
    page.get_by_role("button", name="Ask for a change").click()
    page.get_by_text(f"Change asked by {NAME}").wait_for()
    page.locator(".ce-desk-log").get_by_text("Explain 'collagen' where it first appears.").wait_for()
    screenshot(page, "review-desk-1280")
    assert_clean(page)

    # the content file and the append-only log both hold the two decisions
    text = (root / "microneedling" / "reviews.yml").read_text()
    assert "en/plain.yml#results:" in text and "en/plain.yml#benefits:" in text and f"by: {NAME}" in text
    log = reviews.history(Database(f"sqlite:///{data / 'clinic.db'}"))
    assert [(e.item, e.action, e.reviewer) for e in log] == [
        ("en/plain.yml#benefits", "change-asked", NAME), ("en/plain.yml#results", "approved", NAME)]

    # the patients' server shows the approved words on its next load
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    phone = ctx.new_page()
    phone.watch = page.watch
    try:
        assert " ".join(approved.split()) in " ".join(patient_inshort(phone, patients, root).split())
        # a nurse edits the approved words: back to review, and patients get the clinic's answer again
        edit(root, "microneedling/en/plain.yml", "a few months after", "a few months after (ask us)")
        assert content_mod.load(root).state("plain", "results") == "needs-review"
        time.sleep(1.5)  # the content watch sees the edit
        assert patient_inshort(phone, patients, root) == ""
    finally:
        ctx.close()


def test_a_changed_english_answer_makes_the_approved_spanish_stale_in_make_check(clinic):
    root, data, _, _ = clinic
    es = content_mod.load(root, locale="es").for_staff()
    reviews.decide(Database(f"sqlite:///{data / 'clinic.db'}"), es, "es/faq/05-results.md", "approved", NAME)
    append(root, "microneedling/en/faq/05-results.md", "Ask the clinic what to expect for your skin.")
    out = subprocess.run([sys.executable, "-m", "clinic_explainer.quality.check", str(root)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "stale: es/faq/05-results.md" in out.stdout and "then its source en/faq/05-results.md changed" in out.stdout


@pytest.mark.parametrize("lang", ["en", "es"])
def test_with_the_codes_default_a_patient_sees_no_draft_and_spanish_falls_back_to_approved_english(
        clinic, phone_page, lang):
    """Issue 16: with show_drafts off (the code's default) a patient at 390 px sees no mark and no
    notice; where the Spanish translation is not approved, the clinic's approved English words."""
    root, _, _, patients = clinic
    page = phone_page
    open_app(page, patients, "patient_explainer.ipynb" + ("" if lang == "en" else "?lang=es"))
    assert_clean(page)
    text = " ".join(page.inner_text("body").split())
    c = content_mod.load(root, locale=lang).for_staff()
    assert page.locator(".ce-draft, .ce-drafts-notice").count() == 0
    assert c.ui.draft_label not in text and c.ui.waiting_review not in text and c.ui.drafts_notice not in text
    english = content_mod.load(root)
    assert " ".join(english.faq["introduction"].body.split()[:8]) in text  # the clinic's approved answer
    if lang == "es":
        assert " ".join(c.faq["introduction"].body.split()[:8]) not in text  # the draft translation is not shown
        assert c.ui.in_short not in text or page.locator(".ce-inshort").count() == 0
        assert page.locator("html").get_attribute("lang") == "es"  # the interface stays in the visitor's language
        assert page.locator("#faq-introduction").get_attribute("lang") == "en"  # read aloud as English


def test_staff_pages_are_served_on_the_staff_address_only(clinic, desktop_page):
    """The class view and the review desk work under `make preview` (the staff address, loopback);
    the patients' server shows their one line and reads nothing."""
    root, _, staff, patients = clinic
    c = content_mod.load(root)
    page = desktop_page
    open_app(page, staff, "06_class_view.ipynb")
    page.get_by_role("heading", name=c.ui.training.class_heading, exact=True).wait_for()
    for notebook, words in (("06_class_view.ipynb", c.ui.training.staff_only),
                            ("07_review_desk.ipynb", c.ui.review_desk.staff_only)):
        open_app(page, patients, notebook)
        assert_clean(page)
        assert words in page.inner_text("body")
        assert page.locator(".ce-desk-list, .ce-class-table").count() == 0
