"""The one alternating-offers loop (:mod:`burdenshare.bargaining.rounds`): both sides are one code
path indexed by role, so a bare Level-I game played with the roles swapped is its mirror image."""

from __future__ import annotations

import dataclasses

import numpy as np

from burdenshare.bargaining.rounds import HOST, US, ceil_index, floor_index, snap_index
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.parity import level_one_plan

_N = 100


def _play(us_first: bool, e_us, e_rok, floor_us, cap_rok, n_steps: int, terms=None):
    """Bare Level-I games on the amount grid 0..100 (US opens at 100, the host at 0); ``terms``:
    per-draw term columns (then the allowed terms are 1..5 years)."""
    n = len(e_us)
    cols = {
        "r_us": np.asarray(floor_us, dtype=np.float64), "r_rok": np.asarray(cap_rok, dtype=np.float64),
        "open_us": np.full(n, float(_N)), "open_rok": np.zeros(n),
        "e_us": np.asarray(e_us, dtype=np.float64), "e_rok": np.asarray(e_rok, dtype=np.float64),
        "delta_us": np.ones(n), "delta_rok": np.ones(n), "aud_us": np.zeros(n), "aud_rok": np.zeros(n),
        "r_pres": np.zeros(n), "r_pres_after": np.full(n, np.nan),
        "obst_us": np.zeros(n, dtype=np.int64), "obst_rok": np.zeros(n, dtype=np.int64),
        "change": np.zeros(n, dtype=np.int64), "bank": np.zeros(n, dtype=np.int64),
    }
    plan = level_one_plan(n_steps, us_first)
    if terms is not None:
        cols.update(terms)
        plan = dataclasses.replace(plan, durations=np.arange(1, 6, dtype=np.int64))
    nd = plan.durations.size
    tr: dict = {}
    oi, _ = run_kernel(plan, np.ones((1, n_steps, nd, _N + 1)),
                       np.full((1, n_steps, nd), _N, dtype=np.int64), cols, np.zeros((n, n_steps)), 0,
                       base_log_median=np.zeros((1, n_steps)), trace=tr)
    return oi, tr


def test_swapping_the_roles_mirrors_the_game() -> None:
    """Negotiator A on the US seat against B on the host seat, and B on the US seat against A on the
    host seat with the other first mover, are the same game seen in a mirror (amount x <-> 100 - x):
    same agreement round, mirrored amount, and the offers of each negotiator mirrored in the same
    order.  Integer floors/caps keep both sides' normalised reservation values the same floats."""
    rng = np.random.default_rng(9)
    n = 400
    e_a = rng.choice([0.25, 1.0, 4.0, 0.6, 2.5], n)
    e_b = rng.choice([0.25, 1.0, 4.0, 0.6, 2.5], n)
    f_a = rng.integers(0, 70, n).astype(float)  # A's limit, in its own direction
    f_b = rng.integers(0, 70, n).astype(float)
    for n_steps, us_first in ((20, True), (100, False)):
        oi, tr = _play(us_first, e_a, e_b, f_a, _N - f_b, n_steps)
        mi, mtr = _play(not us_first, e_b, e_a, f_b, _N - f_a, n_steps)
        assert oi[:, 0].sum() > n // 2  # most games agree
        np.testing.assert_array_equal(mi[:, 0], oi[:, 0])  # agreed
        np.testing.assert_array_equal(mi[:, 1], oi[:, 1])  # round
        agreed = oi[:, 0] == 1
        np.testing.assert_array_equal(mi[agreed, 2], _N - oi[agreed, 2])  # the mirrored amount
        k, mk = tr["round_party"], mtr["round_party"]
        np.testing.assert_array_equal(mk >= 0, k >= 0)
        on = k >= 0
        np.testing.assert_array_equal((mk[on] >> 1), (k[on] >> 1))  # same rounds
        np.testing.assert_array_equal((mk[on] & 1), 1 - (k[on] & 1))  # the other seat
        np.testing.assert_array_equal(mtr["index"][on], _N - tr["index"][on])


def test_swapping_the_roles_mirrors_the_game_with_term_costs() -> None:
    """The same mirror with term preferences (bargaining.term_value): each negotiator keeps its
    own ideal term, weight, opening and target term on either seat, and accepts a text on another
    term only if its amount makes up the term's extra cost (in grid steps, towards its own side).
    The mirrored games sign the same term in the same round at the mirrored amount; and the term
    costs change the outcome of some of these games (the premium is not idle)."""
    rng = np.random.default_rng(11)
    n = 400
    e_a = rng.choice([0.25, 1.0, 4.0, 0.6, 2.5], n)
    e_b = rng.choice([0.25, 1.0, 4.0, 0.6, 2.5], n)
    f_a = rng.integers(0, 70, n).astype(float)
    f_b = rng.integers(0, 70, n).astype(float)
    ideal_a = rng.integers(1, 6, n).astype(float)
    ideal_b = rng.integers(1, 6, n).astype(float)
    w_a = rng.choice([0.0, 0.5, 2.0, 6.0], n)
    w_b = rng.choice([0.0, 0.5, 2.0, 6.0], n)
    start_a, start_b = ideal_a.astype(np.int64) - 1, ideal_b.astype(np.int64) - 1  # indices into 1..5
    target = np.rint((w_a * ideal_a + w_b * ideal_b) / np.maximum(w_a + w_b, 1e-12)).astype(np.int64) - 1
    target = np.where(w_a + w_b > 0, target, start_a)
    target_b = np.where(w_a + w_b > 0, target, start_b)

    def terms(us, rok):  # us / rok: (ideal, weight, start, target) of the seat's negotiator
        return {"term_ideal_us": us[0], "term_weight_us": us[1], "term_start_us": us[2], "term_target_us": us[3],
                "term_ideal_rok": rok[0], "term_weight_rok": rok[1], "term_start_rok": rok[2],
                "term_target_rok": rok[3]}

    a = (ideal_a, w_a, start_a, target)
    b = (ideal_b, w_b, start_b, target_b)
    for n_steps, us_first in ((20, True), (100, False)):
        oi, tr = _play(us_first, e_a, e_b, f_a, _N - f_b, n_steps, terms(a, b))
        mi, mtr = _play(not us_first, e_b, e_a, f_b, _N - f_a, n_steps, terms(b, a))
        agreed = oi[:, 0] == 1
        assert agreed.sum() > n // 2
        np.testing.assert_array_equal(mi[:, 0], oi[:, 0])  # agreed
        np.testing.assert_array_equal(mi[:, 1], oi[:, 1])  # round
        np.testing.assert_array_equal(mi[agreed, 2], _N - oi[agreed, 2])  # the mirrored amount
        np.testing.assert_array_equal(mi[:, 3], oi[:, 3])  # the same signed term (years)
        k, mk = tr["round_party"], mtr["round_party"]
        np.testing.assert_array_equal(mk >= 0, k >= 0)
        on = k >= 0
        np.testing.assert_array_equal((mk[on] & 1), 1 - (k[on] & 1))
        np.testing.assert_array_equal(mtr["index"][on], _N - tr["index"][on])
        free = {kk: (np.zeros(n) if "weight" in kk else v) for kk, v in terms(a, b).items()}
        fi, _ = _play(us_first, e_a, e_b, f_a, _N - f_b, n_steps, free)
        assert (fi[:, :3] != oi[:, :3]).any(axis=1).sum() > 0  # the term costs moved some outcomes


def test_snapping_towards_each_side() -> None:
    """The US (sign +1) rounds an amount up to the grid, the host (sign -1) down; on a grid point
    (within the slack) both keep it; outside the grid both clip."""
    assert (US, HOST) == (0, 1)
    amin, step, n = 1.0, 0.5, 5  # 1.0, 1.5, ..., 3.0
    for x, up, down in ((1.2, 1, 0), (1.5, 1, 1), (1.5 + 1e-12, 1, 1), (0.0, 0, 0), (9.0, 4, 4), (2.99, 4, 3)):
        assert snap_index(x, 1, amin, step, n) == ceil_index(x, amin, step, n) == up
        assert snap_index(x, -1, amin, step, n) == floor_index(x, amin, step, n) == down
