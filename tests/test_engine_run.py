"""Tests of the engine's public per-chunk API and of streaming runs (issue 5, analysis at scale).

``run_chunk`` / ``play_draws`` are the one per-chunk step of ``simulate``, the backends and the
sensitivity analysis; ``simulate(keep_rows=False, on_chunk=...)`` and
``ResultsStore.record_simulation`` stream rows without keeping them, with the same summary.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from burdenshare.analysis.briefing import run_summary
from burdenshare.engine import BLOCK_SIZE, simulate
from burdenshare.engine.consent import fit_seats, set_path
from burdenshare.engine.run import OUTCOME_COLUMNS, PARAM_COLUMNS, Chunk, play_draws, run_chunk
from burdenshare.scenario import dump_scenario, load_scenario
from burdenshare.analysis.runs import record_result, record_run, record_simulation
from burdenshare.store import open_store

#: A small variant of sma-2020-hindsight (3 rounds, one-year deals): cheap consent tables.
SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
N = 2 * BLOCK_SIZE + 700


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("sma-2020-hindsight", SMALL)


@pytest.fixture(scope="module")
def ref(scenario):
    return simulate(scenario, draws=N, seed=5, bank_size=2)


def _equal_columns(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for k, v in a.items():
        assert b[k].dtype == v.dtype, k
        np.testing.assert_array_equal(b[k], v, err_msg=k)  # exact, NaN == NaN


def test_columns_are_public_and_in_order(ref):
    assert tuple(ref.outcomes) == OUTCOME_COLUMNS
    assert tuple(ref.params)[:len(PARAM_COLUMNS)] == PARAM_COLUMNS
    assert all(k.startswith("param:") for k in tuple(ref.params)[len(PARAM_COLUMNS):])
    for v in (*ref.params.values(), *ref.outcomes.values()):
        assert v.shape == (N,) and v.flags.c_contiguous


def test_run_chunk_concatenated_equals_simulate(scenario, ref):
    prep = _prepared(scenario)
    chunks = [run_chunk(prep, b, 1) for b in (2, 0, 1)]
    chunks.sort(key=lambda c: int(c.index[0]))  # any order of computation
    assert [len(c) for c in chunks] == [BLOCK_SIZE, BLOCK_SIZE, 700]
    np.testing.assert_array_equal(np.concatenate([c.index for c in chunks]), np.arange(N))
    _equal_columns(ref.params, {k: np.concatenate([c.params[k] for c in chunks]) for k in chunks[0].params})
    _equal_columns(ref.outcomes, {k: np.concatenate([c.outcomes[k] for c in chunks]) for k in chunks[0].outcomes})
    only = run_chunk(prep, 0, 1, params=False)
    assert only.params == {}
    _equal_columns(chunks[0].outcomes, only.outcomes)


def _prepared(scenario):
    from burdenshare.engine import RunConfig, prepare

    return prepare(scenario, RunConfig(draws=N, seed=5, bank_size=2))


def test_play_draws_equals_run_chunk(scenario, ref):
    from burdenshare.engine.draws import draw_range

    prep = _prepared(scenario)
    d = draw_range(prep.layout, 5, 1, 2, N)
    p, o = play_draws(prep, d)
    ch = run_chunk(prep, 1, 2)
    _equal_columns(ch.params, p)
    _equal_columns(ch.outcomes, o)


@pytest.mark.parametrize("chunk_size", [BLOCK_SIZE, 3 * BLOCK_SIZE, None])
def test_keep_rows_false_same_outcomes_and_summary(scenario, ref, chunk_size):
    r = simulate(scenario, draws=N, seed=5, bank_size=2, chunk_size=chunk_size, keep_rows=False)
    assert r.params == {}
    # the streamed run keeps its integer outcomes as int16 (issue 13: 10^7 draws in 2 GiB), same values
    assert list(r.outcomes) == list(ref.outcomes)
    for k, v in ref.outcomes.items():
        assert r.outcomes[k].dtype == (np.dtype(np.int16) if v.dtype.kind == "i" else v.dtype), k
        np.testing.assert_array_equal(r.outcomes[k], v, err_msg=k)
    assert json.dumps(r.summary()) == json.dumps(ref.summary())  # se included: bit-identical


def test_keep_compact_widens_a_column_that_leaves_int16():
    from burdenshare.engine.run import keep_compact

    cols: dict = {}
    keep_compact(cols, {"a": np.array([1, 2], dtype=np.int64), "x": np.array([0.5, 1.5])}, 0, 4)
    assert cols["a"].dtype == np.int16 and cols["x"].dtype == np.float64
    keep_compact(cols, {"a": np.array([40000, -3], dtype=np.int64), "x": np.array([2.5, 3.5])}, 2, 4)
    assert cols["a"].dtype == np.int64
    np.testing.assert_array_equal(cols["a"], [1, 2, 40000, -3])
    np.testing.assert_array_equal(cols["x"], [0.5, 1.5, 2.5, 3.5])


@pytest.mark.parametrize("keep_rows", [True, False])
def test_on_chunk_streams_every_row_in_order(scenario, ref, keep_rows):
    got: list[Chunk] = []

    def keep(ch: Chunk) -> None:  # copy: with keep_rows the arrays are views of the result's
        got.append(Chunk(ch.index.copy(), {k: v.copy() for k, v in ch.params.items()},
                         {k: v.copy() for k, v in ch.outcomes.items()}))

    r = simulate(scenario, draws=N, seed=5, bank_size=2, chunk_size=BLOCK_SIZE, keep_rows=keep_rows, on_chunk=keep)
    assert [int(c.index[0]) for c in got] == [0, BLOCK_SIZE, 2 * BLOCK_SIZE]
    _equal_columns(ref.params, {k: np.concatenate([c.params[k] for c in got]) for k in got[0].params})
    _equal_columns(ref.outcomes, {k: np.concatenate([c.outcomes[k] for c in got]) for k in got[0].outcomes})
    assert json.dumps(r.summary()) == json.dumps(ref.summary())


def test_summary_is_cached_and_copied(ref):
    a = ref.summary()
    a["p_agreement"] = -1.0
    a["lapses"]["expected_lapses"] = -1.0
    b = ref.summary()
    assert b["p_agreement"] >= 0 and b["lapses"]["expected_lapses"] >= 0


def test_record_simulation_streams_the_same_rows(tmp_path, scenario, ref):
    from burdenshare.engine import RunConfig

    toml = dump_scenario(load_scenario("sma-2020-hindsight"))
    one = RunConfig(draws=N, seed=5, bank_size=2, chunk_size=BLOCK_SIZE)
    with open_store(tmp_path / "s.duckdb") as st, open_store(tmp_path / "t.duckdb") as other:
        rid, res = record_simulation(st, scenario, one, scenario_toml=toml, overrides=SMALL)
        chunked = simulate(scenario, one)  # the same inputs, recorded elsewhere from a finished result
        old = record_result(other, chunked, scenario_toml=toml, overrides=SMALL)
        assert old == rid == ref.run_id  # one run identity: chunking changes nothing
        for st_, run in ((st, rid), (other, old)):
            assert st_.chunks_done(run) == {(0, 0), (0, 1), (0, 2)}
            draw, _, params, outcomes = st_.read_rows(run)
            np.testing.assert_array_equal(draw, np.arange(N))
            _equal_columns(ref.params, params)
            _equal_columns(ref.outcomes, outcomes)
            assert st_.run(run).status == "complete"
        assert st.points(rid)[0]["summary"] == other.points(old)[0]["summary"] == json.loads(json.dumps(run_summary(ref)))
        assert st.run(rid).columns == other.run(old).columns
        _, _, none, outs = st.read_rows(rid, params=False)
        assert none == {} and list(outs) == list(OUTCOME_COLUMNS)
        # the same inputs again: answered from the store, nothing recomputed or added
        again, back = record_simulation(st, scenario, one, scenario_toml=toml, overrides=SMALL)
        assert again == rid and len(st.runs()) == 1
        _equal_columns(ref.outcomes, back.outcomes)
        # record_run says so (the CLI's "reused run" message; one identity and one store check)
        third = record_run(st, scenario, one, scenario_toml=toml, overrides=SMALL)
        assert third.reused and third.run_id == rid and len(st.runs()) == 1
        _equal_columns(ref.outcomes, third.result.outcomes)
    with open_store(tmp_path / "u.duckdb") as st:
        fresh = record_run(st, scenario, RunConfig(draws=N, seed=5, bank_size=2), scenario_toml=toml,
                           overrides=SMALL, summary_only=True)
        assert not fresh.reused
        sid, only = fresh.run_id, fresh.result
        assert sid == rid
        assert only.params == {} and st.row_count(sid) == 0 and st.run(sid).summary_only
        assert st.points(sid)[0]["summary"] == json.loads(json.dumps(run_summary(ref)))
    _equal_columns(ref.params, res.params)


def test_record_simulation_refused_leaves_no_run(tmp_path, scenario):
    from burdenshare.engine import RunConfig
    from burdenshare.errors import ScenarioError

    with open_store(tmp_path / "s.duckdb") as st:
        bad = load_scenario("sma-2020-hindsight", [*SMALL, "levers.us_ask_usd=9e9"])  # an ask outside the amount grid
        with pytest.raises(ScenarioError):
            record_simulation(st, bad, RunConfig(draws=10, seed=1), scenario_toml="x")
        assert st.runs() == [] and st.con.execute("SELECT count(*) FROM points").fetchone()[0] == 0


def test_public_scenario_helpers():
    data = {"legislature": {"total_seats": 6, "periods": [{"seats": {"a": 3, "b": 1, "unattributed": 2}}]}}
    set_path(data, "legislature.periods.0.seats.b", 4)  # 3 too many: 2 from unattributed, then 1 from the largest
    fit_seats(data, ["legislature.periods.0.seats.b"])
    assert data["legislature"]["periods"][0]["seats"] == {"a": 3, "b": 3, "unattributed": 0}
