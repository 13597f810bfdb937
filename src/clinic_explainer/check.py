"""`make check`: validate content/ and tell the editor what to fix.

Exit code 1 with one line per problem (file, line, field, message) when content is
broken; otherwise a short report: drafts waiting for clinic review, reviews that are
due, and the reading level of the patient-facing texts.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import content as content_mod
from .errors import ContentError

READING_GRADE_GOAL = 8  # patients may read at a 6th-grade level; FAQ prose is the clinic's own


def reading_grade(texts: list[str]) -> float:
    import textstat  # 0.7.8 works offline (pyphen); later versions download NLTK data

    return textstat.flesch_kincaid_grade(" ".join(texts))


def report(c: content_mod.Content, today: date) -> list[str]:
    lines = []
    for file, review, status in c.reviews():
        if status == "draft":
            lines.append(f"  draft, waiting for clinic review: {file}")
        if review.next_review <= today:
            lines.append(f"  review due since {review.next_review}: {file}")
    cards = [t for p in c.timeline.phases for t in (*p.may_see, *p.what_to_do)]
    flags = [f.text for f in c.red_flags.flags]
    lines.append(f"  reading level (Flesch-Kincaid grade): timeline cards {reading_grade(cards):.1f}, "
                 f"warning signs {reading_grade(flags):.1f} (goal: {READING_GRADE_GOAL} or lower)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the content files.")
    parser.add_argument("root", nargs="?", type=Path, default=None, help="content folder (default: content/)")
    opts = parser.parse_args(argv)
    try:
        c = content_mod.load(opts.root)
    except ContentError as exc:
        print(f"Content check FAILED ({len(exc.problems)} problem(s)):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"Content check passed: {c.clinic.name}, procedure '{c.procedure}', locale '{c.locale}', "
          f"{len(c.faq)} FAQ sections, {len(c.timeline.phases)} recovery phases.")
    for line in report(c, date.today()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
