"""Standard errors of the headline figures (engine.standard_errors, engine.bank_sampling)."""

from __future__ import annotations

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.engine.bank_sampling import BANK_REPLICATES, bank_uniforms, distribution_quantile, random_group_se
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
    default run's (seed 0) probabilities carry errors of at most 0.01 (issue 11).  The estimated
    SE has 7 degrees of freedom, so another seed's estimate may exceed 0.01 (0.014 for one of seeds
    1-4, while the spread across 20 seeds is 0.0064; benchmarks/README.md): bounded here by 0.02."""
    assert runs[0]["bank_size"] == DEFAULT_BANK_SIZE and runs[0]["se"]["replicates"] == BANK_REPLICATES
    assert 0 < runs[0]["se"]["p_agreement"] <= 0.01 and 0 < runs[0]["se"]["p_ratified"] <= 0.01
    for s in runs:
        assert 0 < s["se"]["p_agreement"] <= 0.02 and 0 < s["se"]["p_ratified"] <= 0.02
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


def test_bank_points_are_stratified_replicates_and_prefixes():
    u = bank_uniforms(11, 64, 5)
    assert np.array_equal(bank_uniforms(11, 256, 5)[:64], u)  # a larger bank extends a smaller one
    for r in range(BANK_REPLICATES):
        pts = u[r::BANK_REPLICATES]  # one replicate: 8 scrambled Sobol' points
        for j in range(5):  # one point in each eighth of every coordinate
            assert sorted(np.floor(pts[:, j] * 8).astype(int)) == list(range(8))
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
