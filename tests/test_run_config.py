"""RunConfig, prepare and the run identity: one setup seam, one id for CLI and store.

* the model assumptions are scenario fields (``--set`` changes results, the store records them);
* a run's id hashes everything that changes results, and nothing else (chunking, backend);
* a stored run recorded with non-default options rebuilds exactly (``load_result``, ``report``);
* the same CLI inputs twice are answered from the store.
"""

from __future__ import annotations

import datetime as dt

import json
import subprocess
import sys

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.engine import RunConfig, prepare, run_identity, simulate
from burdenshare.engine.plan import build_plan, counter_move_days, key_dates
from burdenshare.errors import ScenarioError, SpecError
from burdenshare.scenario import dump_scenario, load_scenario
from burdenshare.analysis.runs import load_result, record_simulation
from burdenshare.store import open_store

SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
#: Model assumptions away from their sma-2020-hindsight values (all scenario fields).
ASSUMPTIONS = ["parties.host_executive.submit_threshold=0.7", "protocol.planning_horizon_years=4",
               "protocol.renewal_window_days=200", "events.2.parameters.counter_move_days=30",
               "outputs.key_dates=[2020-05-01, 2020-12-31]"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"draws": 0}, "draws"), ({"draws": 10_000_001}, "draws"), ({"draws": 1.5}, "draws"), ({"draws": True}, "draws"),
    ({"seed": -1}, "seed"), ({"bank_size": 0}, "bank_size"), ({"bank_size": 257}, "bank_size"),
    ({"chunk_size": 0}, "chunk_size"), ({"backend": "spark"}, "backend"),
])
def test_run_config_refuses_bad_options_naming_them(kwargs, field):
    with pytest.raises(SpecError) as err:
        RunConfig(**kwargs)
    assert err.value.field == field and "allowed" in err.value.message


def test_run_config_round_trips_and_identity_ignores_chunking_and_backend():
    c = RunConfig(draws=5000, seed=3, bank_size=2, chunk_size=2048, backend="dask")
    assert RunConfig.from_json(json.loads(json.dumps(c.to_json()))) == c
    assert c.identity() == {"draws": 5000, "seed": 3, "bank_size": 2}
    with pytest.raises(SpecError, match="unknown run option"):
        RunConfig.from_json({"draws": 1, "submit_threshold": 0.5})


def test_assumptions_are_scenario_fields_read_by_the_plan():
    base, moved = load_scenario("sma-2020-hindsight"), load_scenario("sma-2020-hindsight", ASSUMPTIONS)
    p0, p1 = build_plan(base), build_plan(moved)
    assert (p0.submit_threshold, p1.submit_threshold) == (0.5, 0.7)
    assert (p0.planning_horizon_years, p1.planning_horizon_years) == (6, 4)
    assert (counter_move_days(base), counter_move_days(moved)) == (75, 30)
    assert [d.isoformat() for d in key_dates(moved)] == ["2020-05-01", "2020-12-31"]
    # furlough 2020-04-01 for 4,000 workers: worker-days stop at the counter-move
    assert p0.furlough_days.max() == 75 and p1.furlough_days.max() == 30
    # an immediate submitter ignores the threshold (agenda control off)
    assert build_plan(load_scenario("sma-2020-hindsight", ["parties.host_executive.submission=immediate"])).submit_threshold == 0


def test_key_dates_derive_from_the_timeline_when_unset():
    sc = load_scenario("sma-2020-hindsight")
    raw = sc.model_dump(mode="python", by_alias=True)
    raw["outputs"]["key_dates"] = None
    derived = type(sc).model_validate(raw)
    # furlough, ROK election, US election, inauguration, and the horizon (the expiry, 2019-12-31,
    # is before as_of)
    assert key_dates(derived) == (*key_dates(sc), sc.protocol.horizon)
    raw["levers"]["furlough_from"] = "none"
    assert [d.isoformat() for d in key_dates(type(sc).model_validate(raw))] == [
        "2020-04-15", "2020-11-03", "2021-01-20", "2021-03-31"]
    # an expiry after as_of is a key date (the scenario built as of the first round of the 2019 talks)
    from burdenshare.builder import build_scenario

    built, _ = build_scenario(11, dt.date(2019, 9, 10))
    assert [d.isoformat() for d in key_dates(built)] == ["2019-12-31", "2020-04-15", "2020-11-03", "2020-12-31"]


@pytest.mark.parametrize(("override", "field"), [
    ("outputs.key_dates=[2020-05-01, 2020-04-01]", "outputs.key_dates"),
    ("events.2.parameters.counter_move_days=-1", "events.2.parameters.counter_move_days"),
    ("parties.host_executive.submit_threshold=1.5", "parties.host_executive.submit_threshold"),
    ("protocol.planning_horizon_years=0", "protocol.planning_horizon_years"),
])
def test_bad_assumption_values_are_refused_naming_the_field(override, field):
    with pytest.raises(ScenarioError) as err:
        load_scenario("sma-2020-hindsight", [override])
    assert field in str(err.value)


def test_summary_reports_the_scenarios_key_dates():
    s = simulate(load_scenario("sma-2020-hindsight", [*SMALL, ASSUMPTIONS[-1]]), draws=500, seed=0, bank_size=1).summary()
    # the key dates, then the timeline to protocol.horizon (the three rounds all fall before 2020-12-31)
    assert list(s["p_agreement_by"]) == ["2020-05-01", "2020-12-31", "2021-03-31"]
    assert s["p_agreement_by"]["2020-05-01"] <= s["p_agreement_by"]["2020-12-31"] <= s["p_agreement"]
    assert s["p_agreement_by"]["2021-03-31"] == s["p_agreement"]


def test_run_identity_hashes_what_changes_results():
    sc = load_scenario("sma-2020-hindsight", SMALL)
    c = RunConfig(draws=1000, seed=0, bank_size=1)
    rid = run_identity(sc, c)
    assert len(rid) == 16 and int(rid, 16) >= 0
    assert rid == run_identity(load_scenario("sma-2020-hindsight", SMALL), RunConfig(draws=1000, seed=0, bank_size=1,
                                                                            chunk_size=1024, backend="dask"))
    others = {run_identity(sc, RunConfig(draws=1001, seed=0, bank_size=1)),
              run_identity(sc, RunConfig(draws=1000, seed=1, bank_size=1)),
              run_identity(sc, RunConfig(draws=1000, seed=0, bank_size=2)),
              run_identity(load_scenario("sma-2020-hindsight", [*SMALL, "levers.transparency=0.5"]), c),
              run_identity(load_scenario("sma-2020-hindsight", [*SMALL, ASSUMPTIONS[0]]), c),
              run_identity(sc, c, kind="sweep")}
    assert rid not in others and len(others) == 6
    # where a value comes from changes no result: the same value set with --set or written in the file
    raw = load_scenario("sma-2020-hindsight", [*SMALL, "levers.transparency=0.5"]).model_dump(mode="json", by_alias=True)
    assert raw["provenance"]["values"]["levers.transparency"]["kind"] == "override"
    raw["provenance"]["values"]["levers.transparency"] = {"kind": "assumption", "reason": "written in the file"}
    same = type(sc).model_validate(raw)
    assert run_identity(same, c) == run_identity(load_scenario("sma-2020-hindsight", [*SMALL, "levers.transparency=0.5"]), c)
    # a fresh process computes the same id (no per-process state in the hash)
    code = ("from burdenshare.engine import RunConfig, run_identity; from burdenshare.scenario import load_scenario; "
            f"print(run_identity(load_scenario('sma-2020-hindsight', {SMALL!r}), RunConfig(draws=1000, seed=0, bank_size=1)))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == rid


def test_simulate_takes_a_config_or_its_fields_not_both():
    sc = load_scenario("sma-2020-hindsight", SMALL)
    a = simulate(sc, RunConfig(draws=300, seed=2, bank_size=1))
    b = simulate(sc, draws=300, seed=2, bank_size=1)
    assert a.summary() == b.summary() and a.run_id == b.run_id == a.summary()["run_id"]
    with pytest.raises(SpecError, match="not both"):
        simulate(sc, RunConfig(draws=300), seed=1)
    prep = prepare(sc, RunConfig(draws=300, seed=2, bank_size=1))
    c = simulate(sc, prep.config, prepared=prep)
    for k, v in a.outcomes.items():
        np.testing.assert_array_equal(c.outcomes[k], v)
    with pytest.raises(SpecError):
        simulate(sc, RunConfig(draws=300, seed=3, bank_size=1), prepared=prep)


def test_facade_is_lazy_and_complete():
    code = ("import sys, burdenshare as bs; heavy = [m for m in ('numba', 'scipy', 'duckdb', 'burdenshare.engine') "
            "if m in sys.modules]; print(heavy); print(bs.simulate.__module__, bs.solve.__name__, bs.win_set.__name__, "
            "bs.explain.__name__, bs.compare.__name__, bs.load_scenario.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[]"  # importing the package loads none of the heavy modules
    assert out[1] == "burdenshare.engine.run solve_scenario win_set explain compare load_scenario"
    assert set(bs.__all__) >= {"load_scenario", "simulate", "solve", "win_set", "explain", "compare", "RunConfig"}
    with pytest.raises(AttributeError):
        bs.no_such_name  # noqa: B018


def test_stored_run_with_non_default_options_rebuilds_exactly(tmp_path):
    sc = load_scenario("sma-2020-hindsight", [*SMALL, *ASSUMPTIONS])
    cfg = RunConfig(draws=2500, seed=7, bank_size=2, chunk_size=1024)
    with open_store(tmp_path / "s.duckdb") as st:
        rid, res = record_simulation(st, sc, cfg, scenario_toml=dump_scenario(load_scenario("sma-2020-hindsight")),
                                        overrides=[*SMALL, *ASSUMPTIONS])
        assert st.run(rid).config() == cfg
        back = load_result(st, rid)
    assert back.config == cfg and back.bank.size == 2 and back.plan.submit_threshold == 0.7
    assert back.summary() == res.summary() == json.loads(json.dumps(res.summary()))
    assert list(back.summary()["p_agreement_by"]) == ["2020-05-01", "2020-12-31", "2021-03-31"]
    assert back.summary()["lapses"]["planning_horizon_years"] == 4


def _cli(*args: str, store) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "burdenshare", *args, "--store", str(store)], capture_output=True,
                          text=True)


def test_cli_same_inputs_same_id_answered_from_the_store(tmp_path):
    store = tmp_path / "s.duckdb"
    sets = [a for o in [*SMALL, ASSUMPTIONS[0]] for a in ("--set", o)]
    first = _cli("run", "sma-2020-hindsight", "--draws", "700", "--seed", "1", "--bank-size", "1", *sets, "--json", store=store)
    assert first.returncode == 0, first.stderr
    again = _cli("run", "sma-2020-hindsight", "--draws", "700", "--seed", "1", "--bank-size", "1", *sets, "--json", store=store)
    assert again.returncode == 0, again.stderr
    s1, s2 = json.loads(first.stdout), json.loads(again.stdout)
    assert s1 == s2
    rid = s1["run_id"]
    assert rid == run_identity(load_scenario("sma-2020-hindsight", [*SMALL, ASSUMPTIONS[0]]),
                               RunConfig(draws=700, seed=1, bank_size=1))
    assert f"recorded as run {rid}" in first.stderr and f"reused run {rid}" in again.stderr
    with open_store(store, read_only=True) as st:
        assert [r.run_id for r in st.runs()] == [rid]
    other = _cli("run", "sma-2020-hindsight", "--draws", "700", "--seed", "2", "--bank-size", "1", *sets, "--json", store=store)
    assert json.loads(other.stdout)["run_id"] != rid


@pytest.mark.parametrize(("argv", "field"), [
    (["run", "sma-2020-hindsight", "--seed", str(2**63)], "--seed"),
    (["run", "sma-2020-hindsight", "--draws", str(10**10)], "--draws"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--backend", "dask", "--workers", "0"], "--workers"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--backend", "dask", "--workers", "100000"], "--workers"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--chunk-size", str(10**12)], "--chunk-size"),
])
def test_run_options_out_of_range_are_refused_before_a_store_exists(tmp_path, argv, field):
    """issue 13: a seed >= 2**63 crashed inside DuckDB after the store was created; --workers 0 left a store."""
    store = tmp_path / "s.duckdb"
    proc = _cli(*argv, store=store)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: got ") and "allowed" in lines[0]
    assert not store.exists()
