"""Write the front desk's handouts: ``python -m clinic_explainer.takehome.handout handouts``.

One PDF per language that has content and per paper size (A4 and US Letter), e.g.
``handouts/microneedling-en-a4.pdf``. Generated from content/; never edit them by hand.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_explainer import content as content_mod
from clinic_explainer.takehome.handout import PAPERS, handout_pdf


def locales(root: Path, procedure: str) -> list[str]:
    """Languages with both interface strings and content for the procedure."""
    return sorted(p.name for p in (root / procedure).iterdir()
                  if p.is_dir() and (root / "locales" / f"{p.name}.yml").exists())


def write_handouts(outdir: Path, root: Path | None = None) -> list[Path]:
    base = content_mod.load(root)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for locale in locales(base.root, base.procedure):
        c = content_mod.load(root, locale=locale)
        for paper in PAPERS:
            path = outdir / f"{c.procedure}-{locale}-{paper}.pdf"
            path.write_bytes(handout_pdf(c, paper=paper))
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the printable handouts (PDF, A4 and US Letter).")
    parser.add_argument("outdir", nargs="?", default="handouts", help="folder to write into (default: handouts)")
    opts = parser.parse_args(argv)
    for path in write_handouts(Path(opts.outdir)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
