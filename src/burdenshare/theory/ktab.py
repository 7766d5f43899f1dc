r"""KTAB spatial model of politics: sub-formulas usable as oracles (THEORY.md §14).

From KAPSARC's KTAB (fork lsyaseen/KTAB, commit 3b5b0635): ``kmodel.cpp``, ``smp.cpp``.

* Votes of actor k (weight w) on options i vs j, with :math:`\Delta u = u_{ki} - u_{kj}`:
  Prop :math:`w\Delta u`; Binary :math:`w\,\mathrm{clip}(\Delta u/10^{-8}, \pm 1)`;
  PropBin 0.8 Prop + 0.2 Binary; Cubic :math:`w\Delta u^3`; PropCbc 0.5 Prop + 0.5 Cubic.
* Coalition strengths :math:`C(i:j) = \sum_k \max(0, v_k(i:j))` and victory probability
  :math:`P[i > j] = C(i:j)^\nu / (C(i:j)^\nu + C(j:i)^\nu)`, ν = 1, 2, 4, 8.
* Probabilistic Condorcet election (PCE): conditional :math:`p_i \propto \prod_j P[i>j]`
  (with P[i > i] = 1/2); Markov-uniform: stationary p of
  :math:`p_i = \frac1n \sum_j P[i>j](p_i + p_j)`, whose matrix is column-stochastic (so p is
  found exactly as an eigenvector rather than by KTAB's damped iteration).
* Utility :math:`u(d, R) = (1 - d)(1 + dR)`, d the salience-weighted normalized distance
  :math:`\sqrt{\sum (s_k d_k)^2/\sum s_k^2}`.
* Risk attitude from outcome probabilities (Min / Mid / Max) and perceived risk
  :math:`\hat R = R_h + \lambda(R_i - R_h)`.

The asymmetric-prospect vote ("gains weighted 2/3"), the "Binary" victory rule with a ±10 %
threshold and the bargain interpolation are left out: THEORY.md describes them too briefly
to pin a formula.

References
----------
Wise, B., Efird, B. et al. (2015-2019). KAPSARC Toolkit for Behavioral Analysis (KTAB),
github.com/KAPSARC/KTAB; THEORY.md §14.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "ktab_distance",
    "ktab_risk_attitude",
    "ktab_utility",
    "ktab_victory_probability",
    "ktab_vote",
    "pce_conditional",
    "pce_markov_uniform",
    "perceived_risk",
]

VoteRule = Literal["prop", "binary", "propbin", "cubic", "propcbc"]
RiskMode = Literal["min", "mid", "max"]


def ktab_vote(weight: ArrayLike, utility_gain: ArrayLike, rule: VoteRule = "prop") -> NDArray[np.float64]:
    r"""KTAB vote of actors with weights w and utility gains :math:`\Delta u = u_{ki} - u_{kj}`.

    Parameters
    ----------
    weight
        Actor weights w.
    utility_gain
        :math:`\Delta u` (broadcast with ``weight``).
    rule
        ``"prop"``, ``"binary"``, ``"propbin"``, ``"cubic"`` or ``"propcbc"``.

    Returns
    -------
    numpy.ndarray
        Votes (positive: for i).

    Raises
    ------
    SpecError
        On an unknown rule or non-finite inputs.

    References
    ----------
    KTAB ``kmodel.cpp`` (VotingRule); THEORY.md §14.

    Examples
    --------
    >>> ktab_vote(2.0, [0.5, -0.1], "propbin").round(6).tolist()
    [1.2, -0.56]
    """
    w = np.asarray(weight, dtype=float)
    du = np.asarray(utility_gain, dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(du))):
        raise SpecError("weights and utility gains must be finite", field="utility_gain")
    prop = w * du
    binary = w * np.clip(du / 1e-8, -1.0, 1.0)
    cubic = w * du**3
    table = {
        "prop": prop,
        "binary": binary,
        "propbin": 0.8 * prop + 0.2 * binary,
        "cubic": cubic,
        "propcbc": 0.5 * prop + 0.5 * cubic,
    }
    if rule not in table:
        raise SpecError(f"unknown vote rule {rule!r}; use one of {sorted(table)}", field="rule")
    return table[rule]


def ktab_victory_probability(strength_i: float, strength_j: float, exponent: int = 1) -> float:
    r"""Victory probability :math:`C_i^\nu/(C_i^\nu + C_j^\nu)` (Linear/Square/Quartic/Octic).

    Parameters
    ----------
    strength_i, strength_j
        Coalition strengths :math:`C(i:j), C(j:i) \ge 0` (KTAB adds 1e-8 to each).
    exponent
        ν in {1, 2, 4, 8}.

    Returns
    -------
    float
        P[i > j]; 1/2 if both strengths are zero.

    Raises
    ------
    SpecError
        On negative strengths or an exponent outside {1, 2, 4, 8}.

    References
    ----------
    KTAB ``kmodel.cpp`` (VPModel); THEORY.md §14.

    Examples
    --------
    >>> [round(ktab_victory_probability(11, 10, nu), 6) for nu in (1, 2, 4, 8)]
    [0.52381, 0.547511, 0.594172, 0.681892]
    """
    ci = v.nonnegative(strength_i, "strength_i")
    cj = v.nonnegative(strength_j, "strength_j")
    if exponent not in (1, 2, 4, 8):
        raise SpecError("exponent must be 1, 2, 4 or 8", field="exponent")
    if ci == cj == 0.0:
        return 0.5
    # ratio form avoids overflow of large powers
    if ci >= cj:
        return 1.0 / (1.0 + (cj / ci) ** exponent)
    ratio = (ci / cj) ** exponent
    return ratio / (1.0 + ratio)


def _pairwise(matrix: ArrayLike) -> NDArray[np.float64]:
    p = v.probability_array(matrix, "matrix", ndim=2)
    n = p.shape[0]
    if p.shape != (n, n):
        raise SpecError("pairwise matrix must be square", field="matrix")
    if not np.allclose(p + p.T, 1.0, atol=1e-9):
        raise SpecError("need P[i > j] + P[j > i] = 1 (and 1/2 on the diagonal)", field="matrix")
    return p


def pce_conditional(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Conditional PCE: :math:`p_i \propto \prod_j P[i > j]`.

    Parameters
    ----------
    matrix
        Pairwise victory probabilities P[i > j] (square, P + Pᵀ = 1).

    Returns
    -------
    numpy.ndarray
        Outcome probabilities summing to one.

    Raises
    ------
    SpecError
        If the matrix is not a valid pairwise-probability matrix.

    References
    ----------
    KTAB ``kmodel.cpp`` (PCEModel::ConditionalPCM); THEORY.md §14.

    Examples
    --------
    >>> P = [[.5, .6875, .5], [.3125, .5, .25], [.5, .75, .5]]
    >>> (pce_conditional(P) * 51).round(6).tolist()
    [22.0, 5.0, 24.0]
    """
    p = _pairwise(matrix)
    prod = np.prod(p, axis=1)
    return prod / prod.sum()


def pce_markov_uniform(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Markov-uniform PCE: stationary p of :math:`p_i = \frac1n\sum_j P[i>j](p_i + p_j)`.

    The update is :math:`p \leftarrow M p` with :math:`M = (\mathrm{diag}(P\mathbf 1) + P)/n`,
    which is column-stochastic because P[i > j] + P[j > i] = 1; p is its unit eigenvector
    for eigenvalue 1 (the fixed point of KTAB's damped iteration).

    Parameters
    ----------
    matrix
        Pairwise victory probabilities.

    Returns
    -------
    numpy.ndarray
        Outcome probabilities summing to one.

    Raises
    ------
    SpecError
        If the matrix is not a valid pairwise-probability matrix.

    References
    ----------
    KTAB ``kmodel.cpp`` (PCEModel::MarkovUniformPCM); THEORY.md §14.

    Examples
    --------
    >>> P = [[.5, .6875, .5], [.3125, .5, .25], [.5, .75, .5]]
    >>> (pce_markov_uniform(P) * 141).round(6).tolist()
    [57.0, 23.0, 61.0]
    """
    p = _pairwise(matrix)
    n = p.shape[0]
    m = (np.diag(p.sum(axis=1)) + p) / n
    vals, vecs = np.linalg.eig(m)
    k = int(np.argmin(np.abs(vals - 1.0)))
    out = np.abs(np.real(vecs[:, k]))
    return out / out.sum()


def ktab_distance(salience: ArrayLike, distance: ArrayLike) -> float:
    r"""Salience-weighted normalized distance :math:`\sqrt{\sum (s_k d_k)^2/\sum s_k^2}`.

    Parameters
    ----------
    salience
        Dimension saliences :math:`s_k \ge 0`, positive total.
    distance
        Per-dimension normalized distances :math:`d_k \in [0, 1]`.

    Returns
    -------
    float
        d in [0, 1].

    Raises
    ------
    SpecError
        On mismatched lengths or invalid values.

    References
    ----------
    KTAB ``smp.cpp``; THEORY.md §14.

    Examples
    --------
    >>> ktab_distance([1.0, 1.0], [0.5, 0.5])
    0.5
    """
    s = v.float_array(salience, "salience")
    d = v.probability_array(distance, "distance")
    if s.shape != d.shape or np.any(s < 0) or not np.any(s > 0):
        raise SpecError("need non-negative saliences (positive total), one per distance", field="salience")
    return float(np.sqrt(np.sum((s * d) ** 2) / np.sum(s**2)))


def ktab_utility(distance: ArrayLike, risk: float) -> NDArray[np.float64]:
    r"""KTAB utility :math:`u(d, R) = (1 - d)(1 + dR)` for d in [0, 1].

    Parameters
    ----------
    distance
        Normalized distance(s) d.
    risk
        Risk attitude R (-1 averse .. +1 seeking).

    Returns
    -------
    numpy.ndarray
        Utilities.

    Raises
    ------
    SpecError
        If d is outside [0, 1] or R is not finite.

    References
    ----------
    KTAB ``smp.cpp``; THEORY.md §14.

    Examples
    --------
    >>> [float(ktab_utility(0.5, r)) for r in (0.5, 0.0, -0.5)]
    [0.625, 0.5, 0.375]
    """
    d = np.asarray(distance, dtype=float)
    if not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d > 1):
        raise SpecError("distance must lie in [0, 1]", field="distance")
    r = v.finite(risk, "risk")
    return (1.0 - d) * (1.0 + d * r)


def ktab_risk_attitude(probabilities: ArrayLike, mode: RiskMode = "mid") -> NDArray[np.float64]:
    r"""Risk attitudes from outcome probabilities (KTAB Min / Mid / Max rules).

    * min: :math:`(p - p_{min})/(p_{max} - p_{min})`
    * mid: :math:`(3p - (p_{max} + 2p_{min}))/(2(p_{max} - p_{min}))`
    * max: :math:`(2p - (p_{max} + p_{min}))/(p_{max} - p_{min})`

    Parameters
    ----------
    probabilities
        Each actor's probability of its preferred outcome.
    mode
        ``"min"``, ``"mid"`` or ``"max"``.

    Returns
    -------
    numpy.ndarray
        Risk attitudes R (zeros when all probabilities are equal).

    Raises
    ------
    SpecError
        On an unknown mode or invalid probabilities.

    References
    ----------
    KTAB ``smp.cpp``; THEORY.md §14.

    Examples
    --------
    >>> (ktab_risk_attitude([0.5, 0.3, 0.2], "mid").round(6) + 0.0).tolist()
    [1.0, 0.0, -0.5]
    """
    p = v.probability_array(probabilities, "probabilities")
    lo, hi = p.min(), p.max()
    if hi == lo:
        return np.zeros_like(p)
    if mode == "min":
        return (p - lo) / (hi - lo)
    if mode == "mid":
        return (3 * p - (hi + 2 * lo)) / (2 * (hi - lo))
    if mode == "max":
        return (2 * p - (hi + lo)) / (hi - lo)
    raise SpecError(f"unknown mode {mode!r}; use 'min', 'mid' or 'max'", field="mode")


def perceived_risk(own: float, other: float, weight: float) -> float:
    r"""Risk attitude of i as perceived by h: :math:`\hat R_{hi} = R_h + \lambda(R_i - R_h)`.

    Parameters
    ----------
    own
        :math:`R_h`, the perceiver's own attitude.
    other
        :math:`R_i`, the true attitude of i.
    weight
        λ in [0, 1] (KTAB uses 0, 1/3, 1/2, 2/3, 1).

    Returns
    -------
    float
        :math:`\hat R_{hi}`.

    Raises
    ------
    SpecError
        If λ is outside [0, 1].

    References
    ----------
    KTAB ``smp.cpp``; THEORY.md §14.

    Examples
    --------
    >>> perceived_risk(-0.5, 1.0, 1 / 3)
    0.0
    """
    rh = v.finite(own, "own")
    ri = v.finite(other, "other")
    lam = v.probability(weight, "weight")
    return rh + lam * (ri - rh)
