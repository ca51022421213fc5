"""Generate shapes28: hand-drawn-looking 28x28 sketches of 10 simple shapes.

Run ``python make_shapes28.py``. It (re)writes ``shapes28.npz`` and ``sample.png``
next to this file, byte-for-byte the same on every run (numpy + Pillow only,
one seeded generator: ``np.random.default_rng(2025)``).

Format as MNIST: white ink (255) on black (0), uint8, 28x28.
See ``datacard.md`` for what is in the file and why.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SEED = 2025
CLASSES = ["circle", "square", "triangle", "star", "plus",
           "cross", "heart", "arrow", "crescent", "lightning"]
N_TRAIN_PER_CLASS = 600
N_TEST_PER_CLASS = 150
FILLED_FRACTION = {"train": 0.10, "test": 0.40}  # deliberate slice imbalance

SIZE = 28                 # output side (pixels)
UP = 4                    # draw at 4x resolution, then downsample (antialiasing)
MAX_RADIUS = 11.0         # radius (28-px units) of a shape with scale 1.0
SCALE_RANGE = (0.5, 1.0)  # relative size
ANGLE_MAX = 15.0          # rotation in degrees, uniform in [-15, 15];
                          # keeps plus (0 deg) and cross (45 deg) apart
THICKNESS = (1, 3)        # stroke width in 28-px units (integers, inclusive)
NOISE_STD = (0.0, 30.0)    # Gaussian pixel noise std, in grey levels (0-255)
WOBBLE = 0.06             # outline wobble, as a fraction of the radius
VERTEX_JITTER = 0.05      # corner jitter, as a fraction of the radius
MARGIN = 1.5              # keep the drawing this far (28-px units) from the edge
MAX_SHIFT = 4.0           # largest position jitter (28-px units)

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- templates
def _polar(n, r=1.0, start=90.0):
    t = np.deg2rad(start + 360.0 * np.arange(n) / n)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


def _templates():
    """Closed outlines (y up), each with corners; smooth ones finely sampled."""
    t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1)
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float)
    triangle = _polar(3)
    star = _polar(10)
    star[1::2] *= 0.42
    w = 0.3
    plus = np.array([[w, w], [w, 1], [-w, 1], [-w, w], [-1, w], [-1, -w],
                     [-w, -w], [-w, -1], [w, -1], [w, -w], [1, -w], [1, w]], float)
    c, s = np.cos(np.pi / 4), np.sin(np.pi / 4)
    cross = plus @ np.array([[c, s], [-s, c]])
    heart = np.stack([16 * np.sin(t) ** 3,
                      13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)], axis=1)
    arrow = np.array([[-1, -0.18], [0.15, -0.18], [0.15, -0.6], [1, 0],
                      [0.15, 0.6], [0.15, 0.18], [-1, 0.18]], float)
    # crescent: outer unit circle minus a circle of radius r centred at (cx, 0)
    cx, r = 0.5, 0.85
    xi = (1 - r * r + cx * cx) / (2 * cx)
    a = np.arccos(xi)
    b = np.arccos((xi - cx) / r)
    outer = np.linspace(a, 2 * np.pi - a, 48)
    inner = np.linspace(2 * np.pi - b, b, 36)
    crescent = np.concatenate([
        np.stack([np.cos(outer), np.sin(outer)], axis=1),
        np.stack([cx + r * np.cos(inner), r * np.sin(inner)], axis=1)])
    lightning = np.array([[-0.1, 1.0], [0.45, 1.0], [0.1, 0.2], [0.5, 0.2],
                          [-0.3, -1.0], [-0.05, -0.15], [-0.45, -0.15]], float)
    shapes = [circle, square, triangle, star, plus, cross, heart, arrow, crescent, lightning]
    smooth = [True, False, False, False, False, False, True, False, True, False]
    out = []
    for pts, sm in zip(shapes, smooth):
        pts = pts - (pts.max(0) + pts.min(0)) / 2          # centre the bounding box
        pts = pts / np.abs(pts).max()                        # fit in [-1, 1]^2
        out.append((pts, sm))
    return out


def _resample(pts, n=80):
    """Points evenly spaced along the closed outline (corners kept)."""
    closed = np.vstack([pts, pts[:1]])
    seg = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    cum = np.concatenate([[0], np.cumsum(seg)])
    s = np.unique(np.concatenate([np.linspace(0, cum[-1], n, endpoint=False), cum[:-1]]))
    return np.stack([np.interp(s, cum, closed[:, 0]), np.interp(s, cum, closed[:, 1])], axis=1), s / cum[-1]


# ---------------------------------------------------------------- drawing
def draw(template, smooth, scale, angle, thickness, filled, noise_std, rng):
    """One 28x28 uint8 image. Uses ``rng`` in a fixed order."""
    pts = template.copy()
    if not smooth:                                            # hand-drawn corners
        pts = pts + rng.normal(0, VERTEX_JITTER, pts.shape)
    else:
        rng.normal(0, VERTEX_JITTER, pts.shape)               # keep the stream aligned
    pts, u = _resample(pts)
    k = np.arange(1, 5)[:, None]                              # low-frequency wobble
    amp = rng.normal(0, WOBBLE, (4, 2)) / np.arange(1, 5)[:, None]
    phase = rng.uniform(0, 2 * np.pi, (4, 2))
    wob = np.einsum("kd,knd->nd", amp, np.cos(2 * np.pi * k[:, :, None] * u[None, :, None] + phase[:, None, :]))
    pts = pts + wob
    th = np.deg2rad(angle)
    rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    pts = pts @ rot.T * (scale * MAX_RADIUS)
    pts[:, 1] *= -1                                           # y down for images
    lo, hi = pts.min(0), pts.max(0)
    pts -= (lo + hi) / 2
    half = (hi - lo) / 2 + thickness / 2
    room = np.clip(SIZE / 2 - MARGIN - half, 0, MAX_SHIFT)
    shift = rng.uniform(-1, 1, 2) * room
    pts = (pts + SIZE / 2 + shift) * UP
    img = Image.new("L", (SIZE * UP, SIZE * UP), 0)
    d = ImageDraw.Draw(img)
    poly = [tuple(p) for p in pts.round(2)]
    if filled:
        d.polygon(poly, fill=255)
    d.line(poly + [poly[0]], fill=255, width=int(thickness * UP), joint="curve")
    small = np.asarray(img.resize((SIZE, SIZE), Image.Resampling.BOX), dtype=np.float64)
    small = small + rng.normal(0, 1, small.shape) * noise_std
    return np.clip(np.rint(small), 0, 255).astype(np.uint8)


def make_split(name, per_class, rng, templates):
    n = per_class * len(CLASSES)
    y = rng.permutation(np.repeat(np.arange(len(CLASSES)), per_class)).astype(np.int64)
    filled = np.zeros(n, bool)
    scale = np.zeros(n, np.float32)
    n_filled = int(round(FILLED_FRACTION[name] * per_class))
    lo, hi = SCALE_RANGE
    for c in range(len(CLASSES)):                              # exact per-class strata
        idx = np.flatnonzero(y == c)
        filled[idx] = rng.permutation(np.arange(per_class) < n_filled)
        strata = (rng.permutation(per_class) + rng.uniform(0, 1, per_class)) / per_class
        scale[idx] = lo + (hi - lo) * strata
    angle = rng.uniform(-ANGLE_MAX, ANGLE_MAX, n).astype(np.float32)
    thickness = rng.integers(THICKNESS[0], THICKNESS[1] + 1, n).astype(np.uint8)
    noise = rng.uniform(*NOISE_STD, n).astype(np.float32)
    x = np.stack([draw(*templates[y[i]], float(scale[i]), float(angle[i]), int(thickness[i]),
                       bool(filled[i]), float(noise[i]), rng) for i in range(n)])
    return {f"x_{name}": x, f"y_{name}": y, f"filled_{name}": filled, f"scale_{name}": scale,
            f"angle_{name}": angle, f"thickness_{name}": thickness, f"noise_{name}": noise}


def save_npz(path, arrays):
    """np.savez_compressed, then fix the zip timestamps so the file is reproducible."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    Path(path).write_bytes(out.getvalue())


def sample_grid(x, y, path, per_class=10, cell=56, label_w=80):
    """Rows = classes, columns = the first training examples of that class."""
    img = Image.new("L", (label_w + per_class * cell, len(CLASSES) * cell), 40)
    d = ImageDraw.Draw(img)
    for c, name in enumerate(CLASSES):
        d.text((6, c * cell + cell // 2 - 6), f"{c} {name}", fill=255)
        for j, i in enumerate(np.flatnonzero(y == c)[:per_class]):
            tile = Image.fromarray(x[i]).resize((cell - 4, cell - 4), Image.Resampling.NEAREST)
            img.paste(tile, (label_w + j * cell + 2, c * cell + 2))
    img.save(path, optimize=True)


def main():
    rng = np.random.default_rng(SEED)
    templates = _templates()
    arrays = {}
    arrays.update(make_split("train", N_TRAIN_PER_CLASS, rng, templates))
    arrays.update(make_split("test", N_TEST_PER_CLASS, rng, templates))
    order = ["x_train", "y_train", "x_test", "y_test"]
    out = {k: arrays[k] for k in order}
    out["classes"] = np.array(CLASSES, dtype="<U9")
    for attr in ("filled", "scale", "angle", "thickness", "noise"):
        for split in ("train", "test"):
            out[f"{attr}_{split}"] = arrays[f"{attr}_{split}"]
    save_npz(HERE / "shapes28.npz", out)
    sample_grid(out["x_train"], out["y_train"], HERE / "sample.png")
    print({k: (v.shape, str(v.dtype)) for k, v in out.items()})


if __name__ == "__main__":
    main()
