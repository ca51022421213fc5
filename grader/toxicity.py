"""alt-profanity-check's toxicity filter, run from plain arrays (``datasets/toxicity-filter``).

The original needs one exact scikit-learn to unpickle; these few lines give the
same probabilities with numpy alone, so the course is not pinned to an old
library for one lesson. Words are looked up by hash: the model's vocabulary
contains slurs and is never shown.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from . import paths


def word_hash(word: str) -> int:
    """The 8-byte BLAKE2b hash the exported model stores for each word."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class ToxicityFilter:
    """TF-IDF of the words, then the mean of five calibrated linear classifiers."""

    def __init__(self, arrays):
        self._hashes = arrays["word_hashes"]
        self._columns = arrays["word_columns"]
        self._idf = arrays["idf"]
        self._coef = arrays["coef"]
        self._intercept = arrays["intercept"]
        self._a = arrays["sigmoid_a"]
        self._b = arrays["sigmoid_b"]
        self._token = re.compile(str(arrays["token_pattern"]))

    def _features(self, text: str) -> np.ndarray:
        row = np.zeros(len(self._idf))
        for word in self._token.findall(text.lower()):
            column = self._column(word)
            if column is not None:
                row[column] += 1.0
        row *= self._idf
        norm = np.linalg.norm(row)
        return row / norm if norm else row

    def _column(self, word: str) -> int | None:
        """The word's column in the model, found by its hash; None for a word the model never saw."""
        h = word_hash(word)
        i = np.searchsorted(self._hashes, h)
        return int(self._columns[i]) if i < len(self._hashes) and self._hashes[i] == h else None

    def known(self, word: str) -> bool:
        """Whether the filter has a weight for this word (without revealing its vocabulary)."""
        return self._column(word.lower()) is not None

    def predict_proba(self, texts) -> np.ndarray:
        """Probability that each text is offensive, as alt-profanity-check's ``predict_prob``."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, e.g. ['I am gay']")
        rows = [self._features(t) for t in texts]
        features = np.stack(rows) if rows else np.zeros((0, len(self._idf)))
        scores = features @ self._coef.T + self._intercept
        return (1.0 / (1.0 + np.exp(self._a * scores + self._b))).mean(axis=1)

    def predict(self, texts, threshold: float = 0.5) -> np.ndarray:
        """1 where a text is flagged as offensive."""
        return (self.predict_proba(texts) >= threshold).astype(np.int64)


def load() -> ToxicityFilter:
    with np.load(paths.datasets() / "toxicity-filter" / "toxicity_filter.npz") as data:
        return ToxicityFilter({k: data[k] for k in data.files})
