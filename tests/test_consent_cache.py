"""The on-disk consent cache (burdenshare.engine.consent_cache): reuse, keys, and distrust."""

from __future__ import annotations

import numpy as np
import pytest

from burdenshare.engine import consent as ec
from burdenshare.engine.plan import build_plan
from burdenshare.legislature.model import LegislatureModel
from burdenshare.scenario import load_scenario

SIZE = 2


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path / "cache"))
    ec._CACHE.clear()
    yield tmp_path / "cache" / "consent"
    ec._CACHE.clear()


def _build(sc, seed=0):
    ec._CACHE.clear()  # the in-memory cache would hide the disk
    return ec.build_consent_bank(sc, build_plan(sc), seed, SIZE)


def _forbid_compute(monkeypatch):
    def boom(self, *a, **k):
        raise AssertionError("table recomputed although cached")
    monkeypatch.setattr(LegislatureModel, "consent_probability", boom)


def test_tables_come_back_bit_identical_without_recomputing(cache, monkeypatch):
    sc = load_scenario("sma-2020-hindsight")
    first = _build(sc)
    assert len(list(cache.glob("*.npz"))) == SIZE and len(list(cache.glob("*.alias"))) == SIZE
    _forbid_compute(monkeypatch)
    again = _build(sc)
    assert np.array_equal(first.table, again.table) and np.array_equal(first.winset, again.winset)
    assert np.array_equal(first.base_log_median, again.base_log_median)


def test_a_lever_level_two_does_not_read_shares_the_tables(cache, monkeypatch):
    """The ask at transparency 0 and the negotiators' strategies leave the legislature as it is:
    the member key misses, the exact key (the legislature models themselves) hits."""
    sc = load_scenario("sma-2020-hindsight")
    first = _build(sc)
    _forbid_compute(monkeypatch)
    other = load_scenario("sma-2020-hindsight", ["strategies.us.exponent=2.0", "levers.us_ask_usd=4700000000.0"])
    again = _build(other)
    assert np.array_equal(first.table, again.table)


def test_the_ask_at_transparency_zero_is_left_out_of_the_member_key(cache, monkeypatch):
    """At transparency 0 no itemized statement carries the ask to opinion: the legislature models and
    base medians (the exact key, the tables' inputs) are the same for any ask, so the member key leaves
    the ask out and another ask finds the tables without building a legislature model.  At
    transparency > 0 the models differ and so do the member keys."""
    from burdenshare.engine import consent_cache
    from burdenshare.legislature.from_scenario import base_median_krw, legislature_model

    def exact(sc):
        plan = build_plan(sc)
        _, _, members = ec.bank_scenarios(sc, 0, SIZE)
        amounts = np.array([1e12])
        return [consent_cache.exact_key([legislature_model(m, d) for d in plan.round_dates],
                                        [base_median_krw(m, d) for d in plan.round_dates],
                                        plan.round_dates, plan.durations, amounts) for m in members]

    def member(sc):
        plan = build_plan(sc)
        _, _, data = ec.bank_members(sc, 0, SIZE)
        return [consent_cache.member_key(d, plan.round_dates, plan.durations, np.array([1e12])) for d in data]

    asks = (["levers.us_ask_usd=4700000000.0"], ["levers.us_ask_usd=4100000000.0"])
    at0 = [load_scenario("sma-2020-hindsight", a) for a in asks]
    at5 = [load_scenario("sma-2020-hindsight", [*a, "levers.transparency=0.5"]) for a in asks]
    assert exact(at0[0]) == exact(at0[1]) and member(at0[0]) == member(at0[1])
    assert all(x != y for x, y in zip(exact(at5[0]), exact(at5[1])))
    assert all(x != y for x, y in zip(member(at5[0]), member(at5[1])))
    first = _build(at0[0])
    monkeypatch.setattr(ec, "legislature_model", lambda *a, **k: (_ for _ in ()).throw(AssertionError("built")))
    again = _build(at0[1])
    assert np.array_equal(first.table, again.table) and np.array_equal(first.base_log_median, again.base_log_median)


def test_a_lever_level_two_reads_builds_new_tables(cache):
    sc = load_scenario("sma-2020-hindsight")
    first = _build(sc)
    moved = load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])
    second = _build(moved)
    n = len(list(cache.glob("*.npz")))
    assert n > SIZE  # new entries: the legislature reads transparency through opinion
    assert second.table.shape == first.table.shape


@pytest.mark.parametrize("damage", ["garbage", "truncate", "foreign", "tampered", "alias"])
def test_corrupt_or_foreign_entries_are_ignored_and_rebuilt(cache, damage):
    sc = load_scenario("sma-2020-hindsight")
    ref = _build(sc)
    entries = sorted(cache.glob("*.npz"))
    aliases = sorted(cache.glob("*.alias"))
    if damage == "garbage":
        for p in entries:
            p.write_bytes(b"not a table")
    elif damage == "truncate":
        for p in entries:
            p.write_bytes(p.read_bytes()[:200])
    elif damage == "foreign":  # each entry replaced by another key's file
        data = [p.read_bytes() for p in entries]
        for p, d in zip(entries, data[1:] + data[:1]):
            p.write_bytes(d)
    elif damage == "tampered":  # right key, values changed: the stored checksum no longer matches
        for p in entries:
            with np.load(p) as z:
                parts = {k: z[k] for k in z.files}
            parts["table"] = np.clip(parts["table"] * 0.5, 0, 1)
            with open(p, "wb") as fh:
                np.savez(fh, **parts)
    else:  # aliases pointing at another entry
        for p in aliases:
            head, target = p.read_text().split()
            p.write_text(f"{head} {'0' * 64}\n")
    again = _build(sc)
    assert np.array_equal(ref.table, again.table)
    assert np.array_equal(ref.base_log_median, again.base_log_median)


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")
    monkeypatch.chdir(tmp_path)
    _build(load_scenario("sma-2020-hindsight"))
    assert list(tmp_path.iterdir()) == []
