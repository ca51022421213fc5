"""Export alt-profanity-check 1.9.1's linear model as plain arrays (no pickle, no pinned scikit-learn).

    pip install alt-profanity-check==1.9.1     # pins scikit-learn 1.9.1, joblib 1.6.0
    python make_toxicity_filter.py

The package pins an exact scikit-learn because its model is a pickle. The model
is linear, so its numbers are all a lesson needs: the TF-IDF weights and, for
each of the calibrated classifier's folds, a LinearSVC's weights and the
sigmoid that turns its score into a probability. Words are stored only as
8-byte BLAKE2b hashes: the vocabulary contains slurs, and this repository
should not carry them as text. ``grader.toxicity`` hashes a sentence's words
the same way to look them up.
"""

import hashlib
from pathlib import Path

import joblib
import numpy as np
from profanity_check import profanity_check as pc


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def main():
    vectorizer, model = pc.vectorizer, pc.model
    vocab = vectorizer.vocabulary_
    hashes = np.array([word_hash(w) for w in vocab], dtype=np.int64)
    columns = np.array(list(vocab.values()), dtype=np.int32)
    if len(set(hashes.tolist())) != len(hashes):
        raise SystemExit("make_toxicity_filter: two words share a hash")
    order = np.argsort(hashes)
    folds = model.calibrated_classifiers_
    out = Path(__file__).with_name("toxicity_filter.npz")
    np.savez_compressed(
        out,
        word_hashes=hashes[order],
        word_columns=columns[order],
        idf=vectorizer.idf_.astype(np.float64),
        coef=np.stack([f.estimator.coef_[0] for f in folds]),
        intercept=np.array([f.estimator.intercept_[0] for f in folds]),
        sigmoid_a=np.array([f.calibrators[0].a_ for f in folds]),
        sigmoid_b=np.array([f.calibrators[0].b_ for f in folds]),
        token_pattern=np.array(vectorizer.token_pattern),
    )
    print(f"{len(vocab)} words, {len(folds)} folds -> {out.name} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
