"""Index uncertainty drawn per draw (burdenshare.engine.index_draws; issue 11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from burdenshare.agreement import scenario_index_path, schedule_for
from burdenshare.builder import build_scenario
from burdenshare.engine.config import RunConfig
from burdenshare.engine.draws import BLOCK_SIZE, DrawLayout, draw_range
from burdenshare.engine.index_draws import index_draws_of, index_z
from burdenshare.engine.prepare import prepare
from burdenshare.engine.run import run_chunk, simulate
from burdenshare.errors import BurdenshareError
from burdenshare.data import using
from burdenshare.scenario.vintage import vintage_view

DRAWS = 3000  # three blocks, the last one cut


def _round10() -> Any:
    return build_scenario(10, dt.date(2018, 3, 7))[0]


def _with_sd(sc: Any, factor: float | None) -> Any:
    """``sc`` with its stated index sds times ``factor`` (None: no sd field at all)."""
    sds = sc.cost_model.index_growth_sd_pct
    new = {} if factor is None else {k: {y: factor * v for y, v in d.items()} for k, d in sds.items()}
    return sc.model_copy(update={"cost_model": sc.cost_model.model_copy(update={"index_growth_sd_pct": new})})


@pytest.fixture(scope="module")
def r10() -> Any:
    return _round10()


@pytest.fixture(scope="module")
def runs(r10: Any) -> dict[str, Any]:
    cfg = RunConfig(draws=DRAWS, seed=3, bank_size=2)
    return {k: simulate(_with_sd(r10, f), cfg) for k, f in (("none", None), ("zero", 0.0), ("sd", 1.0), ("2sd", 2.0))}


def test_the_builder_states_the_spread(r10: Any) -> None:
    sds = r10.cost_model.index_growth_sd_pct["cpi"]
    assert sds and set(sds) == set(r10.cost_model.index_growth_pct["cpi"])
    assert all(0.5 < v < 2.0 for v in sds.values())  # the sd of the known CPI rates, 2010-2017
    assert DrawLayout.from_scenario(r10, 1).n_index == len(sds) == 4  # years 2-5 of a 5-year term from 2019, CPI(t-2)


def test_zero_spread_reproduces_the_central_path_exactly(runs: dict[str, Any]) -> None:
    a, b = runs["none"], runs["zero"]
    assert a.plan.index_draws is None and b.plan.index_draws is None
    for k in a.outcomes:
        np.testing.assert_array_equal(a.outcomes[k], b.outcomes[k])
    assert a.summary() | {"run_id": None, "scenario_hash": None} == b.summary() | {"run_id": None, "scenario_hash": None}


def test_the_spread_moves_only_the_schedule(runs: dict[str, Any]) -> None:
    a, s = runs["zero"], runs["sd"]
    assert s.plan.index_draws is not None
    for k in a.outcomes:  # its own stream: every other column of a draw is the central run's
        if k != "amount_krw":
            np.testing.assert_array_equal(a.outcomes[k], s.outcomes[k])
    # the level equivalent bargained over is the same, and the opening amount that delivers it is fixed
    # at signing by the expected schedule's level: no draw's future index sets it
    agreed = np.flatnonzero(s.outcomes["agreed"] == 1)
    d = np.searchsorted(s.plan.durations, s.outcomes["duration_years"][agreed])
    x_central = a.outcomes["amount_krw"][agreed] * a.plan.level_factors()[d]
    x_signed = s.outcomes["amount_krw"][agreed] * s.plan.level_factors()[d]
    np.testing.assert_allclose(x_signed, x_central, rtol=1e-12)
    # the 4 % cap censors the drawn growth, so the expected schedule is flatter than the central path
    # (a term of one year has no later year) and the same level equivalent opens higher
    multi = s.plan.durations > 1
    assert np.all(s.plan.level_factors()[multi] < a.plan.level_factors()[multi])
    assert np.all(s.plan.level_factors()[~multi] == a.plan.level_factors()[~multi])


def test_the_expected_level_is_the_mean_of_the_drawn_levels(runs: dict[str, Any]) -> None:
    """The level a text is signed at is the mean, over the index paths the run draws, of the level
    each path would give (Monte Carlo through IndexDraws.factors, within 4 standard errors)."""
    s = runs["sd"]
    ix = s.plan.index_draws
    z = np.random.default_rng(7).standard_normal((400_000, ix.n))
    drawn = ix.factors(z)[0]
    mean, se = drawn.mean(axis=0), drawn.std(axis=0, ddof=1) / np.sqrt(z.shape[0])
    assert np.all(np.abs(mean - s.plan.level_factors()) <= 4.0 * se + 1e-15)
    assert np.any(se > 0.0)


def test_schedule_quantiles_widen_with_the_spread(runs: dict[str, Any]) -> None:
    def widths(r: Any) -> list[float]:
        sched = r.summary()["schedule_krw"]
        return [q["p90"] - q["p10"] for q in sched.values() if q is not None]

    w0, w1, w2 = widths(runs["zero"]), widths(runs["sd"]), widths(runs["2sd"])
    assert len(w0) == len(w1) == len(w2) >= 2
    # the years after the opening carry the drawn index; the opening year does not
    assert all(a < b < c for a, b, c in zip(w0[1:], w1[1:], w2[1:]))


def test_same_seed_is_bit_identical_across_chunk_sizes(r10: Any, runs: dict[str, Any]) -> None:
    one = simulate(r10, RunConfig(draws=DRAWS, seed=3, bank_size=2, chunk_size=BLOCK_SIZE))
    for k in one.outcomes:
        np.testing.assert_array_equal(one.outcomes[k], runs["sd"].outcomes[k])
    assert one.summary()["schedule_krw"] == runs["sd"].summary()["schedule_krw"]
    # the backends' unit of work (a chunk computed anywhere) has the same rows
    prep = prepare(r10, RunConfig(draws=DRAWS, seed=3, bank_size=2))
    ch = run_chunk(prep, 1, 2, params=False)
    for k in ch.outcomes:
        np.testing.assert_array_equal(ch.outcomes[k], runs["sd"].outcomes[k][BLOCK_SIZE:])
    lay = DrawLayout.from_scenario(r10, 2)
    whole, part = draw_range(lay, 3, 0, 3, DRAWS), draw_range(lay, 3, 2, 1, DRAWS)
    assert whole.z_index is not None and part.z_index is not None
    np.testing.assert_array_equal(whole.z_index[2 * BLOCK_SIZE:], part.z_index)
    np.testing.assert_array_equal(index_z(3, whole.index, lay.n_index), whole.z_index)


def test_factors_are_the_agreements_schedule(r10: Any) -> None:
    """Per draw, the vectorised factors equal AgreementSchedule's on the drawn path (within ulps)."""
    terms = sorted(r10.levers.allowed_durations)
    with using(vintage_view(r10)):
        ix = index_draws_of(r10, terms)
        central = scenario_index_path(r10, terms)
    assert ix is not None
    z = np.random.default_rng(0).standard_normal((5, ix.n)) * 3.0  # wide: the 4 % cap binds in some years
    level, year = ix.factors(z)
    r = float(r10.cost_model.discount_rate)
    for i in range(z.shape[0]):
        path = dict(central)
        for c, y in enumerate(ix.years):
            path[y] = central[y] + ix.sd[c] * z[i, c]
        for d, m in enumerate(terms):
            s = schedule_for(r10, 1.0, m)
            assert level[i, d] == pytest.approx(s.level_equivalent(r, path), rel=1e-13)
            np.testing.assert_allclose(year[i, d, :m], list(s.amounts_by_year(path).values()), rtol=1e-13)


def test_an_sd_without_an_assumed_year_is_refused(r10: Any) -> None:
    from burdenshare.scenario.io import dump_scenario, loads_scenario

    text = dump_scenario(r10)
    with pytest.raises(BurdenshareError) as exc:
        loads_scenario(text, ["cost_model.index_growth_sd_pct.cpi.2005=1.0"])
    assert exc.value.field == "cost_model.index_growth_sd_pct.cpi.2005"
    assert "2018, 2019, 2020, 2021" in exc.value.message
    with pytest.raises(BurdenshareError) as exc:
        loads_scenario(text, ["cost_model.index_growth_sd_pct.cpi.2019=-1.0"])
    assert (exc.value.field or "").startswith("cost_model.index_growth_sd_pct")
