"""`make link`: a personal link in the patient's language, refused with words when the page
would refuse its date (issue 18 items 3 and 4)."""

import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.pages.urls import explainer_url, personal_link
from clinic_explainer.takehome.link import date_words, main, refusal

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def test_spanish_link_opens_the_spanish_page_with_the_date(content):
    es = content_mod.load(locale="es")
    link = personal_link(es, date(2026, 12, 12))
    assert link.endswith("patient_explainer.ipynb?lang=es#treated=2026-12-12")
    assert personal_link(content, date(2026, 12, 12)).endswith("patient_explainer.ipynb#treated=2026-12-12")
    assert explainer_url(es).endswith("?lang=es") and "?" not in explainer_url(content)


@pytest.mark.parametrize("text, key", [
    ("2026-12-12", None),        # next week: a booking, the plan-ahead view
    ("2026-12-05", None),
    ("2026-04-05", None),        # 8 months ago: still a link (no reminders left, the page says why)
    ("2027-09-01", "too_far"),   # past settings.PLAN_AHEAD_DAYS: most likely a wrong year
    ("2020-01-01", "too_old"),
    ("2026-02-30", "invalid"),   # not a real day
    ("20261-01-01", "invalid"),
])
def test_refusals_use_the_pages_words(content, text, key):
    assert refusal(text, content, NOW) == (date_words(key, content) if key else None)


def test_the_command_prints_a_spanish_link(capsys):
    nxt = (date.today() + timedelta(days=7)).isoformat()
    main([nxt, "--lang", "es"])
    out = capsys.readouterr().out
    assert f"patient_explainer.ipynb?lang=es#treated={nxt}" in out.splitlines()[0]
    with pytest.raises(SystemExit) as stop:
        main(["2026-02-30"])
    assert stop.value.code == 2
    assert date_words("invalid", content_mod.load()) in capsys.readouterr().err


def test_make_link_passes_lang_only_from_the_command_line(tmp_path):
    """The shell's LANG (a locale, e.g. C.UTF-8) is not a page language; LANG=es is."""
    nxt = (date.today() + timedelta(days=7)).isoformat()
    make = ["make", "-s", "--no-print-directory", "-o", "setup", "link", f"DATE={nxt}"]  # no venv set-up (no network)
    es = subprocess.run([*make, "LANG=es"], check=False, capture_output=True, text=True, timeout=120,
                        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)})
    assert es.returncode == 0, es.stderr
    assert f"?lang=es#treated={nxt}" in es.stdout
    en = subprocess.run(make, check=False, capture_output=True, text=True, timeout=120,
                        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)})
    assert en.returncode == 0, en.stderr
    assert f"patient_explainer.ipynb#treated={nxt}" in en.stdout
