"""The trainers' answer key as PDF, in memory (WeasyPrint, as the certificate and the handout).

Every question of the knowledge check (quiz.yml) with its options, the right answer, why (the
explanation) and the FAQ passage that proves it, the teach-back prompt; then the questions
patients often ask (patient_questions.yml) with their model answers and what each draws on.
The footer names the content version, so a printed key can be matched to the words it was
printed from. Staff only: the quiz view offers it in training mode, ``make answer-key``
writes it (``python -m clinic_explainer.takehome.answer_key [answer-key.pdf]``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.content.errors import ContentError
from clinic_explainer.models.quiz import answer_key, model_answers
from clinic_explainer.pages.render import render
from clinic_explainer.takehome.certificate import VERSION_CHARS
from clinic_explainer.takehome.handout import _pdf

FILENAME = "answer-key.pdf"
MAX_PAGES = 40  # never squeezed into the compact style: a key is read, not posted


def answer_key_html(c, version: str, compact: bool = False) -> str:
    s = c.ui.quiz
    draft = any(part.status == "draft" for part in (c.quiz, c.patient_questions))
    return render("answer_key.html.j2", c=c, s=s, lang=c.locale, compact=compact, draft=draft,
                  entries=answer_key(c), answers=model_answers(c),
                  version=c.text(s.key_version, label=version[:VERSION_CHARS]))


def answer_key_pdf(c=None, paper: str | None = None, version: str | None = None) -> bytes:
    c = c or content_mod.load()
    version = version or content_mod.content_version(c.root)
    return _pdf(lambda compact: answer_key_html(c, version, compact), paper or c.clinic.paper, c,
                max_pages=MAX_PAGES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the trainers' answer key (PDF).")
    parser.add_argument("out", nargs="?", type=Path, default=Path(FILENAME))
    parser.add_argument("--locale", default=None, help="language of the headings (default: the clinic's)")
    opts = parser.parse_args(argv)
    try:
        c = content_mod.load(locale=opts.locale)
    except ContentError as problem:
        print(f"Answer key not written: the content has problems (run `make check`).\n{problem}", file=sys.stderr)
        return 1
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_bytes(answer_key_pdf(c))
    print(f"Answer key: {len(c.quiz.questions)} questions and {len(c.patient_questions.questions)} "
          f"patient questions in {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
