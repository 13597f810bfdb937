"""``make training-report``: the training log as CSV and a certificate for each trainee who finished.

For an inspector or the clinic's own policy: who was trained, when, on which version of the
content, with what result. Reads the training records (records/; the database of
``CLINIC_EXPLAINER_DATABASE_URL`` or data/clinic.db) and writes into a folder
(default ``training-report/``): ``training-log.csv`` and ``certificate-<name>-<date>.pdf``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.records import training
from clinic_explainer.records.database import RecordsUnavailable, open_database
from clinic_explainer.takehome.certificate import certificate_filename, certificate_pdf


def write_report(out: Path, db=None, c=None) -> list[Path]:
    db, c = db or open_database(), c or content_mod.load()
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "training-log.csv"]
    written[0].write_text(training.log_csv(db), encoding="utf-8")
    for row in training.class_view(db).trainees:
        if row.finished_at is None:
            continue
        path = out / certificate_filename(row.name, row.finished_at)
        path.write_bytes(certificate_pdf(c, row.name, row.finished_at, row.score, row.total, row.content_version))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the training log (CSV) and the certificates (PDF).")
    parser.add_argument("out", nargs="?", type=Path, default=Path("training-report"))
    opts = parser.parse_args(argv)
    try:
        written = write_report(opts.out)
    except RecordsUnavailable as problem:
        print(f"Training report not written: {problem}", file=sys.stderr)
        return 1
    print(f"Training report: {len(written) - 1} certificate(s) and the log in {opts.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
