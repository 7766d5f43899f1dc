r"""The multi-issue decision mode of the one alternating-offers loop (:func:`~.rounds.play_rounds`).

:func:`burdenshare.bargaining.rounds.play_rounds` plays every Level-I negotiation of the package:
the two-level engine's (a one-issue amount grid) and, through this module, NegMAS's time-based
negotiations over any discrete multi-issue space with linear-additive utilities
(:mod:`.space`; ``shared/bench/negmas/SEMANTICS.md``), which :func:`burdenshare.bargaining.batch.run_batch`
runs.  The loop is the same code; what differs is its **decider**, picked by the type of the
decider state ``st`` as the engine kernel's is (Numba ``overload`` of
:func:`~.rounds.fill_decisions`; in Python, the state's own ``fill_decisions``).

**Outcomes as positions.**  Party :math:`p` presorts the outcomes by ascending own utility
(``Domain.order[p]``, ``Domain.sorted_table[p]``); its position :math:`i` of outcome :math:`o` is
:math:`\mathrm{rank}_p(o)`.  In round :math:`k` a time-based party (NegMAS
``TimeBasedConcedingNegotiator`` ``"TB"`` or ``AspirationNegotiator`` ``"ASP"``) with exponent
:math:`e`, reservation value :math:`r` and tolerance :math:`\epsilon` computes

.. math::

    lo(t_k) = \mathrm{clip}\big((u_{max} - \underline u)(1 - t_k^{e}) + \underline u - \epsilon,\;
    \underline u,\; u_{max}\big), \qquad \underline u = \max(u_{min}, r)

(:func:`~.strategies.thresholds`), offers the outcome at the position NegMAS's ``worst_in`` picks
(the smallest utility :math:`\ge lo` among the presorted positions from ``start``, or the one just
below within :math:`10^{-6}` if strictly nearer; :func:`~.strategies.nearest_offer_position`; its
best outcome when no outcome is rational) and accepts a standing offer :math:`o` iff
:math:`lo \le u_p(o) \le hi`.  With :math:`hi = u_{max}` (the tolerance exceeds the rounding of
:math:`u_{max} - \underline u`; checked by :func:`check_band`) and positions presorted, this is
:math:`\mathrm{rank}_p(o) \ge A_p(k)`, :math:`A_p(k)` the first position with utility
:math:`\ge lo(t_k)` (ties included: every position before it has a smaller utility).

**The loop's grid.**  :func:`~.rounds.play_rounds` compares a standing offer :math:`j` with a
side's lowest accepted grid index :math:`j_{acc}` as :math:`s_p (j - j_{acc}) \ge 0` on a grid of
:math:`N` points (the number of outcomes), the US (:math:`s_0 = +1`) counting positions from grid
index 0 up, the host (:math:`s_1 = -1`) from :math:`N - 1` down.  An offer is placed on its
**responder's** grid: party :math:`p`'s offer of outcome :math:`o` is grid index
:math:`\mathrm{rank}_q(o)` when the US responds (:math:`q = 0`) and :math:`N - 1 - \mathrm{rank}_q(o)`
when the host does, so the loop's comparison is exactly :math:`\mathrm{rank}_q(o) \ge A_q(k)`.  The
decider writes position :math:`i` of its offer as :math:`x_p(i) = N - 1 - \mathrm{rank}_q(\mathrm{order}_p[i])`
(the loop maps it to :math:`j_{worst} + s_p x_p(i)`); the offer trace and the signed index are
decoded back to outcome indices by :func:`play_batch_chunk`.  All two-level hooks are off (no
approval, consent 1, one duration, talks end at the first signature), so the loop is NegMAS's
SAO protocol over the space; a breakdown round :math:`b` ends the rounds before round :math:`b`.

**Cost of** :math:`t^e` (the bargaining batch kernel's bracketing, kept):  :math:`e = 1` uses
:math:`t`; otherwise :math:`t^e` is enclosed cheaply (products or square roots for
:math:`e \in \{4, 2, 1/2, 1/4\}`, :func:`~._powbound.pow_approx` otherwise), the enclosure is mapped
through the monotone threshold formula, and ``math.pow`` is called only when a decision is not
the same for every threshold in it (``pow_bracketing=False``: always).  Nothing is kept between
negotiations but the space's presorted tables: each negotiation computes its own thresholds.

References
----------
Y. Mohammad, S. Nakadai, A. Greenwald. NegMAS: A platform for automated negotiations.
P. Faratin, C. Sierra, N. R. Jennings (1998). Negotiation decision functions for autonomous
agents. *Robotics and Autonomous Systems* 24(3-4), 159-182.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.extending import overload
from numpy.typing import NDArray

from burdenshare.bargaining import rounds
from burdenshare.bargaining._powbound import POW_REL_TOL, pow_approx
from burdenshare.bargaining.rounds import (
    CF_AMIN,
    CF_EPS_ROK,
    CF_EPS_US,
    CF_LEN,
    CF_STEP,
    CI_END_AFTER,
    CI_LEN,
    CI_N_GRID,
    CI_OFFSET,
    CI_US_FIRST,
    CI_VAR_ROK,
    CI_VAR_US,
    _NF,
    _NI,
    play_rounds,
)
from burdenshare.bargaining.strategies import NEAREST_EPS
from burdenshare.errors import SpecError

__all__ = ["responder_grid", "decider_state", "is_outcome_state", "fill_outcomes", "play_batch_chunk", "check_band"]

# Columns of the decider's per-side rows: floats (``pf``) and ints (``pi``), set per negotiation.
_PF_UMIN, _PF_UMAX, _PF_REL, _PF_B0, _PF_BS = range(5)
_PI_START, _PI_POS, _PI_ACC_BEST, _PI_FAST, _PI_LAST = range(5)
#: Rounds decided per call of the decider (decisions depend only on the round's time, so deciding
#: ahead changes no result; the rounds the loop never reaches cost a little).
_AHEAD = 16
_PF_LO = 5  # pf[p, _PF_LO + m], pf[p, _PF_LO + _AHEAD + m]: the bracket of the m-th round of a call


# ----------------------------------------------------------------------------- search and thresholds


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
def _pow_fast(t: float, e: float) -> float:
    """``t ** e`` within the relative margin ``POW_REL_TOL * (1 + e)`` of ``math.pow``.

    NegMAS's named curves (boulware 4, conceder 0.25) and e = 2, 0.5 use products and square
    roots (each correctly rounded, so the relative error is a few units in the last place, far
    inside the margin); other exponents use :func:`pow_approx`.
    """
    if e == 4.0:
        x = t * t
        return x * x
    if e == 0.25:
        return math.sqrt(math.sqrt(t))
    if e == 2.0:
        return t * t
    if e == 0.5:
        return math.sqrt(t)
    return pow_approx(t, e)


@numba.njit(cache=True)
def _fill_pow(t_buf: NDArray[np.float64], top: int, e: float, out: NDArray[np.float64]) -> None:
    """``out[m] = _pow_fast(t_buf[m], e)`` for ``m < top`` (the enclosure's centre, tested)."""
    for m in range(top):
        out[m] = _pow_fast(t_buf[m], e)


@numba.njit(cache=True, inline="always")
def _decide(
    lo_l: float,
    lo_h: float,
    su: NDArray[np.float64],
    start: int,
    n: int,
    pos: int,
    bidx: NDArray[np.int32] | None,
    b0: float,
    bscale: float,
    nb1: int,
) -> tuple[int, int]:
    """``(offer position, lowest accepted position)`` for the threshold ``lo``, given a bracket
    ``lo_l <= lo <= lo_h``; ``(-1, -1)`` if a decision boundary lies inside the bracket.

    The accepted position is the first with utility ``>= lo`` (every position before ``start``
    has utility below ``rv <= lo``); the offer is that position, or the one before it under the
    1e-6 nearest rule (:func:`~burdenshare.bargaining.strategies.nearest_offer_position`).  With
    ``lo_l == lo_h`` the result is always decided and equals the scalar reference.
    """
    j = _search(su, start, n, pos, lo_h, bidx, b0, bscale, nb1)
    if su[_u(j)] >= lo_h and (j == start or su[_u(j - 1)] < lo_l - NEAREST_EPS):
        return j, j
    if lo_l != lo_h:
        return -1, -1
    b = j - 1  # NegMAS nearest rule
    if b >= start:
        ub = su[_u(b)]
        if ub >= lo_l - NEAREST_EPS and abs(ub - lo_l) < abs(su[_u(j)] - lo_l):
            return b, j
    return j, j


# ----------------------------------------------------------------------------- the decider


def fill_outcomes(st: Any, dtab: NDArray[np.int32], dfill: NDArray[np.int64], p: int, slot: int, k: int, e: float,
                  rv: float, n: int, eps: float, start: int, pref: int, target: int) -> None:
    """The multi-issue decider's :func:`~burdenshare.bargaining.rounds.fill_decisions`: party
    ``p``'s decisions of rounds ``dfill[p, slot]..k`` and up to ``_AHEAD - 1`` rounds ahead (module docstring) into ``dtab[p, slot, round]``
    as (its offer on the responder's grid, :math:`x_p(i)`; its lowest accepted position; duration 0).

    ``e`` and ``eps`` are the loop's (the party's exponent and tolerance); the loop's window
    arguments (``rv``, ``n``, ``start``: its one-issue grid) are not read: the party's
    reservation value, presorted start and bounds are the state's rows, set per negotiation by
    :func:`play_batch_chunk`."""
    _fill_rows(st[1], st[2][p], st[3][p], st[4], st[5], st[6], dtab, dfill, p, slot, k, e, eps)


@numba.njit(cache=True)
def _fill_rows(t: NDArray[np.float64], su: NDArray[np.float64], xr: NDArray[np.int64], bidx: NDArray[np.int32] | None,
               pf: NDArray[np.float64], pi: NDArray[np.int64], dtab: NDArray[np.int32], dfill: NDArray[np.int64],
               p: int, slot: int, k: int, e: float, eps: float) -> None:
    """:func:`fill_outcomes` on the state's arrays (``su`` / ``xr``: party ``p``'s rows)."""
    n_out = su.shape[0]
    nb1 = 0 if bidx is None else bidx.shape[1] - 1
    bidx_p = None if bidx is None else bidx[p]
    umin = pf[p, _PF_UMIN]
    umax = pf[p, _PF_UMAX]
    rel = pf[p, _PF_REL]
    b0 = pf[p, _PF_B0]
    bs = pf[p, _PF_BS]
    first = pi[p, _PI_START]
    pos = pi[p, _PI_POS]
    fast = pi[p, _PI_FAST] == 1
    k0 = dfill[p, slot]
    k_to = min(max(k, k0) + _AHEAD - 1, pi[p, _PI_LAST])
    if k_to < k:
        k_to = k
    if k_to - k0 >= _AHEAD:  # (only when called behind, which the loop never does)
        k0 = k_to - _AHEAD + 1
    # the thresholds (or their brackets) of the rounds first, in a loop of independent iterations
    for kk in range(k0, k_to + 1):
        tk = t[p, kk]
        if e == 1.0:  # math.pow(t, 1.0) == t
            lo_l = _threshold(tk, umin, umax, eps)
            lo_h = lo_l
        elif fast:
            q = _pow_fast(tk, e)
            d = q * rel
            lo_l = _threshold(q + d, umin, umax, eps)  # the threshold falls as t**e rises
            lo_h = _threshold(q - d, umin, umax, eps)
        else:
            lo_l = _threshold(math.pow(tk, e), umin, umax, eps)
            lo_h = lo_l
        pf[p, _PF_LO + kk - k0] = lo_l
        pf[p, _PF_LO + _AHEAD + kk - k0] = lo_h
    for kk in range(k0, k_to + 1):
        if first >= n_out:  # no rational outcome: offer the best, accept only at lo = umax
            off = n_out - 1
            acc = pi[p, _PI_ACC_BEST]
        else:
            lo_l = pf[p, _PF_LO + kk - k0]
            lo_h = pf[p, _PF_LO + _AHEAD + kk - k0]
            off, acc = _decide(lo_l, lo_h, su, first, n_out, pos, bidx_p, b0, bs, nb1)
            if off < 0:  # a boundary inside the enclosure: NegMAS's own t**e
                lo = _threshold(math.pow(t[p, kk], e), umin, umax, eps)
                off, acc = _decide(lo, lo, su, first, n_out, pos, bidx_p, b0, bs, nb1)
            pos = acc
        dtab[p, slot, kk, 0] = xr[off]
        dtab[p, slot, kk, 1] = acc
        dtab[p, slot, kk, 2] = 0
    pi[p, _PI_POS] = pos
    dfill[p, slot] = k_to + 1


class _PythonState(tuple):  # type: ignore[type-arg]
    """The decider state run in Python (:func:`play_batch_chunk`'s ``py_func``): the same arrays,
    with the decider :func:`~burdenshare.bargaining.rounds.fill_decisions` dispatches to."""

    fill_decisions = staticmethod(fill_outcomes)


def responder_grid(order: NDArray[np.int64]) -> NDArray[np.int64]:
    r"""``xr[p, i]``: party ``p``'s presorted position ``i`` on its responder's grid,
    :math:`N - 1 - \mathrm{rank}_q(\mathrm{order}_p[i])` (module docstring), from ``Domain.order``."""
    order = np.asarray(order, dtype=np.int64)
    n_out = order.shape[1]
    rank = np.empty_like(order)
    for p in (0, 1):
        rank[p, order[p]] = np.arange(n_out)
    return np.ascontiguousarray(np.stack([n_out - 1 - rank[1 - p, order[p]] for p in (0, 1)]), dtype=np.int64)


def decider_state(sorted_table: NDArray[np.float64], xr: NDArray[np.int64], bidx: NDArray[np.int32] | None,
                  bpar: NDArray[np.float64], n_rounds: int, python: bool = False) -> tuple[Any, ...]:
    """The decider state ``(tag, t, su, xr, bidx, pf, pi)`` of a space for :func:`play_batch_chunk`.

    ``tag`` (an empty int8 array) marks the type; ``t`` (2, ``n_rounds``) the relative times,
    filled per negotiation; ``su`` the presorted utilities (``Domain.sorted_table``); ``xr`` the
    positions on the responder's grid (:func:`responder_grid`); ``bidx`` (2, B) the bucket index of
    the presorted utilities (``None``: bisect) with ``bpar[p] = (b0, scale)``; ``pf`` / ``pi`` the
    per-side rows.  ``python=True`` gives the state to run in Python (its own ``fill_decisions``)."""
    pf = np.zeros((2, _PF_LO + 2 * _AHEAD))
    pf[:, _PF_B0] = bpar[:, 0]
    pf[:, _PF_BS] = bpar[:, 1]
    parts = (np.zeros(0, dtype=np.int8), np.zeros((2, max(int(n_rounds), 1))),
             np.ascontiguousarray(sorted_table, dtype=np.float64), np.ascontiguousarray(xr, dtype=np.int64),
             None if bidx is None else np.ascontiguousarray(bidx, dtype=np.int32), pf, np.zeros((2, 5), dtype=np.int64))
    return _PythonState(parts) if python else parts


#: Compiled without reference counting (nothing is allocated).
_NO_REFCOUNT: Any = {"_nrt": False}


def is_outcome_state(st: Any) -> bool:
    """Whether the Numba type ``st`` is a :func:`decider_state` (a tuple led by an int8 tag)."""
    if not isinstance(st, types.Tuple) or len(st) != 7:
        return False
    tag = st.types[0]
    return isinstance(tag, types.Array) and tag.dtype == types.int8 and tag.ndim == 1


@overload(rounds.window_key, jit_options=_NO_REFCOUNT, strict=False)  # annotated implementations
def _window_key_outcomes(st: Any, dfill: Any, p: Any, e: Any, rv: Any, n: Any, start: Any, terms: Any) -> Any:
    if is_outcome_state(st):
        return rounds.window_key  # one slot, emptied once per negotiation and side
    return None


@overload(rounds.fill_decisions, jit_options=_NO_REFCOUNT, strict=False)
def _fill_decisions_outcomes(st: Any, dtab: Any, dfill: Any, p: Any, slot: Any, k: Any, e: Any, rv: Any, n: Any,
                             eps: Any, start: Any, pref: Any, target: Any) -> Any:
    if is_outcome_state(st):
        return fill_outcomes
    return None



@overload(rounds.level_one_only, jit_options=_NO_REFCOUNT, strict=False)
def _level_one_only_outcomes(st: Any) -> Any:
    """A NegMAS negotiation has none of the two-level parts (time-based sides, no approval, no
    agenda control, ceiling, obstinate type or change of administration: :func:`play_batch_chunk`
    passes them off), so :func:`~.rounds.play_rounds` is compiled without their hooks."""
    if is_outcome_state(st):
        return lambda st: True
    return None

def check_band(sorted_table: NDArray[np.float64], rvs: NDArray[np.float64], eps: NDArray[np.float64]) -> None:
    """Raise unless every party's acceptance band ends at its best utility (``hi = u_max``; module
    docstring), for ``rvs`` and tolerances ``eps`` of shape (n, 2)."""
    umax = sorted_table[:, -1][None, :]
    umin = np.maximum(sorted_table[:, 0][None, :], rvs)
    hi = (umax - umin) * 1.0 + umin
    hi += eps
    bad = (umin <= umax) & (hi < umax)
    if bad.any():
        i, p = (int(v) for v in np.argwhere(bad)[0])
        raise SpecError(f"utilities too large for the tolerance {eps[i, p]!r}: the acceptance band ends below the "
                        "best outcome", field=f"reservation_values[{i}, {p}]")


# ----------------------------------------------------------------------------- the chunk


@numba.njit(cache=True)
def play_batch_chunk(  # noqa: PLR0913, PLR0915
    st: Any,
    table: NDArray[np.float64],
    order: NDArray[np.int64],
    exponents: NDArray[np.float64],
    rvs: NDArray[np.float64],
    first: NDArray[np.int8],
    n_steps: NDArray[np.int32],
    kinds: NDArray[np.int8],
    breakdown: NDArray[np.int32],
    tb_eps: float,
    asp_eps: float,
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
    """Play negotiations ``0..n-1`` of a batch through :func:`~burdenshare.bargaining.rounds.play_rounds`
    (module docstring) and write their results: the set-up of each negotiation (relative times
    :math:`(k+1)/(n+1)`, each party's presorted start, bounds and tolerance) and the decoding of
    what the loop returns (outcome indices, acceptor, proposer, final step; NegMAS's fields)."""
    t = st[1]
    su = st[2]
    pf = st[5]
    pi = st[6]
    n_out = su.shape[1]
    r_max = t.shape[1]
    # a bare Level-I game on the responders' grids of n_out points: no hooks, consent 1, one term
    ci = np.zeros(CI_LEN, dtype=np.int64)
    cf = np.zeros(CF_LEN)
    ci[CI_N_GRID] = n_out
    ci[CI_END_AFTER] = 1
    ci[CI_OFFSET] = n_out  # every grid index lies below the consent table: consent 1
    cf[CF_AMIN] = 0.0
    cf[CF_STEP] = 1.0
    dtab = np.zeros((2, 1, r_max, 3), dtype=np.int32)
    dfill = np.zeros((2, 1), dtype=np.int64)
    sf = np.zeros((2, _NF))
    si = np.zeros((2, _NI), dtype=np.int64)
    post_inaug = np.zeros(r_max, dtype=np.int64)
    consent = np.ones((1, r_max, 1, 1))
    winset = np.full((1, r_max, 1), n_out - 1, dtype=np.int64)
    base_lm = np.zeros((1, r_max))
    tc = np.zeros((2, 1))
    rc = np.zeros((2, 1, 1))  # no bargained escalator rate (bargaining.rate_value): one rate, no cost
    rgi = np.zeros((3, 1), dtype=np.int64)
    u_vote = np.zeros(r_max)
    tr_k = np.full(2 * r_max, -1, dtype=np.int64)
    tr_j = np.zeros(2 * r_max, dtype=np.int64)
    top = float(n_out - 1)
    last_ns = -1
    for i in range(first.shape[0]):
        ns = int(n_steps[i])
        bk = int(breakdown[i])
        nr = bk if 0 <= bk < ns else ns  # talks break down at the start of round bk
        if ns != last_ns:
            for k in range(ns):
                tm = (k + 1) / (ns + 1)
                if tm > 1.0:
                    tm = 1.0
                t[0, k] = tm
                t[1, k] = tm
            last_ns = ns
        for p in range(2):
            rv = rvs[i, p]
            sp = su[p]
            umin = sp[0]
            if rv > umin:
                umin = rv
            pf[p, _PF_UMIN] = umin
            pf[p, _PF_UMAX] = sp[n_out - 1]
            pf[p, _PF_REL] = POW_REL_TOL * (1.0 + exponents[i, p])
            pi[p, _PI_START] = _lower_bound(sp, 0, n_out, rv) if kinds[i, p] == 0 else 0
            pi[p, _PI_POS] = n_out - 1
            pi[p, _PI_ACC_BEST] = _lower_bound(sp, 0, n_out, sp[n_out - 1])
            pi[p, _PI_FAST] = 1 if fast else 0
            pi[p, _PI_LAST] = nr - 1
        ci[CI_US_FIRST] = 1 if first[i] == 0 else 0
        ci[CI_VAR_US] = kinds[i, 0]
        ci[CI_VAR_ROK] = kinds[i, 1]
        cf[CF_EPS_US] = tb_eps if kinds[i, 0] == 0 else asp_eps
        cf[CF_EPS_ROK] = tb_eps if kinds[i, 1] == 0 else asp_eps
        for m in range(2 * nr):
            tr_k[m] = -1
        res = play_rounds(st, dtab, dfill, sf, si, ci, cf, t[:, :nr], post_inaug, consent, winset, base_lm,
                          0, 0.0, top, 0.0, top, exponents[i, 0], exponents[i, 1], 0, 0, 0, 0.0, math.nan,
                          0, 0, 0, 0, tc, u_vote, True, tr_k, tr_j, rc, rgi)
        agreed = res[0] == 1
        if agreed:
            k_sig = res[1]
            m = 2 * k_sig + 1 if tr_k[2 * k_sig] >= 0 else 2 * k_sig  # offers made: up to the accepted one
        else:
            m = 2 * nr
        agreement = -1
        if record:
            for c in range(m):
                q = tr_k[c] & 1  # the proposer; the offer lies on the responder's grid
                out_offers[i, c] = order[1, n_out - 1 - tr_j[c]] if q == 0 else order[0, tr_j[c]]
            out_n_offers[i] = m
        if agreed:
            q = tr_k[m - 1] & 1
            agreement = order[1, n_out - 1 - tr_j[m - 1]] if q == 0 else order[0, tr_j[m - 1]]
            out_round[i] = res[1]
            out_final[i] = res[1] + 1
            out_timedout[i] = False
            out_broken[i] = False
            out_util[i, 0] = table[0, agreement]
            out_util[i, 1] = table[1, agreement]
            out_acc[i] = 1 - q
            out_prop[i] = q
        else:
            out_round[i] = -1
            out_final[i] = nr
            out_timedout[i] = nr == ns
            out_broken[i] = nr < ns
            out_util[i, 0] = rvs[i, 0]
            out_util[i, 1] = rvs[i, 1]
            out_acc[i] = -1
            out_prop[i] = -1
        out_agreement[i] = agreement
