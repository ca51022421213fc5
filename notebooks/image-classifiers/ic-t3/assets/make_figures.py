"""Make the static figures of unit ic-t3 (run: python make_figures.py).

Seeded and deterministic; writes the PNGs next to this script. They illustrate
ideas (no trained model is needed), so the student edition of the book, which
is not executed, still shows them.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"font.size": 10, "savefig.dpi": 100})


def fgsm_step(path):
    """One FGSM step in a two-pixel world: the box of all images within epsilon, and the step."""
    fig, ax = plt.subplots(figsize=(5.2, 4.4))

    # A linear classifier on two pixels: score = w . x + b, class "star" where score > 0.
    w, b = np.array([1.0, 0.6]), -1.05
    xs = np.linspace(0, 1, 2)
    ax.fill_between(xs, (-b - w[0] * xs) / w[1], 1.2, color="#fde2c8", label='model says "star"')
    ax.fill_between(xs, -0.2, (-b - w[0] * xs) / w[1], color="#d6e6f5", label='model says "circle"')
    ax.plot(xs, (-b - w[0] * xs) / w[1], "k-", lw=1.5, label="decision boundary")
    x0, eps = np.array([0.52, 0.62]), 0.15
    ax.add_patch(plt.Rectangle(x0 - eps, 2 * eps, 2 * eps, fill=False, ls="--", ec="0.3",
                               label=r"all images within $\varepsilon$ of $x$"))
    x_adv = x0 + eps * np.sign(w)  # the gradient of the "star" score is w; FGSM follows its sign
    ax.annotate("", xy=x_adv, xytext=x0, arrowprops=dict(arrowstyle="->", lw=2, color="C3"))
    ax.plot(*x0, "o", color="C0", ms=8)
    ax.plot(*x_adv, "X", color="C3", ms=10)
    ax.text(x0[0] - 0.03, x0[1] - 0.06, "$x$ (circle)", ha="right", color="C0")
    ax.text(x_adv[0] + 0.02, x_adv[1] + 0.02, r"$x_{adv}$ (star)", color="C3")
    ax.set_xlim(0.2, 1.0)
    ax.set_ylim(0.2, 1.0)
    ax.set_aspect("equal")
    ax.set_xlabel("brightness of pixel 1")
    ax.set_ylabel("brightness of pixel 2")
    ax.set_title("One FGSM step: every pixel moves by $\\pm\\varepsilon$")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.95)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def fgsm_pixels(path):
    """Linear score change from an eps*sign(w) step is eps * sum|w_i|: it grows with the pixel count."""
    fig, bx = plt.subplots(figsize=(5.2, 4.0))
    rng = np.random.default_rng(0)
    n = np.arange(1, 785)
    w_big = rng.normal(0, 0.1, size=784)
    for e, c in ((0.02, "C0"), (0.05, "C1"), (0.1, "C3")):
        bx.plot(n, e * np.cumsum(np.abs(w_big)), color=c, label=f"$\\varepsilon$ = {e}")
    bx.axvline(784, color="0.5", ls=":", lw=1)
    bx.text(770, 0.2, "28 x 28 = 784 pixels", rotation=90, ha="right", va="bottom", color="0.4")
    bx.set_xlabel("number of pixels $n$ (weights of size about 0.1)")
    bx.set_ylabel(r"largest change in score  $\varepsilon \sum_i |w_i|$")
    bx.set_title("Tiny changes to many pixels add up")
    bx.legend(loc="upper left", fontsize=8)
    bx.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def reliability_idea(path):
    """An overconfident (made-up) model: confidence higher than accuracy in most bins."""
    rng = np.random.default_rng(1)
    n = 5000
    conf = 0.25 + 0.75 * (1 - rng.beta(1.3, 4, size=n))
    true_p = conf ** 2.2  # the real chance of being right is lower than the stated confidence
    correct = rng.random(n) < true_p
    edges = np.linspace(0, 1, 11)
    idx = np.minimum((conf * 10).astype(int), 9)
    counts = np.bincount(idx, minlength=10)
    acc = np.array([correct[idx == k].mean() if counts[k] else 0.0 for k in range(10)])
    mconf = np.array([conf[idx == k].mean() if counts[k] else 0.0 for k in range(10)])
    ece = float(np.sum(counts / n * np.abs(acc - mconf)))

    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    centers = edges[:-1] + 0.05
    ax.bar(centers, acc, width=0.1, edgecolor="k", color="C0", alpha=0.8, label="accuracy in bin")
    gap_bottom = np.minimum(acc, mconf)
    ax.bar(centers, np.abs(mconf - acc), bottom=gap_bottom, width=0.1, color="C3", alpha=0.35,
           hatch="//", edgecolor="C3", label="gap to mean confidence")
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect calibration")
    for c, a, m, k in zip(centers, acc, mconf, counts, strict=True):
        if k:
            ax.text(c, max(a, m) + 0.01, f"n={k}", ha="center", va="bottom", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence (highest softmax probability)")
    ax.set_ylabel("fraction correct")
    ax.set_title(f"Reliability diagram of an overconfident model\n(made-up data, ECE = {ece:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    fgsm_step(OUT / "fgsm_step.png")
    fgsm_pixels(OUT / "fgsm_pixels.png")
    reliability_idea(OUT / "reliability_idea.png")
    for p in sorted(OUT.glob("*.png")):
        print(p.name, p.stat().st_size // 1024, "KB")
