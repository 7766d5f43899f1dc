"""Input checks shared by the closed forms and the solver (private).

Every check raises :class:`burdenshare.errors.SpecError` naming the offending field.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError


def finite(value: float, field: str) -> float:
    """Return ``value`` as a float, rejecting NaN, infinities and non-numbers."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"must be a number, got {value!r}", field=field) from None
    if not math.isfinite(out):
        raise SpecError(f"must be finite, got {value!r}", field=field)
    return out


def discount(value: float, field: str) -> float:
    """A per-round discount factor in the open interval (0, 1)."""
    out = finite(value, field)
    if not 0.0 < out < 1.0:
        raise SpecError(f"discount factor must lie in (0, 1), got {out}", field=field)
    return out


def probability(value: float, field: str, *, open_low: bool = False) -> float:
    """A probability in [0, 1] (or (0, 1] with ``open_low``)."""
    out = finite(value, field)
    if out < 0.0 or out > 1.0 or (open_low and out == 0.0):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise SpecError(f"probability must lie in {interval}, got {out}", field=field)
    return out


def nonnegative(value: float, field: str) -> float:
    """A finite number >= 0."""
    out = finite(value, field)
    if out < 0.0:
        raise SpecError(f"must be >= 0, got {out}", field=field)
    return out


def positive(value: float, field: str) -> float:
    """A finite number > 0."""
    out = finite(value, field)
    if out <= 0.0:
        raise SpecError(f"must be > 0, got {out}", field=field)
    return out


def positive_int(value: int, field: str) -> int:
    """An integer >= 1 (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise SpecError(f"must be an integer, got {value!r}", field=field)
    if value < 1:
        raise SpecError(f"must be >= 1, got {value}", field=field)
    return int(value)


def float_array(values: ArrayLike, field: str, *, ndim: int | None = 1) -> NDArray[np.float64]:
    """A non-empty, finite float array (of the given number of dimensions)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SpecError("must be an array of numbers", field=field) from None
    if ndim is not None and arr.ndim != ndim:
        raise SpecError(f"must be {ndim}-dimensional, got shape {arr.shape}", field=field)
    if arr.size == 0:
        raise SpecError("must not be empty", field=field)
    if not np.all(np.isfinite(arr)):
        raise SpecError("must contain only finite numbers", field=field)
    return arr


def probability_array(values: ArrayLike, field: str, *, ndim: int | None = 1) -> NDArray[np.float64]:
    """A non-empty array of probabilities in [0, 1]."""
    arr = float_array(values, field, ndim=ndim)
    if np.any(arr < 0.0) or np.any(arr > 1.0):
        raise SpecError("probabilities must lie in [0, 1]", field=field)
    return arr
