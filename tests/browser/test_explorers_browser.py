"""The candidacy explorer, the skin explorer and the knowledge check, in Voila, in real Chromium."""

import pytest

from .conftest import assert_clean, open_app, screenshot

pytestmark = pytest.mark.browser


def test_candidacy_explorer_with_mouse_and_keyboard(phone_page, voila_url, content):
    page = phone_page
    open_app(page, voila_url, "02_is_it_right_for_me.ipynb")
    assert_clean(page)
    # mouse: tick a concern
    page.get_by_label(content.candidacy.concerns[0].label).check()
    page.wait_for_selector(".ce-guidance a[href='#faq-candidates']")
    # keyboard: focus the next box, Space ticks it
    page.get_by_label(content.candidacy.areas[1].label).focus()
    page.keyboard.press("Space")
    assert page.get_by_label(content.candidacy.areas[1].label).is_checked()
    # keyboard: answer a question "Yes"
    question = content.candidacy.contraindications[0].question
    yes = page.get_by_role("radiogroup", name=question).get_by_role("radio", name=content.ui.candidacy.yes)
    yes.focus()
    page.keyboard.press("Space")
    page.wait_for_selector(f".ce-guidance :text('{content.candidacy.contraindications[0].tell_dermatologist}')")
    text = " ".join(page.locator(".ce-guidance").inner_text().split())
    assert content.candidacy.decider in text
    assert text.rstrip(". ").lower().endswith("talk to your dermatologist")
    assert_clean(page)
    screenshot(page, "candidacy-phone")


def test_skin_explorer_slider_with_keyboard(desktop_page, voila_url, content):
    page = desktop_page
    open_app(page, voila_url, "01_how_it_works.ipynb")
    assert_clean(page)
    page.wait_for_selector(".ce-widget img[src^='blob:'], .ce-widget img[src^='data:']")
    assert "At 2 mm" in page.inner_text("body")
    page.locator(".widget-slider .noUi-handle, .widget-slider [role='slider']").first.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.body.innerText.includes('At 0.25 mm')")
    assert content.ui.skin.schematic_note in page.inner_text("body")
    assert_clean(page)
    screenshot(page, "skin-desktop")


def test_knowledge_check_answers_with_keyboard_and_mouse(desktop_page, voila_url, content):
    page = desktop_page
    open_app(page, voila_url, "05_knowledge_check.ipynb")
    assert_clean(page)
    q0, q1 = content.quiz.questions[:2]
    # the answer key is not on the page before answering
    html = page.content()
    assert q0.explanation not in html and q0.passage not in html
    # mouse: pick the right answer and check it
    page.get_by_label(q0.choices[q0.correct_index]).check()
    page.get_by_role("button", name=content.ui.quiz.check).click()
    page.wait_for_selector(".ce-feedback.ce-right")
    assert q0.explanation in page.inner_text(".ce-feedback")
    page.get_by_role("button", name=content.ui.quiz.next).click()
    page.wait_for_selector(f"text={q1.prompt}")
    # keyboard: choose the wrong option with the arrow keys, then Tab to the button and press Enter
    wrong = (q1.correct_index + 1) % 2
    labels = [content.ui.quiz.true_label, content.ui.quiz.false_label]
    page.get_by_label(labels[0]).focus()
    page.keyboard.press("Space")
    if wrong == 1:
        page.keyboard.press("ArrowDown")
    page.get_by_role("button", name=content.ui.quiz.check).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".ce-feedback.ce-wrong")
    feedback = page.inner_text(".ce-feedback")
    assert content.ui.quiz.incorrect in feedback and " ".join(q1.passage.split()) in " ".join(feedback.split())
    assert_clean(page)
    screenshot(page, "quiz-desktop")


def test_knowledge_check_in_voila_has_no_trainer_notes(phone_page, voila_url, content):
    open_app(phone_page, voila_url, "05_knowledge_check.ipynb")
    assert_clean(phone_page)
    html = phone_page.content()
    assert content.ui.facilitator_heading not in html
    assert content.ui.quiz.teach_back_heading not in html
    assert phone_page.locator(".ce-notes, .ce-teach-back").count() == 0
    for note in content.facilitator.notes:
        assert not any(d in html for d in note.demonstrate)
    assert not any(q.teach_back and q.teach_back in html for q in content.quiz.questions)
