"""Numba kernel for a consent table (private; see :mod:`.table`)."""

from __future__ import annotations

import numpy as np
from numba import njit

from burdenshare.legislature._kernels import margin_tail_fast


@njit(cache=True)
def margin_tail_table(seats, p_present, p_yes, weights, u, v, thr):  # pragma: no cover - jitted
    """:func:`~._kernels.margin_tail_fast` for every attendance level and duration in one call.

    seats (B,), p_present (L, B) attendance levels, p_yes / weights (D, A, B, K) per duration;
    returns (L, D, A) with ``out[l, d] = margin_tail_fast(seats, p_present[l], p_yes[d],
    weights[d], u, v, thr)``, bit for bit (the same function on the same rows: a consent table's
    calls without a Python round trip each).
    """
    n_l = p_present.shape[0]
    n_d, n_a = p_yes.shape[0], p_yes.shape[1]
    out = np.zeros((n_l, n_d, n_a))
    for i in range(n_l):
        for d in range(n_d):
            out[i, d] = margin_tail_fast(seats, p_present[i], p_yes[d], weights[d], u, v, thr)
    return out
