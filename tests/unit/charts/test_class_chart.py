"""The class view's chart: a picture with a bar per question, most missed first; words when empty."""

import io

from PIL import Image

from clinic_explainer.charts.class_chart import class_chart_png

ROWS = [("How long does redness usually last after micro-needling treatment?", 0.25, 4),
        ("How deep do the needles go?", 0.75, 4), ("Who decides?", 1.0, 4)]


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_most_missed_question_is_drawn_at_the_top_in_the_warning_colour():
    img = _image(class_chart_png(ROWS, "Answered right (%)", "No answers yet"))
    width, height = img.size
    # scan the bar area from the top: the first bar pixel is vermillion (below half right)
    column = [img.getpixel((int(width * 0.4), y)) for y in range(height)]
    coloured = [p for p in column if p != (255, 255, 255) and max(p) - min(p) > 60]
    assert coloured and coloured[0][0] > 200 and coloured[0][2] < 60


def test_more_questions_make_a_taller_picture_and_none_still_draws():
    one = _image(class_chart_png(ROWS[:1], "x", "none"))
    three = _image(class_chart_png(ROWS, "x", "none"))
    assert three.size[1] > one.size[1]
    assert _image(class_chart_png([], "x", "No answers yet")).size[0] == 1000
