"""Every lever x every command that reads a scenario (issue 9, part 5).

The levers are read from the schema (``burdenshare.scenario.schema.Levers``), not from a hand
list: a lever added to the schema fails :func:`test_every_lever_has_a_matrix_value` until it is
given a value here.  Each lever is set to a valid value other than the bundled scenario's, and
every command runs with it through ``burdenshare.cli.main`` (the console script's function) at
tiny sizes (256 draws, ``--bank-size 1``, a Sobol sample of 8 on one parameter).  Each cell must
exit 0.  The combinations that mean nothing are listed in docs/simulation.md ("Meaningless
combinations"); this module reads that table and checks that each refuses with one line naming
its field, exit 2, before anything is written.

Cost (measured on 2 shared cores): 62 s for the whole module (63 tests), most of it the ``run``
cells (a run, its HTML report with PNGs, and the report of the stored run); those and the other
simulating cells are marked ``slow`` (``-m "not slow"`` leaves the cheap cells, 19 s).
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from burdenshare.cli import main
from burdenshare.scenario import load_scenario, scenario_hash
from burdenshare.scenario.io import parse_override
from burdenshare.scenario.schema import Levers

ROOT = Path(__file__).resolve().parents[1]

#: A valid value (TOML text) other than sma-2020-hindsight's for each lever, and why it is a fair test.
LEVER_VALUES: dict[str, str] = {
    "us_ask_usd": "1.3e9",  # the later US ask of the record (context.csv us_later_ask_2020)
    "transparency": "0.5",  # half itemized: the statement moves opinion (the bug of issue 9)
    "allowed_durations": "[1, 5]",  # only the shortest and longest terms
    "furlough_from": '"none"',  # no furlough at all
    "election_date": "2020-05-20",  # a later election, still before the new Assembly sits
}

LEVERS = [lever for lever in Levers.model_fields if lever != "as_of"]  # as_of is not a lever (refused below)
COMMANDS = ["explain", "winset", "solve", "advise", "sensitivity", "scenarios show", "compare", "sweep", "run"]
SLOW = {"compare", "sweep", "run"}


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _argv(command: str, sets: list[str], tmp: Path, *, grid: str | None = None, report: bool = True) -> list[str]:
    """The command line of one cell: ``sets`` are the ``--set`` overrides (the lever); ``report``:
    ``compare`` writes its report too (the refusals check that nothing is written)."""
    s = [a for x in sets for a in ("--set", x)]
    small = ["--draws", "256", "--bank-size", "1"]
    store = ["--store", str(tmp / "store.duckdb")]
    if command == "explain":
        return ["explain", "sma-2020-hindsight", *s, "--json"]
    if command == "winset":
        return ["winset", "sma-2020-hindsight", *s, "--json"]
    if command == "solve":
        return ["solve", "sma-2020-hindsight", *s, "--json"]
    if command == "advise":
        return ["advise", "sma-2020-hindsight", *s, "--side", "us", "--min-consent", "0.5", "--json"]
    if command == "sensitivity":
        return ["sensitivity", "sma-2020-hindsight", *s, "--n", "8", "--draws", "16",
                "--params", "strategies.us.reservation_value_krw", "--json"]
    if command == "scenarios show":
        return ["scenarios", "show", "sma-2020-hindsight", *s, "--json"]
    if command == "compare":  # the variant 'set' differs from the baseline by the lever
        return ["compare", "sma-2020-hindsight", *s, *small, "--json",
                *(["--report", str(tmp / "compare.html")] if report else [])]
    if command == "sweep":  # a grid over the lever itself when given, else the overrides as the base
        return ["sweep", "sma-2020-hindsight", *(["--grid", grid] if grid else s), *small, "--progress", "none", *store,
                "--json"]
    if command == "run":
        return ["run", "sma-2020-hindsight", *s, *small, *store, "--json", "--report", str(tmp / "run.html")]
    raise AssertionError(command)


def _toml_text(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return json.dumps(value)


def test_every_lever_has_a_matrix_value() -> None:
    assert set(LEVERS) == set(LEVER_VALUES)
    sma = load_scenario("sma-2020-hindsight")
    for lever in LEVERS:
        _, value = parse_override(f"levers.{lever}={LEVER_VALUES[lever]}")
        now = getattr(sma.levers, lever)
        assert (now.isoformat() if hasattr(now, "isoformat") else now) != value, lever  # not the scenario's value


@pytest.mark.parametrize("command", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in COMMANDS])
@pytest.mark.parametrize("lever", LEVERS)
def test_lever_x_command(lever: str, command: str, tmp_path: Path) -> None:
    text = LEVER_VALUES[lever]
    setting = f"levers.{lever}={text}"
    target = load_scenario("sma-2020-hindsight", [setting])
    grid = None
    if command == "sweep":
        grid = f"levers.{lever}={_toml_text(getattr(load_scenario('sma-2020-hindsight').levers, lever))},{text}"
    code, out, err = _cli(_argv(command, [setting], tmp_path, grid=grid, report=False))
    assert code == 0, err
    data = json.loads(out)
    # the lever reached the command
    if command == "scenarios show":
        assert json.dumps(data["scenario"]["levers"][lever]) == json.dumps(json.loads(
            json.dumps(target.levers.model_dump(mode="json")[lever])))
        assert data["provenance"][f"levers.{lever}"]["kind"] == "override"  # the map says the user set it
    elif command == "run":
        assert data["scenario_hash"] == scenario_hash(target) and data["draws"] == 256
        assert (tmp_path / "run.html").exists() and (tmp_path / "run_figures" / "agreement_by_date.png").exists()
        # the report of the stored run
        code, out, err = _cli(["runs", "list", "--store", str(tmp_path / "store.duckdb"), "--json"])
        (run,) = json.loads(out)
        code, out, err = _cli(["report", run["run_id"], "--out", str(tmp_path / "stored.html"),
                               "--store", str(tmp_path / "store.duckdb"), "--no-png"])
        assert code == 0, err
        assert f"sha256 {scenario_hash(target)[:12]}" in (tmp_path / "stored.html").read_text(encoding="utf-8")
    elif command == "sweep":
        assert [list(r["point"].values())[0] for r in data["rows"]][1] == json.loads(json.dumps(
            target.levers.model_dump(mode="json")[lever]))
    elif command == "compare":
        (variant,) = data["variants"]
        assert variant["overrides"] == [setting]


# --------------------------------------------------------------------------- meaningless combinations


def _meaningless_rows() -> list[tuple[list[str], list[str], str]]:
    """(overrides, commands, field) from the table in docs/simulation.md."""
    text = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    section = text.split("### Meaningless combinations", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `levers."):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        sets = re.findall(r"`([a-z_.0-9]+=[^`]+)`", cells[0])
        commands = COMMANDS if cells[1] == "every command" else re.findall(r"`([a-z ]+)`", cells[1])
        (field,) = re.findall(r"`([^`]+)`", cells[2])
        rows.append((sets, commands, field))
    return rows


MEANINGLESS = _meaningless_rows()


def test_the_docs_table_is_read() -> None:
    assert len(MEANINGLESS) >= 7
    assert {s.split("=", 1)[0] for sets, _, _ in MEANINGLESS for s in sets} >= {
        "levers.as_of", "levers.election_date", "levers.furlough_from", "levers.allowed_durations",
        "levers.us_ask_usd", "levers.transparency"}


@pytest.mark.parametrize(("sets", "commands", "field"), MEANINGLESS, ids=[" ".join(r[0]) for r in MEANINGLESS])
def test_meaningless_combination_is_refused_before_writing(sets: list[str], commands: list[str], field: str,
                                                           tmp_path: Path) -> None:
    for command in commands:
        code, out, err = _cli(_argv(command, sets, tmp_path))
        assert code == 2 and out == "", (command, err)
        assert err.startswith("error:") and err.count("\n") == 1 and f"{field}:" in err, (command, err)
        assert list(tmp_path.iterdir()) == [], command  # no store, no report, no figures
