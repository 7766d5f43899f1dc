r"""Bueno de Mesquita expected-utility model: sub-formulas (THEORY.md §13).

As implemented in the public replications of Scholz, Calbert & Smith (2011)
(dmasad/BDM_DecisionModel_Replication ``GroupDecisionModel.py`` and
jmckib/bdm-scholz-expected-utility-model ``bdm_scholz_model.py``).  Actor k has position
:math:`x_k`, capability c and salience s; Δ is the width of the position range and r the
risk exponent (1 = neutral)::

    v_k(i:j) = c_k s_k (|x_k - x_j|^r - |x_k - x_i|^r) / Δ^r
    P_i(j)   = Σ_k max(0, v_k(i:j)) / Σ_k |v_k(i:j)|
    U_s  = 2 - 4 (0.5 - 0.5 |x_i - x_j|/Δ)^r        U_f = 2 - 4 (0.5 + 0.5 |x_i - x_j|/Δ)^r
    U_b  = 2 - 4 (0.5 - 0.25 (|x_i - μ| + |x_i - x_j|)/Δ)^r
    U_w  = 2 - 4 (0.5 + 0.25 (|x_i - μ| + |x_i - x_j|)/Δ)^r
    U_sq = 2 - 4 · 0.5^r
    EU_i(j) = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]
    r_i = (1 - R_i/3) / (1 + R_i/3),   R_i = (2 S_i - S_max - S_min)/(S_max - S_min)

Conventions pinned here (THEORY.md §13, pitfall 1): the win probability sums over **all**
actors k by default (dmasad's early version); ``exclude_challenger=True`` reproduces the
latest dmasad version, which skips k = i.  The status-quo term uses the sign of the
formula above, not dmasad's ``-= Q*Usq - (1-Q)*(...)``.

References
----------
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's
group decision model. *J. Theoretical Politics* 23(4), 510-531.
Bueno de Mesquita, B. (2011). A New Model for Predicting Policy Choices: Preliminary
Tests. *Conflict Management and Peace Science* 28(1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "BdmUtilities",
    "bdm_expected_utility",
    "bdm_risk_exponent",
    "bdm_utilities",
    "bdm_votes",
    "bdm_win_probability",
]


@dataclass(frozen=True, slots=True)
class BdmUtilities:
    """Actor i's utilities from a challenge of actor j.

    Attributes
    ----------
    success, failure
        :math:`U_s, U_f`.
    better, worse
        :math:`U_b, U_w` (status quo expected to move toward / away from i).
    status_quo
        :math:`U_{sq}`.
    """

    success: float
    failure: float
    better: float
    worse: float
    status_quo: float


def _actors(positions: ArrayLike, weights: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = v.float_array(positions, "positions")
    w = v.float_array(weights, "weights")
    if x.shape != w.shape:
        raise SpecError("positions and weights must have the same length", field="weights")
    if np.any(w < 0):
        raise SpecError("weights (capability x salience) must be >= 0", field="weights")
    return x, w


def bdm_votes(
    positions: ArrayLike, weights: ArrayLike, x_i: float, x_j: float, span: float = 1.0, risk: float = 1.0
) -> NDArray[np.float64]:
    r"""Each actor's vote for i over j, :math:`c_k s_k (|x_k - x_j|^r - |x_k - x_i|^r)/\Delta^r`.

    Parameters
    ----------
    positions
        Actor positions :math:`x_k`.
    weights
        :math:`c_k s_k` (capability x salience).
    x_i, x_j
        Positions of the two contenders.
    span
        Width Δ > 0 of the position range.
    risk
        Risk exponent r > 0.

    Returns
    -------
    numpy.ndarray
        Votes (positive: for i).

    Raises
    ------
    SpecError
        On invalid actors, Δ or r.

    References
    ----------
    Scholz, Calbert & Smith (2011), *J. Theoretical Politics* 23(4); THEORY.md §13.

    Examples
    --------
    >>> bdm_votes([0.0, 1.0, 0.4], [1.0, 0.5, 0.5], 0.0, 1.0).round(6).tolist()
    [1.0, -0.5, 0.1]
    """
    x, w = _actors(positions, weights)
    xi = v.finite(x_i, "x_i")
    xj = v.finite(x_j, "x_j")
    d = v.positive(span, "span")
    r = v.positive(risk, "risk")
    return w * (np.abs(x - xj) ** r - np.abs(x - xi) ** r) / d**r


def bdm_win_probability(
    positions: ArrayLike,
    weights: ArrayLike,
    i: int,
    j: int,
    span: float = 1.0,
    risk: float = 1.0,
    *,
    exclude_challenger: bool = False,
) -> float:
    r"""Probability that actor i beats actor j, :math:`\sum_k \max(0, v_k)/\sum_k |v_k|`.

    Parameters
    ----------
    positions, weights
        Actor positions and :math:`c_k s_k`.
    i, j
        Indices of the challenger and the challenged.
    span, risk
        Δ and r as in :func:`bdm_votes`.
    exclude_challenger
        Skip k = i (latest dmasad version); default sums over all actors.

    Returns
    -------
    float
        :math:`P_i(j)`; 0.5 when nobody cares (all votes zero).

    Raises
    ------
    SpecError
        On invalid inputs or indices.

    References
    ----------
    Scholz, Calbert & Smith (2011); THEORY.md §13 (pitfall 1).

    Examples
    --------
    >>> bdm_win_probability([0.0, 1.0, 0.4], [1.0, 0.5, 0.5], 0, 1)
    0.6875
    >>> round(bdm_win_probability([0.0, 1.0, 0.4], [1.0, 0.5, 0.5], 0, 1, exclude_challenger=True), 6)
    0.166667
    """
    x, _ = _actors(positions, weights)
    for name, idx in (("i", i), ("j", j)):
        if isinstance(idx, bool) or not isinstance(idx, (int, np.integer)) or not 0 <= idx < x.size:
            raise SpecError(f"must be an actor index in [0, {x.size})", field=name)
    votes = bdm_votes(positions, weights, x[i], x[j], span, risk)
    if exclude_challenger:
        votes = np.delete(votes, i)
    total = np.abs(votes).sum()
    if total == 0.0:
        return 0.5
    return float(np.maximum(votes, 0.0).sum() / total)


def bdm_utilities(x_i: float, x_j: float, mu: float, span: float = 1.0, risk: float = 1.0) -> BdmUtilities:
    r"""Actor i's utilities :math:`U_s, U_f, U_b, U_w, U_{sq}` for a challenge of j.

    Parameters
    ----------
    x_i, x_j
        Positions of i and j.
    mu
        Expected outcome μ (weighted median or mean; pin the convention in the caller).
    span, risk
        Δ > 0 and r > 0.

    Returns
    -------
    BdmUtilities
        The five utilities.

    Raises
    ------
    SpecError
        On invalid Δ or r, or distances larger than the span (negative bases).

    References
    ----------
    Scholz, Calbert & Smith (2011); THEORY.md §13.

    Examples
    --------
    >>> u = bdm_utilities(0.0, 1.0, 0.4)
    >>> [round(a, 6) for a in (u.success, u.failure, u.better, u.worse, u.status_quo)]
    [2.0, -2.0, 1.4, -1.4, 0.0]
    >>> u = bdm_utilities(0.0, 1.0, 0.4, risk=2.0)
    >>> [round(a, 6) for a in (u.success, u.failure, u.better, u.worse, u.status_quo)]
    [2.0, -2.0, 1.91, -0.89, 1.0]
    """
    xi = v.finite(x_i, "x_i")
    xj = v.finite(x_j, "x_j")
    m = v.finite(mu, "mu")
    d = v.positive(span, "span")
    r = v.positive(risk, "risk")
    dij = abs(xi - xj) / d
    dmix = 0.25 * (abs(xi - m) + abs(xi - xj)) / d
    bases = (0.5 - 0.5 * dij, 0.5 + 0.5 * dij, 0.5 - dmix, 0.5 + dmix, 0.5)
    if min(bases) < 0.0:
        raise SpecError("distances exceed the position range", field="span")
    s, f, b, w, sq = (2.0 - 4.0 * base**r for base in bases)
    return BdmUtilities(success=s, failure=f, better=b, worse=w, status_quo=sq)


def bdm_expected_utility(
    win_probability: float,
    salience_j: float,
    utilities: BdmUtilities,
    q: float = 1.0,
    t: float = 1.0,
) -> float:
    r"""Expected utility of i challenging j.

    :math:`EU = s_j[P U_s + (1-P) U_f] + (1 - s_j) U_s - Q U_{sq} - (1 - Q)[T U_b + (1-T) U_w]`.

    Parameters
    ----------
    win_probability
        :math:`P_i(j)`.
    salience_j
        :math:`s_j` in [0, 1].
    utilities
        From :func:`bdm_utilities`.
    q
        Probability Q that the status quo persists (default 1).
    t
        Probability T that it moves toward i when it does not persist.

    Returns
    -------
    float
        :math:`EU_i(j)`.

    Raises
    ------
    SpecError
        If a probability is outside [0, 1].

    References
    ----------
    Scholz, Calbert & Smith (2011); THEORY.md §13.

    Examples
    --------
    >>> bdm_expected_utility(0.6875, 0.5, bdm_utilities(0.0, 1.0, 0.4))
    1.375
    """
    p = v.probability(win_probability, "win_probability")
    s = v.probability(salience_j, "salience_j")
    qq = v.probability(q, "q")
    tt = v.probability(t, "t")
    u = utilities
    return (s * (p * u.success + (1 - p) * u.failure) + (1 - s) * u.success
            - qq * u.status_quo - (1 - qq) * (tt * u.better + (1 - tt) * u.worse))


def bdm_risk_exponent(security: ArrayLike) -> NDArray[np.float64]:
    r"""Risk exponents from the actors' security sums S: :math:`r = (1 - R/3)/(1 + R/3)`.

    :math:`R_i = (2 S_i - S_{max} - S_{min})/(S_{max} - S_{min})`, so R = 1 gives r = 0.5
    and R = -1 gives r = 2; all-equal S gives R = 0 (r = 1).

    Parameters
    ----------
    security
        Each actor's "danger / security" sum of challenges against it.

    Returns
    -------
    numpy.ndarray
        Risk exponents.

    Raises
    ------
    SpecError
        If the sums are not finite.

    References
    ----------
    Scholz, Calbert & Smith (2011); THEORY.md §13.

    Examples
    --------
    >>> bdm_risk_exponent([0.0, 1.0, 2.0]).round(12).tolist()
    [2.0, 1.0, 0.5]
    """
    s = v.float_array(security, "security")
    lo, hi = s.min(), s.max()
    rr = np.zeros_like(s) if hi == lo else (2 * s - hi - lo) / (hi - lo)
    return (1 - rr / 3) / (1 + rr / 3)
