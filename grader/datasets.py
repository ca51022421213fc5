"""Loaders for the data the units use. Nothing is downloaded.

Each dataset has a folder in ``datasets/`` with a ``datacard.md`` saying where
it came from, its licence, its size and how it was made.
"""

from __future__ import annotations

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
