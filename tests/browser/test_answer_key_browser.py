"""The trainers' answer key in real JupyterLab (training mode, as `make lab` starts it): the
knowledge check offers the button, the click hands over a PDF, whose first page is drawn as
an image and looked at; the questions patients often ask keep each model answer folded away
until it is opened. In Voila (patient mode) there is no button."""

from __future__ import annotations

import base64
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from .conftest import ARTIFACTS, open_app, screenshot
from .test_jupyterlab_training import lab_url, open_and_run  # noqa: F401  (lab_url: the module's JupyterLab server)

pytestmark = pytest.mark.browser


def test_answer_key_button_in_jupyterlab_gives_the_pdf(desktop_page, lab_url, content):  # noqa: F811
    page = desktop_page
    url, _ = lab_url
    open_and_run(page, url, "05_knowledge_check.ipynb")
    s = content.ui.quiz

    # the questions patients ask: each model answer closed until the trainee opens it
    section = page.locator(".ce-patient-questions")
    section.wait_for(state="attached", timeout=120_000)
    section.scroll_into_view_if_needed()
    first = content.patient_questions.questions[0]
    details = section.locator("details.ce-model-answer").first
    assert details.get_attribute("open") is None and not details.locator("p").first.is_visible()
    details.locator("summary").click()
    assert details.locator("p").first.is_visible()
    assert " ".join(first.answer.split()) in " ".join(details.text_content().split())
    screenshot(page, "lab-patient-questions", full=False)

    # the trainers' key: one click, a PDF download
    button = page.get_by_role("button", name=s.key_button)
    button.scroll_into_view_if_needed()
    button.click()
    link = page.locator("a.ce-download[download='answer-key.pdf']")
    link.wait_for(timeout=120_000)
    assert s.key_ready in page.locator(".ce-quiz").text_content()
    href = link.get_attribute("href")
    assert href.startswith("data:application/pdf;base64,")
    pdf = base64.b64decode(href.split(",", 1)[1])
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "lab-answer-key.pdf"
    path.write_bytes(pdf)
    assert shutil.which("pdftoppm"), "pdftoppm is missing: run `make test` (it installs poppler-utils)"
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / "lab-answer-key-page1")], check=True, timeout=120)
    image = np.asarray(Image.open(ARTIFACTS / "lab-answer-key-page1.png").convert("RGB"), dtype=int)
    assert image.shape[0] > image.shape[1]  # a portrait page
    assert (image.sum(axis=2) < 600).mean() > 0.02  # words on it, not a blank page
    primary = content.clinic.colours.primary.lstrip("#")
    primary = np.array([int(primary[i:i + 2], 16) for i in (0, 2, 4)])
    assert ((np.abs(image - primary) < 40).all(axis=2)).sum() > 200  # the title and right answers in colour
    result = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, timeout=60,
                            check=True)
    assert s.key_title in result.stdout and content.quiz.questions[0].prompt.split()[0] in result.stdout


def test_no_answer_key_for_patients_in_voila(phone_page, voila_url, content):
    page = phone_page
    open_app(page, voila_url, "05_knowledge_check.ipynb")
    page.locator(".ce-quiz").wait_for()
    page.locator(".ce-patient-questions").wait_for(state="attached")
    assert page.get_by_role("button", name=content.ui.quiz.key_button).count() == 0
    assert content.ui.quiz.key_button not in page.content()
