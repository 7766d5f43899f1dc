r"""Quasi-random Level-II bank: randomized Sobol' replicates and their random-group errors.

The consent bank (:mod:`burdenshare.engine.consent`) represents the prior of the Level-II
parameters (``opinion.*``, ``legislature.*``, ``cost_model.*`` entries of ``[[uncertainty]]``)
by K support points; each draw of a run uses one of them.  The error this adds to a headline
figure shrinks like :math:`1/K` for random points, faster for low-discrepancy ones.

**Design** (randomized quasi-Monte Carlo, Owen 1997; L'Ecuyer & Lemieux 2002).  The K members
form :data:`BANK_REPLICATES` = R independent replicates: member b belongs to replicate
:math:`r = b \bmod R` and is point :math:`i = \lfloor b / R \rfloor` of that replicate's
Owen-scrambled Sobol' sequence in the unit cube of the P uncertain parameters
(:class:`scipy.stats.qmc.Sobol`, ``scramble=True``, seeded by
``SeedSequence(seed, spawn_key=(BANK_SPAWN_KEY, r))``), mapped to the parameter by its
distribution's quantile function.  Each replicate is on its own an unbiased sample of the prior,
stratified in every one-dimensional projection; replicates are independent of each other.  The
first K points of a replicate do not depend on K, so a bank of 64 members is the first 64 of a
bank of 256 (and the on-disk tables are shared).  R = 16 (4 points per replicate at the default
K = 64): the error estimate then has 15 degrees of freedom instead of the 7 of R = 8, so its own
relative sampling error is about :math:`1/\sqrt{2 \cdot 15} = 18\,\%` rather than 27 %, at the
price of shorter (slightly less stratified) replicates.

**Standard errors** (the random-group estimator in its linearized, ratio form; Wolter 2007,
ch. 2 and §6.3; Cochran 1977, §6.4).  A headline figure :math:`\hat\theta` over all N draws is a
functional of the draws in its domain D (all draws for a probability, the ratified draws for an
amount quantile, the draws that reached a vote for the mean consent probability).  The draws fall
into R groups by the replicate of their member; :math:`\hat\theta_r` is the figure over group r's
:math:`m_r` domain draws and :math:`\bar m = \frac1R\sum_r m_r`.  Then

.. math:: \widehat{\mathrm{SE}}(\hat\theta) = \Big[\frac{1}{R(R-1)}\sum_{r=1}^{R}
          \Big(\frac{m_r}{\bar m}\Big)^2 (\hat\theta_r - \hat\theta)^2\Big]^{1/2}.

For a mean over the domain (a probability, a ratio of two totals) this is the textbook
variance of a ratio estimator with R independent clusters, :math:`\hat\theta = \sum_r m_r
\hat\theta_r / \sum_r m_r`; for a smooth functional (a quantile) :math:`m_r(\hat\theta_r -
\hat\theta)` is, to first order, group r's total of the influence function, and the formula is
the same.  Each group is weighted by the number of draws its figure rests on (the groups'
counts vary: a multinomial split of the draws, and for a domain figure the domain's share in the
group) and centred on the full-sample figure, unlike the plain random-group form
:math:`\frac{1}{R(R-1)}\sum_r(\hat\theta_r-\bar\theta)^2` (:func:`random_group_se`), which
treats the R group figures as equally precise.  The groups are independent and identically
distributed (independent scramblings, independent draws), so the error includes both the
Level-II sampling (which members the bank holds) and the Monte-Carlo error of the draws.  A
group without a domain draw (a replicate without a ratified draw) makes the figure's error
unknown: ``None``.

References
----------
Owen, A. B. (1997). Scrambled net variance for integrals of smooth functions. *Annals of
Statistics* 25(4), 1541-1562.
L'Ecuyer, P. & Lemieux, C. (2002). Recent advances in randomized quasi-Monte Carlo methods. In
*Modeling Uncertainty*, Springer, 419-474.
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed., Springer, ch. 2 (random
groups) and ch. 6 (Taylor series linearization).
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley, ch. 6 (ratio estimators).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.draws import BANK_SPAWN_KEY
from burdenshare.errors import SpecError

__all__ = ["BANK_REPLICATES", "bank_uniforms", "combine_replicates", "distribution_quantile", "member_replicate",
           "random_group_se", "ratio_group_se"]

#: Independent scrambled Sobol' replicates of the bank (the random groups of the errors).
BANK_REPLICATES: int = 16


def member_replicate(member: NDArray[np.int64] | int, size: int) -> NDArray[np.int64]:
    """Replicate of bank member(s) ``member`` in a bank of ``size`` (``member mod R``; module docstring)."""
    r = min(BANK_REPLICATES, max(1, int(size)))
    return np.asarray(member, dtype=np.int64) % r


def bank_uniforms(seed: int, size: int, dim: int) -> NDArray[np.float64]:
    """(size, dim) points in the unit cube: member b is point b // R of replicate b % R.

    Examples
    --------
    >>> u = bank_uniforms(0, 16, 3)
    >>> u.shape, bool(((u > 0) & (u < 1)).all())
    ((16, 3), True)
    >>> bool((bank_uniforms(0, 64, 3)[:16] == u).all())  # a prefix of a larger bank
    True
    """
    from scipy.stats import qmc

    r_n = min(BANK_REPLICATES, max(1, int(size)))
    out = np.empty((size, dim))
    for r in range(r_n):
        rows = np.arange(r, size, r_n)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(BANK_SPAWN_KEY, r))))
        eng = qmc.Sobol(d=dim, scramble=True, seed=rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance properties need 2^m points
            pts = eng.random(rows.size)
        out[rows] = pts
    # a scrambled point is never exactly 0 or 1 in exact arithmetic; keep the quantiles finite
    return np.clip(out, 2.0 ** -53, 1.0 - 2.0 ** -53)


def distribution_quantile(dist: Any, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """The quantile function of one ``[[uncertainty]]`` distribution at ``u`` in (0, 1).

    Raises
    ------
    SpecError
        For a distribution kind the engine does not know (``field="dist"``).
    """
    from scipy import stats

    kind = getattr(dist, "dist")
    d = dist
    if kind == "uniform":
        return np.asarray(d.low + (d.high - d.low) * u)
    if kind == "normal":
        return np.asarray(stats.norm.ppf(u, loc=d.mean, scale=d.sd))
    if kind == "truncnorm":
        a, b = (d.low - d.mean) / d.sd, (d.high - d.mean) / d.sd
        return np.clip(stats.truncnorm.ppf(u, a, b, loc=d.mean, scale=d.sd), d.low, d.high)
    if kind == "beta":
        return np.asarray(d.low + (d.high - d.low) * stats.beta.ppf(u, d.a, d.b))
    if kind == "triangular":
        c = (d.mode - d.low) / (d.high - d.low) if d.high > d.low else 0.5
        return np.asarray(stats.triang.ppf(u, c, loc=d.low, scale=d.high - d.low))
    if kind == "lognormal":
        return np.asarray(np.exp(d.mu + d.sigma * stats.norm.ppf(u)))
    if kind == "bernoulli":
        return (u < d.p).astype(np.float64)
    raise SpecError(f"unknown distribution {kind!r}", field="dist")


def random_group_se(groups: NDArray[np.int64], n_groups: int,
                    stat: Callable[[NDArray[np.bool_]], Any]) -> Any:
    """Random-group standard errors (module docstring) of the nested statistic ``stat``.

    Parameters
    ----------
    groups
        (N,) replicate of each draw.
    n_groups
        R.
    stat
        Maps a boolean draw mask to a number, ``None``, or a dict / list of them (nested); called
        once per replicate.

    Returns
    -------
    The same structure with each number replaced by its standard error (``None`` where a
    replicate gives ``None`` or there are fewer than two replicates).

    Examples
    --------
    >>> g = np.arange(8) % 4
    >>> x = np.array([1., 1., 0., 0., 1., 1., 0., 0.])
    >>> round(random_group_se(g, 4, lambda m: float(x[m].mean())), 4)
    0.2887
    """
    return combine_replicates([stat(groups == r) for r in range(n_groups)], n_groups)


def combine_replicates(reps: Sequence[Any], r_n: int) -> Any:
    """Random-group standard errors from R replicate values (numbers, ``None``, nested dicts)."""
    first = reps[0]
    if isinstance(first, dict):
        return {k: combine_replicates([r.get(k) if isinstance(r, dict) else None for r in reps], r_n) for k in first}
    if r_n < 2 or any(r is None or isinstance(r, (dict, list)) for r in reps):
        return None
    x = np.asarray(reps, dtype=float)
    if not np.all(np.isfinite(x)):
        return None
    return float(math.sqrt(float(((x - x.mean()) ** 2).sum()) / (r_n * (r_n - 1))))


def ratio_group_se(reps: Sequence[Any], counts: Sequence[Any], full: Any, r_n: int) -> Any:
    r"""Linearized random-group standard errors (module docstring) from R replicate values.

    Parameters
    ----------
    reps
        The R group figures :math:`\hat\theta_r` (numbers, ``None``, or nested dicts of them).
    counts
        The R groups' domain counts :math:`m_r`, with the same nesting as ``reps``.
    full
        The full-sample figure :math:`\hat\theta`, same nesting.
    r_n
        R.

    Returns
    -------
    The nesting of ``full`` with each number replaced by its standard error (``None`` where a
    group has no value or there are fewer than two groups).

    Examples
    --------
    >>> round(ratio_group_se([0.5, 0.3], [100, 300], 0.35, 2), 4)   # equal-weight form: 0.1
    0.075
    """
    if isinstance(full, dict):
        return {k: ratio_group_se([r.get(k) if isinstance(r, dict) else None for r in reps],
                                  [c.get(k) if isinstance(c, dict) else None for c in counts], full[k], r_n)
                for k in full}
    if full is None or r_n < 2 or any(r is None or isinstance(r, (dict, list)) for r in reps):
        return None
    if any(c is None or not c > 0 for c in counts):
        return None
    x = np.asarray(reps, dtype=float)
    m = np.asarray(counts, dtype=float)
    if not (np.all(np.isfinite(x)) and math.isfinite(float(full))):
        return None
    w = m / m.mean()
    return float(math.sqrt(float((w * w * (x - float(full)) ** 2).sum()) / (r_n * (r_n - 1))))
