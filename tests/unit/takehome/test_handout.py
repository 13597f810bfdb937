"""The printed handout: what `make handout` writes, and the personal one built in memory."""

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from clinic_explainer.takehome.handout import appointment_pdf, handout_html, handout_pdf
from clinic_explainer.takehome.handout.__main__ import write_handouts
from clinic_explainer.takehome.link import personal_link
from tests.paths import ROOT as ROOT_DIR

NY = ZoneInfo("America/New_York")
SIZES = {"a4": (595, 842), "letter": (612, 792)}  # points


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    return {p.name: p for p in write_handouts(out)}


def text_of(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Font name -> embedded (has a font file), over every page and form (the SVG chart)."""
    fonts: dict[str, bool] = {}

    def walk(resources):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for f in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                desc = f.get("/FontDescriptor")
                if desc is not None:
                    desc = desc.get_object()
                    fonts[str(f["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            assert xobj["/Subtype"] != "/Image", "a raster image in the handout (the chart and QR must be vector)"
            walk(xobj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


def test_make_handout_writes_every_language_and_paper(written, content):
    assert set(written) >= {"microneedling-en-a4.pdf", "microneedling-en-letter.pdf"}
    for name, path in written.items():
        reader = PdfReader(path)
        assert 1 <= len(reader.pages) <= 2, f"{name}: {len(reader.pages)} pages"
        paper = name.rsplit("-", 1)[1].removesuffix(".pdf")
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == SIZES[paper]


def test_text_layer_carries_the_key_facts_and_phone(written, content):
    text = text_of(PdfReader(written["microneedling-en-a4.pdf"]))
    for fact in ("12 to 48 hours", "hyaluronic acid", "sunscreen", content.clinic.phone, content.clinic.name,
                 content.clinic.emergency_line, "Get emergency help now", "Call the clinic today",
                 "Trouble breathing", "Smoother skin", "New collagen"):  # the last from the vector chart
        assert fact in text, fact
    for step in content.aftercare.steps:
        assert step.text in text
    assert "Reviewed" in text and "Next review due" in text
    assert content.text(content.ui.disclaimer) in text


def test_each_language_prints_its_own_plain_words(written):
    from clinic_explainer import content as content_mod
    for locale in ("en", "es"):
        c = content_mod.load(locale=locale)
        text = text_of(PdfReader(written[f"microneedling-{locale}-letter.pdf"]))
        squeeze = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
        assert c.ui.handout.title in text and c.clinic.phone in text
        for sid in c.page("recovery").faq:
            if sid != "warning-signs":  # printed as the full red flags list instead
                assert squeeze(c.plain.for_faq(sid).in_short)[:60] in text, (locale, sid)
        for step in c.aftercare.steps:
            assert squeeze(step.text) in text, (locale, step.id)
        for level in c.red_flags.levels:
            assert level.label in text, (locale, level.id)


def test_fonts_are_embedded_and_the_chart_is_vector(written):
    for path in written.values():
        fonts = fonts_of(PdfReader(path))
        assert fonts and all(fonts.values()), fonts


def test_personal_handout_carries_the_patients_dates(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    treated = datetime(2026, 12, 2, 10, 0, tzinfo=NY)
    pdf = handout_pdf(content, paper="letter", treated_at=treated, today=date(2026, 12, 5))
    assert list(tmp_path.iterdir()) == []  # built in memory only
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    text = text_of(reader)
    assert "Your treatment: Wednesday 2 December" in text
    said = {m.at_hours: re.sub(r"\s+", " ", m.text) for m in content.timeline.milestones}
    assert "Friday 4 December" in text and said[48] in text
    assert re.search(r"\w+day \d+ March 2027 " + re.escape(said[2190][:20]), text)  # another year: with its year
    html = handout_html(content, treated, today=date(2026, 12, 5))
    assert content.ui.handout.qr_personal in html


def test_templates_escape_content(content, tmp_path):
    """Autoescape: a sentence with markup in content/ prints as text, it does not become markup."""
    from tests.content_tree import copy_content, edit
    from clinic_explainer import content as content_mod
    root = copy_content(tmp_path)
    edit(root, "microneedling/en/aftercare.yml", "text: Protect your skin with sunscreen.",
         'text: "Protect <b>your</b> skin & <script>x()</script>"')
    c = content_mod.load(root)
    html = handout_html(c)
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>" not in html
    assert "Protect &lt;b&gt;your&lt;/b&gt; skin &amp;" in html


def test_appointment_list_has_the_ticks_answers_and_questions(content):
    pdf = appointment_pdf(content, ticked=["Acne scars"], answers=[("Are you pregnant?", "Not sure")],
                          tell=["Tell your dermatologist."], faq=["Who is a good candidate?"],
                          questions="How many sessions?\n\n  Does it hurt?  ")
    text = text_of(PdfReader(io.BytesIO(pdf)))
    for part in ("Acne scars", "Are you pregnant? Not sure", "How many sessions?", "Does it hurt?",
                 content.ui.candidacy.list_title, content.clinic.phone, content.candidacy.decider):
        assert part in text, part


def test_personal_link_keeps_the_date_in_the_fragment(content):
    link = personal_link(content, date(2026, 12, 2))
    base, fragment = link.split("#")
    assert base == content.clinic.public_url + "voila/render/patient_explainer.ipynb"
    assert fragment == "treated=2026-12-02"
    assert "2026" not in base


def test_link_command_prints_the_link_and_a_qr_code(capsys):
    from clinic_explainer.takehome.link import main
    treated = (date.today() - timedelta(days=3)).isoformat()  # the command refuses dates over a year old
    main([treated])
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(f"patient_explainer.ipynb#treated={treated}")
    assert len(out) > 20 and "█" in out[5]  # the QR code, drawn in the terminal
    with pytest.raises(SystemExit):
        main(["02/31/2026"])


def test_pages_as_images_for_people_to_look_at(written):
    """pdftoppm (poppler-utils, installed by `make test`) draws every page into test-artifacts/."""
    import shutil
    import subprocess

    assert shutil.which("pdftoppm"), "pdftoppm is missing: run `make test` (it installs poppler-utils)"
    artifacts = ROOT_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for name, path in written.items():
        prefix = artifacts / f"handout-{name.removesuffix('.pdf')}"
        for old in artifacts.glob(prefix.name + "-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(prefix)], check=True, timeout=60)
        pages = sorted(artifacts.glob(prefix.name + "-*.png"))
        assert 1 <= len(pages) <= 2 and all(p.stat().st_size > 10_000 for p in pages)


def test_longer_words_still_fit_two_pages(content, tmp_path):
    """Past two pages, the handout is laid out again in the compact style, never cut short."""
    from tests.content_tree import copy_content, edit
    from clinic_explainer import content as content_mod
    root = copy_content(tmp_path)
    longer = " ".join(["Keep the treated skin clean and let it rest."] * 30)  # 3 pages in the normal style
    edit(root, "microneedling/en/aftercare.yml", "text: Protect your skin with sunscreen.",
         f'text: "Protect your skin with sunscreen every day. {longer}"')
    c = content_mod.load(root)
    treated = datetime(2026, 12, 2, 10, 0, tzinfo=NY)
    pdf = handout_pdf(c, paper="letter", treated_at=treated, today=date(2026, 12, 5))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
