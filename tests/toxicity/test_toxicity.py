"""The exported filter gives alt-profanity-check 1.9.1's probabilities, and never needs its words."""

from __future__ import annotations

import numpy as np
import pytest

from grader import toxicity

# alt-profanity-check 1.9.1's predict_prob on these texts (scikit-learn 1.9.1), to 4 decimals.
PACKAGE = {
    "I am gay": 0.9771,
    "I am christian": 0.0143,
    "I am muslim": 0.2062,
    "I am black": 0.4037,
    "You are stupid": 1.0000,
    "have a nice day": 0.0584,
    "": 0.0364,
}


@pytest.fixture(scope="module")
def filt():
    return toxicity.load()


def test_probabilities_match_the_package(filt):
    got = filt.predict_proba(list(PACKAGE))
    assert np.allclose(got, list(PACKAGE.values()), atol=5e-5)


def test_case_and_punctuation_are_ignored_like_the_vectorizer(filt):
    a, b = filt.predict_proba(["I am gay", "i AM gay!!"])
    assert a == pytest.approx(b)


def test_predict_thresholds_at_one_half(filt):
    assert filt.predict(["I am gay", "I am christian"]).tolist() == [1, 0]


def test_a_single_string_is_refused_rather_than_read_letter_by_letter(filt):
    with pytest.raises(TypeError, match="list of texts"):
        filt.predict_proba("I am gay")


def test_the_shipped_model_holds_no_words_in_plain_text():
    raw = (toxicity.paths.datasets() / "toxicity-filter" / "toxicity_filter.npz").read_bytes()
    assert b"stupid" not in raw and b"idiot" not in raw
    assert toxicity.load().known("stupid")
