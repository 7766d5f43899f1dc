"""The consent tables of a web run computed in slices by the worker pool (issue 12, speed):
``burdenshare.web.prefetch`` and ``burdenshare.engine.consent.prefetch_members``.

The slices must cover every table the run and its bottom line's tornado need (after them, neither
computes a single consent probability) and give the very tables the run computes on its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from burdenshare import RunConfig, load_scenario, simulate
from burdenshare.analysis.briefing import TORNADO_BANK, tornado
from burdenshare.engine import consent
from burdenshare.engine.prepare import prepare
from burdenshare.legislature.model import LegislatureModel
from burdenshare.web.prefetch import build_tables, table_tasks

SMA = "sma-2020-hindsight"
SET = ["levers.transparency=0.3"]


def _no_consent(*_: object, **__: object) -> None:
    raise AssertionError("a consent probability was computed after the prefetch")


def test_slices_cover_the_run_and_its_tornado_and_give_the_same_tables(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    size, seed = 4, 3
    tasks = table_tasks(SMA, SET, seed, size, slice_size=3)
    # the run's bank in slices of 3, then 4 members of each tornado step with a bank of its own: at
    # transparency 0.3 the ask reaches opinion, so all but the allowed durations (sliced) build one (the
    # 1.5 x ask step is above the amount grid here and left out)
    variants = [t[2] for t in tasks if t[2] is not None]
    assert [t[5] for t in tasks if t[2] is None] == [[0, 1, 2], [3]]
    assert sorted({v[0] for v in variants}) == ["levers.furlough_from", "levers.transparency", "levers.us_ask_usd"]
    assert len({repr(v) for v in variants}) == 4 and all(t[4] == min(size, TORNADO_BANK) for t in tasks if t[2])
    # the reference: the bank built by the run itself with the disk cache off
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")
    consent._CACHE.clear()
    cfg = RunConfig(draws=2048, seed=seed, bank_size=size)
    ref = prepare(load_scenario(SMA, SET), cfg).bank
    # the slices, into an empty cache; then the run and its tornado compute nothing
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path / "cache"))
    consent._CACHE.clear()
    assert sum(build_tables(*t) for t in tasks) == size + 4 * size
    monkeypatch.setattr(LegislatureModel, "consent_probability", _no_consent)
    sc = load_scenario(SMA, SET)
    result = simulate(sc, cfg)
    for name in ("table", "winset", "base_log_median", "values"):
        assert np.array_equal(getattr(result.bank, name), getattr(ref, name)), name
    monkeypatch.undo()  # the summary's predicted votes compute one consent probability of their own
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path / "cache"))
    result.summary()
    monkeypatch.setattr(LegislatureModel, "consent_probability", _no_consent)
    drivers = tornado(result)
    assert {d.lever for d in drivers} >= {"levers.transparency", "levers.us_ask_usd", "levers.furlough_from"}


def test_prefetch_is_a_no_op_without_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", "off")
    sc = load_scenario(SMA, SET)
    from burdenshare.engine.prepare import check_run

    assert consent.prefetch_members(sc, check_run(sc), 0, 4, [0, 1]) == 0
