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
