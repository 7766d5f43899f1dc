"""Opinion (§15) and multiyear (§16) closed forms: THEORY.md oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from burdenshare.errors import SpecError
from burdenshare.theory import (
    audience_cost_bound,
    bayesian_update,
    degroot_consensus,
    escalator_path,
    friedkin_johnsen,
    grouped_quantile,
    lapse_probability,
    negotiation_count,
    pv_factor,
    rally_approval,
    rally_half_life,
    reverberation,
)

W = [[0.7, 0.3], [0.4, 0.6]]


# Fearon (1994), APSR; Tomz (2007), IO; THEORY.md §15.
def test_audience_cost() -> None:
    assert audience_cost_bound(1.5, 1.1, 0.5) == 1.1
    assert audience_cost_bound(1.5, 1.1, 0.2) == pytest.approx(1.3)
    assert audience_cost_bound(1.5, 1.1, 0.4) == 1.1  # a = x_bar - c exactly: credible
    with pytest.raises(SpecError):
        audience_cost_bound(1.5, 1.1, -0.1)


# Mueller (1970), APSR; THEORY.md §15 (parametric).
def test_rally() -> None:
    lam = 0.1
    t = np.array([-1.0, 0.0, rally_half_life(lam), 100.0])
    a = rally_approval(t, 0.4, 0.2, lam)
    assert a == pytest.approx([0.4, 0.6, 0.5, 0.4 + 0.2 * math.exp(-10)])
    assert rally_half_life(lam) == pytest.approx(math.log(2) / lam)


def test_reverberation() -> None:
    assert reverberation([1.4, 1.5], -0.1, 2.0) == pytest.approx([1.2, 1.3])


def test_bayesian_transparency() -> None:
    p = bayesian_update(1.0, 0.5, 1.6, 0.25)
    assert (p.mean, p.sd) == pytest.approx((1.48, 0.223607), abs=1e-6)
    # A very noisy signal leaves the prior unchanged.
    assert bayesian_update(1.0, 0.5, 9.0, 1e6).mean == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(SpecError):
        bayesian_update(1.0, 0.0, 1.6, 0.25)


# DeGroot (1974), JASA; Friedkin & Johnsen (1990); THEORY.md §15.
def test_degroot() -> None:
    c = degroot_consensus(W, [1.0, 2.0])
    assert c.weights == pytest.approx([4 / 7, 3 / 7])
    assert c.value == pytest.approx(10 / 7)
    x = np.array([1.0, 2.0])
    for _ in range(200):
        x = np.array(W) @ x
    assert x == pytest.approx([10 / 7, 10 / 7])


def test_friedkin_johnsen() -> None:
    assert friedkin_johnsen(W, 0.5, [1.0, 2.0]) == pytest.approx([20 / 17, 30 / 17])
    # Iterating the update converges to the same fixed point.
    x0 = np.array([1.0, 2.0])
    x = x0.copy()
    for _ in range(200):
        x = 0.5 * np.array(W) @ x + 0.5 * x0
    assert x == pytest.approx([20 / 17, 30 / 17])
    with pytest.raises(SpecError):
        friedkin_johnsen([[0.5, 0.6], [0.4, 0.6]], 0.5, [1.0, 2.0])


def test_poll_wtp_medians() -> None:
    # THEORY.md §12 (Chicago Council, Dec 2019; illustrative piecewise-linear construction):
    # 25% refuse (<= $0.92B), 63% negotiate (half assumed below $1.7B), 4% accept $5B, 8% DK.
    lo, hi = [0.92, 0.92, 1.7, 5.0], [0.92, 1.7, 5.0, 5.0]
    assert grouped_quantile(lo, hi, [25, 31.5, 31.5, 4]) == pytest.approx(1.44, abs=0.005)
    assert grouped_quantile(lo, hi, [25, 31.5, 31.5, 4], total=100) == pytest.approx(1.54, abs=0.005)
    # The commentary's 26/68/4 split -> ~$1.45B.
    assert grouped_quantile(lo, hi, [26, 34, 34, 4]) == pytest.approx(1.45, abs=0.005)
    assert grouped_quantile([0.0], [1.0], [1.0], q=0.25) == pytest.approx(0.25)
    with pytest.raises(SpecError):
        grouped_quantile(lo, hi, [25, 31.5, 31.5, 4], total=300)


# THEORY.md §16 table (H = 6, p = 0.3, beta = 0.95); Fearon (1998), IO 52(2).
@pytest.mark.parametrize(("m", "lapse", "pv"), [(1, 0.882351, 5.298162), (3, 0.51, 1.857375), (6, 0.3, 1.0)])
def test_multiyear_table(m: int, lapse: float, pv: float) -> None:
    assert lapse_probability(0.3, 6, m) == pytest.approx(lapse, abs=1e-6)
    assert pv_factor(0.95, 6, m) == pytest.approx(pv, abs=1e-6)


def test_multiyear_ceiling_and_escalator() -> None:
    assert negotiation_count(6, 4) == 2
    assert lapse_probability(0.3, 6, 4) == pytest.approx(0.51)
    assert escalator_path(1.0, [0.1, -0.05]) == pytest.approx([1.0, 1.1, 1.045])
    assert escalator_path(2.0, []) == pytest.approx([2.0])
    with pytest.raises(SpecError):
        escalator_path(1.0, [-1.0])
    with pytest.raises(SpecError):
        lapse_probability(1.5, 6, 1)
