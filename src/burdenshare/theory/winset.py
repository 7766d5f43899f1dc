r"""One-dimensional win-sets in Putnam's two-level game (THEORY.md §1).

* With single-peaked symmetric utilities and majority rule the win-set of status quo q
  is the interval between q and its reflection through the pivot's ideal m::

      W(q) = [min(q, 2m - q), max(q, 2m - q)]

* With reservation values the host's win-set is :math:`[0, M_{(k^*)}]`, where
  :math:`M_{(k^*)}` is the k*-th highest maximum acceptable payment; with bloc voting,
  sort blocs by M (descending) and take the bloc at which the cumulative seat count
  first reaches k*.
* The US win-set (no congressional vote) is :math:`[L, \infty)`; agreement exists iff
  :math:`L \le \min(H, M_{(k^*)})`.

References
----------
Putnam, R. D. (1988). Diplomacy and Domestic Politics: The Logic of Two-Level Games.
*International Organization* 42(3), 427-460.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = ["Interval", "agreement_possible", "bloc_pivot", "spatial_win_set"]


@dataclass(frozen=True, slots=True)
class Interval:
    """Closed interval ``[low, high]``.

    Attributes
    ----------
    low, high
        Endpoints, ``low <= high``.
    """

    low: float
    high: float

    def __contains__(self, x: float) -> bool:
        return self.low <= x <= self.high


def spatial_win_set(status_quo: float, pivot: float) -> Interval:
    r"""Win-set of q under symmetric single-peaked utilities: between q and 2m - q.

    Parameters
    ----------
    status_quo
        The reversion point q.
    pivot
        The pivotal (median) ratifier's ideal m.

    Returns
    -------
    Interval
        :math:`[\min(q, 2m - q), \max(q, 2m - q)]`; indifferent ratifiers vote yes, so
        both ends are included.

    Raises
    ------
    SpecError
        If an input is not finite.

    References
    ----------
    Putnam (1988), *International Organization* 42(3); THEORY.md §1.

    Examples
    --------
    >>> spatial_win_set(0.92, 1.2)
    Interval(low=0.92, high=1.48)
    """
    q = v.finite(status_quo, "status_quo")
    m = v.finite(pivot, "pivot")
    r = 2.0 * m - q
    return Interval(low=min(q, r), high=max(q, r))


def bloc_pivot(maxima: ArrayLike, seats: ArrayLike, quota: int = 151) -> float:
    r"""Pivotal maximum payment :math:`M_{(k^*)}` under bloc voting.

    Blocs are sorted by their maximum acceptable payment, highest first; the pivot is
    the M of the bloc at which the cumulative seat count first reaches the quota k*.
    Every payment :math:`x \le M_{(k^*)}` gets at least k* votes.

    Parameters
    ----------
    maxima
        Each bloc's maximum acceptable payment.
    seats
        Seats per bloc (non-negative integers; one per member for member-level data).
    quota
        Votes needed, k* (default 151 of 300, full attendance under Art. 49).

    Returns
    -------
    float
        :math:`M_{(k^*)}`.

    Raises
    ------
    SpecError
        On mismatched lengths, negative seats, or a quota above the total seats.

    References
    ----------
    Putnam (1988), *International Organization* 42(3); THEORY.md §1.

    Examples
    --------
    >>> bloc_pivot([1.35, 1.20, 1.10], [180, 17, 103])
    1.35
    """
    m = v.float_array(maxima, "maxima")
    s = v.float_array(seats, "seats")
    k = v.positive_int(quota, "quota")
    if m.shape != s.shape:
        raise SpecError("maxima and seats must have the same length", field="seats")
    if np.any(s < 0) or np.any(s != np.round(s)):
        raise SpecError("seats must be non-negative integers", field="seats")
    if k > s.sum():
        raise SpecError(f"quota {k} exceeds the {int(s.sum())} seats", field="quota")
    order = np.argsort(-m, kind="stable")
    cum = np.cumsum(s[order])
    return float(m[order][int(np.searchsorted(cum, k))])


def agreement_possible(reservation_us: float, max_host: float, pivot_max: float) -> bool:
    r"""Whether the win-sets overlap: :math:`L \le \min(H, M_{(k^*)})`.

    Parameters
    ----------
    reservation_us
        US reservation payment L (its win-set is :math:`[L, \infty)`).
    max_host
        Host executive's maximum H.
    pivot_max
        Pivotal legislator's maximum :math:`M_{(k^*)}`.

    Returns
    -------
    bool
        True iff some payment is in both win-sets.

    Raises
    ------
    SpecError
        If an input is not finite.

    References
    ----------
    Putnam (1988), *International Organization* 42(3); THEORY.md §1.

    Examples
    --------
    >>> agreement_possible(1.0, 2.0, 1.35), agreement_possible(1.4, 2.0, 1.35)
    (True, False)
    """
    lr = v.finite(reservation_us, "reservation_us")
    h = v.finite(max_host, "max_host")
    m = v.finite(pivot_max, "pivot_max")
    return lr <= min(h, m)
