"""The agreement as a multiyear schedule (burdenshare.agreement): recorded SMAs, values, bad input."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from burdenshare import data, load_scenario
from burdenshare.agreement import (
    MAX_TERM_YEARS,
    AgreementSchedule,
    EscalatorRule,
    index_path,
    level_factors,
    schedule_for,
)
from burdenshare.data import load
from burdenshare.errors import SpecError
from _refusals import assert_override_refused

BN = 1e9

#: Each SMA's rule as sma_history.csv:annual_increase_rule states it (none for the 1st and 2nd:
#: amounts set by the ROK each year).
RULES: dict[int, EscalatorRule] = {
    3: EscalatorRule("fixed", 10.0),                          # "Fixed +10% per year"
    4: EscalatorRule("nominal_gdp"),                          # "prior-year amount adjusted by (real GNP growth + inflation)"
    5: EscalatorRule("cpi", 8.8, lag_years=2),                # "prior year +8.8% plus CPI inflation of two years earlier"
    6: EscalatorRule("none"),                                 # "Flat: 680.4 bn won in each of 2005 and 2006"
    7: EscalatorRule("cpi"),                                  # "2008 = 2007 amount + CPI inflation"
    8: EscalatorRule("cpi", cap_pct=4.0, lag_years=2),        # "CPI inflation (of two years earlier), capped at 4%"
    9: EscalatorRule("cpi", cap_pct=4.0, lag_years=2),        # "CPI inflation of two years earlier, capped at 4%"
    10: EscalatorRule("none"),                                # "Single-year agreement"
}


def _history(sma: int) -> dict[str, object]:
    return load("sma_history").where(sma_number=sma).rows[0]


def _cpi(years: range) -> dict[int, float]:
    return {y: data.cpi_inflation_pct(y) for y in years}


@pytest.mark.parametrize("sma", sorted(RULES))
def test_each_recorded_sma_is_expressible(sma: int) -> None:
    row = _history(sma)
    first, term = int(row["first_year"]), int(row["duration_years"])  # type: ignore[call-overload]
    s = AgreementSchedule(first, term, 1.0, RULES[sma])
    span = str(row["years_covered"]).split("-")
    assert s.years[0] == int(span[0]) and s.years[-1] == int(span[-1])
    assert len(s.index_years()) == (term - 1 if RULES[sma].index else 0)


def test_sma9_cpi_two_years_earlier_capped_reproduces_2018() -> None:
    # 2014 KRW 920.0 bn; 2015-2018 grow by the CPI of 2013-2016 (data), capped at 4 %: 2018 recorded 960.2
    s = AgreementSchedule(2014, 5, data.sma_contribution_krw(2014), RULES[9])
    path = index_path("cpi", s.index_years(), as_of_year=2019)
    got = s.amounts_by_year(path)
    assert list(got) == [2014, 2015, 2016, 2017, 2018]
    assert got[2018] == pytest.approx(data.sma_contribution_krw(2018), abs=0.05 * BN)


def test_sma8_cap_binds_and_reproduces_2013() -> None:
    # 2009 KRW 760.0 bn; 2010-2013 by the CPI of 2008-2011 capped at 4 %.  2010 and 2011 read the
    # data; 2008 and 2009 (4.7 and 2.8 %, Statistics Korea) are not in the data: given here.
    s = AgreementSchedule(2009, 5, data.sma_contribution_krw(2009), RULES[8])
    path = {2008: 4.7, 2009: 2.8} | _cpi(range(2010, 2012))
    growth = s.growth_by_year(path)
    assert growth[2010] == 4.0 and growth[2013] == 4.0  # 4.7 and 4.0 capped at 4
    assert s.amounts_by_year(path)[2013] == pytest.approx(data.sma_contribution_krw(2013), abs=0.1 * BN)


def test_sma3_fixed_ten_percent_reproduces_1998_usd() -> None:
    rows = {int(r["year"]): r["contribution_usd_million"] for r in load("sma_annual_contributions").rows}
    s = AgreementSchedule(1996, 3, float(rows[1996]), RULES[3])  # type: ignore[arg-type]
    assert s.amounts_by_year()[1998] == pytest.approx(float(rows[1998]), rel=0.002)  # type: ignore[arg-type]


def test_sma6_flat_and_sma10_one_year() -> None:
    flat = AgreementSchedule(2005, 2, data.sma_contribution_krw(2005), RULES[6]).amounts_by_year()
    assert flat == {2005: data.sma_contribution_krw(2006), 2006: data.sma_contribution_krw(2006)}
    one = AgreementSchedule(2019, 1, data.sma_contribution_krw(2019), RULES[10])
    assert one.amounts_by_year() == {2019: data.sma_contribution_krw(2019)}
    assert one.level_equivalent(0.03) == data.sma_contribution_krw(2019)


def test_freeze_then_jump_then_defense_budget() -> None:
    # the shape described in the issue: year 1 frozen at the current amount, a jump, then growth
    # linked to the defense budget (its path an assumption here)
    cur = data.sma_contribution_krw(2019)
    s = AgreementSchedule(2020, 6, cur, EscalatorRule("defense_budget"), jump_year=2021, jump_pct=13.9)
    path = {y: 6.0 for y in range(2022, 2026)}
    a = s.amounts_by_year(path)
    assert a[2020] == cur
    assert a[2021] == pytest.approx(cur * 1.139)
    assert a[2025] == pytest.approx(cur * 1.139 * 1.06**4)
    assert s.index_years() == (2022, 2023, 2024, 2025)


def test_level_equivalent_is_the_mean_at_zero_discount_and_linear_in_the_opening() -> None:
    s = AgreementSchedule(2020, 4, 100.0, EscalatorRule("fixed", 5.0))
    a = s.amounts_by_year()
    assert s.level_equivalent(0.0) == pytest.approx(sum(a.values()) / 4)
    # discounting weights early years more: the level lies between the first and the mean
    assert 100.0 < s.level_equivalent(0.03) < sum(a.values()) / 4
    assert AgreementSchedule(2020, 4, 300.0, s.escalator).level_equivalent(0.03) == pytest.approx(
        3 * s.level_equivalent(0.03))
    pv = s.present_value(0.03)
    assert pv == pytest.approx(math.fsum(v * 1.03 ** -(y - 2020) for y, v in a.items()))


def test_scenario_schedule_flat_by_default_and_escalated_on_request() -> None:
    sc = load_scenario("sma-2020-hindsight")
    assert level_factors(sc, [1, 3, 5]).tolist() == [1.0, 1.0, 1.0]
    sc2 = load_scenario("sma-2020-hindsight", overrides=["cost_model.escalator.kind='fixed'", "cost_model.escalator.rate_pct=4.0"])
    f = level_factors(sc2, [1, 5])
    assert f[0] == 1.0 and f[1] == pytest.approx(
        schedule_for(sc2, 1.0, 5).present_value(0.03) / sum(1.03 ** -i for i in range(5)))
    assert schedule_for(sc2, 1.0, 5).amounts_by_year()[2024] == pytest.approx(1.04**4)


@pytest.mark.parametrize("kwargs, field", [
    ({"term_years": 0}, "term_years"),
    ({"term_years": MAX_TERM_YEARS + 1}, "term_years"),
    ({"jump_year": 2020, "jump_pct": 5.0}, "jump_year"),
    ({"jump_year": 2021}, "jump_year"),
    ({"escalator": "cap"}, "escalator.cap_pct"),
])
def test_bad_schedules_name_their_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"first_year": 2020, "term_years": 3, "opening_krw": 1.0}
    with pytest.raises(SpecError) as err:
        if kwargs.get("escalator") == "cap":
            EscalatorRule("cpi", cap_pct=-1.0)
        else:
            AgreementSchedule(**(args | kwargs))  # type: ignore[arg-type]
    assert err.value.field == field


def test_missing_index_year_names_the_scenario_field() -> None:
    with pytest.raises(SpecError) as err:
        index_path("cpi", [2019, 2020, 2021], as_of_year=2020)
    assert err.value.field == "cost_model.index_growth_pct.cpi"
    assert "2020, 2021" in err.value.message
    # given as an assumption, the path is complete; the data year 2019 is read from the data
    got = index_path("cpi", [2019, 2020, 2021], as_of_year=2020, assumed={2020: 1.0, 2021: 1.5})
    assert got == {2019: data.cpi_inflation_pct(2019), 2020: 1.0, 2021: 1.5}


@pytest.mark.parametrize("override, field", [
    ("cost_model.escalator.kind='cpi'", "cost_model.index_growth_pct.cpi"),
    ("cost_model.escalator.cap_pct=-1", "cost_model.escalator.cap_pct"),
    ("agreement_space.max_duration_years=11", "agreement_space.max_duration_years"),
    ("levers.allowed_durations=[1,6]", "levers.allowed_durations.1"),
])
def test_bad_scenario_schedule_is_one_line_exit_2(override: str, field: str, tmp_path: Path) -> None:
    assert_override_refused(override, field, tmp_path)


def test_scenario_index_path_accepts_an_assumed_cpi_path() -> None:
    sc = load_scenario("sma-2020-hindsight", overrides=[
        "cost_model.escalator.kind='cpi'", "cost_model.escalator.cap_pct=4.0",
        "cost_model.index_growth_pct={cpi={2021=1.0,2022=1.5,2023=5.0,2024=2.0}}"])
    f = level_factors(sc, [5])
    s = schedule_for(sc, 1.0, 5)
    a = s.amounts_by_year({2021: 1.0, 2022: 1.5, 2023: 5.0, 2024: 2.0})
    assert a[2024] == pytest.approx(1.01 * 1.015 * 1.04 * 1.02)  # 5.0 capped at 4
    assert f[0] == pytest.approx(s.level_equivalent(0.03, {2021: 1.0, 2022: 1.5, 2023: 5.0, 2024: 2.0}))


# --------------------------------------------------------------------------- the engine values the schedule

ESCALATED = ["cost_model.escalator.kind='fixed'", "cost_model.escalator.rate_pct=5.0",
             "cost_model.escalator.jump_year=2", "cost_model.escalator.jump_pct=10.0",
             "parties.host_executive.submission='immediate'"]


def test_kernel_equals_reference_with_an_escalated_schedule() -> None:
    from tests.test_engine import _kernel_vs_reference
    _kernel_vs_reference(load_scenario("sma-2020-hindsight", ESCALATED), draws=600, seed=3)


def test_engine_bargains_over_the_level_equivalent_and_reports_the_opening_amount() -> None:
    """The grid amount the sides agree, the President approves and the Assembly votes on is the
    schedule's level equivalent; the reported amount is the text's opening amount (level / f_d)."""
    from burdenshare.engine import simulate
    sc = load_scenario("sma-2020-hindsight", ESCALATED)
    res = simulate(sc, draws=800, seed=1)
    plan, o = res.plan, res.outcomes
    f = plan.level_factors()
    assert f[0] == 1.0 and f[-1] > 1.05  # one year: flat; five years: 10 % jump then 5 %/yr
    rat = np.flatnonzero(o["ratified"] == 1)
    assert rat.size > 50
    d = np.searchsorted(plan.durations, o["duration_years"][rat])
    level = o["amount_krw"][rat] * f[d]
    j = np.rint((level - plan.amount_min) / plan.amount_step).astype(int)
    assert np.allclose(level, plan.amount_min + j * plan.amount_step, rtol=0, atol=1.0)  # on the grid
    bank = res.bank
    for i, jj, dd in zip(rat, j, d):
        k = o["signed_round"][i]
        c = bank.table[res.params["bank"][i], k, dd, jj - bank.offset] if jj >= bank.offset else 1.0
        assert o["p_consent"][i] == c
        # the schedule this opening amount starts is worth the level amount
        s = schedule_for(sc, float(o["amount_krw"][i]), int(o["duration_years"][i]))
        assert s.level_equivalent(0.03) == pytest.approx(plan.amount_min + jj * plan.amount_step, rel=1e-12)


def test_run_json_reports_the_schedule_and_the_terms(tmp_path: object) -> None:
    import json
    cmd = [sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", "1500", "--json", "--summary-only",
           "--store", str(tmp_path) + "/s.duckdb", *[a for o in ESCALATED for a in ("--set", o)]]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    for key in ("p_agreement", "amount_first_year_krw", "duration_years", "increase_pct"):
        assert key in s  # today's keys are kept
    sched, terms = s["schedule_krw"], s["term_years"]
    assert list(sched) == [str(y) for y in range(2020, 2025)]
    assert sched["2020"] == s["amount_first_year_krw"]  # the first year is the opening amount
    assert sum(terms["p"].values()) == pytest.approx(1.0)
    assert terms["mean"] == pytest.approx(s["duration_years"]["mean"])
    assert terms["p10"] <= terms["p50"] <= terms["p90"]
    # a year is reported over the draws whose term covers it, grown by the jump (year 2) and 5 %/yr
    covered = [m for m in terms["p"] if int(m) >= 2]
    if covered:
        assert sched["2021"] is not None
    for y in range(2020, 2025):
        if all(int(m) < y - 2019 for m in terms["p"]):
            assert sched[str(y)] is None


def test_advise_prints_and_returns_the_per_year_schedule() -> None:
    from burdenshare.analysis.advise import advise
    adv = advise(load_scenario("sma-2020-hindsight"), "us", 0.5)
    sched = adv.schedule_krw
    assert adv.amount_krw is not None and adv.duration_years is not None and adv.escalator is not None
    assert list(sched) == [str(2020 + i) for i in range(adv.duration_years)]
    assert sched["2020"] == adv.amount_krw
    g = adv.growth_pct[adv.escalator]
    for i in range(1, adv.duration_years):
        assert sched[str(2020 + i)] == pytest.approx(sched[str(2019 + i)] * (1 + g / 100))
    assert adv.to_json()["schedule_krw"] == sched
    out = subprocess.run([sys.executable, "-m", "burdenshare", "advise", "sma-2020-hindsight", "--side", "us",
                          "--min-consent", "0.5"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert f"2020 KRW {adv.amount_krw / 1e9:,.0f} bn" in " ".join(out.stdout.split())


def test_nominal_gdp_index_reads_one_vintage() -> None:
    got = index_path("nominal_gdp", [2019, 2020], as_of_year=2021)
    assert got[2020] == pytest.approx(100 * (1924.5 / 1914.0 - 1))  # first release, KRW tn
    with pytest.raises(SpecError):
        index_path("nominal_gdp", [2014], as_of_year=2021)  # 2013 not in the data


def test_solver_reports_the_opening_amount_of_the_level_it_agrees() -> None:
    from burdenshare.solver.scenario import solve_scenario
    # three years: inside the sides' term preferences (at five the US's term cost leaves no deal)
    flat = solve_scenario(load_scenario("sma-2020-hindsight"), durations=[3])
    esc = solve_scenario(load_scenario("sma-2020-hindsight", ESCALATED), durations=[3])
    assert flat.agreement and esc.agreement
    f3 = float(level_factors(load_scenario("sma-2020-hindsight", ESCALATED), [3])[0])
    first = next(r for r in esc.path if r.accepted and r.offer_krw is not None)
    assert esc.amount_krw == pytest.approx(first.offer_krw / f3, rel=1e-12)
    assert esc.amount_krw < first.offer_krw  # a growing schedule opens below its level equivalent
