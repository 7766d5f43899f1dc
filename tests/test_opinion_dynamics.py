"""Coercion, rally decay, DeGroot / Friedkin-Johnsen (THEORY.md §15 oracles) and opinion_at."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from burdenshare.errors import SpecError
from burdenshare.opinion import (
    ALL,
    CoercionParams,
    GroupWTP,
    InfluenceParams,
    OpinionShock,
    PressureEvent,
    TransparencyParams,
    WTPModel,
    apply_coercion,
    apply_influence,
    apply_transparency,
    degroot_rounds,
    fit_wtp,
    fj_rounds,
    opinion_at,
    pressure_at,
    rally,
)
from burdenshare.theory.opinion import reverberation

TN = 1e12
W = [[0.7, 0.3], [0.4, 0.6]]
FURLOUGH = dt.date(2020, 4, 1)


@pytest.fixture(scope="module")
def base() -> WTPModel:
    return fit_wtp()


def two_groups(x0=(1.0, 2.0)) -> WTPModel:
    return WTPModel("lognormal", (GroupWTP("a", x0[0], 0.5), GroupWTP("b", x0[1], 0.5)))


# --------------------------------------------------------------------------- rally / pressure
def test_rally_form():
    lam = math.log(2) / 10
    assert rally(-0.5, t0=0.0, delta=2.0, decay=lam, baseline=0.3) == 0.3
    assert rally(0.0, t0=0.0, delta=2.0, decay=lam, baseline=0.3) == pytest.approx(2.3)
    assert rally(10.0, t0=0.0, delta=2.0, decay=lam, baseline=0.3) == pytest.approx(1.3)


def test_pressure_is_dated_and_decays():
    e = PressureEvent(FURLOUGH, magnitude=2.0, half_life_days=30.0)
    assert pressure_at([e], FURLOUGH - dt.timedelta(days=1)) == 0.0
    assert pressure_at([e], FURLOUGH) == pytest.approx(2.0)
    assert pressure_at([e], FURLOUGH + dt.timedelta(days=30)) == pytest.approx(1.0)
    counter = PressureEvent(dt.date(2020, 6, 2), magnitude=-1.0, channel="no_deal_cost")
    day = dt.date(2020, 6, 10)
    assert pressure_at([e, counter], day, "reverberation") == pytest.approx(e.at(day))
    assert pressure_at([e, counter], day, "no_deal_cost") == pytest.approx(e.at(day) - 1.0)


# --------------------------------------------------------------------------- coercion
def test_backlash_lowers_and_persuasion_raises_acceptance(base):
    ev = [PressureEvent(FURLOUGH, 1.0)]
    ask = 2.0 * TN
    back = apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation=-0.3))
    pers = apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation=0.3))
    cost = apply_coercion(base, FURLOUGH, ev, CoercionParams(no_deal_cost=0.2))
    for g in base.group_names:
        assert back.share_accepting(ask, g) < base.share_accepting(ask, g) < pers.share_accepting(ask, g)
        assert cost.share_accepting(ask, g) > base.share_accepting(ask, g)
    # net effect of both channels: beta + rho on the log scale
    both = apply_coercion(base, FURLOUGH, ev, CoercionParams(no_deal_cost=0.2, reverberation=-0.3))
    assert both.group("dp").mu == pytest.approx(base.group("dp").mu - 0.1)
    # before the event nothing moves
    assert apply_coercion(base, FURLOUGH - dt.timedelta(days=1), ev, CoercionParams(reverberation=-0.3)) == base


def test_level_scale_is_theory_reverberation(base):
    rho, p = -1e11, 1.5  # won per pressure unit
    ev = [PressureEvent(FURLOUGH, p)]
    out = apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation=rho, scale="level"))
    q = np.array([0.25, 0.5, 0.75])
    assert np.asarray(out.quantile(q, "lkp")) == pytest.approx(reverberation(base.quantile(q, "lkp"), rho, p))


def test_reverberation_by_group(base):
    ev = [PressureEvent(FURLOUGH, 1.0)]
    out = apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation={"dp": -0.4, "lkp": 0.1}))
    assert out.group("dp").mu == pytest.approx(base.group("dp").mu - 0.4)
    assert out.group("lkp").mu == pytest.approx(base.group("lkp").mu + 0.1)
    assert out.group(ALL) == base.group(ALL)
    with pytest.raises(SpecError):
        apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation={"nobody": -0.1}))
    with pytest.raises(SpecError):
        CoercionParams(no_deal_cost=-0.1)


# --------------------------------------------------------------------------- influence
def test_degroot_oracle():
    # THEORY.md §15: W = [[.7, .3], [.4, .6]], x0 = (1, 2) -> consensus 10/7
    assert degroot_rounds(W, [1.0, 2.0], 300) == pytest.approx([10 / 7, 10 / 7])
    out = apply_influence(two_groups(), InfluenceParams(("a", "b"), W, susceptibility=1.0))
    assert out.group("a").mu == pytest.approx(10 / 7)
    assert out.group("b").mu == pytest.approx(10 / 7)


def test_friedkin_johnsen_oracle():
    # THEORY.md §15: Lambda = 0.5 I -> x* = (20/17, 30/17)
    out = apply_influence(two_groups(), InfluenceParams(("a", "b"), W, susceptibility=0.5))
    assert [out.group("a").mu, out.group("b").mu] == pytest.approx([20 / 17, 30 / 17])
    assert fj_rounds(W, 0.5, [1.0, 2.0], 200) == pytest.approx([20 / 17, 30 / 17])
    rounds = apply_influence(two_groups(), InfluenceParams(("a", "b"), W, susceptibility=0.5, rounds=200))
    assert rounds.group("a").mu == pytest.approx(20 / 17)
    one = apply_influence(two_groups(), InfluenceParams(("a", "b"), W, susceptibility=0.5, rounds=1))
    assert one.group("a").mu == pytest.approx(0.5 * (0.7 * 1 + 0.3 * 2) + 0.5 * 1)


def test_influence_on_fitted_bases_pulls_them_together(base):
    groups = ("dp", "lkp")
    out = apply_influence(base, InfluenceParams(groups, ((0.8, 0.2), (0.2, 0.8)), susceptibility=0.5))
    assert base.group("dp").mu < out.group("dp").mu < out.group("lkp").mu < base.group("lkp").mu
    assert out.group("dp").sigma == base.group("dp").sigma


def test_influence_rejects_bad_inputs():
    with pytest.raises(SpecError):
        InfluenceParams(("a", "b"), ((0.5, 0.6), (0.5, 0.5)))
    with pytest.raises(SpecError):
        InfluenceParams(("a", "b"), W, susceptibility=1.5)
    with pytest.raises(SpecError):
        apply_influence(two_groups(), InfluenceParams(("a", "zz"), W))


# --------------------------------------------------------------------------- opinion_at
def test_opinion_at_with_nothing_is_the_model(base):
    assert opinion_at(base, FURLOUGH) is base


def test_opinion_at_composes_in_the_documented_order(base):
    infl = InfluenceParams(("dp", "lkp"), ((0.9, 0.1), (0.1, 0.9)), susceptibility=0.3)
    tp = TransparencyParams(transparency=0.6, credibility=0.7)
    events = [PressureEvent(FURLOUGH, 1.0, half_life_days=20.0),
              OpinionShock(dt.date(2020, 3, 1), log_shift={"lkp": 0.05}, half_life_days=10.0)]
    cp = CoercionParams(no_deal_cost=0.1, reverberation=-0.25)
    day = dt.date(2020, 4, 10)
    got = opinion_at(base, day, events=events, coercion=cp, transparency=tp,
                     justified_amount_krw=2.2 * TN, influence=infl)
    manual = apply_influence(base, infl)
    manual = apply_transparency(manual, 2.2 * TN, tp)
    manual = apply_coercion(manual, day, events[:1], cp)
    shock = 0.05 * 0.5 ** (40 / 10)
    manual = manual.with_log_shift({"lkp": shock})
    for g in base.group_names:
        assert got.group(g).mu == pytest.approx(manual.group(g).mu, abs=1e-12)
    assert len(got.moves) == 4


def test_opinion_at_uses_only_information_available_at_the_date(base):
    tp = TransparencyParams(transparency=1.0)
    statement = dt.date(2020, 3, 1)
    before = opinion_at(base, dt.date(2020, 2, 1), transparency=tp, justified_amount_krw=3 * TN,
                        statement_date=statement)
    after = opinion_at(base, dt.date(2020, 3, 1), transparency=tp, justified_amount_krw=3 * TN,
                       statement_date=statement)
    assert before == base
    assert after.median() > base.median()
    with pytest.raises(SpecError):
        opinion_at(base, FURLOUGH, transparency=tp)
    with pytest.raises(SpecError):
        opinion_at(base, FURLOUGH, events=["furlough"])


def test_proportional_scale_matches_the_scenario_form(base):
    # scenario schema: WTP' = WTP * (1 + rho * pressure)
    ev = [PressureEvent(FURLOUGH, 0.5)]
    out = apply_coercion(base, FURLOUGH, ev, CoercionParams(reverberation=-0.2, scale="proportional"))
    q = np.array([0.2, 0.5, 0.8])
    assert np.asarray(out.quantile(q, "dp")) == pytest.approx(np.asarray(base.quantile(q, "dp")) * 0.9)
    with pytest.raises(SpecError):
        apply_coercion(base, FURLOUGH, [PressureEvent(FURLOUGH, 10.0)],
                       CoercionParams(reverberation=-0.2, scale="proportional"))


def test_proportional_shock_decays(base):
    shock = OpinionShock(FURLOUGH, log_shift=-0.05, half_life_days=60.0, scale="proportional")
    out = opinion_at(base, FURLOUGH + dt.timedelta(days=60), events=[shock])
    assert out.median() == pytest.approx(base.median() * (1 - 0.025))
    assert opinion_at(base, FURLOUGH - dt.timedelta(days=1), events=[shock]) is base
