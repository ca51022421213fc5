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


def _privacy_town_properties(folder):
    """What the data-privacy units rely on, checked on the CSV files in ``folder``."""
    import pandas as pd
    from stdnum.cn import ric

    read = lambda name: pd.read_csv(folder / f"{name}.csv", dtype={"id_number": str, "phone": str})  # noqa: E731
    roster, release, volunteers, survey = (read(n) for n in datasets.PRIVACY_TOWN)
    assert (len(roster), len(release), len(volunteers), len(survey)) == (240, 240, 3000, 3000)
    for row in roster.itertuples():
        # python-stdnum is an independent implementation of GB 11643-1999.
        assert ric.is_valid(row.id_number), row.id_number
        assert str(ric.get_birth_date(row.id_number)) == row.birth_date
        assert (int(row.id_number[16]) % 2 == 1) == (row.gender == "男")
    assert roster["class"].value_counts().tolist() == [40] * 6
    assert roster.birth_date.between("2011-09-01", "2012-08-31").all()
    # The release is the roster's health check, unnamed and shuffled; every pupil is a volunteer.
    qi = ["birth_date", "gender", "community"]
    assert sorted(map(tuple, release[qi].values)) == sorted(map(tuple, roster[qi].values))
    pupils = roster.merge(volunteers, on=["name", *qi])
    assert len(pupils) >= 240
    assert not {"name", "id_number", "phone", "class"} & set(release.columns)
    assert survey.school.nunique() == 6 and survey.myopia.isin([0, 1]).all()
    return release, volunteers


def test_privacy_town_is_what_its_datacard_says():
    release, volunteers = _privacy_town_properties(datasets.paths.datasets() / "privacy-town")
    qi = ["birth_date", "gender", "community"]
    matches = release.merge(volunteers.groupby(qi).size().rename("n").reset_index(), on=qi)
    assert (matches.n == 1).sum() == 234  # quoted in the datacard


def test_the_privacy_town_generator_makes_the_same_kind_of_data(tmp_path):
    """Re-run the shipped generator: with the recorded Faker the files are identical, with any Faker valid."""
    import hashlib
    import importlib.util
    import shutil

    import faker

    folder = datasets.paths.datasets() / "privacy-town"
    shutil.copy(folder / "make_privacy_town.py", tmp_path)
    spec = importlib.util.spec_from_file_location("make_privacy_town", tmp_path / "make_privacy_town.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    _privacy_town_properties(tmp_path)
    if faker.VERSION == "40.63.0":
        for name in datasets.PRIVACY_TOWN:
            made, shipped = ((d / f"{name}.csv").read_bytes() for d in (tmp_path, folder))
            assert hashlib.sha256(made).digest() == hashlib.sha256(shipped).digest(), name


def test_privacy_town_tables_keep_id_numbers_as_text():
    roster = datasets.load_privacy_town("school_roster")
    assert roster.id_number.str.len().eq(18).all() and roster.id_number.str.endswith("X").any()
    import pytest

    with pytest.raises(ValueError, match="choose one of"):
        datasets.load_privacy_town("students")
