"""How deep the needles go: which skin layers a needle depth reaches (pure model).

Layer thicknesses are ranges (content/<procedure>/<locale>/skin.yml, from Kolarsick et al.
2011). A depth *surely* reaches a layer when it is deeper than every layer above it at
their thickest, and *may* reach it when it is deeper than them at their thinnest. The
drawing puts each boundary at the middle of its range; it is a schematic.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_explainer.content import Content
from clinic_explainer.content.schema import SkinLayer


@dataclass(frozen=True)
class LayerSpan:
    layer: SkinLayer
    top_min: float  # mm below the surface where the layer can start, at the thinnest
    top_max: float  # ... and at the thickest
    drawn_top: float
    drawn_bottom: float | None  # None: the deepest layer, drawn to the bottom of the picture


@dataclass(frozen=True)
class Reach:
    depth_mm: float
    deepest_sure: SkinLayer
    may_also_reach: list[SkinLayer]
    drawn_layer: SkinLayer  # the layer the needle tips end in, in the drawing


def format_mm(value: float) -> str:
    return f"{value:g}"


class SkinModel:
    def __init__(self, content: Content):
        self.content = content
        self.skin = content.skin
        spans: list[LayerSpan] = []
        top_min = top_max = drawn = 0.0
        for layer in self.skin.layers:
            if layer.min_mm is None or layer.max_mm is None:
                spans.append(LayerSpan(layer, top_min, top_max, drawn, None))
                break
            mid = (layer.min_mm + layer.max_mm) / 2
            spans.append(LayerSpan(layer, top_min, top_max, drawn, drawn + mid))
            top_min, top_max, drawn = top_min + layer.min_mm, top_max + layer.max_mm, drawn + mid
        self.spans = spans

    @property
    def max_depth(self) -> float:
        return self.skin.needle.max_depth_mm

    def depths(self) -> list[float]:
        """The slider's stops: step, 2 x step, ... up to the FAQ's maximum depth."""
        step, top = self.skin.needle.step_mm, self.max_depth
        n = int(round(top / step))
        stops = [round(step * i, 4) for i in range(1, n + 1)]
        if not stops or stops[-1] < top:
            stops.append(top)
        return stops

    def clamp(self, depth_mm: float) -> float:
        return min(max(float(depth_mm), self.depths()[0]), self.max_depth)

    def drawn_bottom(self) -> float:
        """Depth at which the drawing ends (below the needle and the last boundary)."""
        last = max((s.drawn_bottom or s.drawn_top) for s in self.spans)
        return max(last, self.max_depth) * 1.25

    def reach(self, depth_mm: float) -> Reach:
        if depth_mm <= 0:
            raise ValueError("the needle depth must be more than 0 mm")
        d = self.clamp(depth_mm)
        sure = [s.layer for s in self.spans if d > s.top_max or s.top_max == 0]
        maybe = [s.layer for s in self.spans if s.top_min < d <= s.top_max]
        drawn = next(s.layer for s in reversed(self.spans) if d > s.drawn_top)
        return Reach(d, sure[-1], maybe, drawn)
