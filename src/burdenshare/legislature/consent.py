r"""Exact Art. 49 consent probability with bloc-level latents and attendance.

**Rule** (Constitution of the Republic of Korea, Art. 49; THEORY.md §0, §12).  Each member is
absent, present and voting yes, or present and not voting yes (no or abstain).  Consent needs a
quorum (``present >= q``, 151 of 300) and a majority of those present voting yes
(``yes > present / 2``).  A stricter majority ``yes > (a/b) present`` is written with integer
steps ``u = b - a`` and ``v = a`` as ``u * yes - v * not_yes > 0``.

**Majority of all members** (``majority_of="all"``; the Art. 49 variant that other provisions
use, e.g. a majority of all members on the register, 재적의원 과반수).  Yes must exceed
``(a/b) * seated``, i.e. ``yes >= t`` with ``t = floor(a * seated / b) + 1`` (151 of 300 for 1/2),
however many attend; the quorum still applies.  The same kernels compute it exactly with
``u = 1, v = 0`` (the margin is the yes count) and the threshold ``t - 1``.  When ``t >= q``
every outcome with enough yes votes also has a quorum, so the fast result is exact.

**Latent** (Gelman, Katz & Tuerlinckx 2002).  Within bloc b, members are independent *given*
the bloc's latent node k (its whip's decision and its opinion shock), node weights
:math:`w_{bk}`, member yes probability :math:`p_{bk}` if present, presence probability
:math:`\pi_b`.  Latents are independent across blocs, so after mixing each bloc over its own
nodes the blocs are independent and the house margin is the convolution of bloc margins:

.. math::

    P(\text{consent}) = P\Big(\sum_b M_b > 0,\ \sum_b P_b \ge q\Big),\qquad
    P(M_b = m) = \sum_k w_{bk}\sum_{P}\mathrm{Bin}(P; n_b, \pi_b)\,
    \mathrm{Bin}\big(\tfrac{m + vP}{u+v}; P, p_{bk}\big).

This is exact given the model; no sampling, no normal approximation.

**Bloc margins in O(n).**  Given its node, a bloc's members are i.i.d. with three outcomes
(no: :math:`\pi_b(1-p_{bk})`, absent: :math:`1-\pi_b`, yes: :math:`\pi_b p_{bk}`), so the bloc
margin's pmf is the coefficient list of the n-th power of the trinomial
:math:`f(z) = \pi_b(1-p_{bk}) + (1-\pi_b) z^v + \pi_b p_{bk} z^{u+v}`, computed by J. C. P.
Miller's recurrence for powers of a polynomial (from :math:`f g' = n f' g`; Knuth, *TAOCP* vol. 2,
§4.7) from both ends, where all its terms are non-negative (no cancellation): O(n) per node
instead of the O(n²) of summing over the presence count
(:func:`burdenshare.legislature._kernels.bloc_margin_pmf`).  Nodes whose yes probability does
not depend on the amount (the whip nodes of :mod:`.model`) are computed once per call, and the
largest bloc enters through its survival function instead of a last convolution.  Agrees with
the O(n²) recursion (``margin_tail_batch``) to about 1e-14 (tests).

**Quorum.**  Presence does not depend on the amount or the votes, so
:math:`\varepsilon = P(\sum_b P_b < q)` is computed once (exact 1-D convolution).  Then
:math:`P(M > 0) - \varepsilon \le P(\text{consent}) \le P(M > 0)`.

1. ``quorum="auto"`` (default): if :math:`\varepsilon = 0` (full attendance, or a quorum the
   seated members cannot miss) the fast margin result is exact; if
   :math:`0 < \varepsilon \le` ``quorum_tol`` the fast result is returned with the certified
   bound :math:`\varepsilon` on its error (:attr:`ConsentResult.error_bound`); otherwise the exact
   joint (present, margin) computation is used.
2. ``quorum="exact"``: always the exact joint computation (slow: ~0.1-0.3 s per amount for 300
   members).
3. ``quorum="bound"``: always the fast result with its bound.

With the calibrated attendance (about 0.645 of 300 present on average, sd about 8) the quorum
fails with probability about 1e-7, so the default returns the fast result, within 1e-7 of the
exact value (tests check the bound against the exact computation).

References
----------
Gelman, A., Katz, J. N. & Tuerlinckx, F. (2002). The Mathematics and Statistics of Voting Power.
*Statistical Science* 17(4), 420-435.
Constitution of the Republic of Korea (1987), Art. 49.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.theory.voting import consent_probability_batch

__all__ = [
    "ConsentResult",
    "MajorityOf",
    "QuorumMode",
    "consent_from_nodes",
    "consent_probability_enumerated",
    "majority_steps",
    "quorum_failure_probability",
]

QuorumMode = Literal["auto", "exact", "bound"]
MajorityOf = Literal["present", "all"]


@dataclass(frozen=True, slots=True)
class ConsentResult:
    """Consent probabilities for a batch of amounts.

    Attributes
    ----------
    p_consent
        (A,) consent probability per amount.
    error_bound
        Certified bound on ``|p_consent - exact|`` (0 when the exact path or a non-binding
        quorum was used): the probability that fewer than the quorum attend.
    method
        ``"margin"`` (fast, exact when ``error_bound == 0``) or ``"joint"`` (exact 2-D).
    """

    p_consent: NDArray[np.float64]
    error_bound: float
    method: str


def majority_steps(majority: float | Fraction = Fraction(1, 2)) -> tuple[int, int]:
    r"""Integer steps ``(u, v)`` with ``yes > m * present  <=>  u * yes - v * not_yes > 0``.

    Parameters
    ----------
    majority
        The share m of those present that yes votes must exceed (Art. 49: 1/2), a rational
        number with a small denominator (e.g. 1/2, 3/5, 2/3).

    Returns
    -------
    tuple of int
        ``(u, v) = (b - a, a)`` for ``m = a / b`` in lowest terms.

    Raises
    ------
    SpecError
        If ``m`` is not in [1/10, 9/10] or needs a denominator above 20.

    Examples
    --------
    >>> majority_steps(0.5), majority_steps(Fraction(2, 3))
    ((1, 1), (1, 2))
    """
    frac = Fraction(majority).limit_denominator(20)
    if abs(float(frac) - float(majority)) > 1e-12 or not (Fraction(1, 10) <= frac <= Fraction(9, 10)):
        raise SpecError(f"majority {majority} must be a fraction a/b in [1/10, 9/10] with b <= 20", field="majority")
    return frac.denominator - frac.numerator, frac.numerator


def _binom_pmf(n: int, p: float) -> NDArray[np.float64]:
    """Binomial(n, p) probabilities of 0..n (``scipy.stats.binom``, imported here: 0.4 s to load)."""
    from scipy import stats

    return np.asarray(stats.binom.pmf(np.arange(n + 1), n, p), dtype=np.float64)


def _presence_pmfs(seats: NDArray[np.int64], p_present: NDArray[np.float64]) -> NDArray[np.float64]:
    nmax = int(seats.max()) if seats.size else 0
    out = np.zeros((seats.size, nmax + 1))
    for b, (n, pi) in enumerate(zip(seats, p_present)):
        out[b, : n + 1] = _binom_pmf(n, pi)
    return out


_EPS_CACHE: dict[tuple[tuple[int, ...], tuple[float, ...], int], float] = {}


def _quorum_failure_cached(s: NDArray[np.int64], pi: NDArray[np.float64], quorum: int) -> float:
    """:func:`quorum_failure_probability` memoised on its exact inputs (a bank asks it once per
    round date and duration with the same seats and attendance)."""
    key = (tuple(int(x) for x in s), tuple(float(x) for x in pi), int(quorum))
    hit = _EPS_CACHE.get(key)
    if hit is None:
        if len(_EPS_CACHE) > 4096:
            _EPS_CACHE.clear()
        hit = _EPS_CACHE[key] = quorum_failure_probability(s, pi, quorum)
    return hit


def quorum_failure_probability(seats: ArrayLike, p_present: ArrayLike, quorum: int) -> float:
    r"""Exact :math:`P(\sum_b P_b < q)`, :math:`P_b \sim \mathrm{Bin}(n_b, \pi_b)` independent.

    Parameters
    ----------
    seats
        Members per bloc.
    p_present
        Presence probability per bloc.
    quorum
        Members who must be present.

    Returns
    -------
    float
        The probability that the quorum fails (1 if fewer than ``quorum`` are seated).

    Examples
    --------
    >>> quorum_failure_probability([300], [1.0], 151)
    0.0
    >>> round(quorum_failure_probability([300], [0.5], 151), 6)
    0.523014
    """
    s = np.asarray(seats, dtype=np.int64)
    pi = np.asarray(p_present, dtype=float)
    if int(s.sum()) < quorum:
        return 1.0
    pmf = np.array([1.0])
    for n, p in zip(s, pi):
        pmf = np.convolve(pmf, _binom_pmf(n, p))
    return float(min(1.0, max(0.0, pmf[:quorum].sum())))


def _check(seats: ArrayLike, p_present: ArrayLike, p_yes: ArrayLike, weights: ArrayLike) -> tuple[
    NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
]:
    s = np.asarray(seats, dtype=float)
    if s.ndim != 1 or np.any(s < 0) or np.any(s != np.round(s)):
        raise SpecError("seats must be a 1-D array of non-negative integers", field="seats")
    si = s.astype(np.int64)
    pp = np.broadcast_to(np.asarray(p_present, dtype=float), si.shape).copy()
    py = np.asarray(p_yes, dtype=float)
    w = np.asarray(weights, dtype=float)
    if py.ndim == 2:
        py = py[None]
    if w.ndim == 2:
        w = w[None]
    if py.ndim != 3 or py.shape[1] != si.size:
        raise SpecError(f"p_yes must have shape (A, {si.size}, K)", field="p_yes")
    w = np.broadcast_to(w, py.shape)
    for name, arr in (("p_present", pp), ("p_yes", py), ("weights", w)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
            raise SpecError(f"{name} must be probabilities in [0, 1]", field=name)
    sums = w.sum(axis=2)
    if np.any(np.abs(sums - 1.0) > 1e-9):
        raise SpecError("node weights of each bloc must sum to 1", field="weights")
    return si, pp, np.ascontiguousarray(py), np.ascontiguousarray(w)


def consent_from_nodes(
    seats: ArrayLike,
    p_present: ArrayLike,
    p_yes: ArrayLike,
    weights: ArrayLike,
    *,
    quorum: int,
    majority: float | Fraction = Fraction(1, 2),
    majority_of: MajorityOf = "present",
    quorum_mode: QuorumMode = "auto",
    quorum_tol: float = 1e-6,
) -> ConsentResult:
    r"""Exact consent probability for a batch of amounts, given per-bloc latent nodes.

    Parameters
    ----------
    seats
        (B,) members per bloc (seated members only; empty seats are never present).
    p_present
        Presence probability per bloc, scalar or (B,).
    p_yes
        (A, B, K) or (B, K): P(yes | present, node k of bloc b) for each amount a.
    weights
        Same shape: node weights, summing to one over k for each (a, b).
    quorum
        Members who must be present (Art. 49: 151 of 300).
    majority
        Yes votes must exceed this share of those present (Art. 49: 1/2), or of all seated
        members with ``majority_of="all"``.
    majority_of
        ``"present"`` (Art. 49) or ``"all"`` (the seated members, ``sum(seats)``).
    quorum_mode, quorum_tol
        How the quorum is handled (module docstring).

    Returns
    -------
    ConsentResult

    Raises
    ------
    SpecError
        On malformed inputs.

    Examples
    --------
    >>> r = consent_from_nodes([300], 1.0, [[[0.52]]], [[[1.0]]], quorum=151)
    >>> round(float(r.p_consent[0]), 6), r.error_bound
    (0.737595, 0.0)

    A majority of all members: 151 yes votes of 300 needed however many attend, so yes ~
    Bin(300, 0.6 x 0.9) and the quorum cannot bind (P(Bin(300, 0.54) >= 151)):

    >>> r = consent_from_nodes([300], 0.6, [[[0.9]]], [[[1.0]]], quorum=151, majority_of="all")
    >>> round(float(r.p_consent[0]), 6), r.error_bound
    (0.90845, 0.0)
    """
    # numba-compiled kernels: importing them loads numba, which only exact consent needs.
    from burdenshare.legislature._kernels import consent_exact_batch, margin_tail_fast

    if quorum_mode not in ("auto", "exact", "bound"):
        raise SpecError(f"unknown quorum_mode {quorum_mode!r}; allowed: auto, exact, bound", field="quorum_mode")
    s, pp, py, w = _check(seats, p_present, p_yes, weights)
    if isinstance(quorum, bool) or int(quorum) != quorum or quorum < 1:
        raise SpecError("quorum must be a positive integer", field="quorum")
    if majority_of not in ("present", "all"):
        raise SpecError(f"unknown majority_of {majority_of!r}; allowed: present, all", field="majority_of")
    q = int(quorum)
    u, v = majority_steps(majority)
    n_a = py.shape[0]
    seated = int(s.sum())
    if seated < q:
        return ConsentResult(np.zeros(n_a), 0.0, "margin")
    thr = 0
    if majority_of == "all":
        frac = Fraction(majority).limit_denominator(20)
        needed = frac.numerator * seated // frac.denominator + 1  # yes > (a/b) seated
        if needed > seated:
            return ConsentResult(np.zeros(n_a), 0.0, "margin")
        u, v, thr = 1, 0, needed - 1
    eps = _quorum_failure_cached(s, pp, q)
    if majority_of == "all" and thr + 1 >= q:
        eps = 0.0  # yes >= needed >= quorum: every consenting outcome has a quorum
    exact = quorum_mode == "exact" or (quorum_mode == "auto" and eps > quorum_tol)
    if exact and eps > 0.0:
        bin_p = _presence_pmfs(s, pp)
        out = consent_exact_batch(s, bin_p, py, w, u, v, q, thr)
        return ConsentResult(np.clip(out, 0.0, 1.0), 0.0, "joint")
    out = margin_tail_fast(s, pp, py, w, u, v, thr)
    return ConsentResult(np.clip(out, 0.0, 1.0), float(eps), "margin")


def consent_probability_enumerated(
    seats: ArrayLike,
    p_present: ArrayLike,
    p_yes: ArrayLike,
    weights: ArrayLike,
    *,
    quorum: int,
) -> float:
    r"""Reference: enumerate every joint latent node and call theory.voting's exact DP.

    :math:`\sum_{k_1..k_B} \prod_b w_{b k_b}\, P(\text{consent} \mid p_{1k_1}, .., p_{Bk_B})`,
    each term by :func:`burdenshare.theory.voting.consent_probability_batch` (member-level 2-D DP
    over (yes, not-yes)).  Exponential in the number of blocs: for tests on small houses.

    Parameters
    ----------
    seats, p_present
        As in :func:`consent_from_nodes`.
    p_yes, weights
        (B, K) for one amount.
    quorum
        Members who must be present.

    Returns
    -------
    float
    """
    s = np.asarray(seats, dtype=np.int64)
    py = np.asarray(p_yes, dtype=float)
    w = np.asarray(weights, dtype=float)
    pp = np.broadcast_to(np.asarray(p_present, dtype=float), s.shape)
    combos = list(itertools.product(*[range(py.shape[1])] * s.size))
    rows = np.array([[py[b, k] for b, k in enumerate(c)] for c in combos])
    wts = np.array([np.prod([w[b, k] for b, k in enumerate(c)]) for c in combos])
    cond = consent_probability_batch(s, rows, pp, quorum=quorum, n_members=int(s.sum()))
    return float(wts @ cond)
