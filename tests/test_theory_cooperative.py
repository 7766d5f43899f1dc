"""Nash (1950), Kalai-Smorodinsky (1975), Baron-Ferejohn (1989): THEORY.md §9-§10 oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.theory import (
    baron_ferejohn,
    baron_ferejohn_three,
    kalai_smorodinsky,
    nash_bargaining,
    nash_bargaining_tu,
    nash_payment,
    rubinstein_continuous_share,
)


def test_nbs_tu_oracle() -> None:
    # THEORY.md §9: alpha1 = 2/3, d = (0.1, 0.2) -> u1 = 0.566667.
    u = nash_bargaining_tu([2 / 3, 1 / 3], [0.1, 0.2])
    assert u[0] == pytest.approx(0.566667, abs=1e-6)
    assert u.sum() == pytest.approx(1.0)


def test_nonlinear_frontier_distinguishes_nbs_and_ks() -> None:
    frontier = lambda u: math.sqrt(1 - u)  # noqa: E731
    nbs = nash_bargaining(frontier, (0.0, 1.0))
    assert nbs.u1 == pytest.approx(2 / 3, abs=1e-7)
    assert nbs.u2 == pytest.approx(0.577350, abs=1e-6)
    ks = kalai_smorodinsky(frontier, (0.0, 1.0))
    assert ks.u1 == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-12)
    assert ks.u2 == pytest.approx(0.618034, abs=1e-6)


def test_linear_frontier_nbs_equals_ks_and_tu() -> None:
    # SMA (THEORY.md §9): u_US = x - L, u_K = M - x -> (L + M)/2 = 1.15; without M -> 1.5.
    assert nash_payment(1.0, 1.3) == pytest.approx(1.15)
    assert nash_payment(1.0, 2.0) == pytest.approx(1.5)
    frontier = lambda u: 0.3 - u  # noqa: E731
    assert nash_bargaining(frontier, (0.0, 0.3)).u1 == pytest.approx(0.15, abs=1e-8)
    assert kalai_smorodinsky(frontier, (0.0, 0.3)).u1 == pytest.approx(0.15, abs=1e-12)


def test_nbs_with_disagreement_point() -> None:
    frontier = lambda u: 1 - u  # noqa: E731
    p = nash_bargaining(frontier, (0.0, 1.0), disagreement=(0.1, 0.2), weights=(2, 1))
    assert p.u1 == pytest.approx(0.566667, abs=1e-6)
    with pytest.raises(SpecError):
        nash_bargaining(frontier, (0.0, 1.0), disagreement=(0.8, 0.8))


@given(r1=st.floats(0.01, 1.0), r2=st.floats(0.01, 1.0))
def test_nash_program_rubinstein_limit(r1: float, r2: float) -> None:
    # BRW (1986): Rubinstein with delta_i = exp(-r_i D), D -> 0, is the NBS with alpha1 = r2/(r1 + r2).
    nbs = nash_bargaining_tu([r2, r1], [0.0, 0.0])
    assert rubinstein_continuous_share(r1, r2, 1e-7) == pytest.approx(nbs[0], abs=1e-6)


# Baron & Ferejohn (1989), APSR 83(4); THEORY.md §10.
def test_baron_ferejohn_oracles() -> None:
    s = baron_ferejohn(5, 0.9)
    assert (s.proposer, s.partner, s.n_partners) == pytest.approx((0.64, 0.18, 2))
    big = baron_ferejohn(300, 0.9, quota=151)
    assert (big.proposer, big.partner) == pytest.approx((0.55, 0.003))
    # Odd n simple majority: 1 - delta (n - 1)/(2n).
    assert baron_ferejohn(7, 0.8).proposer == pytest.approx(1 - 0.8 * 6 / 14)
    # Budget balance: proposer + partners = 1 - (unbought) and ex-ante value 1/n.
    assert s.proposer + s.n_partners * s.partner <= 1.0
    with pytest.raises(SpecError):
        baron_ferejohn(5, 0.9, quota=6)


def test_baron_ferejohn_three_voters() -> None:
    assert baron_ferejohn_three([0.6, 0.25, 0.15]) == pytest.approx([3 / 7, 2 / 7, 2 / 7])
    assert baron_ferejohn_three([0.45, 0.35, 0.2]) == pytest.approx([1 / 3] * 3)
    assert baron_ferejohn_three([0.1, 0.2, 0.7]) == pytest.approx([0.3 / 1.3] * 2 + [0.7 / 1.3])
    with pytest.raises(SpecError):
        baron_ferejohn_three([0.5, 0.5, 0.0])


@given(p=st.floats(0.5, 0.98))
def test_baron_ferejohn_three_sums_to_one(p: float) -> None:
    rest = (1 - p) / 2
    vals = baron_ferejohn_three([p, rest, rest])
    assert vals.sum() == pytest.approx(1.0)
    assert np.all(vals > 0)
