"""Tests of the transparency statement (burdenshare.costs.statement) on a stand-in scenario."""

from __future__ import annotations

import json
import math
from datetime import date
from types import SimpleNamespace as NS
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import DataError, SpecError
from burdenshare.costs import explain, split_largest_remainder

ITEM_KEYS = {"category", "year", "amount_krw", "amount_usd", "source", "assumption"}


def half_up(x: float) -> int:
    """Round half up to a whole unit, as explain() does."""
    return math.floor(x + 0.5)


def stand_in(
    *,
    ask_usd: float = 5e9,
    kind: str = "none",
    rate_pct: float = 0.0,
    cap_pct: float | None = None,
    rates: dict[int, float] | None = None,
    shares: tuple[float, ...] = (0.078, 0.0926, 0.0294, 0.4, 0.4),
) -> Any:
    """A minimal object with the attributes of the agreed Scenario contract."""
    ids = ("labor", "construction", "logistics", "rotational_deployments", "readiness")
    status = ("covered", "covered", "covered", "sought", "sought")
    cats = [
        NS(
            id=i,
            label=i.replace("_", " ").title(),
            status=s,
            share_of_ask=sh,
            source=f"cost_categories.csv:{i}" if s == "covered" else "assumption: itemization not published",
            assumption=s == "sought",
        )
        for i, s, sh in zip(ids, status, shares)
    ]
    return NS(
        name="stand-in",
        levers=NS(as_of=date(2020, 3, 11), us_ask_usd=ask_usd),
        cost_model=NS(
            base_year=2020,
            current_agreement_krw=1_038.9e9,
            current_agreement_source="sma_history.csv:10 (S1;S2)",
            discount_rate=0.03,
            escalator=NS(kind=kind, rate_pct=rate_pct, cap_pct=cap_pct),
            categories=cats,
            exchange_rates_krw_per_usd=rates or {},
            exchange_rate_source="test assumption",
        ),
    )


def test_json_shape_and_base_units() -> None:
    j = explain(stand_in()).to_json()
    assert {"ask_krw", "ask_usd", "total_krw", "total_usd", "items", "comparisons"} <= set(j)
    json.dumps(j)  # plain JSON
    assert j["ask_usd"] == 5_000_000_000
    assert j["ask_krw"] == half_up(5e9 * 1180.20)  # data rate of the base year 2020
    assert all(ITEM_KEYS <= set(i) for i in j["items"])
    assert all(isinstance(i["amount_krw"], int) and isinstance(i["amount_usd"], int) for i in j["items"])
    assert [i["year"] for i in j["items"]] == [2020] * 5


def test_items_sum_to_total_and_total_equals_the_ask() -> None:
    s = explain(stand_in())
    j = s.to_json()
    assert sum(i["amount_krw"] for i in j["items"]) == j["total_krw"] == j["ask_krw"]
    assert sum(i["amount_usd"] for i in j["items"]) == j["total_usd"] == j["ask_usd"]


def test_every_item_has_a_source_or_assumption_flag() -> None:
    for item in explain(stand_in()).to_json()["items"]:
        assert item["source"] or item["assumption"]
        assert item["fx_source"] == "context.csv:krw_usd_avg_2020 (S129)"
    items = explain(stand_in()).items
    assert [i.assumption for i in items] == [False, False, False, True, True]


def test_multi_year_fixed_escalator_by_hand() -> None:
    rates = {2021: 1150.0, 2022: 1100.0}
    s = explain(stand_in(kind="fixed", rate_pct=8.2, rates=rates), years=3)
    a0 = 5e9 * 1180.20
    expected_krw = [half_up(a0), half_up(a0 * 1.082), half_up(a0 * 1.082**2)]
    assert list(s.year_totals_krw) == expected_krw
    assert s.total_krw == sum(expected_krw)
    # the FX rule: the base year's rate (2020's data average) held flat; the stated 2021/2022 rates are not used
    assert list(s.year_totals_usd) == [5_000_000_000, half_up(a0 * 1.082 / 1180.20), half_up(a0 * 1.082**2 / 1180.20)]
    assert {i.fx_krw_per_usd for i in s.items} == {1180.20}
    assert any("not used" in n and "2021: 1150" in n and "2022: 1100" in n for n in s.notes)
    assert s.total_usd == sum(s.year_totals_usd) == sum(i.amount_usd for i in s.items)
    for year, total in zip(s.years, s.year_totals_krw):
        assert sum(i.amount_krw for i in s.items if i.year == year) == total
    # the years with assumed rates are flagged on every item and in the notes
    assert all(i.assumption for i in s.items if i.year > 2020)
    assert any("2021" in n and "assumption" in n for n in s.notes)
    assert s.present_value_krw == pytest.approx(sum(t / 1.03**k for k, t in enumerate([a0, a0 * 1.082, a0 * 1.082**2])))


def test_base_year_outside_data_without_assumed_rate_is_an_error() -> None:
    sc = stand_in()
    sc.cost_model.base_year = 2021
    with pytest.raises(DataError) as err:
        explain(sc, years=2)
    assert err.value.field == "cost_model.exchange_rates_krw_per_usd"
    assert "2021" in str(err.value) and "2018-2020" in str(err.value)
    sc.cost_model.exchange_rates_krw_per_usd = {2021: 1150.0}  # stated: used for every year
    s = explain(sc, years=2)
    assert {i.fx_krw_per_usd for i in s.items} == {1150.0} and all(i.assumption for i in s.items)
    assert list(s.year_totals_usd) == [5_000_000_000, 5_000_000_000]


@pytest.mark.parametrize("name", ["sma-2020-hindsight", "sma-2020"])
def test_fx_rule_one_rate_for_every_year_of_the_schedule(name: str) -> None:
    """Issue 13: `explain --ask 1.3e9 --years 3` converted 2020 of the hindsight scenario at the 2020
    average and 2021-2022 at 2019's.  Every year now uses the rate the scenario converts its ask at
    (the engine's ``krw_per_usd(base_year)``): 1,180.20 for the hindsight scenario (its cited 2020
    average), 1,166.11 for the built one (the 2019 average known at its as_of)."""
    from burdenshare.costs import krw_per_usd
    from burdenshare.data import using
    from burdenshare.scenario import load_scenario
    from burdenshare.scenario.vintage import vintage_view

    sc = load_scenario(name)
    s = explain(sc, ask=1.3e9, currency="USD", years=3)
    with using(vintage_view(sc)):
        engine_rate = krw_per_usd(2020, dict(sc.cost_model.exchange_rates_krw_per_usd))
    assert engine_rate == (1180.20 if name == "sma-2020-hindsight" else 1166.11)
    assert {i.fx_krw_per_usd for i in s.items} == {engine_rate}
    assert list(s.year_totals_usd) == [1_300_000_000] * 3  # no escalator: the same dollars every year
    assert s.ask_krw == half_up(1.3e9 * engine_rate)
    assert all(i.assumption for i in s.items if i.year > 2020)
    assert any(n.startswith("2021-2022: converted at the base year's rate") for n in s.notes)


def test_cpi_escalator_needs_index_data_or_assumption() -> None:
    sc = stand_in(kind="cpi", cap_pct=4.0, rates={2021: 1150.0})
    with pytest.raises(DataError) as err:
        explain(sc, years=2)
    assert err.value.field == "cost_model.escalator.kind"
    s = explain(sc, years=2, index_growth_pct={2021: 5.0})
    assert s.growth_pct == (0.0, 4.0)  # capped
    assert all(i.assumption for i in s.items if i.year == 2021)


def test_krw_ask_and_currency() -> None:
    s = explain(stand_in(), ask=1_174.9e9, currency="KRW")
    assert s.ask_krw == 1_174_900_000_000
    assert s.ask_usd == half_up(1_174.9e9 / 1180.20)
    assert s.comparisons["increase_over_current_pct"].value == pytest.approx(100 * (1174.9 / 1038.9 - 1))
    title, header, rows, footer = s.render()
    assert header[3] == "Amount (KRW)" and rows[-1][0] == "Total"
    assert len(rows) == len(s.items) + 1


def test_comparisons_are_sourced_or_null_with_note() -> None:
    j = explain(stand_in()).to_json()["comparisons"]
    assert j["rok_milex_pct_gdp"]["value"] == 2.7
    assert j["japan_milex_pct_gdp"]["value"] == 0.9
    assert j["germany_milex_pct_gdp"]["value"] == 1.36
    assert j["ask_pct_of_gdp"]["value"] == pytest.approx(100 * 5e9 * 1180.20 / 1_919_000e9)
    assert j["ask_pct_of_defense_budget"]["value"] == pytest.approx(100 * 5e9 * 1180.20 / 50_152.7e9)
    assert j["ask_per_capita_usd"]["value"] == pytest.approx(5e9 / 51_849_861)
    assert j["japan_hns_usd"]["value"] == pytest.approx(197.9e9 / 109.01)
    assert j["germany_direct_payments_usd"]["value"] is None and j["germany_direct_payments_usd"]["note"]
    for fig in j.values():
        assert fig["source"] or fig["assumption"] or (fig["value"] is None and fig["note"])


def test_bad_arguments_name_fields() -> None:
    with pytest.raises(SpecError) as err:
        explain(stand_in(), currency="EUR")
    assert err.value.field == "currency"
    with pytest.raises(SpecError) as err:
        explain(stand_in(), years=0)
    assert err.value.field == "years"
    with pytest.raises(SpecError) as err:
        explain(stand_in(), ask_usd=-1.0)
    assert err.value.field == "ask_usd"
    with pytest.raises(SpecError):
        explain(stand_in(), ask=1.0, ask_usd=1.0)


def test_split_largest_remainder_by_hand() -> None:
    assert split_largest_remainder(10, [1 / 3, 1 / 3, 1 / 3]) == [4, 3, 3]
    assert split_largest_remainder(7, [0.5, 0.5]) == [4, 3]
    assert split_largest_remainder(0, [0.2, 0.8]) == [0, 0]
    assert split_largest_remainder(100, [0.0, 1.0]) == [0, 100]


@settings(max_examples=60, deadline=None)
@given(
    ask=st.floats(min_value=1.0, max_value=1e11, allow_nan=False),
    raw=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=7).filter(lambda xs: sum(xs) > 0),
    years=st.integers(min_value=1, max_value=4),
    rate=st.floats(min_value=-5.0, max_value=20.0),
)
def test_items_always_sum_exactly(ask: float, raw: list[float], years: int, rate: float) -> None:
    total = math.fsum(raw)
    shares = tuple(x / total for x in raw)
    sc = stand_in(ask_usd=ask, kind="fixed", rate_pct=rate, rates={2021: 1200.0, 2022: 1210.0, 2023: 1190.0}, shares=shares)
    sc.cost_model.categories = sc.cost_model.categories[: len(shares)] + [
        NS(id=f"x{k}", label="x", status="sought", share_of_ask=shares[k], source="", assumption=True)
        for k in range(len(sc.cost_model.categories), len(shares))
    ]
    s = explain(sc, years=years)
    assert s.total_krw == sum(s.year_totals_krw) == sum(i.amount_krw for i in s.items)
    assert s.total_usd == sum(s.year_totals_usd) == sum(i.amount_usd for i in s.items)
    assert s.ask_krw == s.year_totals_krw[0]


def test_rate_known_only_after_as_of_is_noted() -> None:
    s = explain(stand_in())
    assert any("2020" in n and "after as_of 2020-03-11" in n for n in s.notes)


def test_render_rows_are_plain_strings_without_markup() -> None:
    title, header, rows, footer = explain(stand_in(), years=1).render(currency="USD")
    assert header[3] == "Amount (USD)" and len(header) == len(rows[0])
    for text in [title, *header, *(c for r in rows for c in r), *footer]:
        assert isinstance(text, str) and "[" not in text
    assert any(r[-1].startswith("ASSUMPTION") for r in rows)
    with pytest.raises(SpecError):
        explain(stand_in()).render(currency="JPY")


@pytest.mark.parametrize("years", ["0", "11", str(2**63), str(10**10)])
def test_cli_years_out_of_range_is_one_line(years, capsys):
    """issue 13: --years 9223372036854775808 raised OverflowError, 10**10 exhausted memory."""
    from burdenshare.cli import main

    assert main(["explain", "sma-2020-hindsight", "--years", years]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: --years: got {years}; allowed: an integer 1..10"]
