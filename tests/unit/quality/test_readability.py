"""Reading level per language comes from a registry; a language without a formula is a clear problem."""

import shutil
from datetime import date

from clinic_explainer.quality import check
from clinic_explainer.quality.readability import REGISTRY, formula_for, score


def test_registry_scores_english_and_spanish():
    assert formula_for("en") is REGISTRY["en"] and formula_for("es-MX") is REGISTRY["es"]
    easy, hard = "The skin heals. It is red for a day.", (
        "Percutaneous collagen induction therapy precipitates neocollagenesis through controlled "
        "microinjuries, subsequently stimulating fibroblastic proliferation and remodelling.")
    assert not score(easy, "en").too_hard() and score(hard, "en").too_hard()
    assert "Fernández-Huerta" in str(score("La piel se cura. Está roja un día.", "es"))


def test_a_language_with_no_formula_is_named_with_the_fix(tree):
    shutil.copytree(tree / "microneedling" / "es", tree / "microneedling" / "xx")
    shutil.copy(tree / "locales" / "es.yml", tree / "locales" / "xx.yml")
    _, problems = check.check_all(tree, date(2026, 12, 4))
    words = [str(p) for p in problems if "reading-level formula" in p.message]
    assert words == ["content/locales/xx.yml: there is no reading-level formula for the language 'xx' "
                     "(known: en, es). Add one to quality/readability.py."] or \
        (len(words) == 1 and words[0].endswith("there is no reading-level formula for the language 'xx' "
                                               "(known: en, es). Add one to quality/readability.py."))
