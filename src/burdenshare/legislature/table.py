r"""A legislature's consent table over amounts and durations in one compiled call.

The engine tabulates :meth:`~burdenshare.legislature.model.LegislatureModel.consent_probability`
for every amount of a grid and every allowed duration at each round date
(:mod:`burdenshare.engine.consent`).  Called per duration, each call rebuilds the quadrature
nodes, checks its inputs, looks up the quorum bound and crosses into the compiled kernel once per
attendance level: about 30 % of a table's time beside the kernel itself.
:func:`consent_table` computes the same numbers for all durations at once:

1. the latent nodes (:meth:`LegislatureModel.nodes`: whip-yes, whip-no and the K Gauss-Hermite
   opinion-shock nodes, Gelman, Katz & Tuerlinckx 2002) for every duration, with the same
   elementwise arithmetic as :meth:`LegislatureModel.nodes` broadcast over a leading duration axis;
2. the attendance levels and the quorum decision of :meth:`LegislatureModel.consent` once;
3. one call of :func:`~burdenshare.legislature._lane_kernels.margin_tail_lanes_table`, which
   computes what the exact O(n) margin kernel (:func:`~burdenshare.legislature._kernels.margin_tail_fast`)
   computes on every (attendance level, duration) row, bit for bit, eight amounts at a time in
   vector registers (the same operations per amount; the whip nodes' pmfs once per level);
4. the attendance mixture and clipping of :meth:`LegislatureModel.consent`, in its order.

The result is bit-identical to calling ``consent_probability(amounts, m)`` for each duration
``m`` (tests).  Where the quorum can bind (the exact joint path of
:mod:`burdenshare.legislature.consent`) or no consent is possible, it calls
:meth:`LegislatureModel.consent_probability` per duration instead.

References
----------
Gelman, A., Katz, J. N. & Tuerlinckx, F. (2002). *Statistical Science* 17(4), 420-435.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.legislature.consent import _quorum_failure_cached, majority_steps
from burdenshare.legislature.model import LegislatureModel, _logistic, _quorum_failure

__all__ = ["consent_table", "nodes_table"]

_TOL = 1e-6  # LegislatureModel.consent's default quorum_tol


@lru_cache(maxsize=64)
def _shock_nodes(k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Probabilists' Gauss-Hermite nodes and normalized weights (as :meth:`LegislatureModel.nodes`)."""
    z, wz = np.polynomial.hermite_e.hermegauss(k) if k > 1 else (np.zeros(1), np.ones(1))
    z.setflags(write=False)
    wz = wz / wz.sum()
    wz.setflags(write=False)
    return z, wz


def nodes_table(model: LegislatureModel, amounts_krw: ArrayLike, durations: Sequence[int]
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:meth:`LegislatureModel.nodes` for several durations: ``(p_yes, weights)``, each (D, A, B, 2 + K).

    Row ``d`` equals ``model.nodes(amounts_krw, durations[d])`` bit for bit: the same
    operations, element by element, with a leading duration axis.

    Raises
    ------
    SpecError
        If an amount is not positive and finite or a duration not a positive integer.
    """
    x = np.atleast_1d(np.asarray(amounts_krw, dtype=float))
    if x.ndim != 1 or np.any(~np.isfinite(x)) or np.any(x <= 0):
        raise SpecError("amounts must be positive and finite", field="amount_krw")
    pos = np.asarray(model.position_krw)
    scale = []
    for m in durations:
        if isinstance(m, bool) or int(m) != m or m < 1:
            raise SpecError("duration_years must be a positive integer", field="duration_years")
        scale.append(float(m) ** model.duration_elasticity)
    log_m = np.log(pos[None, :] * np.asarray(scale)[:, None])[:, None, :]  # (D, 1, B)
    log_x = np.log(x)[None, :, None]  # (1, A, 1)
    rho = np.asarray(model.yes_propensity)
    d = np.asarray(model.discipline)
    z, wz = _shock_nodes(model.n_shock_nodes)
    k = z.size
    n_d, a, b = len(scale), x.size, len(model.blocs)
    p = np.empty((n_d, a, b, 2 + k))
    w = np.empty((n_d, a, b, 2 + k))
    whip_yes = _logistic(log_m - log_x, model.whip_scale)
    p[..., 0] = rho
    p[..., 1] = rho * model.defection
    w[..., 0] = d * whip_yes
    w[..., 1] = d * (1.0 - whip_yes)
    free = _logistic(log_m[..., None] + model.shock_sd * z - log_x[..., None], model.member_scale)
    p[..., 2:] = rho[:, None] * free
    w[..., 2:] = ((1.0 - d)[:, None] * wz[None, :])
    return p, w


def _margin_steps(model: LegislatureModel, seats: NDArray[np.int64]) -> tuple[int, int, int] | None:
    """``(u, v, thr)`` of :func:`~burdenshare.legislature.consent.consent_from_nodes`; None where it
    returns zeros without the kernel (fewer seated than the quorum, or an unreachable majority)."""
    seated = int(seats.sum())
    if seated < model.quorum:
        return None
    u, v = majority_steps(model.majority)
    thr = 0
    if model.majority_of == "all":
        frac = Fraction(model.majority).limit_denominator(20)
        needed = frac.numerator * seated // frac.denominator + 1
        if needed > seated:
            return None
        u, v, thr = 1, 0, needed - 1
    return u, v, thr


def consent_table(model: LegislatureModel, amounts_krw: ArrayLike, durations: Sequence[int]) -> NDArray[np.float64]:
    """Consent probabilities (D, A): row d is ``model.consent_probability(amounts_krw, durations[d])``.

    Parameters
    ----------
    model
        The legislature at one date.
    amounts_krw
        (A,) first-year amounts (won per year), positive.
    durations
        (D,) deal durations in years.

    Returns
    -------
    numpy.ndarray
        (D, A), bit-identical to the per-duration calls (module docstring).
    """
    # numba-compiled kernels: importing them loads numba, which only exact consent needs.
    from burdenshare.legislature._lane_kernels import margin_tail_lanes_table

    x = np.atleast_1d(np.asarray(amounts_krw, dtype=float))
    durs = [int(m) for m in durations]
    seats = np.asarray(model.seats).astype(np.int64)
    levels, lw = model.attendance_levels()
    steps = _margin_steps(model, seats)
    fast = steps is not None
    if fast and steps is not None:
        mode = "auto"
        if lw.size > 1:
            eps_mix = float(sum(wt * _quorum_failure(np.asarray(model.seats), lv, model.quorum) for lv, wt in zip(levels, lw)))
            if eps_mix <= max(_TOL, 1e-4):
                mode = "bound"
        u, v, thr = steps
        for lv in levels:
            eps = _quorum_failure_cached(seats, np.asarray(lv, dtype=float), model.quorum)
            if model.majority_of == "all" and thr + 1 >= model.quorum:
                eps = 0.0
            if mode == "auto" and eps > _TOL and eps > 0.0:
                fast = False  # the exact joint path
    if not fast or steps is None:
        return np.stack([model.consent_probability(x, m) for m in durs]) if durs else np.zeros((0, x.size))
    u, v, thr = steps
    p, w = nodes_table(model, x, durs)
    pp = np.ascontiguousarray(levels, dtype=np.float64)
    out = margin_tail_lanes_table(seats, pp, p, w, u, v, thr)  # (L, D, A)
    if lw.size == 1:
        return np.clip(out[0], 0.0, 1.0)
    return np.asarray(np.clip(sum(wt * np.clip(out[i], 0.0, 1.0) for i, wt in enumerate(lw)), 0.0, 1.0))
