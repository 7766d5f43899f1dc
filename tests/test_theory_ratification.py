"""Ratification floors (§6), TIOLI with vetoes (§7), setter (§8), win-sets (§1), §2 oracles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from burdenshare.errors import SpecError
from burdenshare.theory import (
    agreement_possible,
    bloc_pivot,
    floor_equilibrium,
    payment_from_share,
    setter_offer,
    setter_uncertain_legislature,
    spatial_win_set,
    tioli_offer,
    tioli_uncertain_veto,
    tioli_uncertain_veto_uniform,
)


# THEORY.md §6 table (after Iida 1993, JCR 37(3); Tarar 2001, JCR), delta_A = delta_B = 0.9.
@pytest.mark.parametrize(
    ("ra", "rb", "a", "b"),
    [
        (0.0, 0.0, 0.526316, 0.473684),
        (0.4, 0.0, 0.526316, 0.473684),
        (0.6, 0.0, 0.64, 0.6),
        (0.6, 0.38, 0.62, 0.6),
    ],
)
def test_floor_table(ra: float, rb: float, a: float, b: float) -> None:
    eq = floor_equilibrium(ra, rb, 0.9)
    assert eq.agreement
    assert eq.a == pytest.approx(a, abs=1e-6)
    assert eq.b == pytest.approx(b, abs=1e-6)


def test_floor_no_agreement() -> None:
    eq = floor_equilibrium(0.6, 0.45, 0.9)
    assert not eq.agreement and eq.a is None and eq.b is None


def test_floor_sma_tied_hands() -> None:
    # THEORY.md §6 SMA illustration: r_K = (H - M)/(H - L) = 0.7 -> US share 0.3 -> x = 1.3 = M.
    eq = floor_equilibrium(0.0, 0.7, 0.9)
    assert eq.binding == (False, True)
    assert payment_from_share(eq.a, 1.0, 2.0) == pytest.approx(1.3)


@given(
    ra=st.floats(0, 1), rb=st.floats(0, 1),
    da=st.floats(0.05, 0.99), db=st.floats(0.05, 0.99),
)
def test_floor_fixed_point(ra: float, rb: float, da: float, db: float) -> None:
    eq = floor_equilibrium(ra, rb, da, db)
    if ra + rb > 1 + 1e-12:
        assert not eq.agreement
        return
    assert eq.b == pytest.approx(max(ra, da * eq.a), abs=1e-12)
    assert eq.a == pytest.approx(1 - max(rb, db * (1 - eq.b)), abs=1e-12)


@given(rb=st.floats(0, 0.95), shrink=st.floats(0, 0.05))
def test_schelling_floor_weakly_helps(rb: float, shrink: float) -> None:
    # THEORY.md §2, oracle 1: a tighter B floor (smaller B win-set) weakly raises B's share.
    lo = floor_equilibrium(0.0, rb, 0.9)
    hi = floor_equilibrium(0.0, rb + shrink, 0.9)
    assert 1 - hi.a >= 1 - lo.a - 1e-12


# Mo (1995), APSR; THEORY.md §7.
def test_tioli_complete_information() -> None:
    assert tioli_offer(2.0, 1.3) == 1.3
    assert tioli_offer(2.0) == 2.0
    with pytest.raises(SpecError):
        tioli_offer()


def test_tioli_uncertain_uniform_oracle() -> None:
    o = tioli_uncertain_veto_uniform(1.0, 1.1, 1.9)
    assert (o.offer, o.ratification_probability, o.expected_gain) == pytest.approx(
        (1.45, 0.5625, 0.253125)
    )


def test_uncertainty_raises_failure_probability() -> None:
    # THEORY.md §2, oracle 3 / §7: with M known the US offers exactly M and never fails;
    # with M ~ U[1.1, 1.9] (same mean 1.5) the offer fails with probability 0.4375.
    assert tioli_offer(2.0, 1.5) == 1.5
    assert 1 - tioli_uncertain_veto_uniform(1.0, 1.1, 1.9).ratification_probability == pytest.approx(0.4375)
    # A wider spread around the same mean raises the failure probability further.
    assert tioli_uncertain_veto_uniform(1.0, 1.0, 2.0).ratification_probability < 0.5625


def test_tioli_uncertain_clipping() -> None:
    # (b + L)/2 below a -> offer a, never fails; L above b -> offer b, P = 0.
    low = tioli_uncertain_veto_uniform(0.0, 1.1, 1.9)
    assert low.offer == pytest.approx(1.1) and low.ratification_probability == 1.0
    assert tioli_uncertain_veto_uniform(2.5, 1.1, 1.9).ratification_probability == 0.0
    with pytest.raises(SpecError):
        tioli_uncertain_veto_uniform(1.0, 1.9, 1.1)


def test_tioli_numeric_matches_uniform_and_exponential() -> None:
    o = tioli_uncertain_veto(1.0, stats.uniform(1.1, 0.8))
    assert o.offer == pytest.approx(1.45, abs=1e-7)
    assert o.ratification_probability == pytest.approx(0.5625, abs=1e-7)
    # M = 1 + Exp(scale 0.5): maximize (x - 1) exp(-(x - 1)/0.5) -> x* = 1.5, P = e^-1.
    e = tioli_uncertain_veto(1.0, stats.expon(loc=1.0, scale=0.5))
    assert e.offer == pytest.approx(1.5, abs=1e-6)
    assert e.ratification_probability == pytest.approx(0.36787944, abs=1e-6)
    with pytest.raises(SpecError):
        tioli_uncertain_veto(1.0, "uniform")


# Romer & Rosenthal (1978); Milner & Rosendorff (1997), JCR 41(1); THEORY.md §8.
def test_setter_oracles() -> None:
    assert setter_offer(10.0, 0.0, [2.0, 1.0]) == 2.0
    assert setter_offer(10.0, 0.0, [2.0]) == 4.0
    assert setter_offer(5.0, 0.92, [1.2, 1.0]) == pytest.approx(1.08)
    assert setter_offer(5.0, 0.92, [1.2]) == pytest.approx(1.48)
    # Proposer inside the acceptance set gets its ideal.
    assert setter_offer(1.0, 0.92, [1.2, 1.0]) == 1.0


def test_setter_uncertain_legislature_oracle() -> None:
    o = setter_uncertain_legislature(5.0, 0.92, 1.2, stats.uniform(0.9, 0.4))
    assert o.offer == pytest.approx(1.30, abs=1e-7)
    assert o.acceptance_probability == pytest.approx(0.475, abs=1e-7)
    assert o.executive_expected_loss == pytest.approx(0.1945, abs=1e-7)
    # Compare (THEORY.md §8): known l = 1.1 -> loss 0.08; no legislature -> 0.28.
    known = setter_offer(5.0, 0.92, [1.2, 1.1])
    assert abs(known - 1.2) == pytest.approx(0.08)
    assert abs(setter_offer(5.0, 0.92, [1.2]) - 1.2) == pytest.approx(0.28)


def test_setter_uncertain_below_status_quo() -> None:
    # Mirror image: f = -5, q = -0.92, e = -1.2, l ~ U[-1.3, -0.9] -> x* = -1.30.
    o = setter_uncertain_legislature(-5.0, -0.92, -1.2, stats.uniform(-1.3, 0.4))
    assert o.offer == pytest.approx(-1.30, abs=1e-7)
    assert o.acceptance_probability == pytest.approx(0.475, abs=1e-7)


# Putnam (1988), IO 42(3); THEORY.md §1.
def test_win_sets() -> None:
    w = spatial_win_set(0.92, 1.2)
    assert (w.low, w.high) == pytest.approx((0.92, 1.48))
    assert 1.48 in w and 1.5 not in w
    assert spatial_win_set(2.0, 1.5).low == 1.0
    assert bloc_pivot([1.35, 1.20, 1.10], [180, 17, 103]) == 1.35
    # Without the 180 bloc's majority: 17 + 103 + 31 -> the 1.10 bloc is pivotal.
    assert bloc_pivot([1.35, 1.20, 1.10], [31, 17, 252]) == 1.10
    assert agreement_possible(1.0, 2.0, 1.35)
    assert not agreement_possible(1.0, 0.9, 1.35)
    with pytest.raises(SpecError):
        bloc_pivot([1.0], [100], quota=151)
