"""explain() on the bundled ``sma-2020-hindsight`` scenario: totals equal the ask at the data's rates, over one and three years."""

from __future__ import annotations

import math

import pytest

from burdenshare import data
from burdenshare.costs import Escalator, payment_schedule
from burdenshare.errors import DataError
from burdenshare.costs.statement import explain
from burdenshare.scenario import load_scenario


def half_up(x: float) -> int:
    """Round half up to a whole unit, as explain() does."""
    return math.floor(x + 0.5)


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario("sma-2020-hindsight")


def _rate(scenario, year: int) -> float:  # type: ignore[no-untyped-def]
    try:
        return data.exchange_rate_krw_per_usd(year)
    except DataError:
        return float(scenario.cost_model.exchange_rates_krw_per_usd[year])


def test_first_year_statement_matches_ask_and_data_rate(scenario) -> None:  # type: ignore[no-untyped-def]
    s = explain(scenario)
    j = s.to_json()
    base = scenario.cost_model.base_year
    ask = scenario.levers.us_ask_usd
    assert j["ask_usd"] == half_up(ask)
    assert j["ask_krw"] == half_up(ask * _rate(scenario, base))
    assert sum(i["amount_krw"] for i in j["items"]) == j["total_krw"] == j["ask_krw"]
    assert sum(i["amount_usd"] for i in j["items"]) == j["total_usd"] == j["ask_usd"]
    assert all(i["source"] or i["assumption"] for i in j["items"])
    assert len(j["items"]) == len(scenario.cost_model.categories)


def test_multi_year_total_equals_ask_times_escalated_years(scenario) -> None:  # type: ignore[no-untyped-def]
    cm = scenario.cost_model
    years = 3
    s = explain(scenario, years=years)
    assert s.years == tuple(range(cm.base_year, cm.base_year + years))
    esc = Escalator(cm.escalator.kind, cm.escalator.rate_pct, cm.escalator.cap_pct)
    if esc.needs_index:
        index = {y: (data.cpi_inflation_pct(y) if esc.kind == "cpi" else data.defense_budget_growth_pct(y)) for y in s.years[1:]}
    else:
        index = None
    first_krw = scenario.levers.us_ask_usd * _rate(scenario, cm.base_year)
    sched = payment_schedule(first_krw, cm.base_year, years, esc, index)
    assert s.growth_pct == pytest.approx(sched.growth_pct)
    expected = [half_up(a) for a in sched.amounts]
    assert list(s.year_totals_krw) == expected
    assert s.total_krw == sum(expected) == sum(i.amount_krw for i in s.items)
    # one FX rule for every year (docs: explain): the base year's rate, the one the ask is converted at
    for usd, krw in zip(s.year_totals_usd, s.year_totals_krw):
        assert abs(usd - krw / _rate(scenario, cm.base_year)) <= 1.0
    assert s.total_usd == sum(i.amount_usd for i in s.items)


@pytest.mark.parametrize(("round_", "day"), [(10, "2018-03-07"), (9, "2014-01-01")])
def test_a_built_scenarios_cpi_schedule_is_the_engines(round_: int, day: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`explain --years 5` on a built round-9/10 scenario (CPI of two years earlier, capped at 4 %) was
    refused ("needs CPI inflation for 2020 ... pass index_growth_pct"), though the scenario states the
    years not known at as_of: the statement now reads the index of year t - lag_years, the scenario's
    stated path first, as the engine's schedule does, and its year totals are the engine's amounts."""
    import datetime as dt
    import json

    from burdenshare.agreement import scenario_index_path, schedule_for
    from burdenshare.builder import build_scenario
    from burdenshare.cli import main
    from burdenshare.data import open_dataset, using

    out = tmp_path / "s.toml"
    assert main(["scenarios", "build", "--round", str(round_), "--as-of", day, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["explain", str(out), "--years", "5", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    sc, _ = build_scenario(round_, dt.date.fromisoformat(day))
    assert (sc.cost_model.escalator.kind, sc.cost_model.escalator.lag_years) == ("cpi", 2)
    with using(open_dataset(as_of=dt.date.fromisoformat(day))):
        engine = schedule_for(sc, float(got["ask_krw"]), 5).amounts_by_year(scenario_index_path(sc, [5]))
    assert got["year_totals_krw"] == [half_up(a) for a in engine.values()]
    assert got["years"] == list(engine)
    assert any(n.startswith("cpi escalator: growth by year") and "lag 2" in n for n in got["notes"])
