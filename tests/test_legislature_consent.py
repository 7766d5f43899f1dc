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


# ------------------------------------------------------------ O(n) trinomial bloc margins

def _random_house(rng: np.random.Generator, trial: int):
    b, k, a = int(rng.integers(1, 5)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
    seats = rng.integers(0, 70, b).astype(np.int64)
    if seats.sum() == 0:
        seats[0] = 3
    pp = rng.uniform(0, 1, b)
    if trial % 5 == 0:
        pp[:] = 1.0  # full attendance: the trinomial loses its middle term
    if trial % 7 == 0:
        pp[0] = 0.0  # nobody present in one bloc
    py = rng.uniform(0, 1, (a, b, k))
    if trial % 3 == 0:
        py = py ** 20  # yes probabilities near 0: c_0^n far below the double range
    if trial % 4 == 0:
        py[..., 0] = rng.choice([0.0, 1.0, 1e-20, 1 - 1e-12])
    if trial % 6 == 0:
        py[:, :, 0] = py[0, :, 0]  # a node constant over the amounts (hoisted)
    w = rng.uniform(0, 1, (a, b, k))
    w /= w.sum(axis=2, keepdims=True)
    return seats, pp, py, w


def test_trinomial_margins_equal_pascal_recursion_to_1e12():
    """The O(n) kernel against the O(n^2) Pascal recursion it replaces, on 400 random houses and
    four majority rules (present 1/2, 2/3, 3/5 and a majority of all members)."""
    from burdenshare.legislature._kernels import margin_tail_batch, margin_tail_fast
    from burdenshare.legislature.consent import _presence_pmfs

    rng = np.random.default_rng(20261206)
    worst = 0.0
    for trial in range(400):
        seats, pp, py, w = _random_house(rng, trial)
        for u, v, thr in ((1, 1, 0), (1, 2, 0), (2, 3, 0), (1, 0, int(seats.sum()) // 2)):
            old = margin_tail_batch(seats, _presence_pmfs(seats, pp), py, w, u, v, thr)
            new = margin_tail_fast(seats, pp, py, w, u, v, thr)
            worst = max(worst, float(np.abs(old - new).max()))
    assert worst < 1e-12


def test_trinomial_margins_equal_calibrated_model_to_1e12():
    """Today's scenario legislature at every table amount: the new kernel equals the old one."""
    from burdenshare.legislature._kernels import margin_tail_batch, margin_tail_fast
    from burdenshare.legislature.consent import _presence_pmfs
    from burdenshare.legislature.from_scenario import legislature_model
    from burdenshare.engine.plan import build_plan
    from burdenshare.scenario import load_scenario

    sc = load_scenario("sma-2020-hindsight")
    dates = build_plan(sc).round_dates
    for day in (dates[0], dates[len(dates) // 2], dates[-1]):
        model = legislature_model(sc, day)
        amounts = np.linspace(0.8e12, 1.8e12, 41)
        for m in (1, 5):
            p, w = model.nodes(amounts, m)
            s = np.asarray(model.seats, dtype=np.int64)
            pp = np.asarray(model.p_present)
            old = margin_tail_batch(s, _presence_pmfs(s, pp), p, w, 1, 1, 0)
            new = margin_tail_fast(s, pp, p, w, 1, 1, 0)
            assert np.abs(old - new).max() < 1e-12
            assert np.array_equal(model.consent_probability(amounts, m), np.clip(new, 0, 1))


@pytest.mark.parametrize("n,q_no,q_abs,q_yes,u,v", [
    (7, 0.2, 0.5, 0.3, 1, 1), (6, 0.0, 0.4, 0.6, 1, 1), (5, 0.3, 0.0, 0.7, 1, 1),
    (4, 0.25, 0.25, 0.5, 1, 2), (5, 0.1, 0.6, 0.3, 1, 0), (3, 0.0, 1.0, 0.0, 1, 1),
    (6, 1e-30, 0.5, 0.5, 2, 3),
])
def test_bloc_margin_pmf_equals_enumeration(n, q_no, q_abs, q_yes, u, v):
    """Brute force over the 3^n member outcomes of a tiny bloc."""
    from burdenshare.legislature._kernels import bloc_margin_pmf

    width = (u + v) * n + 1
    out, work = np.zeros(width), np.zeros(width)
    bloc_margin_pmf(n, q_no, q_abs, q_yes, u, v, out, work)
    ref = np.zeros(width)
    outcomes = ((-v, q_no), (0, q_abs), (u, q_yes))  # -v and 0 coincide when v = 0
    for combo in itertools.product(outcomes, repeat=n):
        ref[sum(m for m, _ in combo) + v * n] += float(np.prod([q for _, q in combo]))
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-15)
