"""The Dask backend: a real LocalCluster (2 worker processes, 1 thread each) gives the local rows."""

from __future__ import annotations

import json

import numpy as np
import pytest
from distributed import Client, LocalCluster

from burdenshare.analysis.sweep import resume_sweep, sweep
from burdenshare.store import open_store

SMALL = ["protocol.n_steps=3", "levers.allowed_durations=[1]"]
GRID = ["levers.transparency=0,1"]


def test_dask_rows_equal_local_rows(tmp_path):
    local = sweep("sma-2020-hindsight", GRID, draws=5000, seed=11, overrides=SMALL, store=tmp_path / "local.duckdb")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        addresses = set(client.scheduler_info()["workers"])
        dask = sweep("sma-2020-hindsight", GRID, draws=5000, seed=11, overrides=SMALL, store=tmp_path / "dask.duckdb",
                     backend="dask", scheduler=cluster.scheduler_address, chunk_size=1024)
    assert json.dumps({**dask.to_json(), "run_id": 0}) == json.dumps({**local.to_json(), "run_id": 0})
    seen: set[str] = set()
    with open_store(tmp_path / "local.duckdb", read_only=True) as a, open_store(tmp_path / "dask.duckdb",
                                                                                 read_only=True) as b:
        assert b.run(dask.run_id).backend == "dask"
        for p in range(2):
            da, wa, pa, oa = a.read_rows(local.run_id, p)
            db, wb, pb, ob = b.read_rows(dask.run_id, p)
            np.testing.assert_array_equal(da, db)
            assert set(wa.tolist()) == {"local"}
            seen |= set(wb.tolist())
            for x, y in ((pa, pb), (oa, ob)):
                assert list(x) == list(y)
                for k in x:
                    np.testing.assert_array_equal(x[k], y[k], err_msg=k)
    assert seen <= addresses and seen  # every row names the worker that computed it


def test_dask_local_cluster_started_by_the_backend_and_resume(tmp_path):
    """--backend dask without --scheduler starts its own LocalCluster; resume may switch backends."""
    path = tmp_path / "s.duckdb"
    first = sweep("sma-2020-hindsight", GRID, draws=3000, seed=2, overrides=SMALL, store=path, backend="dask", workers=2,
                  chunk_size=1024)
    with open_store(path) as st:  # forget the second point's last unit and summary, as after a crash
        st.con.execute("DELETE FROM outcome_rows WHERE run_id = ? AND point = 1 AND draw >= 2048", [first.run_id])
        st.con.execute("DELETE FROM chunks_done WHERE run_id = ? AND point = 1 AND chunk = 2", [first.run_id])
        st.con.execute("UPDATE runs SET status = 'running' WHERE run_id = ?", [first.run_id])
    again = resume_sweep(first.run_id, store=path, backend="local")
    assert again.to_json() == first.to_json()
    with open_store(path, read_only=True) as st:
        workers = st.con.execute("SELECT DISTINCT worker FROM outcome_rows WHERE run_id = ? AND point = 1 "
                                 "AND draw >= 2048", [first.run_id]).fetchall()
    assert workers == [("local",)]
