r"""Batch kernel of the two-level protocol: :func:`burdenshare.engine.reference.play` over many draws.

One ``@njit(cache=True)`` function loops over the draws of a chunk and repeats the scalar
reference operation for operation (same float operations in the same order, ``math.pow`` for
powers), so its outputs equal the reference's exactly on the same draws (tested).  It reads
plain arrays (the :class:`~burdenshare.engine.plan.Plan`'s, the consent bank's tables and the
per-draw columns of :func:`~burdenshare.engine.plan.draw_columns`) and writes preallocated output
arrays; it never touches a random generator, the clock or files.  Level I's decisions are
:func:`burdenshare.bargaining.strategies.linear_decision`, compiled as it is.  :math:`t^e` per round
is enclosed by :func:`burdenshare.bargaining._powbound.pow_enclosure` (:math:`e \\ln t`, with
:math:`\\ln t` per round once per chunk; cached for the last four exponents of each negotiator;
draws mostly share their exponents); one affine evaluation of the threshold with a proven margin
settles almost every decision (:func:`_enclosed_decision`), and ``math.pow`` is called only where a
decision boundary falls inside the enclosure (:func:`_exact_decision`), so every decision is bit
for bit the reference's (``math.pow``'s aspiration).  A time-based negotiator's
decisions (offer, lowest accepted position, duration offer) per round depend only on its exponent,
reservation value and window, so they are kept per such key and round in a small decision cache
(keys that recur, e.g. grid parameters, are played by lookup; keys that do not are computed
directly, as before, and do not evict them).  The rounds run in segments over which the US seat's window is constant
(it changes only with the administration or a learned reservation value).
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from burdenshare.bargaining._powbound import _f2i, pow_enclosure, pow_margin
from burdenshare.bargaining.strategies import ASP_EPS, POLICY_TIT_FOR_TAT, POLICY_WINSET_AWARE, TB_EPS, linear_decision, rational_start
from burdenshare.engine.plan import Plan
from burdenshare.engine.reference import (
    FLOAT_OUTPUTS,
    INT_OUTPUTS,
    ceil_index,
    duration_offer,
    floor_index,
    tft_demand,
)

__all__ = ["run_kernel"]


# The reference's small helpers, compiled as they are (one definition for both engines).
_ceil_index = numba.njit(cache=True)(ceil_index)
_floor_index = numba.njit(cache=True)(floor_index)
_duration_offer = numba.njit(cache=True)(duration_offer)
_tft_demand = numba.njit(cache=True)(tft_demand)
# Level I's time-based decision: the bargaining module's function, compiled as it is.
_linear_decision = numba.njit(cache=True, inline="always")(linear_decision)
_rational_start = numba.njit(cache=True)(rational_start)


@numba.njit(cache=True)
def _consent(table, off, b, k, d, j):  # pragma: no cover - jitted
    if j < off:
        return 1.0
    i = j - off
    if i >= table.shape[3]:
        return 0.0
    return table[b, k, d, i]


@numba.njit(cache=True)
def _wa_admits(pol, obst, winset, table, off, b, k, d, j, theta_w, floor, amin, step, n_g):  # pragma: no cover - jitted
    # reference._wa_admits
    if pol != POLICY_WINSET_AWARE or obst == 1:
        return True
    if winset[b, k, d] < _ceil_index(floor, amin, step, n_g):
        return True
    return _consent(table, off, b, k, d, j) >= theta_w


@numba.njit(cache=True)
def _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, p, e, t, lt):  # pragma: no cover - jitted
    """Slot of negotiator ``p``'s ``t**e`` cache holding exponent ``e`` (filled on a miss).

    ``pw[p, q, k]`` is :func:`~burdenshare.bargaining._powbound.pow_enclosure` of ``t[k]``
    (``lt[k] = math.log(t[k])``), an enclosure of ``t[k] ** e`` within the relative margin
    ``pw_rel[p, q]`` (:func:`~burdenshare.bargaining._powbound.pow_margin`) of ``math.pow``'s
    value (0: ``pw`` is exact, ``e == 1``);
    ``pw_x[p, q, k]`` is ``math.pow(t[k], e)`` once :func:`_decide` has needed it (NaN before).
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
def _decide_at(a, rv, n, eps, start, pref, nd):  # pragma: no cover - jitted
    """A time-based negotiator's (offer, lowest accepted position, duration offer) at aspiration
    ``a``: the reference's operations (``linear_decision``, ``duration_offer``)."""
    if n > 0:
        i_off, i_acc = _linear_decision(a, rv, n, eps, start)
    else:
        i_off = 0
        i_acc = 0
    du = _duration_offer(pref, 1.0 - a, nd) if nd > 1 else 0  # one duration: index 0
    return i_off, i_acc, du


@numba.njit(cache=True, inline="always")
def _threshold_line(rv, n, eps):  # pragma: no cover - jitted
    """The constants of :func:`_enclosed_decision` for one window (``n`` positions, reservation
    value ``rv``, ``eps``), computed once per window rather than per round: ``(fl(n fl(1 - eps)),
    fl(n fl(1 - umin)), fl(umin n), 1e-6 n + 1e-9, 1e-14 n)``."""
    umin = rv if rv > 0.0 else 0.0
    return n * (1.0 - eps), n * (1.0 - umin), umin * n, 1e-6 * n + 1e-9, 1e-14 * n


@numba.njit(cache=True, inline="always")
def _enclosed_decision(x, rel, line, rv, n, eps, start, pref, nd):  # pragma: no cover - jitted
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
        if nd == 1:
            return j, j, 0  # one duration: index 0
        d = x * rel
        a_l = 1.0 * (1.0 - (x + d))
        a_h = 1.0 * (1.0 - (x - d))
        du = _duration_offer(pref, 1.0 - a_l, nd)
        if du == _duration_offer(pref, 1.0 - a_h, nd):
            return j, j, du
    if rel == 0.0:  # x is t_k^e itself
        return _decide_at(1.0 * (1.0 - x), rv, n, eps, start, pref, nd)
    return -1, -1, -1


@numba.njit(cache=True)
def _exact_decision(pw_x, p, q, k, t, e, rv, n, eps, start, pref, nd):  # pragma: no cover - jitted
    """The decision of :func:`_decide_at` at ``math.pow``'s :math:`t_k^e` (computed once per
    slot and round, kept in ``pw_x``): where the enclosure does not settle it."""
    x = pw_x[p, q, k]
    if math.isnan(x):
        x = math.pow(t[k], e)
        pw_x[p, q, k] = x
    return _decide_at(1.0 * (1.0 - x), rv, n, eps, start, pref, nd)  # aspiration: math.pow(t, e)


@numba.njit(cache=True, inline="always")
def _decide(pw, pw_x, pw_rel, p, q, k, t, e, rv, n, eps, start, pref, nd):  # pragma: no cover - jitted
    r"""The decision of :func:`_decide_at` at :math:`a = 1 - t_k^e` with ``math.pow``'s :math:`t_k^e`.

    ``pw[p, q, k]`` encloses :math:`t_k^e` within the relative margin ``pw_rel[p, q]`` (0: exact):
    :func:`_enclosed_decision` decides where the enclosure settles the decision; otherwise
    ``math.pow`` is called (:func:`_exact_decision`) and :func:`_decide_at` decides, as the
    reference does.  This is the bargaining batch kernel's bracketing (``batch._bracket``), here on
    the engine's one-issue space.
    """
    i_off, i_acc, du = _enclosed_decision(pw[p, q, k], pw_rel[p, q], _threshold_line(rv, n, eps), rv, n, eps, start,
                                          pref, nd)
    if i_off >= 0:
        return i_off, i_acc, du
    return _exact_decision(pw_x, p, q, k, t, e, rv, n, eps, start, pref, nd)


_DEC_SLOTS = 128  # decision-cache slots per negotiator (two-way set-associative)


@numba.njit(cache=True, inline="always")
def _dec_slot(dk_e, dk_rv, dk_n, dk_s, fill, hits, ghost, p, e, rv, n, start):  # pragma: no cover - jitted
    """Slot of negotiator ``p``'s decision cache for the key ``(e, rv, n, start)``.

    A key found is counted (``hits``).  A key not found is admitted only when it was the last one
    missed in its set (``ghost``), i.e. when it recurs, into a way that no draw has hit since it was
    filled (its rounds are then computed as they are reached); otherwise the ways' counts are halved
    and ``_DEC_SLOTS`` is returned: the draw computes its decisions directly, so keys that never
    recur (continuous parameters) cost no stores and do not evict the ones that do.
    """
    h = (_f2i(e) * -7046029254386353131) ^ (_f2i(rv) * -4658895280553007687) ^ (n * 1609587929392839161) ^ start
    h = h ^ (h >> 31)
    s = (h >> 17) & (_DEC_SLOTS - 2)
    for q in (s, s + 1):
        if dk_e[p, q] == e and dk_rv[p, q] == rv and dk_n[p, q] == n and dk_s[p, q] == start:
            hits[p, q] += 1
            return q
    if ghost[p, s] == h:
        for q in (s, s + 1):
            if hits[p, q] == 0:
                dk_e[p, q] = e
                dk_rv[p, q] = rv
                dk_n[p, q] = n
                dk_s[p, q] = start
                fill[p, q] = 0
                return q
    ghost[p, s] = h
    hits[p, s] >>= 1
    hits[p, s + 1] >>= 1
    return _DEC_SLOTS


@numba.njit(cache=True)
def _dec_fill(dec, fill, p, q, k, pw, pw_x, pw_rel, ps, t, e, rv, n, eps, start, pref, nd):  # pragma: no cover - jitted
    """Fill rounds ``fill[p, q]..k`` of slot ``q``: the offer, the lowest accepted position and the
    duration offer of a time-based negotiator (:func:`_decide`; ``ps``: its ``t**e`` slot)."""
    for kk in range(fill[p, q], k + 1):
        i_off, i_acc, du = _decide(pw, pw_x, pw_rel, p, ps, kk, t, e, rv, n, eps, start, pref, nd)
        dec[p, q, kk, 0] = i_off
        dec[p, q, kk, 1] = i_acc
        dec[p, q, kk, 2] = du
    fill[p, q] = k + 1


@numba.njit(cache=True)
def _kernel(  # pragma: no cover - jitted
    t_us, t_rok, post_inaug, cum_impasse, furlough_days, durations, level_f, table, winset, base_lm, ints, floats_,
    r_us_a, r_rok_a, open_us_a, open_rok_a, e_us_a, e_rok_a, delta_us_a, delta_rok_a, aud_us_a, aud_rok_a,
    r_pres_a, r_new_a, obst_us_a, obst_rok_a, change_a, bank_a, u_vote,
    out_i, out_f, record, out_tr_k, out_tr_j,
):
    (n_g, pref_us, pref_rok, us_first, approval_required, end_after, strategic, lapsed_rounds, horizon_years, off) = (
        ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8], ints[9])
    pol_us, pol_rok = ints[10], ints[11]
    var_us, var_rok = ints[12], ints[13]
    eps_us = TB_EPS if var_us == 0 else ASP_EPS
    eps_rok = TB_EPS if var_rok == 0 else ASP_EPS
    amin, step, theta, shift, cost_us, cost_rok, workers, w_e, theta_w = (
        floats_[0], floats_[1], floats_[2], floats_[3], floats_[4], floats_[5], floats_[6], floats_[7], floats_[8])
    n_r = t_us.shape[0]
    # t**e per round for the last few exponents seen, per negotiator (math.pow, the same values as
    # the reference's; draws mostly share their exponents, so most draws compute none)
    n_slots = 4
    pw_e = np.full((2, n_slots), np.nan)
    pw = np.empty((2, n_slots, n_r))
    pw_x = np.empty((2, n_slots, n_r))
    pw_rel = np.zeros((2, n_slots))
    lt_us = np.empty(n_r)
    lt_rok = np.empty(n_r)
    for k in range(n_r):
        lt_us[k] = math.log(t_us[k])
        lt_rok[k] = math.log(t_rok[k])
    pw_next = np.zeros(2, dtype=np.int64)
    # A time-based negotiator's decisions per round depend only on (e, rv, n, start) of its
    # window (eps, the round dates and the duration preference are the chunk's): they are computed
    # once per key and round reached (linear_decision, duration_offer: the reference's values)
    # and looked up by the draws that share the key (_dec_slot).
    dk_e = np.full((2, _DEC_SLOTS), np.nan)
    dk_rv = np.full((2, _DEC_SLOTS), np.nan)
    dk_n = np.full((2, _DEC_SLOTS), -1, dtype=np.int64)
    dk_s = np.full((2, _DEC_SLOTS), -1, dtype=np.int64)
    fill = np.zeros((2, _DEC_SLOTS), dtype=np.int64)
    hits = np.zeros((2, _DEC_SLOTS), dtype=np.int64)
    ghost = np.zeros((2, _DEC_SLOTS), dtype=np.int64)
    dec = np.empty((2, _DEC_SLOTS, n_r, 3), dtype=np.int32)
    nd = durations.shape[0]
    for i in range(r_us_a.shape[0]):
        b = bank_a[i]
        r_us = r_us_a[i]
        open_us = open_us_a[i]
        open_rok = open_rok_a[i]
        cap_rok = max(r_rok_a[i], open_rok) + shift
        log_cap = math.log(cap_rok) if w_e > 0.0 else 0.0  # read only under an executive ceiling
        e_us = e_us_a[i]
        e_rok = e_rok_a[i]
        slot_us = _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, 0, e_us, t_us, lt_us)
        slot_rok = _pow_slot(pw_e, pw, pw_x, pw_rel, pw_next, 1, e_rok, t_rok, lt_rok)
        obst_us = obst_us_a[i]
        obst_rok = obst_rok_a[i]
        change = change_a[i]
        r_pres = r_pres_a[i]
        r_new = r_new_a[i]
        floor_old = min(r_us, open_us)
        j_lo = _floor_index(open_rok, amin, step, n_g)
        j_hi0 = _ceil_index(max(cap_rok, open_us), amin, step, n_g)
        a_lo = amin + j_lo * step
        a_hi0 = amin + j_hi0 * step
        rv_rok = (a_hi0 - cap_rok) / (a_hi0 - a_lo) if j_hi0 > j_lo else 0.0
        start_rok = _rational_start(rv_rok, j_hi0 - j_lo, 1 - var_rok) if j_hi0 > j_lo else 0
        n_rok_w = j_hi0 - j_lo if j_hi0 > j_lo else 0
        line_rok = _threshold_line(rv_rok, n_rok_w, eps_rok)
        dslot_rok = _dec_slot(dk_e, dk_rv, dk_n, dk_s, fill, hits, ghost, 1, e_rok, rv_rok, n_rok_w, start_rok)
        dslot_us = 0
        n_us_w = 0
        win_open = math.nan
        win_floor = math.nan
        j_hi = 0
        j_bot = 0
        start_us = 0
        rv_us = 0.0
        line_us = _threshold_line(rv_us, n_us_w, eps_us)
        ju = 0
        ju_acc = 0
        jr = 0
        jr_acc = 0
        n_us = 0
        n_rok = 0
        h_us1 = 0.0
        h_us2 = 0.0
        h_rok1 = 0.0
        h_rok2 = 0.0
        d_us = 0.0
        d_rok = 0.0
        du = 0
        dr = 0
        learned_old = 0.0
        learned_new = 0.0
        rok_max_j = n_g - 1
        st_j = -1
        st_d = -1
        st_us = 0
        n_rej_p = 0
        n_rej_a = 0
        n_votes = 0
        agreed = 0
        signed_round = -1
        signed_j = -1
        signed_d = -1
        first_signed = -1
        ratified = 0
        rat_round = -1
        pc = math.nan
        n_off = 0
        # The US seat's window (open_k, floor_k, obst_k, pres_rv) changes only when the
        # administration changes or a rejection teaches the President's reservation value: the
        # rounds run in segments over which it is constant (k_next: where the next one starts;
        # n_r: the talks are over).
        can_change = change == 1 and not math.isnan(r_new)
        wa_rok = 1 if pol_rok == POLICY_WINSET_AWARE and obst_rok == 0 else 0
        # hooks: a two-level limit applies to the offers; plain: acceptance is Level I's alone
        hooks = pol_us == POLICY_WINSET_AWARE or w_e > 0.0 or strategic == 1 or wa_rok == 1
        plain = strategic == 0 and wa_rok == 0 and pol_us != POLICY_WINSET_AWARE
        k0 = 0
        while k0 < n_r:
            new_admin = can_change and post_inaug[k0] == 1
            if new_admin:
                pres_rv = r_new
                open_k = r_new
                floor_k = min(r_us, r_new)
                if learned_new > floor_k:
                    floor_k = learned_new
                obst_k = 0
            else:
                pres_rv = r_pres
                open_k = open_us
                floor_k = floor_old
                if learned_old > floor_k:
                    floor_k = learned_old
                obst_k = obst_us
            if floor_k > open_k:
                floor_k = open_k
            k_next = n_r
            for k in range(k0, n_r):
                if can_change and (post_inaug[k] == 1) != new_admin:
                    k_next = k  # the administration changes
                    break
                for mv in range(2):
                    us_moves = (mv == 0) == (us_first == 1)
                    if us_moves:
                        if obst_k == 1:
                            d_us = open_k
                            ju = _ceil_index(d_us, amin, step, n_g)
                            ju_acc = ju
                            du = _duration_offer(pref_us, 0.0, nd)
                        elif pol_us == POLICY_TIT_FOR_TAT:
                            d_us = _tft_demand(n_us, h_us1, n_rok, h_rok1 - h_rok2, open_k, floor_k, open_k, -1.0)
                            ju = _ceil_index(d_us, amin, step, n_g)
                            ju_acc = ju
                            du = _duration_offer(pref_us, 0.0, nd)
                        else:
                            if open_k != win_open or floor_k != win_floor:
                                win_open = open_k
                                win_floor = floor_k
                                j_hi = _ceil_index(open_k, amin, step, n_g)
                                j_bot = _floor_index(min(floor_k, open_rok), amin, step, n_g)
                                a_bot = amin + j_bot * step
                                rv_us = (floor_k - a_bot) / (amin + j_hi * step - a_bot) if j_hi > j_bot else 0.0
                                start_us = _rational_start(rv_us, j_hi - j_bot, 1 - var_us) if j_hi > j_bot else 0
                                n_us_w = j_hi - j_bot if j_hi > j_bot else 0
                                line_us = _threshold_line(rv_us, n_us_w, eps_us)
                                dslot_us = _dec_slot(dk_e, dk_rv, dk_n, dk_s, fill, hits, ghost, 0, e_us, rv_us, n_us_w,
                                                     start_us)
                            if dslot_us == _DEC_SLOTS:  # a key that does not recur: computed here
                                i_off, i_acc, du = _enclosed_decision(pw[0, slot_us, k], pw_rel[0, slot_us], line_us,
                                                                      rv_us, n_us_w, eps_us, start_us, pref_us, nd)
                                if i_off < 0:
                                    i_off, i_acc, du = _exact_decision(pw_x, 0, slot_us, k, t_us, e_us, rv_us, n_us_w,
                                                                       eps_us, start_us, pref_us, nd)
                                if j_hi > j_bot:
                                    ju = j_bot + i_off
                                    ju_acc = j_bot + i_acc
                                else:
                                    ju = j_hi
                                    ju_acc = j_hi
                            else:
                                if k >= fill[0, dslot_us]:
                                    _dec_fill(dec, fill, 0, dslot_us, k, pw, pw_x, pw_rel, slot_us, t_us, e_us, rv_us,
                                              n_us_w, eps_us, start_us, pref_us, nd)
                                if j_hi > j_bot:
                                    ju = j_bot + dec[0, dslot_us, k, 0]
                                    ju_acc = j_bot + dec[0, dslot_us, k, 1]
                                else:
                                    ju = j_hi
                                    ju_acc = j_hi
                                du = dec[0, dslot_us, k, 2]
                            d_us = amin + ju * step
                        h_us2 = h_us1
                        h_us1 = d_us
                        n_us += 1
                    else:
                        if obst_rok == 1:
                            d_rok = open_rok
                            jr = _floor_index(d_rok, amin, step, n_g)
                            jr_acc = jr
                            dr = _duration_offer(pref_rok, 0.0, nd)
                        elif pol_rok == POLICY_TIT_FOR_TAT:
                            d_rok = _tft_demand(n_rok, h_rok1, n_us, h_us2 - h_us1, open_rok, open_rok, cap_rok, 1.0)
                            jr = _floor_index(d_rok, amin, step, n_g)
                            jr_acc = jr
                            dr = _duration_offer(pref_rok, 0.0, nd)
                        else:
                            if dslot_rok == _DEC_SLOTS:  # a key that does not recur: computed here
                                i_off, i_acc, dr = _enclosed_decision(pw[1, slot_rok, k], pw_rel[1, slot_rok], line_rok,
                                                                      rv_rok, n_rok_w, eps_rok, start_rok, pref_rok, nd)
                                if i_off < 0:
                                    i_off, i_acc, dr = _exact_decision(pw_x, 1, slot_rok, k, t_rok, e_rok, rv_rok,
                                                                       n_rok_w, eps_rok, start_rok, pref_rok, nd)
                                if j_hi0 > j_lo:
                                    jr = j_hi0 - i_off
                                    jr_acc = j_hi0 - i_acc
                                else:
                                    jr = j_lo
                                    jr_acc = j_lo
                            else:
                                if k >= fill[1, dslot_rok]:
                                    _dec_fill(dec, fill, 1, dslot_rok, k, pw, pw_x, pw_rel, slot_rok, t_rok, e_rok, rv_rok,
                                              n_rok_w, eps_rok, start_rok, pref_rok, nd)
                                if j_hi0 > j_lo:
                                    jr = j_hi0 - dec[1, dslot_rok, k, 0]
                                    jr_acc = j_hi0 - dec[1, dslot_rok, k, 1]
                                else:
                                    jr = j_lo
                                    jr_acc = j_lo
                                dr = dec[1, dslot_rok, k, 2]
                            d_rok = amin + jr * step
                        h_rok2 = h_rok1
                        h_rok1 = d_rok
                        n_rok += 1
                if jr > rok_max_j:
                    jr = rok_max_j
                if jr_acc > rok_max_j:
                    jr_acc = rok_max_j
                jr_off = jr
                if hooks:  # the two-level limits on this round's offers (none in a bare Level-I game)
                    if pol_us == POLICY_WINSET_AWARE and obst_k == 0:
                        w = winset[b, k, du]
                        if w >= _ceil_index(floor_k, amin, step, n_g) and ju > w:
                            ju = w
                            if ju_acc > w:
                                ju_acc = w
                    if w_e > 0.0:
                        j_e = _floor_index(math.exp((1.0 - w_e) * log_cap + w_e * base_lm[b, k]), amin, step, n_g)
                        if jr > j_e:
                            jr = j_e
                        if jr_acc > j_e:
                            jr_acc = j_e
                    jr_off = jr
                    if strategic == 1:
                        w = winset[b, k, dr]
                        if w < jr_off:
                            jr_off = w
                    if wa_rok == 1:
                        w = winset[b, k, dr]
                        if 0 <= w < jr_off:
                            jr_off = w
                init_j = -1
                init_d = -1
                for turn in range(2):
                    us_turn = (turn == 0) == (us_first == 1)
                    if us_turn:
                        if plain:
                            if st_j >= 0 and st_us == 0 and st_j >= ju_acc:
                                init_j = st_j
                                init_d = st_d
                                break
                        elif st_j >= 0 and st_us == 0:
                            if strategic == 1 and _consent(table, off, b, k, st_d, st_j) < theta:
                                st_j = -1
                            if (st_j >= 0 and wa_rok == 1 and winset[b, k, st_d] >= 0
                                    and _consent(table, off, b, k, st_d, st_j) < theta_w):
                                st_j = -1
                            if st_j >= 0 and st_j >= ju_acc and _wa_admits(pol_us, obst_k, winset, table, off, b, k, st_d,
                                                                           st_j, theta_w, floor_k, amin, step, n_g):
                                init_j = st_j
                                init_d = st_d
                                break
                        st_j = ju
                        st_d = du
                        st_us = 1
                        if record:
                            out_tr_k[i, n_off] = 2 * k
                            out_tr_j[i, n_off] = ju
                            n_off += 1
                    else:
                        if plain:
                            if st_j >= 0 and st_us == 1 and st_j <= jr_acc:
                                init_j = st_j
                                init_d = st_d
                                break
                        elif st_j >= 0 and st_us == 1 and st_j <= jr_acc:
                            if ((strategic == 0 or _consent(table, off, b, k, st_d, st_j) >= theta)
                                    and (wa_rok == 0 or winset[b, k, st_d] < 0
                                         or _consent(table, off, b, k, st_d, st_j) >= theta_w)):
                                init_j = st_j
                                init_d = st_d
                                break
                        if jr_off >= 0:
                            st_j = jr_off
                            st_d = dr
                            st_us = 0
                            if record:
                                out_tr_k[i, n_off] = 2 * k + 1
                                out_tr_j[i, n_off] = jr_off
                                n_off += 1
                        else:
                            st_j = -1
                if init_j < 0:
                    continue
                if approval_required == 1 and amin + init_j * step < pres_rv:
                    n_rej_p += 1
                    if new_admin:
                        learned_new = pres_rv
                    else:
                        learned_old = pres_rv
                    st_j = -1
                    if end_after == 0:
                        k_next = k + 1  # the US window changes: a new segment
                    break
                agreed = 1
                signed_round = k
                signed_j = init_j
                signed_d = init_d
                if first_signed < 0:
                    first_signed = k
                pc = _consent(table, off, b, k, init_d, init_j)
                n_votes += 1
                if u_vote[i, k] < pc:
                    ratified = 1
                    rat_round = k
                    break
                n_rej_a += 1
                rok_max_j = init_j - 1
                st_j = -1
                if end_after == 1:
                    break
            k0 = k_next
        end_round = rat_round if ratified == 1 else n_r
        imp_us = cost_us * float(cum_impasse[end_round])
        imp_rok = cost_rok * float(cum_impasse[end_round])
        fw = workers * furlough_days[first_signed if first_signed >= 0 else n_r]
        x = amin + signed_j * step if agreed == 1 else math.nan
        n_rej = float(n_rej_p + n_rej_a)
        if ratified == 1:
            # pow(1, y) == 1 exactly (C99 F.9.4.4): no discounting costs no pow
            dl_us = delta_us_a[i]
            dl_rok = delta_rok_a[i]
            u_us = (math.pow(dl_us, float(rat_round)) if dl_us != 1.0 else 1.0) * (x - r_us)
            u_rok = (math.pow(dl_rok, float(rat_round)) if dl_rok != 1.0 else 1.0) * (cap_rok - x)
        else:
            u_us = 0.0
            u_rok = 0.0
        u_us = u_us - imp_us - aud_us_a[i] * n_rej
        u_rok = u_rok - imp_rok - aud_rok_a[i] * n_rej
        m = durations[signed_d] if ratified == 1 else durations[0]
        renewals = (horizon_years + m - 1) // m - 1
        lapse_now = 0 if (ratified == 1 and rat_round < lapsed_rounds) else 1
        out_i[i, 0] = agreed
        out_i[i, 1] = signed_round
        out_i[i, 2] = signed_j
        out_i[i, 3] = durations[signed_d] if agreed == 1 else 0
        out_i[i, 4] = ratified
        out_i[i, 5] = rat_round
        out_i[i, 6] = first_signed
        out_i[i, 7] = n_rej_p
        out_i[i, 8] = n_rej_a
        out_i[i, 9] = n_votes
        out_i[i, 10] = renewals
        out_i[i, 11] = lapse_now
        out_f[i, 0] = x / level_f[signed_d] if agreed == 1 else x  # the opening amount of the schedule
        out_f[i, 1] = pc
        out_f[i, 2] = fw
        out_f[i, 3] = imp_us
        out_f[i, 4] = imp_rok
        out_f[i, 5] = u_us
        out_f[i, 6] = u_rok


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
    ints = np.array([plan.n_grid, plan.pref_us, plan.pref_rok, plan.us_first, plan.approval_required,
                     plan.end_after_rejection, plan.strategic_submission, plan.lapsed_rounds,
                     plan.planning_horizon_years, int(offset), plan.policy_us, plan.policy_rok,
                     plan.variant_us, plan.variant_rok], dtype=np.int64)
    floats_ = np.array([plan.amount_min, plan.amount_step, plan.submit_threshold, plan.drawdown_shift_krw,
                        plan.cost_us, plan.cost_rok, plan.workers, plan.executive_weight,
                        plan.winset_threshold], dtype=np.float64)
    f = lambda k: np.ascontiguousarray(cols[k], dtype=np.float64)  # noqa: E731
    g = lambda k: np.ascontiguousarray(cols[k], dtype=np.int64)  # noqa: E731
    _kernel(
        plan.t_us, plan.t_rok, plan.post_inauguration, plan.cum_impasse, plan.furlough_days, plan.durations,
        plan.level_factors(), table, winset,
        np.ascontiguousarray(base_log_median, dtype=np.float64),
        ints, floats_,
        f("r_us"), f("r_rok"), f("open_us"), f("open_rok"), f("e_us"), f("e_rok"), f("delta_us"), f("delta_rok"),
        f("aud_us"), f("aud_rok"), f("r_pres"), f("r_pres_after"), g("obst_us"), g("obst_rok"), g("change"),
        g("bank"), np.ascontiguousarray(u_vote, dtype=np.float64), out_i, out_f,
        trace is not None, tr_k, tr_j,
    )
    if trace is not None:
        trace["round_party"] = tr_k
        trace["index"] = tr_j
    return out_i, out_f
