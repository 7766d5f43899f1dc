r"""Social influence among partisan bases: DeGroot and Friedkin-Johnsen updating.

The opinion of base :math:`i` is its log-median WTP :math:`x_i = \mu_i` (log won).  A
row-stochastic influence matrix :math:`W` (:math:`W_{ij}` = weight base :math:`i` gives to
base :math:`j`) and susceptibilities :math:`\Lambda = \mathrm{diag}(\lambda_i)`,
:math:`\lambda_i \in [0, 1]`, drive the rounds

.. math::

    \text{DeGroot (1974):}\quad x^{(r+1)} = W x^{(r)},\qquad
    \text{Friedkin-Johnsen (1990):}\quad x^{(r+1)} = \Lambda W x^{(r)} + (I - \Lambda)\,x^{(0)},

where :math:`x^{(0)}` are the fitted log-medians (each base's "prejudice").  DeGroot
converges (for an irreducible aperiodic :math:`W`) to the consensus :math:`\pi\cdot x^{(0)}`
with :math:`\pi` the left unit eigenvector; Friedkin-Johnsen to
:math:`x^* = (I - \Lambda W)^{-1}(I - \Lambda)x^{(0)}` when :math:`I - \Lambda W` is invertible.
The closed forms are :func:`burdenshare.theory.opinion.degroot_consensus` and
:func:`burdenshare.theory.opinion.friedkin_johnsen`; this module adds the round-by-round
iteration and applies either to a :class:`~burdenshare.opinion.wtp.WTPModel` (only
:math:`\mu_g` moves; the spreads are kept).

:math:`W` and :math:`\Lambda` are assumptions: no data in the bundle identify them.

References
----------
.. [DeGroot1974] DeGroot, M. H. (1974). "Reaching a consensus". *JASA* 69(345), 118-121.
.. [FJ1990] Friedkin, N. E., & Johnsen, E. C. (1990). "Social influence and opinions".
   *Journal of Mathematical Sociology* 15(3-4), 193-206.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.opinion.wtp import WTPModel
from burdenshare.theory.opinion import degroot_consensus, friedkin_johnsen


def _matrix(weights: ArrayLike) -> NDArray[np.float64]:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise SpecError("W must be a square matrix", field="influence")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.allclose(w.sum(axis=1), 1.0, atol=1e-9):
        raise SpecError("W must be row-stochastic (non-negative rows summing to 1)", field="influence")
    return w


def _lambda(susceptibility: ArrayLike, n: int) -> NDArray[np.float64]:
    lam = np.broadcast_to(np.asarray(susceptibility, dtype=float), (n,)).copy()
    if not np.all(np.isfinite(lam)) or np.any((lam < 0) | (lam > 1)):
        raise SpecError("susceptibility must lie in [0, 1]", field="susceptibility")
    return lam


def degroot_rounds(weights: ArrayLike, initial: ArrayLike, rounds: int) -> NDArray[np.float64]:
    r"""Opinions after ``rounds`` DeGroot steps :math:`x \leftarrow Wx`.

    Examples
    --------
    >>> x = degroot_rounds([[0.7, 0.3], [0.4, 0.6]], [1.0, 2.0], 200)
    >>> (x * 7).round(6).tolist()
    [10.0, 10.0]
    """
    w = _matrix(weights)
    x = np.asarray(initial, dtype=float)
    if x.shape != (w.shape[0],):
        raise SpecError("initial opinions must have one entry per row of W", field="initial")
    if rounds < 0:
        raise SpecError("rounds must be >= 0", field="rounds")
    for _ in range(int(rounds)):
        x = w @ x
    return x


def fj_rounds(
    weights: ArrayLike, susceptibility: ArrayLike, initial: ArrayLike, rounds: int
) -> NDArray[np.float64]:
    r"""Opinions after ``rounds`` Friedkin-Johnsen steps
    :math:`x \leftarrow \Lambda W x + (I - \Lambda)x^{(0)}`.

    Examples
    --------
    >>> x = fj_rounds([[0.7, 0.3], [0.4, 0.6]], 0.5, [1.0, 2.0], 200)
    >>> (x * 17).round(6).tolist()
    [20.0, 30.0]
    """
    w = _matrix(weights)
    x0 = np.asarray(initial, dtype=float)
    n = w.shape[0]
    if x0.shape != (n,):
        raise SpecError("initial opinions must have one entry per row of W", field="initial")
    if rounds < 0:
        raise SpecError("rounds must be >= 0", field="rounds")
    lam = _lambda(susceptibility, n)
    x = x0.copy()
    for _ in range(int(rounds)):
        x = lam * (w @ x) + (1.0 - lam) * x0
    return x


@dataclass(frozen=True, slots=True)
class InfluenceParams:
    """Social-influence network among groups (assumptions).

    Parameters
    ----------
    groups
        The group names the rows/columns of ``weights`` refer to (others are untouched).
    weights
        Row-stochastic :math:`W` as nested tuples.
    susceptibility
        :math:`\\lambda_i \\in [0, 1]`: one number or one per group.  ``1`` everywhere is DeGroot.
    rounds
        Number of rounds; ``None`` = the steady state (closed form).
    """

    groups: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...] = field(hash=False)
    susceptibility: float | tuple[float, ...] = 0.5
    rounds: int | None = None

    def __post_init__(self) -> None:
        w = _matrix(self.weights)
        if w.shape[0] != len(self.groups) or len(set(self.groups)) != len(self.groups):
            raise SpecError("influence groups must be distinct and match the size of W", field="groups")
        _lambda(self.susceptibility, len(self.groups))
        if self.rounds is not None and self.rounds < 0:
            raise SpecError("rounds must be >= 0", field="rounds")


def influence_update(initial: ArrayLike, params: InfluenceParams) -> NDArray[np.float64]:
    """Log-medians after social influence: FJ rounds, or the steady state (closed form).

    With ``rounds=None`` and every susceptibility equal to 1 (DeGroot), the steady state is the
    consensus :math:`\\pi\\cdot x^{(0)}` for every group.
    """
    x0 = np.asarray(initial, dtype=float)
    n = len(params.groups)
    lam = _lambda(params.susceptibility, n)
    if params.rounds is not None:
        return fj_rounds(params.weights, lam, x0, params.rounds)
    if np.all(lam == 1.0):
        return np.full(n, degroot_consensus(params.weights, x0).value)
    return np.asarray(friedkin_johnsen(params.weights, lam, x0), dtype=float)


def apply_influence(model: WTPModel, params: InfluenceParams) -> WTPModel:
    """Replace the log-medians :math:`\\mu_g` of ``params.groups`` by their influenced values."""
    for g in params.groups:
        model.group(g)  # raises on unknown names
    x0 = np.array([model.group(g).mu for g in params.groups])
    x = influence_update(x0, params)
    new = [replace(model.group(g), mu=float(v)) for g, v in zip(params.groups, x)]
    how = "steady state" if params.rounds is None else f"{params.rounds} rounds"
    return model.with_groups(new, f"social influence ({how}) among {', '.join(params.groups)}")


def group_medians_log(model: WTPModel, groups: Sequence[str]) -> NDArray[np.float64]:
    """Vector of :math:`\\mu_g` for ``groups`` (the opinions the dynamics act on)."""
    return np.array([model.group(g).mu for g in groups])
