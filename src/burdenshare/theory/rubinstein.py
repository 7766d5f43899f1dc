r"""Alternating-offers bargaining over a unit pie: Rubinstein (1982) and Ståhl (1972).

Player 1 proposes at t = 0, 2, ...; player 2 at t = 1, 3, ...; a rejected offer
costs one period.  With discount factors :math:`\delta_1, \delta_2 \in (0, 1)` the
infinite-horizon game has a unique subgame-perfect equilibrium (SPE) with immediate
agreement (Rubinstein 1982)::

    x1* = (1 - d2) / (1 - d1 d2)            proposer 1's share
    x2* = d2 (1 - d1) / (1 - d1 d2)         responder 2's share
    common d:  x1* = 1 / (1 + d)
    d_i = exp(-r_i D), D -> 0:  x1* -> r2 / (r1 + r2)

With a deadline after T periods (disagreement gives (0, 0)) backward induction gives
the proposer's share ``s_k`` when k periods remain (Ståhl 1972)::

    s_1 = 1,   s_k = 1 - d_resp(k) s_{k-1}

With fixed per-period costs c_i instead of discounting (Rubinstein 1982, second
model): c1 < c2 gives player 1 everything, c1 > c2 gives player 1 exactly c2, and
c1 = c2 = c supports a continuum of SPE partitions.

References
----------
Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. *Econometrica*
50(1), 97-109.
Ståhl, I. (1972). *Bargaining Theory*. Stockholm School of Economics.
THEORY.md §3-§4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "FixedCostOutcome",
    "Shares",
    "payment_from_share",
    "rubinstein_continuous_share",
    "rubinstein_fixed_costs",
    "rubinstein_limit_share",
    "rubinstein_payment",
    "rubinstein_shares",
    "stahl_shares",
]


@dataclass(frozen=True, slots=True)
class Shares:
    """Equilibrium split of a unit pie.

    Attributes
    ----------
    proposer
        Share of the player who makes the first offer.
    responder
        Share of the player who responds to it (``1 - proposer``).
    """

    proposer: float
    responder: float


@dataclass(frozen=True, slots=True)
class FixedCostOutcome:
    """SPE outcome of Rubinstein's fixed-cost model (player 1 proposes first).

    Attributes
    ----------
    unique
        Whether the SPE partition is unique.
    proposer_share
        Player 1's share when unique, else ``None``.
    share_range
        Closed interval ``(lo, hi)`` of player 1's SPE shares (``lo == hi`` when unique).
    """

    unique: bool
    proposer_share: float | None
    share_range: tuple[float, float]


def rubinstein_shares(delta1: float, delta2: float) -> Shares:
    r"""Rubinstein (1982) SPE split when player 1 proposes first.

    .. math:: x_1^* = \frac{1 - \delta_2}{1 - \delta_1 \delta_2}

    Parameters
    ----------
    delta1, delta2
        Per-round discount factors of the proposer and the responder, in (0, 1).

    Returns
    -------
    Shares
        ``proposer`` = :math:`x_1^*`, ``responder`` = :math:`1 - x_1^*`.

    Raises
    ------
    SpecError
        If a discount factor is outside (0, 1) or not finite.

    References
    ----------
    Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. *Econometrica* 50(1).

    Examples
    --------
    >>> round(rubinstein_shares(0.9, 0.8).proposer, 6)
    0.714286
    >>> round(rubinstein_shares(0.9, 0.9).proposer, 6)   # 10/19
    0.526316
    """
    d1 = v.discount(delta1, "delta1")
    d2 = v.discount(delta2, "delta2")
    x1 = (1.0 - d2) / (1.0 - d1 * d2)
    return Shares(proposer=x1, responder=1.0 - x1)


def rubinstein_continuous_share(rate1: float, rate2: float, period_length: float) -> float:
    r"""Proposer 1's Rubinstein share with :math:`\delta_i = e^{-r_i \Delta}`.

    Parameters
    ----------
    rate1, rate2
        Continuous discount rates :math:`r_i > 0`.
    period_length
        Time between offers :math:`\Delta > 0`.

    Returns
    -------
    float
        :math:`(1 - e^{-r_2\Delta}) / (1 - e^{-(r_1 + r_2)\Delta})`.

    Raises
    ------
    SpecError
        If a rate or the period length is not positive and finite.

    References
    ----------
    Rubinstein (1982), *Econometrica* 50(1); THEORY.md §3.

    Examples
    --------
    >>> round(rubinstein_continuous_share(0.1, 0.2, 1.0), 6)
    0.69939
    >>> round(rubinstein_continuous_share(0.1, 0.2, 0.1), 6)
    0.669994
    """
    r1 = v.positive(rate1, "rate1")
    r2 = v.positive(rate2, "rate2")
    dt = v.positive(period_length, "period_length")
    # expm1 keeps precision as period_length -> 0.
    return math.expm1(-r2 * dt) / math.expm1(-(r1 + r2) * dt)


def rubinstein_limit_share(rate1: float, rate2: float) -> float:
    r"""Continuous-time limit :math:`\lim_{\Delta\to 0} x_1^* = r_2/(r_1+r_2)`.

    This equals the asymmetric Nash bargaining solution with weight
    :math:`\alpha_1 = r_2/(r_1 + r_2)` (Binmore, Rubinstein & Wolinsky 1986, *RAND J. Econ.*).

    Parameters
    ----------
    rate1, rate2
        Continuous discount rates :math:`r_i > 0`.

    Returns
    -------
    float
        Player 1's limiting share.

    Raises
    ------
    SpecError
        If a rate is not positive and finite.

    References
    ----------
    Rubinstein (1982), *Econometrica* 50(1); THEORY.md §3.

    Examples
    --------
    >>> rubinstein_limit_share(0.1, 0.2)
    0.6666666666666666
    """
    r1 = v.positive(rate1, "rate1")
    r2 = v.positive(rate2, "rate2")
    return r2 / (r1 + r2)


def rubinstein_fixed_costs(cost1: float, cost2: float) -> FixedCostOutcome:
    r"""Rubinstein's fixed-cost model: player i loses :math:`c_i` per round of delay.

    Player 1 proposes first.  Outcomes (Rubinstein 1982, §4 conclusions):

    * :math:`c_1 < c_2`: player 1 gets 1 (unique).
    * :math:`c_1 > c_2`: player 1 gets :math:`c_2` (unique).
    * :math:`c_1 = c_2 = c`: multiple equilibria; every partition with player-1 share
      in :math:`[c, 1]` is an SPE outcome.  This is reported explicitly with
      ``unique=False`` and ``proposer_share=None``.

    Parameters
    ----------
    cost1, cost2
        Per-round costs, in (0, 1) (the model assumes costs smaller than the pie).

    Returns
    -------
    FixedCostOutcome
        Uniqueness flag, the unique share (or ``None``) and the range of SPE shares.

    Raises
    ------
    SpecError
        If a cost is outside (0, 1).

    References
    ----------
    Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. *Econometrica* 50(1).

    Examples
    --------
    >>> rubinstein_fixed_costs(0.1, 0.2).proposer_share
    1.0
    >>> rubinstein_fixed_costs(0.2, 0.1).proposer_share
    0.1
    >>> rubinstein_fixed_costs(0.1, 0.1)
    FixedCostOutcome(unique=False, proposer_share=None, share_range=(0.1, 1.0))
    """
    c1 = v.positive(cost1, "cost1")
    c2 = v.positive(cost2, "cost2")
    for c, name in ((c1, "cost1"), (c2, "cost2")):
        if c >= 1.0:
            raise SpecError(f"per-round cost must be < 1 (the pie), got {c}", field=name)
    if c1 < c2:
        return FixedCostOutcome(True, 1.0, (1.0, 1.0))
    if c1 > c2:
        return FixedCostOutcome(True, c2, (c2, c2))
    return FixedCostOutcome(False, None, (c1, 1.0))


def stahl_shares(periods: int, delta1: float, delta2: float | None = None) -> Shares:
    r"""Ståhl (1972) T-period alternating offers, player 1 proposing in period 1.

    Disagreement after period T gives (0, 0).  With :math:`s_k` the share of the
    proposer when k periods remain, :math:`s_1 = 1` and
    :math:`s_k = 1 - \delta_{resp(k)} s_{k-1}`, where resp(k) is the player responding
    when k periods remain.  For a common δ,
    :math:`s_T = (1 - (-\delta)^T)/(1 + \delta) \to 1/(1+\delta)`.

    Parameters
    ----------
    periods
        Number of periods T >= 1.
    delta1, delta2
        Discount factors of players 1 and 2 (``delta2`` defaults to ``delta1``).

    Returns
    -------
    Shares
        Player 1's (the first proposer's) and player 2's shares.

    Raises
    ------
    SpecError
        If ``periods < 1`` or a discount factor is outside (0, 1).

    References
    ----------
    Ståhl, I. (1972). *Bargaining Theory*. Stockholm School of Economics. THEORY.md §4.

    Examples
    --------
    >>> [round(stahl_shares(t, 0.9).proposer, 6) for t in range(1, 7)]
    [1.0, 0.1, 0.91, 0.181, 0.8371, 0.24661]
    >>> round(stahl_shares(5, 0.9, 0.8).proposer, 6), round(stahl_shares(6, 0.9, 0.8).proposer, 6)
    (0.8624, 0.44768)
    """
    t = v.positive_int(periods, "periods")
    d1 = v.discount(delta1, "delta1")
    d2 = d1 if delta2 is None else v.discount(delta2, "delta2")
    share = 1.0  # proposer's share in the last period
    for k in range(2, t + 1):
        # k periods remain; the proposer is player 1 iff (t - k) is even.
        responder_delta = d2 if (t - k) % 2 == 0 else d1
        share = 1.0 - responder_delta * share
    return Shares(proposer=share, responder=1.0 - share)


def payment_from_share(share: float, low: float, high: float) -> float:
    r"""Map the proposer's surplus share to an SMA payment :math:`x = L + s (H - L)`.

    The US (payee) proposes; ``low`` = L is its reservation payment and ``high`` = H the
    host's maximum, so the surplus is S = H - L (THEORY.md §3, SMA mapping).

    Parameters
    ----------
    share
        The US (proposer) share of the surplus, in [0, 1].
    low, high
        Reservation payments L <= H.

    Returns
    -------
    float
        The payment x.

    Raises
    ------
    SpecError
        If ``share`` is outside [0, 1] or ``low > high``.

    Examples
    --------
    >>> payment_from_share(0.3, 1.0, 2.0)
    1.3
    """
    s = v.probability(share, "share")
    lo = v.finite(low, "low")
    hi = v.finite(high, "high")
    if lo > hi:
        raise SpecError(f"low ({lo}) must not exceed high ({hi})", field="low")
    return lo + s * (hi - lo)


def rubinstein_payment(low: float, high: float, delta_us: float, delta_host: float | None = None) -> float:
    r"""SMA payment when the US proposes first in an infinite Rubinstein game.

    :math:`x^* = L + x_1^* (H - L)` with :math:`x_1^*` the Rubinstein proposer share.

    Parameters
    ----------
    low, high
        US reservation payment L and host maximum H (L <= H).
    delta_us, delta_host
        Discount factors (``delta_host`` defaults to ``delta_us``).

    Returns
    -------
    float
        The equilibrium payment.

    Raises
    ------
    SpecError
        On invalid discount factors or ``low > high``.

    References
    ----------
    Rubinstein (1982), *Econometrica* 50(1); THEORY.md §3 (SMA mapping).

    Examples
    --------
    >>> round(rubinstein_payment(1.0, 2.0, 0.9), 6)
    1.526316
    """
    d2 = delta_us if delta_host is None else delta_host
    return payment_from_share(rubinstein_shares(delta_us, d2).proposer, low, high)
