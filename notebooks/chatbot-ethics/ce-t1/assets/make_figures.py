"""Draw the static figures of unit ce-t1 (run: .venv/bin/python make_figures.py).

Deterministic: the poems ship with the course, and the counts and chances below are computed
exactly as the notebook computes them (pairs of neighbouring characters; temperature divides the
log-chances by T).
"""

from collections import Counter, defaultdict

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from grader.datasets import load_tang_poems  # noqa: E402

DPI = 100
CURRENT = "明"
TEMPERATURES = (0.5, 1.0, 2.0)
TOP = 10


def pair_counts(text):
    counts = defaultdict(Counter)
    for first, second in zip(text, text[1:]):
        counts[first][second] += 1
    return counts


def chances(followers, T):
    """Followers most likely first (ties by character), and their chances at temperature T."""
    ranked = sorted(followers.items(), key=lambda item: (-item[1], item[0]))
    times = np.array([n for _, n in ranked], dtype=float)
    scaled = np.log(times / times.sum()) / T
    p = np.exp(scaled - scaled.max())
    return [c for c, _ in ranked], p / p.sum()


def entropy_bits(p):
    p = p[p > 0]
    return float(abs(-(p * np.log2(p)).sum()))


def box(ax, x, y, w, h, title, body, colour):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.04",
                                facecolor=colour, edgecolor="none", alpha=0.95))
    ax.text(x, y + h / 2 - 0.07, title, ha="center", va="top", fontsize=13, fontweight="bold", color="white")
    ax.text(x, y + h / 2 - 0.2, body, ha="center", va="top", fontsize=10.5, color="white", linespacing=1.5)


def arrow(ax, start, end, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=22, linewidth=2,
                                 color="0.35", connectionstyle=f"arc3,rad={rad}"))


def predict_pick_append(counts):
    chars, p = chances(counts[CURRENT], 1.0)
    top3 = ", ".join(f"{c} {v:.2f}" for c, v in zip(chars[:3], p[:3]))
    fig, ax = plt.subplots(figsize=(11, 3.5))
    ax.set_xlim(0, 3.3)
    ax.set_ylim(0, 1.1)
    ax.axis("off")
    w, h, y = 0.92, 0.56, 0.74
    box(ax, 0.55, y, w, h, "1. Predict",
        f"the chances of every\nnext character after {CURRENT}:\n{top3}, …", "#4c72b0")
    box(ax, 1.65, y, w, h, "2. Pick",
        "greedy: the most likely one\nsampling: draw at random\nby the chances", "#dd8452")
    box(ax, 2.75, y, w, h, "3. Append",
        f"add it to the text:\n{CURRENT} → {CURRENT}{chars[0]}\nthen predict after {chars[0]}", "#55a868")
    arrow(ax, (1.02, y), (1.18, y))
    arrow(ax, (2.12, y), (2.28, y))
    arrow(ax, (2.75, y - h / 2 - 0.02), (0.55, y - h / 2 - 0.02), rad=-0.18)
    ax.text(1.65, 0.1, "again and again, one character at a time", ha="center", va="bottom", fontsize=11,
            color="0.3")
    ax.set_title("How a language model writes", fontsize=14)
    fig.tight_layout()
    fig.savefig(OUT / "predict_pick_append.png", dpi=DPI)
    plt.close(fig)


def temperature_ming(counts):
    fig, axes = plt.subplots(1, len(TEMPERATURES), figsize=(13, 3.9), sharey=True)
    for ax, T in zip(axes, TEMPERATURES):
        chars, p = chances(counts[CURRENT], T)
        ax.bar(range(TOP), p[:TOP], color="#4c72b0")
        ax.set_xticks(range(TOP), chars[:TOP], fontsize=13)
        ax.set_ylim(0, 0.75)
        ax.set_title(f"T = {T:g}: entropy {entropy_bits(p):.2f} bits")
        ax.set_xlabel(f"next character ({TOP} most likely of {len(chars)})")
    axes[0].set_ylabel("chance of coming next")
    fig.suptitle(f"The chances of the character after {CURRENT} at three temperatures")
    fig.tight_layout()
    fig.savefig(OUT / "temperature_ming.png", dpi=DPI)
    plt.close(fig)


if __name__ == "__main__":
    poems = load_tang_poems()
    counts = pair_counts("".join("".join(poem["lines"]) for poem in poems))
    predict_pick_append(counts)
    temperature_ming(counts)
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.name}: {png.stat().st_size // 1024} KB")
