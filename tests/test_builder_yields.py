"""The builder's discount-rate rule (issue 11): each government's latest 10-year yield known at as_of
(burdenshare.builder.yields), NOT FOUND -> unset, and a capped fixed status quo bargains the rate."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import io
import re
import statistics
from pathlib import Path

import pytest

from _data_copy import copy_data
from burdenshare.builder import build_scenario, read_record
from burdenshare.builder import yields as yields_module
from burdenshare.builder.yields import YIELD_KEYS, latest_yield, rate_grid_rule

D = dt.date.fromisoformat
US, ROK = YIELD_KEYS["us"], YIELD_KEYS["rok"]


def _append_macro(data: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with (data / "macro_series.csv").open("a", encoding="utf-8") as f:
        f.write(out.getvalue())


# --------------------------------------------------------------------------- the value read at as_of


@pytest.mark.parametrize(("as_of", "period", "pct"), [
    ("2020-03-11", "2020-02", 1.50),  # sma-2020: February's average, public from 7 March
    ("2020-03-07", "2020-02", 1.50),  # the info date itself counts
    ("2020-03-06", "2020-01", 1.76),  # a day earlier February is not public yet
    ("2019-09-10", "2019-08", 1.63),  # round 11, start of talks
    ("2018-03-07", "2018-02", 2.86),  # round 10, start of talks
    ("2018-09-08", "2018-08", 2.89),  # round 10, six months before signing
    ("2013-07-31", "2013-06", 2.30),  # round 9, start of talks
    ("2013-08-02", "2013-06", 2.30),  # July's average is public only from 7 August
    ("2019-05-01", "2018", 2.91),     # no month of 2019 in the data before August: the 2018 average
    ("2019-01-07", "2018", 2.91),     # the annual average from 7 January of the next year
    ("2019-01-06", "2018-08", 2.89),  # ... not before
])
def test_the_latest_yield_known_at_as_of(as_of: str, period: str, pct: float) -> None:
    read, _ = latest_yield(read_record(D(as_of)), US)
    assert read is not None and (read.period, read.value_pct, read.rate) == (period, pct, round(pct / 100, 6))
    assert read.ref == f"macro_series.csv:key={US}&year={period}" and read.row.ids() == ["X125", "X126"]


def test_no_yield_before_the_first_row_is_public() -> None:
    assert latest_yield(read_record(D("2013-01-06")), US) == (None, [])


def test_a_later_row_is_read_only_from_its_info_date(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    _append_macro(data, [[US, "2020-03", "0.87", "% per year, monthly average", "", "high", "appended (test)",
                          "X125;X126", "2020-04-07"]])
    assert latest_yield(read_record(D("2020-03-31"), data), US)[0].period == "2020-02"  # type: ignore[union-attr]
    assert latest_yield(read_record(D("2020-04-06"), data), US)[0].period == "2020-02"  # type: ignore[union-attr]
    assert latest_yield(read_record(D("2020-04-07"), data), US)[0].value_pct == 0.87  # type: ignore[union-attr]
    # the bundled sma-2020 (as of 2020-03-11) is unchanged by the later row
    assert build_scenario(11, D("2020-03-11"), data, name="sma-2020")[1] == \
        build_scenario(11, D("2020-03-11"), name="sma-2020")[1]


def test_not_found_gives_no_rate_and_lists_the_rows() -> None:
    read, missing = latest_yield(read_record(D("2020-03-11")), ROK)
    assert read is None and [r["year"] for r in missing] == ["2012", "2017", "2018", "2019"]
    assert all(r["value"] == "NOT FOUND" for r in missing)
    read, missing = latest_yield(read_record(D("2018-03-07")), ROK)
    assert read is None and [r["year"] for r in missing] == ["2012", "2017"]


def test_annual_averages_are_the_means_of_the_months_they_state() -> None:
    """Each COMPUTED annual row: the mean of the twelve monthly averages its note lists, to 0.01."""
    rows = [r for r in read_record(D("2099-12-31")).rows("macro_series") if r["key"] == US and len(r["year"]) == 4]
    assert [r["year"] for r in rows] == ["2012", "2017", "2018", "2019"]
    for r in rows:
        months = [float(x) for x in re.search(r"Jan-Dec: ([\d. ]+)\)", r["notes"]).group(1).split()]  # type: ignore[union-attr]
        assert len(months) == 12 and round(statistics.fmean(months) + 1e-9, 2) == float(r["value"])
        # and where the month is a row of its own, the note agrees with it
        for m in range(12):
            own = [x for x in rows if x["year"] == f"{r['year']}-{m + 1:02d}"]
            assert not own or float(own[0]["value"]) == months[m]


def test_grid_rule_and_doctests() -> None:
    assert rate_grid_rule(2.0, 4.0) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert rate_grid_rule(10.0, 12.0) == [0.0, 3.0, 6.0, 9.0, 10.0, 12.0]
    assert doctest.testmod(yields_module).failed == 0


# --------------------------------------------------------------------------- built scenarios


def test_bundled_rounds_do_not_bargain_the_rate_and_say_why() -> None:
    """No status quo of SMAs 8-10 is a capped fixed family (CPI, CPI, none): no rate grid and no own
    rate is written (the model would not read it); the provenance states the yields read."""
    for n, day in ((9, "2013-07-31"), (10, "2018-03-07"), (11, "2020-03-11")):
        sc, _ = build_scenario(n, D(day))
        assert sc.cost_model.escalator.rate_grid_pct is None
        assert sc.strategies["us"].discount_rate is None and sc.strategies["rok"].discount_rate is None
        notes = sc.provenance.assumptions
        assert any(line.startswith("us 10-year government bond yield known at as_of: ") for line in notes)
        assert any("rok 10-year government bond yield known at as_of: none" in line for line in notes)
        assert any("the escalator rate is not bargained" in line for line in notes)
    sc, _ = build_scenario(11, D("2020-03-11"))
    assert "us 10-year government bond yield known at as_of: 1.5 % (2020-02 average" in "\n".join(sc.provenance.assumptions)
    assert sc.provenance.values["cost_model.discount_rate"].kind == "assumption"


def _capped_fixed(tmp_path: Path, rok_pct: str | None) -> Path:
    """The bundled data with SMA 10's rule read as a fixed 3 % escalator capped at 4 % (a test
    fixture: the real SMA 10 was a single-year text) and, if given, a Korean February 2020 yield."""
    data = copy_data(tmp_path)
    path = data / "sma_history.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for r in rows:
        if r["sma_number"] == "10":
            r["annual_increase_rule"] = "Fixed +3% per year, capped at 4% per year (test fixture)"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    if rok_pct is not None:
        _append_macro(data, [[ROK, "2020-02", rok_pct, "% per year, monthly average (test fixture)", "", "low",
                              "test fixture", "X125", "2020-03-07"]])
    return data


def test_a_capped_fixed_status_quo_bargains_the_rate(tmp_path: Path) -> None:
    from burdenshare.bargaining.rate_value import rate_grid, side_discount_rates
    from burdenshare.data import open_dataset, using
    from burdenshare.engine import simulate

    data = _capped_fixed(tmp_path, "2.10")
    sc, text = build_scenario(11, D("2020-03-11"), data)
    esc = sc.cost_model.escalator
    assert (esc.kind, esc.rate_pct, esc.cap_pct, esc.rate_grid_pct) == ("fixed", 3.0, 4.0, [0.0, 1.0, 2.0, 3.0, 4.0])
    assert (sc.strategies["us"].discount_rate, sc.strategies["rok"].discount_rate) == (0.015, 0.021)
    assert side_discount_rates(sc) == (0.015, 0.021)
    prov = sc.provenance.values
    assert prov["strategies.us.discount_rate"].from_ == [f"macro_series.csv:key={US}&year=2020-02"]
    assert prov["strategies.rok.discount_rate"].from_ == [f"macro_series.csv:key={ROK}&year=2020-02"]
    assert prov["strategies.us.discount_rate"].formula.startswith("1.5 / 100")
    assert "cost_model.escalator.rate_grid_pct" in prov
    assert any(line.startswith("the escalator rate is bargained") for line in sc.provenance.assumptions)
    assert 'rate_grid_pct = [' in text
    with using(open_dataset(data, as_of=D("2020-03-11"))):
        assert rate_grid(sc, sorted(sc.levers.allowed_durations)) is not None
        s = simulate(sc, draws=300, seed=0, bank_size=1).summary()
    # the engine bargains the rate: the signed rates lie on the grid and their shares sum to 1
    rates = s["escalator_pct"]
    assert rates is not None and set(rates["p"]) <= {"0", "1", "2", "3", "4"}
    assert sum(rates["p"].values()) == pytest.approx(1.0)
    # own rates differ from the common 3 %, so the signed rate moves off the status quo's 3 % (with no
    # bargain every text keeps the family's rate): the US (1.5 %) prefers the cap, the host (2.1 %) 0
    assert rates["p"].get("3", 0.0) < 0.5 and rates["p"].get("4", 0.0) > 0.0, rates


def test_a_capped_fixed_status_quo_without_the_korean_yield_is_not_bargained(tmp_path: Path) -> None:
    from burdenshare.data import open_dataset, using
    from burdenshare.engine import simulate

    data = _capped_fixed(tmp_path, None)
    sc, _ = build_scenario(11, D("2020-03-11"), data)
    assert sc.cost_model.escalator.kind == "fixed" and sc.cost_model.escalator.rate_grid_pct is None
    with using(open_dataset(data, as_of=D("2020-03-11"))):
        assert simulate(sc, draws=100, seed=0, bank_size=1).summary().get("escalator_pct") is None  # no key without a grid
    assert sc.strategies["us"].discount_rate is None and sc.strategies["rok"].discount_rate is None
    assert "strategies.rok.discount_rate" not in sc.provenance.values
    assert any("capped fixed one, but no 10-year yield of rok is known at as_of" in line
               for line in sc.provenance.assumptions)


def test_a_yield_cited_before_its_info_date_is_refused(tmp_path: Path) -> None:
    """No hindsight: with February 2020's US row dated a day after 2020-03-11, the builder reads
    January, and the scenario built on the bundled row (citing February) is refused by the vintage
    check of that data, naming the row."""
    from burdenshare.data import Dataset, using
    from burdenshare.scenario.vintage import check_vintage

    sc, _ = build_scenario(11, D("2020-03-11"), _capped_fixed(tmp_path, "2.10"))
    data = tmp_path / "data"
    path = data / "macro_series.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    for r in rows:
        if r[0] == US and r[1] == "2020-02":
            r[-1] = "2020-03-12"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert latest_yield(read_record(D("2020-03-11"), data), US)[0].period == "2020-01"  # type: ignore[union-attr]
    later, _ = build_scenario(11, D("2020-03-11"), data)
    assert later.strategies["us"].discount_rate == 0.0176
    with using(Dataset(data, None)):
        problem = check_vintage(sc)
    assert problem is not None and problem[0] == 'provenance.values."strategies.us.discount_rate".from.0'
    assert "2020-03-12" in problem[1]
