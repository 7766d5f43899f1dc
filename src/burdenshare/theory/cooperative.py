r"""Cooperative bargaining solutions: Nash (1950) and Kalai-Smorodinsky (1975).

**Nash bargaining solution (NBS).**
:math:`\arg\max_{u \in U, u \ge d} \prod_i (u_i - d_i)^{\alpha_i}`.  With transferable
utility over a pie of size S: :math:`u_i = d_i + \alpha_i (S - \sum_j d_j)`.

**Kalai-Smorodinsky (KS).** The Pareto point at which
:math:`(u_i - d_i)/(\bar u_i - d_i)` is equal across players, :math:`\bar u_i` being i's
ideal (maximum individually rational) payoff.

Two-player frontiers are given as a decreasing function ``u2 = frontier(u1)`` on an
interval of u1; both solutions are then found numerically.

References
----------
Nash, J. (1950). The Bargaining Problem. *Econometrica* 18(2), 155-162.
Kalai, E. & Smorodinsky, M. (1975). Other Solutions to Nash's Bargaining Problem.
*Econometrica* 43(3), 513-518.
Binmore, Rubinstein & Wolinsky (1986). The Nash Bargaining Solution in Economic
Modelling. *RAND J. Econ.* 17(2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "BargainingPoint",
    "kalai_smorodinsky",
    "nash_bargaining",
    "nash_bargaining_tu",
    "nash_payment",
]

Frontier = Callable[[float], float]


@dataclass(frozen=True, slots=True)
class BargainingPoint:
    """A two-player utility pair on the Pareto frontier.

    Attributes
    ----------
    u1, u2
        Utilities of players 1 and 2.
    """

    u1: float
    u2: float


def nash_bargaining_tu(
    weights: ArrayLike, disagreement: ArrayLike, surplus: float = 1.0
) -> NDArray[np.float64]:
    r"""Asymmetric NBS with transferable utility: :math:`u_i = d_i + \alpha_i (S - \sum d)`.

    Parameters
    ----------
    weights
        Bargaining weights :math:`\alpha_i > 0` (normalized to sum to one).
    disagreement
        Disagreement payoffs :math:`d_i`, same length as ``weights``.
    surplus
        Total to divide S, with :math:`S \ge \sum d_i`.

    Returns
    -------
    numpy.ndarray
        The NBS utilities.

    Raises
    ------
    SpecError
        On non-positive weights, mismatched lengths, or :math:`\sum d > S`.

    References
    ----------
    Nash (1950), *Econometrica* 18(2); THEORY.md §9.

    Examples
    --------
    >>> u = nash_bargaining_tu([2/3, 1/3], [0.1, 0.2])
    >>> round(float(u[0]), 6)
    0.566667
    """
    w = v.float_array(weights, "weights")
    d = v.float_array(disagreement, "disagreement")
    s = v.finite(surplus, "surplus")
    if np.any(w <= 0):
        raise SpecError("weights must be > 0", field="weights")
    if w.shape != d.shape:
        raise SpecError("weights and disagreement must have the same length", field="disagreement")
    if d.sum() > s:
        raise SpecError("disagreement payoffs exceed the surplus", field="disagreement")
    return d + w / w.sum() * (s - d.sum())


def _check_frontier(frontier: Frontier, u1_range: tuple[float, float]) -> tuple[float, float]:
    if not callable(frontier):
        raise SpecError("must be callable u2 = frontier(u1)", field="frontier")
    lo = v.finite(u1_range[0], "u1_range")
    hi = v.finite(u1_range[1], "u1_range")
    if not lo < hi:
        raise SpecError(f"need lo < hi, got {u1_range}", field="u1_range")
    return lo, hi


def _individually_rational(
    frontier: Frontier, lo: float, hi: float, d1: float, d2: float
) -> tuple[float, float]:
    """Interval of u1 on which u1 >= d1 and frontier(u1) >= d2 (frontier decreasing)."""
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    a = max(lo, d1)
    if a > hi or frontier(a) < d2:
        raise SpecError("disagreement point is not dominated by the frontier", field="disagreement")
    b = hi
    if frontier(hi) < d2:
        b = optimize.brentq(lambda u: frontier(u) - d2, a, hi, xtol=1e-15, rtol=1e-15)
    return a, b


def nash_bargaining(
    frontier: Frontier,
    u1_range: tuple[float, float],
    disagreement: tuple[float, float] = (0.0, 0.0),
    weights: tuple[float, float] = (0.5, 0.5),
) -> BargainingPoint:
    r"""Two-player (asymmetric) NBS on a decreasing frontier, numerically.

    Maximizes :math:`\alpha_1 \ln(u_1 - d_1) + \alpha_2 \ln(f(u_1) - d_2)` with bounded
    Brent over the individually rational part of ``u1_range``.

    Parameters
    ----------
    frontier
        Decreasing function :math:`u_2 = f(u_1)`.
    u1_range
        Interval ``(lo, hi)`` of u1 on which the frontier is defined.
    disagreement
        Disagreement point d.
    weights
        Bargaining weights (normalized).

    Returns
    -------
    BargainingPoint
        The NBS.

    Raises
    ------
    SpecError
        If the range is empty, weights are not positive, or d is not dominated.

    References
    ----------
    Nash (1950), *Econometrica* 18(2); THEORY.md §9.

    Examples
    --------
    >>> p = nash_bargaining(lambda u: (1 - u) ** 0.5, (0.0, 1.0))
    >>> round(p.u1, 6), round(p.u2, 6)
    (0.666667, 0.57735)
    """
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    lo, hi = _check_frontier(frontier, u1_range)
    d1 = v.finite(disagreement[0], "disagreement")
    d2 = v.finite(disagreement[1], "disagreement")
    a1 = v.positive(weights[0], "weights")
    a2 = v.positive(weights[1], "weights")
    a1, a2 = a1 / (a1 + a2), a2 / (a1 + a2)
    a, b = _individually_rational(frontier, lo, hi, d1, d2)

    def neg_log(u: float) -> float:
        g1 = u - d1
        g2 = frontier(u) - d2
        if g1 <= 0 or g2 <= 0:
            return np.inf
        return -(a1 * np.log(g1) + a2 * np.log(g2))

    res = optimize.minimize_scalar(neg_log, bounds=(a, b), method="bounded",
                                   options={"xatol": 1e-12})
    u1 = float(res.x)
    return BargainingPoint(u1=u1, u2=float(frontier(u1)))


def kalai_smorodinsky(
    frontier: Frontier,
    u1_range: tuple[float, float],
    disagreement: tuple[float, float] = (0.0, 0.0),
) -> BargainingPoint:
    r"""Kalai-Smorodinsky solution on a decreasing frontier, numerically.

    The ideal payoffs are :math:`\bar u_1 = \max\{u_1 : f(u_1) \ge d_2\}` and
    :math:`\bar u_2 = f(\max(lo, d_1))`; the solution solves
    :math:`(u_1 - d_1)/(\bar u_1 - d_1) = (f(u_1) - d_2)/(\bar u_2 - d_2)` by Brent's method.

    Parameters
    ----------
    frontier
        Decreasing function :math:`u_2 = f(u_1)`.
    u1_range
        Interval ``(lo, hi)`` of u1.
    disagreement
        Disagreement point d.

    Returns
    -------
    BargainingPoint
        The KS point.

    Raises
    ------
    SpecError
        If the range is empty or d is not dominated.

    References
    ----------
    Kalai & Smorodinsky (1975), *Econometrica* 43(3); THEORY.md §9.

    Examples
    --------
    >>> p = kalai_smorodinsky(lambda u: (1 - u) ** 0.5, (0.0, 1.0))
    >>> round(p.u1, 6), round(p.u2, 6)   # (sqrt(5) - 1) / 2
    (0.618034, 0.618034)
    """
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    lo, hi = _check_frontier(frontier, u1_range)
    d1 = v.finite(disagreement[0], "disagreement")
    d2 = v.finite(disagreement[1], "disagreement")
    a, b = _individually_rational(frontier, lo, hi, d1, d2)
    ideal1 = b
    ideal2 = frontier(a)
    if ideal1 <= d1 or ideal2 <= d2:
        return BargainingPoint(u1=d1, u2=d2)

    def gap(u: float) -> float:
        return (u - d1) / (ideal1 - d1) - (frontier(u) - d2) / (ideal2 - d2)

    u1 = optimize.brentq(gap, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return BargainingPoint(u1=float(u1), u2=float(frontier(u1)))


def nash_payment(reservation_us: float, ceiling_host: float, weight_us: float = 0.5) -> float:
    r"""NBS payment with linear utilities :math:`u_{US} = x - L`, :math:`u_K = M - x`.

    :math:`x = L + \alpha_{US}(M - L)`; with equal weights NBS = KS = (L + M)/2.

    Parameters
    ----------
    reservation_us
        US reservation payment L.
    ceiling_host
        Host's binding maximum M (the pivot's, or H without an Assembly constraint).
    weight_us
        US bargaining weight in (0, 1).

    Returns
    -------
    float
        The NBS payment.

    Raises
    ------
    SpecError
        If ``weight_us`` is outside (0, 1) or ``L > M``.

    References
    ----------
    Nash (1950), *Econometrica* 18(2); THEORY.md §9 (SMA).

    Examples
    --------
    >>> nash_payment(1.0, 1.3), nash_payment(1.0, 2.0)
    (1.15, 1.5)
    """
    lr = v.finite(reservation_us, "reservation_us")
    m = v.finite(ceiling_host, "ceiling_host")
    w = v.discount(weight_us, "weight_us")
    if lr > m:
        raise SpecError(f"no surplus: L ({lr}) exceeds M ({m})", field="ceiling_host")
    return lr + w * (m - lr)
