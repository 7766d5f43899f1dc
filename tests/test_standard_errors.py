"""Standard errors of the headline figures (engine.standard_errors, engine.bank_sampling)."""

from __future__ import annotations

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.engine.bank_sampling import (BANK_REPLICATES, bank_uniforms, distribution_quantile, random_group_se,
                                              ratio_group_se)
from burdenshare.engine.config import DEFAULT_BANK_SIZE

FIGURES = (("p_agreement",), ("p_ratified",), ("p_rejected_by_assembly",), ("increase_pct", "p10"),
           ("increase_pct", "p50"), ("increase_pct", "p90"), ("amount_first_year_krw", "p50"))


def _get(d, path):
    for k in path:
        d = d[k]
    return d


@pytest.fixture(scope="module")
def runs():
    sc = bs.load_scenario("sma-2020-hindsight")
    return [bs.simulate(sc, bs.RunConfig(draws=10_000, seed=s), keep_rows=s == 0).summary() for s in range(5)]


def test_defaults_errors_small_and_seeds_agree_within_3_5_se(runs):
    """Seeds 0-4 at the defaults: each estimate within 3.5 of its own SE of the pooled mean; the
    default run's (seed 0) probabilities carry errors of at most 0.01 (issue 11).  The estimated SE
    has 15 degrees of freedom (16 replicates; about 18 % relative error), so another seed's may
    exceed 0.01 (over seeds 0-19: RMS 0.0085, largest 0.0120 at seed 14; 0.0106 at seed 2, while
    the spread across the 20 seeds is 0.0080; benchmarks/README.md): bounded here by 0.0125."""
    assert runs[0]["bank_size"] == DEFAULT_BANK_SIZE and runs[0]["se"]["replicates"] == BANK_REPLICATES
    assert 0 < runs[0]["se"]["p_agreement"] <= 0.01 and 0 < runs[0]["se"]["p_ratified"] <= 0.01
    for s in runs:
        assert 0 < s["se"]["p_agreement"] <= 0.0125 and 0 < s["se"]["p_ratified"] <= 0.0125
    for path in FIGURES:
        est = np.array([_get(s, path) for s in runs])
        se = np.array([_get(s["se"], path) for s in runs])
        assert np.all(se >= 0), path  # a quantile on the amount grid may not move at all
        assert np.all(np.abs(est - est.mean()) <= 3.5 * se), (path, est, se)


def test_errors_same_with_and_without_rows():
    """The member of each draw is recomputed from the draws when the rows are not kept."""
    sc = bs.load_scenario("sma-2020-hindsight")
    cfg = bs.RunConfig(draws=3000, seed=7, bank_size=16)
    a = bs.simulate(sc, cfg).summary()["se"]
    b = bs.simulate(sc, cfg, keep_rows=False).summary()["se"]
    assert a == b and a["p_agreement"] > 0


def test_random_group_se_is_the_textbook_formula():
    rng = np.random.default_rng(3)
    x = rng.normal(size=400)
    g = np.arange(400) % 8
    means = np.array([x[g == r].mean() for r in range(8)])
    expect = np.sqrt(((means - means.mean()) ** 2).sum() / (8 * 7))
    assert random_group_se(g, 8, lambda m: float(x[m].mean())) == pytest.approx(expect, rel=1e-12)
    # nested results, and a replicate without the figure makes it unknown
    got = random_group_se(g, 8, lambda m: {"a": float(x[m].mean()), "b": None if m[0] else 1.0})
    assert got["a"] == pytest.approx(expect) and got["b"] is None


def test_ratio_group_se_is_the_linearized_ratio_variance():
    """Weighted by the group counts and centred on the full-sample figure: for a domain mean it is
    the textbook variance of a ratio estimator over R independent clusters (Cochran 1977, 6.4),
    (R / (R - 1)) sum_r (y_r - theta m_r)^2 / M^2; the plain form weights every group alike."""
    rng = np.random.default_rng(5)
    y = rng.normal(size=1000)
    dom = rng.random(1000) < 0.3  # a domain: the figure is the mean of y over it
    g = rng.integers(0, 16, size=1000)
    theta = float(y[dom].mean())
    reps = [float(y[dom & (g == r)].mean()) for r in range(16)]
    m = [int((dom & (g == r)).sum()) for r in range(16)]
    tot = [float(y[dom & (g == r)].sum()) for r in range(16)]
    expect = np.sqrt(16 / 15 * sum((t - theta * k) ** 2 for t, k in zip(tot, m)) / dom.sum() ** 2)
    assert ratio_group_se(reps, m, theta, 16) == pytest.approx(expect, rel=1e-12)
    # nested, a group without the figure or without a domain draw: unknown
    got = ratio_group_se([{"a": v, "b": None} for v in reps], [{"a": k, "b": k} for k in m], {"a": theta, "b": 1.0}, 16)
    assert got["a"] == pytest.approx(expect) and got["b"] is None
    assert ratio_group_se(reps, [0] + m[1:], theta, 16) is None


def test_bank_points_are_stratified_replicates_and_prefixes():
    u = bank_uniforms(11, 64, 5)
    assert np.array_equal(bank_uniforms(11, 256, 5)[:64], u)  # a larger bank extends a smaller one
    assert np.array_equal(bank_uniforms(11, 8, 5), u[:8])  # a bank smaller than R: one point of 8 replicates
    n = 64 // BANK_REPLICATES
    assert BANK_REPLICATES == 16 and n == 4
    for r in range(BANK_REPLICATES):
        pts = u[r::BANK_REPLICATES]  # one replicate: 4 scrambled Sobol' points
        for j in range(5):  # one point in each quarter of every coordinate
            assert sorted(np.floor(pts[:, j] * n).astype(int)) == list(range(n))
    assert not np.array_equal(bank_uniforms(12, 64, 5), u)


def test_distribution_quantiles_match_scipy():
    from scipy import stats

    from burdenshare.scenario.schema import Beta, LogNormal, Triangular, TruncNorm

    u = np.array([0.05, 0.5, 0.95])
    tn = TruncNorm(dist="truncnorm", param="x", mean=1.0, sd=2.0, low=0.0, high=3.0)
    assert np.allclose(distribution_quantile(tn, u), stats.truncnorm.ppf(u, -0.5, 1.0, loc=1.0, scale=2.0))
    be = Beta(dist="beta", param="x", a=2.0, b=3.0, low=1.0, high=3.0)
    assert np.allclose(distribution_quantile(be, u), 1.0 + 2.0 * stats.beta.ppf(u, 2.0, 3.0))
    tr = Triangular(dist="triangular", param="x", low=0.0, mode=1.0, high=4.0)
    assert np.allclose(distribution_quantile(tr, u), stats.triang.ppf(u, 0.25, loc=0.0, scale=4.0))
    ln = LogNormal(dist="lognormal", param="x", mu=0.1, sigma=0.5)
    assert np.allclose(distribution_quantile(ln, u), stats.lognorm.ppf(u, 0.5, scale=np.exp(0.1)))


def test_lattice_quantile_se_sees_the_jump_to_the_next_grid_point():
    """A median on a lattice at the edge between two support points jumps from sample to sample
    (Ma, Genton & Parzen 2011); the groups' own medians barely move.  Oracle: the SD of the median
    over 300 independent samples of a rounded normal (N = 2000, 16 random groups)."""
    from burdenshare.engine.bank_sampling import combine_replicates
    from burdenshare.engine.standard_errors import lattice_quantile_se

    rng = np.random.default_rng(1)
    qs, rg, se = [], [], []
    for _ in range(300):
        x = np.round(rng.normal(0.5, 3.0, size=2000))
        g = rng.integers(0, 16, size=2000)
        qs.append(np.quantile(x, 0.5))
        r = combine_replicates([float(np.quantile(x[g == k], 0.5)) for k in range(16)], 16)
        rg.append(r)
        se.append(max(r, lattice_quantile_se(x, g, 16, 0.5)))
    sd = np.std(qs, ddof=1)
    assert sd / np.sqrt(np.mean(np.square(rg))) > 3  # the random groups alone: understated 4x
    assert 0.7 < sd / np.sqrt(np.mean(np.square(se))) < 1.5
    # exact cases: half zeros, half ones (median 0.5, a move of 0.5 either way with probability 1/2)
    x = np.repeat([0.0, 1.0], 800)
    g = np.arange(1600) % 16
    assert lattice_quantile_se(x, g, 16, 0.5) == pytest.approx(0.5)
    # deep inside a mass point, no move
    x = np.repeat([0.0, 1.0, 2.0], [160, 1280, 160])
    assert lattice_quantile_se(x, np.arange(1600) % 16, 16, 0.5) < 1e-9
