"""Make the static figures for unit ic-t2 (run: python make_figures.py; writes PNGs beside it).

Deterministic: fixed image indices, fixed seed, no training. Needs only the
project's shapes28 data (grader.datasets), numpy, torch, torchvision, matplotlib.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision.transforms.v2.functional as F  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from grader.datasets import load_shapes28  # noqa: E402

plt.rcParams.update({"font.size": 10, "savefig.dpi": 100})


def first_of(labels, cls):
    return int(np.flatnonzero(labels == cls)[0])


def as_tensor(img):
    return torch.from_numpy(img).float().div(255).unsqueeze(0)


def shifts_figure(data):
    """One sketch under dimmer light (top) and a tilted camera (bottom)."""
    img = as_tensor(data["x_test"][first_of(data["y_test"], 6)])  # a heart
    factors = [1.0, 0.6, 0.3, 0.1]
    angles = [0, 10, 20, 30]
    fig, axes = plt.subplots(2, 4, figsize=(7.2, 4.2))
    for ax, b in zip(axes[0], factors):
        ax.imshow(F.adjust_brightness(img, b)[0], cmap="gray", vmin=0, vmax=1)
        ax.set_xlabel(f"brightness x{b}")
    for ax, a in zip(axes[1], angles):
        ax.imshow(F.rotate(img, a)[0], cmap="gray", vmin=0, vmax=1)
        ax.set_xlabel(f"rotated {a} degrees")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("dimmer light")
    axes[1, 0].set_ylabel("tilted camera")
    fig.suptitle("The same heart, photographed in a different room")
    fig.tight_layout()
    fig.savefig(OUT / "shifts.png")
    plt.close(fig)


def plus_cross_figure(data):
    """Rotating a plus by 45 degrees turns it into a cross: a label-changing 'augmentation'."""
    plus = as_tensor(data["x_train"][first_of(data["y_train"], 4)])
    cross = as_tensor(data["x_train"][first_of(data["y_train"], 5)])
    panels = [
        (plus, "a plus (label: plus)"),
        (F.rotate(plus, 45), "the plus rotated 45 degrees"),
        (cross, "a cross (label: cross)"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(6.6, 2.8))
    for ax, (img, text) in zip(axes, panels):
        ax.imshow(img[0], cmap="gray", vmin=0, vmax=1)
        ax.set_xlabel(text)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Too much rotation changes the label: a tilted plus is a cross")
    fig.tight_layout()
    fig.savefig(OUT / "plus_is_cross.png")
    plt.close(fig)


def mlp_figure():
    """Schematic of the network: 784 pixels -> hidden neurons (ReLU) -> 10 class scores."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    layers = [
        ("784 inputs\n(one per pixel)", 8, 0.0),
        ("hidden neurons\n(weighted sum, then ReLU)", 6, 1.0),
        ("10 outputs\n(one score per class)", 5, 2.0),
    ]
    centres = []
    for label, n, x in layers:
        ys = np.linspace(0.9, 0.1, n)
        centres.append([(x, y) for y in ys])
        ax.scatter([x] * n, ys, s=160, facecolor="#cfe3f7", edgecolor="#1f4e79", zorder=3)
        ax.text(x, -0.05, label, ha="center", va="top")
    for left, right in zip(centres[:-1], centres[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="#9aa7b4", lw=0.5, zorder=1)
    ax.text(1.0, 0.97, "every line is one weight; every hidden and output neuron also has one bias",
            ha="center", va="bottom")
    ax.add_patch(FancyArrowPatch((-0.45, 0.5), (-0.1, 0.5), arrowstyle="->", mutation_scale=15))
    ax.text(-0.5, 0.5, "28x28\nimage,\nflattened", ha="right", va="center")
    ax.set_xlim(-0.95, 2.4)
    ax.set_ylim(-0.25, 1.12)
    ax.set_xlabel("layer (data flows left to right)")
    ax.set_ylabel("neurons (only a few drawn)")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("A small neural network: pixels -> hidden neurons -> class scores")
    fig.tight_layout()
    fig.savefig(OUT / "mlp_diagram.png")
    plt.close(fig)


def main():
    torch.manual_seed(0)
    data = load_shapes28()
    shifts_figure(data)
    plus_cross_figure(data)
    mlp_figure()
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.name}: {png.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
