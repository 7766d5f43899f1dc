"""Tests of sweeps (``burdenshare.analysis.sweep``, ``burdenshare sweep``): grid, determinism, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from burdenshare.analysis.sweep import grid_points, parse_grid, split_values, sweep
from burdenshare.engine.backends import point_setup, unit_arrays
from burdenshare.cli import main
from burdenshare.engine import BLOCK_SIZE, simulate
from burdenshare.scenario import dump_scenario, load_scenario
from burdenshare.store import open_store

SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
SMALL_ARGS = [a for o in SMALL for a in ("--set", o)]
GRID = ["levers.transparency=0,1", "levers.us_ask_usd=1.3e9,5e9"]
ROOT = Path(__file__).resolve().parents[1]


def _all_rows(store: Path, run_id: str) -> list[tuple[np.ndarray, np.ndarray, dict, dict]]:
    with open_store(store, read_only=True) as st:
        return [st.read_rows(run_id, p["point"]) for p in st.points(run_id)]


def _assert_same_rows(a, b, *, workers: bool = True) -> None:
    assert len(a) == len(b)
    for (da, wa, pa, oa), (db, wb, pb, ob) in zip(a, b):
        np.testing.assert_array_equal(da, db)
        if workers:
            np.testing.assert_array_equal(wa, wb)
        for x, y in ((pa, pb), (oa, ob)):
            assert list(x) == list(y)
            for k in x:
                assert x[k].dtype == y[k].dtype
                np.testing.assert_array_equal(x[k], y[k], err_msg=k)


def _strip_id(data: dict) -> str:
    return json.dumps({**data, "run_id": None}, sort_keys=True)


def test_split_and_parse_grid_values_as_toml():
    assert split_values("[1,3,5], [1],'a,b'") == ["[1,3,5]", "[1]", "'a,b'"]
    axes = parse_grid(["levers.transparency=0,0.5,1", "levers.allowed_durations=[1,3,5],[1]",
                       "levers.furlough_from=2020-04-01,none"])
    assert axes[0].values == (0, 0.5, 1) and axes[1].values == ([1, 3, 5], [1])
    pts = grid_points(axes)
    assert len(pts) == 12
    # the first --grid varies slowest
    assert [p[1]["levers.transparency"] for p in pts[:4]] == [0, 0, 0, 0]
    assert pts[1][1] == {"levers.transparency": 0, "levers.allowed_durations": [1, 3, 5],
                         "levers.furlough_from": "none"}
    assert pts[2][0] == ["levers.transparency=0", "levers.allowed_durations=[1]", "levers.furlough_from=2020-04-01"]
    assert pts[2][1]["levers.furlough_from"] == "2020-04-01"


def test_units_concatenated_equal_simulate():
    s = load_scenario("sma-2020-hindsight", SMALL)
    ref = simulate(s, draws=2500, seed=9)
    from burdenshare.engine import RunConfig

    setup = point_setup(dump_scenario(load_scenario("sma-2020-hindsight")), SMALL, RunConfig(draws=2500, seed=9), "sma-2020-hindsight")
    parts = [unit_arrays(setup, b, 1) for b in range(3)]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), ref.index)
    for i, src in ((1, ref.params), (2, ref.outcomes)):
        assert list(parts[0][i]) == list(src)
        for k, v in src.items():
            np.testing.assert_array_equal(np.concatenate([p[i][k] for p in parts]), v, err_msg=k)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The local sweep with the default chunking."""
    store = tmp_path_factory.mktemp("ref") / "s.duckdb"
    res = sweep("sma-2020-hindsight", GRID, draws=2500, seed=3, overrides=SMALL, store=store)
    return store, res


def test_sweep_json_grid_order_and_common_random_numbers(reference, tmp_path, capsys):
    store, res = reference
    data = res.to_json()
    assert [r["point"] for r in data["rows"]] == [
        {"levers.transparency": 0, "levers.us_ask_usd": 1.3e9}, {"levers.transparency": 0, "levers.us_ask_usd": 5e9},
        {"levers.transparency": 1, "levers.us_ask_usd": 1.3e9}, {"levers.transparency": 1, "levers.us_ask_usd": 5e9}]
    assert all(r["draws"] == 2500 and r["seed"] == 3 for r in data["rows"])
    assert len({r["scenario_hash"] for r in data["rows"]}) == 4
    rows = _all_rows(store, res.run_id)
    for _, _, params, _ in rows[1:]:  # the same draws at every point
        np.testing.assert_array_equal(params["param:strategies.us.discount_factor"],
                                      rows[0][2]["param:strategies.us.discount_factor"])
    # each point's summary is the one simulate gives for that scenario
    one = simulate(load_scenario("sma-2020-hindsight", [*SMALL, "levers.transparency=1", "levers.us_ask_usd=5e9"]), draws=2500, seed=3)
    assert json.dumps(one.summary(), sort_keys=True) == json.dumps(
        {k: v for k, v in data["rows"][3].items() if k != "point"}, sort_keys=True)
    # the CLI prints the same JSON
    code = main(["sweep", "sma-2020-hindsight", *SMALL_ARGS, *(a for g in GRID for a in ("--grid", g)), "--draws", "2500",
                 "--seed", "3", "--store", str(tmp_path / "c.duckdb"), "--json"])
    out = capsys.readouterr().out
    assert code == 0 and _strip_id(json.loads(out)) == _strip_id(data)


def test_chunk_size_never_changes_rows(reference, tmp_path):
    store, res = reference
    other = sweep("sma-2020-hindsight", GRID, draws=2500, seed=3, overrides=SMALL, store=tmp_path / "c.duckdb",
                  chunk_size=BLOCK_SIZE)
    assert _strip_id(other.to_json()) == _strip_id(res.to_json())
    _assert_same_rows(_all_rows(store, res.run_id), _all_rows(tmp_path / "c.duckdb", other.run_id))
    with open_store(tmp_path / "c.duckdb", read_only=True) as st:
        assert len(st.chunks_done(other.run_id)) == 4 * 3


@pytest.mark.parametrize("grid, needle", [
    ("levers.transparency=0,2", "--grid levers.transparency=2"),
    ("levers.nope=1", "--grid levers.nope=1"),
    ("levers.transparency=0,,1", "empty value"),
    ("levers.us_ask_usd=1e15", "--grid levers.us_ask_usd=1e15"),
    ("levers.as_of=2020-04-01", "--grid levers.as_of=2020-04-01: as_of is not a lever"),
])
def test_bad_grid_value_named_and_nothing_recorded(tmp_path, capsys, grid, needle):
    store = tmp_path / "s.duckdb"
    open_store(store).close()
    code = main(["sweep", "sma-2020-hindsight", *SMALL_ARGS, "--grid", grid, "--draws", "100", "--store", str(store)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and needle in err, err
    label = err.split(": ", 2)[1]  # "error: --grid PATH=V: ..."
    assert not err.startswith(f"error: {label}: {label}:"), err  # named once (as_of: it was named twice)
    with open_store(store, read_only=True) as st:
        assert st.runs() == []


def test_resume_after_sigkill_gives_the_uninterrupted_rows(tmp_path, capsys):
    """A real subprocess is killed with SIGKILL after its second committed unit, then resumed."""
    args = ["sma-2020-hindsight", *SMALL_ARGS, "--grid", "levers.transparency=0,0.5,1", "--draws", "40960", "--seed", "5",
            "--chunk-size", "2048"]
    killed = tmp_path / "killed.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "burdenshare", "sweep", *args, "--store", str(killed),
                             "--progress", "lines"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    run_id = None
    try:
        for line in proc.stderr:
            if line.startswith("run "):
                run_id = line.split()[1]
            if line.startswith("unit 2/"):
                proc.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail("the sweep ended without committing a unit")
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL and run_id
    with open_store(killed, read_only=True) as st:
        rec = st.run(run_id)
        done = st.chunks_done(run_id)
        assert rec.status == "running" and 2 <= len(done) < 3 * 20, len(done)
        # only whole units are stored
        assert st.row_count(run_id) == sum(min(2048, 40960 - c * 2048) for _, c in done)
    assert main(["sweep", "--resume", run_id, "--store", str(killed), "--json"]) == 0
    resumed = json.loads(capsys.readouterr().out)
    assert main(["sweep", *args, "--store", str(tmp_path / "whole.duckdb"), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert _strip_id(resumed) == _strip_id(whole)
    _assert_same_rows(_all_rows(killed, run_id), _all_rows(tmp_path / "whole.duckdb", whole["run_id"]))
    with open_store(killed, read_only=True) as st:
        assert st.run(run_id).status == "complete" and st.row_count(run_id) == 3 * 40960
        assert len(st.chunks_done(run_id)) == 60
    # resuming a complete run changes nothing
    assert main(["sweep", "--resume", run_id, "--store", str(killed), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == resumed
    assert main(["sweep", "sma-2020-hindsight", "--resume", run_id, "--store", str(killed)]) == 2
    assert "--resume" in capsys.readouterr().err
