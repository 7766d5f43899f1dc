"""Tests of the cost model (burdenshare.costs): hand-computed schedules, PV and FX."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burdenshare import data
from burdenshare.costs import (
    COST_CATEGORIES,
    Escalator,
    cost_category,
    krw_per_usd,
    payment_schedule,
    present_value,
    to_krw,
    to_usd,
)
from burdenshare.errors import DataError, SpecError


def test_categories_covered_and_sought() -> None:
    covered = {c.id for c in COST_CATEGORIES if c.status == "covered"}
    sought = {c.id for c in COST_CATEGORIES if c.status == "sought"}
    assert covered == {"labor", "construction", "logistics"}
    assert sought == {"rotational_deployments", "readiness", "strategic_assets", "civilian_family_support"}
    assert cost_category("labor").status == "covered"
    with pytest.raises(SpecError) as err:
        cost_category("salaries")
    assert err.value.field == "category"


def test_five_year_cpi_schedule_capped_at_4_pct() -> None:
    # made-up CPI with two years above the cap: 2022 (5.5 %) and 2024 (6.0 %)
    cpi = {2021: 2.0, 2022: 5.5, 2023: 3.0, 2024: 6.0}
    s = payment_schedule(1000.0, 2020, 5, Escalator("cpi", cap_pct=4.0), cpi)
    assert s.years == (2020, 2021, 2022, 2023, 2024)
    assert s.growth_pct == (0.0, 2.0, 4.0, 3.0, 4.0)
    # by hand: 1000; ×1.02 = 1020; ×1.04 = 1060.8; ×1.03 = 1092.624; ×1.04 = 1136.32896
    assert s.amounts == pytest.approx((1000.0, 1020.0, 1060.8, 1092.624, 1136.32896), rel=1e-12)
    assert s.total == pytest.approx(5309.75296, rel=1e-12)


def test_fixed_8_2_pct_schedule() -> None:
    s = payment_schedule(1038.9, 2019, 3, Escalator("fixed", rate_pct=8.2))
    # 1038.9 × 1.082 = 1124.0898; × 1.082 = 1216.2651636
    assert s.amounts == pytest.approx((1038.9, 1124.0898, 1216.2651636), rel=1e-12)
    capped = payment_schedule(100.0, 2019, 2, Escalator("fixed", rate_pct=8.2, cap_pct=5.0))
    assert capped.amounts == pytest.approx((100.0, 105.0))


def test_defense_budget_linked_schedule_uses_data_growth() -> None:
    growth = {2019: data.defense_budget_growth_pct(2019), 2020: data.defense_budget_growth_pct(2020)}
    assert growth[2019] == pytest.approx(8.2, abs=0.005) and growth[2020] == pytest.approx(7.4, abs=0.005)
    s = payment_schedule(960.2, 2018, 3, Escalator("defense_budget"), growth)
    # 960.2 bn won (2018) grown with the defense budget: 960.2 × 46697.1/43158.1 × 50152.7/46697.1
    assert s.amounts[1] == pytest.approx(960.2 * 46697.1 / 43158.1, rel=1e-12)
    assert s.amounts[2] == pytest.approx(960.2 * 50152.7 / 43158.1, rel=1e-12)
    # the 10th SMA (1,038.9 bn won, +8.2 %) matches the 2019 defense-budget growth
    assert s.amounts[1] == pytest.approx(1038.9, rel=1e-4)
    capped = payment_schedule(960.2, 2018, 3, Escalator("defense_budget", cap_pct=7.5), growth)
    assert capped.growth_pct == pytest.approx((0.0, 7.5, growth[2020]))


def test_index_linked_escalator_needs_every_year() -> None:
    with pytest.raises(SpecError) as err:
        payment_schedule(1.0, 2020, 3, Escalator("cpi"), {2021: 1.0})
    assert err.value.field == "index_growth_pct" and "2022" in str(err.value)
    with pytest.raises(SpecError):
        payment_schedule(1.0, 2020, 2, Escalator("defense_budget"))


def test_one_year_schedule_needs_no_index() -> None:
    s = payment_schedule(5.0, 2020, 1, Escalator("cpi"))
    assert s.amounts == (5.0,) and s.total == 5.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "indexed"}, "escalator.kind"),
        ({"kind": "cpi", "rate_pct": 2.0}, "escalator.rate_pct"),
        ({"kind": "fixed", "rate_pct": math.nan}, "escalator.rate_pct"),
        ({"kind": "fixed", "rate_pct": 1.0, "cap_pct": math.inf}, "escalator.cap_pct"),
    ],
)
def test_bad_escalators(kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(SpecError) as err:
        Escalator(**kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(("amount", "years", "field"), [(-1.0, 2, "first_year_amount"), (1.0, 0, "duration_years")])
def test_bad_schedule_arguments(amount: float, years: int, field: str) -> None:
    with pytest.raises(SpecError) as err:
        payment_schedule(amount, 2020, years, Escalator("none"))
    assert err.value.field == field


def test_present_value_by_hand() -> None:
    s = payment_schedule(100.0, 2020, 3, Escalator("fixed", rate_pct=10.0))
    # 100 + 110/1.1 + 121/1.21 = 300
    assert present_value(s, 0.10, 2020) == pytest.approx(300.0, rel=1e-12)
    # base year one year earlier: each term divided by a further 1.1
    assert present_value(s, 0.10, 2019) == pytest.approx(300.0 / 1.1, rel=1e-12)
    flat = payment_schedule(1000.0, 2020, 5, Escalator("none"))
    assert present_value(flat, 0.05, 2020) == pytest.approx(sum(1000.0 / 1.05**k for k in range(5)))
    assert present_value(flat, 0.0, 2020) == 5000.0
    with pytest.raises(SpecError) as err:
        present_value(flat, -1.0, 2020)
    assert err.value.field == "discount_rate"


def test_fx_uses_data_rates() -> None:
    assert to_usd(1_166.11e9, 2019) == pytest.approx(1e9)
    assert to_krw(1e9, 2020) == pytest.approx(1_180.20e9)
    assert to_usd(1_038.9e9, 2019) == pytest.approx(1_038.9e9 / 1166.11)


def test_fx_outside_data_needs_an_assumed_rate() -> None:
    with pytest.raises(DataError) as err:
        to_usd(1e9, 2021)
    assert err.value.field == "year" and "2021" in str(err.value)
    assert to_usd(1_144.0e9, 2021, {2021: 1144.0}) == pytest.approx(1e9)
    # the data win for years they cover
    assert krw_per_usd(2019, {2019: 1000.0}) == 1166.11
    with pytest.raises(SpecError):
        krw_per_usd(2021, {2021: -5.0})


@given(
    amount=st.floats(min_value=0, max_value=1e15, allow_nan=False),
    year=st.sampled_from([2010, 2014, 2016, 2018, 2019, 2020]),
)
def test_fx_round_trip(amount: float, year: int) -> None:
    assert to_krw(to_usd(amount, year), year) == pytest.approx(amount, rel=1e-12, abs=1e-6)


@given(
    first=st.floats(min_value=0, max_value=1e13, allow_nan=False),
    rate=st.floats(min_value=-50, max_value=50, allow_nan=False),
    cap=st.one_of(st.none(), st.floats(min_value=-50, max_value=50, allow_nan=False)),
    n=st.integers(min_value=1, max_value=8),
)
def test_capped_growth_never_exceeds_cap(first: float, rate: float, cap: float | None, n: int) -> None:
    s = payment_schedule(first, 2020, n, Escalator("fixed", rate_pct=rate, cap_pct=cap))
    bound = rate if cap is None else min(rate, cap)
    assert all(g == bound for g in s.growth_pct[1:])
    assert len(s.amounts) == n


def test_category_sources_match_the_data_rows() -> None:
    rows = data.load("cost_categories")
    for cat in COST_CATEGORIES:
        ids = cat.source.rsplit("(", 1)[1].rstrip(")")
        matches = [r for r in rows.raw_rows if r["source_ids"] == ids and r["category"].split(" (")[0] in cat.source]
        assert matches, cat.id
        expected = "covered" if cat.status == "covered" else ("sought", "hinted")
        assert matches[0]["status"].startswith(expected), cat.id
