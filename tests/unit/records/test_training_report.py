"""`make training-report`: the log and one certificate per finished trainee, from the real database."""

import csv
import subprocess
import sys
from datetime import datetime, timezone

from clinic_explainer.models.training import SessionRecord
from clinic_explainer.records import training
from clinic_explainer.records.database import Database


def test_report_writes_the_log_and_a_certificate_per_finished_trainee(tmp_path):
    data = tmp_path / "data"
    db = Database(f"sqlite:///{data / 'clinic.db'}")
    done = SessionRecord("Ana López", "", "v1", "en", total=2, started_at=datetime(2026, 12, 4, 9, tzinfo=timezone.utc))
    done.answer("downtime", "Virtually no downtime", True)
    done.finish()
    training.save(db, done)
    training.save(db, SessionRecord("Ben", "", "v1", "en", total=2))
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "clinic_explainer.report", str(out)], capture_output=True, text=True,
                            env={**__import__("os").environ, "CLINIC_EXPLAINER_DATA": str(data)}, check=True)
    assert "1 certificate(s)" in result.stdout
    rows = list(csv.DictReader((out / "training-log.csv").read_text(encoding="utf-8").splitlines()))
    assert [(r["trainee"], r["score"], r["content_version"]) for r in rows] == [("Ana López", "1", "v1"), ("Ben", "0", "v1")]
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == [f"certificate-ana-lópez-{done.finished_at.date().isoformat()}.pdf"]
    assert (out / pdfs[0]).read_bytes().startswith(b"%PDF")


def test_report_says_when_the_database_cannot_be_read(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "clinic_explainer.report", str(tmp_path / "out")],
                            capture_output=True, text=True,
                            env={**__import__("os").environ, "CLINIC_EXPLAINER_DATA": str(blocker)})
    assert result.returncode == 1 and "Training report not written" in result.stderr and "Traceback" not in result.stderr
