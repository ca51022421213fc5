"""Draw the static figures of unit dp-t2 (run: .venv/bin/python make_figures.py).

Deterministic: every simulation below uses the notebook's seeds and formulas. The notebook draws the
same pictures; these copies are for the book's student edition, which is not executed.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

DPI = 100
TRUE_P = 0.30


def simulate_rr(p, n, t, repeats, seed):
    """The notebook's simulate_rr: shares of 'yes' in `repeats` seeded randomized-response surveys."""
    rng = np.random.default_rng(seed)
    truly_yes = rng.random((repeats, n)) < p
    tells_truth = rng.random((repeats, n)) < t
    second_coin_yes = rng.random((repeats, n)) < 0.5
    return np.where(tells_truth, truly_yes, second_coin_yes).mean(axis=1)


def estimates(n, t, repeats=200, seed=2):
    shares = simulate_rr(TRUE_P, n, t, repeats, seed)
    return (shares - (1 - t) / 2) / t


def box(ax, x, y, text, colour):
    ax.add_patch(FancyBboxPatch((x - 0.11, y - 0.06), 0.22, 0.12, boxstyle="round,pad=0.01",
                                facecolor=colour, edgecolor="gray"))
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def rr_tree():
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    start, heads, tails = (0.12, 0.5), (0.45, 0.75), (0.45, 0.25)
    yes, no = (0.85, 0.38), (0.85, 0.12)
    for (x0, y0), (x1, y1), label in [(start, heads, "heads: 1/2"), (start, tails, "tails: 1/2"),
                                      (tails, yes, "heads: 1/2"), (tails, no, "tails: 1/2")]:
        ax.annotate("", xy=(x1 - 0.11, y1), xytext=(x0 + 0.11, y0), arrowprops=dict(arrowstyle="->", color="gray"))
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.04, label, ha="center", fontsize=9)
    ax.annotate("", xy=(0.74, 0.75), xytext=(heads[0] + 0.11, 0.75), arrowprops=dict(arrowstyle="->", color="gray"))
    box(ax, *start, "first coin\n(in secret)", "#eeeeee")
    box(ax, *heads, "tell the truth", "#cfe8cf")
    box(ax, *tails, "second coin", "#eeeeee")
    box(ax, 0.85, 0.75, "true answer\n1/2 of pupils", "#cfe8cf")
    box(ax, *yes, "say \"yes\"\n1/4 of pupils", "#f6d5b0")
    box(ax, *no, "say \"no\"\n1/4 of pupils", "#f6d5b0")
    ax.set_title("Randomized response with two coins: P(yes) = 1/2 · p + 1/4")
    fig.tight_layout()
    fig.savefig(OUT / "rr_tree.png", dpi=DPI)
    plt.close(fig)


def rr_spread():
    settings = [(0.5, 1000), (0.5, 4000), (0.25, 1000)]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharey=True)
    for ax, (t, n) in zip(axes, settings):
        runs = estimates(n, t)
        eps = np.log((1 + t) / (1 - t))
        ax.hist(runs, bins=np.linspace(0.0, 0.6, 49), color="tab:orange")
        ax.axvline(TRUE_P, color="black", linestyle="--")
        ax.set_title(f"t = {t}, N = {n:,}\nε = {eps:.2f}, spread {runs.std():.3f}", fontsize=10)
        ax.set_xlabel("estimated share p")
    axes[0].set_ylabel("surveys")
    fig.suptitle("200 simulated surveys each (true share 0.30, dashed)", fontsize=11)
    fig.tight_layout()
    fig.savefig(OUT / "rr_spread.png", dpi=DPI)
    plt.close(fig)


def laplace_densities():
    x = np.linspace(-8, 8, 801)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for eps in [0.5, 1, 2]:
        b = 1 / eps
        ax.plot(x, np.exp(-np.abs(x) / b) / (2 * b), label=f"ε = {eps}: scale b = {b:g}")
    ax.set_xlabel("noise added to the true answer")
    ax.set_ylabel("probability density")
    ax.set_title("Laplace noise for sensitivity Δ = 1")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "laplace_densities.png", dpi=DPI)
    plt.close(fig)


def error_vs_epsilon():
    grid = [0.05, 0.1, 0.2, 0.5, 1, 2, 5]
    rng = np.random.default_rng(7)
    errors = [float(np.mean(np.abs(rng.laplace(0.0, 1 / eps, size=2000)))) for eps in grid]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.loglog(grid, errors, "o", label="measured (2,000 draws each)")
    ax.loglog(grid, [1 / eps for eps in grid], "-", color="gray", label="b = Δ/ε")
    ax.set_xlabel("ε (log scale)")
    ax.set_ylabel("mean absolute error (log scale)")
    ax.set_title("Laplace count (Δ = 1): error against ε")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "error_vs_epsilon.png", dpi=DPI)
    plt.close(fig)


if __name__ == "__main__":
    rr_tree()
    rr_spread()
    laplace_densities()
    error_vs_epsilon()
