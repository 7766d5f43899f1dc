r"""Impasse hooks shared by the scalar protocol and the batch kernel.

The two-level model adds two things to plain alternating offers, both deterministic given
arrays drawn beforehand by the engine (kernels never see an RNG):

* **Per-round costs** :math:`c_{p,k} \ge 0` borne by party :math:`p` for every round :math:`k`
  played (e.g. furloughed worker-days).  If the negotiation ends after :math:`s` rounds
  (``final_step``), party :math:`p` realises

  .. math:: U_p = u_p(x) - \sum_{k < s} c_{p,k}

  with :math:`u_p(x)` the agreement utility, or the reservation value without agreement.
  Strategies see undiscounted utilities; costs enter only the realised payoffs (an
  equilibrium policy can fold them into its thresholds).
* **Breakdown risk**: a hazard :math:`h_k` that talks collapse at the start of round :math:`k`.
  The engine draws uniforms :math:`U_{k}`; the breakdown round is the first :math:`k` with
  :math:`U_k < h_k` (:func:`breakdown_rounds`), and the protocol only reads that integer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError

__all__ = ["NO_BREAKDOWN", "breakdown_rounds", "cumulative_costs", "realized_utilities"]

NO_BREAKDOWN: int = -1
"""Breakdown round meaning "talks never break down"."""


def breakdown_rounds(hazard: ArrayLike, uniforms: ArrayLike) -> NDArray[np.int32]:
    """First round whose uniform falls below the hazard, per negotiation.

    Parameters
    ----------
    hazard
        Shape ``(n_steps,)``: probability that talks break down at the start of round ``k``.
    uniforms
        Shape ``(n, n_steps)``: uniforms on ``[0, 1)`` drawn by the caller.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, the breakdown round or :data:`NO_BREAKDOWN`.
    """
    h = np.asarray(hazard, dtype=np.float64)
    u = np.asarray(uniforms, dtype=np.float64)
    if h.ndim != 1 or not np.all(np.isfinite(h)) or np.any((h < 0) | (h > 1)):
        raise SpecError("hazard must be a 1-d array of probabilities", field="breakdown.hazard")
    if u.ndim != 2 or u.shape[1] != h.shape[0]:
        raise SpecError(
            f"uniforms must have shape (n, {h.shape[0]}), got {u.shape}", field="breakdown.uniforms"
        )
    hit = u < h[None, :]
    first = np.argmax(hit, axis=1).astype(np.int32)
    first[~hit.any(axis=1)] = NO_BREAKDOWN
    return first


def cumulative_costs(round_costs: ArrayLike | None, n_steps: int) -> NDArray[np.float64]:
    """Running totals ``C[p, s-1] = sum_{k<s} c[p, k]``; shape ``(2, n_steps)``.

    ``None`` means no costs (all zeros).
    """
    if round_costs is None:
        return np.zeros((2, n_steps), dtype=np.float64)
    c = np.asarray(round_costs, dtype=np.float64)
    if c.ndim == 1:
        c = np.stack([c, c])
    if c.shape != (2, n_steps):
        raise SpecError(
            f"round_costs must have shape (2, {n_steps}), got {c.shape}", field="round_costs"
        )
    if not np.all(np.isfinite(c)):
        raise SpecError("round_costs hold NaN or inf", field="round_costs")
    return np.cumsum(c, axis=1)


def realized_utilities(
    base: NDArray[np.float64], final_step: NDArray[np.integer], cum_costs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Subtract the costs of the rounds played from base utilities.

    Parameters
    ----------
    base
        Shape ``(n, 2)``: agreement utilities, or reservation values without agreement.
    final_step
        Shape ``(n,)``: rounds played.
    cum_costs
        Output of :func:`cumulative_costs`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2)``.
    """
    s = np.asarray(final_step, dtype=np.int64)
    padded = np.concatenate([np.zeros((2, 1)), cum_costs], axis=1)  # padded[:, s] = C up to s
    return base - padded[:, s].T
