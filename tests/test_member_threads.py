"""A bank's members in threads (burdenshare.engine.member_threads): the serial loop's tables, bit for bit."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from burdenshare.data import open_dataset, using
from burdenshare.data.dataset import active
from burdenshare.engine import consent as ec
from burdenshare.engine import member_threads
from burdenshare.engine.plan import build_plan
from burdenshare.errors import BurdenshareError
from burdenshare.scenario import load_scenario


def _bank(monkeypatch, tmp_path, threads, scenario, seed=3, size=6):
    monkeypatch.setattr(member_threads, "TABLE_THREADS", threads)
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path / f"cache-{threads}"))  # each computes its own
    ec._CACHE.clear()
    try:
        return ec.build_consent_bank(scenario, build_plan(scenario), seed, size)
    finally:
        ec._CACHE.clear()


def test_threads_give_the_serial_tables_bit_for_bit(monkeypatch, tmp_path):
    sc = load_scenario("sma-2020-hindsight", ["levers.transparency=0.43"])
    serial = _bank(monkeypatch, tmp_path, 1, sc)
    threaded = _bank(monkeypatch, tmp_path, 2, sc)
    assert serial.table.shape[0] == 6 and np.ptp(serial.table) > 0.5  # real tables, members that differ
    assert not np.array_equal(serial.table[0], serial.table[1])
    assert np.array_equal(serial.table, threaded.table)
    assert np.array_equal(serial.base_log_median, threaded.base_log_median)
    assert np.array_equal(serial.winset, threaded.winset)


def test_tasks_run_in_the_callers_context_and_keep_order():
    vintage = open_dataset(as_of=datetime.date(2019, 1, 1))
    assert active() is not vintage
    with using(vintage):
        seen = member_threads.map_members(lambda x: (x, active()), list(range(7)), threads=3)
    assert [x for x, _ in seen] == list(range(7))
    assert all(d is vintage for _, d in seen)  # the caller's data vintage (a contextvar), not the default


def test_the_first_error_is_raised():
    def f(x):
        if x == 2:
            raise ValueError("member 2")
        return x

    with pytest.raises(ValueError, match="member 2"):
        member_threads.map_members(f, [0, 1, 2, 3], threads=2)


@pytest.mark.parametrize("value", ["abc", "0", "-1", str(10**9), "2.5", "1e3", "nan"])
def test_a_bad_thread_count_is_one_line_before_any_work(value, monkeypatch, capsys, tmp_path):
    """``BURDENSHARE_TABLE_THREADS`` other than an integer in 1..64 is refused by every command: one
    line naming the variable and what is allowed, exit 2, no store written (it was an int() traceback at
    import)."""
    from burdenshare.cli import main

    store = tmp_path / "s.duckdb"
    monkeypatch.setenv("BURDENSHARE_TABLE_THREADS", value)
    monkeypatch.setattr(member_threads, "TABLE_THREADS", None)
    for argv in (["scenarios", "list"], ["run", "sma-2020-hindsight", "--draws", "64", "--bank-size", "1",
                                         "--store", str(store)]):
        code = main(argv)
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, (code, err)
        assert err[0].startswith("error: BURDENSHARE_TABLE_THREADS: ") and "1..64" in err[0]
    assert not store.exists()
    with pytest.raises(BurdenshareError, match="BURDENSHARE_TABLE_THREADS"):  # the Python API: at use
        member_threads.map_members(abs, [-1, -2])


@pytest.mark.parametrize(("value", "threads"), [("", 2), ("1", 1), (" 2 ", 2), ("64", None)])
def test_a_good_thread_count_is_read_and_capped_at_the_cores(value, threads, monkeypatch):
    import os

    monkeypatch.setenv("BURDENSHARE_TABLE_THREADS", value)
    cores = os.cpu_count() or 1
    assert member_threads.table_threads() == min(64 if threads is None else threads, cores)
    monkeypatch.delenv("BURDENSHARE_TABLE_THREADS")
    assert member_threads.table_threads() == min(2, cores)
