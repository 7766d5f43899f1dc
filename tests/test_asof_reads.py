"""No hindsight through implicit reads (issue 10 item 3): every data read made on behalf of a
scenario (the opinion fit, the legislature's calibration and seats, exchange rates and macro values,
``explain``'s comparisons) sees only the rows known on its ``levers.as_of``
(:func:`burdenshare.scenario.vintage.reads_as_of`), all rows where it declares hindsight.

The oracle: a data directory that holds only the rows known on the as_of date (the bundled data
with every later row removed) and one that holds them plus later rows (the bundled data, and the
bundled data with further rows appended: a new poll, seat snapshot, consent vote, FX and macro
years) must give the same outputs, byte for byte, apart from the run id (the run identity still
names the data).  Before the seams read through the scenario's view, ``explain`` and ``solve`` of
``sma-2020`` converted the 2020 ask at the full-year 2020 average rate (a row public at
the end of 2020) and differed between these directories.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from burdenshare import data
from burdenshare.cli import main
from burdenshare.data import load, open_dataset, poll_ids, using
from burdenshare.scenario import load_scenario
from burdenshare.scenario.vintage import reads_as_of

PACKAGED = Path(data.__file__).parent / "files"
LATER_POLL = "LATER-2020-03"


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _known_on(tmp: Path, as_of: dt.date) -> Path:
    """The bundled data with every row dated after ``as_of`` removed (rows kept verbatim, in order)."""
    target = tmp / f"known-{as_of.isoformat()}"
    shutil.copytree(PACKAGED, target)
    with using(open_dataset(None)):
        for name in data.TABLE_NAMES:
            table = load(name)
            path = target / f"{name}.csv"
            header = path.read_text(encoding="utf-8").splitlines()[0]
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for raw, day in zip(table.raw_rows, table.info_dates):
                if day <= as_of:
                    writer.writerow(list(raw.values()))
            path.write_text(header + "\n" + out.getvalue(), encoding="utf-8")
    return target


def _append(path: Path, rows: list[list[str]]) -> None:
    text = path.read_text(encoding="utf-8")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + out.getvalue(), encoding="utf-8")


def _with_later_rows(tmp: Path) -> Path:
    """The bundled data plus rows dated after 2020-03-11: a poll, a seat snapshot, a consent vote,
    FX and macro years, and a context row."""
    target = tmp / "later"
    shutil.copytree(PACKAGED, target)
    rows = list(csv.reader((target / "national_assembly.csv").open(encoding="utf-8", newline="")))
    snapshot = []
    for row in rows[1:]:
        if row[0] == "seats" and row[2] == "2019-11-18":
            row = [*row[:2], "2020-03-20", "appended composition (test)", *row[4:]]
            row[8] = {"Democratic Party of Korea": "140", "Liberty Korea Party": "97"}.get(row[4], row[8])
            snapshot.append(row)
    vote = ["sma_vote", "20th", "2020-03-25", "appended consent vote (test)", "11th SMA ratification consent",
            "", "", "", "", "250", "100", "140", "10", "high", "", "S38", ""]
    _append(target / "national_assembly.csv", [*snapshot, vote])
    _append(target / "polls.csv", [[LATER_POLL, "RealMeter", "test", "March 2020", "2020-03-31", "500", "phone", "",
                                    "Should South Korea accommodate US demands to increase the share of defense costs?",
                                    "", "Favor", "90", "all", "high", "appended (test)", "S134", ""]])
    _append(target / "macro_series.csv", [
        ["krw_usd_avg", "2021", "1500.0", "KRW per USD, annual average", "", "high", "appended", "X85", ""],
        ["rok_cpi_inflation_pct", "2021", "9.9", "percent", "", "high", "appended", "X85", ""],
        ["germany_costs_us_troop_stationing", "2020", "999.9", "EUR million", "", "high", "appended", "X85", ""],
        ["rok_population_resident_registration", "2021", "40000000", "persons", "", "high", "appended", "X85", ""],
        # a month's yield in the same month, public only from the info_date (after 2020-03-11)
        ["us_treasury_10y_yield_pct", "2020-03", "9.99", "% per year, monthly average", "", "high", "appended", "X125",
         "2020-04-07"],
        ["rok_ktb_10y_yield_pct", "2020-02", "9.99", "% per year, monthly average", "", "high", "appended", "X125",
         "2020-03-12"],
    ])
    _append(target / "context.csv", [["krw_usd_avg_2021", "1500.00", "KRW per USD (annual avg)", "2021", "", "high",
                                      "appended", "S129"]])
    return target


def _outputs(scenario: str, directory: Path | None, tmp: Path) -> dict[str, dict[str, object]]:
    """``run`` (small draws), ``explain``, ``winset`` and ``solve`` --json of ``scenario``."""
    where = [] if directory is None else ["--data", str(directory)]
    store = ["--store", str(tmp / f"store-{len(list(tmp.iterdir()))}.duckdb")]
    out: dict[str, dict[str, object]] = {}
    for name, args in {
        "run": ["run", scenario, "--draws", "64", "--bank-size", "1", "--summary-only", *store],
        "explain": ["explain", scenario], "winset": ["winset", scenario], "solve": ["solve", scenario],
    }.items():
        code, text, err = _cli([*args, "--json", *where])
        assert code == 0, (name, err)
        out[name] = json.loads(text)
        if name == "run":
            out[name]["run_id"] = err.split("run ")[1].split()[0]  # the id the store names
    return out


def _same_but_run_id(a: dict[str, dict[str, object]], b: dict[str, dict[str, object]]) -> None:
    assert a["run"]["run_id"] != b["run"]["run_id"]  # the run identity still names the data directory
    for name in a:
        left = {k: v for k, v in a[name].items() if k != "run_id"}
        right = {k: v for k, v in b[name].items() if k != "run_id"}
        assert json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True), name


def test_later_rows_leave_a_non_hindsight_scenario_unchanged(tmp_path: Path) -> None:
    scenario = load_scenario("sma-2020")
    assert not scenario.hindsight
    known = _known_on(tmp_path, scenario.levers.as_of)
    base = _outputs("sma-2020", known, tmp_path)
    _same_but_run_id(base, _outputs("sma-2020", None, tmp_path))
    _same_but_run_id(base, _outputs("sma-2020", _with_later_rows(tmp_path), tmp_path))
    # the 2020 ask is converted at the scenario's assumed rate, not the 2020 average published at year's end
    assert {item["fx_source"] for item in base["explain"]["items"]} == {
        "assumption: " + scenario.cost_model.exchange_rate_source}


@pytest.mark.parametrize(("round_", "as_of"), [(9, "2013-08-02"), (10, "2018-03-07")])
def test_the_builders_scenarios_read_only_what_was_known_at_their_date(round_: int, as_of: str, tmp_path: Path) -> None:
    known = _known_on(tmp_path, dt.date.fromisoformat(as_of))
    files = []
    for directory in (known, PACKAGED):
        path = tmp_path / f"round{round_}-{directory.name}.toml"
        code, _, err = _cli(["scenarios", "build", "--round", str(round_), "--as-of", as_of, "--data", str(directory),
                             "--out", str(path)])
        assert code == 0, err
        files.append(path)
    assert files[0].read_bytes() == files[1].read_bytes()
    # round 9 as of 2013: no consent vote with counts and no poll known yet -> the documented priors
    _same_but_run_id(_outputs(str(files[0]), known, tmp_path), _outputs(str(files[0]), PACKAGED, tmp_path))


def test_a_hindsight_scenario_still_sees_every_row(tmp_path: Path) -> None:
    later = _with_later_rows(tmp_path)
    polls = reads_as_of(lambda scenario: poll_ids())
    with using(open_dataset(later)):
        hindsight, dated = load_scenario("sma-2020-hindsight"), load_scenario("sma-2020")
        assert hindsight.hindsight and hindsight.levers.as_of == dated.levers.as_of
        assert LATER_POLL in polls(hindsight)
        assert LATER_POLL not in polls(dated)
    # the engine's FX read: the hindsight scenario converts at the 2020 average (public at the end of 2020)
    code, text, err = _cli(["explain", "sma-2020-hindsight", "--json"])
    assert code == 0, err
    assert {item["fx_source"] for item in json.loads(text)["items"]} == {"context.csv:krw_usd_avg_2020 (S129)"}
