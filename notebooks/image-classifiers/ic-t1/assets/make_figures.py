"""Draw the static figures of unit ic-t1 (run: .venv/bin/python make_figures.py).

Deterministic: the data ship with scikit-learn, and the one split below uses the notebook's seeds.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from grader.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

DPI = 100
QUERY = 3  # images[3] is a handwritten 3, used in the hook and in the explore figure


def draw_numbers(ax, grid, vmax, cmap, fmt="{:d}"):
    """A grid of numbers, each written in its square, shaded by its value."""
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=vmax)
    for r in range(grid.shape[0]):
        for c in range(grid.shape[1]):
            v = int(grid[r, c])
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=9,
                    color="white" if v > vmax * 0.55 else "black")
    ax.set_xticks(range(grid.shape[1]))
    ax.set_yticks(range(grid.shape[0]))
    ax.set_xlabel("column")
    ax.set_ylabel("row")


def digit_grid(images, labels):
    image = images[QUERY]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.4))
    left.imshow(image, cmap="gray_r", vmin=0, vmax=16)
    left.set_title(f"What you see: a handwritten {labels[QUERY]}")
    left.set_xticks(range(8))
    left.set_yticks(range(8))
    left.set_xlabel("column")
    left.set_ylabel("row")
    draw_numbers(right, image, 16, "gray_r")
    right.set_title("What the computer gets: 64 numbers (0-16)")
    fig.tight_layout()
    fig.savefig(OUT / "digit_grid.png", dpi=DPI)
    plt.close(fig)


def colour_grids():
    """A tiny 5x5 picture (a sun over the sea) and its red, green and blue grids."""
    sky, sun, sea = (255, 160, 40), (255, 230, 0), (20, 90, 200)
    picture = np.array([[sky] * 5, [sky, sky, sun, sky, sky], [sky, sun, sun, sun, sky],
                        [sea] * 5, [sea] * 5], dtype=np.uint8)
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.9), layout="constrained")
    axes[0].imshow(picture)
    axes[0].set_title("A 5 x 5 colour picture")
    axes[0].set_xticks(range(5))
    axes[0].set_yticks(range(5))
    axes[0].set_xlabel("column")
    axes[0].set_ylabel("row")
    titles = ("Red grid (0-255)", "Green grid (0-255)", "Blue grid (0-255)")
    for ax, channel, title, cmap in zip(axes[1:], range(3), titles, ("Reds", "Greens", "Blues")):
        draw_numbers(ax, picture[:, :, channel], 255, cmap)
        ax.set_title(title)
    fig.suptitle("A colour image is three grids of numbers: red, green and blue")
    fig.savefig(OUT / "colour_grids.png", dpi=DPI)
    plt.close(fig)


def five_neighbours(images, labels):
    image = images[QUERY]
    dist = np.sqrt(((images - image) ** 2).sum(axis=(1, 2)))
    dist[QUERY] = np.inf  # not itself
    nearest = np.argsort(dist, kind="stable")[:5]
    fig, axes = plt.subplots(1, 6, figsize=(12, 2.9))
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=16)
    axes[0].set_title(f"This image\n(a {labels[QUERY]})", fontweight="bold")
    axes[0].set_xlabel("column")
    axes[0].set_ylabel("row")
    for ax, i in zip(axes[1:], nearest):
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=16)
        ax.set_title(f"label {labels[i]}")
        ax.set_xlabel(f"distance {dist[i]:.1f}")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("An image and its 5 nearest neighbours among the other 1,796 images")
    fig.tight_layout()
    fig.savefig(OUT / "five_neighbours.png", dpi=DPI)
    plt.close(fig)


def three_piles(images, labels):
    """The three piles of the notebook's split cell, drawn as one bar cut in three."""
    rest_images, test_images, rest_labels, _ = train_test_split(
        images, labels, test_size=450, stratify=labels, random_state=0)
    train_images, val_images, _, _ = train_test_split(
        rest_images, rest_labels, test_size=347, stratify=rest_labels, random_state=2)
    piles = [
        (len(train_images), "training pile", "the examples it learns from\n(the textbook)", "#4c72b0"),
        (len(val_images), "validation pile", "to compare and choose k\n(practice tests)", "#dd8452"),
        (len(test_images), "test pile: sealed", "opened once, at the end\n(the final exam)", "#55a868"),
    ]
    fig, ax = plt.subplots(figsize=(11, 2.3))
    left = 0
    for size, name, job, colour in piles:
        ax.barh(0, size, left=left, color=colour, edgecolor="white", height=0.8)
        ax.text(left + size / 2, 0, f"{name}\n{size:,} images", ha="center", va="center",
                color="white", fontsize=11, fontweight="bold")
        ax.text(left + size / 2, -0.52, job, ha="center", va="top", fontsize=10)
        left += size
    ax.set_xlim(0, left)
    ax.set_ylim(-1.1, 0.45)
    ax.axis("off")
    ax.set_title(f"The {left:,} handwritten digits, dealt into three piles", fontsize=12)
    fig.tight_layout()
    fig.savefig(OUT / "three_piles.png", dpi=DPI)
    plt.close(fig)


if __name__ == "__main__":
    images, labels = load_digits()
    digit_grid(images, labels)
    colour_grids()
    five_neighbours(images, labels)
    three_piles(images, labels)
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.name}: {png.stat().st_size // 1024} KB")
