"""BdM expected-utility (§13) and KTAB (§14) sub-formulas: THEORY.md oracles (not the EU data example)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.theory import (
    bdm_expected_utility,
    bdm_risk_exponent,
    bdm_utilities,
    bdm_votes,
    bdm_win_probability,
    ktab_distance,
    ktab_risk_attitude,
    ktab_utility,
    ktab_victory_probability,
    ktab_vote,
    pce_conditional,
    pce_markov_uniform,
    perceived_risk,
)

X = [0.0, 1.0, 0.4]
W = [1.0, 0.5, 0.5]  # c * s
PAIRWISE = np.array([[0.5, 0.6875, 0.5], [0.3125, 0.5, 0.25], [0.5, 0.75, 0.5]])


# Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4); THEORY.md §13.
def test_bdm_win_probabilities() -> None:
    assert bdm_win_probability(X, W, 0, 1) == pytest.approx(0.6875)
    assert bdm_win_probability(X, W, 0, 2) == pytest.approx(0.5)
    # Pitfall 1: latest dmasad version skips the challenger's own vote.
    assert bdm_win_probability(X, W, 0, 1, exclude_challenger=True) == pytest.approx(1 / 6)
    assert bdm_win_probability(X, W, 0, 2, exclude_challenger=True) == pytest.approx(0.0)


def test_bdm_utilities_and_eu() -> None:
    u = bdm_utilities(0.0, 1.0, 0.4)
    assert (u.success, u.failure, u.better, u.worse, u.status_quo) == pytest.approx((2, -2, 1.4, -1.4, 0))
    u2 = bdm_utilities(0.0, 1.0, 0.4, risk=2.0)
    assert (u2.success, u2.failure, u2.better, u2.worse, u2.status_quo) == pytest.approx(
        (2, -2, 1.91, -0.89, 1)
    )
    assert bdm_expected_utility(0.6875, 0.5, u) == pytest.approx(1.375)
    # With Q < 1 the status-quo term uses the sign of the formula (not dmasad's).
    eu = bdm_expected_utility(0.6875, 0.5, u, q=0.5, t=1.0)
    assert eu == pytest.approx(1.375 - 0.5 * 1.4)


def test_bdm_risk_exponent() -> None:
    assert bdm_risk_exponent([0.0, 1.0, 2.0]) == pytest.approx([2.0, 1.0, 0.5])
    assert bdm_risk_exponent([3.0, 3.0]) == pytest.approx([1.0, 1.0])


# KTAB (KAPSARC, lsyaseen fork 3b5b0635); THEORY.md §14.
@pytest.mark.parametrize(
    ("ci", "cj", "expected"),
    [(2, 1, [2 / 3, 4 / 5, 16 / 17, 256 / 257]), (11, 10, [0.523810, 0.547511, 0.594172, 0.681892])],
)
def test_ktab_victory_probability(ci: float, cj: float, expected: list[float]) -> None:
    got = [ktab_victory_probability(ci, cj, nu) for nu in (1, 2, 4, 8)]
    assert got == pytest.approx(expected, abs=1e-6)


def test_ktab_linear_prop_reproduces_bdm() -> None:
    # THEORY.md §14: Linear + Prop with linear utility gives the BdM P_i(j) -> the pairwise matrix.
    x = np.array(X)
    p = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            votes = ktab_vote(W, -np.abs(x - x[i]) + np.abs(x - x[j]), "prop")
            ci, cj = np.maximum(votes, 0).sum(), np.maximum(-votes, 0).sum()
            p[i, j] = ktab_victory_probability(ci, cj, 1)
            assert votes == pytest.approx(bdm_votes(X, W, x[i], x[j]))
    assert p == pytest.approx(PAIRWISE)


def test_pce() -> None:
    assert pce_conditional(PAIRWISE) == pytest.approx([22 / 51, 5 / 51, 8 / 17])
    assert pce_markov_uniform(PAIRWISE) == pytest.approx(np.array([57, 23, 61]) / 141)
    # KTAB's damped iteration p <- (p + q)/2 reaches the same fixed point.
    p = np.full(3, 1 / 3)
    for _ in range(200):
        q = (PAIRWISE @ p + p * PAIRWISE.sum(axis=1)) / 3
        p = (p + q) / 2
    assert p == pytest.approx(np.array([57, 23, 61]) / 141)
    with pytest.raises(SpecError):
        pce_conditional([[0.5, 0.9], [0.9, 0.5]])


def test_ktab_utility_risk() -> None:
    assert [float(ktab_utility(0.5, r)) for r in (0.5, 0.0, -0.5)] == pytest.approx([0.625, 0.5, 0.375])
    assert ktab_risk_attitude([0.5, 0.3, 0.2], "mid") == pytest.approx([1.0, 0.0, -0.5])
    assert ktab_risk_attitude([0.5, 0.3, 0.2], "min") == pytest.approx([1.0, 1 / 3, 0.0])
    assert ktab_risk_attitude([0.5, 0.3, 0.2], "max") == pytest.approx([1.0, -1 / 3, -1.0])
    assert perceived_risk(-0.5, 1.0, 0.0) == -0.5 and perceived_risk(-0.5, 1.0, 1.0) == 1.0
    assert ktab_distance([1.0, 3.0], [1.0, 0.0]) == pytest.approx(np.sqrt(1 / 10))
    with pytest.raises(SpecError):
        ktab_vote(1.0, 0.5, "asym")  # type: ignore[arg-type]


@given(c1=st.floats(0.0, 100.0), c2=st.floats(0.0, 100.0), nu=st.sampled_from([1, 2, 4, 8]))
def test_victory_probability_complementary(c1: float, c2: float, nu: int) -> None:
    assert ktab_victory_probability(c1, c2, nu) + ktab_victory_probability(c2, c1, nu) == pytest.approx(1.0)
