"""Numba kernel for the exact Art. 49 consent DP (private; imported lazily).

Kept apart so that importing :mod:`burdenshare.theory` does not import numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def consent_dp(yes: np.ndarray, no: np.ndarray, quorum: int) -> np.ndarray:  # pragma: no cover - jitted
    """P(present >= quorum and yes > no) for each row of member probabilities.

    ``yes[k, j]`` / ``no[k, j]`` are member j's probabilities of voting yes / being present
    and not voting yes under batch row k; absence has the remaining probability.  The
    joint pmf of (yes count, not-yes count) is built member by member in place, indices
    descending so each update reads only old values; the support after j members is the
    triangle y + m <= j.
    """
    n_batch, n = yes.shape
    out = np.empty(n_batch)
    s = np.zeros((n + 1, n + 1))
    for kk in range(n_batch):
        s[:, :] = 0.0
        s[0, 0] = 1.0
        for j in range(n):
            a = yes[kk, j]
            b = no[kk, j]
            c = 1.0 - a - b
            for y in range(j + 1, -1, -1):
                for m in range(j + 1 - y, -1, -1):
                    val = c * s[y, m]
                    if y > 0:
                        val += a * s[y - 1, m]
                    if m > 0:
                        val += b * s[y, m - 1]
                    s[y, m] = val
        total = 0.0
        for y in range(n + 1):
            for m in range(min(y, n + 1 - y)):
                if y + m >= quorum:
                    total += s[y, m]
        out[kk] = total
    return out
