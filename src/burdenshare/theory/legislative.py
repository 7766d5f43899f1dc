r"""Baron-Ferejohn (1989) legislative bargaining, closed rule.

n members, quota q (votes including the proposer), equal recognition 1/n, discount δ.
Stationary SPE: the proposer keeps :math:`1 - \delta(q-1)/n`, buys (q - 1) partners at
:math:`\delta/n` each, and every member's ex-ante value is 1/n.  Simple majority with
n odd gives the proposer :math:`1 - \delta(n-1)/(2n)`.

Three equal-weight voters with recognition probabilities p, δ = 1 and min p > 0:
if max p <= 1/2 values are (1/3, 1/3, 1/3); otherwise
:math:`v_{max} = p_{max}/(2 - p_{max})` and the others get :math:`(1 - v_{max})/2`.
These match ``gt_leg_barg`` in Macartan Humphreys' R package *hop*.

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. *American Political
Science Review* 83(4), 1181-1206.  THEORY.md §10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = ["BaronFerejohnShares", "baron_ferejohn", "baron_ferejohn_three"]


@dataclass(frozen=True, slots=True)
class BaronFerejohnShares:
    """Stationary SPE of the closed-rule Baron-Ferejohn game.

    Attributes
    ----------
    proposer
        The recognized member's share.
    partner
        Each coalition partner's share.
    n_partners
        Number of partners (quota - 1).
    ex_ante_value
        Every member's value before recognition (1/n).
    """

    proposer: float
    partner: float
    n_partners: int
    ex_ante_value: float


def baron_ferejohn(members: int, delta: float, quota: int | None = None) -> BaronFerejohnShares:
    r"""Closed-rule Baron-Ferejohn SPE with equal recognition probabilities.

    Parameters
    ----------
    members
        Number of members n >= 1.
    delta
        Discount factor in (0, 1).
    quota
        Votes needed including the proposer, 1 <= q <= n (default simple majority
        ``n // 2 + 1``).

    Returns
    -------
    BaronFerejohnShares
        Proposer share :math:`1 - \delta(q-1)/n`, partner share :math:`\delta/n`.

    Raises
    ------
    SpecError
        On invalid n, δ or quota.

    References
    ----------
    Baron & Ferejohn (1989), *APSR* 83(4); THEORY.md §10.

    Examples
    --------
    >>> s = baron_ferejohn(5, 0.9)
    >>> round(s.proposer, 6), round(s.partner, 6)
    (0.64, 0.18)
    >>> s = baron_ferejohn(300, 0.9, quota=151)
    >>> round(s.proposer, 6), round(s.partner, 6)
    (0.55, 0.003)
    """
    n = v.positive_int(members, "members")
    d = v.discount(delta, "delta")
    q = n // 2 + 1 if quota is None else v.positive_int(quota, "quota")
    if q > n:
        raise SpecError(f"quota {q} exceeds the number of members {n}", field="quota")
    return BaronFerejohnShares(
        proposer=1.0 - d * (q - 1) / n, partner=d / n, n_partners=q - 1, ex_ante_value=1.0 / n
    )


def baron_ferejohn_three(recognition: ArrayLike) -> NDArray[np.float64]:
    r"""Ex-ante values of three equal-weight voters, δ = 1, recognition probabilities p.

    Parameters
    ----------
    recognition
        Three recognition probabilities, each > 0, summing to 1.

    Returns
    -------
    numpy.ndarray
        Values in the input order: 1/3 each if max p <= 1/2, else
        :math:`v_{max} = p_{max}/(2 - p_{max})` and :math:`(1 - v_{max})/2` for the others.

    Raises
    ------
    SpecError
        If p is not three positive probabilities summing to one.

    References
    ----------
    Baron & Ferejohn (1989), *APSR* 83(4); Humphreys, *hop* (``gt_leg_barg``); THEORY.md §10.

    Examples
    --------
    >>> baron_ferejohn_three([0.6, 0.25, 0.15]) * 7
    array([3., 2., 2.])
    """
    p = v.probability_array(recognition, "recognition")
    if p.shape != (3,) or np.any(p <= 0) or abs(p.sum() - 1.0) > 1e-9:
        raise SpecError("need three positive probabilities summing to 1", field="recognition")
    i = int(np.argmax(p))
    if p[i] <= 0.5:
        return np.full(3, 1.0 / 3.0)
    vmax = p[i] / (2.0 - p[i])
    out = np.full(3, (1.0 - vmax) / 2.0)
    out[i] = vmax
    return out
