"""theta* on disk (burdenshare.engine.agenda_cache), by the mechanism kappa* uses
(burdenshare.engine.calibration_cache): reuse without a bank, keys, and distrust.

Oracles: the calibration computed by the engine (agenda.calibrate_threshold on the run's setup)
against what a new process reads back; the run's plan, win-set and outcomes bit for bit; a damaged
or foreign entry is never read, and the value computed again equals the first."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from burdenshare.engine import agenda
from burdenshare.engine import agenda_cache as ac
from burdenshare.engine import floor_vote_cache as fc
from burdenshare.engine.calibration_cache import entry_sha
from burdenshare.engine.config import RunConfig
from burdenshare.engine.prepare import prepare
from burdenshare.engine.run import simulate
from burdenshare.scenario import load_scenario

BANK = 4
CFG = RunConfig(draws=2048, seed=0, bank_size=BANK)
# the agenda rule moves theta off the floor on the hand-tuned scenario as specified (test_agenda_calibration)
CALIBRATED = ["parties.host_executive.submit_threshold=calibrated", "legislature.vote_noise_scale=1.0"]


def _entry(s: Any, seed: int = 0, bank: int = BANK) -> Path:
    from burdenshare.engine.calibration_cache import entry_path

    path = entry_path(ac.threshold_key(s, seed, bank), ac.SUFFIX)
    assert path is not None
    return path


def _theta(p: Any) -> tuple[float, float, tuple[str, ...]]:
    """What the rule sets in a setup's plan: the thresholds and the notes (the calibration's line)."""
    return p.plan.submit_threshold, p.plan.winset_threshold, p.plan.notes


@pytest.fixture
def sc() -> Iterator[Any]:
    """The hand-tuned scenario under the rule, its theta* entry removed from the session's cache."""
    s = load_scenario("sma-2020-hindsight", CALIBRATED)
    _entry(s).unlink(missing_ok=True)
    yield s


def _forbid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searching again is an error: the entry must answer."""
    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("theta* recomputed although stored")
    monkeypatch.setattr(ac, "calibrate_threshold", boom)


def test_a_run_reads_the_stored_theta_bit_for_bit(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    computed = prepare(sc, CFG)  # searches and stores
    ref = agenda.calibrate_threshold(computed)  # the engine's search, here
    assert ref.reached and 0.6 < ref.threshold < agenda.BRACKET[1] and _entry(sc).is_file()
    assert ac.load_threshold(ac.threshold_key(sc, 0, BANK), sc) == ref
    _forbid(monkeypatch)
    read = prepare(sc, CFG)
    assert _theta(read) == _theta(computed) and read.plan.submit_threshold == ref.threshold
    np.testing.assert_array_equal(read.bank.winset, computed.bank.winset)
    a, b = simulate(sc, CFG, prepared=computed), simulate(sc, CFG, prepared=read)
    for k in a.outcomes:
        np.testing.assert_array_equal(a.outcomes[k], b.outcomes[k])
    assert a.summary() == b.summary()
    monkeypatch.undo()
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")  # no cache at all: searched again, the same run
    off = simulate(sc, CFG)
    for k in a.outcomes:
        np.testing.assert_array_equal(a.outcomes[k], off.outcomes[k])


def test_solve_reads_theta_without_building_a_bank(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    theta = agenda.calibrated_threshold(sc, 0, BANK)  # through prepare: stored
    assert theta == prepare(sc, CFG).plan.winset_threshold and _entry(sc).is_file()
    import importlib

    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("bank built although theta* is stored")
    monkeypatch.setattr(importlib.import_module("burdenshare.engine.prepare"), "prepare", boom)
    assert agenda.calibrated_threshold(sc, 0, BANK) == theta


def test_the_key_names_what_the_search_reads(sc: Any) -> None:
    key = ac.threshold_key(sc, 0, BANK)
    assert key == ac.threshold_key(load_scenario("sma-2020-hindsight", CALIBRATED), 0, BANK)
    assert len({key, ac.threshold_key(sc, 1, BANK), ac.threshold_key(sc, 0, BANK + 1), fc.calibration_key(sc, 0, BANK)}) == 4
    for over in (["strategies.us.exponent=2.0"], ["legislature.vote_noise_scale=calibrated"],
                 ["levers.transparency=0.5"]):
        assert ac.threshold_key(load_scenario("sma-2020-hindsight", [*CALIBRATED, *over]), 0, BANK) != key, over


def _damage(kind: str) -> Callable[[Path, Path], None]:
    """Damage the entry at the first path (the second: a valid entry for other inputs)."""
    def rewrite(path: Path, edit: Callable[[dict[str, Any]], None], reseal: bool) -> None:
        entry = json.loads(path.read_text())
        edit(entry)
        if reseal:
            entry["sha"] = entry_sha(entry["calibration"])
        path.write_text(json.dumps(entry))

    def cal(**changes: Any) -> Callable[[dict[str, Any]], None]:
        return lambda e: e["calibration"].update(changes)

    damages: dict[str, Callable[[Path, Path], None]] = {
        "truncated": lambda p, o: p.write_bytes(p.read_bytes()[:40]),
        "garbage": lambda p, o: p.write_bytes(b"\x00\xff not json"),
        "foreign": lambda p, o: p.write_bytes(o.read_bytes()),  # another key's entry at this key's path
        "a kappa entry": lambda p, o: rewrite(p, lambda e: e.update(format=fc.FORMAT), False),
        "edited, unsealed": lambda p, o: rewrite(p, cal(threshold=0.7), False),
        "theta outside the bracket": lambda p, o: rewrite(p, cal(threshold=0.3), True),
        "unreached inside the bracket": lambda p, o: rewrite(p, cal(reached=False), True),
        "rate above the target": lambda p, o: rewrite(p, cal(rejections=400, submissions=1000, rate=0.4), True),
        "floor after a bisection": lambda p, o: rewrite(p, cal(threshold=0.5), True),
        "other sample": lambda p, o: rewrite(p, cal(draws=1024), True),
        "other target": lambda p, o: rewrite(p, cal(target=0.25), True),
        "a count as float": lambda p, o: rewrite(p, cal(rejections=1.0), True),
        "missing field": lambda p, o: rewrite(p, lambda e: e["calibration"].pop("evaluations"), True),
    }
    return damages[kind]


@pytest.mark.parametrize("kind", ["truncated", "garbage", "foreign", "a kappa entry", "edited, unsealed",
                                  "theta outside the bracket", "unreached inside the bracket", "rate above the target",
                                  "floor after a bisection", "other sample", "other target", "a count as float",
                                  "missing field"])
def test_corrupt_or_foreign_entries_are_ignored_and_recomputed(sc: Any, kind: str) -> None:
    first = prepare(sc, CFG)
    key = ac.threshold_key(sc, 0, BANK)
    cal = ac.load_threshold(key, sc)
    assert cal is not None
    other = load_scenario("sma-2020-hindsight", [*CALIBRATED, "levers.transparency=0.5"])
    ac.store_threshold(ac.threshold_key(other, 0, BANK), dataclasses.replace(cal, threshold=0.6))
    assert ac.load_threshold(ac.threshold_key(other, 0, BANK), other) is not None  # valid, for other inputs
    _damage(kind)(_entry(sc), _entry(other))
    assert ac.load_threshold(key, sc) is None
    again = prepare(sc, CFG)  # computed again, equal, and the entry rewritten
    assert _theta(again) == _theta(first) and ac.load_threshold(key, sc) == cal


def test_cache_off_writes_nothing(sc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _entry(sc)
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")
    assert prepare(sc, CFG).plan.submit_threshold > 0.6 and not path.exists()
