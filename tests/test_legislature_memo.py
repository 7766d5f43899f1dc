"""Memoised legislature building (issue 11, cold-run cost): the cached seat tables, scenario
hashes and quorum-failure probabilities give exactly what an uncached computation gives, follow
the active dataset, and never go stale when a field they read changes."""

from __future__ import annotations

import datetime as dt
import gc

import numpy as np

from burdenshare.data import open_dataset, using
from burdenshare.legislature import from_scenario, legislature_model, model as model_mod, seats as seats_mod
from burdenshare.legislature.consent import quorum_failure_probability
from burdenshare.scenario import load_scenario, scenario_hash
from burdenshare.scenario.schema import Scenario

DAYS = (dt.date(2020, 3, 18), dt.date(2020, 4, 14), dt.date(2020, 6, 1))


def test_seat_tables_are_exactly_the_uncached_ones():
    sc = load_scenario("sma-2020-hindsight")
    for day in DAYS:
        got = seats_mod.seats_at(day, sc)
        assert got is seats_mod.seats_at(day, sc)  # cached: the same frozen table
        assert got == seats_mod._compute_scenario_seats(day, sc)
        assert seats_mod.seats_at(day) == seats_mod._from_snapshot.__wrapped__(day)


def test_a_changed_field_is_not_served_stale():
    sc = load_scenario("sma-2020-hindsight")
    data = sc.model_dump(mode="python", by_alias=True)
    data["legislature"]["periods"][0]["seats"]["conservative"] -= 3
    data["legislature"]["periods"][0]["seats"]["unattributed"] += 3
    other = Scenario.model_validate(data)
    a, b = seats_mod.seats_at(DAYS[0], sc), seats_mod.seats_at(DAYS[0], other)
    assert b.as_dict()["conservative"] == a.as_dict()["conservative"] - 3
    assert b == seats_mod._compute_scenario_seats(DAYS[0], other)
    # and the model built on it sees the new seats
    assert dict(zip(legislature_model(other, DAYS[0]).blocs, legislature_model(other, DAYS[0]).seats)) == b.as_dict()


def test_seat_tables_follow_the_active_dataset():
    """The data as of 2019-12-31 do not know the 2020 seat rows: the cache must not serve the full data's table."""
    full = seats_mod.seats_at(DAYS[0])
    with using(open_dataset(as_of=dt.date(2019, 12, 31))):
        early = seats_mod.seats_at(DAYS[0])
        assert early == seats_mod._from_snapshot.__wrapped__(DAYS[0])
    assert early != full and seats_mod.seats_at(DAYS[0]) == full


def test_scenario_hash_memo_is_per_object_and_released():
    sc = load_scenario("sma-2020-hindsight")
    assert from_scenario._hash_of(sc) == scenario_hash(sc)
    key = id(sc)
    assert key in from_scenario._HASH_OF
    del sc
    gc.collect()
    assert key not in from_scenario._HASH_OF


def test_quorum_failure_memo_is_exact():
    seats = np.array([120, 95, 30, 20, 6, 2], dtype=np.int64)
    for level in (np.full(6, 0.6455), np.linspace(0.55, 0.7, 6)):
        assert model_mod._quorum_failure(seats, level, 150) == float(quorum_failure_probability(seats, level, 150))
        assert model_mod._quorum_failure(seats, level, 151) == float(quorum_failure_probability(seats, level, 151))
