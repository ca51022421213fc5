"""The loaders give what their datacards promise, from files in the repository."""

from __future__ import annotations

import numpy as np

from grader import datasets


def test_tang_poems_are_the_313_poems_of_the_datacard():
    poems = datasets.load_tang_poems()
    assert len(poems) == 313
    assert sum(len(line) for p in poems for line in p["lines"]) == 23080
    assert {"title", "author", "lines"} == set(poems[0])
    assert not any("\x1b" in line for p in poems for line in p["lines"])  # colour codes stripped


def test_glove_subset_keeps_every_weat_word_and_the_original_numbers():
    words, vectors = datasets.load_glove()
    assert vectors.shape == (20060, 50) and vectors.dtype == np.float32
    assert words[:3] == ["the", ",", "."]
    # Stanford's glove.6B.50d.txt begins "the 0.418 0.24968 -0.41242 0.1217 0.34527 ..."
    assert np.allclose(vectors[0, :5], [0.418, 0.24968, -0.41242, 0.1217, 0.34527])
    index = set(words)
    for test in datasets.load_weat_lists().values():
        for group in "XYAB":
            assert set(test[group]) <= index, (test["source"], group)


def test_weat_lists_keep_caliskans_sizes():
    lists = datasets.load_weat_lists()
    sizes = {name: [len(t[g]) for g in "XYAB"] for name, t in lists.items()}
    assert sizes == {
        "flowers-insects": [24, 25, 25, 25],  # gladiola has no glove.6B vector
        "instruments-weapons": [25, 25, 25, 25],
        "career-family": [8, 8, 8, 8],
        "math-arts": [8, 8, 8, 8],
        "science-arts": [8, 8, 8, 8],
    }
