"""Make the static figures of unit ce-t3 (run: python make_figures.py).

Deterministic; writes the PNGs next to this script. They illustrate ideas (the causal mask, the
exposure scale), so no trained model is needed and the student edition of the book, which is not
executed, still shows them.
"""

import math

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"font.size": 10, "savefig.dpi": 100})


def causal_mask(path):
    """Which positions each position may attend to, with and without the causal mask."""
    T = 6
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 4.2))
    for ax, masked, title in ((axes[0], True, "With the causal mask"), (axes[1], False, "Without the mask")):
        allowed = np.tril(np.ones((T, T))) if masked else np.ones((T, T))
        colours = np.where(allowed > 0, 0.75, 0.08)
        if not masked:
            for t in range(T - 1):
                colours[t, t + 1] = 0.35   # the answer: the next token
        ax.imshow(colours, cmap="Greys_r", vmin=0, vmax=1)
        for t in range(T):
            for s in range(T):
                if allowed[t, s] and not (not masked and s == t + 1):
                    ax.plot(s, t, "o", color="k", ms=5)
                elif not masked and s == t + 1:
                    ax.text(s, t, "!", ha="center", va="center", fontsize=13, color="C3", weight="bold")
        ax.set_xticks(range(T))
        ax.set_yticks(range(T))
        ax.set_xlabel("key position s (looked at)")
        ax.set_ylabel("query position t (looking)")
        ax.set_title(title)
    axes[1].text(T / 2 - 0.5, T + 0.7, "dark: may not look; ! = the next token, the answer position t must predict",
                 ha="center", va="top", color="C3", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def exposure_scale(path):
    """Exposure = log2 |R| - log2 rank for |R| = 10,000, with three example ranks."""
    R = 10_000
    rank = np.arange(1, R + 1)
    fig, ax = plt.subplots(figsize=(6.2, 4.0))
    ax.plot(rank, math.log2(R) - np.log2(rank), color="0.3")
    for r, label, colour, dx, ha in ((1, "rank 1: the first guess", "C3", 12, "left"),
                                     (100, "rank 100", "C1", 12, "left"),
                                     (5000, "rank 5,000: the middle", "C0", -12, "right")):
        e = math.log2(R) - math.log2(r)
        ax.plot([r], [e], "o", color=colour, ms=9)
        ax.annotate(label + "\n" + f"{e:.1f}", (r, e), xytext=(dx, 8), textcoords="offset points",
                    color=colour, ha=ha)
    ax.set_xscale("log")
    ax.set_xlim(0.7, 2.5 * R)
    ax.set_ylim(-0.5, 15.5)
    ax.set_xlabel("rank of the secret among all 10,000 candidates (log scale)")
    ax.set_ylabel("exposure (bits)")
    ax.set_title("Exposure = log2 |R| − log2 rank, |R| = 10,000")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    causal_mask(OUT / "causal_mask.png")
    exposure_scale(OUT / "exposure_scale.png")
