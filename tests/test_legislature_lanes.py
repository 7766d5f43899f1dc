"""The exact consent kernel eight amounts at a time (issue 12, the transparency lever's speed):
:func:`burdenshare.legislature._lane_kernels.margin_tail_lanes_table` gives bit for bit what the
one-amount-at-a-time kernel :func:`burdenshare.legislature._kernels.margin_tail_fast` gives on
every (attendance level, duration) row, on bank members of the bundled scenario and on random
houses that reach every branch (amounts not a multiple of eight, odd node counts, zero weights,
constant nodes, tiny probabilities, starts below 1e-280 with their exponents and rescaling, full
attendance, other majorities); and it equals a brute-force enumeration of every joint latent
node (the member-level DP of :mod:`burdenshare.theory.voting`) to 1e-12 on small houses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from burdenshare.engine import consent as ec
from burdenshare.engine.plan import build_plan
from burdenshare.legislature import legislature_model
from burdenshare.legislature._kernels import margin_tail_fast
from burdenshare.legislature._lane_kernels import _ldexp_cells, margin_tail_lanes_table
from burdenshare.legislature.consent import consent_probability_enumerated
from burdenshare.legislature.table import _margin_steps, nodes_table
from burdenshare.scenario import load_scenario
from burdenshare.scenario.schema import Scenario


def _reference(seats, pp, p, w, u, v, thr):
    return np.stack([np.stack([margin_tail_fast(seats, pp[i], p[d], w[d], u, v, thr) for d in range(p.shape[0])])
                     for i in range(pp.shape[0])])


def test_bank_members_of_the_web_scenario_bit_for_bit():
    sc = load_scenario("sma-2020-hindsight")
    plan = build_plan(sc)
    _, amounts = ec._table_amounts(sc, plan)
    paths, _, data = ec.bank_members(sc, 5, 3)
    assert paths  # Level-II parameters vary across members
    durations = plan.durations.tolist()
    n_special = 0
    for member in data:
        m = Scenario.model_validate(member)
        for day in plan.round_dates[::3]:
            model = legislature_model(m, day)
            seats = np.asarray(model.seats, dtype=np.int64)
            levels, _ = model.attendance_levels()
            p, w = nodes_table(model, amounts, durations)
            u, v, thr = _margin_steps(model, seats)
            pp = np.ascontiguousarray(levels)
            got = margin_tail_lanes_table(seats, pp, p, w, u, v, thr)
            want = _reference(seats, pp, p, w, u, v, thr)
            assert got.tobytes() == want.tobytes()
            # some nodes start below 1e-280 (the exponent path): pi * p at the largest bloc
            n_special += int(np.sum((pp.min() * p[..., 2:].min(axis=1)) ** seats.max() < 1e-280))
    assert n_special > 0
    assert 0.0 < got.min() < 0.5 < got.max() < 1.0


def _random_house(rng, n_b, n_k, n_a, n_d=2, n_l=2, big=60):
    seats = rng.integers(0, big, size=n_b).astype(np.int64)
    seats[0] = big
    pp = rng.uniform(0.3, 1.0, size=(n_l, n_b))
    p = rng.uniform(0.0, 1.0, size=(n_d, n_a, n_b, n_k)) ** rng.uniform(0.2, 6.0)
    w = rng.dirichlet(np.ones(n_k), size=(n_d, n_a, n_b))
    return seats, pp, p, w


@pytest.mark.parametrize("seed", range(6))
def test_random_houses_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    for n_a in (1, 7, 8, 9, 17):
        for n_k in (1, 3, 9):
            seats, pp, p, w = _random_house(rng, int(rng.integers(1, 5)), n_k, n_a)
            if n_k > 1:
                w[..., 0] = 0.0  # a node without weight
                w[0, :, :, 1] = np.where(rng.random((n_a, seats.size)) < 0.5, 0.0, w[0, :, :, 1])  # some amounts only
                p[:, :, :, 1] = p[:, :1, :, 1]  # constant over the amounts (a whip node)
            thr = int(rng.integers(-3, 4))
            got = margin_tail_lanes_table(seats, pp, p, w, 1, 1, thr)
            assert got.tobytes() == _reference(seats, pp, p, w, 1, 1, thr).tobytes()


def test_exponents_rescaling_tiny_probabilities_and_full_attendance_bit_for_bit():
    rng = np.random.default_rng(7)
    seats = np.array([400, 35, 0, 3], dtype=np.int64)
    n_a, n_k = 11, 5
    pp = np.array([[0.65, 0.65, 0.65, 0.65], [1.0, 1.0, 1.0, 1.0], [0.999, 0.2, 0.5, 1e-19]])
    p = rng.uniform(0.0, 1.0, size=(2, n_a, 4, n_k))
    p[0, :, 0, :] = np.geomspace(1e-4, 0.02, n_a * n_k).reshape(n_a, n_k)  # (pi p)^400 far below 1e-280
    p[1, :, 0, :] = 1.0 - np.geomspace(1e-4, 0.02, n_a * n_k).reshape(n_a, n_k)
    p[0, 3, :, 2] = 1e-20  # below _TINY: bloc_margin_pmf
    p[1, 4, :, 3] = 1.0
    w = rng.dirichlet(np.ones(n_k), size=(2, n_a, 4))
    got = margin_tail_lanes_table(seats, pp, p, w, 1, 1, 0)
    want = _reference(seats, pp, p, w, 1, 1, 0)
    assert got.tobytes() == want.tobytes()
    assert np.all(np.isfinite(got)) and got.max() > 0.5


@pytest.mark.parametrize("uv", [(1, 2), (2, 1), (1, 0)])
def test_other_majorities_are_margin_tail_fast(uv):
    rng = np.random.default_rng(3)
    seats, pp, p, w = _random_house(rng, 3, 4, 10, big=30)
    u, v = uv
    thr = 20 if v == 0 else 0
    got = margin_tail_lanes_table(seats, pp, p, w, u, v, thr)
    assert got.tobytes() == _reference(seats, pp, p, w, u, v, thr).tobytes()


@pytest.mark.parametrize("seed", range(4))
def test_equals_brute_force_enumeration(seed):
    # every joint latent node enumerated, each by the member-level DP: P(margin > 0), quorum 1
    # (a positive margin has someone present)
    rng = np.random.default_rng(100 + seed)
    seats = np.array([9, 5, 3], dtype=np.int64)
    n_k, n_a = 3, 10
    pi = rng.uniform(0.4, 0.95)
    pp = np.full((1, seats.size), pi)
    p = rng.uniform(0.05, 0.95, size=(1, n_a, seats.size, n_k))
    w = rng.dirichlet(np.ones(n_k), size=(1, n_a, seats.size))
    got = margin_tail_lanes_table(seats, pp, p, w, 1, 1, 0)[0, 0]
    want = np.array([consent_probability_enumerated(seats, pi, p[0, a], w[0, a], quorum=1) for a in range(n_a)])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert np.ptp(want) > 0.05


def test_ldexp_by_a_power_of_two_is_ldexp():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.random(500), rng.random(500) * 2.0 ** 500, rng.random(500) * 2.0 ** -400])
    for e in (-1, -300, -700, -1000, -1022, -1023, -1100, 3):
        col = x.copy().reshape(-1, 1)
        _ldexp_cells(col, 0, x.size, 0, e)
        want = np.array([math.ldexp(float(v), e) for v in x])
        assert col[:, 0].tobytes() == want.tobytes()
