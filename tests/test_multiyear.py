"""Annual vs multiyear deals (burdenshare.analysis.multiyear): THEORY.md §16 oracles through this code,
the model's own lapse probability, and the Fearon (1998) stakes effect via the legislature."""

from __future__ import annotations

import datetime as dt

import math

import pytest

from burdenshare.errors import SpecError
from burdenshare.legislature import LegislatureParams
from burdenshare.analysis.multiyear import annual_vs_multiyear, lapse_profile, stakes_by_duration
from burdenshare.scenario import load_scenario


@pytest.mark.parametrize(("m", "p_any", "pv"), [(1, 0.882351, 5.298162), (3, 0.51, 1.857375), (6, 0.3, 1.0)])
def test_theory_16_oracles(m: int, p_any: float, pv: float) -> None:
    """THEORY §16: H = 6, p = 0.3, beta = 0.95."""
    r = lapse_profile(6, m, 0.3, 0.95)
    assert r.negotiations == math.ceil(6 / m)
    assert r.p_any_lapse == pytest.approx(p_any, abs=5e-7)
    assert r.pv_factor == pytest.approx(pv, abs=5e-7)
    assert r.pv_cost == pytest.approx(pv, abs=5e-7)  # k = 1, no lapse cost
    assert r.expected_lapses == pytest.approx(0.3 * r.negotiations)


def test_callable_lapse_and_costs() -> None:
    const = lapse_profile(6, 2, 0.3, 0.95, negotiation_cost=10.0, lapse_cost=100.0)
    via_m = lapse_profile(6, 2, lambda m: 0.3, 0.95, negotiation_cost=10.0, lapse_cost=100.0)
    via_mj = lapse_profile(6, 2, lambda m, j: 0.3, 0.95, negotiation_cost=10.0, lapse_cost=100.0)
    assert const == via_m == via_mj
    assert const.pv_cost == pytest.approx((10 + 30) * (1 + 0.95**2 + 0.95**4))
    rising = lapse_profile(6, 2, lambda m, j: 0.1 * (j + 1), 1.0)
    assert rising.lapse_probabilities == pytest.approx((0.1, 0.2, 0.3))
    assert rising.p_any_lapse == pytest.approx(1 - 0.9 * 0.8 * 0.7)
    assert rising.expected_lapses == pytest.approx(0.6)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lapse": 1.5}, "lapse"), ({"beta": 0.0}, "beta"), ({"deal_length": 0}, "deal_length"),
    ({"lapse": lambda m: -0.1}, "lapse"), ({"negotiation_cost": -1.0}, "negotiation_cost"),
])
def test_bad_input(kwargs: dict, field: str) -> None:
    args = {"horizon": 6, "deal_length": 2, "lapse": 0.3, "beta": 0.95} | kwargs
    with pytest.raises(SpecError) as err:
        lapse_profile(**args)
    assert err.value.field == field


@pytest.fixture(scope="module")
def sma() -> object:
    return load_scenario("sma-2020-hindsight")


def test_multiyear_means_fewer_expected_lapses_sma_2020(sma: object) -> None:
    """Allowing multiyear deals => fewer expected lapses (the benchmark's own lapse probability), where
    the benchmark takes a longer term: the legislature model as specified (kappa = 1).  At the
    scenario's record-conditioned kappa* the Assembly consents almost surely once the President does,
    the lapse probability is the change of administration's alone for 1-3 years, and the benchmark
    takes 1 year (docs/solve.md §3)."""
    star = annual_vs_multiyear(sma, 6)
    assert star.chosen_duration == 1 and not star.fewer_lapses
    assert [round(p.lapse_probabilities[0], 9) for p in star.by_duration] == [0.5, 0.5, 0.5, 1.0, 1.0]
    c = annual_vs_multiyear(load_scenario("sma-2020-hindsight", ["legislature.vote_noise_scale=1.0"]), 6)
    assert c.lapse_source == "equilibrium"
    assert c.annual.deal_length == 1 and c.multiyear.deal_length > 1
    assert c.fewer_lapses and c.multiyear.expected_lapses < c.annual.expected_lapses
    assert c.multiyear.pv_cost < c.annual.pv_cost
    assert [p.deal_length for p in c.by_duration] == [1, 2, 3, 4, 5]
    given = annual_vs_multiyear(sma, 6, lapse=0.3)
    assert given.fewer_lapses and given.annual.expected_lapses == pytest.approx(1.8)
    assert given.multiyear.expected_lapses == pytest.approx(0.6)


def test_fearon_stakes_via_legislature(sma: object) -> None:
    rows, verdict = stakes_by_duration(sma, 1.15e12)
    assert [r.duration_years for r in rows] == [1, 2, 3, 4, 5]
    assert verdict == "longer terms easier to ratify"  # default duration elasticity 0.02 > 0
    assert rows[-1].total_krw == pytest.approx(5 * 1.15e12)
    rows, verdict = stakes_by_duration(sma, 1.15e12, params=LegislatureParams(duration_elasticity=-0.05))
    assert verdict == "longer terms harder to ratify (Fearon)"
    ps = [r.p_consent for r in rows]
    assert ps == sorted(ps, reverse=True)


def test_stakes_read_the_floor_vote(sma: object) -> None:
    """stakes_by_duration reads the scenario's Assembly (engine.floor_vote): at kappa = 0.5 each
    probability is Phi(Phi^-1(C)/0.5) of the model's C (kappa = 1; oracle: scipy), win-sets and the
    verdict unchanged; by default the calibrated kappa* (0.153): 0.050 (1 y) -> 0.836 (3 y) -> 0.987
    (5 y) at KRW 1,150 bn against 0.401 -> 0.560 -> 0.633 at kappa = 1 (docs/solve.md §3)."""
    from scipy.stats import norm

    from burdenshare.engine.floor_vote import floor_vote

    one, v1 = stakes_by_duration(sma, 1.15e12, vote_noise_scale=1.0)
    half, v2 = stakes_by_duration(sma, 1.15e12, vote_noise_scale=0.5)
    assert v1 == v2 == "longer terms easier to ratify"
    for a, b in zip(one, half):
        assert b.p_consent == pytest.approx(float(norm.cdf(norm.ppf(a.p_consent) / 0.5)), rel=1e-9)
        assert (b.win_set_max_krw, b.total_krw, b.vote_noise_scale) == (a.win_set_max_krw, a.total_krw, 0.5)
    assert [round(r.p_consent, 3) for r in one] == [0.401, 0.5, 0.56, 0.601, 0.633]
    cal, verdict = stakes_by_duration(sma, 1.15e12)
    kappa = floor_vote(sma).kappa
    assert verdict == v1 and all(r.vote_noise_scale == kappa for r in cal)
    assert [round(r.p_consent, 3) for r in cal] == [0.05, 0.499, 0.836, 0.953, 0.987]
    for a, b in zip(one, cal):
        assert b.p_consent == pytest.approx(float(norm.cdf(norm.ppf(a.p_consent) / kappa)), rel=1e-9)


def test_module_doctests() -> None:
    import doctest

    import burdenshare.solver.scenario
    import burdenshare.analysis.multiyear
    import burdenshare.analysis.transparency_effect

    for mod in (burdenshare.analysis.multiyear, burdenshare.analysis.transparency_effect, burdenshare.solver.scenario):
        assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0


def test_equilibrium_lapse_probability(sma: object) -> None:
    from burdenshare.analysis.multiyear import equilibrium_lapse_probability

    from burdenshare.solver.scenario import solve_scenario

    # At the central values the President's floor lies above the win-set: agreement in the renewal
    # window needs a change of administration, so the lapse probability is strictly between 0 and 1.
    lapse = equilibrium_lapse_probability(sma, 1)
    assert 0.0 < lapse < 1.0
    nochange = load_scenario("sma-2020-hindsight", ["parties.principal.p_administration_change=0"])
    assert equilibrium_lapse_probability(nochange, 1) == 1.0
    eq = solve_scenario(sma, durations=[1])
    assert lapse == 1.0 - eq.p_agreement_by(eq.path[0].date + dt.timedelta(days=365))
    agree = load_scenario("sma-2020-hindsight", ["strategies.us.reservation_value_krw=1.0e12",
                                       "parties.principal.reservation_value_krw=1.0e12"])
    p = equilibrium_lapse_probability(agree, 1)
    assert 0.0 <= p < 0.01
