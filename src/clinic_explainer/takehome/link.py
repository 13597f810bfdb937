"""The personal link the clinic sends after a treatment, and its QR code.

``https://<public_url>/voila/render/patient_explainer.ipynb#treated=2026-12-02`` (built in
pages/urls.py, with every other address the pages use): the date sits after ``#``, in the fragment, which browsers never send to a server, so it reaches no
server log. On the page, ``personal_link.js`` reads the fragment and fills the timeline's
date picker, which opens the timeline at today for that patient.

    python -m clinic_explainer.takehome.link 2026-12-02      (or: make link DATE=2026-12-02)

prints the link and its QR code (``segno``) in the terminal; ``--svg FILE`` writes the QR
code as SVG for a letter or a card instead.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date

import segno

from clinic_explainer import content as content_mod
from clinic_explainer.pages.urls import personal_link


def qr_svg(data: str, scale: int = 3) -> str:
    """A QR code as an SVG element (no XML declaration), dark modules only, quiet zone kept."""
    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="svg", scale=scale, border=2,
                                                  xmldecl=False, svgns=True, nl=False)
    return buf.getvalue().decode("utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print a patient's personal explainer link and its QR code.")
    parser.add_argument("date", help="treatment date, YYYY-MM-DD")
    parser.add_argument("--svg", help="write the QR code to this SVG file instead of the terminal")
    opts = parser.parse_args(argv)
    try:
        treated_on = date.fromisoformat(opts.date)
    except ValueError:
        parser.error(f"not a date in the form YYYY-MM-DD: {opts.date!r}")
    c = content_mod.load()
    link = personal_link(c, treated_on)
    print(link)
    qr = segno.make(link, error="m", micro=False)
    if opts.svg:
        qr.save(opts.svg, kind="svg", scale=4, border=2)
        print(f"wrote {opts.svg}")
    else:
        qr.terminal(out=sys.stdout, compact=True)


if __name__ == "__main__":
    main()
