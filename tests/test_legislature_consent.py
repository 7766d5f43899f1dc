"""Exact Art. 49 consent probability: THEORY.md §12 oracles through the model, cross-checks
against theory.voting's member-level DP and brute-force enumeration, quorum bound."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.legislature import LegislatureModel, consent_from_nodes, quorum_failure_probability
from burdenshare.legislature.consent import consent_probability_enumerated, majority_steps
from burdenshare.theory.voting import (
    common_shock_nodes,
    consent_probability,
    consent_probability_latent,
)


# ----------------------------------------------------------------- THEORY.md §12 through the model
@pytest.mark.parametrize(
    ("seats", "p", "expected"),
    [
        ([300], [0.5], 0.476986),  # THEORY.md §12: 300 x 0.5
        ([300], [0.52], 0.737595),  # THEORY.md §12 / oracle 14: 300 x 0.52
        ([129, 116, 55], [0.8, 0.15, 0.5], 0.366326),  # THEORY.md §12: no-majority blocs
    ],
)
def test_theory_12_poisson_binomial_via_model(seats, p, expected):
    model = LegislatureModel.with_yes_probabilities(seats, p)
    res = model.consent([1.0])
    assert res.error_bound == 0.0
    assert round(float(res.p_consent[0]), 6) == expected


def test_theory_12_post_2020_blocs_near_one():
    # THEORY.md §12: 180 @ 0.9, 103 @ 0.2, 17 @ 0.5 -> ~1.0
    model = LegislatureModel.with_yes_probabilities([180, 103, 17], [0.9, 0.2, 0.5])
    assert model.consent_probability([1.0])[0] > 0.999999


# ----------------------------------------------------------------- cross-checks
def _random_case(rng, n_blocs, max_seats, k):
    seats = rng.integers(1, max_seats + 1, size=n_blocs)
    py = rng.uniform(0.0, 1.0, size=(n_blocs, k))
    w = rng.dirichlet(np.ones(k), size=n_blocs)
    pp = rng.uniform(0.3, 1.0, size=n_blocs)
    return seats, pp, py, w


@pytest.mark.parametrize("seed", range(6))
def test_exact_joint_equals_theory_voting_enumeration(seed):
    rng = np.random.default_rng(seed)
    seats, pp, py, w = _random_case(rng, 3, 6, 3)
    quorum = int(seats.sum()) // 2 + 1
    ref = consent_probability_enumerated(seats, pp, py, w, quorum=quorum)
    exact = consent_from_nodes(seats, pp, py, w, quorum=quorum, quorum_mode="exact")
    assert exact.method == "joint"
    assert exact.p_consent[0] == pytest.approx(ref, abs=1e-12)
    fast = consent_from_nodes(seats, pp, py, w, quorum=quorum, quorum_mode="bound")
    eps = quorum_failure_probability(seats, pp, quorum)
    assert fast.error_bound == pytest.approx(eps)
    # the fast margin result is an upper bound within eps
    assert ref - 1e-12 <= fast.p_consent[0] <= ref + eps + 1e-12


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_full_attendance_matches_member_level_dp(seed):
    rng = np.random.default_rng(seed)
    seats = rng.integers(1, 40, size=rng.integers(1, 4))
    p = rng.uniform(0, 1, size=seats.size)
    ours = consent_from_nodes(seats, 1.0, p[:, None], np.ones((seats.size, 1)), quorum=int(seats.sum()) // 2 + 1)
    assert ours.error_bound == 0.0
    assert ours.p_consent[0] == pytest.approx(consent_probability(seats, p), abs=1e-12)


def test_single_bloc_latent_matches_theory_voting_latent():
    nodes = common_shock_nodes([0.2], 0.8, n_nodes=9)
    ours = consent_from_nodes([301], 1.0, nodes.p_yes.T[None], nodes.weights[None, None, :], quorum=151)
    ref = consent_probability_latent([301], nodes.p_yes, nodes.weights)
    assert ours.p_consent[0] == pytest.approx(ref, abs=1e-12)


def _brute_force(seats, pp, py, w, quorum, majority, majority_of="present"):
    """Enumerate every member outcome (absent / yes / not-yes) and every bloc node; the majority
    is of those present or (``majority_of="all"``) of all seated members."""
    seated = int(sum(seats))
    total = 0.0
    for nodes in itertools.product(*[range(py.shape[1])] * len(seats)):
        wt = np.prod([w[b, k] for b, k in enumerate(nodes)])
        members = [(pp[b], py[b, k]) for b, k in enumerate(nodes) for _ in range(seats[b])]
        for outcome in itertools.product(range(3), repeat=len(members)):
            prob = 1.0
            yes = no = 0
            for (pi, p), o in zip(members, outcome):
                if o == 0:
                    prob *= 1 - pi
                elif o == 1:
                    prob *= pi * p
                    yes += 1
                else:
                    prob *= pi * (1 - p)
                    no += 1
            base = seated if majority_of == "all" else yes + no
            if yes + no >= quorum and yes > majority * base:
                total += wt * prob
    return total


@pytest.mark.parametrize("majority", [Fraction(1, 2), Fraction(2, 3), Fraction(3, 5)])
def test_brute_force_with_stricter_majority(majority):
    rng = np.random.default_rng(7)
    seats = np.array([3, 2, 2])
    pp = np.array([0.9, 0.6, 0.8])
    py = rng.uniform(size=(3, 2))
    w = rng.dirichlet(np.ones(2), size=3)
    expected = _brute_force(seats, pp, py, w, 4, majority)
    got = consent_from_nodes(seats, pp, py, w, quorum=4, majority=majority, quorum_mode="exact")
    assert got.p_consent[0] == pytest.approx(expected, abs=1e-12)


def test_majority_steps_and_validation():
    assert majority_steps(0.5) == (1, 1)
    assert majority_steps(Fraction(2, 3)) == (1, 2)
    with pytest.raises(SpecError):
        majority_steps(0.999)
    with pytest.raises(SpecError):
        consent_from_nodes([3], 1.0, [[[1.5]]], [[[1.0]]], quorum=2)
    with pytest.raises(SpecError):
        consent_from_nodes([3], 1.0, [[[0.5, 0.5]]], [[[0.5, 0.4]]], quorum=2)


def test_quorum_unreachable_gives_zero_and_failure_probability():
    res = consent_from_nodes([100], 1.0, [[[0.9]]], [[[1.0]]], quorum=151)
    assert res.p_consent[0] == 0.0
    assert quorum_failure_probability([100], [1.0], 151) == 1.0
    assert quorum_failure_probability([300], [1.0], 151) == 0.0


def test_low_attendance_uses_exact_path_and_quorum_binds():
    # 300 members present with probability 0.5: the quorum fails about half the time.
    res = consent_from_nodes([300], 0.5, [[[0.9]]], [[[1.0]]], quorum=151)
    assert res.method == "joint" and res.error_bound == 0.0
    assert res.p_consent[0] == pytest.approx(1 - quorum_failure_probability([300], [0.5], 151), abs=1e-9)
