"""clinic.yml: the clinic's name, device, contact lines, colours, languages and paper."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    StringConstraints,
    field_validator,
    model_validator,
)

from clinic_explainer.content.errors import FieldProblem

from clinic_explainer.content.schema.base import (
    Colour,
    Id,
    Strict,
    Text,
)

# --- clinic.yml -------------------------------------------------------------------------


class Colours(Strict):
    primary: Colour
    accent: Colour
    background: Colour


class ClinicLines(Strict):
    """The clinic's sentences in another language (the same numbers as the default language's)."""

    contact_line: Text | None = None
    emergency_line: Text | None = None
    after_hours_line: Text | None = None


class Clinic(Strict):
    name: Text
    device_name: Text
    contact_line: Text
    phone: Text
    emergency_line: Text
    after_hours_line: Text
    translations: dict[str, ClinicLines] = {}
    timezone: Text
    default_procedure: Id
    default_locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    colours: Colours
    # the explainer's public address (the handout's QR code and the personal link)
    public_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s#?]+/$")] | None = None
    # the time of day calendar reminders ring, in the clinic's time zone
    reminder_time: time = time(9, 0)
    # the paper the front desk prints on: the handout's default size
    paper: Literal["a4", "letter"] = "a4"
    # show texts that wait for review to patients (one short notice a page, no marks, never a
    # mark on the warning signs); off by default: patients get the clinic's approved words only
    show_drafts: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone name such as Europe/London") from None
        return value

    @model_validator(mode="after")
    def _same_numbers(self):
        for lang, lines in self.translations.items():
            for key in ("contact_line", "emergency_line", "after_hours_line"):
                text = getattr(lines, key)
                if text is not None and sorted(re.findall(r"\d+", text)) != sorted(re.findall(r"\d+", getattr(self, key))):
                    raise FieldProblem(("translations", lang, key),
                                       f"the numbers differ from {key} above: use the same phone numbers and hours")
        return self

    def filled(self) -> "Clinic":
        """The clinic's sentences with {phone} and {clinic_name} filled in."""
        values = {"phone": self.phone, "clinic_name": self.name}
        fill = lambda text: re.sub(r"\{(phone|clinic_name)\}", lambda m: values[m.group(1)], text)  # noqa: E731
        return self.model_copy(update={k: fill(getattr(self, k)) for k in ("contact_line", "emergency_line",
                                                                            "after_hours_line")})

    def without_emergency_line(self, text: str) -> str:
        """``text`` less the emergency line (a page says that line once; the after-hours line
        often repeats it)."""
        return text.replace(self.emergency_line, "").strip()

    def in_language(self, locale: str) -> "Clinic":
        """These settings with the sentences of ``locale`` (where clinic.yml translates them)."""
        lines = self.translations.get(locale)
        if lines is None:
            return self
        return self.model_copy(update={k: v for k, v in lines.model_dump().items() if v is not None})

    def settings(self) -> dict[str, str]:
        """The placeholders content text may use, e.g. {device_name}."""
        return {
            "clinic_name": self.name,
            "device_name": self.device_name,
            "contact_line": self.contact_line,
            "phone": self.phone,
            "emergency_line": self.emergency_line,
            "after_hours_line": self.after_hours_line,
        }
