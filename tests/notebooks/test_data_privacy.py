"""The privacy numbers the data-privacy units teach, checked against independent computations.

The units' own checks compare a student's answer with the solution; these tests
check the solution itself: its functions (taken from the source notebooks, the
solution kept) against python-stdnum, closed forms, OpenDP and an RDP
accountant written here from the formulas, and its quoted numbers against the
same computations.
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter

import numpy as np
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from grader import datasets
from grader.authoring import units


def definitions(unit_id: str) -> dict:
    """The unit's imports, UPPER_CASE constants, functions and classes, without the rest of the notebook."""
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    namespace: dict = {}
    for cell in units.get(unit_id).notebook.cells:
        if cell.cell_type != "code" or units.is_test(cell):
            continue
        source = TransformerManager().transform_cell(units.with_answer(cell.source, None))
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a cell that is not Python even after IPython's own transformation
            continue
        for node in tree.body:
            targets = [
                n for t in getattr(node, "targets", []) for n in ast.walk(t) if isinstance(n, ast.Name)
            ]
            constant = isinstance(node, ast.Assign) and targets and all(n.id.isupper() for n in targets)
            if isinstance(node, keep) or constant:
                try:
                    exec(compile(ast.Module([node], []), unit_id, "exec"), namespace)  # noqa: S102
                except NameError:  # computed from the data: the rest of the notebook is not run
                    pass
    return namespace


def _all_quotes(unit_id: str) -> list[dict]:
    unit = units.get(unit_id)
    quotes = list(unit.meta.get("quotes", []))
    for cell in unit.notebook.cells:
        quotes += units.ailab_meta(cell).get("quotes", [])
    return quotes


def quoted(unit_id: str, name: str) -> list[str]:
    """The words a unit quotes for expressions that use ``name`` (validate keeps them equal to the run)."""
    quotes = _all_quotes(unit_id)
    found = [q["text"] for q in quotes if re.search(rf"\b{re.escape(name)}\b", q.get("expr", ""))]
    assert found, f"{unit_id} quotes nothing computed from {name}"
    return found


def number_in(text: str) -> float:
    return float(re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))[0])


@pytest.fixture(scope="module")
def t2():
    return definitions("dp-t2")


def test_randomized_response_epsilon_is_the_log_of_the_answer_ratio(t2):
    """ε = ln(P(yes | truly yes) / P(yes | truly no)), the ratio written out from the two-coin tree."""
    for t in (0.1, 0.25, 0.5, 0.8, 0.95):
        yes_if_yes, yes_if_no = t + (1 - t) / 2, (1 - t) / 2
        assert t2["rr_epsilon"](t) == pytest.approx(math.log(yes_if_yes / yes_if_no), rel=1e-12)
    assert t2["rr_epsilon"](0.5) == pytest.approx(math.log(3), rel=1e-12)
    assert any(number_in(q.split("=")[-1]) == round(math.log(3), 4) for q in quoted("dp-t2", "math"))


def test_randomized_response_estimate_is_unbiased_on_an_independent_simulation(t2):
    rng = np.random.default_rng(7)
    for t in (0.25, 0.5, 0.8):
        truth = rng.random(200_000) < 0.3
        honest = rng.random(truth.size) < t
        said_yes = np.where(honest, truth, rng.random(truth.size) < 0.5)
        assert t2["rr_estimate"](said_yes.mean(), t) == pytest.approx(truth.mean(), abs=0.01)


def test_randomized_response_spread_matches_the_binomial_formula_and_the_quote(t2):
    for n, t, p in ((1000, 0.5, 0.3), (4000, 0.5, 0.3), (1000, 0.25, 0.3), (500, 0.9, 0.6)):
        yes = t * p + (1 - t) / 2
        assert t2["rr_sd"](n, t, p) == pytest.approx(math.sqrt(yes * (1 - yes) / n) / t, rel=1e-12)
    assert "0.0310" in quoted("dp-t2", "_rr_sd_ref")


def test_laplace_scale_gives_the_epsilon_opendp_computes(t2):
    """OpenDP, an independent implementation, maps the students' scale back to the same ε."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    for sensitivity, epsilon in ((1.0, 0.5), (1.0, 0.1), (4 / 458, 1.0), (2.0, 3.0)):
        scale = t2["laplace_scale"](sensitivity, epsilon)
        assert scale == pytest.approx(sensitivity / epsilon, rel=1e-12)
        meas = dp.m.make_laplace(
            dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=scale
        )
        assert meas.map(sensitivity) == pytest.approx(epsilon, rel=1e-9)


def test_laplace_noise_has_the_distribution_of_its_scale(t2):
    from scipy import stats

    rng = np.random.default_rng(11)
    draws = np.array([t2["laplace_count"](0, 0.5, rng) for _ in range(20_000)])
    assert stats.kstest(draws, stats.laplace(scale=2.0).cdf).pvalue > 0.001
    assert np.abs(draws).mean() == pytest.approx(2.0, rel=0.05)  # the mean absolute error is b
    clipped = [
        t2["laplace_mean"]([1.0, 9.0, 3.0, 0.5], 4, 1.0, np.random.default_rng(s)) for s in range(4000)
    ]
    assert np.mean(clipped) == pytest.approx((1 + 4 + 3 + 0.5) / 4, abs=0.05)  # clipping at 4, noise mean 0
    assert np.std(clipped) == pytest.approx(math.sqrt(2) * (4 / 4) / 1.0, rel=0.05)  # sensitivity U/n


def test_the_accountant_adds_up_and_refuses_without_spending(t2):
    rng = np.random.default_rng(3)
    for _ in range(50):
        budget = float(rng.uniform(0.5, 3))
        account, spent = t2["Accountant"](budget), []
        for eps in rng.uniform(0.05, 0.8, size=12):
            if math.fsum([*spent, eps]) <= budget:
                account.spend(float(eps))
                spent.append(float(eps))
            else:
                with pytest.raises(t2["BudgetExceeded"]):
                    account.spend(float(eps))
            assert account.spent == pytest.approx(math.fsum(spent), abs=1e-9)
            assert account.remaining == pytest.approx(budget - math.fsum(spent), abs=1e-9)


def test_the_yearly_plan_splits_the_budget_as_the_prose_says(t2):
    eps, error = t2["plan_error"](1.0, 12)
    assert eps == pytest.approx(1 / 12) and error == pytest.approx(100 * (1 / 1000) / (1 / 12))
    words = quoted("dp-t2", "plan_error")
    assert f"ε = {1 / 12:.3f}" in words and f"{100 * 12 / 1000:.1f} percentage points" in words


@pytest.fixture(scope="module")
def t1():
    return definitions("dp-t1")


def test_check_digit_agrees_with_python_stdnum(t1):
    """python-stdnum implements GB 11643-1999 independently of the unit and of the dataset generator."""
    from stdnum.cn import ric

    roster = datasets.load_privacy_town("school_roster")
    rng = np.random.default_rng(5)
    made_up = ["".join(map(str, rng.integers(0, 10, 17))) for _ in range(500)]
    for first17 in [*roster.id_number.str[:17], *made_up]:
        # calc_check_digit ignores the last character of what it is given: pass a placeholder.
        assert t1["check_digit"](first17) == ric.calc_check_digit(first17 + "?"), first17


def test_k_anonymity_is_the_smallest_group_counted_independently(t1):
    release = datasets.load_privacy_town("health_release")
    release["month"] = release.birth_date.str[:7]
    for columns in (
        ["birth_date", "gender", "community"],
        ["month", "street"],
        ["gender"],
        ["street", "allergy"],
    ):
        smallest = min(Counter(map(tuple, release[columns].values)).values())
        assert t1["k_anonymity"](release, columns) == smallest, columns


def test_the_reidentification_count_the_unit_quotes_is_the_datacards(t1):
    """234 of 240 is counted again here with a Counter over the volunteer roster, not with pandas' merge."""
    release, volunteers = (datasets.load_privacy_town(n) for n in ("health_release", "volunteers"))
    qi = ["birth_date", "gender", "community"]
    roster = Counter(map(tuple, volunteers[qi].values))
    unique = sum(roster[key] == 1 for key in map(tuple, release[qi].values))
    assert f"{unique} of the {len(release)}" in quoted("dp-t1", "named_q4")


@pytest.fixture(scope="module")
def t3():
    return definitions("dp-t3")


def _log_rdp_subsampled_gaussian(q: float, sigma: float, alpha: int) -> float:
    """RDP of one Poisson-subsampled Gaussian step at integer order alpha (Mironov, Talwar and Zhang 2019).

    A_alpha = sum_k C(alpha, k) (1 - q)^(alpha - k) q^k exp((k^2 - k) / (2 sigma^2)); the RDP is
    log(A_alpha) / (alpha - 1). Written here from the formula, not taken from Opacus.
    """
    from scipy.special import gammaln, logsumexp

    k = np.arange(alpha + 1)
    log_binom = gammaln(alpha + 1) - gammaln(k + 1) - gammaln(alpha - k + 1)
    terms = log_binom + (alpha - k) * np.log1p(-q) + k * np.log(q) + (k * k - k) / (2 * sigma**2)
    return float(logsumexp(terms)) / (alpha - 1)


def independent_epsilon(q: float, sigma: float, steps: int, delta: float) -> float:
    """ε for δ after ``steps`` steps, minimised over integer orders 2-256 (Balle et al. 2020's conversion)."""
    return min(
        steps * _log_rdp_subsampled_gaussian(q, sigma, a)
        + math.log1p(-1 / a)
        - (math.log(delta) + math.log(a)) / (a - 1)
        for a in range(2, 257)
    )


def test_dp_sgd_epsilons_the_unit_quotes_agree_with_an_independent_rdp_accountant(t3):
    """Opacus also uses fractional orders, so its ε may be up to about 1 % below the integer-order one."""
    steps = int(quoted("dp-t3", "STEPS")[0])
    assert steps == t3["EPOCHS"] * round(1 / (t3["BATCH"] / 300))  # Poisson batches of 60 from 300 members
    q = t3["BATCH"] / 300
    sweep_words = [
        q_["text"]
        for q_ in _all_quotes("dp-t3")
        if re.search(r"sweep\['epsilon'\]\.iloc\[\d\]\), '\.1f'", q_.get("expr", ""))
    ]
    taught = sorted({number_in(t) for t in sweep_words}, reverse=True)
    assert len(taught) == len(t3["SIGMAS"])
    for sigma, words in zip(sorted(t3["SIGMAS"]), taught, strict=True):
        mine = independent_epsilon(q, sigma, steps, t3["DELTA"])
        assert mine * 0.985 - 0.05 <= words <= mine + 0.05, (sigma, words, mine)
    main = number_in(quoted("dp-t3", "EPSILON")[0])
    assert main == pytest.approx(independent_epsilon(q, t3["SIGMA"], steps, t3["DELTA"]), abs=0.05)


def test_attack_advantage_is_tpr_minus_fpr_of_sklearns_roc_curve(t3):
    from sklearn.metrics import roc_curve

    rng = np.random.default_rng(2)
    members, outsiders = rng.beta(5, 2, 400), rng.beta(3, 2, 500)
    labels, scores = np.r_[np.ones(400), np.zeros(500)], np.r_[members, outsiders]
    fpr, tpr, thresholds = roc_curve(labels, scores)
    for tau, f, t in list(zip(thresholds, fpr, tpr, strict=True))[1:]:  # the first threshold is +inf
        assert t3["attack_advantage"](members, outsiders, tau) == pytest.approx(t - f, abs=1e-12)


def test_clip_and_noise_clips_each_example_and_adds_noise_of_the_stated_size(t3):
    import torch

    grads = torch.tensor([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])  # norms 5, 0.5, 0
    exact = t3["clip_and_noise"](grads, 1.0, 0.0, torch.Generator().manual_seed(0))
    assert torch.allclose(exact, (torch.tensor([0.6, 0.8]) + torch.tensor([0.3, 0.4])) / 3)
    big = t3["clip_and_noise"](grads, 1e9, 0.0, torch.Generator().manual_seed(0))
    assert torch.allclose(big, grads.mean(dim=0))  # no clipping, no noise: the ordinary mean gradient
    zeros = torch.zeros(4, 5000)
    noisy = t3["clip_and_noise"](zeros, 2.0, 1.5, torch.Generator().manual_seed(1))
    assert float(noisy.std()) == pytest.approx(1.5 * 2.0 / 4, rel=0.05)  # N(0, (σC)²) per coordinate, / B


def test_fedavg_weights_each_school_by_its_pupils(t3):
    import torch

    states = [
        {"w": torch.full((2, 2), float(v)), "b": torch.tensor([v, -v], dtype=torch.float32)}
        for v in (1, 2, 6)
    ]
    counts = [100, 300, 100]
    merged = t3["fedavg"](states, counts)
    for name in ("w", "b"):
        expected = sum(s[name] * n for s, n in zip(states, counts, strict=True)) / sum(counts)
        assert torch.allclose(merged[name], expected)
