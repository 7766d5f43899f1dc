r"""Batch kernel of the two-level protocol: :func:`burdenshare.engine.reference.play` over many draws.

One ``@njit(cache=True)`` function, :func:`_kernel`, sets up its caches and runs
:func:`burdenshare.engine.reference.play_chunk` over the draws of a chunk: the same code as the
scalar reference, whose rounds are :func:`burdenshare.bargaining.rounds.play_rounds` (the one
alternating-offers loop).  It reads plain arrays (the :class:`~burdenshare.engine.plan.Plan`'s,
the consent bank's tables and the per-draw columns of
:func:`~burdenshare.engine.plan.draw_columns`) and writes preallocated output arrays; it never
touches a random generator, the clock or files.

Only the time-based decisions are computed differently, through the Numba overloads of
:func:`~burdenshare.bargaining.rounds.window_key` and
:func:`~burdenshare.bargaining.rounds.fill_decisions` registered here for the kernel's state
tuple (:func:`_fast_window_key`, :func:`_fast_fill`), with the same values
(:func:`burdenshare.bargaining.strategies.linear_decision`, compiled as it is).  :math:`t^e` per
round is enclosed by :func:`burdenshare.bargaining._powbound.pow_enclosure` (:math:`e \\ln t`,
with :math:`\\ln t` per round once per chunk; cached for the last four exponents of each
negotiator; draws mostly share their exponents); one affine evaluation of the threshold with a
proven margin settles almost every decision (:func:`_enclosed_decision`, its constants computed
once per fill by :func:`_threshold_line`), and ``math.pow`` is called only where a decision
boundary falls inside the enclosure (:func:`_exact_decision`), so every decision is bit for bit
the reference's (``math.pow``'s aspiration).  A time-based
negotiator's decisions (offer, lowest accepted position, duration offer) per round depend only on
its exponent, reservation value, window and the draw's opening and target terms, so they are kept
per such key and round in a small
decision cache (keys that recur, e.g. grid parameters, are played by lookup; keys that do not, e.g.
continuous parameters, are decided into the draw's own slot and do not evict them).  A key that does
not recur, in a chunk without two-level parts (a bare Level I), decides every remaining round of its
window in one pass (:func:`_own_rows`, :func:`_fast_fill_rows`): :math:`t_k^e` enclosed on the spot
and :func:`_enclosed_decision`'s test written without branches (:func:`_settle`), so the compiler
vectorises the loop over rounds, stored straight into the decision rows of such a chunk (laid out
``[side, slot, kind, round]``, read by the loop through a transposed view); ``math.pow`` only for
the rounds it leaves unsettled.  A chunk without
two-level parts and with one escalator rate (:func:`_level_one_chunk`) is played with a state that marks it
(:func:`burdenshare.bargaining.rounds.level_one_only`), so the round loop is compiled without the
hooks' tests for it.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numba.extending import overload
from numpy.typing import NDArray

from burdenshare.bargaining import rounds
from burdenshare.bargaining._powbound import _f2i, exp_approx, pow_enclosure, pow_margin
from burdenshare.bargaining.multi_issue import is_outcome_state
from burdenshare.bargaining.rounds import _NF, _NI, duration_offer
from burdenshare.bargaining.strategies import (
    POLICY_OBSTINATE,
    POLICY_TIT_FOR_TAT,
    POLICY_WINSET_AWARE,
    linear_decision,
)
from burdenshare.engine.plan import Plan
from burdenshare.engine.reference import (
    FLOAT_OUTPUTS,
    INT_OUTPUTS,
    chunk_constants,
    draw_arrays,
    play_chunk,
    rate_arrays,
)

__all__ = ["run_kernel"]


# Level I's time-based decision: the bargaining module's functions, compiled as they are.
_duration_offer = numba.njit(cache=True)(duration_offer)
_linear_decision = numba.njit(cache=True, inline="always")(linear_decision)


@numba.njit(cache=True)
def _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, p, e, t, lt):  # pragma: no cover - jitted
    """Slot of negotiator ``p``'s ``t**e`` cache holding exponent ``e`` (filled on a miss).

    ``pw[p, q, k]`` is :func:`~burdenshare.bargaining._powbound.pow_enclosure` of ``t[k]``
    (``lt[k] = math.log(t[k])``), an enclosure of ``t[k] ** e`` within the relative margin
    ``pw_rel[p, q]`` (:func:`~burdenshare.bargaining._powbound.pow_margin`) of ``math.pow``'s
    value (0: ``pw`` is exact, ``e == 1``);
    ``pw_x[p, q, k]`` is ``math.pow(t[k], e)`` once :func:`_exact_decision` has needed it (NaN before).
    """
    for q in range(pw_e.shape[1]):
        if pw_e[p, q] == e:
            return q
    q = pw_next[p]
    pw_next[p] = (q + 1) % pw_e.shape[1]
    for k in range(t.shape[0]):
        pw[p, q, k] = pow_enclosure(t[k], lt[k], e)  # math.pow(t, 1.0) == t: exact for e == 1
        pw_x[p, q, k] = math.nan
    pw_rel[p, q] = pow_margin(e)
    pw_e[p, q] = e
    return q


@numba.njit(cache=True)
def _decide_at(a, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    """A time-based negotiator's (offer, lowest accepted position, duration offer) at aspiration
    ``a``: the reference's operations (``linear_decision``, ``duration_offer`` from the opening
    term index ``pref`` toward the target ``tgt``)."""
    if n > 0:
        i_off, i_acc = _linear_decision(a, rv, n, eps, start)
    else:
        i_off = 0
        i_acc = 0
    du = _duration_offer(pref, tgt, 1.0 - a)
    return i_off, i_acc, du


@numba.njit(cache=True, inline="always")
def _threshold_line(rv, n, eps):  # pragma: no cover - jitted
    """The constants of :func:`_enclosed_decision` for one window (``n`` positions, reservation
    value ``rv``, ``eps``), computed once per window rather than per round: ``(fl(n fl(1 - eps)),
    fl(n fl(1 - umin)), fl(umin n), 1e-6 n + 1e-9, 1e-14 n)``."""
    umin = rv if rv > 0.0 else 0.0
    return n * (1.0 - eps), n * (1.0 - umin), umin * n, 1e-6 * n + 1e-9, 1e-14 * n


@numba.njit(cache=True, inline="always")
def _enclosed_decision(x, rel, line, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    r"""The decision of :func:`_decide_at` at :math:`a = 1 - t_k^e` settled by an enclosure of
    :math:`t_k^e`, or ``(-1, -1, -1)`` when the enclosure does not settle it.

    ``x`` encloses ``math.pow``'s :math:`P = t_k^e` within the relative margin ``rel``
    (:math:`P \in [x(1 - rel), x(1 + rel)]`; ``rel = 0``: ``x`` is exact).
    :func:`~burdenshare.bargaining.strategies.linear_decision` at :math:`a = fl(1 - P)` computes
    :math:`lo = \max(umin, (1 - umin) a + umin - eps)` and its threshold :math:`\xi = lo \cdot n`
    in four roundings each; in real arithmetic the unclamped threshold is
    :math:`n(1 - eps) - n(1 - umin) P`.  So :math:`\xi` lies within
    :math:`[\max(c - w, \underline{u}), \max(c + w, \underline{u})]` with
    :math:`c = fl(A - fl(B x))`, :math:`A = fl(n fl(1 - eps))`, :math:`B = fl(n fl(1 - umin))`,
    :math:`w = fl(B x) \cdot rel + 10^{-14} n` and :math:`\underline{u} = fl(umin \cdot n)` (the
    clamp, monotone; :math:`lo \le 1 - eps < 1` never reaches the upper one): the roundings of both
    computations and of :math:`fl(1 - P)` stay below :math:`3 \cdot 10^{-15} n`.  When
    :math:`j = \lceil \xi_h \rceil` satisfies :math:`j - 1 < \xi_l`, every :math:`\xi` of the
    interval has :math:`\lceil \xi \rceil = j`, and the fast path's margins
    (:math:`j - \xi > 10^{-9}`; :math:`j` the first presorted position or
    :math:`\xi - (j - 1) > 10^{-6} n + 10^{-9}`), checked at the ends (rounding is monotone), hold
    for it: ``linear_decision`` returns ``(j, j)``.  The duration offer
    (``floor((1 - a) m + 0.5)`` from the preferred end, monotone in :math:`a`) is settled when it
    is the same at :math:`a_l = 1 - x(1 + rel)` and :math:`a_h = 1 - x(1 - rel)`.  One affine
    evaluation per decision, instead of ``linear_decision``'s arithmetic at both ends.  Scalars
    only: inlined into the kernel's round loop, it takes no array references (Numba's inlining of a
    function with array arguments adds reference counting, atomic, to every call).
    """
    if n == 0 or start > n:
        j = n if n > 0 else 0  # linear_decision's answer does not depend on a (none is asked for n = 0)
    else:
        a_n, b_n, u_n, m_n, s_n = line  # _threshold_line(rv, n, eps)
        q = b_n * x
        c = a_n - q
        w = q * rel + s_n
        x_l = c - w
        x_h = c + w
        if x_l < u_n:
            x_l = u_n
        if x_h < u_n:
            x_h = u_n
        j = int(math.ceil(x_h))
        if not (start <= j <= n and j - x_h > 1e-9 and x_l > j - 1 and (j == start or x_l - (j - 1) > m_n)):
            j = -1
    if j >= 0:
        if pref == tgt:
            return j, j, pref  # the term offer does not move
        d = x * rel
        a_l = 1.0 * (1.0 - (x + d))
        a_h = 1.0 * (1.0 - (x - d))
        du = _duration_offer(pref, tgt, 1.0 - a_l)
        if du == _duration_offer(pref, tgt, 1.0 - a_h):
            return j, j, du
    if rel == 0.0:  # x is t_k^e itself
        return _decide_at(1.0 * (1.0 - x), rv, n, eps, start, pref, tgt)
    return -1, -1, -1


@numba.njit(cache=True)
def _exact_decision(pw_x, p, q, k, t, e, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    """The decision of :func:`_decide_at` at ``math.pow``'s :math:`t_k^e` (computed once per
    slot and round, kept in ``pw_x``): where the enclosure does not settle it."""
    x = pw_x[p, q, k]
    if math.isnan(x):
        x = math.pow(t[k], e)
        pw_x[p, q, k] = x
    return _decide_at(1.0 * (1.0 - x), rv, n, eps, start, pref, tgt)  # aspiration: math.pow(t, e)


_DEC_SLOTS = 128  # decision-cache slots per negotiator (two-way set-associative)


@numba.njit(cache=True, inline="always")
def _dec_slot(dk_e, dk_rv, dk_n, dk_s, dk_t, fill, hits, ghost, p, e, rv, n, start, terms):  # pragma: no cover - jitted
    """Slot of negotiator ``p``'s decision cache for the key ``(e, rv, n, start, terms)`` (``terms``:
    the draw's opening and target term indices, ``opening * 64 + target``).

    A key found is counted (``hits``).  A key not found is admitted only when it was the last one
    missed in its set (``ghost``), i.e. when it recurs, into a way that no draw has hit since it was
    filled (its rounds are then computed as they are reached); otherwise the ways' counts are halved
    and ``_DEC_SLOTS`` is returned: the draw's own slot (:func:`_fast_window_key`), so keys that
    never recur (continuous parameters) do not evict the ones that do.
    """
    h = ((_f2i(e) * -7046029254386353131) ^ (_f2i(rv) * -4658895280553007687) ^ (n * 1609587929392839161) ^ start
         ^ (terms * 7640891576956012809))
    h = h ^ (h >> 31)
    s = (h >> 17) & (_DEC_SLOTS - 2)
    for q in (s, s + 1):
        if dk_e[p, q] == e and dk_rv[p, q] == rv and dk_n[p, q] == n and dk_s[p, q] == start and dk_t[p, q] == terms:
            hits[p, q] += 1
            return q
    if ghost[p, s] == h:
        for q in (s, s + 1):
            if hits[p, q] == 0:
                dk_e[p, q] = e
                dk_rv[p, q] = rv
                dk_n[p, q] = n
                dk_s[p, q] = start
                dk_t[p, q] = terms
                fill[p, q] = 0
                return q
    ghost[p, s] = h
    hits[p, s] >>= 1
    hits[p, s + 1] >>= 1
    return _DEC_SLOTS


@numba.njit(cache=True)
def _dec_fill(dec, fill, p, q, k, pw, pw_x, pw_rel, ps, t, e, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    r"""Fill rounds ``fill[p, q]..k`` of slot ``q``: the offer, the lowest accepted position and the
    duration offer of a time-based negotiator at :math:`a = 1 - t_k^e` with ``math.pow``'s
    :math:`t_k^e` (``ps``: its ``t**e`` slot).

    ``pw[p, ps, kk]`` encloses :math:`t_k^e` within the relative margin ``pw_rel[p, ps]`` (0:
    exact): :func:`_enclosed_decision` decides where the enclosure settles the decision (the
    window's constants, :func:`_threshold_line`, computed once per fill, not per round); otherwise
    ``math.pow`` is called (:func:`_exact_decision`) and :func:`_decide_at` decides, as the
    reference does.  This is the bargaining batch kernel's bracketing (``batch._bracket``), here on
    the engine's one-issue space.
    """
    line = _threshold_line(rv, n, eps)
    rel = pw_rel[p, ps]
    for kk in range(fill[p, q], k + 1):
        i_off, i_acc, du = _enclosed_decision(pw[p, ps, kk], rel, line, rv, n, eps, start, pref, tgt)
        if i_off < 0:
            i_off, i_acc, du = _exact_decision(pw_x, p, ps, kk, t, e, rv, n, eps, start, pref, tgt)
        dec[p, q, kk, 0] = i_off
        dec[p, q, kk, 1] = i_acc
        dec[p, q, kk, 2] = du
    fill[p, q] = k + 1


@numba.njit(cache=True, inline="always")
def _settle_position(x, rel, line, n, start, fixed):  # pragma: no cover - jitted
    r"""The position part of :func:`_settle`: ``(settled, j)``."""
    a_n, b_n, u_n, m_n, s_n = line  # _threshold_line(rv, n, eps)
    q = b_n * x
    c = a_n - q
    w = q * rel + s_n
    x_l = c - w
    x_l = u_n if x_l < u_n else x_l
    x_h = c + w
    x_h = u_n if x_h < u_n else x_h
    jf = math.ceil(x_h)
    ok = ((jf >= start) & (jf <= n) & (jf - x_h > 1e-9) & (x_l > jf - 1.0)
          & ((jf == start) | (x_l - (jf - 1.0) > m_n)))
    return fixed | ok, float(n if n > 0 else 0) if fixed else jf


@numba.njit(cache=True, inline="always")
def _settle(x, rel, line, n, start, fixed, m_d):  # pragma: no cover - jitted
    r""":func:`_enclosed_decision`'s test without branches (selects only, so a loop over rounds
    vectorises): ``(settled, j, s)`` where, when ``settled``, ``linear_decision`` returns ``(j, j)``
    for every :math:`t^e` in the enclosure ``[x(1 - rel), x(1 + rel)]`` and the duration offer moves
    ``s`` terms (``duration_offer``'s ``floor(conceded * m_d + 0.5)``, ``m_d`` = ``|target -
    opening|``) at both ends of it; ``fixed``: no position depends on the aspiration (``n = 0`` or
    ``start > n``).  The same floating-point operations as :func:`_enclosed_decision`, so the same
    cases are settled with the same values (tested)."""
    ok, jf = _settle_position(x, rel, line, n, start, fixed)
    d = x * rel
    s_l = math.floor((1.0 - 1.0 * (1.0 - (x + d))) * m_d + 0.5)  # duration_offer's rounding at a_l, a_h
    s_h = math.floor((1.0 - 1.0 * (1.0 - (x - d))) * m_d + 0.5)
    return ok & (s_l == s_h), jf, s_l


@numba.njit(cache=True, inline="always")
def _own_rows(off_row, acc_row, du_row, k0, k_to, t, lt, e, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    r"""Rounds ``k0..k_to`` of a key that does not recur, into the rows ``off_row``, ``acc_row``,
    ``du_row`` (the offer, the lowest accepted position and the duration offer per round): the
    decisions of :func:`_dec_fill`, with :math:`t_k^e` enclosed per round on the spot
    (``exp_approx`` of :math:`e \ln t_k`, as :func:`~burdenshare.bargaining._powbound.pow_enclosure`)
    rather than through a ``t**e`` slot.

    The first loop settles each round exactly as :func:`_enclosed_decision` does (:func:`_settle`:
    the same enclosure and margin, the same affine threshold interval and tests, the same duration
    offer at both ends of the enclosure), with selects instead of branches and contiguous stores
    (``-1``: not settled; indices unsigned, so without wraparound tests), so the compiler
    vectorises it; a round the enclosure did not settle is then decided by :func:`_decide_at` at
    ``math.pow``'s :math:`t_k^e` (:math:`t_k` itself for :math:`e = 1`, where the enclosure is
    exact), as :func:`_exact_decision` does.  So every decision is the reference's.
    """
    line = _threshold_line(rv, n, eps)
    rel = pow_margin(e)
    exact = e == 1.0
    fixed = n == 0 or start > n  # linear_decision's answer does not depend on a
    m_d = abs(tgt - pref)
    sg = 1 if tgt >= pref else -1
    unsettled = 0
    if m_d == 0 and not exact:  # the term offer does not move (a bare Level I): the positions only
        for i in range(k_to - k0 + 1):
            kk = np.uint64(k0 + i)
            ok, jf = _settle_position(exp_approx(e * lt[kk]), rel, line, n, start, fixed)
            j = np.int32(jf) if ok else np.int32(-1)
            off_row[kk] = j
            acc_row[kk] = j
            du_row[kk] = np.int32(pref)
            unsettled += 0 if ok else 1
    else:
        for i in range(k_to - k0 + 1):
            kk = np.uint64(k0 + i)
            x = t[kk] if exact else exp_approx(e * lt[kk])
            ok, jf, s_l = _settle(x, rel, line, n, start, fixed, m_d)
            j = np.int32(jf) if ok else np.int32(-1)
            off_row[kk] = j
            acc_row[kk] = j
            du_row[kk] = np.int32(pref + sg * int(s_l))
            unsettled += 0 if ok else 1
    if unsettled > 0:
        for i in range(k_to - k0 + 1):
            kk = np.uint64(k0 + i)
            if off_row[kk] < 0:
                x = t[kk] if exact else math.pow(t[kk], e)  # the aspiration's t**e
                i_off, i_acc, du = _decide_at(1.0 * (1.0 - x), rv, n, eps, start, pref, tgt)
                off_row[kk] = i_off
                acc_row[kk] = i_acc
                du_row[kk] = du


def _fast_window_key(st, dfill, p, e, rv, n, start, terms):  # pragma: no cover - jitted
    """The kernel's :func:`burdenshare.bargaining.rounds.window_key`: side ``p``'s decision-cache
    slot (:func:`_dec_slot`); a key that does not recur gets the draw's own slot ``_DEC_SLOTS``,
    emptied here.  Its ``t**e`` slot (:func:`_pow_slot`, kept in ``st``) is found when a decision
    is first computed (:func:`_fast_fill`): a window whose decisions are all cached needs none."""
    t, lt, pw_e, pw, pw_x, pw_rel, pw_next, dk_e, dk_rv, dk_n, dk_s, dk_t, hits, ghost, ps_cur = st[:_ST_LEN]
    ps_cur[p] = -1
    ds = _dec_slot(dk_e, dk_rv, dk_n, dk_s, dk_t, dfill, hits, ghost, p, e, rv, n, start, terms)
    if ds == _DEC_SLOTS:
        dfill[p, ds] = 0
    return ds


_ST_LEN = 15  # the kernel's decider state; one element more (the decision rows): a chunk without two-level parts

#: Compiled without reference counting (nothing is allocated; called per round or window).
_NO_REFCOUNT: Any = {"_nrt": False}
_AHEAD = 32  # rounds decided at a time for a key that does not recur (the general loop)


def _fast_fill(st, dtab, dfill, p, slot, k, e, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    """The kernel's :func:`burdenshare.bargaining.rounds.fill_decisions`: :func:`_dec_fill` (the
    same values, ``t**e`` bracketed); for a key that does not recur, from round ``k`` (the round
    loop reads only the current round, so the window's earlier rounds are never read) ``_AHEAD``
    rounds at a time: a few calls per window, each computing the threshold line once.  (A chunk
    without two-level parts: :func:`_fast_fill_rows`.)"""
    t, lt, pw_e, pw, pw_x, pw_rel, pw_next = st[:7]
    ps_cur = st[14]
    if ps_cur[p] < 0:  # the window's first computed decision: its t**e slot (results do not depend on the slot)
        ps_cur[p] = _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, p, e, t[p], lt[p])
    k_to = k
    if slot == _DEC_SLOTS:
        dfill[p, slot] = k
        k_to = min(k + _AHEAD - 1, t.shape[1] - 1)
    _dec_fill(dtab, dfill, p, slot, k_to, pw, pw_x, pw_rel, ps_cur[p], t[p], e, rv, n, eps, start, pref, tgt)


def _fast_fill_rows(st, dtab, dfill, p, slot, k, e, rv, n, eps, start, pref, tgt):  # pragma: no cover - jitted
    """:func:`_fast_fill` for a chunk without two-level parts: its decision table ``dtab`` is a
    ``[side, slot, round, kind]`` view of the rows ``st[_ST_LEN]`` laid out ``[side, slot, kind,
    round]`` (:func:`_kernel`), so a key that does not recur is decided straight into its rows
    (:func:`_own_rows`, contiguous stores), with no copy."""
    t, lt, pw_e, pw, pw_x, pw_rel, pw_next = st[:7]
    ps_cur = st[14]
    if slot == _DEC_SLOTS:
        k_to = t.shape[1] - 1
        rows = st[_ST_LEN]
        _own_rows(rows[p, slot, 0], rows[p, slot, 1], rows[p, slot, 2], k, k_to, t[p], lt[p], e, rv, n, eps, start,
                  pref, tgt)
        dfill[p, slot] = k_to + 1
        return
    if ps_cur[p] < 0:
        ps_cur[p] = _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, p, e, t[p], lt[p])
    _dec_fill(dtab, dfill, p, slot, k, pw, pw_x, pw_rel, ps_cur[p], t[p], e, rv, n, eps, start, pref, tgt)


@overload(rounds.window_key, jit_options=_NO_REFCOUNT)
def _window_key_kernel(st, dfill, p, e, rv, n, start, terms):  # the kernel's decider for its state tuple
    if isinstance(st, numba.types.BaseTuple) and not is_outcome_state(st):  # (multi_issue: the other tuple)
        return _fast_window_key
    return None


@overload(rounds.fill_decisions, jit_options=_NO_REFCOUNT)
def _fill_decisions_kernel(st, dtab, dfill, p, slot, k, e, rv, n, eps, start, pref, tgt):
    if isinstance(st, numba.types.BaseTuple) and not is_outcome_state(st):
        return _fast_fill_rows if len(st) > _ST_LEN else _fast_fill
    return None


@overload(rounds.level_one_only, jit_options=_NO_REFCOUNT)
def _level_one_only_kernel(st):  # the kernel's state tuple with the marker: a chunk without two-level parts
    if isinstance(st, numba.types.BaseTuple) and not is_outcome_state(st):
        bare = len(st) > _ST_LEN
        return lambda st: bare
    return None


@numba.njit(cache=True, inline="always")
def _level_one_chunk(ci, cf, ic, fc, n_rates):  # pragma: no cover - jitted
    """Whether a chunk has none of the two-level parts that
    :func:`~burdenshare.bargaining.rounds.level_one_only` compiles out: both sides time-based, no
    President's approval, agenda control or executive ceiling, no draw with an obstinate type
    or a change of administration (``INT_COLUMNS`` 0-2, ``FLOAT_COLUMNS`` 11), and ``n_rates`` = 1
    escalator rate (the rate not bargained: its tests are compiled out too)."""
    if n_rates > 1:
        return False
    for pol in (ci[rounds.CI_POL_US], ci[rounds.CI_POL_ROK]):
        if pol == POLICY_TIT_FOR_TAT or pol == POLICY_WINSET_AWARE or pol == POLICY_OBSTINATE:
            return False
    if ci[rounds.CI_APPROVAL] != 0 or ci[rounds.CI_STRATEGIC] != 0 or cf[rounds.CF_W_E] > 0.0:
        return False
    for i in range(ic.shape[0]):
        if ic[i, 0] != 0 or ic[i, 1] != 0 or (ic[i, 2] == 1 and not math.isnan(fc[i, 11])):
            return False
    return True


@numba.njit(cache=True)
def _kernel(ci, cf, t, post_inaug, cum_impasse, furlough_days, durations, level_f, table, winset, base_lm,
            fc, ic, u_vote, out_i, out_f, record, out_tr_k, out_tr_j, esc):  # pragma: no cover - jitted
    n_r = t.shape[1]
    # t**e per round for the last few exponents seen, per negotiator (enclosures of math.pow's
    # values; draws mostly share their exponents, so most draws compute none)
    n_slots = 4
    pw_e = np.full((2, n_slots), np.nan)
    pw = np.empty((2, n_slots, n_r))
    pw_x = np.empty((2, n_slots, n_r))
    pw_rel = np.zeros((2, n_slots))
    lt = np.empty((2, n_r))
    for p in range(2):
        for k in range(n_r):
            lt[p, k] = math.log(t[p, k])
    pw_next = np.zeros(2, dtype=np.int64)
    # A time-based negotiator's decisions per round depend only on (e, rv, n, start) of its
    # window and the draw's opening and target terms (eps and the round dates are the chunk's): they
    # are computed once per key and round reached and looked up by the draws that share the key (_dec_slot).
    dk_e = np.full((2, _DEC_SLOTS), np.nan)
    dk_rv = np.full((2, _DEC_SLOTS), np.nan)
    dk_n = np.full((2, _DEC_SLOTS), -1, dtype=np.int64)
    dk_s = np.full((2, _DEC_SLOTS), -1, dtype=np.int64)
    dk_t = np.full((2, _DEC_SLOTS), -1, dtype=np.int64)
    hits = np.zeros((2, _DEC_SLOTS), dtype=np.int64)
    ghost = np.zeros((2, _DEC_SLOTS), dtype=np.int64)
    fill = np.zeros((2, _DEC_SLOTS + 1), dtype=np.int64)
    ps_cur = np.zeros(2, dtype=np.int64)
    st = (t, lt, pw_e, pw, pw_x, pw_rel, pw_next, dk_e, dk_rv, dk_n, dk_s, dk_t, hits, ghost, ps_cur)
    sf = np.zeros((2, _NF))
    si = np.zeros((2, _NI), dtype=np.int64)
    tc = np.zeros((2, durations.shape[0]))  # a draw's term cost per duration (term_value.term_cost)
    # slot _DEC_SLOTS of the decision table: the draw's own
    if _level_one_chunk(ci, cf, ic, fc, esc[1].shape[1]):  # play_rounds compiled without the two-level hooks
        # the table's memory laid out [side, slot, kind, round] (the rows _own_rows fills), read by the
        # loop through a [side, slot, round, kind] view; the rows are the state's marker
        rows = np.empty((2, _DEC_SLOTS + 1, 3, n_r), dtype=np.int32)
        play_chunk(st + (rows,), np.transpose(rows, (0, 1, 3, 2)), fill, sf, si, ci, cf, t, post_inaug, cum_impasse,
                   furlough_days, durations, level_f, table, winset, base_lm, fc, ic, tc, u_vote, out_i, out_f, record,
                   out_tr_k, out_tr_j, esc)
    else:
        dec = np.empty((2, _DEC_SLOTS + 1, n_r, 3), dtype=np.int32)
        play_chunk(st, dec, fill, sf, si, ci, cf, t, post_inaug, cum_impasse, furlough_days, durations,
                   level_f, table, winset, base_lm, fc, ic, tc, u_vote, out_i, out_f, record, out_tr_k, out_tr_j, esc)


def run_kernel(plan: Plan, table: NDArray[np.float64], winset: NDArray[np.int64],
               cols: dict[str, NDArray[Any]], u_vote: NDArray[np.float64],
               offset: int = 0, *, base_log_median: NDArray[np.float64],
               trace: dict[str, NDArray[np.int64]] | None = None) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Play every draw of a chunk.

    Parameters
    ----------
    plan, table, winset
        As for :func:`~burdenshare.engine.reference.play`.
    cols
        Per-draw columns (:func:`~burdenshare.engine.plan.draw_columns`).
    u_vote
        (n, n_rounds) vote uniforms.
    offset
        Grid index of the table's first column.
    base_log_median
        (K, R) log median WTP of the host executive's base (:attr:`ConsentBank.base_log_median`).
    trace
        If a dict, the offers are recorded into it: ``"round_party"`` (n, 2 R) holds
        ``2 * round + party`` (party 0: the US, 1: the host) and ``"index"`` the offered grid index
        of each offer in order, ``-1`` after the last (the reference's ``trace``).

    Returns
    -------
    tuple of arrays
        ``(ints (n, len(INT_OUTPUTS)), floats (n, len(FLOAT_OUTPUTS)))``.
    """
    n = int(cols["r_us"].shape[0])
    out_i = np.zeros((n, len(INT_OUTPUTS)), dtype=np.int64)
    out_f = np.zeros((n, len(FLOAT_OUTPUTS)), dtype=np.float64)
    width = 2 * plan.n_rounds if trace is not None else 1
    tr_k = np.full((n if trace is not None else 1, width), -1, dtype=np.int64)
    tr_j = np.full((n if trace is not None else 1, width), -1, dtype=np.int64)
    ci, cf, t = chunk_constants(plan, offset)
    fc, ic = draw_arrays(plan, cols)  # with the draws' term columns (or the plan's terms)
    _kernel(ci, cf, t, plan.post_inauguration, plan.cum_impasse, plan.furlough_days, plan.durations,
            plan.level_factors(), table, winset, np.ascontiguousarray(base_log_median, dtype=np.float64),
            fc, ic, np.ascontiguousarray(u_vote, dtype=np.float64), out_i, out_f, trace is not None, tr_k, tr_j,
            rate_arrays(plan))
    if trace is not None:
        trace["round_party"] = tr_k
        trace["index"] = tr_j
    return out_i, out_f
