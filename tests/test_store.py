"""Tests of the results store (``burdenshare.store``) and ``burdenshare run --store`` / ``runs``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import duckdb
import numpy as np
import pytest

from burdenshare.cli import main
from burdenshare.engine import simulate
from burdenshare.scenario import dump_scenario, load_scenario, loads_scenario, scenario_hash
from burdenshare.analysis.runs import load_result, record_result
from burdenshare.store import StoreError, open_store

#: A small variant of sma-2020-hindsight (3 rounds, one-year deals): cheap consent tables.
SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
SMALL_ARGS = [a for o in SMALL for a in ("--set", o)]
#: The recorded scenario text (the store regenerates the param:* columns from it).
TOML = dump_scenario(load_scenario("sma-2020-hindsight"))


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario("sma-2020-hindsight", SMALL), draws=3000, seed=4, chunk_size=1024)  # 3 units


def test_round_trip_rows_equal_run_result_arrays(tmp_path, result):
    with open_store(tmp_path / "s.duckdb") as st:
        rid = record_result(st, result, scenario_toml=dump_scenario(load_scenario("sma-2020-hindsight")), overrides=SMALL)
        draw, worker, params, outcomes = st.read_rows(rid)
        rec = st.run(rid)
        assert st.chunks_done(rid) == {(0, 0), (0, 1), (0, 2)}
        summary = st.points(rid)[0]["summary"]
    np.testing.assert_array_equal(draw, np.arange(3000))
    assert set(worker.tolist()) == {"local"}
    assert list(params) == list(result.params) and list(outcomes) == list(result.outcomes)
    for src, back in ((result.params, params), (result.outcomes, outcomes)):
        for k, v in src.items():
            assert back[k].dtype == v.dtype, k
            np.testing.assert_array_equal(back[k], v, err_msg=k)  # exact (NaN == NaN)
    assert rec.status == "complete" and rec.seed == 4 and rec.draws == 3000 and rec.overrides == SMALL
    assert rec.scenario_hash == result.scenario_hash and rec.kind == "run" and rec.backend == "local"
    assert scenario_hash(loads_scenario(rec.scenario_toml, rec.overrides)) == result.scenario_hash  # reloadable
    from burdenshare.analysis.briefing import run_summary

    assert json.dumps(summary, sort_keys=True) == json.dumps(run_summary(result), sort_keys=True)  # with its bottom line


def test_duplicate_unit_is_refused_and_nothing_written(tmp_path, result):
    with open_store(tmp_path / "s.duckdb") as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
        n = st.row_count(rid)
        with pytest.raises(StoreError, match="already recorded"):
            st.write_unit(rid, 0, 0, result.index[:5], {k: v[:5] for k, v in result.params.items()},
                          {k: v[:5] for k, v in result.outcomes.items()}, "local")
        assert st.row_count(rid) == n


def test_export_parquet_and_csv_atomic(tmp_path, result):
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
        assert st.export(rid, tmp_path / "o.parquet", "parquet") == 3000
        assert st.export(rid, tmp_path / "o.csv", "CSV") == 3000
        with pytest.raises(StoreError, match="--format"):
            st.export(rid, tmp_path / "o.json", "json")
        with pytest.raises(StoreError, match="does not exist"):
            st.export(rid, tmp_path / "nope" / "o.csv", "csv")
    got = duckdb.sql(f"SELECT draw, amount_krw, r_us, seed, scenario_hash FROM '{tmp_path / 'o.parquet'}' ORDER BY draw"
                     ).fetchnumpy()
    np.testing.assert_array_equal(got["r_us"], result.params["r_us"])
    derived = [k for k in result.params if k.startswith("param:")]
    back = duckdb.sql(f"SELECT * FROM '{tmp_path / 'o.parquet'}'").fetchnumpy()
    for k in derived:  # not stored: regenerated from the record, bit for bit
        np.testing.assert_array_equal(back[k], result.params[k], err_msg=k)
    assert set(got["seed"].tolist()) == {4} and set(got["scenario_hash"].tolist()) == {result.scenario_hash}
    assert (tmp_path / "o.csv").read_text().count("\n") == 3001
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.parquet", "s.duckdb"]  # no temp files left


def test_export_never_writes_over_the_store_a_link_or_a_device(tmp_path, result):
    """issue 13: `runs export ID --out s.duckdb --store s.duckdb` replaced the store with a CSV file."""
    import os

    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
        link = tmp_path / "link.csv"
        os.symlink(path, link)
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        for out, why in ((path, "the results store itself"), (tmp_path / "." / "s.duckdb", "the results store itself"),
                         (link, "symbolic link"), (fifo, "not a regular file")):
            with pytest.raises(StoreError, match=why) as err:
                st.export(rid, out, "csv")
            assert err.value.field == "--out"
        assert st.row_count(rid) == 3000
    assert link.is_symlink() and fifo.is_fifo() and not list(tmp_path.glob(".*.tmp"))
    with open_store(path, read_only=True) as st:  # still the store, with its run and rows
        assert [r.run_id for r in st.runs()] == [rid] and st.row_count(rid) == 3000


def test_export_format_follows_the_out_suffix(tmp_path, result, capsys):
    """`runs export ID --out rows.csv` wrote Parquet bytes into rows.csv (the --format default was
    parquet whatever the suffix); a --format that contradicts the suffix is refused, nothing written."""
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
    base = ["runs", "export", rid, "--store", str(path)]
    assert main([*base, "--out", str(tmp_path / "a.CSV")]) == 0
    assert (tmp_path / "a.CSV").read_text().splitlines()[0].startswith("run_id,point,draw,")
    assert (tmp_path / "a.CSV").read_text().count("\n") == 3001
    for out in ("b.parquet", "b.rows"):  # Parquet for .parquet and, as documented, any other suffix
        assert main([*base, "--out", str(tmp_path / out)]) == 0
        assert (tmp_path / out).read_bytes()[:4] == b"PAR1"
    capsys.readouterr()
    for fmt, out in (("parquet", "c.csv"), ("csv", "c.parquet"), ("xlsx", "c.rows")):
        assert main([*base, "--format", fmt, "--out", str(tmp_path / out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --format: ") and err.count("\n") == 1, err
        assert not (tmp_path / out).exists()
    assert main([*base, "--format", "CSV", "--out", str(tmp_path / "d.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "csv"


def test_run_cli_records_rows_and_summary_only(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    assert main(["run", "sma-2020-hindsight", *SMALL_ARGS, "--draws", "1500", "--seed", "2", "--json", "--store", store]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["bottom_line"]["p_ratified"] == summary["p_ratified"]  # stored with the run, printed by run
    assert "recorded as run" in out.err
    assert main(["run", "sma-2020-hindsight", *SMALL_ARGS, "--draws", "1500", "--store", store, "--summary-only"]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--store", store, "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert len(runs) == 2 and {r["summary_only"] for r in runs} == {True, False}
    full = next(r for r in runs if not r["summary_only"])
    only = next(r for r in runs if r["summary_only"])
    assert main(["runs", "show", full["run_id"], "--store", store, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["rows"] == 1500 and shown["points"][0]["summary"] == summary and shown["status"] == "complete"
    assert main(["runs", "show", only["run_id"], "--store", store, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 0
    assert main(["runs", "export", only["run_id"], "--store", store, "--out", str(tmp_path / "x.csv"),
                 "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "summary-only" in err and not (tmp_path / "x.csv").exists()
    assert main(["runs", "export", full["run_id"], "--store", store, "--out", str(tmp_path / "x.csv"),
                 "--format", "csv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1500
    assert main(["runs", "show", "000000000000", "--store", store]) == 2
    assert "no run" in capsys.readouterr().err


def _one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    out = capsys.readouterr()
    assert code == 2, out
    assert out.err.count("\n") == 1 and out.err.startswith("error:") and "Traceback" not in out.err
    return out.err


def test_corrupt_store_is_a_clear_error_and_not_replaced(tmp_path, capsys):
    bad = tmp_path / "bad.duckdb"
    payload = np.random.default_rng(0).bytes(20_000)
    bad.write_bytes(payload)
    for argv in (["run", "sma-2020-hindsight", "--draws", "10", "--store", str(bad)], ["runs", "list", "--store", str(bad)],
                 ["sweep", "sma-2020-hindsight", *SMALL_ARGS, "--draws", "10", "--store", str(bad)]):
        err = _one_line_error(capsys, argv)
        assert "not a DuckDB database" in err
    assert bad.read_bytes() == payload
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (a INT)").close()
    assert "not a burdenshare store" in _one_line_error(capsys, ["runs", "list", "--store", str(other)])
    assert "no store" in _one_line_error(capsys, ["runs", "list", "--store", str(tmp_path / "none.duckdb")])
    assert not (tmp_path / "none.duckdb").exists()


def test_locked_store_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("locked", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for argv in (["runs", "list", "--store", str(path)],
                     ["run", "sma-2020-hindsight", "--draws", "10", "--store", str(path)]):
            err = _one_line_error(capsys, argv)
            assert "in use by another process" in err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert main(["runs", "list", "--store", str(path), "--json"]) == 0  # usable again once released
    assert json.loads(capsys.readouterr().out) == []


def test_load_result_rebuilds_the_run_result(tmp_path, result):
    with open_store(tmp_path / "s.duckdb") as st:
        rid = record_result(st, result, scenario_toml=dump_scenario(load_scenario("sma-2020-hindsight")), overrides=SMALL)
        back = load_result(st, rid)
        with pytest.raises(StoreError, match="no point"):
            load_result(st, rid, 3)
    assert json.dumps(back.summary(), sort_keys=True) == json.dumps(result.summary(), sort_keys=True)
    for k, v in result.outcomes.items():
        np.testing.assert_array_equal(back.outcomes[k], v)


def test_run_ids_resolve_from_a_unique_prefix(tmp_path, result, capsys):
    """issue 13: `runs list` shows ids that `report 74b0` could not find (no prefix matching)."""
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        rid = record_result(st, result, scenario_toml=TOML, overrides=SMALL)
        for other in ("abcd0000000000a1", "abcd0000000000b2"):
            st.create_run(kind="run", scenario="x", scenario_toml="x", overrides=[], seed=0, draws=1, backend="local",
                          grid=[], chunk_blocks=1, n_chunks=1, points=[((), {}, "h")], run_id=other)
        assert st.resolve_id(rid) == rid and st.resolve_id(rid[:4]) == rid
        with pytest.raises(StoreError, match="starts 2 runs") as err:
            st.resolve_id("abcd")
        assert err.value.field == "RUN_ID" and "abcd0000000000a1" in str(err.value)
        for bad in ("ab", "zzzz", "ffff"):
            with pytest.raises(StoreError):
                st.resolve_id(bad)
    assert main(["runs", "show", rid[:6], "--json", "--store", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["run_id"] == rid
    assert main(["runs", "export", rid[:6], "--format", "csv", "--out", str(tmp_path / "o.csv"), "--store", str(path)]) == 0
    assert (tmp_path / "o.csv").read_text().count("\n") == 3001


def test_a_bad_store_from_the_environment_is_named_as_such(tmp_path, capsys, monkeypatch):
    """A store path from $BURDENSHARE_STORE that cannot be used was reported as '--store: ...', an
    option the user never typed; the same path given with --store still names --store."""
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a store")
    monkeypatch.setenv("BURDENSHARE_STORE", str(bad))
    assert main(["runs", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --store ($BURDENSHARE_STORE): ") and "not a DuckDB database" in err
    assert err.count("\n") == 1 and bad.read_bytes() == b"not a store"
    assert main(["runs", "list", "--store", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("error: --store: ")
    with pytest.raises(StoreError) as info:
        open_store(create=False)
    assert info.value.field == "--store ($BURDENSHARE_STORE)"
