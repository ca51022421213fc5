"""Draw the static figures of unit dp-t1 (run: .venv/bin/python make_figures.py).

Deterministic: the made-up privacy-town tables ship with the course (nobody in them is real), and
the groups and matches below are computed exactly as the notebook computes them.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from grader.datasets import load_privacy_town  # noqa: E402

DPI = 100
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EXAMPLE17 = "11010820120315123"  # a made-up number: 海淀区, born 2012-03-15, sequence 123 (odd: male)
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52")


def id_anatomy():
    number = EXAMPLE17 + CHECK_CHARS[sum(int(d) * w for d, w in zip(EXAMPLE17, WEIGHTS)) % 11]
    parts = [
        (0, 6, "region code", "110108: 北京市海淀区\nwhere the number was\nfirst registered"),
        (6, 14, "date of birth", "2012-03-15\nyear, month, day"),
        (14, 17, "sequence\ncode", "123: the 17th\ndigit, 3, is odd:\nmale (even:\nfemale)"),
        (17, 18, "check\ncharacter", "computed\nfrom the\nfirst 17\ndigits"),
    ]
    fig, ax = plt.subplots(figsize=(11, 3.6))
    ax.set_xlim(-0.3, 18.6)
    ax.set_ylim(-2.9, 1.6)
    ax.axis("off")
    for (start, end, title, body), colour in zip(parts, COLOURS):
        for i in range(start, end):
            ax.add_patch(FancyBboxPatch((i + 0.06, 0), 0.88, 1, boxstyle="round,pad=0.02,rounding_size=0.1",
                                        facecolor=colour, edgecolor="none"))
            ax.text(i + 0.5, 0.5, number[i], ha="center", va="center", fontsize=20, color="white",
                    fontweight="bold")
            ax.text(i + 0.5, 1.2, str(i + 1), ha="center", va="center", fontsize=8, color="0.45")
        middle = (start + end) / 2
        ax.text(middle, -0.3, title, ha="center", va="top", fontsize=12, fontweight="bold", color=colour)
        ax.text(middle, -0.85 - 0.3 * title.count("\n"), body, ha="center", va="top", fontsize=9.5, color="0.2", linespacing=1.4)
    ax.set_title("What the 18 characters of a (made-up) ID number say", fontsize=14)
    fig.tight_layout()
    fig.savefig(OUT / "id_anatomy.png", dpi=DPI)
    plt.close(fig)


def table(ax, x, y, header, row, colours, title, below=False):
    """A one-row table drawn as boxes: header cells above, values below; its title above or below it."""
    width = 1.25
    ax.text(x + width * len(header) / 2, y - 0.15 if below else y + 1.35, title, ha="center",
            va="top" if below else "bottom", fontsize=12, fontweight="bold")
    for i, (h, v, c) in enumerate(zip(header, row, colours)):
        ax.add_patch(FancyBboxPatch((x + i * width, y + 0.6), width - 0.05, 0.6, boxstyle="square,pad=0",
                                    facecolor=c, edgecolor="white"))
        ax.text(x + i * width + width / 2, y + 0.9, h, ha="center", va="center", fontsize=8.5, color="white",
                linespacing=1.0)
        ax.add_patch(FancyBboxPatch((x + i * width, y), width - 0.05, 0.6, boxstyle="square,pad=0",
                                    facecolor="white", edgecolor="0.6"))
        ax.text(x + i * width + width / 2, y + 0.3, v, ha="center", va="center", fontsize=10)
    return [x + i * width + width / 2 for i in range(len(header))]


def join():
    health = load_privacy_town("health_release")
    volunteers = load_privacy_town("volunteers")
    qi = ["birth_date", "gender", "community"]
    sizes = volunteers.groupby(qi).size().rename("n").reset_index()
    matched = health.merge(sizes, on=qi)
    row = matched[(matched["n"] == 1) & (matched["allergy"] != "无")].iloc[0]
    person = volunteers.merge(row[qi].to_frame().T, on=qi).iloc[0]
    grey, key = "0.55", "#4c72b0"
    fig, ax = plt.subplots(figsize=(11, 4.4))
    ax.set_xlim(0, 11)
    ax.set_ylim(-0.6, 5.4)
    ax.axis("off")
    top = table(ax, 1.6, 3.3,
                ["birth date", "male or female", "home\ncommunity", "short sight", "allergic to", "went to\ncounselling"],
                [row["birth_date"], row["gender"], row["community"], str(row["myopia"]), row["allergy"],
                 str(row["counselling"])],
                [key, key, key, grey, grey, grey], "The school's health release: no names")
    bottom = table(ax, 0.35, 0.2, ["full name", "birth date", "male or female", "home\ncommunity", "building no.", "volunteer no."],
                   [person["name"], person["birth_date"], person["gender"], person["community"],
                    person["building"], person["volunteer_id"]],
                   [grey, key, key, key, grey, grey], "The subdistricts' volunteer roster: public", below=True)
    for a, b in zip(top[:3], bottom[1:4]):
        ax.add_patch(FancyArrowPatch((a, 3.25), (b, 1.25), arrowstyle="<|-|>", mutation_scale=16,
                                     linewidth=1.8, color="#dd8452"))
    ax.text(10.6, 2.05, "same birth date, gender\nand community: only one\nvolunteer matches, so the\nrow gets a name",
            ha="right", va="center", fontsize=10, color="#dd8452")
    ax.set_title("Joining on quasi-identifiers (nobody here is real)", fontsize=14)
    fig.tight_layout()
    fig.savefig(OUT / "join.png", dpi=DPI)
    plt.close(fig)


def group_sizes():
    health = load_privacy_town("health_release")
    detail = health.assign(birth_month=health["birth_date"].str[:7])
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for ax, cols, title in (
        (axes[0], ["birth_date", "gender", "community"], "birth date + gender + community"),
        (axes[1], ["birth_month", "gender", "street"], "birth month + gender + street"),
    ):
        sizes = detail.groupby(cols).size()
        counts = sizes.value_counts().sort_index()
        ax.bar(counts.index.astype(str), counts.values, color="#4c72b0")
        ax.set_title(f"{title}: k = {int(sizes.min())}")
        ax.set_xlabel("group size (pupils who share the same values)")
        ax.set_ylabel("number of groups")
    fig.suptitle("Before and after generalising the health release", fontsize=13)
    fig.tight_layout()
    fig.savefig(OUT / "group_sizes.png", dpi=DPI)
    plt.close(fig)


if __name__ == "__main__":
    id_anatomy()
    join()
    group_sizes()
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.name}: {png.stat().st_size // 1024} KB")
