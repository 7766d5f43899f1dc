"""kappa* on disk (burdenshare.engine.floor_vote_cache): reuse without a bank, keys, and distrust.

Oracles: the calibration computed by the engine (record_vote.calibrate_vote_noise on the run's
specified tables) against what a new process reads back; the run's tables bit for bit; a damaged
or foreign entry is never read, and the value computed again equals the first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from burdenshare.engine import floor_vote as fv_mod
from burdenshare.engine import floor_vote_cache as fc
from burdenshare.engine.config import RunConfig
from burdenshare.engine.floor_vote import floor_vote
from burdenshare.engine.prepare import prepare, prepare_specified
from burdenshare.engine.record_vote import calibrate_vote_noise, sharpen
from burdenshare.legislature.agenda import record_check
from burdenshare.scenario import load_scenario

BANK = 4


@pytest.fixture
def sc() -> Iterator[Any]:
    """The hand-tuned scenario (calibrated kappa* < 1), its entry removed from the session's cache
    (whose consent tables stay warm) and the in-process calibrations forgotten."""
    s = load_scenario("sma-2020-hindsight")
    path = fc._path(fc.calibration_key(s, 0, BANK))
    assert path is not None
    path.unlink(missing_ok=True)
    fv_mod._CACHE.clear()
    yield s
    fv_mod._CACHE.clear()


def _entry(s: Any, seed: int = 0, bank: int = BANK) -> Path:
    path = fc._path(fc.calibration_key(s, seed, bank))
    assert path is not None
    return path


def _forbid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calibrating again or building a bank is an error: the entry must answer."""
    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("kappa* recomputed although stored")
    monkeypatch.setattr(fc, "calibrate_vote_noise", boom)
    import importlib

    monkeypatch.setattr(importlib.import_module("burdenshare.engine.prepare"), "prepare_specified", boom)


def test_a_new_process_reads_kappa_without_building_a_bank(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = RunConfig(draws=2048, seed=0, bank_size=BANK)
    ref = calibrate_vote_noise(prepare_specified(sc, cfg))  # the engine's calibration, computed here
    assert ref.reached and 0.02 < ref.kappa < 1.0
    first = floor_vote(sc, 0, BANK)
    assert first.calibration == ref and _entry(sc).is_file()
    fv_mod._CACHE.clear()  # a new process: only the disk remembers
    _forbid(monkeypatch)
    again = floor_vote(sc, 0, BANK)
    assert again.calibration == ref and again.kappa == ref.kappa and again.line() == first.line()


def test_a_run_reads_the_stored_kappa_bit_for_bit(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = RunConfig(draws=512, seed=0, bank_size=BANK)
    computed = prepare(sc, cfg)  # calibrates and stores
    assert _entry(sc).is_file()
    kappa = computed.bank.vote_noise_scale
    assert kappa == floor_vote(sc, 0, BANK).kappa < 1.0
    monkeypatch.setattr(fc, "calibrate_vote_noise", lambda *a, **k: (_ for _ in ()).throw(AssertionError("recomputed")))
    read = prepare(sc, cfg)
    assert read.bank.vote_noise_scale == kappa and read.plan.notes == computed.plan.notes
    np.testing.assert_array_equal(read.bank.table, computed.bank.table)
    np.testing.assert_array_equal(read.bank.winset, computed.bank.winset)
    np.testing.assert_array_equal(read.bank.table, sharpen(prepare_specified(sc, cfg).bank.table, kappa))


def test_the_key_names_what_the_calibration_reads(sc: Any) -> None:
    key = fc.calibration_key(sc, 0, BANK)
    assert key == fc.calibration_key(load_scenario("sma-2020-hindsight"), 0, BANK)
    assert key == fc.calibration_key(sc, 0, BANK)  # the run's draws do not enter: the sample is fixed
    assert len({key, fc.calibration_key(sc, 1, BANK), fc.calibration_key(sc, 0, BANK + 1)}) == 3
    others = [["strategies.us.exponent=2.0"],  # Level I: the kernel plays the bargaining too
              ["legislature.vote_noise_scale=0.5"]]
    for over in others:
        assert fc.calibration_key(load_scenario("sma-2020-hindsight", over), 0, BANK) != key, over
    # another as_of (not a lever: a copy for the key only): SMA 10 not yet consented, another record
    early = sc.model_copy(update={"levers": sc.levers.model_copy(update={"as_of": dt.date(2019, 3, 1)})})
    rec, target = fc._record(early)
    assert [s.sma_number for s in rec] == [3, 9] and target == 1 / 6 == record_check(0.0, "2019-03-01").posterior_mean
    assert fc._record(sc)[1] == 0.125 == record_check(0.0, sc.levers.as_of).posterior_mean
    assert fc.calibration_key(early, 0, BANK) != key


def _damage(kind: str) -> Callable[[Path, Path], None]:
    """Damage the entry at the first path (the second: a valid entry for other inputs).  A hand edit
    resealed with its SHA that keeps the rule's invariants cannot be told from a calibration."""
    def rewrite(path: Path, edit: Callable[[dict[str, Any]], None], reseal: bool) -> None:
        entry = json.loads(path.read_text())
        edit(entry)
        if reseal:
            entry["sha"] = fc._sha(entry["calibration"])
        path.write_text(json.dumps(entry))

    def cal(**changes: Any) -> Callable[[dict[str, Any]], None]:
        return lambda e: e["calibration"].update(changes)

    damages: dict[str, Callable[[Path, Path], None]] = {
        "truncated": lambda p, o: p.write_bytes(p.read_bytes()[:40]),
        "garbage": lambda p, o: p.write_bytes(b"\x00\xff not json"),
        "empty": lambda p, o: p.write_bytes(b""),
        "a list": lambda p, o: p.write_text("[1, 2]"),
        "foreign": lambda p, o: p.write_bytes(o.read_bytes()),  # another key's entry at this key's path
        "old format": lambda p, o: rewrite(p, lambda e: e.update(format="floor-vote-kappa-0"), False),
        "edited, unsealed": lambda p, o: rewrite(p, cal(kappa=0.5), False),
        "unreached below 1": lambda p, o: rewrite(p, cal(reached=False), True),
        "rate not the quotient": lambda p, o: rewrite(p, cal(rate=0.01), True),
        "more rejections than texts": lambda p, o: rewrite(p, cal(rejections=10_000), True),
        "other sample": lambda p, o: rewrite(p, cal(draws=1024), True),
        "other record": lambda p, o: rewrite(p, cal(record=[[3, "1995-12-01", True]]), True),
        "other target": lambda p, o: rewrite(p, cal(target=0.25), True),
        "kappa outside the bracket": lambda p, o: rewrite(p, cal(kappa=1.5), True),
        "kappa as a string": lambda p, o: rewrite(p, cal(kappa="0.153"), True),
        "an int count as float": lambda p, o: rewrite(p, cal(rejections=113.0), True),
        "extra field": lambda p, o: rewrite(p, cal(note="x"), True),
        "missing field": lambda p, o: rewrite(p, lambda e: e["calibration"].pop("evaluations"), True),
    }
    return damages[kind]


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty", "a list", "foreign", "old format", "edited, unsealed",
                                  "unreached below 1", "rate not the quotient",
                                  "more rejections than texts", "other sample", "other record", "other target",
                                  "kappa outside the bracket", "kappa as a string", "an int count as float",
                                  "extra field", "missing field"])
def test_corrupt_or_foreign_entries_are_ignored_and_recomputed(sc: Any, kind: str) -> None:
    first = floor_vote(sc, 0, BANK)
    assert first.calibration is not None
    path = _entry(sc)
    other = load_scenario("sma-2020-hindsight", ["parties.host_executive.submit_threshold=0.6"])
    fc.store_calibration(fc.calibration_key(other, 0, BANK), dataclasses.replace(first.calibration, threshold=0.6))
    assert fc.load_calibration(fc.calibration_key(other, 0, BANK), other) is not None  # a valid entry, for other inputs
    _damage(kind)(path, _entry(other))
    key = fc.calibration_key(sc, 0, BANK)
    assert fc.load_calibration(key, sc) is None
    fv_mod._CACHE.clear()
    again = floor_vote(sc, 0, BANK)  # computed again, equal, and the entry rewritten
    assert again.calibration == first.calibration
    assert fc.load_calibration(key, sc) == first.calibration


def test_cache_off_writes_nothing(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _entry(sc)
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")
    assert fc._path(fc.calibration_key(sc, 0, BANK)) is None
    assert 0.02 < floor_vote(sc, 0, BANK).kappa < 1.0 and not path.exists()
