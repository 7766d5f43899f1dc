"""The engine's kernel against its readable reference, draw by draw (burdenshare.engine.reference)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.reference import FLOAT_OUTPUTS, INT_OUTPUTS, play


def assert_kernel_rows_equal_reference(plan: Any, bank: Any, cols: dict[str, NDArray[Any]], u_vote: NDArray[np.float64],
                                       oi: NDArray[np.int64], of: NDArray[np.float64]) -> int:
    """Assert that each row of the kernel's outputs ``oi``/``of`` equals :func:`play` on that draw's
    columns, bit for bit (NaN equal to NaN); return how many draws signed a text."""
    agreed = 0
    for i in range(oi.shape[0]):
        row = {k: v[i] for k, v in cols.items()}
        ref = play(plan, bank.table, bank.winset, row, u_vote[i], bank.offset, base_log_median=bank.base_log_median)
        for j, name in enumerate(INT_OUTPUTS):
            assert oi[i, j] == ref[name], (i, name)
        for j, name in enumerate(FLOAT_OUTPUTS):
            a, b = of[i, j], ref[name]
            assert (math.isnan(a) and math.isnan(b)) or a == b, (i, name, a, b)
        agreed += int(ref["agreed"])
    return agreed
