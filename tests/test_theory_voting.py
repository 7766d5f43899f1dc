"""Spatial and probabilistic voting, exact consent probability: THEORY.md §11-§12 oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from burdenshare.errors import SpecError
from burdenshare.theory import (
    common_shock_nodes,
    consent_probability,
    consent_probability_batch,
    consent_probability_latent,
    lindbeck_weibull_policy,
    logit_yes_probability,
    poisson_binomial_pmf,
    poisson_binomial_tail,
    ratifies,
    weighted_median,
)


# Black (1948); THEORY.md §11.
def test_weighted_median_oracles() -> None:
    assert weighted_median([0.5, 1.0, 1.5, 3.0], [103, 17, 163, 17]) == 1.5
    # Tie edge case: cumulative weight hits exactly 1/2 at x = 0 -> lower median 0.
    assert weighted_median([0.0, 1.0, 0.4], [1.0, 0.5, 0.5]) == 0.0
    with pytest.raises(SpecError):
        weighted_median([0.0, 1.0], [0.0, 0.0])


def test_ratification_vs_status_quo() -> None:
    assert ratifies(1.48, 0.92, 1.2)  # tie passes (THEORY.md §0)
    assert not ratifies(1.49, 0.92, 1.2)
    assert ratifies(1.0, 0.92, 1.2)


# Lindbeck & Weibull (1987), Public Choice; THEORY.md §12.
def test_lindbeck_weibull() -> None:
    assert lindbeck_weibull_policy([0.9, 1.4, 2.0], [2.0, 1.0, 0.5]) == pytest.approx(1.2)
    assert weighted_median([0.9, 1.4, 2.0], [1, 1, 1]) == 1.4


def test_logit_oracle() -> None:
    # THEORY.md §12: alpha = 0, beta = 4, delta u = 0.25 -> 0.731059.
    assert float(logit_yes_probability(0.0, 4.0, 0.25)) == pytest.approx(0.731059, abs=1e-6)
    assert float(logit_yes_probability(0.0, 4.0, 0.0, gamma=1.0, opinion=1.0)) == pytest.approx(
        1 / (1 + np.exp(-1))
    )


# THEORY.md §12 Poisson-binomial oracles (full attendance, >= 151 of 300).
@pytest.mark.parametrize(
    ("seats", "p", "expected"),
    [
        ([300], [0.5], 0.476986),
        ([300], [0.52], 0.737595),
        ([129, 116, 55], [0.8, 0.15, 0.5], 0.366326),
    ],
)
def test_poisson_binomial_oracles(seats: list[int], p: list[float], expected: float) -> None:
    assert poisson_binomial_tail(p, 151, seats=seats) == pytest.approx(expected, abs=1e-6)
    assert consent_probability(seats, p) == pytest.approx(expected, abs=1e-6)


def test_post_2020_bloc_near_one() -> None:
    # THEORY.md §12: 180 @ 0.9, 103 @ 0.2, 17 @ 0.5 -> ~1.0.
    assert consent_probability([180, 103, 17], [0.9, 0.2, 0.5]) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.52, 0.7])
def test_equal_p_matches_scipy_binomial(p: float) -> None:
    pmf = poisson_binomial_pmf([p], seats=[300])
    assert pmf == pytest.approx(stats.binom.pmf(np.arange(301), 300, p), abs=1e-13)
    assert poisson_binomial_tail([p], 151, seats=[300]) == pytest.approx(
        stats.binom.sf(150, 300, p), abs=1e-12
    )


def test_poisson_binomial_brute_force() -> None:
    p = np.array([0.1, 0.35, 0.5, 0.9, 0.72, 0.05, 0.6])
    brute = np.zeros(p.size + 1)
    for bits in itertools.product([0, 1], repeat=p.size):
        b = np.array(bits)
        brute[b.sum()] += np.prod(np.where(b == 1, p, 1 - p))
    assert poisson_binomial_pmf(p) == pytest.approx(brute, abs=1e-15)


def _brute_force_consent(py: np.ndarray, pp: np.ndarray, quorum: int) -> float:
    # Enumerate all 3^n outcomes: 0 absent, 1 present-yes, 2 present-not-yes.
    c = np.array(list(itertools.product(range(3), repeat=py.size)))
    prob = np.prod(np.select([c == 0, c == 1, c == 2], [1 - pp, pp * py, pp * (1 - py)]), axis=1)
    yes, no = (c == 1).sum(axis=1), (c == 2).sum(axis=1)
    return float(prob[(yes + no >= quorum) & (yes > no)].sum())


def test_art49_attendance_brute_force() -> None:
    rng = np.random.default_rng(7)
    py = rng.uniform(size=8)
    pp = rng.uniform(0.4, 1.0, size=8)
    for quorum in (1, 3, 5, 8):
        assert consent_probability(np.ones(8), py, pp, quorum=quorum) == pytest.approx(
            _brute_force_consent(py, pp, quorum), abs=1e-14
        )


def test_art49_attendance_monte_carlo() -> None:
    # Exact DP vs 200,000 simulated votes (fixed seed), within 3 standard errors.
    seats = np.array([129, 116, 55])
    py, pp = np.array([0.8, 0.15, 0.5]), np.array([0.7, 0.6, 0.65])
    exact = consent_probability(seats, py, pp)
    rng = np.random.default_rng(20200415)
    n = 200_000
    present = rng.binomial(seats, pp, size=(n, 3))
    yes = rng.binomial(present, py)
    m, y = present.sum(axis=1), yes.sum(axis=1)
    est = np.mean((m >= 151) & (2 * y > m))
    se = np.sqrt(exact * (1 - exact) / n)
    assert abs(est - exact) < 3 * se


def test_recorded_vote_shape() -> None:
    # 9th/10th SMA consent votes had ~192-194 of 300 present: quorum met, consent needs > half of them.
    # With everyone present-yes with probability p, the rule reduces to >= 151 yes of 300.
    assert consent_probability([300], 0.6, 1.0) == pytest.approx(stats.binom.sf(150, 300, 0.6))
    # Attendance 0.5 exactly: quorum 151 of 300 fails about half the time.
    p = consent_probability([300], 1.0, 0.5)
    assert p == pytest.approx(stats.binom.sf(150, 300, 0.5), abs=1e-12)


def test_vacancies_and_quorum() -> None:
    # 295 seated of 300: the quorum stays 151 and full attendance needs 148 yes of 295.
    assert consent_probability([295], 0.5, n_members=300) == pytest.approx(
        stats.binom.sf(147, 295, 0.5)
    )
    assert consent_probability([100], 1.0, n_members=300) == 0.0
    with pytest.raises(SpecError):
        consent_probability([301], 0.5, n_members=300)


def test_symmetry() -> None:
    # Full attendance, 301 members (odd): P(consent | p) + P(consent | 1 - p) = 1.
    for p in (0.3, 0.49, 0.5):
        a = consent_probability([301], p)
        b = consent_probability([301], 1 - p)
        assert a + b == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    p=st.lists(st.floats(0.0, 0.95), min_size=3, max_size=3),
    bump=st.floats(0.0, 0.05),
    att=st.floats(0.55, 1.0),
)
def test_consent_monotone_in_p_yes(p: list[float], bump: float, att: float) -> None:
    seats = [129, 116, 55]
    base = consent_probability(seats, p, att)
    more = consent_probability(seats, np.minimum(np.array(p) + bump, 1.0), att)
    assert more >= base - 1e-12


def test_batch_and_latent() -> None:
    seats = [180, 103, 17]
    rows = np.array([[0.9, 0.2, 0.5], [0.3, 0.2, 0.5]])
    batch = consent_probability_batch(seats, rows, [0.7, 0.6, 0.65])
    singles = [consent_probability(seats, r, [0.7, 0.6, 0.65]) for r in rows]
    assert batch == pytest.approx(singles, abs=1e-15)
    lat = consent_probability_latent(seats, rows, [0.25, 0.75], [0.7, 0.6, 0.65])
    assert lat == pytest.approx(0.25 * singles[0] + 0.75 * singles[1])
    with pytest.raises(SpecError):
        consent_probability_latent(seats, rows, [0.5, 0.6])


def test_common_shock_nodes_against_monte_carlo() -> None:
    # A common logit shock with sd 0 reproduces the independent case; with sd > 0 the
    # quadrature average matches a Monte-Carlo average of the same conditional probabilities.
    seats = [129, 116, 55]
    mu = np.log(np.array([0.8, 0.15, 0.5]) / (1 - np.array([0.8, 0.15, 0.5])))
    flat = common_shock_nodes(mu, 0.0, 5)
    assert consent_probability_latent(seats, flat.p_yes, flat.weights) == pytest.approx(
        consent_probability(seats, [0.8, 0.15, 0.5]), abs=1e-12
    )
    nodes = common_shock_nodes(mu, 0.5, 40)
    quad = consent_probability_latent(seats, nodes.p_yes, nodes.weights)
    z = np.random.default_rng(3).standard_normal(2000)
    p = 1 / (1 + np.exp(-(mu[None, :] + 0.5 * z[:, None])))
    cond = consent_probability_batch(seats, p)
    assert abs(cond.mean() - quad) < 3 * cond.std() / np.sqrt(z.size)


def test_invalid_inputs() -> None:
    with pytest.raises(SpecError):
        consent_probability([300], 1.2)
    with pytest.raises(SpecError):
        consent_probability([300], np.nan)
    with pytest.raises(SpecError):
        consent_probability([], [])
    with pytest.raises(SpecError):
        consent_probability([150, 150], [0.5])
    with pytest.raises(SpecError):
        consent_probability([300], 0.5, -0.1)
