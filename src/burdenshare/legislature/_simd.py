"""Eight float64 lanes as one value in Numba kernels (private; see :mod:`._lane_kernels`).

Numba compiles array loops to scalar code unless LLVM's auto-vectorizers prove that the arrays
do not overlap, which they cannot for the short fixed-width blocks of the lane kernels.  These
intrinsics give Numba code an explicit vector value (``F64x8``, LLVM's ``<8 x double>``): load
eight consecutive elements of a C-contiguous array, add, multiply, broadcast, compare, store.

Exactness: ``vadd`` and ``vmul`` are LLVM's ``fadd``/``fmul`` on vectors with no fast-math
flags, i.e. IEEE 754 double additions and multiplications done lane by lane, each rounded once
(no fused multiply-add, no reassociation).  A lane of a vector expression therefore gives bit
for bit what the same scalar expression gives (the tests compare them).

Indices are flat element offsets into the array's data and are not bounds-checked: callers
keep ``idx + 8 <= arr.size``.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, models, register_model

__all__ = ["LANES", "f64x8", "vadd", "vany_gt", "vdiv", "vload", "vmul", "vpowi", "vsplat", "vstore", "vsub"]

LANES = 8
_VT = ir.VectorType(ir.DoubleType(), LANES)


class F64x8Type(types.Type):
    """Numba type of eight float64 lanes."""

    def __init__(self) -> None:
        super().__init__(name="F64x8")


f64x8 = F64x8Type()


@register_model(F64x8Type)
class _F64x8Model(models.PrimitiveModel):
    def __init__(self, dmm: Any, fe_type: Any) -> None:
        super().__init__(dmm, fe_type, _VT)


def _vptr(context: Any, builder: Any, aryty: Any, ary_val: Any, idx: Any) -> Any:
    ary = context.make_array(aryty)(context, builder, ary_val)
    return builder.bitcast(builder.gep(ary.data, [idx], inbounds=True), _VT.as_pointer())


def _check_array(arr: Any) -> None:
    if not (isinstance(arr, types.Array) and arr.dtype == types.float64 and arr.layout == "C"):
        raise TypeError("a C-contiguous float64 array is needed")


@intrinsic
def vload(typingctx: Any, arr: Any, idx: Any) -> Any:
    """``arr.flat[idx:idx + 8]`` as one vector."""
    _check_array(arr)
    sig = f64x8(arr, types.intp)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.load(_vptr(context, builder, sig.args[0], args[0], args[1]), align=8)

    return sig, codegen


@intrinsic
def vstore(typingctx: Any, arr: Any, idx: Any, v: Any) -> Any:
    """``arr.flat[idx:idx + 8] = v``."""
    _check_array(arr)
    sig = types.void(arr, types.intp, f64x8)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        builder.store(args[2], _vptr(context, builder, sig.args[0], args[0], args[1]), align=8)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def vsplat(typingctx: Any, x: Any) -> Any:
    """The vector with ``x`` in every lane."""
    sig = f64x8(types.float64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        undef = ir.Constant(_VT, ir.Undefined)
        v = builder.insert_element(undef, args[0], ir.Constant(ir.IntType(32), 0))
        return builder.shuffle_vector(v, undef, ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES))

    return sig, codegen


@intrinsic
def vadd(typingctx: Any, a: Any, b: Any) -> Any:
    """Lane-wise ``a + b`` (IEEE, rounded once per lane)."""
    sig = f64x8(f64x8, f64x8)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fadd(args[0], args[1])

    return sig, codegen


@intrinsic
def vmul(typingctx: Any, a: Any, b: Any) -> Any:
    """Lane-wise ``a * b`` (IEEE, rounded once per lane)."""
    sig = f64x8(f64x8, f64x8)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fmul(args[0], args[1])

    return sig, codegen


@intrinsic
def vsub(typingctx: Any, a: Any, b: Any) -> Any:
    """Lane-wise ``a - b`` (IEEE, rounded once per lane)."""
    sig = f64x8(f64x8, f64x8)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fsub(args[0], args[1])

    return sig, codegen


@intrinsic
def vdiv(typingctx: Any, a: Any, b: Any) -> Any:
    """Lane-wise ``a / b`` (IEEE, rounded once per lane)."""
    sig = f64x8(f64x8, f64x8)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fdiv(args[0], args[1])

    return sig, codegen


@njit(cache=True)
def vpowi(a, n):  # pragma: no cover - jitted
    """Lane-wise ``a ** n`` for an integer ``0 <= n <= 65536``, by the multiplications (binary
    powering) Numba compiles ``float ** int`` to, so each lane equals the scalar ``a[t] ** n``."""
    r = vsplat(1.0)
    e = n
    while e != 0:
        if e & 1:
            r = vmul(r, a)
        e >>= 1
        a = vmul(a, a)
    return r


@intrinsic
def vany_gt(typingctx: Any, a: Any, x: Any) -> Any:
    """Whether some lane of ``a`` is greater than ``x``."""
    sig = types.boolean(f64x8, types.float64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        undef = ir.Constant(_VT, ir.Undefined)
        s = builder.insert_element(undef, args[1], ir.Constant(ir.IntType(32), 0))
        s = builder.shuffle_vector(s, undef, ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES))
        mask = builder.fcmp_ordered(">", args[0], s)
        bits = builder.bitcast(mask, ir.IntType(LANES))
        return builder.icmp_unsigned("!=", bits, ir.Constant(ir.IntType(LANES), 0))

    return sig, codegen
