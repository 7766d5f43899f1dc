"""The data contract (docs/data-contract.md): files, headers, information dates, as-of views."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from burdenshare import data
from burdenshare.data import Dataset, active, info_date, load, open_dataset, using
from burdenshare.data.contract import DATE_RULES, REQUIRED_COLUMNS, UNDATED, period_end
from burdenshare.errors import DataError

PACKAGED = Path(data.__file__).parent / "files"
DOC = Path(__file__).parents[1] / "docs" / "data-contract.md"
AS_OF = dt.date(2020, 3, 11)


def copy_bundled(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGED, target)
    return target


def append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + line + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2019-12-20", "2019-12-20"),
        ("2019-01/02", "2019-02-28"),
        ("2016-03/04", "2016-04-30"),
        ("2019-11-15/16", "2019-11-16"),
        ("2020/2021", "2021-12-31"),
        ("2019-2025", "2025-12-31"),
        ("2019-11 to 2020-03", "2020-03-31"),
        ("2015 (published 2018-05-24)", "2018-05-24"),
        ("2002 (report late 2005)", "2005-12-31"),
        ("2019-04 (committee vote on 10th SMA, 2019-04-05)", "2019-04-30"),
        ("2020-02", "2020-02-29"),
        ("late January 2019", "2019-12-31"),
    ],
)
def test_period_end_is_the_end_of_the_latest_period_named(text: str, end: str) -> None:
    assert period_end(text) == dt.date.fromisoformat(end)


@pytest.mark.parametrize("text", ["", "NOT FOUND", "soon", "75 days"])
def test_period_end_of_text_without_a_date_is_none(text: str) -> None:
    assert period_end(text) is None


@pytest.mark.parametrize("text", ["2019-02-30", "2101", "1899-05"])
def test_period_end_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError):
        period_end(text)


def test_every_bundled_row_has_an_information_date() -> None:
    for name in data.TABLE_NAMES:
        table = load(name)
        assert len(table.info_dates) == len(table)
        for row, day in zip(table.rows, table.info_dates):
            assert info_date(name, row) == day


def test_information_dates_follow_the_stated_rules() -> None:
    polls = load("polls")
    assert {info_date("polls", r) for r in polls.where(poll_id="RM-2019-01").rows} == {dt.date(2019, 2, 28)}
    history = load("sma_history")
    assert info_date("sma_history", history.where(sma_number=10).rows[0]) == dt.date(2019, 3, 8)
    # SMA 2: signing date NOT FOUND; the cabinet approval of 1993-11-04 is the latest date named
    assert info_date("sma_history", history.where(sma_number=2).rows[0]) == dt.date(1993, 11, 4)
    contributions = load("sma_annual_contributions")
    assert info_date("sma_annual_contributions", contributions.where(year=2019).rows[0]) == dt.date(2019, 3, 8)
    assert info_date("sma_annual_contributions", contributions.where(year=2016).rows[0]) == dt.date(2016, 1, 1)
    macro = load("macro_series").where(key="krw_usd_avg", year=2016).rows[0]
    assert info_date("macro_series", macro) == dt.date(2016, 12, 31)
    general = load("cost_categories").where(year="").rows
    assert general and all(info_date("cost_categories", r) == UNDATED for r in general)


def test_the_document_states_every_rule_and_every_header() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, (statement, _rule) in DATE_RULES.items():
        assert f"`{name}.csv`" in text
        assert statement in text, name
        assert ",".join(REQUIRED_COLUMNS[name]) in text, name


# --------------------------------------------------------------------------- the contract's refusals


def test_bundled_data_and_an_unmodified_copy_satisfy_the_contract(tmp_path: Path) -> None:
    assert open_dataset() == Dataset(None, None)
    copy = copy_bundled(tmp_path)
    ds = open_dataset(copy)
    assert ds.directory == copy.resolve() and ds.as_of is None
    with using(ds):
        copy_fp = data.fingerprint()
    assert copy_fp == data.fingerprint()  # same contents, same fingerprint
    with using(open_dataset(copy, as_of=AS_OF)):
        assert data.fingerprint() != copy_fp


def _refusal(directory: Path) -> DataError:
    with pytest.raises(DataError) as err:
        open_dataset(directory)
    return err.value


def test_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    (copy / "polls.csv").unlink()
    err = _refusal(copy)
    assert err.source == str(copy.resolve() / "polls.csv")
    assert "missing required file" in err.one_line()


def test_missing_readme_is_refused(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    (copy / "README.md").unlink()
    assert _refusal(copy).source == str(copy.resolve() / "README.md")


def test_not_a_directory_is_refused(tmp_path: Path) -> None:
    err = _refusal(tmp_path / "nowhere")
    assert err.field == "--data" and "not a directory" in err.message


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        ("context.csv", "key,value,unit,date,", "key,value,units,date,", "units"),
        ("polls.csv", "poll_id,pollster,", "pollster,poll_id,", "pollster"),
        ("macro_series.csv", "source_ids,info_date\n", "source_ids,info_date,comment\n", "comment"),
        ("party_positions.csv", ",confidence\n", "\n", "confidence"),
    ],
)
def test_changed_header_is_refused_naming_file_line_1_and_column(
    tmp_path: Path, file: str, old: str, new: str, column: str
) -> None:
    copy = copy_bundled(tmp_path)
    _edit(copy / file, old, new)
    err = _refusal(copy)
    assert (err.source, err.line, err.field) == (str(copy.resolve() / file), 1, column)


def test_optional_info_date_column_is_accepted_and_overrides_the_rule(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    path = copy / "macro_series.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",info_date")  # the bundled file states the bond yields' dates (issue 11)
    out = [lines[0]]
    for line in lines[1:]:
        out.append(line + "2016-12-10" if line.startswith("rok_defense_budget,2017,") else line)  # empty cell: fill it
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    with using(open_dataset(copy, as_of=dt.date(2016, 12, 31))):
        assert data.defense_budget_krw(2017) == pytest.approx(40334.7e9)
        with pytest.raises(DataError):
            data.defense_budget_krw(2018)
    with using(open_dataset(as_of=dt.date(2016, 12, 31))), pytest.raises(DataError):
        data.defense_budget_krw(2017)  # the bundled rule: known at the end of 2017


@pytest.mark.parametrize(
    ("file", "line", "column", "what"),
    [
        ("context.csv", "k_short,1,unit", "date", "fields"),
        ("context.csv", "k_long,1,u,2020-01-01,src,high,notes,S1,extra", "column 9", "fields"),
        ("context.csv", "k_undated,1,u,soon,src,high,notes,S1", "date", "no date can be derived"),
        ("context.csv", "k_bad,1,u,2019-02-30,src,high,notes,S1", "date", "day is out of range"),
        ("polls.csv", "P-1,p,s,f,sometime,,,,q,,Favor,50,all,high,,S1,", "release_date", "no date"),
        ("sma_annual_contributions.csv", "2031,13,1,,,,high,,S1,", "sma_number", "sma_history.csv"),
        ("national_assembly.csv", "seats,22nd,,x,Party,,1,0,1,,,,,high,,S1,", "event_date", "no date"),
    ],
)
def test_malformed_row_is_refused_naming_file_line_and_column(
    tmp_path: Path, file: str, line: str, column: str, what: str
) -> None:
    copy = copy_bundled(tmp_path)
    path = copy / file
    append(path, line)
    expected_line = len(path.read_text(encoding="utf-8").splitlines())
    err = _refusal(copy)
    assert (err.source, err.line, err.field) == (str(copy.resolve() / file), expected_line, column)
    assert what in err.message
    assert "\n" not in err.one_line()


def test_bad_info_date_cell_is_refused(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    path = copy / "party_positions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",info_date"] + [line + "," for line in lines[1:]]
    lines[3] = lines[3] + "March 2020"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _refusal(copy)
    assert (err.line, err.field) == (4, "info_date")


def test_undecodable_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    path = copy / "party_positions.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\xff", 1))
    err = _refusal(copy)
    assert err.line == 2 and "UTF-8" in err.message


def test_a_directory_whose_files_change_is_read_afresh(tmp_path: Path) -> None:
    copy = copy_bundled(tmp_path)
    with using(open_dataset(copy)):
        n = len(load("context"))
    append(copy / "context.csv", "k_new,1,u,2030-01-01,src,high,notes,S1")
    with using(open_dataset(copy)):
        assert len(load("context")) == n + 1


# --------------------------------------------------------------------------- as-of views


def test_active_dataset_defaults_to_bundled_and_using_restores_it() -> None:
    assert active() == Dataset()
    ds = open_dataset(as_of=AS_OF)
    with using(ds):
        assert active() is ds
        with pytest.raises(RuntimeError):
            with using(open_dataset(as_of=dt.date(2019, 1, 1))):
                raise RuntimeError
        assert active() is ds
    assert active() == Dataset()


def test_open_dataset_refuses_a_datetime_as_of() -> None:
    with pytest.raises(DataError) as err:
        open_dataset(as_of=dt.datetime(2020, 1, 1))  # type: ignore[arg-type]
    assert err.value.field == "as_of"


@pytest.mark.parametrize("as_of", [dt.date(2014, 6, 30), dt.date(2019, 12, 31), AS_OF, dt.date(2021, 1, 1)])
def test_an_as_of_view_holds_exactly_the_rows_known_then(as_of: dt.date) -> None:
    with using(open_dataset(as_of=as_of)):
        for name in data.TABLE_NAMES:
            view = load(name)
            assert all(day <= as_of for day in view.info_dates)
    for name in data.TABLE_NAMES:
        full = load(name)
        expected = [raw for raw, day in zip(full.raw_rows, full.info_dates) if day <= as_of]
        with using(open_dataset(as_of=as_of)):
            assert list(load(name).raw_rows) == expected


def test_rows_after_the_date_are_invisible_through_every_helper() -> None:
    day = dt.date(2019, 12, 31)
    # the full data answers each of these; as of the end of 2019 they are facts of the future
    assert data.exchange_rate_krw_per_usd(2020) > 0
    later_polls = [p for p in data.poll_ids()
                   if min(info_date("polls", r) for r in load("polls").where(poll_id=p).rows) > day]
    assert later_polls
    later_dates = [d for d in data.seat_snapshot_dates() if d > day]
    assert later_dates
    with using(open_dataset(as_of=day)):
        for call in (lambda: data.exchange_rate_krw_per_usd(2020), lambda: data.cpi_inflation_pct(2020),
                     lambda: data.macro("rok_nominal_gdp_krw_first_release", 2020),
                     lambda: data.fact("rok_offer_2020_pct"), lambda: data.poll_shares(later_polls[0])):
            with pytest.raises(DataError):
                call()
        assert not set(later_polls) & set(data.poll_ids())
        assert all(d <= day for d in data.seat_snapshot_dates())
        assert all(v.date <= day for v in data.consent_votes())
        assert data.sma_contribution_krw(2019) > 0
        assert data.exchange_rate_krw_per_usd(2019) > 0
    with using(open_dataset(as_of=dt.date(2019, 3, 1))), pytest.raises(DataError):
        data.sma_contribution_krw(2019)  # the 10th SMA was signed on 2019-03-08


def test_caches_of_derived_values_are_kept_per_dataset() -> None:
    from burdenshare.opinion import _data as opinion_data
    from burdenshare.scenario.sources import data_rows

    full_dates = data.seat_snapshot_dates()  # cached (_schedule) for the bundled data
    full_polls = opinion_data.raw_rows("polls")
    ref = "context.csv:us_initial_ask_2020"  # dated "2019-11 to 2020-03": known on 2020-03-31
    assert data_rows(ref)
    with using(open_dataset(as_of=dt.date(2019, 12, 31))):
        assert data.seat_snapshot_dates() == tuple(d for d in full_dates if d <= dt.date(2019, 12, 31))
        assert len(opinion_data.raw_rows("polls")) < len(full_polls)
        with pytest.raises(DataError):
            data_rows(ref)
    assert data.seat_snapshot_dates() == full_dates and opinion_data.raw_rows("polls") == full_polls
    assert data_rows(ref)


# --------------------------------------------------------------------------- appended rows


LATER_ROWS = {
    "sma_history.csv": "11,2020-2025,6,,2021-03-18,,,2021-09-01,,,,,2020,1038.9,,,,,,,high,,S1,",
    "sma_annual_contributions.csv": "2020,11,1038.9,,,agreed,high,,S1,",
    "context.csv": "appended_fact_2031,1,unit,2031-05-01,src,high,appended,S1",
    "polls.csv": "APPENDED-2031,p,s,2031-01-02,2031-01-05,1000,phone,,q,,Favor,50,all,high,,S1,",
    "national_assembly.csv": "seats,22nd,2024-04-10,2024 election result,Appended Party,liberal,1,0,300,,,,,high,,S1,",
    "party_positions.csv": "Appended Party,2031-02-03,summary,quote,S1,,high",
    "macro_series.csv": "krw_usd_avg,2031,1500,KRW per USD (annual average),src,high,,S1,",
    "cost_categories.csv": "Appended category,sought,description,2031,1,,,context,high,,S1,",
}


def test_a_copy_with_appended_later_rows_answers_like_the_bundled_data_for_an_earlier_as_of(tmp_path: Path) -> None:
    from burdenshare.scenario.sources import data_rows

    copy = copy_bundled(tmp_path)
    for file, line in LATER_ROWS.items():
        append(copy / file, line)

    def answers() -> dict[str, object]:
        out: dict[str, object] = {name: list(load(name).raw_rows) for name in data.TABLE_NAMES}
        out["poll_ids"] = data.poll_ids()
        out["seat_dates"] = data.seat_snapshot_dates()
        out["seats"] = data.seats_by_bloc("2019-04-05")
        out["votes"] = data.consent_votes()
        out["fx"] = [data.exchange_rate_entries(y) for y in data.exchange_rate_years()]
        out["sma_2019"] = data.sma_contribution_krw(2019)
        out["refs"] = data_rows("sma_annual_contributions.csv:2019")
        out["registry"] = dict(data.source_registry())
        return out

    with using(open_dataset(copy)):  # the appended rows are there without an as-of date
        assert "APPENDED-2031" in data.poll_ids()
        assert len(load("sma_history")) == 11
    for as_of in (dt.date(2019, 6, 30), AS_OF):
        with using(open_dataset(as_of=as_of)):
            bundled = answers()
        with using(open_dataset(copy, as_of=as_of)):
            appended = answers()
        assert appended == bundled


def test_the_documented_example_runs() -> None:
    import doctest
    import re

    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        runner.run(doctest.DocTestParser().get_doctest(block, {}, f"data-contract[{i}]", str(DOC), 0))
    assert runner.failures == 0


# --------------------------------------------------------------------------- seats the data cover


def test_seats_for_a_date_after_the_last_assemblys_term_are_an_error_not_a_fallback() -> None:
    # the 21st Assembly sat from 2020-05-30; its four-year term (Art. 42) ends 2024-05-29
    assert data.seats_by_bloc("2024-05-29").assembly_term == "21st"
    with pytest.raises(DataError) as err:
        data.seats_by_bloc("2024-06-01")
    assert err.value.field == "date" and "2024-05-29" in err.value.message
    # as of 2020-03-11 the election of 15 April is unknown: the 20th Assembly's term ends 2020-05-29
    with using(open_dataset(as_of=AS_OF)):
        assert data.seats_by_bloc("2020-05-29").assembly_term == "20th"
        with pytest.raises(DataError):
            data.seats_by_bloc("2020-05-30")


def test_a_seats_from_data_period_the_data_do_not_cover_is_refused(tmp_path: Path) -> None:
    import tomllib

    import tomli_w

    from burdenshare.errors import ScenarioError
    from burdenshare.scenario import load_scenario

    raw = tomllib.loads((PACKAGED.parent.parent / "scenarios" / "sma-2020-hindsight.toml").read_text(encoding="utf-8"))
    period = raw["legislature"]["periods"][1]
    del period["seats"]
    period["seats_from_data"] = True
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    assert load_scenario(str(path)).legislature.periods[1].seats_from_data
    raw["protocol"]["horizon"] = raw["legislature"]["periods"][1]["from"].replace(year=2024, month=12, day=31)
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert err.value.field == "legislature.periods.1.from" and "2024-05-29" in err.value.message


def test_cells_made_public_after_the_row_are_not_yet_known_before_their_date() -> None:
    # the 10th SMA: signed 2019-03-08; consent vote and entry into force 2019-04-05
    with using(open_dataset(as_of=dt.date(2019, 3, 20))):
        row = load("sma_history").where(sma_number=10).rows[0]
        assert row["signing_date"] == "2019-03-08" and row["first_year_contribution_krw_billion"] == 1038.9
        assert row["na_consent_date"] == "NOT YET KNOWN" and row["entry_into_force_date"] == "NOT YET KNOWN"
        votes = row["na_votes_yes"]
        assert isinstance(votes, data.Marked) and votes.flag == "not_yet_known" and votes != votes
        assert [v.sma_number for v in data.consent_votes()] == [9]
    with using(open_dataset(as_of=dt.date(2019, 4, 5))):
        row = load("sma_history").where(sma_number=10).rows[0]
        assert row["na_consent_date"] == "2019-04-05" and row["na_votes_yes"] == 139


def test_module_doctests() -> None:
    import doctest

    from burdenshare.data import contract, dataset

    for module in (contract, dataset):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_the_scenario_opinion_cache_is_kept_per_dataset(tmp_path: Path) -> None:
    from burdenshare.legislature.from_scenario import _scenario_opinion
    from burdenshare.scenario import load_scenario

    scenario = load_scenario("sma-2020-hindsight")
    bundled = _scenario_opinion(scenario)
    assert _scenario_opinion(scenario) is bundled
    with using(open_dataset(copy_bundled(tmp_path))):
        assert _scenario_opinion(scenario) is not bundled  # fitted again to the directory in use
