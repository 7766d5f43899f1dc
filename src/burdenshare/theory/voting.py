r"""Voting on ratification: weighted medians, probabilistic voting, consent probability.

**Spatial voting** (Black 1948; THEORY.md §11).  The weighted (lower) median is the first
position, in sorted order, whose cumulative weight reaches half the total.  With
symmetric utilities x beats q iff :math:`|x - m| \le |q - m|` (ties pass).

**Probabilistic voting** (Coughlin & Nitzan 1981; Lindbeck & Weibull 1987; THEORY.md §12).
A legislator votes yes with :math:`\Lambda(\alpha + \beta\Delta u + \gamma\,opinion +
\eta\,party)`.  Two-party competition under additive random utility maximizes
:math:`\sum_i \varphi_i u_i(x)`; with quadratic utilities this is the weighted mean.

**Consent probability** (ROK Constitution Art. 49).  Each member is absent, present and
voting yes, or present and not voting yes (no or abstain).  Consent needs a quorum of
present members (151 of 300) and a majority of those present voting yes, i.e.
``present >= quorum`` and ``yes > not_yes``.  With full attendance this is the
Poisson-binomial tail :math:`P(\sum_j Y_j \ge 151)`.  Both are computed exactly:

1. full attendance: a 1-D dynamic program over the yes count (O(n^2), vectorized over a
   batch axis with numpy);
2. with attendance: a 2-D dynamic program over (yes, not-yes) counts, member by member
   (O(n^3/6) per evaluation, compiled with numba, about 5 ms for 300 members).

Correlated voting (Gelman, Katz & Tuerlinckx 2002): members vote independently only
conditional on a bloc-level latent; the consent probability is the average of the exact
conditional probabilities over the latent, given as quadrature nodes and weights.

References
----------
Black, D. (1948). On the Rationale of Group Decision-making. *J. Political Economy* 56(1).
Coughlin, P. & Nitzan, S. (1981). Electoral Outcomes with Probabilistic Voting and Nash
Social Welfare Maxima. *J. Public Economics* 15(1).
Lindbeck, A. & Weibull, J. W. (1987). Balanced-budget Redistribution as the Outcome of
Political Competition. *Public Choice* 52(3).
Gelman, A., Katz, J. N. & Tuerlinckx, F. (2002). The Mathematics and Statistics of
Voting Power. *Statistical Science* 17(4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "LatentNodes",
    "common_shock_nodes",
    "consent_probability",
    "consent_probability_batch",
    "consent_probability_latent",
    "lindbeck_weibull_policy",
    "logit_yes_probability",
    "poisson_binomial_pmf",
    "poisson_binomial_tail",
    "ratifies",
    "weighted_median",
]


@dataclass(frozen=True, slots=True)
class LatentNodes:
    """Quadrature over a latent: per-node bloc probabilities and node weights.

    Attributes
    ----------
    p_yes
        Array (K, B): bloc yes probabilities at each of K nodes.
    weights
        Array (K,): non-negative node weights summing to one.
    """

    p_yes: NDArray[np.float64]
    weights: NDArray[np.float64]


# --------------------------------------------------------------------------- spatial


def weighted_median(positions: ArrayLike, weights: ArrayLike) -> float:
    r"""Weighted (lower) median: first sorted position with cumulative weight >= half.

    Parameters
    ----------
    positions
        Ideal points.
    weights
        Non-negative weights (seats, or capability x salience), positive total.

    Returns
    -------
    float
        The lower weighted median.  When the cumulative weight hits exactly one half at a
        position, every point up to the next position is also a median; the lower one is
        returned.

    Raises
    ------
    SpecError
        On mismatched lengths, negative weights or a zero total.

    References
    ----------
    Black (1948), *JPE* 56(1); THEORY.md §11.

    Examples
    --------
    >>> weighted_median([0.5, 1.0, 1.5, 3.0], [103, 17, 163, 17])
    1.5
    >>> weighted_median([0.0, 1.0, 0.4], [1.0, 0.5, 0.5])
    0.0
    """
    x = v.float_array(positions, "positions")
    w = v.float_array(weights, "weights")
    if x.shape != w.shape:
        raise SpecError("positions and weights must have the same length", field="weights")
    if np.any(w < 0) or w.sum() <= 0:
        raise SpecError("weights must be non-negative with a positive total", field="weights")
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    half = 0.5 * cum[-1]
    i = int(np.argmax(cum >= half * (1.0 - 1e-12)))
    return float(x[order][i])


def ratifies(proposal: float, status_quo: float, pivot: float) -> bool:
    r"""Whether x beats q for a pivot with symmetric utility: :math:`|x - m| \le |q - m|`.

    Parameters
    ----------
    proposal
        The agreement x.
    status_quo
        The reversion q.
    pivot
        The pivot's ideal m.

    Returns
    -------
    bool
        True if the pivot weakly prefers x (indifferent ratifiers vote yes, THEORY.md §0).

    Raises
    ------
    SpecError
        If an input is not finite.

    Examples
    --------
    >>> ratifies(1.48, 0.92, 1.2), ratifies(1.5, 0.92, 1.2)
    (True, False)
    """
    x = v.finite(proposal, "proposal")
    q = v.finite(status_quo, "status_quo")
    m = v.finite(pivot, "pivot")
    return abs(x - m) <= abs(q - m) + 1e-12


def lindbeck_weibull_policy(ideals: ArrayLike, weights: ArrayLike) -> float:
    r"""Probabilistic-voting equilibrium with quadratic utilities: :math:`\sum\varphi_i\theta_i/\sum\varphi_i`.

    Parameters
    ----------
    ideals
        Voter (group) ideal points :math:`\theta_i`.
    weights
        Density weights :math:`\varphi_i > 0` (group size x responsiveness).

    Returns
    -------
    float
        The density-weighted mean (not the median).

    Raises
    ------
    SpecError
        On mismatched lengths or non-positive weights.

    References
    ----------
    Lindbeck & Weibull (1987), *Public Choice* 52(3); THEORY.md §12.

    Examples
    --------
    >>> round(lindbeck_weibull_policy([0.9, 1.4, 2.0], [2.0, 1.0, 0.5]), 6)
    1.2
    """
    x = v.float_array(ideals, "ideals")
    w = v.float_array(weights, "weights")
    if x.shape != w.shape:
        raise SpecError("ideals and weights must have the same length", field="weights")
    if np.any(w <= 0):
        raise SpecError("weights must be > 0", field="weights")
    return float(w @ x / w.sum())


def logit_yes_probability(
    alpha: ArrayLike,
    beta: float,
    utility_gain: ArrayLike,
    gamma: float = 0.0,
    opinion: ArrayLike = 0.0,
    eta: float = 0.0,
    party: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    r"""Legislator yes probability :math:`\Lambda(\alpha + \beta\Delta u + \gamma\,opinion + \eta\,party)`.

    Parameters
    ----------
    alpha
        Intercepts :math:`\alpha_j`.
    beta
        Weight on the utility gain :math:`\Delta u = u_j(x) - u_j(q)`.
    utility_gain
        :math:`\Delta u_j`.
    gamma, opinion
        Weight and value of constituency opinion.
    eta, party
        Weight and value of the party line.

    Returns
    -------
    numpy.ndarray
        Probabilities (broadcast shape of the inputs).

    Raises
    ------
    SpecError
        If a weight is not finite.

    References
    ----------
    Coughlin & Nitzan (1981), *J. Public Econ.* 15(1); THEORY.md §12.

    Examples
    --------
    >>> round(float(logit_yes_probability(0.0, 4.0, 0.25)), 6)
    0.731059
    """
    b = v.finite(beta, "beta")
    g = v.finite(gamma, "gamma")
    e = v.finite(eta, "eta")
    z = (np.asarray(alpha, float) + b * np.asarray(utility_gain, float)
         + g * np.asarray(opinion, float) + e * np.asarray(party, float))
    if not np.all(np.isfinite(z)):
        raise SpecError("inputs must be finite", field="alpha")
    return special.expit(z)


# --------------------------------------------------------------------------- consent


def _seats(seats: ArrayLike) -> NDArray[np.int64]:
    s = v.float_array(seats, "seats")
    if np.any(s < 0) or np.any(s != np.round(s)):
        raise SpecError("seats must be non-negative integers", field="seats")
    if s.sum() < 1:
        raise SpecError("there must be at least one seat", field="seats")
    return s.astype(np.int64)


def _bloc_probs(p: ArrayLike, n_blocs: int, field: str) -> NDArray[np.float64]:
    """Broadcast bloc probabilities to shape (K, B)."""
    arr = np.asarray(p, dtype=float)
    if arr.ndim == 0:
        arr = np.full((1, n_blocs), float(arr))
    elif arr.ndim == 1:
        arr = arr[None, :]
    elif arr.ndim != 2:
        raise SpecError("must be a scalar, (B,) or (K, B) array", field=field)
    if arr.shape[-1] != n_blocs:
        raise SpecError(f"needs one entry per bloc ({n_blocs}), got {arr.shape[-1]}", field=field)
    return v.probability_array(arr, field, ndim=2)


def _poisson_binomial_rows(p_members: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact pmf rows (K, n + 1) of the number of successes, member-by-member DP."""
    k, n = p_members.shape
    pmf = np.zeros((k, n + 1))
    pmf[:, 0] = 1.0
    for j in range(n):
        p = p_members[:, j : j + 1]
        pmf[:, 1 : j + 2] = pmf[:, 1 : j + 2] * (1.0 - p) + pmf[:, : j + 1] * p
        pmf[:, 0:1] *= 1.0 - p
    return pmf


def poisson_binomial_pmf(p: ArrayLike, seats: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Exact pmf of :math:`\sum_j Y_j`, independent :math:`Y_j \sim Bernoulli(p_j)`.

    Dynamic programming over members (O(n^2)); with ``seats`` the entries of ``p`` are
    bloc probabilities repeated ``seats[b]`` times (a convolution of binomials).

    Parameters
    ----------
    p
        Member (or bloc) yes probabilities.
    seats
        Members per bloc (default one member per entry of ``p``).

    Returns
    -------
    numpy.ndarray
        Probabilities of 0..n yes votes.

    Raises
    ------
    SpecError
        On probabilities outside [0, 1] or invalid seats.

    References
    ----------
    THEORY.md §12.

    Examples
    --------
    >>> poisson_binomial_pmf([0.5, 0.5]).tolist()
    [0.25, 0.5, 0.25]
    """
    pp = v.probability_array(p, "p")
    s = np.ones(pp.size, dtype=np.int64) if seats is None else _seats(seats)
    if s.shape != pp.shape:
        raise SpecError("p and seats must have the same length", field="seats")
    return _poisson_binomial_rows(np.repeat(pp, s)[None, :])[0]


def poisson_binomial_tail(p: ArrayLike, threshold: int, seats: ArrayLike | None = None) -> float:
    r"""Exact :math:`P(\sum_j Y_j \ge k)` (full-attendance ratification with quota k*).

    Parameters
    ----------
    p
        Member (or bloc) yes probabilities.
    threshold
        The quota k (votes needed).
    seats
        Members per bloc (default one member per entry of ``p``).

    Returns
    -------
    float
        The upper tail.

    Raises
    ------
    SpecError
        On invalid probabilities, seats or threshold.

    References
    ----------
    THEORY.md §12.

    Examples
    --------
    >>> round(poisson_binomial_tail([0.52], 151, seats=[300]), 6)
    0.737595
    >>> round(poisson_binomial_tail([0.8, 0.15, 0.5], 151, seats=[129, 116, 55]), 6)
    0.366326
    """
    pmf = poisson_binomial_pmf(p, seats)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)):
        raise SpecError("must be an integer", field="threshold")
    k = max(int(threshold), 0)
    return float(min(1.0, pmf[k:].sum()))


def consent_probability_batch(
    seats: ArrayLike,
    p_yes: ArrayLike,
    p_present: ArrayLike = 1.0,
    *,
    quorum: int | None = None,
    n_members: int | None = None,
) -> NDArray[np.float64]:
    r"""Exact Art. 49 consent probability for a batch of bloc probability vectors.

    Consent requires ``present >= quorum`` and ``yes > present / 2``.  Members of bloc b
    are independent given the row: present with probability ``p_present[k, b]`` and, if
    present, voting yes with probability ``p_yes[k, b]`` (absent and abstaining members
    are not yes votes; abstainers count as present).

    Parameters
    ----------
    seats
        Members per bloc (length B; use ones for member-level probabilities).
    p_yes
        P(yes | present): scalar, (B,) or (K, B).
    p_present
        P(present): scalar, (B,) or (K, B); default full attendance.
    quorum
        Minimum number present (default ``n_members // 2 + 1``, 151 of 300).
    n_members
        Size of the house (default ``sum(seats)``); empty seats are never present.

    Returns
    -------
    numpy.ndarray
        Shape (K,): P(consent) per row.

    Raises
    ------
    SpecError
        On invalid seats, probabilities, quorum or house size.

    References
    ----------
    Constitution of the Republic of Korea, Art. 49; THEORY.md §0, §12.

    Examples
    --------
    >>> consent_probability_batch([300], [[0.5], [0.52]]).round(6).tolist()
    [0.476986, 0.737595]
    """
    s = _seats(seats)
    b = s.size
    py = _bloc_probs(p_yes, b, "p_yes")
    pp = _bloc_probs(p_present, b, "p_present")
    k = max(py.shape[0], pp.shape[0])
    if py.shape[0] not in (1, k) or pp.shape[0] not in (1, k):
        raise SpecError("p_yes and p_present have different batch sizes", field="p_present")
    py = np.broadcast_to(py, (k, b))
    pp = np.broadcast_to(pp, (k, b))
    total = int(s.sum())
    n = total if n_members is None else v.positive_int(n_members, "n_members")
    if total > n:
        raise SpecError(f"{total} seats exceed the house size {n}", field="n_members")
    q = n // 2 + 1 if quorum is None else v.positive_int(quorum, "quorum")
    if q > n:
        raise SpecError(f"quorum {q} exceeds the house size {n}", field="quorum")
    if total < q:
        return np.zeros(k)
    if np.all(pp == 1.0):
        # Full attendance of the seated members: yes > total / 2, a Poisson-binomial tail.
        pmf = _poisson_binomial_rows(np.repeat(py, s, axis=1))
        return np.minimum(1.0, pmf[:, total // 2 + 1 :].sum(axis=1))
    # numba-compiled kernel: importing it loads numba, which only partial attendance needs.
    from burdenshare.theory._consent_kernel import consent_dp

    yes = np.ascontiguousarray(np.repeat(pp * py, s, axis=1))
    no = np.ascontiguousarray(np.repeat(pp * (1.0 - py), s, axis=1))
    return np.minimum(1.0, consent_dp(yes, no, q))


def consent_probability(
    seats: ArrayLike,
    p_yes: ArrayLike,
    p_present: ArrayLike = 1.0,
    *,
    quorum: int | None = None,
    n_members: int | None = None,
) -> float:
    r"""Exact Art. 49 consent probability for one vector of bloc (or member) probabilities.

    See :func:`consent_probability_batch`; this is its single-row form.

    Parameters
    ----------
    seats
        Members per bloc (ones for member-level probabilities).
    p_yes
        P(yes | present) per bloc: scalar or (B,).
    p_present
        P(present) per bloc: scalar or (B,); default 1.
    quorum
        Minimum number present (default ``n_members // 2 + 1``).
    n_members
        House size (default ``sum(seats)``).

    Returns
    -------
    float
        P(present >= quorum and yes > present/2).

    Raises
    ------
    SpecError
        On invalid inputs, including a 2-D ``p_yes``.

    References
    ----------
    Constitution of the Republic of Korea, Art. 49; THEORY.md §12.

    Examples
    --------
    >>> round(consent_probability([300], 0.5), 6)
    0.476986
    >>> round(consent_probability([129, 116, 55], [0.8, 0.15, 0.5]), 6)
    0.366326
    """
    if np.ndim(p_yes) > 1 or np.ndim(p_present) > 1:
        raise SpecError("use consent_probability_batch for 2-D inputs", field="p_yes")
    return float(consent_probability_batch(seats, p_yes, p_present, quorum=quorum,
                                           n_members=n_members)[0])


def consent_probability_latent(
    seats: ArrayLike,
    p_yes: ArrayLike,
    weights: ArrayLike,
    p_present: ArrayLike = 1.0,
    *,
    quorum: int | None = None,
    n_members: int | None = None,
) -> float:
    r"""Consent probability averaged over a bloc-level latent (Gelman, Katz & Tuerlinckx 2002).

    :math:`P = \sum_k w_k\,P(\text{consent} \mid \text{node } k)`, each conditional
    probability exact (:func:`consent_probability_batch`).

    Parameters
    ----------
    seats
        Members per bloc (length B).
    p_yes
        (K, B) P(yes | present) at each latent node.
    weights
        (K,) non-negative node weights summing to one.
    p_present
        P(present): scalar, (B,) or (K, B).
    quorum, n_members
        As in :func:`consent_probability_batch`.

    Returns
    -------
    float
        The averaged consent probability.

    Raises
    ------
    SpecError
        If the weights are negative, do not sum to one, or do not match the nodes.

    References
    ----------
    Gelman, Katz & Tuerlinckx (2002), *Statistical Science* 17(4); THEORY.md §12.

    Examples
    --------
    >>> round(consent_probability_latent([180, 120], [[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5]), 6)
    0.5
    """
    w = v.probability_array(weights, "weights")
    if abs(w.sum() - 1.0) > 1e-9:
        raise SpecError("node weights must sum to 1", field="weights")
    cond = consent_probability_batch(seats, p_yes, p_present, quorum=quorum, n_members=n_members)
    if cond.shape != w.shape:
        raise SpecError(f"need one weight per node ({cond.shape[0]})", field="weights")
    return float(np.clip(w @ cond, 0.0, 1.0))


def common_shock_nodes(mean_logit: ArrayLike, scale: ArrayLike, n_nodes: int = 20) -> LatentNodes:
    r"""Gauss-Hermite nodes for a common normal shock on the logit scale.

    :math:`p_{kb} = \Lambda(\mu_b + \sigma_b z_k)` with :math:`z \sim N(0, 1)` shared by all
    blocs (e.g. a national opinion swing), so votes are correlated across blocs.

    Parameters
    ----------
    mean_logit
        (B,) bloc logit means :math:`\mu_b`.
    scale
        Loadings :math:`\sigma_b \ge 0`, scalar or (B,).
    n_nodes
        Number of probabilists' Gauss-Hermite nodes.

    Returns
    -------
    LatentNodes
        (K, B) yes probabilities and (K,) weights summing to one.

    Raises
    ------
    SpecError
        On non-finite means or negative scales.

    References
    ----------
    Gelman, Katz & Tuerlinckx (2002), *Statistical Science* 17(4).

    Examples
    --------
    >>> nodes = common_shock_nodes([0.0], 0.0, n_nodes=3)
    >>> nodes.p_yes.ravel().tolist(), round(float(nodes.weights.sum()), 12)
    ([0.5, 0.5, 0.5], 1.0)
    """
    mu = v.float_array(mean_logit, "mean_logit")
    sig = np.broadcast_to(np.asarray(scale, dtype=float), mu.shape)
    if not np.all(np.isfinite(sig)) or np.any(sig < 0):
        raise SpecError("scales must be finite and >= 0", field="scale")
    k = v.positive_int(n_nodes, "n_nodes")
    z, w = np.polynomial.hermite_e.hermegauss(k)
    w = w / w.sum()
    return LatentNodes(p_yes=special.expit(mu[None, :] + z[:, None] * sig[None, :]), weights=w)
