r"""Public opinion, audience costs, rally effects and transparency (THEORY.md §15).

* **Audience costs** (Fearon 1994): a public commitment "won't pay above c" with
  backing-down cost a makes the win-set upper bound c if :math:`a \ge \bar x - c`
  (credible), else :math:`\bar x - a`.
* **Rally-round-the-flag** (Mueller 1970), parametric:
  :math:`A(t) = A_0 + \Delta e^{-\lambda(t - t_0)} 1[t \ge t_0]`, half-life ln2/λ.
* **Reverberation** (Putnam 1988): :math:`WTP' = WTP + \rho \cdot pressure`.
* **Transparency as Bayesian information**: normal prior :math:`N(\mu_0, \sigma_0^2)`,
  signal :math:`s = C + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma_s^2)`; precision-weighted
  posterior.
* **Grouped (interval) quantiles** of a poll-based WTP distribution: each answer's share is
  spread uniformly over its interval (a point mass when the ends coincide), so the CDF is
  piecewise linear (THEORY.md §12, "from polls to a WTP distribution").
* **DeGroot (1974)**: :math:`x \leftarrow Wx`; consensus :math:`\pi x_0`, π the left unit
  eigenvector of the row-stochastic W.
* **Friedkin-Johnsen (1990)**: :math:`x \leftarrow \Lambda W x + (I - \Lambda) x_0`, with
  fixed point :math:`x^* = (I - \Lambda W)^{-1}(I - \Lambda)x_0`.

References
----------
Fearon, J. D. (1994). Domestic Political Audiences and the Escalation of International
Disputes. *American Political Science Review* 88(3).
Tomz, M. (2007). Domestic Audience Costs in International Relations. *International Organization* 61(4).
Mueller, J. E. (1970). Presidential Popularity from Truman to Johnson. *APSR* 64(1).
Putnam, R. D. (1988). *International Organization* 42(3).
DeGroot, M. H. (1974). Reaching a Consensus. *J. American Statistical Association* 69(345).
Friedkin, N. E. & Johnsen, E. C. (1990). Social Influence and Opinions. *J. Mathematical Sociology* 15(3-4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "Consensus",
    "Posterior",
    "audience_cost_bound",
    "bayesian_update",
    "degroot_consensus",
    "friedkin_johnsen",
    "grouped_quantile",
    "rally_approval",
    "rally_half_life",
    "reverberation",
]


@dataclass(frozen=True, slots=True)
class Posterior:
    r"""Normal posterior belief.

    Attributes
    ----------
    mean
        Posterior mean :math:`\mu_1`.
    sd
        Posterior standard deviation :math:`\sigma_1`.
    """

    mean: float
    sd: float


@dataclass(frozen=True, slots=True)
class Consensus:
    r"""Limit of DeGroot updating.

    Attributes
    ----------
    weights
        Left unit eigenvector π of W (the social-influence weights).
    value
        The consensus :math:`\pi \cdot x_0`.
    """

    weights: NDArray[np.float64]
    value: float


def audience_cost_bound(ceiling: float, commitment: float, audience_cost: float) -> float:
    r"""Win-set upper bound after a public commitment (Fearon 1994).

    Parameters
    ----------
    ceiling
        The executive's true maximum :math:`\bar x`.
    commitment
        Publicly committed ceiling c.
    audience_cost
        Cost a >= 0 of backing down.

    Returns
    -------
    float
        c if :math:`a \ge \bar x - c` (the commitment is credible), else :math:`\bar x - a`.

    Raises
    ------
    SpecError
        If a < 0 or an input is not finite.

    References
    ----------
    Fearon (1994), *APSR* 88(3); Tomz (2007), *IO* 61(4); THEORY.md §15.

    Examples
    --------
    >>> audience_cost_bound(1.5, 1.1, 0.5)
    1.1
    >>> audience_cost_bound(1.5, 1.1, 0.2)
    1.3
    """
    xb = v.finite(ceiling, "ceiling")
    c = v.finite(commitment, "commitment")
    a = v.nonnegative(audience_cost, "audience_cost")
    return c if a >= xb - c else xb - a


def rally_approval(
    t: ArrayLike, baseline: float, jump: float, decay: float, onset: float = 0.0
) -> NDArray[np.float64]:
    r"""Rally-round-the-flag approval :math:`A(t) = A_0 + \Delta e^{-\lambda(t-t_0)} 1[t \ge t_0]`.

    A parametric form, not a theorem (Mueller 1970).

    Parameters
    ----------
    t
        Times (scalar or array).
    baseline
        :math:`A_0`.
    jump
        :math:`\Delta` (may be negative).
    decay
        :math:`\lambda \ge 0`.
    onset
        :math:`t_0`.

    Returns
    -------
    numpy.ndarray
        Approval at each t (0-d array for scalar t).

    Raises
    ------
    SpecError
        If ``decay < 0`` or an input is not finite.

    References
    ----------
    Mueller (1970), *APSR* 64(1); THEORY.md §15.

    Examples
    --------
    >>> float(rally_approval(2.0, 0.4, 0.2, math.log(2) / 2.0, onset=0.0))   # one half-life
    0.5
    """
    a0 = v.finite(baseline, "baseline")
    d = v.finite(jump, "jump")
    lam = v.nonnegative(decay, "decay")
    t0 = v.finite(onset, "onset")
    tt = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(tt)):
        raise SpecError("times must be finite", field="t")
    after = tt >= t0
    return a0 + np.where(after, d * np.exp(-lam * np.where(after, tt - t0, 0.0)), 0.0)


def rally_half_life(decay: float) -> float:
    r"""Half-life :math:`\ln 2/\lambda` of a rally effect.

    Parameters
    ----------
    decay
        :math:`\lambda > 0`.

    Returns
    -------
    float
        The half-life.

    Raises
    ------
    SpecError
        If ``decay <= 0``.

    Examples
    --------
    >>> round(rally_half_life(math.log(2)), 12)
    1.0
    """
    return math.log(2.0) / v.positive(decay, "decay")


def reverberation(wtp: ArrayLike, rho: float, pressure: float) -> NDArray[np.float64]:
    r"""Reverberation: :math:`WTP' = WTP + \rho\cdot pressure` (Putnam 1988).

    Parameters
    ----------
    wtp
        Willingness to pay (scalar or array).
    rho
        Response: negative for backlash, positive for persuasion.
    pressure
        Size of the foreign pressure.

    Returns
    -------
    numpy.ndarray
        Shifted WTP.

    Raises
    ------
    SpecError
        If an input is not finite.

    References
    ----------
    Putnam (1988), *International Organization* 42(3); THEORY.md §15.

    Examples
    --------
    >>> float(reverberation(1.4, -0.1, 2.0))
    1.2
    """
    w = np.asarray(wtp, dtype=float)
    if not np.all(np.isfinite(w)):
        raise SpecError("must be finite", field="wtp")
    return w + v.finite(rho, "rho") * v.finite(pressure, "pressure")


def bayesian_update(prior_mean: float, prior_sd: float, signal: float, signal_sd: float) -> Posterior:
    r"""Normal-normal update of the believed stationing cost (transparency).

    .. math::
        \mu_1 = \frac{\mu_0/\sigma_0^2 + s/\sigma_s^2}{1/\sigma_0^2 + 1/\sigma_s^2},\qquad
        \sigma_1^2 = \frac{1}{1/\sigma_0^2 + 1/\sigma_s^2}

    Parameters
    ----------
    prior_mean, prior_sd
        :math:`\mu_0` and :math:`\sigma_0 > 0`.
    signal, signal_sd
        Published itemized signal s and its noise :math:`\sigma_s > 0`.

    Returns
    -------
    Posterior
        :math:`(\mu_1, \sigma_1)`.

    Raises
    ------
    SpecError
        If a standard deviation is not positive.

    References
    ----------
    THEORY.md §15 (conjugate normal updating; e.g. Gelman et al., *Bayesian Data Analysis*, §2.5).

    Examples
    --------
    >>> p = bayesian_update(1.0, 0.5, 1.6, 0.25)
    >>> round(p.mean, 6), round(p.sd, 6)
    (1.48, 0.223607)
    """
    m0 = v.finite(prior_mean, "prior_mean")
    s0 = v.positive(prior_sd, "prior_sd")
    s = v.finite(signal, "signal")
    ss = v.positive(signal_sd, "signal_sd")
    p0, ps = 1.0 / s0**2, 1.0 / ss**2
    return Posterior(mean=(m0 * p0 + s * ps) / (p0 + ps), sd=math.sqrt(1.0 / (p0 + ps)))


def _row_stochastic(w: ArrayLike) -> NDArray[np.float64]:
    arr = v.float_array(w, "W", ndim=2)
    n = arr.shape[0]
    if arr.shape != (n, n):
        raise SpecError("W must be square", field="W")
    if np.any(arr < 0) or not np.allclose(arr.sum(axis=1), 1.0, atol=1e-9):
        raise SpecError("W must be row-stochastic (non-negative rows summing to 1)", field="W")
    return arr


def degroot_consensus(weights: ArrayLike, initial: ArrayLike) -> Consensus:
    r"""DeGroot consensus :math:`\pi\cdot x_0` with π the left unit eigenvector of W.

    Assumes W is row-stochastic, irreducible and aperiodic so that :math:`W^t` converges;
    π is the eigenvector of :math:`W^\top` for eigenvalue 1, normalized to sum 1.

    Parameters
    ----------
    weights
        Row-stochastic trust matrix W (n x n).
    initial
        Initial opinions :math:`x_0` (length n).

    Returns
    -------
    Consensus
        π and the consensus value.

    Raises
    ------
    SpecError
        If W is not square row-stochastic or :math:`x_0` has the wrong length.

    References
    ----------
    DeGroot (1974), *JASA* 69(345); THEORY.md §15.

    Examples
    --------
    >>> c = degroot_consensus([[0.7, 0.3], [0.4, 0.6]], [1.0, 2.0])
    >>> (c.weights * 7).round(6).tolist(), round(c.value * 7, 6)
    ([4.0, 3.0], 10.0)
    """
    w = _row_stochastic(weights)
    x0 = v.float_array(initial, "initial")
    if x0.shape != (w.shape[0],):
        raise SpecError("initial opinions must have one entry per row of W", field="initial")
    vals, vecs = np.linalg.eig(w.T)
    k = int(np.argmin(np.abs(vals - 1.0)))
    pi = np.real(vecs[:, k])
    pi = pi / pi.sum()
    return Consensus(weights=pi, value=float(pi @ x0))


def friedkin_johnsen(
    weights: ArrayLike, susceptibility: ArrayLike, initial: ArrayLike
) -> NDArray[np.float64]:
    r"""Friedkin-Johnsen equilibrium :math:`x^* = (I - \Lambda W)^{-1}(I - \Lambda)x_0`.

    Parameters
    ----------
    weights
        Row-stochastic W (n x n).
    susceptibility
        Diagonal of Λ, entries in [0, 1] (scalar broadcast allowed); :math:`I - \Lambda W`
        must be invertible (e.g. all entries < 1).
    initial
        Initial (anchoring) opinions :math:`x_0`.

    Returns
    -------
    numpy.ndarray
        The equilibrium opinions.

    Raises
    ------
    SpecError
        On invalid W, Λ outside [0, 1], wrong lengths or a singular system.

    References
    ----------
    Friedkin & Johnsen (1990), *J. Math. Sociology* 15(3-4); THEORY.md §15.

    Examples
    --------
    >>> (friedkin_johnsen([[0.7, 0.3], [0.4, 0.6]], 0.5, [1.0, 2.0]) * 17).round(6).tolist()
    [20.0, 30.0]
    """
    w = _row_stochastic(weights)
    n = w.shape[0]
    lam = np.broadcast_to(np.asarray(susceptibility, dtype=float), (n,)).copy()
    v.probability_array(lam, "susceptibility")
    x0 = v.float_array(initial, "initial")
    if x0.shape != (n,):
        raise SpecError("initial opinions must have one entry per row of W", field="initial")
    a = np.eye(n) - lam[:, None] * w
    try:
        return np.asarray(np.linalg.solve(a, (1.0 - lam) * x0), dtype=np.float64)
    except np.linalg.LinAlgError:
        raise SpecError("I - Lambda W is singular", field="susceptibility") from None


def grouped_quantile(
    lower: ArrayLike, upper: ArrayLike, masses: ArrayLike, q: float = 0.5, total: float | None = None
) -> float:
    r"""Quantile of a grouped distribution with mass spread uniformly over each interval.

    Intervals are taken in the given order (sorted, non-overlapping); the CDF rises
    linearly across each ``[lower, upper]`` by its mass, or jumps at a point mass.  The
    quantile is the point where the cumulative mass reaches ``q * total``.  With ``total``
    larger than the sum of masses the missing share (e.g. "don't know") is implicitly
    placed above every interval.

    Parameters
    ----------
    lower, upper
        Interval ends, ``lower <= upper``, in increasing order.
    masses
        Non-negative shares (percent or fractions).
    q
        Quantile level in (0, 1).
    total
        Denominator (default: the sum of ``masses``, i.e. unplaced answers dropped).

    Returns
    -------
    float
        The quantile.

    Raises
    ------
    SpecError
        On mismatched lengths, unordered intervals, negative masses, or a level the
        placed mass never reaches.

    References
    ----------
    THEORY.md §12 (Chicago Council, Dec 2019 poll split, illustrative).

    Examples
    --------
    >>> lo, hi, m = [0.92, 0.92, 1.7, 5.0], [0.92, 1.7, 5.0, 5.0], [25, 31.5, 31.5, 4]
    >>> round(grouped_quantile(lo, hi, m), 4), round(grouped_quantile(lo, hi, m, total=100), 4)
    (1.44, 1.539)
    """
    a = v.float_array(lower, "lower")
    b = v.float_array(upper, "upper")
    m = v.float_array(masses, "masses")
    if not (a.shape == b.shape == m.shape):
        raise SpecError("lower, upper and masses must have the same length", field="masses")
    if np.any(b < a) or np.any(a[1:] < b[:-1]):
        raise SpecError("intervals must be ordered and non-overlapping", field="lower")
    if np.any(m < 0) or m.sum() <= 0:
        raise SpecError("masses must be non-negative with a positive total", field="masses")
    level = v.finite(q, "q")
    if not 0.0 < level < 1.0:
        raise SpecError(f"quantile level must lie in (0, 1), got {level}", field="q")
    tot = float(m.sum()) if total is None else v.positive(total, "total")
    target = level * tot
    cum = np.concatenate(([0.0], np.cumsum(m)))
    if target > cum[-1] * (1 + 1e-12):
        raise SpecError("the placed mass never reaches the requested level", field="total")
    i = int(np.searchsorted(cum[1:], target * (1 - 1e-12)))
    i = min(i, m.size - 1)
    if m[i] == 0.0 or b[i] == a[i]:
        return float(a[i])
    return float(a[i] + (target - cum[i]) / m[i] * (b[i] - a[i]))
