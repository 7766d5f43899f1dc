r"""Vectorised batch kernel: many time-based SAO negotiations over one agreement space.

Each negotiation :math:`i` has its own parameters -- exponents :math:`e_{i,p}`, reservation
values :math:`r_{i,p}`, kinds (``TB``/``ASP``) of both parties :math:`p \in \{0, 1\}`, first
mover, deadline :math:`n_i` and a pre-drawn breakdown round -- and the kernel plays it exactly as
:func:`burdenshare.bargaining.protocol.run_sao` does with
:func:`~burdenshare.bargaining.strategies.time_based` strategies (bit-identical floats: the
same operations in the same order, ``math.pow`` for :math:`t^e`).

Per negotiation, each party's thresholds are computed afresh (nothing is memoised across
negotiations); only the presorted utility tables of the space are shared (space set-up, as NegMAS
presorts once per negotiator).  Per round and party the kernel computes the threshold
:math:`lo(t_k)`, compares the standing offer, and searches the presorted utilities for its offer
(a short walk from the previous offer; for longer jumps a binary search in small spaces, or in
spaces of more than ``INDEX_MIN_OUTCOMES`` outcomes a per-space bucket index of the presorted
utilities followed by an exact walk -- a separately compiled kernel), then applies the 1e-6
nearest rule.

Cost of :math:`t^e`.  ``math.pow`` (~20 ns) would dominate, so the kernel:

1. uses :math:`t` itself when :math:`e = 1` (``pow(t, 1.0) == t`` exactly) and one value for
   both parties when their exponents are equal (same inputs, same value);
2. otherwise brackets :math:`t^e` with a cheap approximation whose relative error has a proven
   margin -- products or square roots for :math:`e \in \{4, 2, 1/2, 1/4\}` (NegMAS's boulware
   and conceder curves), :mod:`burdenshare.bargaining._powbound` otherwise -- computed 16 rounds
   ahead in a tight loop;
   the bracket maps through the monotone threshold formula to :math:`[lo_l, lo_h]`, and
3. calls ``math.pow`` only if a decision (accept; which outcome to offer; the nearest rule) is
   not the same for every threshold in :math:`[lo_l, lo_h]`.

Every decision is therefore exactly the one the scalar reference makes with ``math.pow``; the
tests check this against the reference, the recorded NegMAS runs, and with
``pow_bracketing=False``.

:func:`run_batch` fills result arrays chunk by chunk; :func:`iter_batch` streams chunks (for
:math:`10^7` negotiations with bounded memory).  The kernel is one ``@njit(cache=True)``
function over a chunk, single-threaded, and never touches an RNG, the clock or files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining._powbound import POW_REL_TOL, pow_approx
from burdenshare.bargaining.hooks import NO_BREAKDOWN, cumulative_costs, realized_utilities
from burdenshare.bargaining.space import Domain
from burdenshare.bargaining.strategies import ASP_EPS, KINDS, NEAREST_EPS, TB_EPS
from burdenshare.errors import SpecError

__all__ = ["BatchSpec", "BatchResult", "run_batch", "iter_batch", "DEFAULT_CHUNK_SIZE"]

DEFAULT_CHUNK_SIZE: int = 1 << 16
KIND_TB: int = 0
KIND_ASP: int = 1


# ----------------------------------------------------------------------------- specification


def _as_pair(x: ArrayLike, n: int, dtype: type, name: str) -> NDArray[Any]:
    a = np.asarray(x)
    if a.dtype.kind in "US":  # kinds given as strings
        codes = np.full(a.shape, -1, dtype=np.int8)
        for code, label in enumerate(KINDS):
            codes[a == label] = code
        if np.any(codes < 0):
            bad = a[codes < 0].ravel()[0]
            raise SpecError(
                f"unknown strategy kind {bad!r}; allowed: {', '.join(KINDS)}", field=name
            )
        a = codes
    if n == 0 and a.size == 0:
        return np.empty((0, 2), dtype=dtype)
    try:
        a = np.broadcast_to(a.astype(dtype, copy=False), (n, 2))
    except ValueError:
        raise SpecError(f"{name} must broadcast to shape ({n}, 2), got {a.shape}", field=name) from None
    return np.ascontiguousarray(a)


def _as_vec(x: ArrayLike, n: int, dtype: type, name: str) -> NDArray[Any]:
    a = np.asarray(x)
    if n == 0 and a.size == 0:
        return np.empty(0, dtype=dtype)
    try:
        a = np.broadcast_to(a.astype(dtype, copy=False), (n,))
    except (ValueError, TypeError):
        raise SpecError(f"{name} must broadcast to shape ({n},), got {a.shape}", field=name) from None
    return np.ascontiguousarray(a)


def _first_bad(mask: NDArray[np.bool_]) -> tuple[int, ...]:
    return tuple(int(v) for v in np.argwhere(mask)[0])


@dataclass(frozen=True, slots=True, eq=False)
class BatchSpec:
    """Per-negotiation parameters of a batch (party order of the domain).

    Parameters
    ----------
    exponents
        ``(n, 2)`` float64: concession exponent of each party (finite, ``> 0``).
    reservation_values
        ``(n, 2)`` float64: reservation value of each party (finite).
    first
        ``(n,)`` int8: index of the party that opens.
    n_steps
        ``(n,)`` int32: deadline in rounds (``>= 1``).
    kinds
        ``(n, 2)`` int8: 0 = ``TB``, 1 = ``ASP``.
    breakdown_round
        ``(n,)`` int32: round at whose start talks break down, ``-1`` for never.

    Use :meth:`build` to broadcast scalars and names; the constructor validates.
    """

    exponents: NDArray[np.float64]
    reservation_values: NDArray[np.float64]
    first: NDArray[np.int8]
    n_steps: NDArray[np.int32]
    kinds: NDArray[np.int8]
    breakdown_round: NDArray[np.int32]

    def __post_init__(self) -> None:
        n = len(self.first)
        checks = [
            ("exponents", self.exponents, (n, 2), np.float64),
            ("reservation_values", self.reservation_values, (n, 2), np.float64),
            ("first", self.first, (n,), np.int8),
            ("n_steps", self.n_steps, (n,), np.int32),
            ("kinds", self.kinds, (n, 2), np.int8),
            ("breakdown_round", self.breakdown_round, (n,), np.int32),
        ]
        for name, a, shape, dtype in checks:
            if not isinstance(a, np.ndarray) or a.shape != shape or a.dtype != dtype:
                raise SpecError(f"{name} must be a {dtype.__name__} array of shape {shape}", field=name)
        e = self.exponents
        bad = ~(np.isfinite(e) & (e > 0.0))
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"exponent must be finite and > 0, got {e[i]!r}", field=f"exponents[{i[0]}, {i[1]}]"
            )
        bad = ~np.isfinite(self.reservation_values)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"reservation value must be finite, got {self.reservation_values[i]!r}",
                field=f"reservation_values[{i[0]}, {i[1]}]",
            )
        bad = self.n_steps < 1
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"n_steps must be >= 1, got {self.n_steps[i]}", field=f"n_steps[{i[0]}]"
            )
        bad = (self.first != 0) & (self.first != 1)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(f"first must be 0 or 1, got {self.first[i]}", field=f"first[{i[0]}]")
        bad = (self.kinds != KIND_TB) & (self.kinds != KIND_ASP)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"unknown kind code {self.kinds[i]}; allowed: 0 (TB), 1 (ASP)",
                field=f"kinds[{i[0]}, {i[1]}]",
            )

    @classmethod
    def build(
        cls,
        n: int,
        *,
        exponents: ArrayLike,
        reservation_values: ArrayLike = 0.0,
        first: ArrayLike = 0,
        n_steps: ArrayLike = 100,
        kinds: ArrayLike = "TB",
        breakdown_round: ArrayLike | None = None,
    ) -> BatchSpec:
        """Broadcast scalars / per-party pairs to ``n`` negotiations and validate.

        ``kinds`` may be given as ``"TB"``/``"ASP"`` labels; ``breakdown_round=None`` means never.
        Non-finite exponents or reservation values, ``n_steps < 1`` and unknown kinds raise
        :class:`~burdenshare.errors.SpecError` naming the field.
        """
        if n < 0:
            raise SpecError(f"n must be >= 0, got {n}", field="n")
        ns = np.asarray(n_steps)
        if ns.dtype.kind == "f" and not np.all(np.isfinite(ns)):
            raise SpecError("n_steps must be integers >= 1", field="n_steps")
        if ns.dtype.kind not in "iub" and not np.all(ns == np.floor(ns)):
            raise SpecError("n_steps must be integers >= 1", field="n_steps")
        if np.any(ns < 1):
            raise SpecError(f"n_steps must be >= 1, got {ns.min()}", field="n_steps")
        return cls(
            exponents=_as_pair(exponents, n, np.float64, "exponents"),
            reservation_values=_as_pair(reservation_values, n, np.float64, "reservation_values"),
            first=_as_vec(first, n, np.int8, "first"),
            n_steps=_as_vec(ns, n, np.int32, "n_steps"),
            kinds=_as_pair(kinds, n, np.int8, "kinds"),
            breakdown_round=_as_vec(
                NO_BREAKDOWN if breakdown_round is None else breakdown_round,
                n,
                np.int32,
                "breakdown_round",
            ),
        )

    def __len__(self) -> int:
        return len(self.first)

    def slice(self, start: int, stop: int) -> BatchSpec:
        """Negotiations ``start:stop`` (views, no copy)."""
        s = slice(start, stop)
        return BatchSpec(
            self.exponents[s],
            self.reservation_values[s],
            self.first[s],
            self.n_steps[s],
            self.kinds[s],
            self.breakdown_round[s],
        )


@dataclass(frozen=True, slots=True, eq=False)
class BatchResult:
    """Results of a batch, one row per negotiation (party order of the domain).

    Parameters
    ----------
    agreement
        ``(n,)`` int32: agreed outcome index, ``-1`` if none.
    round
        ``(n,)`` int32: 0-based agreement round, ``-1`` if none.
    accepted_by, proposed_by
        ``(n,)`` int8: party index of the acceptor / proposer, ``-1`` if none.
    timedout, broken
        ``(n,)`` bool.
    final_step
        ``(n,)`` int32: rounds played (NegMAS ``state.step``).
    utilities
        ``(n, 2)`` float64: realised utilities (agreement utility or reservation value, minus
        round costs).
    first
        ``(n,)`` int8: the first mover (to read traces).
    offers
        ``(n, 2 * max n_steps)`` int32 offer trace (``-1`` padded), if recorded.
    n_offers
        ``(n,)`` int32: number of offers made, if recorded.
    """

    agreement: NDArray[np.int32]
    round: NDArray[np.int32]
    accepted_by: NDArray[np.int8]
    proposed_by: NDArray[np.int8]
    timedout: NDArray[np.bool_]
    broken: NDArray[np.bool_]
    final_step: NDArray[np.int32]
    utilities: NDArray[np.float64]
    first: NDArray[np.int8]
    offers: NDArray[np.int32] | None = None
    n_offers: NDArray[np.int32] | None = None

    def __len__(self) -> int:
        return len(self.agreement)

    def trace(self, i: int) -> list[tuple[int, int, int]]:
        """Offers of negotiation ``i`` as ``(round, party index, outcome index)``."""
        if self.offers is None or self.n_offers is None:
            raise SpecError("the batch was run without record_trace=True", field="record_trace")
        f = int(self.first[i])
        offers = self.offers[i, : int(self.n_offers[i])].tolist()
        return [(j >> 1, f ^ (j & 1), o) for j, o in enumerate(offers)]


# ----------------------------------------------------------------------------- kernel


@numba.njit(cache=True, inline="always")
def _u(i: int | np.integer[Any]) -> np.uint64:
    """Non-negative index as unsigned, so Numba emits no negative-index wraparound."""
    return np.uint64(i)


@numba.njit(cache=True, inline="always")
def _lower_bound(su: NDArray[np.float64], lo_idx: int, hi_idx: int, x: float) -> int:
    """Smallest j in [lo_idx, hi_idx) with su[j] >= x, or hi_idx."""
    while lo_idx < hi_idx:
        mid = (lo_idx + hi_idx) >> 1
        if su[_u(mid)] < x:
            lo_idx = mid + 1
        else:
            hi_idx = mid
    return lo_idx


@numba.njit(cache=True, inline="always")
def _search(
    su: NDArray[np.float64],
    start: int,
    n: int,
    pos: int,
    lo: float,
    bidx: NDArray[np.int32] | None,
    b0: float,
    bscale: float,
    nb1: int,
) -> int:
    """Position A of the smallest utility >= lo in su[start:n] (n-1 if none), from hint pos.

    A short walk down from the previous position covers the common case (the threshold only
    falls); longer jumps start from the space's bucket index ``bidx`` (``bidx[b]`` is the
    lower bound of ``b0 + b / bscale``, set up once per space) and walk to the exact position,
    so the index only affects speed, never the result.
    """
    if su[_u(pos)] >= lo:
        for _ in range(4):
            if pos > start and su[_u(pos - 1)] >= lo:
                pos -= 1
            else:
                return pos
        if bidx is None:  # small space: bisect (compiled out when an index is given)
            return _lower_bound(su, start, pos, lo)
    elif bidx is None:
        j = _lower_bound(su, pos + 1, n, lo)
        return j if j < n else n - 1
    b = (lo - b0) * bscale
    if not b >= 0.0:  # also NaN
        b = 0.0
    if b > nb1:  # clamp before the conversion (out-of-range float -> int is undefined)
        b = nb1
    j = int(bidx[_u(np.int64(b))])
    while j > 0 and su[_u(j - 1)] >= lo:
        j -= 1
    while j < n and su[_u(j)] < lo:
        j += 1
    if j < start:
        j = start
    return j if j < n else n - 1


@numba.njit(cache=True, inline="always")
def _threshold(p: float, umin: float, umax: float, eps: float) -> float:
    # Same operations, same order as strategies.thresholds (NegMAS PolyAspiration + clip),
    # given p = math.pow(t, e).
    a = 1.0 * (1.0 - p)
    lo = (umax - umin) * a + umin
    lo -= eps
    if lo < umin:
        lo = umin
    if lo > umax:
        lo = umax
    return lo


@numba.njit(cache=True, inline="always")
def _fill_pow(t_buf: NDArray[np.float64], top: int, e: float, out: NDArray[np.float64]) -> None:
    """``out[m] ~ t_buf[m] ** e`` within the relative margin of :func:`_bracket`.

    NegMAS's named curves (boulware 4, conceder 0.25) and e = 2, 0.5 use products and square
    roots (each correctly rounded, so the relative error is a few units in the last place, far
    inside the margin); other exponents use :func:`pow_approx`.
    """
    if e == 4.0:
        for m in range(top):
            x = t_buf[m] * t_buf[m]
            out[m] = x * x
    elif e == 0.25:
        for m in range(top):
            out[m] = math.sqrt(math.sqrt(t_buf[m]))
    elif e == 2.0:
        for m in range(top):
            out[m] = t_buf[m] * t_buf[m]
    elif e == 0.5:
        for m in range(top):
            out[m] = math.sqrt(t_buf[m])
    else:
        for m in range(top):
            out[m] = pow_approx(t_buf[m], e)


BLOCK = 16  # rounds whose t**e brackets are computed together
ACCEPT = -1
BEST = -2
UNDECIDED = -3


@numba.njit(cache=True, inline="always")
def _act(
    lo_l: float,
    lo_h: float,
    has_standing: bool,
    u_standing: float,
    hi: float,
    su: NDArray[np.float64],
    start: int,
    n: int,
    pos: int,
    near_eps: float,
    bidx: NDArray[np.int32] | None,
    b0: float,
    bscale: float,
    nb1: int,
) -> int:
    """One action given the threshold ``lo`` or a bracket ``lo_l <= lo <= lo_h``.

    Returns :data:`ACCEPT`; :data:`BEST` (no rational outcome: offer the best); the position
    ``j >= 0`` of the offer in ``su``; ``-4 - j`` for the nearest-rule offer at ``j - 1`` (``j``
    stays the search hint); or :data:`UNDECIDED` if a decision boundary lies inside the bracket.
    With ``lo_l == lo_h`` the result is always decided and equals the scalar reference.
    """
    if has_standing:
        if u_standing >= lo_h:
            if u_standing <= hi:
                return ACCEPT
        elif u_standing >= lo_l:
            return UNDECIDED
    if start >= n:
        return BEST
    j = _search(su, start, n, pos, lo_h, bidx, b0, bscale, nb1)
    if su[_u(j)] >= lo_h and (j == start or su[_u(j - 1)] < lo_l - near_eps):
        return j
    if lo_l != lo_h:
        return UNDECIDED
    b = j - 1  # NegMAS nearest rule (strategies.nearest_offer_position)
    if b >= start:
        ub = su[_u(b)]
        if ub >= lo_l - near_eps and abs(ub - lo_l) < abs(su[_u(j)] - lo_l):
            return -4 - j
    return j


@numba.njit(cache=True, inline="always")
def _bracket(
    t: float, e: float, q: float, rel: float, umin: float, umax: float, eps: float, fast: bool
) -> tuple[float, float]:
    """``(lo_l, lo_h)`` enclosing the exact threshold; equal when computed exactly."""
    if e == 1.0:
        lo = _threshold(t, umin, umax, eps)  # pow(t, 1.0) == t
        return lo, lo
    if not fast:
        lo = _threshold(math.pow(t, e), umin, umax, eps)
        return lo, lo
    d = q * rel
    l1 = _threshold(q - d, umin, umax, eps)
    l2 = _threshold(q + d, umin, umax, eps)
    if l1 < l2:
        return l1, l2
    return l2, l1


@numba.njit(cache=True)
def _sao_chunk(  # noqa: PLR0913, PLR0915 - one flat kernel is the point
    table: NDArray[np.float64],
    order: NDArray[np.int64],
    sorted_table: NDArray[np.float64],
    cross: NDArray[np.float64],
    bidx: NDArray[np.int32] | None,
    bpar: NDArray[np.float64],
    exponents: NDArray[np.float64],
    rvs: NDArray[np.float64],
    first: NDArray[np.int8],
    n_steps: NDArray[np.int32],
    kinds: NDArray[np.int8],
    breakdown: NDArray[np.int32],
    tb_eps: float,
    asp_eps: float,
    near_eps: float,
    fast: bool,
    out_agreement: NDArray[np.int32],
    out_round: NDArray[np.int32],
    out_acc: NDArray[np.int8],
    out_prop: NDArray[np.int8],
    out_timedout: NDArray[np.bool_],
    out_broken: NDArray[np.bool_],
    out_final: NDArray[np.int32],
    out_util: NDArray[np.float64],
    record: bool,
    out_offers: NDArray[np.int32],
    out_n_offers: NDArray[np.int32],
) -> None:
    n_out = table.shape[1]
    nb1 = 0 if bidx is None else bidx.shape[1] - 1
    t_buf = np.empty(BLOCK)
    qa_buf = np.zeros(BLOCK)
    qb_buf = np.zeros(BLOCK)
    for i in range(first.shape[0]):
        ns = n_steps[i]
        bk = breakdown[i]
        pa = int(first[i])  # opener
        pb = 1 - pa
        # --- per-negotiation set-up of each party (NegMAS: on_preferences_changed) ---
        e_a = exponents[i, pa]
        rv_a = rvs[i, pa]
        su_a = sorted_table[pa]
        cross_a = cross[pa]
        order_a = order[pa]
        bidx_a = None if bidx is None else bidx[pa]
        b0_a = bpar[pa, 0]
        bs_a = bpar[pa, 1]
        umax_a = su_a[n_out - 1]
        umin_a = su_a[0]
        if rv_a > umin_a:
            umin_a = rv_a
        eps_a = tb_eps if kinds[i, pa] == 0 else asp_eps
        hi_a = (umax_a - umin_a) * 1.0 + umin_a
        hi_a += eps_a
        if hi_a < umin_a:
            hi_a = umin_a
        if hi_a > umax_a:
            hi_a = umax_a
        start_a = _lower_bound(su_a, 0, n_out, rv_a) if kinds[i, pa] == 0 else 0
        pos_a = n_out - 1
        rel_a = POW_REL_TOL * (1.0 + e_a)

        e_b = exponents[i, pb]
        rv_b = rvs[i, pb]
        su_b = sorted_table[pb]
        cross_b = cross[pb]
        order_b = order[pb]
        bidx_b = None if bidx is None else bidx[pb]
        b0_b = bpar[pb, 0]
        bs_b = bpar[pb, 1]
        umax_b = su_b[n_out - 1]
        umin_b = su_b[0]
        if rv_b > umin_b:
            umin_b = rv_b
        eps_b = tb_eps if kinds[i, pb] == 0 else asp_eps
        hi_b = (umax_b - umin_b) * 1.0 + umin_b
        hi_b += eps_b
        if hi_b < umin_b:
            hi_b = umin_b
        if hi_b > umax_b:
            hi_b = umax_b
        start_b = _lower_bound(su_b, 0, n_out, rv_b) if kinds[i, pb] == 0 else 0
        pos_b = n_out - 1
        rel_b = POW_REL_TOL * (1.0 + e_b)

        agreement = -1
        acceptor = -1
        rnd = -1
        final = ns
        timedout = True
        broken = False
        off = -1  # position of the standing offer in its proposer's presorted list
        u_st = 0.0  # the other party's utility of the standing offer
        n_off = 0
        for k in range(ns):
            if k == bk:
                final = k
                timedout = False
                broken = True
                break
            slot = k & (BLOCK - 1)
            if slot == 0:
                # times and t**e approximations of the next BLOCK rounds in tight loops: the
                # iterations are independent, so their latency overlaps (nothing is kept
                # beyond this negotiation)
                top = min(BLOCK, ns - k)
                for m in range(top):
                    tm = (k + m + 1) / (ns + 1)
                    if tm > 1.0:
                        tm = 1.0
                    t_buf[m] = tm
                if fast:
                    if e_a != 1.0:
                        _fill_pow(t_buf, top, e_a, qa_buf)
                    if e_b != 1.0 and e_b != e_a:
                        _fill_pow(t_buf, top, e_b, qb_buf)
            t = t_buf[_u(slot)]
            q_a = qa_buf[_u(slot)]
            q_b = q_a if e_b == e_a else qb_buf[_u(slot)]
            # ---- opener: respond (except at the very start), then propose
            lo_l, lo_h = _bracket(t, e_a, q_a, rel_a, umin_a, umax_a, eps_a, fast)
            has = off >= 0
            code = _act(
                lo_l, lo_h, has, u_st, hi_a, su_a, start_a, n_out, pos_a, near_eps,
                bidx_a, b0_a, bs_a, nb1,
            )
            if code == UNDECIDED:
                lo = _threshold(math.pow(t, e_a), umin_a, umax_a, eps_a)
                code = _act(
                    lo, lo, has, u_st, hi_a, su_a, start_a, n_out, pos_a, near_eps,
                    bidx_a, b0_a, bs_a, nb1,
                )
            if code == ACCEPT:
                agreement = int(order[pb, off])
                acceptor = pa
                rnd = k
                break
            if code >= 0:
                pos_a = code
                off = code
            elif code == BEST:
                off = n_out - 1
            else:
                pos_a = -4 - code
                off = pos_a - 1
            u_st = cross_a[_u(off)]  # responder's utility of the offer, one load
            if record:
                out_offers[i, n_off] = order_a[_u(off)]
            n_off += 1
            # ---- responder
            lo_l, lo_h = _bracket(t, e_b, q_b, rel_b, umin_b, umax_b, eps_b, fast)
            code = _act(
                lo_l, lo_h, True, u_st, hi_b, su_b, start_b, n_out, pos_b, near_eps,
                bidx_b, b0_b, bs_b, nb1,
            )
            if code == UNDECIDED:
                lo = _threshold(math.pow(t, e_b), umin_b, umax_b, eps_b)
                code = _act(
                    lo, lo, True, u_st, hi_b, su_b, start_b, n_out, pos_b, near_eps,
                    bidx_b, b0_b, bs_b, nb1,
                )
            if code == ACCEPT:
                agreement = int(order[pa, off])
                acceptor = pb
                rnd = k
                break
            if code >= 0:
                pos_b = code
                off = code
            elif code == BEST:
                off = n_out - 1
            else:
                pos_b = -4 - code
                off = pos_b - 1
            u_st = cross_b[_u(off)]
            if record:
                out_offers[i, n_off] = order_b[_u(off)]
            n_off += 1
        if agreement >= 0:
            final = rnd + 1
            timedout = False
            out_util[i, 0] = table[0, agreement]
            out_util[i, 1] = table[1, agreement]
            out_acc[i] = acceptor
            out_prop[i] = 1 - acceptor
        else:
            out_util[i, 0] = rvs[i, 0]
            out_util[i, 1] = rvs[i, 1]
            out_acc[i] = -1
            out_prop[i] = -1
        out_agreement[i] = agreement
        out_round[i] = rnd
        out_timedout[i] = timedout
        out_broken[i] = broken
        out_final[i] = final
        if record:
            out_n_offers[i] = n_off


# ----------------------------------------------------------------------------- drivers


INDEX_MIN_OUTCOMES = 512  # smaller spaces bisect (a separately compiled kernel)


def _bucket_index(su: NDArray[np.float64]) -> tuple[NDArray[np.int32], float, float]:
    """Per-space search index: ``idx[b]`` = lower bound of ``b0 + b / scale`` in ``su``."""
    n = len(su)
    nb = 1 << max(4, int(2 * n - 1).bit_length())
    b0, span = float(su[0]), float(su[-1] - su[0])
    scale = (nb - 1) / span if span > 0 else 0.0
    if not math.isfinite(scale):
        scale = 0.0
    edges = b0 + np.arange(nb) / scale if scale > 0 else np.full(nb, b0)
    return np.searchsorted(su, edges, side="left").astype(np.int32), b0, scale


def _tables(domain: Domain) -> tuple[Any, ...]:  # arrays, and None for the bucket index of small spaces
    # cross[p, j]: utility to the other party of p's j-th outcome in p's presorted order
    cross = np.stack([domain.table[1 - p, domain.order[p]] for p in (0, 1)])
    sorted_table = np.ascontiguousarray(domain.sorted_table, dtype=np.float64)
    bidx, bpar = None, np.zeros((2, 2))
    if sorted_table.shape[1] > INDEX_MIN_OUTCOMES:
        idx = [_bucket_index(sorted_table[p]) for p in (0, 1)]
        bidx = np.ascontiguousarray(np.stack([idx[0][0], idx[1][0]]))
        bpar = np.array([[idx[p][1], idx[p][2]] for p in (0, 1)], dtype=np.float64)
    return (
        np.ascontiguousarray(domain.table, dtype=np.float64),
        np.ascontiguousarray(domain.order, dtype=np.int64),
        sorted_table,
        np.ascontiguousarray(cross, dtype=np.float64),
        bidx,
        bpar,
    )


def _run_chunk(
    tables: tuple[Any, ...],
    spec: BatchSpec,
    record_trace: bool,
    cum: NDArray[np.float64] | None,
    fast: bool = True,
) -> BatchResult:
    n = len(spec)
    agreement = np.empty(n, np.int32)
    rnd = np.empty(n, np.int32)
    acc = np.empty(n, np.int8)
    prop = np.empty(n, np.int8)
    timedout = np.empty(n, np.bool_)
    broken = np.empty(n, np.bool_)
    final = np.empty(n, np.int32)
    util = np.empty((n, 2), np.float64)
    if record_trace:
        width = 2 * int(spec.n_steps.max()) if n else 0
        offers = np.full((n, width), -1, np.int32)
        n_offers = np.zeros(n, np.int32)
    else:
        offers = np.empty((1, 1), np.int32)
        n_offers = np.empty(1, np.int32)
    if n:
        table, order, sorted_table, cross, bidx, bpar = tables
        _sao_chunk(
            table, order, sorted_table, cross, bidx, bpar,
            spec.exponents,
            spec.reservation_values,
            spec.first,
            spec.n_steps,
            spec.kinds,
            spec.breakdown_round,
            TB_EPS,
            ASP_EPS,
            NEAREST_EPS,
            fast,
            agreement,
            rnd,
            acc,
            prop,
            timedout,
            broken,
            final,
            util,
            record_trace,
            offers,
            n_offers,
        )
    if cum is not None:
        util = realized_utilities(util, final, cum)
    return BatchResult(
        agreement,
        rnd,
        acc,
        prop,
        timedout,
        broken,
        final,
        util,
        spec.first.copy(),
        offers if record_trace else None,
        n_offers if record_trace else None,
    )


def _costs(round_costs: ArrayLike | None, spec_max_steps: int) -> NDArray[np.float64] | None:
    if round_costs is None:
        return None
    c = np.asarray(round_costs, dtype=np.float64)
    steps = c.shape[-1] if c.ndim else 0
    if steps < spec_max_steps:
        raise SpecError(
            f"round_costs cover {steps} rounds, the batch needs {spec_max_steps}",
            field="round_costs",
        )
    return cumulative_costs(c, steps)


def iter_batch(
    domain: Domain,
    specs: BatchSpec | Iterable[BatchSpec],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    record_trace: bool = False,
    round_costs: ArrayLike | None = None,
    pow_bracketing: bool = True,
) -> Iterator[BatchResult]:
    """Stream results chunk by chunk (bounded memory).

    Parameters
    ----------
    domain
        The agreement space and utilities (shared by all negotiations).
    specs
        One :class:`BatchSpec` (cut into chunks of ``chunk_size``) or an iterable of specs,
        e.g. a generator that draws each chunk's parameters; each is itself cut into chunks.
    chunk_size
        Negotiations per kernel call; results do not depend on it.
    record_trace
        Also return the offer traces (``(chunk, 2 * max n_steps)`` int32 per chunk).
    round_costs
        Shape ``(2, m)`` per-round costs with ``m >=`` every ``n_steps``
        (:mod:`~burdenshare.bargaining.hooks`).
    pow_bracketing
        Bracket ``t**e`` cheaply and call ``math.pow`` only when a decision depends on the
        exact value (:mod:`~burdenshare.bargaining._powbound`); ``False`` calls ``math.pow``
        for every threshold.  Results are identical either way.

    Yields
    ------
    BatchResult
        One per chunk, in order.
    """
    if int(chunk_size) < 1:
        raise SpecError(f"chunk_size must be >= 1, got {chunk_size}", field="chunk_size")
    tables = _tables(domain)
    seq = [specs] if isinstance(specs, BatchSpec) else specs
    for spec in seq:
        if len(spec) == 0:
            continue
        cum = _costs(round_costs, int(spec.n_steps.max()))
        for s in range(0, len(spec), chunk_size):
            yield _run_chunk(tables, spec.slice(s, s + chunk_size), record_trace, cum, pow_bracketing)


def run_batch(
    domain: Domain,
    spec: BatchSpec,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    record_trace: bool = False,
    round_costs: ArrayLike | None = None,
    pow_bracketing: bool = True,
) -> BatchResult:
    """Run every negotiation of ``spec`` and return all results (see :func:`iter_batch`).

    Parameters
    ----------
    domain
        The agreement space and utilities.
    spec
        Per-negotiation parameters.
    chunk_size, record_trace, round_costs, pow_bracketing
        As in :func:`iter_batch`.

    Returns
    -------
    BatchResult
        Results in the order of ``spec``; identical for every ``chunk_size``.

    Examples
    --------
    >>> from burdenshare.bargaining import one_issue_domain, BatchSpec, run_batch
    >>> spec = BatchSpec.build(2, exponents=[[0.25, 0.25], [4.0, 4.0]], n_steps=100)
    >>> r = run_batch(one_issue_domain(), spec)
    >>> r.agreement.tolist(), r.round.tolist()
    ([49, 50], [6, 84])
    """
    parts = list(
        iter_batch(
            domain,
            spec,
            chunk_size=chunk_size,
            record_trace=record_trace,
            round_costs=round_costs,
            pow_bracketing=pow_bracketing,
        )
    )
    if not parts:
        return _run_chunk(_tables(domain), spec, record_trace, None)
    width = max((p.offers.shape[1] for p in parts if p.offers is not None), default=0) if record_trace else 0

    def cat(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    offers = None
    if record_trace:
        offers = np.full((len(spec), width), -1, np.int32)
        at = 0
        for p in parts:
            assert p.offers is not None
            offers[at : at + len(p), : p.offers.shape[1]] = p.offers
            at += len(p)
    return BatchResult(
        cat("agreement"),
        cat("round"),
        cat("accepted_by"),
        cat("proposed_by"),
        cat("timedout"),
        cat("broken"),
        cat("final_step"),
        cat("utilities"),
        cat("first"),
        offers,
        cat("n_offers") if record_trace else None,
    )
