r"""The alternating-offers round loop over a one-issue amount grid, with the two-level hooks.

This module is the one implementation of the dated alternating-offers mechanics that the two-level
engine plays (:mod:`burdenshare.engine.reference` and :mod:`burdenshare.engine.kernel` both run
:func:`play_rounds`; with the hooks off it is NegMAS's SAO protocol, :mod:`burdenshare.engine.parity`),
and that :func:`burdenshare.bargaining.batch.run_batch` plays over any multi-issue space (its
decision mode :mod:`burdenshare.bargaining.multi_issue`: outcomes as positions in each party's
presorted utilities, each offer on its responder's grid).
Round :math:`k` is one move of each side in the order of moves (a side's demand: its offer, the
lowest/highest position it accepts and its duration offer), then the two turns (NegMAS SAO order):
the side to act accepts the standing offer or rejects it and makes its own offer the standing one.
An accepted text goes through the hooks (the President's approval, the Assembly's vote) and talks
go on after a rejection, or end.

**The two sides are one code path**, indexed by role :math:`p` (0: the principal, the US; 1: the
host, the ROK) with the sign :math:`s_p` of the direction it wants the amount to move
(:math:`s_0 = +1`, :math:`s_1 = -1`).  A side snaps its amounts to the grid towards its own
interest (``ceil`` for :math:`s = +1`, ``floor`` for :math:`s = -1`, :func:`snap_index`); its
time-based window runs from its opening (its best grid point) to the farther of its limit (the
US's floor, the host's cap) and the other side's opening, both snapped, with own utility
:math:`u(i) = i / n` at position :math:`i` counted from that far end
(grid index :math:`j = j_{worst} + s\,i`), so its normalised reservation value is
:math:`(\text{limit} - a_{worst}) / (a_{best} - a_{worst})`; it accepts a standing offer at
grid index :math:`j` with term :math:`m_s` iff :math:`s\,(j - j_{acc}) \ge \pi_p[m_s, m_o]`, the
term's extra cost to it over its own current term offer :math:`m_o` in whole grid steps
(:func:`~burdenshare.bargaining.term_value.premium_steps`; 0 without term preferences).  Term offers
move from the side's opening term toward its target term (:func:`duration_offer`;
:mod:`burdenshare.bargaining.term_value`).  Obstinate types (Abreu & Gul 2000)
demand their opening (amount and term); tit-for-tat (Axelrod 1984) moves its last demand by the
other's last concession (:func:`tft_demand`) and keeps its opening term.  Where the escalator rate
is bargained (:mod:`burdenshare.bargaining.rate_value`) a text also carries a rate index, offered
and valued like the term (``rc``, ``rgi`` of :func:`play_rounds`).

**Decisions** of a time-based side are read per round from a decision table that
:func:`fill_decisions` fills (the slot chosen by :func:`window_key` when a side's window changes):
in Python and for an array state that is the readable reference (NegMAS's aspiration
:math:`1 - t^e` with ``math.pow`` and :func:`~burdenshare.bargaining.strategies.linear_decision`);
the engine's batch kernel registers its cached, bracketed equivalent for its own state
(:mod:`burdenshare.engine.kernel`, equal bit for bit), so the loop is the same code in both.

**Hooks** (the two-level parts; DESIGN.md §4; all off in a bare Level-I game):

* round dates: per-side relative times ``t[p, k]`` (the concession deadlines) and the inauguration
  flags ``post_inaug[k]`` (a new US administration opens at, and approves from, its own reservation
  value; the rounds run in segments over which the US seat's window is constant);
* the President's approval (Iida 1996): a text below his reservation value is rejected and teaches
  the US negotiator that floor;
* the host executive's ceiling :math:`M_E(k)` (weight ``w_e`` on its base's median, ``base_lm``);
* agenda control (``strategic``): the host clips offers to, accepts only inside, and withdraws
  offers that left the win-set :math:`W_k` at threshold θ; win-set-aware play of either side
  (θ_W); after an Assembly rejection the host never again offers that amount or more;
* ratification: ``u_vote[k] < C[b, k, d, j]`` (the consent table).

A chunk without a change of administration, the approval, the ceiling, agenda control and
win-set-aware play (and with no obstinate or tit-for-tat side, and one escalator rate) is played by a
variant of the same loop compiled without their tests (and the bargained rate's) (:func:`level_one_only`, chosen by the type of the decider's
state: the engine kernel's per-chunk check); ratification stays.

Furlough days, impasse and audience costs and the utilities are accounted by the caller
(:func:`burdenshare.engine.reference.play_chunk`) from what this returns.

Every function here is plain Python, registered with Numba (``register_jitable``): called from
Python it runs as written (the scalar reference), called from compiled code it is compiled into
the caller.  ``ci`` / ``cf`` hold the chunk's constants at the ``CI_*`` / ``CF_*`` positions.

References
----------
Abreu, D. & Gul, F. (2000). Bargaining and reputation. *Econometrica* 68(1), 85-117.
Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books.
Iida, K. (1996). Involuntary defection in two-level games. *Public Choice* 89, 283-303.
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numpy.typing import NDArray

from burdenshare.bargaining.strategies import (
    POLICY_TIT_FOR_TAT,
    POLICY_WINSET_AWARE,
    aspiration,
    linear_decision,
    rational_start,
)
from burdenshare.bargaining.term_value import premium_steps, term_cost

__all__ = [
    "IDX_EPS", "US", "HOST", "CI_LEN", "CF_LEN", "ceil_index", "floor_index", "snap_index", "duration_offer",
    "tft_demand", "consent_at", "window_key", "fill_decisions", "level_one_only", "decision_tables", "side_scratch",
    "play_rounds",
]

#: Slack when snapping an amount to the grid (in grid steps).
IDX_EPS: float = 1e-9
#: Roles: the principal (the US) and the host (the ROK).
US: int = 0
HOST: int = 1

# Positions in ``ci`` (int64) and ``cf`` (float64), the chunk's constants.
CI_N_GRID, CI_US_FIRST, CI_APPROVAL, CI_END_AFTER, CI_STRATEGIC = 0, 1, 2, 3, 4
CI_LAPSED, CI_HORIZON, CI_OFFSET, CI_POL_US, CI_POL_ROK, CI_VAR_US, CI_VAR_ROK = 5, 6, 7, 8, 9, 10, 11
CI_LEN = 12
CF_AMIN, CF_STEP, CF_THETA, CF_SHIFT, CF_COST_US, CF_COST_ROK, CF_WORKERS, CF_W_E, CF_THETA_W = 0, 1, 2, 3, 4, 5, 6, 7, 8
CF_EPS_US, CF_EPS_ROK = 9, 10
CF_LEN = 11

# Columns of the per-side scratch rows (:func:`side_scratch`).
_F_OPEN, _F_LIMIT, _F_OTHER, _F_E, _F_EPS, _F_H1, _F_H2, _F_WIN_OPEN, _F_WIN_LIMIT, _F_RV = range(10)
_I_SIGN, _I_OBST, _I_POL, _I_PREF, _I_RATIONAL, _I_MOVES, _I_OFF, _I_ACC, _I_DUR, _I_BEST, _I_WORST = range(11)
_I_N, _I_START, _I_KEY, _I_TARGET, _I_RATE = 11, 12, 13, 14, 15
_NF, _NI = 10, 16

register_jitable(rational_start)  # Level-I helpers of bargaining.strategies, compiled where called
register_jitable(linear_decision)
register_jitable(aspiration)
register_jitable(term_cost)  # the term's value (bargaining.term_value), compiled where called
register_jitable(premium_steps)


@register_jitable
def snap_index(x: float, sign: int, amin: float, step: float, n: int) -> int:
    """Grid index of amount ``x`` rounded towards the side of ``sign`` (+1: the smallest index whose
    amount is at least ``x``; -1: the largest whose amount is at most ``x``), within
    :data:`IDX_EPS` steps and clipped to the grid of ``n`` amounts."""
    y = (x - amin) / step
    if sign > 0:
        j = int(math.ceil(y - IDX_EPS))
    else:
        j = int(math.floor(y + IDX_EPS))
    if j < 0:
        j = 0
    if j > n - 1:
        j = n - 1
    return j


@register_jitable
def ceil_index(x: float, amin: float, step: float, n: int) -> int:
    """Smallest grid index whose amount is at least ``x`` (clipped to the grid)."""
    return snap_index(x, 1, amin, step, n)


@register_jitable
def floor_index(x: float, amin: float, step: float, n: int) -> int:
    """Largest grid index whose amount is at most ``x`` (clipped to the grid)."""
    return snap_index(x, -1, amin, step, n)


@register_jitable
def duration_offer(start: int, target: int, conceded: float) -> int:
    """Index into the sorted durations: the opening term ``start`` moved ``conceded`` of the way to
    ``target`` (rounded half up), from :func:`burdenshare.bargaining.term_value.term_plan`.

    With term preferences the target is the term that minimizes the two sides' joint term cost
    (:mod:`burdenshare.bargaining.term_value`).  Without them it is the middle term (index
    ``(nd - 1) // 2`` from the preferred end): conceding across the whole range made the two
    sides' term offers cross, each ending at the other's preferred end, so the signed term was set
    by whose offer was accepted (only the shortest and longest terms were ever signed).
    """
    s = int(math.floor(conceded * abs(target - start) + 0.5))
    if target >= start:
        return start + s
    return start - s


@register_jitable
def tft_demand(n_own: int, last_own: float, n_opp: int, opp_concession: float, first: float,
               lo: float, hi: float, direction: float) -> float:
    """A tit-for-tat demand in won (:class:`~burdenshare.bargaining.strategies.ReciprocalOffering`
    with utilities linear in won): the first demand is ``first``; later, the own last demand moved
    by the opponent's last concession (``opp_concession``, its last two demands, in the direction
    that favours this side; none when it has made fewer than two or moved away) in ``direction``
    (-1: the US demands less, +1: the host offers more), clipped to ``[lo, hi]``."""
    if n_own == 0:
        d = first
    else:
        d = last_own
        if n_opp >= 2 and opp_concession > 0.0:
            d = d + direction * opp_concession
    if d > hi:
        d = hi
    if d < lo:
        d = lo
    return d


@register_jitable(_nrt=False)
def consent_at(table: NDArray[np.float64], off: int, b: int, k: int, d: int, j: int) -> float:
    """``C`` at grid index ``j``; the table starts at ``off`` (amounts below it are never signed
    and never decide an action, see :mod:`burdenshare.engine.consent`) and ends at the host's cap."""
    if j < off:
        return 1.0
    i = j - off
    if i >= table.shape[3]:
        return 0.0
    return float(table[b, k, d, i])


def window_key(st: Any, dfill: NDArray[np.int64], p: int, e: float, rv: float, n: int, start: int,
               terms: int) -> int:
    """Slot of ``dtab`` / ``dfill`` that holds side ``p``'s decisions on a new time-based window
    (exponent ``e``, reservation value ``rv``, ``n + 1`` positions from ``start``; ``terms`` its
    draw's opening and target term indices, ``opening * 64 + target``); called when the window
    changes (and at each draw's first move).  The reference decider (``st``: the (2, R) relative times) has one slot, 0,
    emptied here."""
    dfill[p, 0] = 0
    return 0


def fill_decisions(st: Any, dtab: NDArray[np.int32], dfill: NDArray[np.int64], p: int, slot: int, k: int, e: float,
                   rv: float, n: int, eps: float, start: int, pref: int, target: int) -> None:
    r"""Side ``p``'s time-based decisions of rounds ``dfill[p, slot]..k`` (at least) into
    ``dtab[p, slot, round]``: the offered and the lowest accepted position and the duration offer,
    as NegMAS computes them: aspiration :math:`a = 1 - t^e` (``math.pow``; ``st[p, k]`` is the
    side's relative time), the positions of
    :func:`~burdenshare.bargaining.strategies.linear_decision` on the window of ``n + 1``
    positions (none asked for ``n = 0``) and :func:`duration_offer` conceding :math:`1 - a` of the
    way from the opening term index ``pref`` to ``target``.

    This is the readable reference.  Compiled code picks the implementation of this function and of
    :func:`window_key` by the type of ``st`` (Numba ``overload``): a (2, R) array, this one; the
    engine's batch kernel registers its own for its state tuple (decisions kept per recurring
    window and :math:`t^e` bracketed, :mod:`burdenshare.engine.kernel`; tested equal), and so does
    the multi-issue decision mode (:mod:`burdenshare.bargaining.multi_issue`).  In Python, a state
    with its own ``fill_decisions`` (a decider's Python state) is filled by it."""
    own = getattr(st, "fill_decisions", None)
    if own is not None:
        own(st, dtab, dfill, p, slot, k, e, rv, n, eps, start, pref, target)
        return
    _fill_reference(st, dtab, dfill, p, slot, k, e, rv, n, eps, start, pref, target)


def _fill_reference(st: Any, dtab: NDArray[np.int32], dfill: NDArray[np.int64], p: int, slot: int, k: int, e: float,
                    rv: float, n: int, eps: float, start: int, pref: int, target: int) -> None:
    """:func:`fill_decisions` of the reference decider (``st``: the (2, R) relative times)."""
    for kk in range(dfill[p, slot], k + 1):
        a = aspiration(st[p, kk], e)  # NegMAS PolyAspiration: 1.0 * (1.0 - t**e)
        i_off = 0
        i_acc = 0
        if n > 0:
            i_off, i_acc = linear_decision(a, rv, n, eps, start)
        dtab[p, slot, kk, 0] = i_off
        dtab[p, slot, kk, 1] = i_acc
        dtab[p, slot, kk, 2] = duration_offer(pref, target, 1.0 - a)
    dfill[p, slot] = k + 1


def level_one_only(st: Any) -> bool:
    """Whether the decider's state ``st`` marks a chunk without two-level parts: both sides
    time-based (no tit-for-tat, no win-set-aware play), no obstinate type and no change of
    administration in any draw, no President's approval, no agenda control and no executive
    ceiling, and one escalator rate (not bargained, :mod:`burdenshare.bargaining.rate_value`).  Read once per compiled variant (its value follows from the type of ``st``), so that
    :func:`play_rounds` is compiled without those hooks for such a chunk instead of testing them
    every turn; the caller that builds such a state checks those conditions.  The reference
    decider (``st`` a (2, R) array) plays every chunk with all hooks: ``False``."""
    return False


@overload(level_one_only)
def _level_one_only_reference(st: Any) -> Any:
    if isinstance(st, types.Array):
        return level_one_only
    return None


@overload(window_key)
def _window_key_reference(st: Any, dfill: Any, p: Any, e: Any, rv: Any, n: Any, start: Any, terms: Any) -> Any:
    if isinstance(st, types.Array):
        return window_key
    return None


@overload(fill_decisions)
def _fill_decisions_reference(st: Any, dtab: Any, dfill: Any, p: Any, slot: Any, k: Any, e: Any, rv: Any, n: Any,
                              eps: Any, start: Any, pref: Any, target: Any) -> Any:
    if isinstance(st, types.Array):
        return _fill_reference
    return None


def decision_tables(n_rounds: int, slots: int = 1) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """``dtab`` (2, slots, R, 3) and ``dfill`` (2, slots) for :func:`play_rounds`."""
    return np.zeros((2, slots, n_rounds, 3), dtype=np.int32), np.zeros((2, slots), dtype=np.int64)


def side_scratch() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per-side working rows of :func:`play_rounds` (float, int), reusable from draw to draw."""
    return np.zeros((2, _NF)), np.zeros((2, _NI), dtype=np.int64)


@register_jitable(_nrt=False)
def _wa_admits(pol: int, obst: int, winset: NDArray[np.int64], table: NDArray[np.float64], off: int, b: int,
               k: int, d: int, j: int, theta_w: float, floor: float, amin: float, step: float, n_g: int) -> bool:
    """Whether a winset-aware US negotiator may accept grid amount ``j`` with duration ``d``: inside
    the win-set, or no amount at or above its floor is (then it plays as time-based).  Other
    policies: always."""
    if pol != POLICY_WINSET_AWARE or obst == 1:
        return True
    if winset[b, k, d] < ceil_index(floor, amin, step, n_g):
        return True
    return consent_at(table, off, b, k, d, j) >= theta_w


@register_jitable(_nrt=False)  # no reference counting in the hot loop (nothing allocated)
def play_rounds(st: Any, dtab: NDArray[np.int32], dfill: NDArray[np.int64], sf: NDArray[np.float64], si: NDArray[np.int64],
                ci: NDArray[np.int64], cf: NDArray[np.float64], t: NDArray[np.float64], post_inaug: NDArray[np.int64],
                table: NDArray[np.float64], winset: NDArray[np.int64], base_lm: NDArray[np.float64],
                b: int, r_us: float, open_us: float, open_rok: float, cap_rok: float, e_us: float, e_rok: float,
                obst_us: int, obst_rok: int, change: int, r_pres: float, r_new: float, term_us: int, target_us: int,
                term_rok: int, target_rok: int, tc: NDArray[np.float64], u_vote: NDArray[np.float64],
                record: bool, tr_k: NDArray[np.int64], tr_j: NDArray[np.int64],
                rc: NDArray[np.float64], rgi: NDArray[np.int64],
                ) -> tuple[int, int, int, int, int, int, int, int, int, int, float, int]:
    """Play one negotiation (module docstring).

    Parameters
    ----------
    st, dtab, dfill
        The time-based decider's state (the (2, R) relative times for the reference
        :func:`fill_decisions`, or the engine kernel's caches: its type picks the decider) and its
        decision tables (:func:`decision_tables`).
    sf, si
        Per-side scratch (:func:`side_scratch`).
    ci, cf
        The chunk's constants (``CI_*``, ``CF_*``).
    t
        (2, R) relative times of each side; ``post_inaug`` (R,) 1 from the US inauguration.
    table, winset, base_lm
        Consent table (K, R, D, J), win-set (K, R, D) and the executive base's log median WTP (K, R).
    b, r_us, open_us, open_rok, cap_rok, e_us, e_rok, obst_us, obst_rok, change, r_pres, r_new
        The draw: bank member, US reservation value and opening, host opening and cap, exponents,
        obstinate types, administration change, the President's reservation value before / after.
    term_us, target_us, term_rok, target_rok, tc
        Each side's opening and target term index and (2, D) its term cost per duration
        (:mod:`burdenshare.bargaining.term_value`): a side accepts a standing text only if its
        amount makes up, in whole grid steps (:func:`~burdenshare.bargaining.term_value.premium_steps`),
        for the term's extra cost over its own current duration offer.
    u_vote
        (R,) vote uniforms.
    record, tr_k, tr_j
        Record each offer as ``2 * round + role`` and its grid index (rows of length 2 R).
    rc, rgi
        The escalator rate as an issue (:mod:`burdenshare.bargaining.rate_value`): (2, D, G) each
        side's rate cost per won of level equivalent and (3, D) each side's ideal rate index and the
        efficient one per term (:func:`~burdenshare.bargaining.rate_value.rate_costs`).  With one
        rate (G = 1) the rate is not bargained and none of this is read.  A time-based side offers,
        at its term offer, the rate moved :math:`1 - a(t)` of the way from its ideal to the
        efficient one; the acceptance premium counts the rate cost of the standing text and of its
        own demand at their amounts.

    Returns
    -------
    tuple
        ``(agreed, signed_round, signed_index, signed_duration, ratified, ratified_round,
        first_signed_round, rejections_president, rejections_assembly, votes, p_consent,
        signed_rate)`` (``signed_rate``: the index into the rates, 0 without a bargained rate).
    """
    # a chunk without two-level parts (level_one_only): the hooks' tests below are compiled out
    bare = level_one_only(st)
    n_g = ci[CI_N_GRID]
    us_first = ci[CI_US_FIRST]
    approval_required = ci[CI_APPROVAL]
    end_after = ci[CI_END_AFTER]
    strategic = ci[CI_STRATEGIC]
    off = ci[CI_OFFSET]
    pol_us = ci[CI_POL_US]
    pol_rok = ci[CI_POL_ROK]
    amin = cf[CF_AMIN]
    step = cf[CF_STEP]
    theta = cf[CF_THETA]
    w_e = cf[CF_W_E]
    theta_w = cf[CF_THETA_W]
    n_r = t.shape[1]
    # the escalator rate is bargained (bargaining.rate_value); a chunk without the hooks has one rate
    rated = not bare and rc.shape[2] > 1
    log_cap = math.log(cap_rok) if w_e > 0.0 else 0.0  # read only under an executive ceiling
    floor_old = min(r_us, open_us)
    first = US if us_first == 1 else HOST
    # the two sides' rows: the host's window is fixed for the draw, the US's changes with the seat
    for p in range(2):
        si[p, _I_SIGN] = 1 if p == US else -1
        si[p, _I_PREF] = term_us if p == US else term_rok
        si[p, _I_TARGET] = target_us if p == US else target_rok
        si[p, _I_POL] = pol_us if p == US else pol_rok
        si[p, _I_RATIONAL] = 1 - (ci[CI_VAR_US] if p == US else ci[CI_VAR_ROK])
        sf[p, _F_EPS] = cf[CF_EPS_US] if p == US else cf[CF_EPS_ROK]
        sf[p, _F_H1] = 0.0
        sf[p, _F_H2] = 0.0
        sf[p, _F_WIN_OPEN] = math.nan
        sf[p, _F_WIN_LIMIT] = math.nan
        si[p, _I_MOVES] = 0
        si[p, _I_RATE] = 0
    sf[US, _F_E] = e_us
    sf[US, _F_OTHER] = open_rok
    sf[HOST, _F_E] = e_rok
    sf[HOST, _F_OPEN] = open_rok
    sf[HOST, _F_LIMIT] = cap_rok
    sf[HOST, _F_OTHER] = open_us
    si[HOST, _I_OBST] = obst_rok
    learned_old = 0.0
    learned_new = 0.0
    rok_max_j = n_g - 1
    st_j = -1  # the standing offer, its duration and its proposer
    st_d = -1
    st_p = -1
    st_g = 0  # the standing text's rate index
    n_rej_p = 0
    n_rej_a = 0
    n_votes = 0
    agreed = 0
    signed_round = -1
    signed_j = -1
    signed_d = -1
    signed_g = 0
    first_signed = -1
    ratified = 0
    rat_round = -1
    pc = math.nan
    n_off = 0
    can_change = not bare and change == 1 and not math.isnan(r_new)
    wa_rok = 1 if pol_rok == POLICY_WINSET_AWARE and obst_rok == 0 else 0
    tft = not bare and (pol_us == POLICY_TIT_FOR_TAT or pol_rok == POLICY_TIT_FOR_TAT)
    # hooks: a two-level limit applies to the offers; plain: acceptance is Level I's alone
    hooks = not bare and (pol_us == POLICY_WINSET_AWARE or w_e > 0.0 or strategic == 1 or wa_rok == 1)
    plain = bare or (strategic == 0 and wa_rok == 0 and pol_us != POLICY_WINSET_AWARE)
    # The US seat's window (opening, floor, obstinacy, the President's reservation value) changes
    # only when the administration changes or a rejection teaches the President's reservation
    # value: the rounds run in segments over which it is constant (k_next: where the next starts).
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
        sf[US, _F_OPEN] = open_k
        sf[US, _F_LIMIT] = floor_k
        si[US, _I_OBST] = obst_k
        k_next = n_r
        for k in range(k0, n_r):
            if can_change and (post_inaug[k] == 1) != new_admin:
                k_next = k  # the administration changes
                break
            # demands in the order of moves (a tit-for-tat second mover sees this round's first demand)
            for mv in range(2):
                p = first if mv == 0 else 1 - first
                s = si[p, _I_SIGN]
                o = sf[p, _F_OPEN]
                lim = sf[p, _F_LIMIT]
                if not bare and si[p, _I_OBST] == 1:
                    d = o
                    j = snap_index(d, s, amin, step, n_g)
                    du = duration_offer(si[p, _I_PREF], si[p, _I_TARGET], 0.0)
                    j_acc = j
                elif not bare and si[p, _I_POL] == POLICY_TIT_FOR_TAT:
                    q = 1 - p
                    if si[q, _I_SIGN] > 0:  # the other side's last concession, in won
                        conc = sf[q, _F_H2] - sf[q, _F_H1]
                    else:
                        conc = sf[q, _F_H1] - sf[q, _F_H2]
                    if s > 0:
                        d = tft_demand(si[p, _I_MOVES], sf[p, _F_H1], si[q, _I_MOVES], conc, o, lim, o, -1.0)
                    else:
                        d = tft_demand(si[p, _I_MOVES], sf[p, _F_H1], si[q, _I_MOVES], conc, o, o, lim, 1.0)
                    j = snap_index(d, s, amin, step, n_g)
                    du = duration_offer(si[p, _I_PREF], si[p, _I_TARGET], 0.0)
                    j_acc = j
                else:  # time-based on [worst, best], u(i) = i / n at grid index worst + s * i
                    # the window and its reservation value (without the hooks: one segment, so set at its first round)
                    if (not bare or k == k0) and (o != sf[p, _F_WIN_OPEN] or lim != sf[p, _F_WIN_LIMIT]):
                        sf[p, _F_WIN_OPEN] = o
                        sf[p, _F_WIN_LIMIT] = lim
                        far = lim
                        other = sf[p, _F_OTHER]
                        if (other < far) if s > 0 else (other > far):
                            far = other
                        jb = snap_index(o, s, amin, step, n_g)
                        jw = snap_index(far, -s, amin, step, n_g)
                        n = (jb - jw) * s
                        if n > 0:
                            a_w = amin + jw * step
                            rv = (lim - a_w) / (amin + jb * step - a_w)
                            start = rational_start(rv, n, si[p, _I_RATIONAL])
                        else:
                            n = 0
                            rv = 0.0
                            start = 0
                        si[p, _I_BEST] = jb
                        si[p, _I_WORST] = jw
                        si[p, _I_N] = n
                        si[p, _I_START] = start
                        sf[p, _F_RV] = rv
                        si[p, _I_KEY] = window_key(st, dfill, p, sf[p, _F_E], rv, n, start,
                                                   si[p, _I_PREF] * 64 + si[p, _I_TARGET])
                    n = si[p, _I_N]
                    slot = si[p, _I_KEY]
                    if k >= dfill[p, slot]:
                        fill_decisions(st, dtab, dfill, p, slot, k, sf[p, _F_E], sf[p, _F_RV], n, sf[p, _F_EPS],
                                       si[p, _I_START], si[p, _I_PREF], si[p, _I_TARGET])
                    i_off = dtab[p, slot, k, 0]
                    i_acc = dtab[p, slot, k, 1]
                    du = dtab[p, slot, k, 2]
                    if n > 0:
                        j = si[p, _I_WORST] + s * i_off
                        j_acc = si[p, _I_WORST] + s * i_acc
                    else:
                        j = si[p, _I_BEST]
                        j_acc = j
                    d = amin + j * step
                si[p, _I_OFF] = j
                si[p, _I_ACC] = j_acc
                si[p, _I_DUR] = du
                if rated:  # the rate offer at this term offer, conceded as the term (bargaining.rate_value)
                    g_open = rgi[p, du]
                    g_tgt = rgi[2, du]
                    if g_open == g_tgt or si[p, _I_OBST] == 1 or si[p, _I_POL] == POLICY_TIT_FOR_TAT:
                        si[p, _I_RATE] = g_open
                    else:
                        si[p, _I_RATE] = duration_offer(g_open, g_tgt, 1.0 - aspiration(t[p, k], sf[p, _F_E]))
                if tft:  # the demands in won, read only by a tit-for-tat side
                    sf[p, _F_H2] = sf[p, _F_H1]
                    sf[p, _F_H1] = d
                    si[p, _I_MOVES] += 1
            if si[HOST, _I_OFF] > rok_max_j:
                si[HOST, _I_OFF] = rok_max_j
            if si[HOST, _I_ACC] > rok_max_j:
                si[HOST, _I_ACC] = rok_max_j
            jr_off = si[HOST, _I_OFF]
            if hooks:  # the two-level limits on this round's offers (none in a bare Level-I game)
                if pol_us == POLICY_WINSET_AWARE and obst_k == 0:
                    w = winset[b, k, si[US, _I_DUR]]
                    if w >= ceil_index(floor_k, amin, step, n_g) and si[US, _I_OFF] > w:
                        si[US, _I_OFF] = w
                        if si[US, _I_ACC] > w:
                            si[US, _I_ACC] = w
                if w_e > 0.0:
                    j_e = floor_index(math.exp((1.0 - w_e) * log_cap + w_e * base_lm[b, k]), amin, step, n_g)
                    if si[HOST, _I_OFF] > j_e:
                        si[HOST, _I_OFF] = j_e
                    if si[HOST, _I_ACC] > j_e:
                        si[HOST, _I_ACC] = j_e
                jr_off = si[HOST, _I_OFF]
                if strategic == 1:
                    w = winset[b, k, si[HOST, _I_DUR]]
                    if w < jr_off:
                        jr_off = w
                if wa_rok == 1:
                    w = winset[b, k, si[HOST, _I_DUR]]
                    if 0 <= w < jr_off:
                        jr_off = w
            init_j = -1
            init_d = -1
            init_g = 0
            for turn in range(2):
                p = first if turn == 0 else 1 - first
                if st_j >= 0 and st_p != p:
                    if not plain and p == US:  # the host withdraws an offer that left its limits
                        if strategic == 1 and consent_at(table, off, b, k, st_d, st_j) < theta:
                            st_j = -1
                        if (st_j >= 0 and wa_rok == 1 and winset[b, k, st_d] >= 0
                                and consent_at(table, off, b, k, st_d, st_j) < theta_w):
                            st_j = -1
                    # at least its position, the term's extra cost made up in whole grid steps (none for
                    # its own term: ceil(0 / step - 1e-9) = 0 for every finite cost); with a bargained
                    # rate, the rate's cost at the standing amount and at its own accepted amount
                    if st_j >= 0 and ((st_j - si[p, _I_ACC]) * si[p, _I_SIGN]
                                      >= (0 if st_d == si[p, _I_DUR] and (not rated or st_g == si[p, _I_RATE])
                                          else premium_steps(
                                              tc[p, st_d] + ((amin + st_j * step) * rc[p, st_d, st_g] if rated else 0.0),
                                              tc[p, si[p, _I_DUR]] + ((amin + si[p, _I_ACC] * step)
                                                                      * rc[p, si[p, _I_DUR], si[p, _I_RATE]]
                                                                      if rated else 0.0), step))):
                        if plain:
                            ok = True
                        elif p == US:
                            ok = _wa_admits(pol_us, obst_k, winset, table, off, b, k, st_d, st_j, theta_w, floor_k,
                                            amin, step, n_g)
                        else:
                            ok = ((strategic == 0 or consent_at(table, off, b, k, st_d, st_j) >= theta)
                                  and (wa_rok == 0 or winset[b, k, st_d] < 0
                                       or consent_at(table, off, b, k, st_d, st_j) >= theta_w))
                        if ok:
                            init_j = st_j
                            init_d = st_d
                            init_g = st_g
                            break
                j_new = si[US, _I_OFF] if p == US else jr_off
                if j_new >= 0:
                    st_j = j_new
                    st_d = si[p, _I_DUR]
                    if rated:  # (one rate: every rate index is 0)
                        st_g = si[p, _I_RATE]
                    st_p = p
                    if record:
                        tr_k[n_off] = 2 * k + p
                        tr_j[n_off] = j_new
                        n_off += 1
                else:
                    st_j = -1
            if init_j < 0:
                continue
            # the US President's approval
            if not bare and approval_required == 1 and amin + init_j * step < pres_rv:
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
            signed_g = init_g
            if first_signed < 0:
                first_signed = k
            pc = consent_at(table, off, b, k, init_d, init_j)
            n_votes += 1
            if u_vote[k] < pc:
                ratified = 1
                rat_round = k
                break
            n_rej_a += 1
            rok_max_j = init_j - 1
            st_j = -1
            if end_after == 1:
                break
        k0 = k_next
    return (agreed, signed_round, signed_j, signed_d, ratified, rat_round, first_signed, n_rej_p, n_rej_a, n_votes,
            pc, signed_g)
