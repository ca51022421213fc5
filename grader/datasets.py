"""Loaders for the data the units use. Nothing is downloaded.

Each dataset has a folder in ``datasets/`` with a ``datacard.md`` saying where
it came from, its licence, its size and how it was made.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import paths


def load_digits():
    """Real 8x8 handwritten digits (1,797 images) shipped inside scikit-learn.

    Returns ``(images, labels)``: ``images`` is ``(1797, 8, 8)`` with values 0-16.
    """
    from sklearn.datasets import load_digits as sk_load

    bunch = sk_load()
    return bunch.images.astype(np.float64), bunch.target.astype(np.int64)


def shapes28_file() -> Path:
    return paths.datasets() / "shapes28" / "shapes28.npz"


def load_shapes28():
    """The project's own 28x28 sketch dataset (see ``datasets/shapes28/datacard.md``).

    Returns a dict with ``x_train, y_train, x_test, y_test`` (uint8 images, int64
    labels), ``classes`` (names) and the per-image attributes used to slice
    errors (``filled_*``, ``scale_*``, ``angle_*``, ``thickness_*``, ``noise_*``).
    """
    with np.load(shapes28_file()) as data:
        out = {k: data[k] for k in data.files}
    out["classes"] = [str(c) for c in out["classes"]]
    return out


def load_tang_poems() -> list[dict]:
    """313 Tang poems from Debian's fortunes-zh (see ``datasets/tang-poems/datacard.md``).

    Returns a list of ``{"title", "author", "lines"}`` dicts; each line is one
    couplet with its Chinese punctuation, e.g. ``"床前明月光，疑是地上霜。"``.
    """
    return json.loads((paths.datasets() / "tang-poems" / "tang300.json").read_text(encoding="utf-8"))


def load_glove():
    """The course's GloVe 6B 50-d subset: 20,060 lowercase English words.

    Returns ``(words, vectors)``: a list of words in GloVe's frequency order and a
    ``(20060, 50)`` float32 array, row i the vector of ``words[i]``.
    """
    with np.load(paths.datasets() / "glove-50d" / "glove_50d.npz") as data:
        return [str(w) for w in data["words"]], data["vectors"].copy()


def load_weat_lists() -> dict:
    """Caliskan et al.'s word lists (``X``, ``Y`` targets; ``A``, ``B`` attributes) by test name."""
    return json.loads((paths.datasets() / "glove-50d" / "weat_lists.json").read_text(encoding="utf-8"))


def load_toxicity_filter():
    """alt-profanity-check's linear toxicity filter, from plain arrays (``grader.toxicity``)."""
    from . import toxicity

    return toxicity.load()


def load_glossary() -> list[dict]:
    """The course's glossary (``book/glossary.yml``): ``en``, ``zh``, ``define``, ``zh_define`` per term.

    ce-t2's study partner retrieves from it. The grading sandbox shows this one
    file of ``book/`` read-only, so the partner works while a class is graded.
    """
    import yaml

    return yaml.safe_load(paths.GLOSSARY.read_text(encoding="utf-8"))


PRIVACY_TOWN = ("school_roster", "health_release", "volunteers", "eye_survey")


def load_privacy_town(table: str):
    """One table of the made-up neighbourhood ``privacy-town`` as a pandas DataFrame.

    ``table`` is one of ``PRIVACY_TOWN`` (see ``datasets/privacy-town/datacard.md``).
    ID and phone numbers are read as text: as numbers they would lose a final
    ``X`` check character.
    """
    import pandas as pd

    if table not in PRIVACY_TOWN:
        raise ValueError(f"privacy-town has no table {table!r}; choose one of {', '.join(PRIVACY_TOWN)}")
    path = paths.datasets() / "privacy-town" / f"{table}.csv"
    return pd.read_csv(path, dtype={"id_number": str, "phone": str}, encoding="utf-8")
