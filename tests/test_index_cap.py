"""The cap of an index-linked escalator as a bargained issue (issue 11, ``bargaining.index_cap``): each
side values a text by the expected schedule under the index uncertainty it prices (censored-normal
moments), with its own discount rate and a mean-sd risk price, through the bargained rate's machinery."""

from __future__ import annotations

import functools
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import integrate, stats

from burdenshare.agreement import level_factors
from burdenshare.bargaining.index_cap import cap_grid, capped_moments, expected_level_factors
from burdenshare.bargaining.rate_value import _level, _level_sd, escalator_grid, scenario_rate_costs
from burdenshare.engine import simulate
from burdenshare.engine.index_draws import index_draws_of
from burdenshare.engine.plan import build_plan
from burdenshare.scenario import Scenario, load_scenario
from _refusals import assert_override_refused
from test_engine import _kernel_vs_reference

W = 10_389_000_000.0  # 1 % of the current agreement, won per year per squared year (as test_rate_value)
CAPS = [1.0, 2.0, 3.0, 4.0, 100.0]  # 100: above every plausible CPI rate
R = 0.03  # the hindsight scenario's cost_model.discount_rate
MU, SD = 2.0, 1.5  # the assumed CPI inflation 2020-2025 and its stated sd (percent)
TERMS = [1, 2, 3, 4, 5]


def _with_caps(lam_us: float | None = None, lam_rok: float | None = None, r_us: float | None = None,
               r_rok: float | None = None, caps: list[float] | None = CAPS, sd: float = SD, *overrides: str) -> Scenario:
    """sma-2020-hindsight with a CPI-linked escalator capped at 4 % (the 9th SMA's rule; no lag), CPI
    assumed at 2 % a year from 2020 with sd ``sd``, both sides preferring a five-year term (as
    test_rate_value), the bargained caps ``caps``, risk prices and own discount rates (None: unset)."""
    d = load_scenario("sma-2020-hindsight", list(overrides)).model_dump(by_alias=True)
    d["uncertainty"] = [u for u in d["uncertainty"] if ".term_preference." not in u["param"]]
    for gov, lam, r in (("us", lam_us, r_us), ("rok", lam_rok, r_rok)):
        d["strategies"][gov]["term_preference"] = {"ideal_years": 5, "weight_krw": W}
        d["strategies"][gov]["index_risk_aversion"] = lam
        d["strategies"][gov]["discount_rate"] = r
    d["cost_model"]["escalator"].update({"kind": "cpi", "rate_pct": 0.0, "cap_pct": 4.0, "cap_grid_pct": caps})
    d["cost_model"]["index_growth_pct"] = {"cpi": {y: MU for y in range(2020, 2026)}}
    d["cost_model"]["index_growth_sd_pct"] = {"cpi": {y: sd for y in range(2020, 2026)} if sd > 0 else {}}
    return Scenario.model_validate(d)


# --------------------------------------------------------------------------- the closed form


@pytest.mark.parametrize("mu, sigma, cap", [(2.0, 1.5, 4.0), (2.0, 1.5, 1.0), (2.0, 1.5, 2.0), (5.0, 3.0, 0.0),
                                            (-1.0, 0.5, 3.0)])
def test_censored_moments_equal_monte_carlo_and_quadrature(mu: float, sigma: float, cap: float) -> None:
    """E[min(G, c)] and E[min(G, c)^2] of the closed form against 2 million draws (within 5 standard
    errors) and against numerical integration (1e-9)."""
    m1, m2 = capped_moments(mu, sigma, cap)
    x = np.minimum(np.random.default_rng(7).normal(mu, sigma, 2_000_000), cap)
    assert abs(x.mean() - m1) < 5 * x.std() / math.sqrt(x.size)
    assert abs((x * x).mean() - m2) < 5 * (x * x).std() / math.sqrt(x.size)
    pdf = stats.norm(mu, sigma).pdf
    lo, hi = mu - 12 * sigma, mu + 12 * sigma
    q1 = integrate.quad(lambda g: min(g, cap) * pdf(g), lo, hi, points=[cap], limit=200)[0]
    q2 = integrate.quad(lambda g: min(g, cap) ** 2 * pdf(g), lo, hi, points=[cap], limit=200)[0]
    assert m1 == pytest.approx(q1, abs=1e-9) and m2 == pytest.approx(q2, abs=1e-9)
    assert capped_moments(mu, 0.0, cap) == (min(mu, cap), min(mu, cap) ** 2)


def test_the_expected_schedule_equals_the_engines_drawn_paths() -> None:
    """The grid's expected level factor and each side's sd of the level equivalent (at its own rate)
    are the mean and sd over the engine's own drawn index paths capped at that cap
    (``IndexDraws.factors``, 400,000 draws), for every term and cap."""
    s = _with_caps()
    g = cap_grid(s, TERMS)
    ix = index_draws_of(s, TERMS)
    assert g is not None and ix is not None and g.issue == "cap" and g.g0 == 3 and g.second is not None
    z = np.random.default_rng(11).standard_normal((400_000, ix.n))
    for gi, c in enumerate(CAPS):
        _, year = ix.factors(z, caps=np.full(z.shape[0], c))
        for d, m in enumerate(TERMS):
            for rate in (R, 0.10):
                v = (1.0 + rate) ** -np.arange(m)
                lv = (year[:, d, :m] * v).sum(axis=1) / v.sum()
                mean = _level(g.weights, d, gi, m, rate)
                sd = _level_sd(g.weights, g.second, d, gi, m, rate)
                assert abs(lv.mean() - mean) < 5 * lv.std() / math.sqrt(lv.size) + 1e-15, (c, m, rate)
                assert sd == pytest.approx(lv.std(), rel=1e-2, abs=1e-12), (c, m, rate)
            assert g.level[d, gi] == pytest.approx(_level(g.weights, d, gi, m, R), rel=1e-14)
    assert np.all(g.level[0] == 1.0)  # one year: no later payment


def _oracle(c: float, m: int, rate: float, lam: float, sign: float) -> float:
    """Mean +- lam sd of the level equivalent per won of opening amount at ``rate``, independently of
    the module: yearly moments by quadrature, the variance of sum_y v^y W_y from E[W_y W_z]."""
    pdf = stats.norm(MU, SD).pdf
    e1 = integrate.quad(lambda g: (1 + min(g, c) / 100) * pdf(g), MU - 12 * SD, MU + 12 * SD, points=[c], limit=200)[0]
    e2 = integrate.quad(lambda g: (1 + min(g, c) / 100) ** 2 * pdf(g), MU - 12 * SD, MU + 12 * SD, points=[c],
                        limit=200)[0]
    v = [(1 + rate) ** -y for y in range(m)]
    mean = sum(v[y] * e1 ** y for y in range(m))
    second = sum(v[y] * v[z] * e2 ** min(y, z) * e1 ** abs(z - y) for y in range(m) for z in range(m))
    return (mean + sign * lam * math.sqrt(max(second - mean * mean, 0.0))) / sum(v)


def test_costs_are_the_mean_sd_values_of_the_expected_schedule() -> None:
    """k_US = 1 - (E_US - lam_US S_US) / f, k_K = (E_K + lam_K S_K) / f - 1 (an independent oracle);
    a risk-averse host's cost rises with the cap, the risk-neutral US's is 0 on the whole grid (it
    discounts at r), and the efficient cap and the host's ideal are the lowest cap (a corner); a
    one-year term keeps the family's cap."""
    s = _with_caps(None, 2.0, None, 0.06)
    g = cap_grid(s, TERMS)
    assert g is not None
    rc, rgi = scenario_rate_costs(s, g)
    for d, m in enumerate(TERMS):
        for gi, c in enumerate(CAPS):
            f = _oracle(c, m, R, 0.0, 0.0)
            assert rc[0, d, gi] == 0.0
            assert rc[1, d, gi] == pytest.approx(_oracle(c, m, 0.06, 2.0, 1.0) / f - 1.0, abs=1e-9)
    assert np.all(np.diff(rc[1, 1:], axis=1) > 0)  # a lower cap: a smaller premium
    assert rgi[:, 0].tolist() == [3, 3, 3]
    assert rgi[0, 1:].tolist() == [3] * 4 and rgi[1, 1:].tolist() == [0] * 4 and rgi[2, 1:].tolist() == [0] * 4
    rc, rgi = scenario_rate_costs(s, g, risk=(2.0, 0.0))  # the mirror: a risk-averse US
    for d, m in enumerate(TERMS):
        for gi, c in enumerate(CAPS):
            f = _oracle(c, m, R, 0.0, 0.0)
            assert rc[0, d, gi] == pytest.approx(1.0 - _oracle(c, m, R, 2.0, -1.0) / f, abs=1e-9)
    assert rgi[0, 1:].tolist() == [0] * 4 and rgi[2, 1:].tolist() == [0] * 4


def test_a_defence_budget_family_with_a_lag_and_a_jump_reads_its_own_path() -> None:
    """The 11th SMA's shape: a defence-budget-linked family (lag 1, a jump in year 2) with caps on
    the table: the expected level factor is the oracle's over the lagged index years, the jump year
    grows by its sure rate under every cap, and years known from the data carry no spread."""
    d = _with_caps().model_dump(by_alias=True)
    d["cost_model"]["escalator"].update({"kind": "defense_budget", "lag_years": 1, "jump_year": 2, "jump_pct": 13.9,
                                         "cap_pct": 8.0, "cap_grid_pct": [4.0, 8.0]})
    d["cost_model"]["index_growth_pct"] = {"defense_budget": {y: 7.0 for y in range(2020, 2025)}}
    d["cost_model"]["index_growth_sd_pct"] = {"defense_budget": {y: 2.0 for y in range(2020, 2025)}}
    s = Scenario.model_validate(d)
    g = cap_grid(s, TERMS)
    assert g is not None and g.g0 == 1 and g.second is not None
    for gi, c in enumerate((4.0, 8.0)):
        e1, e2 = capped_moments(7.0, 2.0, c)
        mean = [1.0, 1.139]  # year 2: the jump
        for _ in range(3):  # years 3-5 read 2021-2023, assumed with sd 2
            mean.append(mean[-1] * (1 + e1 / 100))
        assert np.allclose(g.weights[-1, gi], mean, rtol=1e-14)
        assert g.second[-1, gi, 1] == 0.0  # the jump: a sure year
        cv2 = (e2 - e1 * e1) / 1e4 / (1 + e1 / 100) ** 2  # Var(X/100) / E[1 + X/100]^2
        assert g.second[-1, gi, 2] == pytest.approx(cv2, rel=1e-12)
        assert g.second[-1, gi, 4] == pytest.approx((1 + cv2) ** 3 - 1, rel=1e-12)
        v = (1 + R) ** -np.arange(5)
        assert g.level[-1, gi] == pytest.approx(float(np.dot(mean, v) / v.sum()), rel=1e-14)
    d["cost_model"]["escalator"].update({"jump_year": None, "jump_pct": None, "lag_years": 2})
    g = cap_grid(Scenario.model_validate(d), TERMS)  # year 2 (2021) reads 2019, known from the data
    assert g is not None and g.second is not None
    assert np.all(g.second[-1, :, 1] == 0.0) and np.all(g.second[-1, :, 2] > 0.0)


def test_a_cap_above_every_plausible_growth_is_worth_nothing() -> None:
    """Caps 12 (= mu + 6.7 sd) and 100 give the same expected schedule and the same costs to 1e-12,
    for risk-averse sides with their own discount rates."""
    s = _with_caps(1.0, 2.0, 0.05, 0.08, [4.0, 12.0, 100.0])
    g = cap_grid(s, TERMS)
    assert g is not None
    rc, _ = scenario_rate_costs(s, g)
    assert np.allclose(g.level[:, 1], g.level[:, 2], rtol=0, atol=1e-12)
    assert np.allclose(rc[:, :, 1], rc[:, :, 2], rtol=0, atol=1e-12)
    assert np.all(rc[:, 1:, 0] != rc[:, 1:, 2])  # the 4 % cap binds


def test_equal_rates_and_no_risk_price_cost_nothing_exactly() -> None:
    s = _with_caps(0.0, None, R, None)
    g = cap_grid(s, TERMS)
    assert g is not None
    rc, rgi = scenario_rate_costs(s, g)
    assert np.all(rc == 0.0) and np.all(rgi == g.g0)


# --------------------------------------------------------------------------- the engine


@functools.lru_cache(maxsize=None)
def _run(lam_us: float | None, lam_rok: float | None, r_us: float | None, r_rok: float | None, sd: float = SD,
         draws: int = 1200) -> Any:
    return simulate(_with_caps(lam_us, lam_rok, r_us, r_rok, CAPS, sd), draws=draws, seed=0, bank_size=1)


def _caps(r: Any) -> Counter[float]:
    o = r.outcomes
    return Counter(float(c) for c in o["escalator_cap_pct"][o["ratified"] == 1])


def _mean(c: Counter[float]) -> float:
    return sum(k * v for k, v in c.items()) / sum(c.values())


@pytest.mark.parametrize("sd", [0.0, SD])
def test_nothing_priced_is_bit_identical_to_the_unbargained_cap(sd: float) -> None:
    """With equal discount rates and no risk price the cap grid changes nothing: the same outcomes
    and summary, bit for bit, as the family without a grid.  Both sign at the expected schedule's
    level (``expected_level_factors``: the central one without index uncertainty, where it is
    ``level_factors``), and a drawn index path moves only the later payments of either."""
    a = simulate(_with_caps(0.0, None, R, None, CAPS, sd), draws=1000, seed=0, bank_size=1)
    b = simulate(_with_caps(None, None, None, None, None, sd), draws=1000, seed=0, bank_size=1)
    g = a.plan.rate_grid
    assert g is not None and np.array_equal(g.level[:, g.g0], expected_level_factors(_with_caps(sd=sd), TERMS))
    assert np.array_equal(b.plan.level_factors(), expected_level_factors(_with_caps(sd=sd), TERMS))
    if sd == 0.0:
        assert np.array_equal(g.level[:, g.g0], level_factors(_with_caps(sd=0.0), TERMS))
    assert set(a.outcomes) - set(b.outcomes) == {"escalator_cap_pct"}
    for k, v in b.outcomes.items():
        assert np.array_equal(v, a.outcomes[k], equal_nan=True), k
    sa, sb = a.summary(), b.summary()
    for k in ("run_id", "scenario_hash"):
        sa.pop(k), sb.pop(k)
    caps = sa.pop("escalator_cap_pct")
    assert sa == sb and caps["p"]["4"] == 1.0 and caps["mean"] == 4.0


def test_a_risk_averse_host_signs_a_lower_cap_and_the_mirror() -> None:
    """A host discounting at 6 % against the US's 3 % prefers late payments: without risk prices
    every ratified text is uncapped (100 %).  Pricing the index risk (lambda = 1) moves the signed
    cap to the lowest (1 %), whichever side prices it: a risk-averse host against a risk-neutral US,
    and the mirror.  With equal rates and only the US risk-averse the indifferent host concedes from
    the family's cap (4 %) and the lowest cap is a mass point."""
    base = _caps(_run(None, None, 0.03, 0.06))
    host = _caps(_run(None, 1.0, 0.03, 0.06))
    us = _caps(_run(1.0, None, 0.03, 0.06))
    assert sum(base.values()) > 300 and base == Counter({100.0: sum(base.values())})
    assert sum(host.values()) > 300 and set(host) == {1.0}
    assert sum(us.values()) > 300 and _mean(us) < 20.0 and us[1.0] / sum(us.values()) > 0.8
    us_only = _caps(_run(1.0, None, None, None))
    assert set(us_only) <= {1.0, 2.0, 3.0, 4.0} and us_only[1.0] / sum(us_only.values()) > 0.8


def test_utilities_and_opening_amount_value_the_signed_cap() -> None:
    """u_K = delta^k (cap - x - c_K(m) - x k_K(m, c)), k_K with the host's premium (the oracle); the
    opening amount is x / f_m(c; r), f the expected schedule's level factor (not the drawn path)."""
    r = _run(None, 1.0, 0.03, 0.06)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    m = o["duration_years"][ok]
    c = o["escalator_cap_pct"][ok]
    k = o["ratified_round"][ok].astype(float)
    f = np.array([_oracle(cc, int(mm), R, 0.0, 0.0) for cc, mm in zip(c, m)])
    x = o["amount_krw"][ok] * f  # the level equivalent on the grid
    assert np.allclose(x, np.round((x - r.plan.amount_min) / r.plan.amount_step) * r.plan.amount_step
                       + r.plan.amount_min, rtol=1e-12)
    k_k = np.array([_oracle(cc, int(mm), 0.06, 1.0, 1.0) for cc, mm in zip(c, m)]) / f - 1.0
    k_us = 1.0 - np.array([_oracle(cc, int(mm), 0.03, 0.0, 0.0) for cc, mm in zip(c, m)]) / f
    n_rej = (o["rejections_president"] + o["rejections_assembly"])[ok]
    cap = np.maximum(p["r_rok"], p["open_rok"])[ok] + r.plan.drawdown_shift_krw
    u_rok = p["delta_rok"][ok] ** k * (cap - x - W * (m - 5.0) ** 2 - x * k_k)
    u_us = p["delta_us"][ok] ** k * (x - p["r_us"][ok] - W * (m - 5.0) ** 2 - x * k_us)
    assert np.allclose(o["utility_rok_krw"][ok] + o["impasse_cost_rok_krw"][ok] + p["aud_rok"][ok] * n_rej, u_rok,
                       rtol=1e-8, atol=1e3)
    assert np.allclose(o["utility_us_krw"][ok] + o["impasse_cost_us_krw"][ok] + p["aud_us"][ok] * n_rej, u_us,
                       rtol=1e-8, atol=1e3)


def test_the_schedule_grows_at_most_by_the_signed_cap() -> None:
    """``schedule_krw`` reads each draw's index path capped at its signed cap: with every text at
    1 %, each year's quantiles are at most the opening amount's times 1.01^i, and below it where
    the drawn CPI falls under the cap."""
    s = _run(None, 1.0, 0.03, 0.06).summary()
    assert s["escalator_cap_pct"]["p"]["1"] == 1.0 and s["term_years"]["p"] == {"5": 1.0}
    first = s["amount_first_year_krw"]
    sched = s["schedule_krw"]
    for i, year in enumerate(range(2020, 2025)):
        for q in ("p10", "p50", "p90"):
            assert sched[str(year)][q] <= first[q] * 1.01 ** i * (1 + 1e-12)
    assert sched["2020"] == pytest.approx(first, rel=1e-15)
    assert sched["2024"]["p50"] < first["p50"] * 1.01 ** 4  # below the cap in part of the draws


def test_drawn_discount_rates_reach_the_kernel_with_a_cap_grid() -> None:
    """A prior on the host's discount rate is read where the cap is bargained: draws whose host
    discounts above the US's 3 % prefer growth and sign the uncapped text, those below it the
    lowest cap (the US's ideal is then the family's cap, the efficient one the lowest)."""
    d = _with_caps(None, None, 0.03, 0.04).model_dump(by_alias=True)
    d["uncertainty"].append({"param": "strategies.rok.discount_rate", "dist": "uniform", "low": 0.0, "high": 0.08,
                             "source": "test"})
    r = simulate(Scenario.model_validate(d), draws=1500, seed=0, bank_size=1)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    dr = p["param:strategies.rok.discount_rate"][ok]
    c = o["escalator_cap_pct"][ok]
    assert ok.sum() > 300
    assert np.all(c[dr > 0.031] == 100.0) and np.mean(c[dr < 0.029] == 1.0) > 0.8


def _drawn_risk(low: float = 0.0, high: float = 0.5, r_rok: float = 0.06) -> Scenario:
    """_with_caps with the host discounting at ``r_rok`` against the US's 3 % and a uniform prior on
    the host's index risk price."""
    d = _with_caps(None, 0.25, 0.03, r_rok).model_dump(by_alias=True)
    d["uncertainty"].append({"param": "strategies.rok.index_risk_aversion", "dist": "uniform", "low": low,
                             "high": high, "source": "test"})
    return Scenario.model_validate(d)


def test_a_drawn_index_risk_price_reaches_the_kernel() -> None:
    """A prior on the host's risk price is read per draw: a host discounting at 6 % against the US's
    3 % prefers late payments, so draws pricing the risk little sign the uncapped text (100 %) and
    draws pricing it much the lowest cap (1 %); between them the signed cap falls with the price.
    Each draw's signed cap is one the cost function gives that draw at its own price."""
    r = simulate(_drawn_risk(), draws=1500, seed=0, bank_size=1)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    lam = p["param:strategies.rok.index_risk_aversion"][ok]
    c = o["escalator_cap_pct"][ok]
    assert ok.sum() > 300 and lam.min() < 0.02 and lam.max() > 0.4
    assert np.all(c[lam < 0.02] == 100.0) and np.all(c[lam > 0.15] == 1.0)
    means = [lam[c == cap].mean() for cap in CAPS if np.any(c == cap)]
    assert len(means) >= 3 and means == sorted(means, reverse=True)  # a higher price, a lower cap
    g = r.plan.rate_grid
    for lv, cv, m in zip(lam[:50], c[:50], o["duration_years"][ok][:50]):  # between the sides' ideals
        _, rgi = scenario_rate_costs(_drawn_risk(), g, rates=(0.03, 0.06), risk=(0.0, float(lv)))
        d = TERMS.index(int(m))
        lo, hi = sorted((int(rgi[0, d]), int(rgi[1, d])))
        assert CAPS[lo] <= cv <= CAPS[hi] or cv == CAPS[int(rgi[2, d])]


def test_kernel_equals_reference_with_a_drawn_risk_price() -> None:
    _kernel_vs_reference(_drawn_risk(0.0, 2.0), draws=300, seed=3)


def test_a_drawn_risk_price_is_bit_identical_across_chunk_sizes() -> None:
    s = _drawn_risk(0.0, 2.0)
    a = simulate(s, draws=2500, seed=4, bank_size=1, chunk_size=1024)  # three chunks of whole blocks
    b = simulate(s, draws=2500, seed=4, bank_size=1, chunk_size=4096)  # one
    assert set(a.outcomes) == set(b.outcomes)
    for k, v in a.outcomes.items():
        assert np.array_equal(v, b.outcomes[k], equal_nan=True), k
    assert len(set(a.params["param:strategies.rok.index_risk_aversion"].tolist())) > 2000
    assert len(set(a.outcomes["escalator_cap_pct"][a.outcomes["ratified"] == 1].tolist())) >= 2


def test_a_prior_on_the_risk_price_that_can_go_negative_is_one_line_exit_2(tmp_path: Path) -> None:
    """Through the CLI: a uniform prior reaching below 0, or a normal one (unbounded), names the
    field, exit 2, one line, no store; so does a prior where the cap is not bargained."""
    from burdenshare.scenario.io import dump_scenario

    good = tmp_path / "risk.toml"
    good.write_text(dump_scenario(_drawn_risk(0.0, 2.0)), encoding="utf-8")
    i = len(_drawn_risk().uncertainty) - 1
    cases = [[f"uncertainty.{i}.low=-0.5"],
             [f"uncertainty.{i}={{param='strategies.rok.index_risk_aversion',dist='normal',mean=1.0,sd=0.5,source='t'}}"],
             ["cost_model.escalator.cap_grid_pct=[4.0]"]]
    for sets in cases:
        store = tmp_path / "s.duckdb"
        cmd = [sys.executable, "-m", "burdenshare", "run", str(good), "--draws", "5", "--store", str(store)]
        for s in sets:
            cmd += ["--set", s]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1, (sets, out.stderr)
        assert "strategies.rok.index_risk_aversion" in lines[0] and f"uncertainty.{i}" in lines[0], lines
        assert not store.exists()


@pytest.mark.parametrize("args, overrides", [
    ((None, 1.0, 0.03, 0.06), []),
    ((1.0, None, 0.06, 0.03), ["strategies.rok.kind=tit_for_tat"]),
    ((0.5, 2.0, None, None), ["parties.host_executive.submission=immediate", "strategies.us.kind=conceder",
                              "strategies.us.exponent=0.3333333333333333"]),
])
def test_kernel_equals_reference_with_a_bargained_cap(args: tuple[Any, ...], overrides: list[str]) -> None:
    _kernel_vs_reference(_with_caps(*args, CAPS, SD, *overrides), draws=300, seed=3)


def test_solver_signs_the_cap_the_engine_signs() -> None:
    """The rational benchmark values the cap with the engine's costs: with a risk-averse host (and
    the mirror) the lowest cap, uncapped without risk prices, as the engine's draws sign; the
    opening amount is the level equivalent over the expected schedule's f_5(c; r)."""
    from burdenshare.solver import solve_scenario

    def logistic(x, day, m):  # type: ignore[no-untyped-def]
        return 1.0 / (1.0 + np.exp(np.clip((np.asarray(x, dtype=float) - 1.15e12) / 5e10, -700, 700)))

    for args, want in (((None, 1.0, 0.03, 0.06), 1.0), ((1.0, None, 0.03, 0.06), 1.0),
                       ((None, None, 0.03, 0.06), 100.0)):
        eq = solve_scenario(_with_caps(*args), consent=logistic)
        assert eq.agreement and eq.escalator_cap_pct == want and eq.escalator_pct is None and eq.duration_years == 5
        assert eq.to_json()["escalator_cap_pct"] == want and "escalator_pct" not in eq.to_json()
        assert _caps(_run(*args)).most_common(1)[0][0] == want
        first = next(r for r in eq.path if r.accepted and r.p_agreement > 0)
        assert first.offer_krw is not None
        assert eq.amount_krw == pytest.approx(first.offer_krw / _oracle(want, 5, R, 0.0, 0.0), rel=1e-9)


def test_solver_and_engine_sign_the_family_cap_on_a_one_year_term() -> None:
    """On a one-year term every cap is worth the same to both sides (no later year): the engine
    signs the family's cap (4 %) in every ratified draw, and ``solve`` names the same cap through
    the one tie rule both read (``rate_value.tie_indices`` over the engine's ``_argmin_rate``), in
    its result, its path and its JSON; the opening amount is the level amount (f_1 = 1)."""
    from burdenshare.bargaining.rate_value import tie_indices
    from burdenshare.solver import solve_scenario

    def logistic(x, day, m):  # type: ignore[no-untyped-def]
        return 1.0 / (1.0 + np.exp(np.clip((np.asarray(x, dtype=float) - 1.15e12) / 5e10, -700, 700)))

    d = _with_caps(None, 1.0, 0.03, 0.06, CAPS, SD, "levers.allowed_durations=[1]").model_dump(by_alias=True)
    for gov in ("us", "rok"):
        d["strategies"][gov]["term_preference"]["ideal_years"] = 1
    s = Scenario.model_validate(d)
    g = cap_grid(s, [1])
    assert g is not None
    rc, rgi = scenario_rate_costs(s, g)
    assert np.all(rc[:, 0] == rc[:, 0, :1]) and rgi[:, 0].tolist() == [3, 3, 3]  # every cap ties: the engine's g0
    assert tie_indices(rc, g.g0).tolist() == [[3] * len(CAPS)]
    r = simulate(s, draws=600, seed=0, bank_size=1)
    assert set(_caps(r)) == {4.0} and sum(_caps(r).values()) > 100
    eq = solve_scenario(s, consent=logistic)
    assert eq.agreement and eq.duration_years == 1 and eq.escalator_cap_pct == 4.0
    assert eq.to_json()["escalator_cap_pct"] == 4.0
    assert {row.escalator_cap_pct for row in eq.path if row.offer_krw is not None} == {4.0}
    first = next(row for row in eq.path if row.accepted and row.p_agreement > 0)
    assert eq.amount_krw == first.offer_krw
    # where caps differ in value nothing is relabelled: each point is its own
    g5 = cap_grid(s, TERMS)
    assert g5 is not None
    rc5, _ = scenario_rate_costs(s, g5)
    assert tie_indices(rc5, g5.g0)[1:].tolist() == [list(range(len(CAPS)))] * 4


# --------------------------------------------------------------------------- bad input and output


def test_a_plan_without_a_cap_grid_has_none() -> None:
    assert build_plan(load_scenario("sma-2020-hindsight")).rate_grid is None
    assert escalator_grid(_with_caps(1.0, 1.0, None, None, [4.0]), TERMS) is None  # one cap: not bargained


@pytest.mark.parametrize("override, field", [
    ("strategies.rok.index_risk_aversion=-0.5", "strategies.rok.index_risk_aversion"),
    ("cost_model.escalator.cap_grid_pct=[1.0,4.0]", "cost_model.escalator.cap_grid_pct"),  # kind 'none'
])
def test_bad_cap_input_is_one_line_exit_2(override: str, field: str, tmp_path: Path) -> None:
    assert_override_refused(override, field, tmp_path)


@pytest.mark.parametrize("sets, field, message", [
    (["cost_model.escalator.kind=fixed", "cost_model.escalator.rate_pct=2.0", "cost_model.escalator.cap_pct=4.0",
      "cost_model.escalator.cap_grid_pct=[1.0,4.0]"], "cost_model.escalator.cap_grid_pct", "kind 'cpi' or 'defense_budget'"),
    (["cost_model.escalator.kind=cpi", "cost_model.escalator.cap_pct=4.0",
      "cost_model.escalator.cap_grid_pct=[-1.0,4.0]"], "cost_model.escalator.cap_grid_pct.0", "a cap in 0..100 %"),
    (["cost_model.escalator.kind=cpi", "cost_model.escalator.cap_pct=4.0",
      "cost_model.escalator.cap_grid_pct=[1.0,2.0]"], "cost_model.escalator.cap_grid_pct", "cap_pct 4 must be one of"),
    (["cost_model.escalator.kind=defense_budget", "cost_model.escalator.cap_grid_pct=[1.0,2.0]"],
     "cost_model.escalator.cap_grid_pct", "give cost_model.escalator.cap_pct"),
])
def test_a_bad_cap_grid_is_one_line_exit_2_in_run(sets: list[str], field: str, message: str, tmp_path: Path) -> None:
    """Through the CLI: the offending field named, exit 2, one line, no store written."""
    store = tmp_path / "s.duckdb"
    cmd = [sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", "5", "--store", str(store)]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and message in lines[0], lines
    assert not store.exists()


def test_run_json_table_and_report_show_the_signed_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``run --json`` reports ``escalator_cap_pct`` (mean, share by cap) as ``escalator_pct`` is
    reported for the rate; its table and ``--report`` show the same figures."""
    from burdenshare.cli import main
    from burdenshare.engine.run import escalator_text

    monkeypatch.setenv("COLUMNS", "300")
    store, report = str(tmp_path / "s.duckdb"), tmp_path / "r.html"
    sets = ["cost_model.escalator.kind=cpi", "cost_model.escalator.cap_pct=4.0",
            "cost_model.escalator.cap_grid_pct=[1.0,2.0,4.0]", "strategies.rok.index_risk_aversion=1.0"]
    sets += [f"cost_model.index_growth_pct.cpi.{y}=2.0" for y in range(2021, 2025)]
    sets += [f"cost_model.index_growth_sd_pct.cpi.{y}=1.5" for y in range(2021, 2025)]
    args = ["run", "sma-2020-hindsight", "--draws", "300", "--store", store]
    for s in sets:
        args += ["--set", s]
    assert main([*args, "--report", str(report)]) == 0
    human = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    caps = out["escalator_cap_pct"]
    assert "escalator_pct" not in out and caps is not None and set(caps["p"]) == {"1", "2", "4"}
    assert sum(caps["p"].values()) == pytest.approx(1.0) and caps["mean"] < 4.0
    text = escalator_text(caps)
    row = next(line for line in human.splitlines() if "escalator cap signed" in line)
    assert text in row
    assert f"signed escalator cap: mean and share by cap % {text}" in report.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- advise


def _cpi_only(sc: Scenario) -> Scenario:
    d = sc.model_dump(by_alias=True)
    d["agreement_space"]["escalators"] = ["cpi"]
    return Scenario.model_validate(d)


def _one(x: Any, d: Any, m: Any) -> Any:
    return np.ones_like(np.asarray(x, dtype=float))


def test_advise_offers_each_cap_and_prices_the_index_risk() -> None:
    """``advise`` offers the family's index escalator at each cap (``cpi:cap<c>``) and values it by
    the engine's expected schedule (``RateGrid``: the central CPI path, 2 % here, with its stated sd
    1.5): a side with a risk price loses lambda x sd of the renewed schedule (an independent Monte
    Carlo of the mean and sd here), and a risk-averse host advised against the US's individual
    rationality x A >= L A_0 pays x (A + lambda S) >= L A_0 (1 + lambda S / A), least at the lowest
    coefficient of variation: it advises the lowest cap (only the index escalator is on the table:
    ``none``, a sure schedule, would beat every cap); unpriced, the caps tie up to the amount grid
    and it advises another.  Without risk prices nothing is priced."""
    from burdenshare.analysis.advise import advise, agreement_grid, escalator_growth_pct, renewal_annuity, renewal_sd

    s = _cpi_only(_with_caps(None, 1.0, None, None, CAPS, SD, "agreement_space.amount_step_krw=2000000000.0"))
    g = agreement_grid(s, "host", consent=_one)
    assert g.escalators == ("cpi:cap1", "cpi:cap2", "cpi:cap3", "cpi:cap4", "cpi:cap100")
    for c in CAPS:  # the expected schedule's mean yearly growth (the central path's censored mean)
        assert escalator_growth_pct(s, f"cpi:cap{c:g}") == pytest.approx(capped_moments(MU, SD, c)[0], rel=1e-12)
    t = g.terms
    assert t.own_risk_price == 1.0 and t.other_risk_price == 0.0
    # the renewed schedule's present value against a Monte Carlo of the yearly growth
    m, e = 3, "cpi:cap2"
    rng = np.random.default_rng(5)
    x = 1.0 + np.minimum(rng.normal(MU, SD, (200_000, t.horizon_years)), 2.0) / 100.0
    pv = np.zeros(x.shape[0])
    for y in range(t.horizon_years):
        w = np.prod(x[:, y - y % m + 1:y + 1], axis=1) if y % m else np.ones(x.shape[0])
        pv += w * (1.0 + R) ** -y
    assert renewal_sd(t, m, e) == pytest.approx(pv.std(), rel=2e-2)
    assert renewal_annuity(t, m, e) == pytest.approx(pv.mean(), rel=1e-3)
    j, i = g.escalators.index(e), g.durations.index(m)
    a = int(np.searchsorted(g.amounts_krw, 1.0e12))
    a0 = t.annuity_flat
    ann = renewal_annuity(t, m, e)
    want = t.reservation_own_krw * a0 - g.amounts_krw[a] * (ann + renewal_sd(t, m, e)) - W * (m - 5) ** 2 * a0
    assert g.p_consent[i, j, a] == 1.0 and g.utility[i, j, a] == pytest.approx(want, rel=1e-12)
    host = advise(s, "host", 0.0, consent=_one)
    assert host.escalator == "cpi:cap1", host
    # its schedule is the engine's expected one at the advised cap and term
    grid = cap_grid(s, sorted(s.levers.allowed_durations))
    assert grid is not None and host.amount_krw is not None and host.duration_years is not None
    sched = host.schedule_krw
    wy = grid.weights[sorted(s.levers.allowed_durations).index(host.duration_years), 0]
    assert [sched[str(2020 + y)] for y in range(host.duration_years)] == [host.amount_krw * wy[y]
                                                                          for y in range(host.duration_years)]
    plain_s = _cpi_only(_with_caps(None, None, None, None, CAPS, SD, "agreement_space.amount_step_krw=2000000000.0"))
    plain = agreement_grid(plain_s, "host", consent=_one)
    unpriced = advise(plain_s, "host", 0.0, consent=_one)
    assert unpriced.escalator != "cpi:cap1"  # caps tie up to the amount grid's steps: here 2 %
    for jj, ee in enumerate(plain.escalators):
        ann = np.array([renewal_annuity(plain.terms, mm, ee) for mm in plain.durations])
        assert np.allclose(plain.utility[:, jj, a], plain.terms.reservation_own_krw * a0 - plain.amounts_krw[a] * ann
                           - W * (np.array(plain.durations) - 5.0) ** 2 * a0, rtol=1e-12)


def _defence_jump() -> Scenario:
    """The 11th SMA's shape (defence budget, lag 1, a 13.9 % jump in year 2, caps 4 and 8 %), both
    sides pricing risk and discounting at their own rates."""
    d = _with_caps(0.5, 2.0, 0.05, 0.08).model_dump(by_alias=True)
    d["agreement_space"]["escalators"] = ["none", "defense_budget"]
    d["cost_model"]["escalator"].update({"kind": "defense_budget", "lag_years": 1, "jump_year": 2, "jump_pct": 13.9,
                                         "cap_pct": 8.0, "cap_grid_pct": [4.0, 6.0, 8.0]})
    d["cost_model"]["index_growth_pct"] = {"defense_budget": {y: 7.0 for y in range(2020, 2025)}}
    d["cost_model"]["index_growth_sd_pct"] = {"defense_budget": {y: 2.0 for y in range(2020, 2025)}}
    return Scenario.model_validate(d)


def _rate_jump() -> Scenario:
    """A fixed 2 % family capped at 4 % with a 10 % jump in year 2, rates 0-4 % bargained, own rates."""
    d = _with_caps(None, None, 0.05, 0.08, None).model_dump(by_alias=True)
    d["cost_model"]["escalator"].update({"kind": "fixed", "rate_pct": 2.0, "cap_pct": 4.0, "cap_grid_pct": None,
                                         "rate_grid_pct": [0.0, 1.0, 2.0, 3.0, 4.0], "jump_year": 2, "jump_pct": 10.0})
    return Scenario.model_validate(d)


@pytest.mark.parametrize("build", [lambda: _with_caps(0.5, 2.0, 0.05, 0.08), _defence_jump, _rate_jump])
def test_advise_values_a_text_as_the_engine_and_solve_do(build: Any) -> None:
    """One definition: over a horizon of one term (no renewal), ``advise``'s value of a text per won
    of its level equivalent is 1 - k_US for the US and 1 + k_K for the host, with k_i the cost the
    engine's kernel computes for that text (``schedule_costs`` on the plan's grid at the sides' rates
    and prices, as ``play_chunk`` calls it) and the one in ``solve``'s game utilities, to 1e-12; the
    Assembly judges the same level equivalent (advise's level factor is the engine's, exactly).
    Every term, every rate or cap, both sides; a defence-budget family with a lag and a jump, and a
    bargained rate with a jump, read their schedules year by year."""
    from burdenshare.analysis.advise import agreement_grid, duration_value, level_factor
    from burdenshare.bargaining.rate_value import schedule_costs, side_discount_rates
    from burdenshare.bargaining.term_value import scenario_term_costs
    from burdenshare.engine.reference import rate_arrays
    from burdenshare.solver.scenario import amount_grid, scenario_game

    s = build()
    plan = build_plan(s)
    rw, rf, rc, rgi, r_common, g0, rw2 = rate_arrays(plan)
    r_us, r_rok = side_discount_rates(s)
    lam_us, lam_rok = plan.risk_prices
    assert rf.shape[1] > 1 and (lam_us, lam_rok) == ((0.5, 2.0) if build is not _rate_jump else (0.0, 0.0))
    schedule_costs(rw, rw2, plan.durations, r_common, r_us, r_rok, lam_us, lam_rok, g0, rc, rgi)
    assert np.any(rc != 0.0)
    durs = [int(m) for m in plan.durations]
    game = scenario_game(s, consent=_one)
    xs = amount_grid(s)
    tc = scenario_term_costs(s, durs)
    hi, lo = float(s.strategies["rok"].reservation_value_krw), float(s.strategies["us"].reservation_value_krw)
    ng = rf.shape[1]
    for d, m in enumerate(durs):
        for side in ("us", "host"):
            g = agreement_grid(s, side, consent=_one, planning_horizon_years=m)
            t = g.terms
            labels = [e for e in g.escalators if e in t.grid_labels]
            assert len(labels) == ng
            pref = float(duration_value(t, np.array([float(m)]))[0])
            i = g.durations.index(m)
            for gi, e in enumerate(labels):
                assert t.grid_labels[e] == gi and level_factor(t, m, e) == rf[d, gi]
                a = int(np.argmax(g.p_consent[i, g.escalators.index(e)] == 1.0))  # below the executive's ceiling
                assert g.p_consent[i, g.escalators.index(e), a] == 1.0
                x = float(g.amounts_krw[a])
                u = float(g.utility[i, g.escalators.index(e), a])
                level = x * rf[d, gi]
                if side == "us":
                    k = 1.0 - (u + t.reservation_own_krw * t.annuity_flat - pref) / (level * t.annuity_flat)
                    assert abs(k - rc[0, d, gi]) < 1e-12, (m, e, k, rc[0, d, gi])
                else:
                    k = (t.reservation_own_krw * t.annuity_flat + pref - u) / (level * t.annuity_flat) - 1.0
                    assert abs(k - rc[1, d, gi]) < 1e-12, (m, e, k, rc[1, d, gi])
                # solve's utilities at a level amount of its grid: u_US = x - L - c_US - x k_US, u_K = H - x - c_K - x k_K
                ja = int(np.searchsorted(xs, 1.0e12))
                pt = (d * ng + gi) * xs.size + ja
                xl = float(xs[ja])
                k_us = (xl - lo - tc[0][d] - float(game.utilities[0][pt])) / xl
                k_k = (hi - xl - tc[1][d] - float(game.utilities[1][pt])) / xl
                assert abs(k_us - rc[0, d, gi]) < 1e-12 and abs(k_k - rc[1, d, gi]) < 1e-12


def test_solve_cli_reports_the_signed_cap(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``burdenshare solve`` (the real Assembly) with a risk-averse host signs the lowest cap on a
    three-year term, in its JSON (``escalator_cap_pct``) and its summary line."""
    from burdenshare.cli import main

    monkeypatch.setenv("COLUMNS", "300")  # one line
    sets = ["strategies.us.reservation_value_krw=1.0e12", "parties.principal.reservation_value_krw=1.0e12",
            "levers.allowed_durations=[3]", "cost_model.escalator.kind=cpi", "cost_model.escalator.cap_pct=4.0",
            "cost_model.escalator.cap_grid_pct=[1.0,4.0]", "strategies.rok.index_risk_aversion=1.0"]
    sets += [f"cost_model.index_growth_pct.cpi.{y}=2.0" for y in (2021, 2022)]
    sets += [f"cost_model.index_growth_sd_pct.cpi.{y}=1.5" for y in (2021, 2022)]
    args = ["solve", "sma-2020-hindsight"] + [a for s in sets for a in ("--set", s)]
    assert main([*args, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["agreement"] is True and "escalator_pct" not in d
    assert d["duration_years"] == 3 and d["escalator_cap_pct"] == 1.0
    assert main(args) == 0
    assert f"capped at {d['escalator_cap_pct']:g} %" in capsys.readouterr().out
