"""Tests of the bundled reference data and its loader (burdenshare.data)."""

from __future__ import annotations

import csv
import hashlib
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import burdenshare.data as data
from burdenshare.data import Marked, load
from burdenshare.errors import DataError, SpecError

#: sha256sum of the shared reference data the packaged files were copied from (tests/data/README.md).
SHARED_DIGESTS = Path(__file__).parent / "data" / "shared_data.sha256"
PACKAGED = Path(data.__file__).parent / "files"


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize("name", data.TABLE_NAMES)
def test_every_table_loads_with_the_csv_row_count(name: str) -> None:
    with (PACKAGED / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = load(name)
    assert len(table) == len(rows)
    assert table.columns == tuple(rows[0].keys())
    assert [dict(r) for r in table.raw_rows] == rows
    assert table.provenance.file == f"{name}.csv"
    assert table.provenance.role


def _shared_digests() -> dict[str, str]:
    pairs = (line.split() for line in SHARED_DIGESTS.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def test_shared_digests_list_every_packaged_file() -> None:
    expected = {f"{n}.csv" for n in data.TABLE_NAMES} | {"README.md"}
    assert set(_shared_digests()) == expected
    assert {p.name for p in PACKAGED.iterdir() if p.suffix in (".csv", ".md")} == expected


@pytest.mark.parametrize("name", [*data.TABLE_NAMES, "README"])
def test_packaged_files_are_verbatim_copies_of_the_shared_data(name: str) -> None:
    filename = f"{name}.md" if name == "README" else f"{name}.csv"
    digest = hashlib.sha256((PACKAGED / filename).read_bytes()).hexdigest()
    assert digest == _shared_digests()[filename]


def test_unknown_table_name_lists_allowed_names() -> None:
    with pytest.raises(DataError) as err:
        load("sma_histroy")
    assert err.value.field == "name"
    assert "sma_history" in str(err.value) and "macro_series" in str(err.value)


def test_table_is_frozen() -> None:
    table = load("context")
    with pytest.raises(AttributeError):
        table.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        table.rows[0]["value"] = 1.0  # type: ignore[index]


def test_numeric_cells_are_floats_missing_are_nan_text_verbatim() -> None:
    row = load("sma_history").where(sma_number=10).rows[0]
    assert row["first_year_contribution_krw_billion"] == 1038.9
    assert row["signing_date"] == "2019-03-08"
    first = load("sma_history").where(sma_number=1).rows[0]
    assert first["na_consent_date"] == "NOT FOUND"  # text column: verbatim
    assert math.isnan(first["na_votes_yes"])  # empty numeric cell


def test_not_found_cells_stay_visible_as_nan_with_raw_text() -> None:
    macro = load("macro_series")
    cell = macro.where(key="krw_usd_avg", year=2017).rows[0]["value"]
    assert isinstance(cell, Marked) and math.isnan(cell)
    assert cell.raw == "NOT FOUND" and cell.flag == "not_found"
    assert "NOT FOUND" in repr(cell)
    # the column as an array is float with NaN there
    col = macro.column("value")
    assert col.dtype == np.float64 and np.isnan(col).sum() == 8  # 4 + the Korean 10-year yields (issue 11)


@pytest.mark.parametrize(
    ("table", "key", "column", "raw", "value", "flag"),
    [
        ("sma_annual_contributions", {"year": 1992}, "pct_change_vs_prior_year", "20.0 (computed)", 20.0, "computed"),
        ("sma_annual_contributions", {"year": 1999}, "pct_change_vs_prior_year", "6 (as stated)", 6.0, "as stated"),
        ("sma_annual_contributions", {"year": 2002}, "contribution_krw_billion", "~610", 610.0, "approximate"),
        ("context", {"key": "rok_share_camp_humphreys"}, "value", ">90", 90.0, "lower_bound"),
        ("polls", {"poll_id": "KINU-2019", "response_option": "Pay less"}, "pct", "~25", 25.0, "approximate"),
    ],
)
def test_marked_numbers_keep_raw_text_and_flag(table, key, column, raw, value, flag) -> None:  # type: ignore[no-untyped-def]
    cell = load(table).where(**key).rows[0][column]
    assert isinstance(cell, Marked)
    assert float(cell) == value and cell.raw == raw and cell.flag == flag


def test_unparseable_text_in_numeric_column_is_kept_verbatim() -> None:
    cats = load("cost_categories")
    assert "40/40/20" in list(cats.column("share_pct"))
    assert load("context").where(key="furlough_start_date").rows[0]["value"] == "2020-04-01"


def test_where_and_column_errors_name_the_column() -> None:
    with pytest.raises(DataError) as err:
        load("polls").where(nonexistent=1)
    assert err.value.field == "nonexistent"
    with pytest.raises(DataError) as err:
        load("polls").column("nope")
    assert err.value.field == "nope"


def test_where_matches_raw_text() -> None:
    assert len(load("macro_series").where(value="NOT FOUND")) == 8
    assert len(load("macro_series").where(key="rok_ktb_10y_yield_pct", value="NOT FOUND")) == 4
    assert len(load("macro_series").where(year="2010-2019")) == 3


def test_provenance_lists_registry_entries_of_cited_sources() -> None:
    prov = load("context").provenance
    ids = {s.id for s in prov.sources}
    assert {"S129", "S125", "S104"} <= ids
    s129 = prov.source("S129")
    assert "wowtv" in s129.url and s129.type == "news"
    # cited but missing from the README registry: exposed, not hidden
    assert "S6" in prov.unregistered_ids
    assert len(data.source_registry()) == 257  # 246 + X116-X124 (issue 10: rounds 9-11) + X125-X126 (issue 11)


def test_provenance_source_lookup_of_uncited_id_fails() -> None:
    with pytest.raises(DataError):
        load("polls").provenance.source("X1")


# --------------------------------------------------------------------------- exchange rates, macro, facts


def test_exchange_rate_recorded_values() -> None:
    assert data.exchange_rate_krw_per_usd(2019) == 1166.11
    assert data.exchange_rate_krw_per_usd(2018) == 1100.59
    assert data.exchange_rate_krw_per_usd(2020) == 1180.20
    assert data.exchange_rate_krw_per_usd(2016) == 1160.4  # macro_series


def test_exchange_rate_entries_expose_source_and_choice() -> None:
    (entry,) = data.exchange_rate_entries(2019)
    assert entry.chosen and entry.file == "context.csv" and entry.source_ids == ("S129",)
    assert data.exchange_rate_entries(2017) == ()
    assert data.exchange_rate_years() == (2010, 2011, 2012, 2013, 2014, 2015, 2016, 2018, 2019, 2020)


@pytest.mark.parametrize("year", [2009, 2017, 2021])
def test_exchange_rate_outside_data_names_year_and_available_years(year: int) -> None:
    with pytest.raises(DataError) as err:
        data.exchange_rate_krw_per_usd(year)
    msg = str(err.value)
    assert err.value.field == "year"
    assert str(year) in msg and "2010-2016, 2018-2020" in msg
    assert "supply the rate as an assumption in the scenario" in msg


def test_2017_rate_error_carries_the_not_found_note() -> None:
    with pytest.raises(DataError, match="1,070.5"):
        data.exchange_rate_krw_per_usd(2017)


def test_macro_values_and_not_found_policy() -> None:
    assert data.macro("rok_cpi_inflation_pct", 2019) == 0.4
    with pytest.raises(DataError) as err:
        data.macro("rok_nominal_gdp_krw_2015base", 2016)
    assert err.value.field == "year" and "NOT FOUND" in str(err.value)
    entry = data.macro_entry("rok_nominal_gdp_krw_2015base", 2016)
    assert math.isnan(entry.value) and entry.raw == "NOT FOUND"
    with pytest.raises(DataError) as err:
        data.macro("rok_cpi_inflation_pct", 2030)
    assert err.value.field == "year" and "2010" in str(err.value)
    with pytest.raises(DataError) as err:
        data.macro("cpi", 2019)
    assert err.value.field == "key"
    assert data.macro("germany_costs_us_troop_stationing", "2010-2019") == 982.4


def test_fact_fields() -> None:
    f = data.fact("krw_usd_avg_2019")
    assert f.value == 1166.11 and f.source_ids == ("S129",) and f.confidence == "high"
    assert f.citation == "context.csv:krw_usd_avg_2019 (S129)"
    m = data.fact("rok_share_camp_humphreys")
    assert m.flag == "lower_bound" and m.raw == ">90"
    with pytest.raises(DataError) as err:
        data.fact("krw_usd_avg_2017")
    assert err.value.field == "key" and "krw_usd_avg_2019" in str(err.value)


def test_base_unit_helpers() -> None:
    assert data.nominal_gdp_krw(2019) == 1_919_000e9
    assert data.nominal_gdp_krw(2019, vintage="first_release") == 1_914_000e9
    assert data.population_persons(2019) == 51_849_861
    assert data.defense_budget_krw(2020) == pytest.approx(50_152.7e9)
    assert data.defense_budget_krw(2017) == pytest.approx(40_334.7e9)  # macro_series
    assert data.defense_budget_growth_pct(2019) == pytest.approx(8.2, abs=0.005)
    assert data.defense_budget_growth_pct(2020) == pytest.approx(7.4, abs=0.005)
    assert data.cpi_inflation_pct(2020) == 0.5
    assert data.jpy_per_usd(2019) == 109.01
    with pytest.raises(DataError) as err:
        data.defense_budget_krw(2013)
    assert err.value.field == "year"


# --------------------------------------------------------------------------- assembly


def test_consent_votes_recorded_numbers() -> None:
    ninth, tenth = data.consent_votes()
    assert (ninth.sma_number, ninth.yes, ninth.present, ninth.no, ninth.abstain) == (9, 131, 192, 26, 35)
    assert (tenth.sma_number, tenth.yes, tenth.present, tenth.no, tenth.abstain) == (10, 139, 194, 33, 22)
    assert ninth.date == date(2014, 4, 16) and tenth.date == date(2019, 4, 5)
    assert ninth.seated == 298 and tenth.seated == 300
    assert tenth.yes_share_of_present == pytest.approx(139 / 194)


def test_consent_vote_party_tags_2019() -> None:
    tenth = data.consent_votes()[1]
    tags = {t.party.split(" (")[0]: t for t in tenth.party_tags}
    assert tags["Justice Party"].votes_no == 4
    assert tags["Liberty Korea Party"].votes_no == 0 and tags["Liberty Korea Party"].votes_abstain == 4
    assert sum(t.votes_no for t in tenth.party_tags) == tenth.no
    assert sum(t.votes_abstain for t in tenth.party_tags) == tenth.abstain
    ninth = data.consent_votes()[0]
    assert all(math.isnan(t.votes_no) for t in ninth.party_tags)  # roll call NOT FOUND


@pytest.mark.parametrize(
    ("day", "expected", "snapshot"),
    [
        ("2014-04-16", {"conservative": 156, "liberal": 130, "progressive": 11, "independent": 1, "vacant": 2}, "2014-04-16"),
        ("2019-04-05", {"liberal": 128, "conservative": 114, "centrist": 43, "progressive": 7, "far_right": 1, "independent": 7}, "2019-04-05"),
        ("2020-03-27", {"liberal": 129, "conservative": 112, "centrist": 21, "progressive": 6}, "2020-03-27"),
        ("2020-05-29", {"liberal": 129, "conservative": 112}, "2020-03-27"),
        ("2020-05-30", {"liberal": 183, "conservative": 103, "centrist": 3, "progressive": 6, "independent": 5}, "2020-04-15"),
    ],
)
def test_seats_by_bloc_at_dates(day: str, expected: dict[str, int], snapshot: str) -> None:
    snap = data.seats_by_bloc(day)
    assert snap.snapshot_date.isoformat() == snapshot
    for bloc, seats in expected.items():
        assert snap.seats[bloc] == seats, bloc


def test_complete_snapshots_sum_to_300() -> None:
    for day in data.seat_snapshot_dates():
        snap = data.seats_by_bloc(day)
        assert sum(snap.seats.values()) + snap.unattributed == data.TOTAL_SEATS


def test_march_2020_conflict_is_exposed_as_ranges() -> None:
    snap = data.seats_by_bloc(date(2020, 4, 1))
    assert snap.uncertain
    assert snap.seats_low["conservative"] == 112 - 95 + 87
    assert snap.seats_high["conservative"] == 112 - 95 + 97
    assert snap.seats_high["liberal"] == 130
    assert snap.unattributed == 30
    assert any("87-97" in n for n in snap.notes)
    assert any("2020-03-29" in n for n in snap.notes)  # later partial report listed
    ufp = next(p for p in snap.parties if p.party == "United Future Party")
    assert (ufp.seats, ufp.seats_low, ufp.seats_high, ufp.confidence) == (95, 87, 97, "low")


def test_election_result_applies_from_term_start() -> None:
    before = data.seats_by_bloc("2020-04-16")
    assert before.snapshot_date == date(2020, 3, 27)
    after = data.seats_by_bloc(date(2020, 5, 30))
    assert after.effective_from == date(2020, 5, 30) and after.assembly_term == "21st"
    assert not after.uncertain


def test_unlabelled_rows_get_inferred_bloc_with_note() -> None:
    snap = data.seats_by_bloc("2016-08-01")
    saenuri = next(p for p in snap.parties if p.party == "Saenuri Party")
    assert saenuri.bloc == "conservative" and "inferred" in saenuri.notes


def test_seats_before_data_is_an_error_naming_date() -> None:
    with pytest.raises(DataError) as err:
        data.seats_by_bloc("2012-05-29")
    assert err.value.field == "date" and "2012-05-30" in str(err.value)  # the 2012 result applies from the 19th term start


# --------------------------------------------------------------------------- polls


def test_both_readings_of_the_dec_2019_poll_are_visible() -> None:
    main = data.poll_shares("CCGA-2019-12")
    alt = data.poll_shares("CCGA-2019-12-alt")
    opts = ("Negotiate a lower amount than the US proposal", "Refuse to pay", "Accept/meet the US demand")
    assert [main[o] for o in opts] == [68, 26, 4]
    assert [alt[o] for o in opts] == [63, 25, 4]
    readings = data.poll_readings("CCGA-2019-12")
    assert list(readings) == ["CCGA-2019-12", "CCGA-2019-12-alt"]
    assert "S132" in readings["CCGA-2019-12-alt"].source_ids


def test_follow_up_on_acceptable_amounts() -> None:
    follow = data.poll_shares("CCGA-2019-12", question="Among those who want to negotiate lower")
    assert dict(follow) == {"Below 2 trillion won (~$1.7B)": 60, "2-3 trillion won": 30}


def test_answers_by_party_support() -> None:
    by_party = data.poll_by_party("RM-2019-11")
    assert by_party["Liberty Korea Party supporters"]["Need to accept"] == 48.9
    assert by_party["Democratic Party supporters"]["Should not accept"] == 88.5
    assert data.poll_shares("RM-2019-01", subgroup="Justice Party supporters")["Oppose"] == 68


def test_marked_poll_values_stay_marked() -> None:
    kinu = data.poll_shares("KINU-2019")
    assert isinstance(kinu["Maintain status quo"], Marked) and kinu["Maintain status quo"].raw == "~75"


def test_poll_errors_name_fields() -> None:
    with pytest.raises(DataError) as err:
        data.poll_shares("GALLUP-2019")
    assert err.value.field == "poll_id"
    with pytest.raises(DataError) as err:
        data.poll_shares("CCGA-2019-12", subgroup="conservatives")
    assert err.value.field == "subgroup"
    with pytest.raises(SpecError) as err2:
        data.poll_shares("CCGA-2020-06")
    assert err2.value.field == "question"


def test_sma_japan_germany_helpers_in_base_units() -> None:
    assert data.sma_contribution_krw(2019) == 1_038_900_000_000
    assert data.sma_contribution_krw(2018) == 960_200_000_000
    approx = data.sma_contribution_krw(2002)
    assert isinstance(approx, Marked) and approx == 610e9 and approx.flag == "approximate"
    with pytest.raises(DataError) as err:
        data.sma_contribution_krw(2001)
    assert err.value.field == "year" and "NOT CONFIRMED" in str(err.value)
    assert data.japan_hns_jpy(2019) == 197_900_000_000
    assert "197.4" in data.fact("japan_hns_fy2019").notes or "1,974" in data.fact("japan_hns_fy2019").notes
    assert data.germany_stationing_payments_eur(2019) == 132_400_000
    assert data.germany_stationing_payments_eur("2010-2019") == 982_400_000
