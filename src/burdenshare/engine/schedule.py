r"""The consent tables in terms of the opening amount of a multiyear schedule.

The consent bank (:mod:`burdenshare.engine.consent`) holds :math:`C[b, k, d, i]`, the consent
probability of a flat agreement of grid amount :math:`i` and duration :math:`d` at round
:math:`k`.  A schedule with opening amount :math:`x_j` and term :math:`m_d` is valued at its level
equivalent :math:`\bar A = x_j f_d` (:mod:`burdenshare.agreement`), so its consent probability is
the table's at the grid amount nearest to :math:`\bar A`,

.. math::

    C'[b, k, d, j] = C[b, k, d, \ell(d, j)], \qquad
    \ell(d, j) = \operatorname{round}\bigl((x_j f_d - a_{min}) / s\bigr),

and its win-set (the largest amount with consent at least θ) in opening amounts is the largest
:math:`j` with :math:`\ell(d, j) \le W[b, k, d]` (consent falls with the amount; :math:`-1`:
empty).  With a flat schedule (:math:`f_d = 1`) both are the bank's own arrays, unchanged.  The
Level-I negotiators keep bargaining over the opening amount grid (their concession curves and
reservation values are in won per year of the opening amount); the President's approval, the
Assembly's consent and the utilities read :math:`\bar A`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.plan import Plan

__all__ = ["level_factor", "level_index", "opening_terms"]


def level_factor(plan: Plan) -> NDArray[np.float64]:
    """:math:`f_d` per duration (ones for a flat schedule)."""
    if plan.level_factor is None:
        return np.ones(plan.durations.size, dtype=np.float64)
    return np.ascontiguousarray(plan.level_factor, dtype=np.float64)


def level_index(plan: Plan) -> NDArray[np.int64]:
    r""":math:`\ell(d, j)`: the grid index nearest to each schedule's level equivalent, (D, n_grid)
    (not clipped: beyond the grid it reads as beyond the table)."""
    j = np.arange(plan.n_grid, dtype=np.float64)
    x = plan.amount_min + j * plan.amount_step
    lvl = (x[None, :] * level_factor(plan)[:, None] - plan.amount_min) / plan.amount_step
    return np.floor(lvl + 0.5).astype(np.int64)


def opening_terms(plan: Plan, table: NDArray[np.float64], winset: NDArray[np.int64],
                  offset: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The bank's table and win-sets re-indexed by opening amount (module docstring); the same
    arrays for a flat schedule."""
    if plan.level_factor is None:
        return table, winset
    lvl = level_index(plan)
    n_c = table.shape[3]
    out = np.empty_like(table)
    cols = offset + np.arange(n_c)
    for d in range(plan.durations.size):
        src = lvl[d, np.minimum(cols, plan.n_grid - 1)] - offset
        inside = (src >= 0) & (src < n_c)
        out[:, :, d, :] = np.where(src < 0, 1.0, 0.0)
        out[:, :, d, inside] = table[:, :, d, src[inside]]
    ws = np.empty_like(winset)
    for d in range(plan.durations.size):
        w = winset[:, :, d]
        ws[:, :, d] = np.where(w < 0, -1, np.searchsorted(lvl[d], w, side="right") - 1)
    return np.ascontiguousarray(out), np.ascontiguousarray(ws)
