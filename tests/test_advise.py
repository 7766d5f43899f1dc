"""Tests of :mod:`burdenshare.analysis.advise` and ``burdenshare advise``.

Oracle: a plain loop over every (duration, escalator, amount) of the agreement grid with the scalar
utility formula (:func:`expected_utility`) and scalar consent look-ups at each schedule's level
equivalent (written out here, not imported) must find the same optimum
as the vectorized search, on random scenarios (hypothesis).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burdenshare.analysis.advise import (
    advise,
    counterpart_accepts,
    host_executive_signs,
    escalator_growth_pct,
    expected_utility,
    utility_terms,
)
from burdenshare.cli import main
from burdenshare.errors import SpecError
from burdenshare.scenario import load_scenario

COARSE = "agreement_space.amount_step_krw=50000000000.0"  # 111 amounts: fast brute force


def _logistic(mid: float, scale: float, dur_shift: float):
    def consent(x, day, m):
        z = (np.asarray(x, dtype=float) - (mid + dur_shift * (m - 1))) / scale
        return 1.0 / (1.0 + np.exp(np.clip(z, -700, 700)))
    return consent


def _brute(scenario, side, p_min, consent, respect=True, **kw):
    """Every grid point in the documented tie order; returns (utility, terms) of the best or None."""

    terms = utility_terms(scenario, side, **kw)
    day = scenario.round_dates()[0]
    sp = scenario.agreement_space
    best = None
    for m in sorted(scenario.levers.allowed_durations):
        for esc in sp.escalators:
            for j in range(sp.grid_points()):
                x = sp.amount_min_krw + j * sp.amount_step_krw
                # the schedule is judged at its level equivalent: same present value over the term, flat
                g, r = terms.growth_pct[esc], terms.discount_rate
                pay = [1.0]
                for _ in range(m - 1):
                    pay.append(pay[-1] * (1 + g / 100))  # A_t = A_{t-1} (1 + g)
                lv = x * (math.fsum(a * (1 + r) ** -t for t, a in enumerate(pay))
                          / math.fsum((1 + r) ** -t for t in range(m)))
                p = float(consent(np.array([lv]), day, m)[0]) * float(host_executive_signs(scenario, terms, day, [lv])[0])
                if p < p_min or (respect and not counterpart_accepts(terms, x, esc, m)):
                    continue
                u = expected_utility(terms, x, m, esc, p)
                if best is None or u > best[0]:
                    best = (u, x, m, esc, p)
    return best


durations = st.lists(st.integers(1, 5), min_size=1, max_size=5, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    r_us=st.floats(0.8e12, 2.0e12), r_host=st.floats(0.8e12, 2.0e12), ask=st.floats(1.0e9, 5.0e9),
    durs=durations, pref_us=st.sampled_from(["short", "long", "none"]), pref_rok=st.sampled_from(["short", "long", "none"]),
    cost=st.floats(0.0, 5e10), p_min=st.floats(0.0, 1.0), side=st.sampled_from(["us", "host"]),
    mid=st.floats(0.8e12, 2.0e12), scale=st.floats(1e10, 3e11), shift=st.floats(-5e10, 5e10), respect=st.booleans(),
)
def test_advise_equals_brute_force_on_random_scenarios(r_us, r_host, ask, durs, pref_us, pref_rok, cost, p_min,
                                                        side, mid, scale, shift, respect):
    s = load_scenario("sma-2020-hindsight", [
        COARSE, f"levers.us_ask_usd={ask!r}", f"levers.allowed_durations={durs}",
        # the reservation priors (uncertainty 0 = US, 1 = ROK) centred on the drawn values
        f"uncertainty.0.low={r_us * 0.9!r}", f"uncertainty.0.high={r_us * 1.1!r}",
        f"uncertainty.1.low={r_host * 0.9!r}", f"uncertainty.1.high={r_host * 1.1!r}",
        f"strategies.us.duration_preference={pref_us}", f"strategies.rok.duration_preference={pref_rok}",
        f"protocol.overtime.per_round_cost_krw={{us = {cost!r}, rok = {cost!r}}}",
    ])
    consent = _logistic(mid, scale, shift)
    a = advise(s, side, p_min, consent=consent, respect_counterpart=respect)
    b = _brute(s, side, p_min, consent, respect)
    if b is None:
        assert a.amount_krw is None and a.expected_utility is None and a.feasible == 0 and a.message
        return
    u, x, m, esc, p = b
    assert a.expected_utility == pytest.approx(u, rel=1e-9, abs=1e-3)
    assert a.p_consent >= p_min
    # the advised agreement is itself feasible and has the advertised utility
    terms = utility_terms(s, side)
    assert expected_utility(terms, a.amount_krw, a.duration_years, a.escalator, a.p_consent) == pytest.approx(
        a.expected_utility, rel=1e-9, abs=1e-3)
    if not math.isclose(a.expected_utility, u, rel_tol=0, abs_tol=0):
        return  # floating near-tie between two agreements: the utilities agree above
    assert (a.amount_krw, a.duration_years, a.escalator) == (x, m, esc)
    # alternatives are feasible, sorted, and no better than the advice
    us = [alt["expected_utility"] for alt in a.alternatives]
    assert us == sorted(us, reverse=True) and all(v <= a.expected_utility for v in us)
    assert all(alt["p_consent"] >= p_min for alt in a.alternatives)


@settings(max_examples=25, deadline=None)
@given(p1=st.floats(0.0, 1.0), p2=st.floats(0.0, 1.0), side=st.sampled_from(["us", "host"]),
       mid=st.floats(0.9e12, 1.6e12), scale=st.floats(2e10, 2e11), shift=st.floats(-5e10, 5e10))
def test_higher_floor_never_raises_expected_utility(p1, p2, side, mid, scale, shift):
    lo, hi = sorted((p1, p2))
    s = load_scenario("sma-2020-hindsight", [COARSE])
    consent = _logistic(mid, scale, shift)
    a, b = advise(s, side, lo, consent=consent), advise(s, side, hi, consent=consent)
    ua = -math.inf if a.expected_utility is None else a.expected_utility
    ub = -math.inf if b.expected_utility is None else b.expected_utility
    assert ub <= ua


@settings(max_examples=25, deadline=None)
@given(p1=st.floats(0.0, 1.0), p2=st.floats(0.0, 1.0), m=st.integers(1, 5),
       mid=st.floats(0.9e12, 1.6e12), scale=st.floats(2e10, 2e11))
def test_higher_floor_weakly_lowers_the_us_amount_for_one_duration(p1, p2, m, mid, scale):
    """With one duration the feasible amounts shrink from the top as the floor rises (consent falls in x).

    A higher floor feasible set is a subset, so the best expected utility never rises; the amount
    falls weakly within one escalator (across escalators first-year amounts are not comparable: a
    growing schedule opens lower, e.g. KRW 850 bn with an escalator against 900 bn flat)."""
    lo, hi = sorted((p1, p2))
    s = load_scenario("sma-2020-hindsight", [COARSE, f"levers.allowed_durations=[{m}]"])
    consent = _logistic(mid, scale, 0.0)
    a, b = advise(s, "us", lo, consent=consent), advise(s, "us", hi, consent=consent)
    if b.amount_krw is not None:
        assert a.amount_krw is not None and b.expected_utility <= a.expected_utility
        if a.escalator == b.escalator:
            assert b.amount_krw <= a.amount_krw


def test_sma2020_real_consent_model_brute_force_and_monotone_us_amount():
    from burdenshare.legislature import consent_probability

    s = load_scenario("sma-2020-hindsight", ["agreement_space.amount_step_krw=100000000000.0", "levers.allowed_durations=[1, 5]"])
    real = lambda x, day, m: np.atleast_1d(consent_probability(s, x, day, m))  # noqa: E731
    a = advise(s, "us", 0.6)
    b = _brute(s, "us", 0.6, real)
    assert b is not None and a.expected_utility == pytest.approx(b[0], rel=1e-9)
    assert (a.amount_krw, a.duration_years, a.escalator) == b[1:4]
    full = load_scenario("sma-2020-hindsight")
    amounts = [advise(full, "us", p).amount_krw for p in (0.5, 0.7, 0.8, 0.9)]
    assert all(x is not None for x in amounts)
    assert amounts == sorted(amounts, reverse=True)


def test_no_feasible_agreement_is_null_not_an_error():
    s = load_scenario("sma-2020-hindsight", [COARSE])
    a = advise(s, "host", 0.9, consent=lambda x, d, m: np.zeros_like(x))
    j = a.to_json()
    assert j["amount_krw"] is None and j["p_consent"] is None and j["alternatives"] == [] and "no agreement" in j["message"]


def test_escalator_growth_uses_data_before_the_base_year():
    s = load_scenario("sma-2020-hindsight")
    assert escalator_growth_pct(s, "none") == 0.0
    assert escalator_growth_pct(s, "fixed") == 4.0
    assert escalator_growth_pct(s, "cpi") == pytest.approx(1.1)  # mean ROK CPI 2015-2019 in the data
    # an index-linked escalator needs its path for the years not known at as_of (an assumption)
    capped = load_scenario("sma-2020-hindsight", ["cost_model.escalator.kind=cpi", "cost_model.escalator.cap_pct=0.5",
                                        "cost_model.index_growth_pct={cpi={2021=1.0,2022=1.0,2023=1.0,2024=1.0}}"])
    assert escalator_growth_pct(capped, "cpi") == 0.5


def test_annuity_matches_the_cost_model():
    from burdenshare.costs import Escalator, payment_schedule, present_value

    s = load_scenario("sma-2020-hindsight")
    t = utility_terms(s, "us")
    sched = payment_schedule(1.0, 2020, 6, Escalator("fixed", rate_pct=4.0))
    assert t.annuity["fixed"] == pytest.approx(present_value(sched, 0.03, 2020), rel=1e-12)


def test_bad_side_and_probability_raise_spec_errors():
    s = load_scenario("sma-2020-hindsight")
    with pytest.raises(SpecError) as e:
        advise(s, "them", 0.5)
    assert e.value.field == "side"
    for p in (-0.1, 1.1, float("nan")):
        with pytest.raises(SpecError) as e:
            advise(s, "us", p)
        assert e.value.field == "min_consent"


KEYS = {"amount_krw", "amount_usd", "duration_years", "escalator", "p_consent", "expected_utility", "alternatives"}


def test_cli_json_shape(capsys):
    code = main(["advise", "sma-2020-hindsight", "--side", "us", "--min-consent", "0.8", "--set", COARSE, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and KEYS <= set(data)
    assert data["p_consent"] >= 0.8 and isinstance(data["duration_years"], int)
    assert data["amount_usd"] == pytest.approx(data["amount_krw"] / 1180.20, rel=1e-9)
    assert all(KEYS - {"alternatives"} <= set(alt) for alt in data["alternatives"])
    code = main(["advise", "sma-2020-hindsight", "--side", "host", "--min-consent", "0.8", "--set", COARSE, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and KEYS <= set(data)


@pytest.mark.parametrize("args,option", [
    (["--side", "us", "--min-consent", "1.5"], "--min-consent"),
    (["--side", "us", "--min-consent", "-0.2"], "--min-consent"),
    (["--side", "them", "--min-consent", "0.5"], "--side"),
    (["--side", "us", "--min-consent", "0.5", "--date", "2020-13-01"], "--date"),
])
def test_cli_bad_input_exits_2_naming_the_option(capsys, args, option):
    code = main(["advise", "sma-2020-hindsight", *args])
    err = capsys.readouterr().err
    assert code == 2 and option in err and err.count("\n") == 1


def test_advice_respects_the_host_executive_ceiling():
    """The host executive signs nothing above its own ceiling (DESIGN.md §4), so no advice for
    either side lies above it; with opinion_weight 0 the constraint is gone."""
    import datetime as dt

    from burdenshare.actors import executive_approval

    day = dt.date(2021, 3, 1)
    s = load_scenario("sma-2020-hindsight")
    free = load_scenario("sma-2020-hindsight", ["parties.host_executive.opinion_weight=0"])
    for side in ("us", "host"):
        a = advise(s, side, 0.5, day)
        terms = utility_terms(s, side)
        host_r = terms.reservation_own_krw if side == "host" else terms.reservation_other_krw
        assert a.amount_krw is not None
        assert executive_approval(s, [day], [a.amount_krw], host_r)[0][0] == 1.0
        assert all(executive_approval(s, [day], [alt["amount_krw"]], host_r)[0][0] == 1.0 for alt in a.alternatives)
    us, us_free = advise(s, "us", 0.5, day), advise(free, "us", 0.5, day)
    assert us_free.expected_utility >= us.expected_utility  # a larger feasible set
    if (us_free.duration_years, us_free.escalator) == (us.duration_years, us.escalator):
        assert us_free.amount_krw >= us.amount_krw
