"""The one alternating-offers loop (:mod:`burdenshare.bargaining.rounds`): both sides are one code
path indexed by role, so a bare Level-I game played with the roles swapped is its mirror image."""

from __future__ import annotations

import numpy as np

from burdenshare.bargaining.rounds import HOST, US, ceil_index, floor_index, snap_index
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.parity import level_one_plan

_N = 100


def _play(us_first: bool, e_us, e_rok, floor_us, cap_rok, n_steps: int):
    """Bare Level-I games on the amount grid 0..100 (US opens at 100, the host at 0)."""
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
    tr: dict = {}
    oi, _ = run_kernel(level_one_plan(n_steps, us_first), np.ones((1, n_steps, 1, _N + 1)),
                       np.full((1, n_steps, 1), _N, dtype=np.int64), cols, np.zeros((n, n_steps)), 0,
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


def test_snapping_towards_each_side() -> None:
    """The US (sign +1) rounds an amount up to the grid, the host (sign -1) down; on a grid point
    (within the slack) both keep it; outside the grid both clip."""
    assert (US, HOST) == (0, 1)
    amin, step, n = 1.0, 0.5, 5  # 1.0, 1.5, ..., 3.0
    for x, up, down in ((1.2, 1, 0), (1.5, 1, 1), (1.5 + 1e-12, 1, 1), (0.0, 0, 0), (9.0, 4, 4), (2.99, 4, 3)):
        assert snap_index(x, 1, amin, step, n) == ceil_index(x, amin, step, n) == up
        assert snap_index(x, -1, amin, step, n) == floor_index(x, amin, step, n) == down
