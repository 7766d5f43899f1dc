"""Rubinstein (1982), Ståhl (1972) and BSS (1989) closed forms: THEORY.md §3-§5 oracles."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.theory import (
    outside_option_share,
    payment_from_share,
    rubinstein_continuous_share,
    rubinstein_fixed_costs,
    rubinstein_limit_share,
    rubinstein_payment,
    rubinstein_shares,
    stahl_shares,
)

deltas = st.floats(min_value=0.01, max_value=0.99)


# Rubinstein (1982), Econometrica 50(1); THEORY.md §3 table.
@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [(0.9, 0.9, 10 / 19), (0.9, 0.8, 0.714286), (0.8, 0.9, 0.357143)],
)
def test_rubinstein_table(d1: float, d2: float, expected: float) -> None:
    s = rubinstein_shares(d1, d2)
    assert s.proposer == pytest.approx(expected, abs=1e-6)
    assert s.proposer + s.responder == pytest.approx(1.0)


def test_rubinstein_further_cases_by_hand() -> None:
    # Derived: common delta 0.5 -> 1/(1 + 0.5) = 2/3; (0.5, 0.75) -> 0.25/0.625 = 0.4.
    assert rubinstein_shares(0.5, 0.5).proposer == pytest.approx(2 / 3)
    assert rubinstein_shares(0.5, 0.75).proposer == pytest.approx(0.4)


# THEORY.md §3: r = (0.1, 0.2), Delta = 1, 0.1, 0.001 -> 0.699390, 0.669994, 0.666700 -> 2/3.
@pytest.mark.parametrize(("dt", "expected"), [(1.0, 0.699390), (0.1, 0.669994), (0.001, 0.666700)])
def test_continuous_time(dt: float, expected: float) -> None:
    assert rubinstein_continuous_share(0.1, 0.2, dt) == pytest.approx(expected, abs=1e-6)


def test_continuous_limit_is_asymmetric_nbs_weight() -> None:
    assert rubinstein_limit_share(0.1, 0.2) == pytest.approx(2 / 3)
    assert rubinstein_continuous_share(0.1, 0.2, 1e-9) == pytest.approx(2 / 3, abs=1e-8)


# Rubinstein (1982) fixed-cost model; THEORY.md §3.
def test_fixed_costs() -> None:
    assert rubinstein_fixed_costs(0.1, 0.2).proposer_share == 1.0
    out = rubinstein_fixed_costs(0.3, 0.1)
    assert out.unique and out.proposer_share == pytest.approx(0.1)
    eq = rubinstein_fixed_costs(0.2, 0.2)
    assert not eq.unique and eq.proposer_share is None and eq.share_range == (0.2, 1.0)
    with pytest.raises(SpecError):
        rubinstein_fixed_costs(0.0, 0.1)


def test_sma_mapping() -> None:
    # THEORY.md §3: L = 1, H = 2, delta = 0.9 -> 1.526316.
    assert rubinstein_payment(1.0, 2.0, 0.9) == pytest.approx(1.526316, abs=1e-6)
    assert payment_from_share(0.0, 1.0, 2.0) == 1.0
    with pytest.raises(SpecError):
        payment_from_share(0.5, 2.0, 1.0)


# Ståhl (1972); THEORY.md §4.
def test_stahl_common_delta() -> None:
    got = [stahl_shares(t, 0.9).proposer for t in range(1, 7)]
    assert got == pytest.approx([1, 0.1, 0.91, 0.181, 0.8371, 0.24661], abs=1e-9)
    # T = 7 by hand: 1 - 0.9 * 0.24661 = 0.778051 = (1 + 0.9**7) / 1.9.
    assert stahl_shares(7, 0.9).proposer == pytest.approx(0.778051, abs=1e-9)


def test_stahl_asymmetric() -> None:
    assert stahl_shares(5, 0.9, 0.8).proposer == pytest.approx(0.8624, abs=1e-12)
    assert stahl_shares(6, 0.9, 0.8).proposer == pytest.approx(0.44768, abs=1e-12)
    assert stahl_shares(2000, 0.9, 0.8).proposer == pytest.approx(0.714286, abs=1e-6)


@given(d=deltas, t=st.integers(min_value=1, max_value=60))
def test_stahl_closed_form_common_delta(d: float, t: int) -> None:
    assert stahl_shares(t, d).proposer == pytest.approx((1 - (-d) ** t) / (1 + d), abs=1e-12)


@given(d1=deltas, d2=deltas)
def test_stahl_converges_to_rubinstein(d1: float, d2: float) -> None:
    # |s_T - x*| shrinks like (d1 d2)^(T/2); T = 4000 suffices for d <= 0.99.
    assert stahl_shares(4000, d1, d2).proposer == pytest.approx(
        rubinstein_shares(d1, d2).proposer, abs=1e-9
    )


@given(d1=deltas, d2=deltas)
def test_rubinstein_monotone(d1: float, d2: float) -> None:
    # More patience helps: x1* increases in d1 and decreases in d2.
    s = rubinstein_shares(d1, d2).proposer
    assert rubinstein_shares(min(d1 + 0.005, 0.999), d2).proposer >= s - 1e-15
    assert rubinstein_shares(d1, min(d2 + 0.005, 0.999)).proposer <= s + 1e-15


# Binmore, Shaked & Sutton (1989), QJE; THEORY.md §5.
def test_outside_option_oracles() -> None:
    irrelevant = outside_option_share(0.3, 0.9)
    assert not irrelevant.binds and irrelevant.proposer_share == pytest.approx(0.526316, abs=1e-6)
    binds = outside_option_share(0.6, 0.9)
    assert binds.binds and binds.proposer_share == pytest.approx(0.4)
    # Threshold delta/(1 + delta) = 0.473684: just below does not bind.
    assert not outside_option_share(0.9 / 1.9 - 1e-9, 0.9).binds
    assert not outside_option_share(1.2, 0.9).agreement


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, math.nan, math.inf, "x"])
def test_invalid_discount(bad: object) -> None:
    with pytest.raises(SpecError) as err:
        rubinstein_shares(bad, 0.9)  # type: ignore[arg-type]
    assert err.value.field == "delta1"


def test_invalid_periods() -> None:
    with pytest.raises(SpecError):
        stahl_shares(0, 0.9)
