r"""Annual versus multiyear deals: lapse risk, transaction-cost PV, escalators (THEORY.md §16).

Each negotiation lapses with probability p and costs k.  Over a horizon H with m-year
deals there are :math:`n = \lceil H/m \rceil` negotiations (the current one included)::

    P(>= 1 lapse) = 1 - (1 - p)^n
    PV(costs)     = k * sum_{j=0}^{n-1} beta^(j m)

An escalator indexes the payment: :math:`x_t = x_0 \prod_{s \le t}(1 + g_s)`.

Longer terms remove deadline brinkmanship from most years but raise the stakes of each
negotiation (Fearon, J. D. (1998). Bargaining, Enforcement, and International
Cooperation. *International Organization* 52(2), 269-305).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = ["escalator_path", "lapse_probability", "negotiation_count", "pv_factor"]


def negotiation_count(horizon: int, deal_length: int) -> int:
    r"""Number of negotiations :math:`\lceil H/m \rceil` over horizon H with m-year deals.

    Parameters
    ----------
    horizon
        Planning horizon H in years (>= 1).
    deal_length
        Deal length m in years (>= 1).

    Returns
    -------
    int
        :math:`\lceil H/m \rceil`.

    Raises
    ------
    SpecError
        If H or m is not a positive integer.

    Examples
    --------
    >>> negotiation_count(6, 4)
    2
    """
    h = v.positive_int(horizon, "horizon")
    m = v.positive_int(deal_length, "deal_length")
    return -(-h // m)


def lapse_probability(p: float, horizon: int, deal_length: int) -> float:
    r"""Probability of at least one lapse, :math:`1 - (1-p)^{\lceil H/m \rceil}`.

    Parameters
    ----------
    p
        Lapse probability of each negotiation.
    horizon, deal_length
        H and m in years.

    Returns
    -------
    float
        P(>= 1 lapse).

    Raises
    ------
    SpecError
        On p outside [0, 1] or non-positive H, m.

    References
    ----------
    THEORY.md §16; Fearon (1998), *International Organization* 52(2).

    Examples
    --------
    >>> round(lapse_probability(0.3, 6, 1), 6), round(lapse_probability(0.3, 6, 3), 6)
    (0.882351, 0.51)
    """
    pp = v.probability(p, "p")
    n = negotiation_count(horizon, deal_length)
    return -math.expm1(n * math.log1p(-pp)) if pp < 1.0 else 1.0


def pv_factor(beta: float, horizon: int, deal_length: int) -> float:
    r"""Present-value factor of transaction costs, :math:`\sum_{j=0}^{n-1}\beta^{jm}`.

    Parameters
    ----------
    beta
        Annual discount factor in (0, 1].
    horizon, deal_length
        H and m in years.

    Returns
    -------
    float
        The factor multiplying the per-negotiation cost k.

    Raises
    ------
    SpecError
        On beta outside (0, 1] or non-positive H, m.

    References
    ----------
    THEORY.md §16.

    Examples
    --------
    >>> [round(pv_factor(0.95, 6, m), 6) for m in (1, 3, 6)]
    [5.298162, 1.857375, 1.0]
    """
    b = v.probability(beta, "beta", open_low=True)
    n = negotiation_count(horizon, deal_length)
    m = int(deal_length)
    return float(np.sum(b ** (m * np.arange(n))))


def escalator_path(initial: float, growth: ArrayLike) -> NDArray[np.float64]:
    r"""Escalated payments :math:`x_t = x_0 \prod_{s=1}^{t} (1 + g_s)`, t = 0..len(g).

    Parameters
    ----------
    initial
        First-year payment :math:`x_0`.
    growth
        Growth rates :math:`g_1, g_2, \dots` (each > -1), e.g. defence-budget growth or CPI.

    Returns
    -------
    numpy.ndarray
        Payments of length ``len(growth) + 1`` starting with :math:`x_0`.

    Raises
    ------
    SpecError
        If a rate is <= -1 or not finite.

    References
    ----------
    THEORY.md §16.

    Examples
    --------
    >>> escalator_path(100.0, [0.1, 0.1]).round(6).tolist()
    [100.0, 110.0, 121.0]
    """
    x0 = v.finite(initial, "initial")
    g = np.asarray(growth, dtype=float).reshape(-1)
    if g.size and (not np.all(np.isfinite(g)) or np.any(g <= -1.0)):
        raise SpecError("growth rates must be finite and > -1", field="growth")
    return x0 * np.concatenate(([1.0], np.cumprod(1.0 + g)))
