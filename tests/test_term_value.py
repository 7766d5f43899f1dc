"""The term as both sides value it (issue 11): the one definition in ``bargaining.term_value``, and
the term that comes out of the engine, the solver and ``advise`` moving with the preferences."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from burdenshare.analysis.advise import advise, utility_terms
from burdenshare.bargaining.term_value import (
    acceptance_premium,
    efficient_term_index,
    term_cost_krw,
    term_plan,
)
from burdenshare.engine import simulate
from burdenshare.engine.draws import DrawLayout, draw_range
from burdenshare.engine.plan import build_plan, draw_columns
from burdenshare.engine.reference import duration_offer
from burdenshare.errors import BurdenshareError
from burdenshare.scenario import Scenario, load_scenario
from burdenshare.solver import solve_scenario
from _refusals import assert_override_refused

W = 10_389_000_000.0  # 1 % of the current agreement, won per year per squared year


def _with_terms(us: tuple[int, float] | None, rok: tuple[int, float] | None, *overrides: str) -> Scenario:
    """sma-2020-hindsight with fixed term preferences (no prior on them); None: no preference."""
    d = load_scenario("sma-2020-hindsight", list(overrides)).model_dump(by_alias=True)
    d["uncertainty"] = [u for u in d["uncertainty"] if ".term_preference." not in u["param"]]
    for gov, tp in (("us", us), ("rok", rok)):
        d["strategies"][gov]["term_preference"] = None if tp is None else {"ideal_years": tp[0], "weight_krw": tp[1]}
    if us is None or rok is None:
        d["provenance"]["values"] = {k: v for k, v in d["provenance"]["values"].items()
                                     if not any(k.startswith(f"strategies.{g}.term_preference") for g, t in
                                                (("us", us), ("rok", rok)) if t is None)}
    return Scenario.model_validate(d)


# --------------------------------------------------------------------------- the definition


def test_efficient_term_is_the_weighted_mean_rounded_to_an_allowed_term() -> None:
    """Quadratic costs: argmin_m w_a (m - T_a)^2 + w_b (m - T_b)^2 is the allowed term nearest the
    weighted mean (Enelow & Hinich 1984); equal ideals give that term."""
    durs = [1, 2, 3, 4, 5]
    cases = [((1, 1.0), (1, 1.0), 1), ((5, 1.0), (5, 1.0), 5), ((1, 1.0), (5, 1.0), 3),
             ((1, 3.0), (5, 1.0), 2), ((1, 1.0), (5, 3.0), 4), ((1, 1.0), (5, 0.0), 1)]
    for (ta, wa), (tb, wb), want in cases:
        i = efficient_term_index(term_cost_krw(ta, wa, durs), term_cost_krw(tb, wb, durs))
        assert durs[i] == want, (ta, wa, tb, wb)
    # between two allowed terms at equal distance the shorter one (1 vs 4: mean 2.5 on 1..5)
    assert durs[efficient_term_index(term_cost_krw(1, 1.0, durs), term_cost_krw(4, 1.0, durs))] == 2
    # on the record's terms 1, 2, 3, 5 opposed ideals 1 and 5 meet at 3
    assert [1, 2, 3, 5][efficient_term_index(term_cost_krw(1, 1.0, [1, 2, 3, 5]), term_cost_krw(5, 1.0, [1, 2, 3, 5]))] == 3


def test_term_offers_concede_from_the_ideal_to_the_target() -> None:
    assert [duration_offer(0, 2, c) for c in (0.0, 0.24, 0.26, 0.74, 0.76, 1.0)] == [0, 0, 1, 1, 2, 2]
    assert [duration_offer(4, 2, c) for c in (0.0, 0.5, 1.0)] == [4, 3, 2]
    assert duration_offer(3, 3, 1.0) == 3
    # the rule without preferences: the short / long end conceding to the middle (index (nd-1)//2)
    assert [duration_offer(0, 2, 1.0), duration_offer(4, 2, 1.0)] == [2, 2]


def test_acceptance_premium_in_grid_steps() -> None:
    """A standing term costing Δ more than one's own must be made up by ceil(Δ / step) grid steps."""
    c = term_cost_krw(1, W, [1, 2, 3])  # 0, W, 4W
    p = acceptance_premium(c, 10e9)
    assert p.tolist() == [[0, -1, -4], [2, 0, -3], [5, 4, 0]]  # ceil(1.0389) = 2, ceil(4.1556) = 5, ...


def test_without_preferences_the_earlier_rule_holds() -> None:
    s = _with_terms(None, None)
    tp = term_plan(s, [1, 2, 3, 4, 5])
    assert not tp.valued and tp.start == (0, 4) and tp.target == (2, 2)  # short / long, conceding to 3 years
    assert np.all(tp.cost == 0.0)


def test_each_draw_bargains_toward_its_own_efficient_term() -> None:
    """Per draw, the target is the allowed term nearest the weighted mean of the drawn ideals
    (computed here from the drawn values, independently of term_value's argmin)."""
    s = load_scenario("sma-2020-hindsight")
    plan = build_plan(s)
    layout = DrawLayout.from_scenario(s, plan.n_rounds)
    cols = draw_columns(s, layout, draw_range(layout, 0, 0, 1, 4096), 64)
    durs = plan.durations.astype(float)
    t_us, w_us, t_k, w_k = (cols[k] for k in ("term_ideal_us", "term_weight_us", "term_ideal_rok", "term_weight_rok"))
    assert np.all(t_us == 1.0) and t_k.min() >= 3.0 and t_k.max() <= 5.0 and t_k.std() > 0.5
    assert w_us.min() >= 0.5 * W - 1 and w_us.max() <= 2 * W + 1
    mean = (w_us * t_us + w_k * t_k) / (w_us + w_k)
    nearest = np.abs(durs[None, :] - mean[:, None]).argmin(axis=1)
    assert np.array_equal(cols["term_target_us"], nearest) and np.array_equal(cols["term_target_rok"], nearest)
    assert set(np.unique(durs[nearest])) >= {2.0, 3.0}  # the prior spreads the target
    assert np.all(cols["term_start_us"] == 0)
    assert np.array_equal(durs[cols["term_start_rok"]], np.clip(np.floor(t_k + 0.5), 1, 5))  # nearest allowed to the ideal


# --------------------------------------------------------------------------- the engine


def _terms(scenario: Scenario) -> Counter[int]:
    r = simulate(scenario, draws=1500, seed=0, bank_size=1)
    o = r.outcomes
    return Counter(int(m) for m in o["duration_years"][o["ratified"] == 1])


def test_the_signed_term_moves_with_the_preferences() -> None:
    """Both sides prefer one year -> every text runs one year; both five -> five; opposed ideals 1
    and 5 with equal weights -> the term between them, three years (the efficient term); a heavier
    US weight pulls it to two, a heavier host weight to four."""
    both_one = _terms(_with_terms((1, W), (1, W)))
    assert sum(both_one.values()) > 100 and set(both_one) == {1}
    both_five = _terms(_with_terms((5, W), (5, W)))
    assert sum(both_five.values()) > 100 and set(both_five) == {5}
    for us_w, rok_w, want in ((W, W, 3), (3 * W, W, 2), (W, 3 * W, 4)):
        got = _terms(_with_terms((1, us_w), (5, rok_w)))
        n = sum(got.values())
        assert n > 100 and got.most_common(1)[0][0] == want, (us_w, rok_w, got)
        assert got[want] / n > 0.8 and set(got) <= {1, 2, 3, 4, 5}


def test_utilities_value_the_signed_term() -> None:
    """Invariant: a ratified draw's utilities are delta^k (x - r_US - c_US(m)) and
    delta^k (cap - x - c_K(m)) less its impasse and audience costs, with c the drawn term costs."""
    r = simulate(_with_terms((1, W), (5, 2 * W)), draws=800, seed=3, bank_size=1)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    assert ok.sum() > 100
    m = o["duration_years"][ok].astype(float)
    k = o["ratified_round"][ok].astype(float)
    x = o["amount_krw"][ok]  # a flat schedule: the opening amount is the level equivalent
    n_rej = (o["rejections_president"] + o["rejections_assembly"])[ok]
    cap = np.maximum(p["r_rok"], p["open_rok"])[ok] + r.plan.drawdown_shift_krw
    u_us = p["delta_us"][ok] ** k * (x - p["r_us"][ok] - W * (m - 1.0) ** 2)
    u_rok = p["delta_rok"][ok] ** k * (cap - x - 2 * W * (m - 5.0) ** 2)
    assert np.allclose(o["utility_us_krw"][ok] + o["impasse_cost_us_krw"][ok] + p["aud_us"][ok] * n_rej, u_us,
                       rtol=1e-12, atol=1.0)
    assert np.allclose(o["utility_rok_krw"][ok] + o["impasse_cost_rok_krw"][ok] + p["aud_rok"][ok] * n_rej, u_rok,
                       rtol=1e-12, atol=1.0)
    assert Counter(m.tolist()).most_common(1)[0][0] == 4.0  # the efficient term: weighted mean 11/3 -> 4


# --------------------------------------------------------------------------- solver and advise


def _logistic(x, day, m):  # type: ignore[no-untyped-def]
    return 1.0 / (1.0 + np.exp(np.clip((np.asarray(x, dtype=float) - 1.15e12) / 5e10, -700, 700)))


@pytest.mark.parametrize("ideal", [1, 5])
def test_advise_values_the_term(ideal: int) -> None:
    """Each side's advice takes its own ideal term when it weighs the term heavily (20 % a year per
    squared year) and the consent curve does not depend on the term."""
    for side, tp in (("us", ((ideal, 20 * W), None)), ("host", (None, (ideal, 20 * W)))):
        s = _with_terms(*tp, "agreement_space.amount_step_krw=50000000000.0")
        a = advise(s, side, 0.0, consent=_logistic)
        assert a.duration_years == ideal, side
        assert utility_terms(s, side).term_preference == (ideal, 20 * W, 0.0)


def test_advise_takes_the_expected_term_cost_over_the_priors() -> None:
    """E[w (m - T)^2] = E[w] ((m - E[T])^2 + Var[T]) for independent draws: the hindsight priors
    U(0.5 %, 2 %) of the current agreement on each weight and U(3, 5) on Seoul's ideal."""
    s = load_scenario("sma-2020-hindsight")
    w_mean = 0.5 * (0.5 + 2.0) * W
    us, host = utility_terms(s, "us").term_preference, utility_terms(s, "host").term_preference
    assert us is not None and host is not None
    assert us[0] == 1.0 and us[1] == pytest.approx(w_mean) and us[2] == 0.0
    assert host[0] == pytest.approx(4.0) and host[1] == pytest.approx(w_mean) and host[2] == pytest.approx(1.0 / 3.0)
    # the Monte Carlo mean of the drawn costs agrees
    rng = np.random.default_rng(0)
    t = rng.uniform(3.0, 5.0, 200_000)
    w = rng.uniform(0.5 * W, 2.0 * W, 200_000)
    for m in (1, 3, 5):
        mc = float(np.mean(w * (m - t) ** 2))
        assert mc == pytest.approx(host[1] * ((m - host[0]) ** 2 + host[2]), rel=0.01)


def test_solver_signs_the_term_both_prefer() -> None:
    """The rational benchmark values the term with the engine's costs: both sides preferring one
    year -> the equilibrium text runs one year; both five -> five."""
    for ideal in (1, 5):
        eq = solve_scenario(_with_terms((ideal, W), (ideal, W)), consent=lambda x, day, m: _logistic(x, day, m))
        assert eq.agreement and eq.duration_years == ideal


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("override, field", [
    ("strategies.us.term_preference.ideal_years=0", "strategies.us.term_preference.ideal_years"),
    ("strategies.rok.term_preference.ideal_years=11", "strategies.rok.term_preference.ideal_years"),
    ("strategies.rok.term_preference.weight_krw=-1.0", "strategies.rok.term_preference.weight_krw"),
])
def test_bad_term_preference_is_one_line_exit_2(override: str, field: str, tmp_path: Path) -> None:
    assert_override_refused(override, field, tmp_path)


def test_a_prior_outside_1_to_10_years_is_refused(tmp_path: object) -> None:
    s = load_scenario("sma-2020-hindsight")
    i = next(i for i, u in enumerate(s.uncertainty) if u.param == "strategies.rok.term_preference.ideal_years")
    with pytest.raises(BurdenshareError) as err:
        load_scenario("sma-2020-hindsight", [f"uncertainty.{i}.low=0.2"])
    assert "strategies.rok.term_preference.ideal_years, [1, 10]" in str(err.value)
    # a prior on the term preference of a side without one names that field
    d = _with_terms((1, W), None).model_dump(by_alias=True)
    d["uncertainty"].append({"param": "strategies.rok.term_preference.weight_krw", "dist": "uniform",
                             "low": 1e9, "high": 2e9, "source": "test"})
    with pytest.raises(ValueError, match="strategies.rok.term_preference.weight_krw' is not a field of this scenario"):
        Scenario.model_validate(d)
