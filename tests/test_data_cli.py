"""``--data DIR`` on every command that reads data (issue 10 item 2)."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from burdenshare import data
from burdenshare.cli import main

PACKAGED = Path(data.__file__).parent / "files"
SMALL = ["--draws", "256", "--bank-size", "1"]


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _argv(command: str, tmp: Path) -> list[str]:
    store = ["--store", str(tmp / "store.duckdb")]
    return {
        "scenarios show": ["scenarios", "show", "sma-2020-hindsight", "--json"],
        "scenarios validate": ["scenarios", "validate", "sma-2020-hindsight", "--json"],
        "explain": ["explain", "sma-2020-hindsight", "--json"],
        "winset": ["winset", "sma-2020-hindsight", "--json"],
        "solve": ["solve", "sma-2020-hindsight", "--json"],
        "advise": ["advise", "sma-2020-hindsight", "--side", "us", "--min-consent", "0.5", "--json"],
        "sensitivity": ["sensitivity", "sma-2020-hindsight", "--n", "8", "--draws", "16",
                        "--params", "strategies.us.reservation_value_krw", "--json"],
        "compare": ["compare", "sma-2020-hindsight", "--variant", "a:levers.transparency=0.5", *SMALL, "--json"],
        "sweep": ["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", *SMALL, "--progress", "none", *store,
                  "--json"],
        "run": ["run", "sma-2020-hindsight", *SMALL, *store, "--json"],
        "report": ["report", "0" * 12, "--out", str(tmp / "r.html"), *store],
    }[command]


COMMANDS = ["scenarios show", "scenarios validate", "explain", "winset", "solve", "advise", "sensitivity",
            "compare", "sweep", "run", "report"]


def _broken_copy(tmp: Path) -> Path:
    target = tmp / "data"
    shutil.copytree(PACKAGED, target)
    path = target / "polls.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("release_date", "released", 1), encoding="utf-8")
    return target


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_directory_that_breaks_the_contract_is_one_line_exit_2_nothing_written(
    command: str, tmp_path: Path
) -> None:
    broken = _broken_copy(tmp_path)
    code, out, err = _cli([*_argv(command, tmp_path), "--data", str(broken)])
    assert code == 2 and out == "", err
    assert err.count("\n") == 1
    assert err.startswith(f"error: {broken.resolve() / 'polls.csv'}:1: released: column 5 is 'released'"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no store, no report


@pytest.mark.parametrize("command", ["scenarios show", "scenarios validate", "explain", "winset", "advise"])
def test_the_command_reads_the_data_directory_it_is_given(command: str, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(PACKAGED, copy)
    path = copy / "context.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("us_initial_ask_2020,")), encoding="utf-8")
    code, out, err = _cli([*_argv(command, tmp_path), "--data", str(copy)])
    assert code == 2 and out == ""
    assert "us_initial_ask_2020" in err and err.count("\n") == 1  # cited by sma-2020-hindsight, absent from this directory
    code, out, err = _cli([*_argv(command, tmp_path), "--data", str(PACKAGED)])
    assert code == 0, err


def test_runs_record_their_data_and_reports_rebuild_with_it(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "s.duckdb")]
    copy = tmp_path / "data"
    shutil.copytree(PACKAGED, copy)
    with (copy / "context.csv").open("a", encoding="utf-8") as fh:
        fh.write("appended_fact_2031,1,unit,2031-05-01,src,high,appended,S1\n")
    code, out, err = _cli(["run", "sma-2020-hindsight", *SMALL, *store, "--json", "--summary-only"])
    assert code == 0, err
    bundled_id = err.split("run ")[1].split()[0]
    code, out_copy, err = _cli(["run", "sma-2020-hindsight", *SMALL, *store, "--json", "--summary-only", "--data", str(copy)])
    assert code == 0, err
    copy_id = err.split("run ")[1].split()[0]
    assert copy_id != bundled_id  # the data enter the run identity
    assert json.loads(out_copy)["p_agreement"] == json.loads(out)["p_agreement"]  # a fact nobody reads

    from burdenshare.store import open_store

    with open_store(str(tmp_path / "s.duckdb"), read_only=True) as st:
        recorded = st.run(copy_id).options["data"]
        assert recorded["directory"] == str(copy.resolve()) and recorded["as_of"] is None
        assert st.run(bundled_id).options["data"]["directory"] is None

    code, out, err = _cli(["report", copy_id, "--out", str(tmp_path / "r.html"), "--no-png", *store])
    assert code == 0, err  # rebuilt with the recorded directory (no --data needed)
    moved = tmp_path / "moved"
    copy.rename(moved)
    code, out, err = _cli(["report", copy_id, "--out", str(tmp_path / "r2.html"), "--no-png", *store])
    assert code == 2 and "not a directory" in err
    code, out, err = _cli(["report", copy_id, "--out", str(tmp_path / "r2.html"), "--no-png", *store,
                           "--data", str(moved)])
    assert code == 0, err  # the data moved: --data names where, the fingerprint checks it is the same
    code, out, err = _cli(["report", copy_id, "--out", str(tmp_path / "r3.html"), "--no-png", *store,
                           "--data", str(PACKAGED)])
    assert code == 2 and err.startswith("error: --data:") and "other data" in err
    assert not (tmp_path / "r3.html").exists()
