import json
import string

from grader.messages import CATALOGUES, LANGUAGES, catalogue, say


def test_every_language_has_every_key_with_the_same_placeholders():
    english = catalogue("en")
    for lang in LANGUAGES:
        other = catalogue(lang)
        assert set(other) == set(english), lang
        for key, text in english.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert fields == {f for _, f, _, _ in string.Formatter().parse(other[key]) if f}, key


def test_catalogues_are_valid_json():
    for path in CATALOGUES.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_say_formats_in_the_chosen_language():
    assert say("check.pass", lang="zh_CN", question="q1", n=2).startswith("✅ q1")


def test_a_singular_variant_has_its_plural_and_is_used_for_one():
    for lang in LANGUAGES:
        for key in catalogue(lang):
            if key.endswith(".one"):
                assert key.removesuffix(".one") in catalogue(lang), (lang, key)
    assert say("check.pass", lang="en", question="q1", n=1) == "✅ q1: the check passed. Well done!"
    assert say("check.pass", lang="en", question="q1", n=3) == "✅ q1: all 3 checks passed. Well done!"
