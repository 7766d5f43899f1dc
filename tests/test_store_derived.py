"""The store keeps no derivable ``param:*`` column (schema 3; issue 13): they are regenerated from the
run's record (``burdenshare.engine.derived``) by ``read_rows``, ``runs export`` and the web rows, equal
to the engine's columns bit for bit, and ``runs export`` writes exactly the file it wrote when they were
stored (the old export is reproduced here: DuckDB's COPY of a table that holds every column)."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from burdenshare.analysis.runs import load_result, record_result
from burdenshare.analysis.sweep import sweep
from burdenshare.engine import simulate
from burdenshare.engine.derived import DerivedParams, is_derived
from burdenshare.scenario import dump_scenario, load_scenario
from burdenshare.store import SCHEMA_VERSION, open_store

SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
TOML = dump_scenario(load_scenario("sma-2020-hindsight"))
KEYS = ("run_id", "point", "draw", "worker", "seed", "scenario", "scenario_hash", "version")


@pytest.fixture(scope="module")
def result():
    # bank of 4: the Level-II param:* columns take the draw's member's value
    return simulate(load_scenario("sma-2020-hindsight", SMALL), draws=2500, seed=6, chunk_size=1024, bank_size=4)


@pytest.fixture()
def recorded(tmp_path, result):
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
    return path, rid


def _old_export(result, rid: str, out, fmt: str) -> None:
    """What `runs export` wrote when the store held every column: the same tables (keys NOT NULL, a
    nullable column per name) and the same ordered COPY query, with the engine's own columns."""
    con = duckdb.connect()
    con.execute("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, seed BIGINT NOT NULL, scenario VARCHAR NOT NULL, "
                "version VARCHAR NOT NULL)")
    con.execute("CREATE TABLE points (run_id VARCHAR NOT NULL, point INTEGER NOT NULL, scenario_hash VARCHAR NOT NULL)")
    con.execute("CREATE TABLE outcome_rows (run_id VARCHAR NOT NULL, point INTEGER NOT NULL, draw BIGINT NOT NULL, "
                "worker VARCHAR NOT NULL, PRIMARY KEY (run_id, point, draw))")
    cols = {**result.params, **result.outcomes}
    for k, v in cols.items():
        con.execute(f'ALTER TABLE outcome_rows ADD COLUMN "{k}" {"BIGINT" if v.dtype.kind == "i" else "DOUBLE"}')
    con.execute("INSERT INTO runs VALUES (?, ?, ?, ?)", [rid, result.seed, result.scenario, result.version])
    con.execute("INSERT INTO points VALUES (?, 0, ?)", [rid, result.scenario_hash])
    frame = {"draw": np.arange(result.draws, dtype=np.int64), **cols}  # noqa: F841
    names = ", ".join(f'"{k}"' for k in ["draw", *cols])
    con.execute(f"INSERT INTO outcome_rows (run_id, point, worker, {names}) SELECT ?, 0, 'local', {names} FROM frame",
                [rid])
    select = ", ".join([*(f"o.{k}" for k in ("run_id", "point", "draw", "worker")), "r.seed", "r.scenario",
                        "p.scenario_hash", "r.version", *(f'o."{k}"' for k in cols)])
    opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    con.execute(f"COPY (SELECT {select} FROM outcome_rows o JOIN runs r ON r.run_id = o.run_id JOIN points p ON "
                f"p.run_id = o.run_id AND p.point = o.point WHERE o.run_id = '{rid}' ORDER BY o.point, o.draw) "
                f"TO '{out}' ({opts})")
    con.close()


def test_no_param_column_is_stored_and_rows_read_back_exact(recorded, result):
    path, rid = recorded
    derived = [k for k in result.params if is_derived(k)]
    assert len(derived) >= 10  # sma-2020-hindsight: 17
    with open_store(path, read_only=True) as st:
        stored = {r[0] for r in st.con.execute("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_name = 'outcome_rows'").fetchall()}
        assert not any(is_derived(c) for c in stored) and "r_us" in stored and "amount_krw" in stored
        assert [n for n, _ in st.run(rid).columns["params"]] == list(result.params)  # still listed
        _, _, params, outcomes = st.read_rows(rid)
        back = load_result(st, rid)
    assert list(params) == list(result.params)
    for k, v in result.params.items():
        assert params[k].dtype == v.dtype, k
        np.testing.assert_array_equal(params[k], v, err_msg=k)
    assert back.summary() == result.summary()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_is_the_file_it_was_when_the_columns_were_stored(tmp_path, recorded, result, fmt):
    path, rid = recorded
    with open_store(path, read_only=True) as st:
        assert st.export(rid, tmp_path / f"new.{fmt}", fmt) == result.draws
    _old_export(result, rid, tmp_path / f"old.{fmt}", fmt)
    if fmt == "csv":
        assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
    else:
        import pyarrow.parquet as pq

        new, old = pq.read_table(tmp_path / "new.parquet"), pq.read_table(tmp_path / "old.parquet")
        assert new.column_names == old.column_names and new.column_names[:len(KEYS)] == list(KEYS)
        assert new.schema == old.schema and new.equals(old)  # types, NOT NULL marks and values
        assert new.num_rows == old.num_rows == result.draws and new.column("draw").to_pylist() == list(range(result.draws))


def test_sweep_points_regenerate_their_own_columns(tmp_path):
    """Each grid point is its own scenario (here a different round count): its columns come from it."""
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        res = sweep("sma-2020-hindsight", ["protocol.n_steps=3,4"], draws=1100, seed=2, overrides=SMALL[1:],
                    store=st, chunk_size=1024, bank_size=2)
        rid = res.run_id
    with open_store(path, read_only=True) as st:
        st.export(rid, tmp_path / "s.parquet", "parquet")
    got = duckdb.sql(f"SELECT * FROM '{tmp_path / 's.parquet'}'").fetchnumpy()
    assert got["point"].tolist() == [0] * 1100 + [1] * 1100
    for point, steps in ((0, 3), (1, 4)):
        ref = simulate(load_scenario("sma-2020-hindsight", [*SMALL[1:], f"protocol.n_steps={steps}"]),
                       draws=1100, seed=2, bank_size=2)
        rows = got["point"] == point
        assert set(got["grid:protocol.n_steps"][rows].tolist()) == {str(steps)}
        for k, v in ref.params.items():
            np.testing.assert_array_equal(got[k][rows], v, err_msg=f"{point} {k}")


def test_schema_2_store_loses_its_param_columns_and_exports_the_same(tmp_path, recorded, result):
    """Migration 2 -> 3 drops the stored param:* columns; a read-only open of a schema-2 store reads
    around them; the export is the same before and after."""
    path, rid = recorded
    con = duckdb.connect(str(path))
    names = [k for k in result.params if is_derived(k)]
    for k in names:  # a schema-2 store: the columns are there, with the engine's values
        con.execute(f'ALTER TABLE outcome_rows ADD COLUMN "{k}" DOUBLE')
    frame = {"draw": np.arange(result.draws, dtype=np.int64), **{k: result.params[k] for k in names}}  # noqa: F841
    con.execute("UPDATE outcome_rows SET " + ", ".join(f'"{k}" = f."{k}"' for k in names)
                + " FROM frame f WHERE outcome_rows.draw = f.draw")
    con.execute("UPDATE burdenshare_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with open_store(path, read_only=True) as st:  # read as it is
        st.export(rid, tmp_path / "before.csv", "csv")
    with open_store(path) as st:  # a writer migrates
        meta = dict(st.con.execute("SELECT key, value FROM burdenshare_meta").fetchall())
        cols = [r[0] for r in st.con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'outcome_rows'").fetchall()]
        st.export(rid, tmp_path / "after.csv", "csv")
    assert meta["schema_version"] == str(SCHEMA_VERSION) == "3"
    assert not any(is_derived(c) for c in cols)
    assert (tmp_path / "before.csv").read_bytes() == (tmp_path / "after.csv").read_bytes()
    _old_export(result, rid, tmp_path / "old.csv", "csv")
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()


def test_derived_params_at_any_draws(result):
    sc = load_scenario("sma-2020-hindsight", SMALL)
    src = DerivedParams.of(sc, result.config)
    assert src.names == tuple(k for k in result.params if is_derived(k))
    at = np.array([0, 1023, 1024, 2047, 2499], dtype=np.int64)
    cols = src.columns(at)
    for k in src.names:
        np.testing.assert_array_equal(cols[k], result.params[k][at], err_msg=k)


def test_a_run_whose_scenario_cannot_be_rebuilt_is_one_line(tmp_path, result):
    from burdenshare.errors import BurdenshareError

    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml="name = [", overrides=SMALL)
        with pytest.raises(BurdenshareError) as err:
            st.export(rid, tmp_path / "o.csv", "csv")
    assert "\n" not in str(err.value) and not (tmp_path / "o.csv").exists()
