"""Make the static figures of unit dp-t3 (run: python make_figures.py).

Seeded and deterministic; writes the PNGs next to this script (or to assets/<lang>/ for a translation).
confidence_attack.png retrains the notebook's target model (same data, split, seed and settings, a few
seconds); epsilon_sigma.png only runs Opacus's RDP accountant; fedavg.png is a diagram.
The data is made up (privacy-town): nobody in it is real.
"""

from grader.i18n.figures import output_folder

OUT = output_folder(__file__)  # assets/, or assets/<lang>/ when `ailab figures` draws a translation
import warnings  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

warnings.filterwarnings("ignore")
plt.rcParams.update({"font.size": 10, "savefig.dpi": 100})


def target_scores():
    """The notebook's target model (cells 'splits' and 'target'): confidence in the true label."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    from grader.datasets import load_privacy_town

    torch.set_num_threads(1)
    survey = load_privacy_town("eye_survey")
    features = ["age", "gender", "outdoor_hours", "screen_hours", "sleep_hours", "parents_myopic"]
    x_all = survey[features].assign(gender=(survey["gender"] == "女").astype(float)).to_numpy(dtype=float)
    y_all = survey["myopia"].to_numpy()
    order = np.random.default_rng(0).permutation(len(survey))
    members, outsiders = order[:300], order[600:900]
    mu, sd = x_all[members].mean(axis=0), x_all[members].std(axis=0)
    X = torch.tensor((x_all - mu) / sd, dtype=torch.float32)
    y = torch.tensor(y_all)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(0)
    for _ in range(40):
        for batch in torch.randperm(300, generator=g).split(60):
            b = members[batch.numpy()]
            loss = F.cross_entropy(model(X[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        probs = F.softmax(model(X).double(), dim=1)
    scores = probs[torch.arange(len(y)), y].numpy()
    return scores[members], scores[outsiders]


def confidence_attack(path):
    members, outsiders = target_scores()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    bins = np.linspace(0, 1, 41)
    ax.hist(members, bins=bins, alpha=0.6, label="members (in the training data)")
    ax.hist(outsiders, bins=bins, alpha=0.6, label="outsiders (not in it)")
    ax.set_xlabel("confidence in the true label")
    ax.set_ylabel("number of pupils")
    ax.set_title("Members pile up near 1")
    ax.legend(loc="upper left", fontsize=8)
    taus = np.linspace(0, 1, 201)
    tpr = np.array([np.mean(members >= t) for t in taus])
    fpr = np.array([np.mean(outsiders >= t) for t in taus])
    bx.plot(taus, tpr, label="TPR (members called member)")
    bx.plot(taus, fpr, label="FPR (outsiders called member)")
    bx.plot(taus, tpr - fpr, color="C3", lw=2, label="advantage = TPR − FPR")
    bx.set_xlabel("threshold τ")
    bx.set_ylabel("rate")
    bx.set_title("The attack 'member if confidence ≥ τ'")
    bx.legend(loc="lower left", fontsize=8)
    bx.grid(alpha=0.3)
    fig.savefig(path)
    plt.close(fig)


def epsilon_sigma(path):
    from opacus.accountants import RDPAccountant

    sigmas = np.linspace(0.7, 6, 40)
    eps = []
    for s in sigmas:
        acc = RDPAccountant()
        acc.history = [(float(s), 0.2, 200)]
        eps.append(acc.get_epsilon(delta=1e-5))
    eps = np.array(eps)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    ax.plot(sigmas, eps, color="C0")
    for s in (1.0, 2.0, 4.0):
        ax.plot([s], [np.interp(s, sigmas, eps)], "o", color="C3")
    ax.set_yscale("log")
    ax.set_xlabel("noise multiplier σ")
    ax.set_ylabel("ε (δ = 1e-5)")
    ax.set_title("Sample rate 0.2, 200 steps: more noise, smaller ε")
    ax.grid(alpha=0.3, which="both")
    bound = np.expm1(np.minimum(eps, 50))
    bx.plot(sigmas, bound, color="C3")
    bx.axhline(1, color="k", ls="--", lw=1)
    bx.text(sigmas[0], 1.3, "advantage can never exceed 1", fontsize=8)
    bx.set_yscale("log")
    bx.set_xlabel("noise multiplier σ")
    bx.set_ylabel("bound e^ε − 1 on the advantage")
    bx.set_title("Yeom et al.'s bound says something only below 1")
    bx.grid(alpha=0.3, which="both")
    fig.savefig(path)
    plt.close(fig)


def fedavg(path):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(plt.Circle((0, 0), 0.36, color="#fde2c8", ec="k"))
    ax.text(0, 0.05, "the server", ha="center", va="center", fontsize=12)
    ax.text(0, -0.12, "weighted average", ha="center", va="center", fontsize=8)
    schools = ["一中", "二中", "三中", "四中", "五中", "六中"]
    for k, name in enumerate(schools):
        a = np.pi / 2 - k * np.pi / 3
        cx, cy = 1.15 * np.cos(a), 1.05 * np.sin(a)
        ax.add_patch(plt.Rectangle((cx - 0.27, cy - 0.17), 0.54, 0.34, color="#d6e6f5", ec="k"))
        ax.text(cx, cy + 0.05, name, ha="center", va="center", fontsize=11)
        ax.text(cx, cy - 0.09, "records stay here", ha="center", va="center", fontsize=7)
        ux, uy = np.cos(a), np.sin(a)
        px, py = -uy * 0.07, ux * 0.07
        ax.annotate("", xy=(0.4 * ux + px, 0.4 * uy + py), xytext=(0.8 * ux + px, 0.72 * uy + py),
                    arrowprops=dict(arrowstyle="->", color="C3", lw=1.5))
        ax.annotate("", xy=(0.8 * ux - px, 0.72 * uy - py), xytext=(0.4 * ux - px, 0.4 * uy - py),
                    arrowprops=dict(arrowstyle="->", color="C0", lw=1.5))
    ax.plot([], [], color="C0", label="global weights, to each school")
    ax.plot([], [], color="C3", label="the school's trained weights (no records), back to the server")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.08), fontsize=8, ncol=1)
    ax.set_title("Federated averaging: weights travel, records do not")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    confidence_attack(OUT / "confidence_attack.png")
    epsilon_sigma(OUT / "epsilon_sigma.png")
    fedavg(OUT / "fedavg.png")
