"""The timeline chart's words: its text equivalent and the "you are here" phrase.

Pure text from the content and the timeline model (no matplotlib), so a view whose picture
comes from the chart cache can say what the picture shows.
"""

from __future__ import annotations

from clinic_explainer.content import Content
from clinic_explainer.models.timeline import RecoveryTimeline, describe_position


def position_text(hours: float, content: Content, model: RecoveryTimeline) -> str:
    """'you are here: 3 days (Healing under the skin)', the end of the chart's description."""
    t = content.ui.timeline
    return f"{t.you_are_here.lower()}: {describe_position(hours, content)} ({model.at(hours).phase.label})"


def alt_text(content: Content, model: RecoveryTimeline, position: str) -> str:
    """The chart's text equivalent; ``position`` is the marker's words (or a template token)."""
    stages = "; ".join(p.label for p in model.phases)
    return content.text(content.ui.timeline.alt_text, stages=stages, position=position)
