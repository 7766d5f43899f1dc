"""The escalator rate as a bargained issue (issue 11): each government discounts the schedule at its
own rate (``bargaining.rate_value``), so the split of a level equivalent between the opening amount
and the growth rate is worth something, and the rate is conceded like the term."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining.rate_value import rate_grid, scenario_rate_costs
from burdenshare.engine import simulate
from burdenshare.engine.plan import build_plan
from burdenshare.scenario import Scenario, load_scenario
from _refusals import assert_override_refused
from test_engine import _kernel_vs_reference

W = 10_389_000_000.0  # 1 % of the current agreement, won per year per squared year
RATES = [0.0, 1.0, 2.0, 3.0, 4.0]
R = 0.03  # the hindsight scenario's cost_model.discount_rate


def _with_rates(r_us: float | None, r_rok: float | None, grid: list[float] | None = RATES,
                *overrides: str) -> Scenario:
    """sma-2020-hindsight with a fixed 2 % escalator capped at 4 %, both sides preferring a five-year
    term (no prior on it, so every text has later years), the bargained rates ``grid`` and the
    governments' own discount rates (None: the scenario's 3 %)."""
    d = load_scenario("sma-2020-hindsight", list(overrides)).model_dump(by_alias=True)
    d["uncertainty"] = [u for u in d["uncertainty"] if ".term_preference." not in u["param"]]
    for gov, r in (("us", r_us), ("rok", r_rok)):
        d["strategies"][gov]["term_preference"] = {"ideal_years": 5, "weight_krw": W}
        d["strategies"][gov]["discount_rate"] = r
    d["cost_model"]["escalator"].update({"kind": "fixed", "rate_pct": 2.0, "cap_pct": 4.0, "rate_grid_pct": grid})
    return Scenario.model_validate(d)


# --------------------------------------------------------------------------- the definition


def _f(g: float, r: float, m: int) -> float:
    """Level equivalent per won of opening amount of a fixed g % schedule over m years at rate r."""
    v = [(1.0 + r) ** -i for i in range(m)]
    return sum((1.0 + g / 100.0) ** i * v[i] for i in range(m)) / sum(v)


def test_rate_costs_are_the_own_rate_level_equivalents() -> None:
    """k_US = 1 - f(g; r_US) / f(g; r), k_K = f(g; r_K) / f(g; r) - 1 (closed form here); the
    efficient rate and each side's ideal are corners; a one-year term keeps the scenario's rate."""
    s = _with_rates(0.03, 0.10)
    grid = rate_grid(s, [1, 2, 3, 4, 5])
    assert grid is not None and grid.g0 == 2
    rc, rgi = scenario_rate_costs(s, grid)
    for d, m in enumerate([1, 2, 3, 4, 5]):
        for gi, g in enumerate(RATES):
            assert rc[0, d, gi] == pytest.approx(1.0 - _f(g, 0.03, m) / _f(g, R, m), abs=1e-14)
            assert rc[1, d, gi] == pytest.approx(_f(g, 0.10, m) / _f(g, R, m) - 1.0, abs=1e-14)
            assert grid.level[d, gi] == pytest.approx(_f(g, R, m), rel=1e-14)
    assert np.all(rc[0] == 0.0)  # the US discounts at the scenario's rate: the rate is nothing to it
    assert rgi[:, 0].tolist() == [2, 2, 2]  # one year: no later payment, every rate ties
    assert rgi[0, 1:].tolist() == [2] * 4  # the indifferent US keeps the scenario's rate
    assert rgi[1, 1:].tolist() == [4] * 4 and rgi[2, 1:].tolist() == [4] * 4  # host and efficient: the cap
    _, rgi = scenario_rate_costs(s, grid, (0.10, 0.03))  # the mirror: the US discounting more
    assert rgi[0, 1:].tolist() == [0] * 4 and rgi[2, 1:].tolist() == [0] * 4 and rgi[1, 1:].tolist() == [2] * 4


def test_equal_rates_cost_nothing_exactly() -> None:
    s = _with_rates(None, R)
    grid = rate_grid(s, [1, 2, 3, 4, 5])
    assert grid is not None
    rc, rgi = scenario_rate_costs(s, grid)
    assert np.all(rc == 0.0) and np.all(rgi == grid.g0)


# --------------------------------------------------------------------------- the engine


def test_equal_rates_are_bit_identical_to_the_unbargained_rate() -> None:
    """With every government at the scenario's rate the grid changes nothing: the same outcomes and
    summary, bit for bit, as the same family without a grid; every signed rate is the family's."""
    a = simulate(_with_rates(R, None), draws=1500, seed=0, bank_size=1)
    b = simulate(_with_rates(None, None, None), draws=1500, seed=0, bank_size=1)
    assert set(a.outcomes) - set(b.outcomes) == {"escalator_pct"}
    for k, v in b.outcomes.items():
        assert np.array_equal(v, a.outcomes[k], equal_nan=True), k
    sa, sb = a.summary(), b.summary()
    for k in ("run_id", "scenario_hash"):
        sa.pop(k), sb.pop(k)
    assert sa.pop("escalator_pct") is not None and sa == sb
    agreed = a.outcomes["agreed"] == 1
    assert agreed.sum() > 100 and np.all(a.outcomes["escalator_pct"][agreed] == 2.0)
    assert np.all(np.isnan(a.outcomes["escalator_pct"][~agreed]))


def _rates(scenario: Scenario, draws: int = 1500) -> Counter[float]:
    o = simulate(scenario, draws=draws, seed=0, bank_size=1).outcomes
    return Counter(float(g) for g in o["escalator_pct"][o["ratified"] == 1])


def test_the_side_that_discounts_more_gets_its_profile() -> None:
    """A host discounting at 10 % against the US's 3 %: the signed rate moves to the cap (the
    host pays later); the mirror, the US at 10 %: to 0 (the US is paid early).  Both discounting
    more than the scenario's rate: the US opens at 0 and concedes toward the cap."""
    host_more = _rates(_with_rates(0.03, 0.10))
    n = sum(host_more.values())
    assert n > 100 and host_more[4.0] / n > 0.9, host_more
    us_more = _rates(_with_rates(0.10, 0.03))
    n = sum(us_more.values())
    assert n > 100 and us_more[0.0] / n > 0.9, us_more
    both = _rates(_with_rates(0.06, 0.10))  # efficient: the cap; the US's ideal 0
    n = sum(both.values())
    mean = sum(g * c for g, c in both.items()) / n
    assert n > 100 and mean > 2.0 and set(both) <= set(RATES), both


def test_utilities_and_opening_amount_value_the_signed_rate() -> None:
    """Invariant: u_US = delta^k (x - r_US - c_US(m) - x k_US(m, g)), u_K = delta^k (cap - x - c_K(m)
    - x k_K(m, g)) less impasse and audience costs; the opening amount is x / f_m(g; r)."""
    s = _with_rates(0.05, 0.10)
    r = simulate(s, draws=800, seed=3, bank_size=1)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    assert ok.sum() > 100
    m = o["duration_years"][ok]
    g = o["escalator_pct"][ok]
    k = o["ratified_round"][ok].astype(float)
    f = np.array([_f(gg, R, int(mm)) for gg, mm in zip(g, m)])
    x = o["amount_krw"][ok] * f  # the level equivalent on the grid
    assert np.allclose(x, np.round((x - r.plan.amount_min) / r.plan.amount_step) * r.plan.amount_step
                       + r.plan.amount_min, rtol=1e-12)
    k_us = 1.0 - np.array([_f(gg, 0.05, int(mm)) for gg, mm in zip(g, m)]) / f
    k_k = np.array([_f(gg, 0.10, int(mm)) for gg, mm in zip(g, m)]) / f - 1.0
    n_rej = (o["rejections_president"] + o["rejections_assembly"])[ok]
    cap = np.maximum(p["r_rok"], p["open_rok"])[ok] + r.plan.drawdown_shift_krw
    u_us = p["delta_us"][ok] ** k * (x - p["r_us"][ok] - W * (m - 5.0) ** 2 - x * k_us)
    u_rok = p["delta_rok"][ok] ** k * (cap - x - W * (m - 5.0) ** 2 - x * k_k)
    assert np.allclose(o["utility_us_krw"][ok] + o["impasse_cost_us_krw"][ok] + p["aud_us"][ok] * n_rej, u_us,
                       rtol=1e-10, atol=10.0)
    assert np.allclose(o["utility_rok_krw"][ok] + o["impasse_cost_rok_krw"][ok] + p["aud_rok"][ok] * n_rej, u_rok,
                       rtol=1e-10, atol=10.0)


@pytest.mark.parametrize("r_us, r_rok, overrides", [
    (0.03, 0.10, []),
    (0.10, 0.03, ["strategies.rok.kind=tit_for_tat"]),
    (0.06, 0.10, ["parties.host_executive.submission=immediate", "strategies.us.kind=conceder",
                  "strategies.us.exponent=0.3333333333333333"]),
])
def test_kernel_equals_reference_with_a_bargained_rate(r_us: float, r_rok: float, overrides: list[str]) -> None:
    _kernel_vs_reference(_with_rates(r_us, r_rok, RATES, *overrides), draws=400, seed=3)


def test_drawn_discount_rates_reach_the_kernel() -> None:
    """A prior on the host's rate: draws with a larger rate sign higher rates on average."""
    d = _with_rates(0.03, 0.04).model_dump(by_alias=True)
    d["uncertainty"].append({"param": "strategies.rok.discount_rate", "dist": "uniform", "low": 0.0, "high": 0.08,
                             "source": "test"})
    r = simulate(Scenario.model_validate(d), draws=1500, seed=0, bank_size=1)
    o, p = r.outcomes, r.params
    ok = o["ratified"] == 1
    dr = p["param:strategies.rok.discount_rate"][ok]
    g = o["escalator_pct"][ok]
    assert ok.sum() > 100
    assert g[dr > 0.04].mean() > 3.5 and g[dr < 0.02].mean() < 0.5


# --------------------------------------------------------------------------- bad input


def test_a_plan_without_a_grid_has_no_rate() -> None:
    assert build_plan(load_scenario("sma-2020-hindsight")).rate_grid is None
    assert rate_grid(_with_rates(0.1, 0.1, [2.0]), [1, 2]) is None  # one rate: not bargained


@pytest.mark.parametrize("override, field", [
    ("strategies.rok.discount_rate=-0.01", "strategies.rok.discount_rate"),
    ("strategies.us.discount_rate=1.5", "strategies.us.discount_rate"),
    ("cost_model.escalator.rate_grid_pct=[0.0,1.0]", "cost_model.escalator.rate_grid_pct"),  # kind 'none'
])
def test_bad_rate_input_is_one_line_exit_2(override: str, field: str, tmp_path: Path) -> None:
    assert_override_refused(override, field, tmp_path)


@pytest.mark.parametrize("grid, field, message", [
    ([0.0, 2.0, 5.0], "cost_model.escalator.rate_grid_pct.2", "allowed: 0..4 %"),
    ([-1.0, 2.0], "cost_model.escalator.rate_grid_pct.0", "allowed: 0..4 %"),
    ([0.0, 1.0], "cost_model.escalator.rate_grid_pct", "rate_pct 2 must be one of the rates"),
    ([2.0, 1.0], "cost_model.escalator.rate_grid_pct", "strictly increasing"),
])
def test_a_rate_outside_the_cap_names_the_field(grid: list[float], field: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        _with_rates(0.03, 0.10, grid)
    text = str(err.value)
    assert "cost_model.escalator" in text and field.removeprefix("cost_model.escalator.") in text and message in text


# --------------------------------------------------------------------------- solver


def _logistic(x, day, m):  # type: ignore[no-untyped-def]
    return 1.0 / (1.0 + np.exp(np.clip((np.asarray(x, dtype=float) - 1.15e12) / 5e10, -700, 700)))


def test_solver_signs_the_rate_the_engine_signs() -> None:
    """The rational benchmark values the rate with the engine's costs: a host discounting more ->
    the cap, the US discounting more -> 0, as the engine's draws sign; equal rates -> the
    equilibrium of the family without a grid, to the bit, at the family's rate."""
    from burdenshare.solver import solve_scenario

    for r_us, r_rok, want in ((0.03, 0.10, 4.0), (0.10, 0.03, 0.0)):
        eq = solve_scenario(_with_rates(r_us, r_rok), consent=_logistic)
        assert eq.agreement and eq.escalator_pct == want and eq.duration_years == 5
        assert eq.to_json()["escalator_pct"] == want
        engine = _rates(_with_rates(r_us, r_rok))
        assert engine.most_common(1)[0][0] == want
        # the opening amount is the level equivalent over f_5(g; r)
        first = next(r for r in eq.path if r.accepted and r.p_agreement > 0)
        assert first.offer_krw is not None and eq.amount_krw == pytest.approx(first.offer_krw / _f(want, R, 5), rel=1e-12)
    a = solve_scenario(_with_rates(R, None), consent=_logistic)
    b = solve_scenario(_with_rates(None, None, None), consent=_logistic)
    assert a.escalator_pct == 2.0 and b.escalator_pct is None
    ja, jb = a.to_json(), b.to_json()
    ja.pop("escalator_pct")
    for r in ja["path"]:
        r.pop("escalator_pct", None)
    assert ja == jb


# --------------------------------------------------------------------------- advise


def test_advise_weighs_the_rates_at_the_sides_own_discount_rate() -> None:
    """``advise`` offers the fixed escalator at each rate of the grid and values the payments at the
    side's own discount rate (the counterpart's individual rationality at the counterpart's):
    its utility is the module formula with A_{m,e} at r_s, and a host discounting at 10 % moves off
    a zero rate.  (advise renews a text at its opening amount over the horizon, so its rate is not
    the engine's corner; docs/simulation.md.)"""
    import math as _m

    from burdenshare.analysis.advise import advise, agreement_grid, utility_terms

    one = lambda x, d, m: np.ones_like(np.asarray(x, dtype=float))  # noqa: E731
    s = _with_rates(R, 0.10, RATES, "agreement_space.amount_step_krw=2000000000.0")
    g = agreement_grid(s, "host", consent=one)
    assert g.escalators == ("none", "fixed:0", "fixed:1", "fixed:2", "fixed:3", "fixed:4", "cpi", "defense_budget")
    t = g.terms
    assert t.rate_of("own") == 0.10 and t.rate_of("other") == R
    j, i = g.escalators.index("fixed:3"), g.durations.index(5)
    a = int(np.searchsorted(g.amounts_krw, 1.0e12))  # below the executive's ceiling: P = 1
    assert g.p_consent[i, j, a] == 1.0
    ann = _m.fsum(1.03 ** (k % 5) * 1.10 ** -k for k in range(t.horizon_years))
    a0 = _m.fsum(1.10 ** -k for k in range(t.horizon_years))
    pref = -W * (5 - 5) ** 2 * a0
    assert g.utility[i, j, a] == pytest.approx(t.reservation_own_krw * a0 - g.amounts_krw[a] * ann + pref, rel=1e-12)
    host = advise(s, "host", 0.0, consent=one)
    assert host.escalator is not None and host.growth_pct[host.escalator] > 0.0
    plain = utility_terms(load_scenario("sma-2020-hindsight"), "us")
    assert plain.own_discount_rate is None and "fixed" in plain.growth_pct  # no grid: today's terms


def test_a_rate_above_the_cap_is_one_line_exit_2_in_run(tmp_path: Path) -> None:
    """Through the CLI: the rate grid's offending entry is named, exit 2, one line, no store."""
    import subprocess
    import sys

    store = tmp_path / "s.duckdb"
    sets = ["cost_model.escalator.kind=fixed", "cost_model.escalator.cap_pct=4.0",
            "cost_model.escalator.rate_grid_pct=[0.0,2.0,5.0]"]
    cmd = [sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", "5", "--store", str(store)]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "cost_model.escalator.rate_grid_pct.2" in lines[0] and "0..4 %" in lines[0]
    assert not store.exists()


def test_a_prior_on_a_discount_rate_without_a_bargained_rate_is_refused() -> None:
    from burdenshare.errors import SpecError

    d = _with_rates(0.03, 0.04, None).model_dump(by_alias=True)
    d["uncertainty"].append({"param": "strategies.rok.discount_rate", "dist": "uniform", "low": 0.0, "high": 0.08,
                             "source": "test"})
    with pytest.raises(SpecError) as err:
        build_plan(Scenario.model_validate(d))
    assert err.value.field is not None and err.value.field.startswith("uncertainty.") and "rate_grid_pct" in str(err.value)


def test_the_schedule_grows_at_the_signed_rate() -> None:
    """``schedule_krw`` reads each draw's signed rate: with every ratified text at the cap over five
    years, year i's quantiles are the opening amount's times 1.04^i (a monotone map of the same draws)."""
    s = simulate(_with_rates(0.03, 0.10), draws=1500, seed=0, bank_size=1).summary()
    assert s["escalator_pct"]["p"]["4"] == 1.0 and s["term_years"]["p"] == {"5": 1.0}
    first = s["amount_first_year_krw"]
    for i, year in enumerate(range(2020, 2025)):
        for q in ("p10", "p50", "p90"):
            assert s["schedule_krw"][str(year)][q] == pytest.approx(first[q] * 1.04 ** i, rel=1e-12)


def test_run_output_and_report_show_the_signed_rate_of_the_json(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` (its table and its ``--report``) shows the signed rate's mean and shares by rate where
    the rate is bargained, the same figures as ``run --json``; without a grid neither names it."""
    import json

    from burdenshare.cli import main
    from burdenshare.engine.run import escalator_text

    monkeypatch.setenv("COLUMNS", "300")  # one table row per line
    store, report = str(tmp_path / "s.duckdb"), tmp_path / "r.html"
    sets = ["cost_model.escalator.kind=fixed", "cost_model.escalator.rate_pct=2.0", "cost_model.escalator.cap_pct=4.0",
            "cost_model.escalator.rate_grid_pct=[0.0,1.0,2.0,3.0,4.0]", "strategies.rok.discount_rate=0.06"]
    args = ["run", "sma-2020-hindsight", "--draws", "400", "--store", store]
    for s in sets:
        args += ["--set", s]
    assert main([*args, "--report", str(report)]) == 0
    human = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    rates = json.loads(capsys.readouterr().out)["escalator_pct"]
    assert rates is not None and set(rates["p"]) == {"0", "1", "2", "3", "4"}
    assert sum(rates["p"].values()) == pytest.approx(1.0)
    text = escalator_text(rates)
    assert text == f"{rates['mean']:.2f} %, " + ", ".join(f"{g} % {rates['p'][g]:.3f}" for g in ("0", "1", "2", "3", "4"))
    row = next(line for line in human.splitlines() if "escalator rate signed" in line)
    assert text in row
    assert f"signed escalator rate: mean and share by % a year {text}" in report.read_text(encoding="utf-8")
    assert main(["run", "sma-2020-hindsight", "--draws", "50", "--store", store]) == 0
    assert "escalator rate" not in capsys.readouterr().out
