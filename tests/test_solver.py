"""Exact finite-horizon solver vs the closed forms (THEORY.md §3-§7).

The solver never calls :mod:`burdenshare.theory`; the oracles here are the worked numbers of
THEORY.md (and a few derived by hand), and the closed-form functions in the property tests.

Grid tolerances.  On a grid of step h each backward-induction step rounds the responder's
share up by less than h, so a T-round result differs from the continuous game by at most
``h * min(T, (1 + delta)/(1 - delta0 delta1))``.  Where every intermediate value lies on the
grid (e.g. Ståhl with delta = 0.9 on a 1e-5 grid) the result is exact up to float error.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.solver import BargainingGame, sma_game, solve, unit_pie_game
from burdenshare.theory import (
    consent_probability_batch,
    floor_equilibrium,
    rubinstein_shares,
    stahl_shares,
)

FINE = 100_001  # step 1e-5
MID = 10_001  # step 1e-4


def grid_tol(n_points: int, d0: float, d1: float | None = None, span: float = 1.0) -> float:
    """Bound on the grid error of a long-horizon result (see module docstring)."""
    d1 = d0 if d1 is None else d1
    h = span / (n_points - 1)
    return h * (1 + max(d0, d1)) / (1 - d0 * d1) + 1e-12


# Ståhl (1972); THEORY.md §4: delta = 0.9, T = 1..6 -> 1, 0.1, 0.91, 0.181, 0.8371, 0.24661.
@pytest.mark.parametrize(
    ("periods", "expected"),
    [(1, 1.0), (2, 0.1), (3, 0.91), (4, 0.181), (5, 0.8371), (6, 0.24661)],
)
def test_stahl_common_delta(periods: int, expected: float) -> None:
    res = solve(unit_pie_game(FINE, periods, 0.9))
    # All intermediate shares are multiples of 1e-5, hence on the grid: exact up to float error.
    assert res.first_offer == pytest.approx(expected, abs=1e-9)
    assert res.agreement_round == 0 and res.agreement_probability == 1.0
    assert res.value == pytest.approx((expected, 1 - expected), abs=1e-9)


def test_stahl_t7_by_hand() -> None:
    # T = 7: 1 - 0.9 * 0.24661 = 0.778051 (= (1 + 0.9**7)/1.9), not on the 1e-5 grid: tol h.
    res = solve(unit_pie_game(FINE, 7, 0.9))
    assert res.first_offer == pytest.approx(0.778051, abs=1e-5)


@pytest.mark.parametrize(("periods", "expected"), [(5, 0.8624), (6, 0.44768)])
def test_stahl_asymmetric(periods: int, expected: float) -> None:
    # THEORY.md §4: (delta1, delta2) = (0.9, 0.8).
    res = solve(unit_pie_game(FINE, periods, 0.9, 0.8))
    assert res.first_offer == pytest.approx(expected, abs=1e-9)


def test_path_and_values_t3() -> None:
    # Hand backward induction, delta = 0.9, T = 3: offers (0.91, 0.9, 1); values in round units.
    res = solve(unit_pie_game(101, 3, 0.9))
    assert res.proposers.tolist() == [0, 1, 0]
    assert res.offers == pytest.approx([0.91, 0.9, 1.0])
    np.testing.assert_allclose(res.values, [[0.91, 0.09], [0.9, 0.1], [1.0, 0.0], [0.0, 0.0]], atol=1e-12)
    assert res.continuation[0] == pytest.approx([0.81, 0.09])
    assert res.accepted.all() and not res.opted_out.any()


def test_rubinstein_long_horizon() -> None:
    # THEORY.md §4: (0.9, 0.8), T = 2000 -> 0.714286, the Rubinstein value.
    res = solve(unit_pie_game(MID, 2000, 0.9, 0.8))
    assert res.first_offer == pytest.approx(0.714286, abs=grid_tol(MID, 0.9, 0.8))
    # On a grid of step 1/14000 the stationary shares 5/7 and 5/14 are grid points: exact.
    exact = solve(unit_pie_game(14_001, 2000, 0.9, 0.8))
    assert exact.first_offer == pytest.approx(5 / 7, abs=1e-9)
    assert exact.offers[1] == pytest.approx(9 / 14, abs=1e-9)  # B proposes: A keeps 0.9 * 5/7


def test_second_mover_first() -> None:
    res = solve(unit_pie_game(FINE, 6, 0.9, 0.8, first_proposer=1))
    # Player 1 proposes first with delta 0.8 against 0.9: its share is stahl(6, 0.8, 0.9).
    s = 1.0
    for k in range(2, 7):
        s = 1 - (0.9 if (6 - k) % 2 == 0 else 0.8) * s
    assert 1 - res.first_offer == pytest.approx(s, abs=1e-5)


def test_sma_mapping() -> None:
    # THEORY.md §3: L = 1, H = 2, delta = 0.9 -> 1.526316.
    res = solve(sma_game(1.0, 2.0, MID, 400, 0.9))
    assert res.first_offer == pytest.approx(1.526316, abs=grid_tol(MID, 0.9))
    # THEORY.md §6: with the Assembly ceiling M = 1.3 the US offers exactly M.
    tied = solve(sma_game(1.0, 2.0, MID, 400, 0.9, host_ceiling=1.3))
    assert tied.first_offer == pytest.approx(1.3, abs=1e-9)
    assert tied.agreement_probability == 1.0


def test_schelling_ceiling_weakly_helps_host() -> None:
    # THEORY.md §2, oracle 1: a smaller (still overlapping) host win-set weakly lowers x.
    offers = [solve(sma_game(1.0, 2.0, 2001, 200, 0.9, host_ceiling=m)).first_offer
              for m in (2.0, 1.6, 1.5, 1.3, 1.1)]
    assert all(a >= b - 1e-12 for a, b in zip(offers, offers[1:], strict=False))
    # No overlap (THEORY.md §2, oracle 2): ceiling below L -> no agreement.
    none = solve(sma_game(1.0, 2.0, 2001, 50, 0.9, host_ratification=np.zeros(2001)))
    assert none.first_offer is None and none.agreement_probability == 0.0


@pytest.mark.parametrize(("w", "expected"), [(0.6, 0.4), (0.3, 0.526316)])
def test_outside_option(w: float, expected: float) -> None:
    # Binmore, Shaked & Sutton (1989); THEORY.md §5, delta = 0.9.
    res = solve(unit_pie_game(MID, 1000, 0.9, outside_option=(None, w)))
    assert res.first_offer == pytest.approx(expected, abs=grid_tol(MID, 0.9))
    assert res.agreement_round == 0


def test_outside_option_above_pie() -> None:
    res = solve(unit_pie_game(101, 10, 0.9, outside_option=(None, 1.5)))
    assert res.agreement_probability == 0.0
    assert res.opted_out[0] and res.value == pytest.approx((0.0, 1.5))


# THEORY.md §6 table (checked there against 1000-period backward induction).
@pytest.mark.parametrize(
    ("ra", "rb", "a", "b"),
    [
        (0.0, 0.0, 0.526316, 0.473684),
        (0.4, 0.0, 0.526316, 0.473684),
        (0.6, 0.0, 0.64, 0.6),
        (0.6, 0.38, 0.62, 0.6),
    ],
)
def test_ratification_floors(ra: float, rb: float, a: float, b: float) -> None:
    x = np.linspace(0, 1, MID)
    floors = ((x >= ra - 1e-12).astype(float), (1 - x >= rb - 1e-12).astype(float))
    res = solve(unit_pie_game(MID, 1000, 0.9, ratification=floors))
    tol = grid_tol(MID, 0.9)
    assert res.offers[0] == pytest.approx(a, abs=tol)  # A proposes
    assert res.offers[1] == pytest.approx(b, abs=tol)  # B proposes


def test_ratification_floors_no_agreement() -> None:
    x = np.linspace(0, 1, MID)
    floors = ((x >= 0.6).astype(float), (1 - x >= 0.45).astype(float))
    res = solve(unit_pie_game(MID, 1000, 0.9, ratification=floors))
    assert res.first_offer is None and res.agreement_round is None
    assert np.isnan(res.offers).all() and res.agreement_probability == 0.0


def test_tioli_uncertain_veto() -> None:
    # Mo (1995); THEORY.md §7: L = 1, M ~ U[1.1, 1.9], one round -> x* = 1.45, P = 0.5625.
    n = 100_001
    x = np.linspace(1.0, 2.0, n)
    p_ratify = np.clip((1.9 - x) / 0.8, 0.0, 1.0)
    res = solve(sma_game(1.0, 2.0, n, 1, 0.9, host_ratification=p_ratify))
    h = 1e-5
    assert res.first_offer == pytest.approx(1.45, abs=h)
    assert res.agreement_probability == pytest.approx(0.5625, abs=h / 0.8)
    assert res.value[0] == pytest.approx(0.253125, abs=1e-9)


def test_veto_wastes_a_period() -> None:
    # Two rounds, host ratifies with probability 1/2 anywhere; a veto passes the turn to the host.
    n = 1001
    res = solve(sma_game(1.0, 2.0, n, 2, 0.9, host_ratification=np.full(n, 0.5)))
    # Round 1: host proposes x = 1 (US gets 0 after a veto); the host's value is 0.5 * 1 = 0.5.
    assert res.offers[1] == pytest.approx(1.0)
    assert res.values[1] == pytest.approx([0.0, 0.5])
    # Round 0: host accepts x iff 0.5 (2 - x) + 0.5 * 0.45 >= 0.45 -> x <= 1.55.
    assert res.first_offer == pytest.approx(1.55, abs=1e-3)
    assert res.round_agreement_probability == pytest.approx([0.5, 0.25])
    assert res.agreement_probability == pytest.approx(0.75)


def test_breakdown_converges_to_nbs_with_breakdown_point() -> None:
    # BRW (1986): delta = 1, breakdown p, payoffs b; stationary A share
    # a = (1 - b2 + (1 - p) b1)/(2 - p) (derived by hand), -> NBS b1 + (1 - b1 - b2)/2 as p -> 0.
    for p in (0.1, 0.02):
        res = solve(unit_pie_game(MID, 3000, 1.0, breakdown_probability=p, breakdown_payoff=(0.2, 0.1)))
        expected = (1 - 0.1 + (1 - p) * 0.2) / (2 - p)
        assert res.first_offer == pytest.approx(expected, abs=1e-4 * (2 - p) / p + 1e-12)
    # Breakdown with zero payoffs is discounting with delta = 1 - p.
    brk = solve(unit_pie_game(MID, 1000, 1.0, breakdown_probability=0.1))
    disc = solve(unit_pie_game(MID, 1000, 0.9))
    assert brk.first_offer == pytest.approx(disc.first_offer, abs=1e-12)


def test_fixed_costs() -> None:
    # Rubinstein (1982) fixed costs, delta = 1; both horizon parities.
    for horizon in (100, 101):
        low = solve(unit_pie_game(1001, horizon, 1.0, round_cost=(0.1, 0.2)))
        assert low.first_offer == pytest.approx(1.0)  # c1 < c2: player 1 gets 1
        high = solve(unit_pie_game(1001, horizon, 1.0, round_cost=(0.2, 0.1)))
        assert high.first_offer == pytest.approx(0.1)  # c1 > c2: player 1 gets c2
    # c1 = c2 = 0.1: the finite game picks one of the infinite game's many equilibria,
    # depending on who moves last: share 1 or c, both in [c, 1].
    even = solve(unit_pie_game(1001, 100, 1.0, round_cost=(0.1, 0.1))).first_offer
    odd = solve(unit_pie_game(1001, 101, 1.0, round_cost=(0.1, 0.1))).first_offer
    assert sorted([even, odd]) == pytest.approx([0.1, 1.0])


def test_deadline_disagreement_payoffs() -> None:
    # The deadline payoff d arrives one period after the last round (V(T) = d, discounted):
    # one round, the responder accepts x iff 1 - x >= 0.9 d_1 -> proposer offers 1 - 0.27.
    res = solve(unit_pie_game(101, 1, 0.9, disagreement=(0.2, 0.3)))
    assert res.first_offer == pytest.approx(0.73)
    # Proposer prefers no deal when 0.9 d_0 = 0.81 beats the best acceptable 0.73.
    res = solve(unit_pie_game(101, 1, 0.9, disagreement=(0.9, 0.3)))
    assert res.first_offer is None and res.value == pytest.approx((0.81, 0.27))


def test_time_varying_ratification_and_costs() -> None:
    # Constant (T, G) ratification and (T,) costs reproduce the scalar / (G,) game.
    n, periods = 2001, 40
    x = np.linspace(1.0, 2.0, n)
    ceiling = (x <= 1.3 + 1e-12).astype(float)
    base = solve(sma_game(1.0, 2.0, n, periods, 0.9, host_ratification=ceiling, round_cost=(0.01, 0.02)))
    tiled = solve(sma_game(1.0, 2.0, n, periods, 0.9, host_ratification=np.tile(ceiling, (periods, 1)),
                           round_cost=(np.full(periods, 0.01), np.full(periods, 0.02))))
    np.testing.assert_array_equal(base.offers, tiled.offers)
    np.testing.assert_allclose(base.values, tiled.values, atol=1e-15)
    # No Assembly sitting in round 0 (nothing can be ratified): agreement waits for round 1,
    # where the host, proposing last, takes the whole surplus (x = L).
    closed = np.ones((2, n))
    closed[0] = 0.0
    res = solve(sma_game(1.0, 2.0, n, 2, 0.9, host_ratification=closed))
    assert res.first_offer is None and res.agreement_round == 1
    assert res.offers[1] == pytest.approx(1.0) and res.value == pytest.approx((0.0, 0.9))


def test_consent_curve_feeds_the_solver() -> None:
    # Host ratification from the exact consent probability: blocs 180/103/17 whose yes
    # probability falls in x around their maximum payments (illustrative).  One round (TIOLI):
    # the US offer maximizes (x - L) P(consent | x) over the grid.
    n = 401
    x = np.linspace(1.0, 2.0, n)
    maxima = np.array([1.35, 1.10, 1.20])
    p_yes = 1 / (1 + np.exp(-25 * (maxima[None, :] - x[:, None])))
    consent = consent_probability_batch([180, 103, 17], p_yes)
    assert np.all(np.diff(consent) <= 1e-12)  # dearer deals are less likely to pass
    res = solve(sma_game(1.0, 2.0, n, 1, 0.9, host_ratification=consent))
    best = int(np.argmax((x - 1.0) * consent))
    assert res.offer_index[0] == best
    assert res.agreement_probability == pytest.approx(consent[best])
    # With many rounds the agreement probability is at least the one-round probability.
    long = solve(sma_game(1.0, 2.0, n, 30, 0.9, host_ratification=consent))
    assert long.agreement_probability >= res.agreement_probability - 1e-12
    assert long.round_agreement_probability.sum() == pytest.approx(long.agreement_probability)


def test_performance() -> None:
    game = unit_pie_game(10_001, 2000, 0.95, 0.9)
    start = time.perf_counter()
    solve(game)
    assert time.perf_counter() - start < 1.0


@settings(max_examples=15, deadline=None)
@given(d0=st.floats(0.3, 0.95), d1=st.floats(0.3, 0.95), periods=st.integers(1, 8))
def test_solver_matches_stahl(d0: float, d1: float, periods: int) -> None:
    n = 20_001
    res = solve(unit_pie_game(n, periods, d0, d1))
    assert res.first_offer == pytest.approx(
        stahl_shares(periods, d0, d1).proposer, abs=periods / (n - 1) + 1e-12
    )


@settings(max_examples=15, deadline=None)
@given(d0=st.floats(0.3, 0.95), d1=st.floats(0.3, 0.95))
def test_solver_matches_rubinstein(d0: float, d1: float) -> None:
    n = 5001
    res = solve(unit_pie_game(n, 600, d0, d1))
    assert res.first_offer == pytest.approx(rubinstein_shares(d0, d1).proposer, abs=grid_tol(n, d0, d1))


@settings(max_examples=15, deadline=None)
@given(ra=st.floats(0, 0.9), rb=st.floats(0, 0.9), d=st.floats(0.5, 0.95))
def test_solver_matches_floor_closed_form(ra: float, rb: float, d: float) -> None:
    n = 5001
    x = np.linspace(0, 1, n)
    floors = ((x >= ra).astype(float), (1 - x >= rb).astype(float))
    res = solve(unit_pie_game(n, 600, d, ratification=floors))
    eq = floor_equilibrium(ra, rb, d)
    h = 1 / (n - 1)
    if ra + rb > 1:
        assert res.agreement_probability == 0.0
    elif ra + rb <= 1 - 4 * h:  # away from the grid-sensitive boundary
        assert res.offers[0] == pytest.approx(eq.a, abs=grid_tol(n, d) + h)
        assert res.offers[1] == pytest.approx(eq.b, abs=grid_tol(n, d) + h)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"discount": (0.0, 0.9)}, "discount[0]"),
        ({"discount": (0.9, 1.1)}, "discount[1]"),
        ({"horizon": 0}, "horizon"),
        ({"grid": []}, "grid"),
        ({"grid": [0.0, np.nan]}, "grid"),
        ({"utilities": ([0.0], [1.0])}, "utilities[0]"),
        ({"ratification": (None, [0.5, 1.5])}, "ratification[1]"),
        ({"breakdown_probability": -0.1}, "breakdown_probability"),
        ({"round_cost": (-1.0, 0.0)}, "round_cost[0]"),
        ({"round_cost": (0.0, [0.1, 0.1, 0.1])}, "round_cost[1]"),
        ({"ratification": (np.ones((3, 2)), None)}, "ratification[0]"),
        ({"first_proposer": 2}, "first_proposer"),
    ],
)
def test_invalid_games(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "grid": [0.0, 1.0], "utilities": ([0.0, 1.0], [1.0, 0.0]), "horizon": 2, "discount": (0.9, 0.9),
    }
    base.update(kwargs)
    with pytest.raises(SpecError) as err:
        BargainingGame(**base)  # type: ignore[arg-type]
    assert err.value.field == field


def test_result_is_frozen() -> None:
    res = solve(unit_pie_game(11, 2, 0.9))
    with pytest.raises(AttributeError):
        res.first_offer = 0.5  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.values[0, 0] = 1.0
