"""Vintage enforced (issue 10 item 3): a scenario cites only rows known on its as_of, or says hindsight."""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from burdenshare import data
from burdenshare.cli import main
from burdenshare.data import open_dataset, using
from burdenshare.errors import ScenarioError
from burdenshare.scenario import load_scenario

PACKAGED = Path(data.__file__).parent / "files"
SMA_TEXT = (PACKAGED.parent.parent / "scenarios" / "sma-2020-hindsight.toml").read_text(encoding="utf-8")
SMALL = ["--draws", "256", "--bank-size", "1"]


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def honest(tmp_path: Path) -> Path:
    """sma-2020-hindsight without its hindsight declaration."""
    assert SMA_TEXT.count("\nhindsight = true\n") == 1
    path = tmp_path / "honest.toml"
    path.write_text(SMA_TEXT.replace("\nhindsight = true\n", "\n"), encoding="utf-8")
    return path


def _dated_copy(tmp: Path, dates: dict[tuple[str, str], str], default: str = "2000-01-01") -> Path:
    """A copy of the bundled data with an info_date column: ``default`` for every row, except the
    rows whose (file, first cell) is in ``dates``."""
    target = tmp / "data"
    shutil.copytree(PACKAGED, target)
    for name in data.TABLE_NAMES:
        path = target / f"{name}.csv"
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        has = "info_date" in rows[0]  # a file that states some rows' dates: those are overridden too
        writer.writerow(rows[0] if has else [*rows[0], "info_date"])
        for row in rows[1:]:
            writer.writerow([*(row[:-1] if has else row), dates.get((name, row[0]), default)])
        path.write_text(out.getvalue(), encoding="utf-8")
    return target


def test_sma_2020_declares_hindsight_and_without_it_is_refused_naming_the_row(honest: Path) -> None:
    assert load_scenario("sma-2020-hindsight").hindsight is True
    code, out, err = _cli(["scenarios", "validate", str(honest)])
    assert code == 2 and out == "" and err.count("\n") == 1
    # the first entry of the provenance map citing a later row: the +13 % working-level text
    assert 'provenance.values."parties.principal.reservation_value_after_change_krw".from.1:' in err
    assert "context.csv row key 'rok_offer_2020_krw' (line 16) became public on 2020-04-30" in err
    assert "after levers.as_of 2020-03-11" in err and "hindsight = true" in err


def test_the_check_reads_the_information_dates_of_the_data_in_use(honest: Path, tmp_path: Path) -> None:
    # every row dated 2000: nothing sma-2020-hindsight cites looks ahead, so it validates without hindsight
    early = _dated_copy(tmp_path, {})
    code, out, err = _cli(["scenarios", "validate", str(honest), "--data", str(early), "--json"])
    assert code == 0, err
    assert json.loads(out)["hindsight"] is False and err == ""
    # one row dated after as_of (the furlough's end, behind counter_move_days = 75) is named
    shutil.rmtree(early)
    late = _dated_copy(tmp_path, {("context", "furlough_end_return_date"): "2020-06-03"})
    with using(open_dataset(late)), pytest.raises(ScenarioError) as exc:
        load_scenario(str(honest))
    assert exc.value.field == 'provenance.values."events.2.parameters.counter_move_days".from.1'
    assert "furlough_end_return_date" in exc.value.message and "2020-06-03" in exc.value.message


@pytest.mark.parametrize("setting", ["levers.as_of=2020-03-25", "levers.as_of=2019-12-01",
                                     "levers={as_of=2020-03-25}"])
def test_as_of_is_not_a_lever(setting: str, tmp_path: Path) -> None:
    code, out, err = _cli(["run", "sma-2020-hindsight", "--set", setting, *SMALL, "--store", str(tmp_path / "s.duckdb")])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: --set {setting}: as_of is not a lever") and "build a new scenario" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ScenarioError):
        load_scenario("sma-2020-hindsight", [setting])
    code, _, err = _cli(["compare", "sma-2020-hindsight", "--variant", f"v:{setting}", *SMALL])
    assert code == 2 and "as_of is not a lever" in err


def test_other_levers_in_a_table_value_still_work() -> None:
    s = load_scenario("sma-2020-hindsight", ["levers.transparency=0.5"])
    assert s.levers.transparency == 0.5 and s.levers.as_of.isoformat() == "2020-03-11"


def test_every_output_shows_hindsight(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "s.duckdb")]
    code, out, err = _cli(["run", "sma-2020-hindsight", *SMALL, *store, "--json"])
    assert code == 0 and json.loads(out)["hindsight"] is True
    assert "declares hindsight = true" in err and "2020-03-11" in err
    run_id = err.split("run ")[1].split()[0]
    code, out, err = _cli(["run", "sma-2020-hindsight", *SMALL, *store])
    assert code == 0 and "HINDSIGHT" in out
    code, out, err = _cli(["compare", "sma-2020-hindsight", "--variant", "a:levers.transparency=0.5", *SMALL, "--json"])
    assert code == 0 and json.loads(out)["hindsight"] is True and "hindsight" in err
    code, out, err = _cli(["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", *SMALL, *store,
                           "--progress", "none", "--json"])
    sweep = json.loads(out)
    assert code == 0 and sweep["hindsight"] is True and all(r["hindsight"] for r in sweep["rows"])
    code, out, err = _cli(["report", run_id, "--out", str(tmp_path / "r.html"), "--no-png", *store])
    assert code == 0 and "declares hindsight = true" in err, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "class='hindsight'" in html and "known only after its as_of 2020-03-11" in html
    for command in (["explain", "sma-2020-hindsight"], ["winset", "sma-2020-hindsight"], ["scenarios", "show", "sma-2020-hindsight"]):
        code, out, err = _cli(command)
        assert code == 0 and "declares hindsight = true" in err, command


def test_a_scenario_without_hindsight_says_so(honest: Path, tmp_path: Path) -> None:
    early = _dated_copy(tmp_path, {})
    code, out, err = _cli(["run", str(honest), *SMALL, "--store", str(tmp_path / "s.duckdb"), "--json",
                           "--data", str(early), "--report", str(tmp_path / "r.html")])
    assert code == 0, err
    assert json.loads(out)["hindsight"] is False and "hindsight" not in err
    assert "class='hindsight'" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_seats_from_data_read_only_the_seats_known_on_as_of(tmp_path: Path) -> None:
    import tomllib

    import tomli_w

    # every row dated 2000 but the 15 April 2020 election result (dated by its event_date)
    target = tmp_path / "data"
    shutil.copytree(PACKAGED, target)
    for name in data.TABLE_NAMES:
        path = target / f"{name}.csv"
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        has = "info_date" in rows[0]
        writer.writerow(rows[0] if has else [*rows[0], "info_date"])
        event = rows[0].index("event_date") if "event_date" in rows[0] else None
        for row in rows[1:]:
            late = event is not None and row[event] == "2020-04-15"
            writer.writerow([*(row[:-1] if has else row), "2020-04-15" if late else "2000-01-01"])
        path.write_text(out.getvalue(), encoding="utf-8")
    raw = tomllib.loads(SMA_TEXT)
    del raw["hindsight"]
    period = raw["legislature"]["periods"][1]  # the 21st Assembly, from 2020-05-30
    del period["seats"]
    period["seats_from_data"] = True
    values = raw["provenance"]["values"]
    for key in [k for k, v in values.items() if "2020-04-15" in json.dumps(v)]:
        del values[key]  # the citations of the election result go with it
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    with using(open_dataset(target)):
        with pytest.raises(ScenarioError) as exc:
            load_scenario(str(path))
        assert exc.value.field == "legislature.periods.1.from"
        assert "2020-05-29" in exc.value.message and "known on levers.as_of 2020-03-11" in exc.value.message
        raw["hindsight"] = True
        path.write_text(tomli_w.dumps(raw), encoding="utf-8")
        hindsight = load_scenario(str(path))  # with hindsight the election result is read
        from burdenshare.legislature.seats import seats_at

        assert seats_at("2020-06-01", hindsight).as_dict()["liberal"] == 183
