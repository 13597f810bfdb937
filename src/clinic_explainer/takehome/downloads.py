"""Names and types of the files the download buttons offer.

Views import these when they load; the code that builds the files (handout/ with WeasyPrint,
matplotlib and the QR code; calendar.py's iCalendar) is imported only when a patient presses
a button, so a visit that never downloads does not pay for it in memory. (Jinja2 is loaded
anyway: every fragment of the page is a template, pages/render.py.)
"""

PDF_MIME = "application/pdf"
HANDOUT_FILENAME = "my-recovery-handout.pdf"
LIST_FILENAME = "my-appointment-list.pdf"
