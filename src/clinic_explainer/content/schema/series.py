"""pages.yml: the notebook series, its titles and what each page teaches."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StringConstraints,
    model_validator,
)


from clinic_explainer.content.schema.base import (
    Audience,
    Id,
    ReviewedFile,
    Strict,
    Text,
    unique_ids,
)

# --- pages.yml ----------------------------------------------------------------------------


class Page(Strict):
    id: Id
    notebook: Annotated[str, StringConstraints(pattern=r"^[\w-]+\.ipynb$")]
    title: Text
    summary: Text
    audience: Annotated[list[Audience], Field(min_length=1)]
    learn: list[Text] = []
    faq: list[Id] = []
    how_to_use: list[Text] = []
    sources: list[Id] = []  # sources of the page's tools (e.g. the skin picture), listed in its footer
    # the page's main tool ("timeline"): named in the outline and the contents, with a skip link to it
    tool: Literal["timeline"] | None = None


class SeriesFile(ReviewedFile):
    series_title: Text
    series_intro: Text
    pages: Annotated[list[Page], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self):
        unique_ids(self.pages, "pages")
        return self
