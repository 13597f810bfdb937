"""The how-it-works explorer: which layer a needle depth reaches, and the schematic picture."""

from __future__ import annotations

import pytest

from clinic_explainer import content as content_mod
from clinic_explainer.content.errors import ContentError
from clinic_explainer.models.skin import SkinModel
from clinic_explainer.views.skin import SkinFigure, SkinView

from tests.content_tree import edit, line_of

SKIN = "microneedling/en/skin.yml"


def test_skin_file_is_a_sourced_draft(content):
    skin = content.skin
    assert skin.status == "draft" and skin.sources == ["kolarsick-2011"]
    ranges = {layer.id: (layer.min_mm, layer.max_mm) for layer in skin.layers}
    assert ranges["epidermis"] == (0.05, 1.5) and ranges["dermis"] == (0.3, 3.0)
    assert {r.id for r in skin.repair} == {"collagen", "elastin", "capillaries"}


def test_slider_stops_end_at_the_faq_depth(content):
    model = SkinModel(content)
    assert model.depths()[-1] == model.max_depth == 2.0
    assert "2 mm" in content.faq["how-it-works"].body
    assert model.depths() == sorted(model.depths()) and model.depths()[0] > 0


def test_which_layers_a_depth_reaches(content):
    model = SkinModel(content)
    shallow = model.reach(0.25)
    assert shallow.deepest_sure.id == "epidermis"
    assert [layer.id for layer in shallow.may_also_reach] == ["dermis"]
    full = model.reach(2.0)
    assert full.deepest_sure.id == "dermis"  # deeper than the thickest epidermis (1.5 mm)
    assert [layer.id for layer in full.may_also_reach] == ["hypodermis"]
    assert full.drawn_layer.id == "dermis"
    order = [layer.id for layer in content.skin.layers]
    sure = [order.index(model.reach(d).deepest_sure.id) for d in model.depths()]
    assert sure == sorted(sure)  # deeper never reaches less
    with pytest.raises(ValueError):
        model.reach(0)
    assert model.reach(9).depth_mm == 2.0  # clamped to the FAQ's depth


def test_figure_updates_in_place_and_says_it_is_a_schematic(content):
    fig = SkinFigure(content)
    needles = list(fig.needles)
    png = fig.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    fig.set_depth(0.5)
    assert fig.needles == needles and fig.png() != png
    tips = [max(y for _, y in patch.get_xy()) for patch in fig.needles]
    assert tips == pytest.approx([0.5] * len(tips))
    texts = " ".join(t.get_text() for t in fig.ax.texts)
    assert content.ui.skin.schematic_note in texts
    assert "0.05–1.5 mm" in texts
    alt = fig.alt_text()
    assert "not to scale" in alt and "0.5 mm" in alt and "epidermis, dermis, fat layer" in alt


def test_view_explains_reach_and_repair_in_plain_words(content):
    view = SkinView(content=content.for_staff())  # staff see the draft layer list marked
    assert view.depth == 2.0 and view.png[:4] == b"\x89PNG"
    assert "At 2 mm, the needle tips reach at least the dermis" in view.card
    facts = " ".join(child.value for child in view.children if hasattr(child, "value") and isinstance(child.value, str))
    for word in ("Collagen", "Elastin", "New capillaries", content.ui.draft_label):
        assert word in facts
    view.depth = 0.3
    assert view.depth == 0.25 and "epidermis" in view.card


def test_a_failing_update_shows_the_friendly_message(content, monkeypatch):
    view = SkinView(content=content)
    monkeypatch.setattr(view.model, "reach", lambda d: 1 / 0)
    view.depth = 1.0
    assert content.ui.error_generic in view.children[-1].value


def test_unknown_source_in_skin_file_names_file_field_and_line(tree):
    edit(tree, SKIN, "sources: [kolarsick-2011]", "sources: [kolarsik-2011]")
    with pytest.raises(ContentError) as info:
        content_mod.load(tree)
    msg = str(info.value)
    assert "skin.yml" in msg and "field 'sources[0]'" in msg and "unknown source id 'kolarsik-2011'" in msg
    assert f"line {line_of(tree, SKIN, 'kolarsik-2011')}" in msg


def test_needle_depth_must_match_the_faq(tree):
    edit(tree, SKIN, "max_depth_mm: 2.0", "max_depth_mm: 3.0")
    with pytest.raises(ContentError) as info:
        content_mod.load(tree)
    msg = str(info.value)
    assert "field 'needle.max_depth_mm'" in msg and "does not say '3 mm'" in msg
    assert f"line {line_of(tree, SKIN, 'max_depth_mm')}" in msg


def test_layer_without_thickness_must_be_the_deepest(tree):
    edit(tree, SKIN, "    min_mm: 0.3\n    max_mm: 3.0\n", "")
    with pytest.raises(ContentError) as info:
        content_mod.load(tree)
    assert "field 'layers[1].min_mm'" in str(info.value)
