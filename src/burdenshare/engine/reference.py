r"""The two-level protocol, one draw at a time: the readable scalar reference of the batch kernel.

**Level I** (Putnam 1988) is a dated alternating-offers negotiation (NegMAS SAO order: in round
k the first mover acts, then the other; an action on a standing offer is accept, or reject and
counter-offer).  Offers are (first-year amount, duration).  Each time-based negotiator is NegMAS's
``TimeBasedConcedingNegotiator`` on the amount grid from its own opening to the farthest amount it
may concede to, with utility linear in the amount: it decides with
:func:`burdenshare.bargaining.strategies.linear_decision` (NegMAS's threshold
:math:`lo = (1 - u_{min})\,a(t) + u_{min} - 10^{-4}` and the 1e-6 nearest rule) at its relative
time :math:`t_k = (k+1)/(n+1)` (n the rounds on or before its ``concession_deadline``, all rounds
when unset; 1 after it: :func:`~burdenshare.engine.plan.relative_times`), the aspiration being
:math:`a(t) = 1 - t^{e}`.  The US's grid runs from :math:`\min(\text{floor}, o_K)` (rounded down)
to :math:`o_{US}` (rounded up), the host's from :math:`o_K` (rounded down) to
:math:`\max(\bar r_K, o_{US})` (rounded up); in won its offers are, up to the tolerance,

.. math::

    D_{US}(k) = \underline r_{US} + (o_{US} - \underline r_{US})\,a_{US}(t_k),\qquad
    D_{K}(k) = o_K + (\bar r_K - o_K)\,(1 - a_K(t_k)),

the US demand rounded up to the amount grid and the host offer rounded down.  Each accepts a
standing offer of utility at least its threshold (NegMAS acceptance :math:`u \ge lo(t)`).  With
the two-level parts switched off this is NegMAS's protocol exactly (:mod:`burdenshare.engine.parity`).  Durations move
the same way: each side opens at its ideal term and concedes :math:`1 - a(t)` of the way to the
term that minimizes the joint term cost, and each values a text's term by its term cost
:math:`c_i(m)` in acceptance and utility (:mod:`burdenshare.bargaining.term_value`; without term
preferences: its ``duration_preference`` end, conceding to the middle term, costs 0;
:func:`duration_offer`).  Reservation values are
private draws; an **obstinate type** (Abreu & Gul 2000; probability ``obstinate_probability``)
never moves from its opening demand.  A **tit-for-tat** negotiator (``kind = "tit_for_tat"``;
Axelrod 1984, :class:`~burdenshare.bargaining.strategies.ReciprocalOffering`) opens at its opening
and then moves its last demand by the other side's last concession in won (none until the other
side has made two demands, none for a retreat), within its floor / cap, keeping its preferred
duration; demands are made in the order of moves, so a second mover sees this round's first demand.
Strategy kinds come from the one registry :data:`burdenshare.bargaining.strategies.REGISTRY`
(``plan.policy_us`` / ``plan.policy_rok``): time-based kinds, ``tit_for_tat``, ``hardliner``
(always obstinate) and ``winset_aware``.

**Win-set-aware play** (DESIGN.md §4; :class:`~burdenshare.bargaining.strategies.WinSetOffering`).
A ``winset_aware`` negotiator plays the time-based curve but never demands or concedes past the
Assembly's win-set at the current date, :math:`W_k` at the consent level θ_W
(``plan.winset_threshold``, ``parties.host_executive.submit_threshold``, whatever the submission rule), for the
duration it offers: the US demand is :math:`\min(j_{US}(k), W_k)` and the host offer
:math:`\min(j_K(k), W_k)`; it accepts only texts with :math:`P(\text{consent}) \ge θ_W` that are
at least as good as its own (clipped) demand, and the host withdraws a standing offer that has
left the win-set.  Where no amount it could accept lies inside the win-set (the US: none at or
above its floor; the host: an empty win-set) it plays as the time-based kind.

**Agenda control and the win-set** (Tarar 2001; Milner & Rosendorff 1997).  With
``submission = "strategic"`` the host executive submits only texts whose consent probability at
the date is at least the threshold θ, so its negotiator clips its offers to the win-set
:math:`W_k` (the largest amount with :math:`P(\text{consent}) \ge θ`), accepts only inside it,
and withdraws a standing offer that has left it.

**The host executive as a ratifier** (DESIGN.md §4: it answers to its own partisan base).  It
signs and submits only texts up to its own ceiling, the same geometric mix of its value and its
base's opinion as a legislator's position (:mod:`burdenshare.legislature.from_scenario`),

.. math::

    M_E(k) = \exp\big((1 - w_E)\ln \bar r_K + w_E \ln m_{base}(k)\big),

with :math:`w_E` = ``parties.host_executive.opinion_weight``, :math:`\bar r_K` the host's
reservation value (with the drawdown shift) and :math:`m_{base}(k)` the median willingness to pay
of the group of its ``base_bloc`` at the round's date (the bank member's opinion dynamics):
the host negotiator's offers and acceptances are capped at :math:`M_E(k)` (:math:`w_E = 0`:
no extra constraint).

**Ratification, two steps.**  An initialled text goes to the US President (Iida 1996; Mo 1995),
who approves iff the amount is at least his reservation value (drawn); after a rejection the US
negotiator knows that floor.  A signed text is submitted and the Assembly votes at once: it
passes iff ``u_vote[k] < C[b, k, d, j]`` (a Bernoulli draw from the exact consent probability
of :mod:`burdenshare.engine.consent`).  After an Assembly rejection the host negotiator never
again offers that amount or more.  Every rejection costs both negotiators their audience cost
(Leventoğlu & Tarar 2005: public positions are commitments) and sends them back to the table
(or ends talks with ``protocol.after_rejection = "end"``).

**The US election** is a chance node: with the drawn change of administration, from the
inauguration the President's reservation value is ``reservation_value_after_change_krw`` and the
new US negotiator opens at it, with floor ``min(r_US, that value)``, and is not obstinate (an
assumption: a new administration is not bound by its predecessor's public positions).

**Costs and outcomes.**  Each round after the deadline without a ratified agreement costs each
side ``per_round_cost_krw``; furlough worker-days accrue from ``levers.furlough_from`` until the
first signed text, the host's counter-move or the horizon.  Utilities (won):
:math:`u_{US} = \delta_{US}^{k}(x - r_{US} - c_{US}(m))` and :math:`u_K = \delta_K^{k}(\bar r_K - x - c_K(m))` if
ratified in round k with term m, else 0, less impasse and audience costs.

**The schedule** (:mod:`burdenshare.agreement`).  The amount the negotiators bargain over, the
President approves, the Assembly consents to and the utilities count is the schedule's *level
equivalent* (the constant yearly amount with the schedule's present value over its term), so the
consent tables stay indexed by (date, duration, amount); the text's opening amount, which the run
reports, is that divided by the term's factor :math:`f_d` (``plan.level_factors()``: the
scenario's escalator and jump, ``cost_model.escalator``).  With a flat schedule :math:`f_d = 1`.

The kernel (:mod:`burdenshare.engine.kernel`) repeats this function operation for operation.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics. *International Organization* 42(3).
Iida, K. (1996). Involuntary defection in two-level games. *Public Choice* 89, 283-303.
Tarar, A. (2001). International bargaining with two-sided domestic constraints. *JCR* 45(3).
Abreu, D. & Gul, F. (2000). Bargaining and reputation. *Econometrica* 68(1), 85-117.
Leventoğlu, B. & Tarar, A. (2005). Prenegotiation public commitment in domestic and
international bargaining. *APSR* 99(3), 419-433.
Faratin, P., Sierra, C. & Jennings, N. R. (1998). *Robotics and Autonomous Systems* 24, 159-182.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.bargaining.strategies import (
    ASP_EPS,
    POLICY_TIT_FOR_TAT,
    POLICY_WINSET_AWARE,
    TB_EPS,
    aspiration,
    linear_decision,
    rational_start,
)
from burdenshare.bargaining.term_value import premium_steps, term_cost
from burdenshare.engine.plan import Plan

__all__ = ["INT_OUTPUTS", "FLOAT_OUTPUTS", "IDX_EPS", "play", "ceil_index", "floor_index", "duration_offer", "draw_terms",
           "tft_demand"]

#: Integer outputs per draw, in kernel order.
INT_OUTPUTS: tuple[str, ...] = (
    "agreed", "signed_round", "signed_index", "duration_years", "ratified", "ratified_round",
    "first_signed_round", "rejections_president", "rejections_assembly", "votes", "renewals", "lapse_now",
)
#: Float outputs per draw, in kernel order.
FLOAT_OUTPUTS: tuple[str, ...] = (
    "amount_krw", "p_consent", "furlough_worker_days", "impasse_cost_us_krw", "impasse_cost_rok_krw",
    "utility_us_krw", "utility_rok_krw",
)
#: Slack when snapping an amount to the grid (in grid steps).
IDX_EPS: float = 1e-9


def ceil_index(x: float, amin: float, step: float, n: int) -> int:
    """Smallest grid index whose amount is at least ``x`` (clipped to the grid)."""
    j = int(math.ceil((x - amin) / step - IDX_EPS))
    if j < 0:
        j = 0
    if j > n - 1:
        j = n - 1
    return j


def floor_index(x: float, amin: float, step: float, n: int) -> int:
    """Largest grid index whose amount is at most ``x`` (clipped to the grid)."""
    j = int(math.floor((x - amin) / step + IDX_EPS))
    if j < 0:
        j = 0
    if j > n - 1:
        j = n - 1
    return j


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


def draw_terms(plan: Plan, p: Mapping[str, Any]) -> tuple[int, int, int, int, float, float, float, float]:
    """A draw's ``(start_us, target_us, start_rok, target_rok, ideal_us, weight_us, ideal_rok,
    weight_rok)`` from its term columns (:func:`burdenshare.bargaining.term_value.draw_term_columns`);
    without them the plan's opening and target terms and no term cost."""
    if "term_start_us" not in p:
        tg_us, tg_rok = plan.term_targets()
        return plan.pref_us, tg_us, plan.pref_rok, tg_rok, 0.0, 0.0, 0.0, 0.0
    return (int(p["term_start_us"]), int(p["term_target_us"]), int(p["term_start_rok"]), int(p["term_target_rok"]),
            float(p["term_ideal_us"]), float(p["term_weight_us"]), float(p["term_ideal_rok"]), float(p["term_weight_rok"]))


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


def _consent(table: NDArray[np.float64], off: int, b: int, k: int, d: int, j: int) -> float:
    """``C`` at grid index ``j``; the table starts at ``off`` (amounts below it are never signed
    and never decide an action, see :mod:`burdenshare.engine.consent`) and ends at the host's cap."""
    if j < off:
        return 1.0
    i = j - off
    if i >= table.shape[3]:
        return 0.0
    return float(table[b, k, d, i])


def _wa_admits(pol: int, obst: int, winset: NDArray[np.int64], table: NDArray[np.float64], off: int, b: int,
               k: int, d: int, j: int, theta_w: float, floor: float, amin: float, step: float, n_g: int) -> bool:
    """Whether a winset-aware US negotiator may accept grid amount ``j`` with duration ``d``: inside
    the win-set, or no amount at or above its floor is (then it plays as time-based).  Other
    policies: always."""
    if pol != POLICY_WINSET_AWARE or obst == 1:
        return True
    if int(winset[b, k, d]) < ceil_index(floor, amin, step, n_g):
        return True
    return _consent(table, off, b, k, d, j) >= theta_w


def play(plan: Plan, table: NDArray[np.float64], winset: NDArray[np.int64], p: Mapping[str, Any],
         u_vote: NDArray[np.float64], offset: int = 0, *,
         base_log_median: NDArray[np.float64],
         trace: list[tuple[int, int, int]] | None = None) -> dict[str, float | int]:
    """Play one draw of the two-level protocol (module docstring).

    Parameters
    ----------
    plan
        Static inputs.
    table, winset
        The consent bank's tables (:class:`~burdenshare.engine.consent.ConsentBank`).
    p
        This draw's parameters (scalars keyed as in :func:`~burdenshare.engine.plan.draw_columns`).
    u_vote
        (n_rounds,) vote uniforms.
    offset
        Grid index of the table's first column (:attr:`ConsentBank.offset`).
    base_log_median
        (K, R) log median WTP of the executive's base (:attr:`ConsentBank.base_log_median`).
    trace
        If a list, every offer is appended as ``(round, party, grid index)`` (party 0: the US,
        1: the host), as the kernel records it with ``record=True``.

    Returns
    -------
    dict
        :data:`INT_OUTPUTS` and :data:`FLOAT_OUTPUTS`.
    """
    n_r = plan.n_rounds
    n_g = plan.n_grid
    amin = plan.amount_min
    step = plan.amount_step
    # this draw's term preferences: opening and target terms, term costs per duration (term_value)
    ts_us, tg_us, ts_rok, tg_rok, ti_us, tw_us, ti_rok, tw_rok = draw_terms(plan, p)
    tc_us = [term_cost(tw_us, ti_us, float(m)) for m in plan.durations]
    tc_rok = [term_cost(tw_rok, ti_rok, float(m)) for m in plan.durations]
    strategic = plan.strategic_submission
    theta = plan.submit_threshold
    theta_w = plan.winset_threshold
    pol_us = plan.policy_us
    pol_rok = plan.policy_rok
    b = int(p["bank"])
    r_us = float(p["r_us"])
    open_us = float(p["open_us"])
    open_rok = float(p["open_rok"])
    cap_rok = max(float(p["r_rok"]), open_rok) + plan.drawdown_shift_krw
    w_e = plan.executive_weight
    log_cap = math.log(cap_rok)
    e_us = float(p["e_us"])
    e_rok = float(p["e_rok"])
    obst_us = int(p["obst_us"])
    obst_rok = int(p["obst_rok"])
    change = int(p["change"])
    r_pres = float(p["r_pres"])
    r_new = float(p["r_pres_after"])
    floor_old = min(r_us, open_us)
    # Level I: each time-based negotiator plays NegMAS's policy on the amount grid from its own
    # opening to the farthest amount it may concede to (bargaining.strategies.linear_decision)
    j_lo = floor_index(open_rok, amin, step, n_g)
    j_hi0 = ceil_index(max(cap_rok, open_us), amin, step, n_g)
    a_lo = amin + j_lo * step
    a_hi0 = amin + j_hi0 * step
    rv_rok = (a_hi0 - cap_rok) / (a_hi0 - a_lo) if j_hi0 > j_lo else 0.0
    start_rok = rational_start(rv_rok, j_hi0 - j_lo, 1 - plan.variant_rok) if j_hi0 > j_lo else 0
    win_open = win_floor = math.nan  # the US's grid is set up when its opening or floor changes
    j_hi = j_bot = start_us = 0
    rv_us = 0.0
    eps_us = TB_EPS if plan.variant_us == 0 else ASP_EPS
    eps_rok = TB_EPS if plan.variant_rok == 0 else ASP_EPS
    n_us = 0  # demands made so far and the last two (tit-for-tat)
    n_rok = 0
    h_us1 = h_us2 = h_rok1 = h_rok2 = 0.0
    d_us = d_rok = 0.0
    du = dr = 0
    ju = ju_acc = jr = jr_acc = 0
    learned_old = 0.0
    learned_new = 0.0
    rok_max_j = n_g - 1
    st_j = -1  # standing offer
    st_d = -1
    st_us = 0  # 1 if the standing offer is the US's
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
    for k in range(n_r):
        t_u = float(plan.t_us[k])
        t_r = float(plan.t_rok[k])
        new_admin = change == 1 and plan.post_inauguration[k] == 1 and not math.isnan(r_new)
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
        a_u = aspiration(t_u, e_us)  # NegMAS PolyAspiration: 1.0 * (1.0 - t**e)
        a_r = aspiration(t_r, e_rok)
        # demands in the order of moves (a tit-for-tat second mover sees this round's first demand)
        for mover in ((0, 1) if plan.us_first == 1 else (1, 0)):
            if mover == 0:
                if obst_k == 1:
                    d_us = open_k
                    ju = ceil_index(d_us, amin, step, n_g)
                    ju_acc = ju
                    du = duration_offer(ts_us, tg_us, 0.0)
                elif pol_us == POLICY_TIT_FOR_TAT:
                    d_us = tft_demand(n_us, h_us1, n_rok, h_rok1 - h_rok2, open_k, floor_k, open_k, -1.0)
                    ju = ceil_index(d_us, amin, step, n_g)
                    ju_acc = ju
                    du = duration_offer(ts_us, tg_us, 0.0)
                else:  # NegMAS time-based on [j_bot, j_hi], u_US(j) = (j - j_bot) / (j_hi - j_bot)
                    if open_k != win_open or floor_k != win_floor:  # the US's grid and reservation value
                        win_open = open_k
                        win_floor = floor_k
                        j_hi = ceil_index(open_k, amin, step, n_g)
                        j_bot = floor_index(min(floor_k, open_rok), amin, step, n_g)
                        a_bot = amin + j_bot * step
                        rv_us = (floor_k - a_bot) / (amin + j_hi * step - a_bot) if j_hi > j_bot else 0.0
                        start_us = rational_start(rv_us, j_hi - j_bot, 1 - plan.variant_us) if j_hi > j_bot else 0
                    if j_hi > j_bot:
                        i_off, i_acc = linear_decision(a_u, rv_us, j_hi - j_bot, eps_us, start_us)
                        ju = j_bot + i_off
                        ju_acc = j_bot + i_acc
                    else:
                        ju = j_hi
                        ju_acc = j_hi
                    d_us = amin + ju * step
                    du = duration_offer(ts_us, tg_us, 1.0 - a_u)
                h_us2 = h_us1
                h_us1 = d_us
                n_us += 1
            else:
                if obst_rok == 1:
                    d_rok = open_rok
                    jr = floor_index(d_rok, amin, step, n_g)
                    jr_acc = jr
                    dr = duration_offer(ts_rok, tg_rok, 0.0)
                elif pol_rok == POLICY_TIT_FOR_TAT:
                    d_rok = tft_demand(n_rok, h_rok1, n_us, h_us2 - h_us1, open_rok, open_rok, cap_rok, 1.0)
                    jr = floor_index(d_rok, amin, step, n_g)
                    jr_acc = jr
                    dr = duration_offer(ts_rok, tg_rok, 0.0)
                else:  # u_ROK(j) = (j_hi0 - j) / (j_hi0 - j_lo)
                    if j_hi0 > j_lo:
                        i_off, i_acc = linear_decision(a_r, rv_rok, j_hi0 - j_lo, eps_rok, start_rok)
                        jr = j_hi0 - i_off
                        jr_acc = j_hi0 - i_acc
                    else:
                        jr = j_lo
                        jr_acc = j_lo
                    d_rok = amin + jr * step
                    dr = duration_offer(ts_rok, tg_rok, 1.0 - a_r)
                h_rok2 = h_rok1
                h_rok1 = d_rok
                n_rok += 1
        if pol_us == POLICY_WINSET_AWARE and obst_k == 0:
            w = int(winset[b, k, du])
            if w >= ceil_index(floor_k, amin, step, n_g) and ju > w:
                ju = w
                if ju_acc > w:
                    ju_acc = w
        if jr > rok_max_j:
            jr = rok_max_j
        if jr_acc > rok_max_j:
            jr_acc = rok_max_j
        if w_e > 0.0:
            j_e = floor_index(math.exp((1.0 - w_e) * log_cap + w_e * float(base_log_median[b, k])), amin, step, n_g)
            if jr > j_e:
                jr = j_e
            if jr_acc > j_e:
                jr_acc = j_e
        jr_off = jr
        if strategic == 1:
            w = int(winset[b, k, dr])
            if w < jr_off:
                jr_off = w
        wa_rok = 1 if pol_rok == POLICY_WINSET_AWARE and obst_rok == 0 else 0
        if wa_rok == 1:
            w = int(winset[b, k, dr])
            if 0 <= w < jr_off:
                jr_off = w
        init_j = -1
        init_d = -1
        for turn in range(2):
            us_turn = (turn == 0) == (plan.us_first == 1)
            if us_turn:
                if st_j >= 0 and st_us == 0:
                    if strategic == 1 and _consent(table, offset, b, k, st_d, st_j) < theta:
                        st_j = -1
                    if (st_j >= 0 and wa_rok == 1 and int(winset[b, k, st_d]) >= 0
                            and _consent(table, offset, b, k, st_d, st_j) < theta_w):
                        st_j = -1  # a winset-aware host withdraws an offer that left the win-set
                    if st_j >= 0 and st_j >= ju_acc + premium_steps(tc_us[st_d], tc_us[du], step) and _wa_admits(pol_us, obst_k, winset, table, offset, b, k, st_d,
                                                                   st_j, theta_w, floor_k, amin, step, n_g):
                        init_j = st_j
                        init_d = st_d
                        break
                st_j = ju
                st_d = du
                st_us = 1
                if trace is not None:
                    trace.append((k, 0, ju))
            else:
                if st_j >= 0 and st_us == 1 and st_j <= jr_acc - premium_steps(tc_rok[st_d], tc_rok[dr], step):
                    if ((strategic == 0 or _consent(table, offset, b, k, st_d, st_j) >= theta)
                            and (wa_rok == 0 or int(winset[b, k, st_d]) < 0
                                 or _consent(table, offset, b, k, st_d, st_j) >= theta_w)):
                        init_j = st_j
                        init_d = st_d
                        break
                if jr_off >= 0:
                    st_j = jr_off
                    st_d = dr
                    st_us = 0
                    if trace is not None:
                        trace.append((k, 1, jr_off))
                else:
                    st_j = -1
        if init_j < 0:
            continue
        # the US President's approval
        if plan.approval_required == 1 and amin + init_j * step < pres_rv:
            n_rej_p += 1
            if new_admin:
                learned_new = pres_rv
            else:
                learned_old = pres_rv
            st_j = -1
            if plan.end_after_rejection == 1:
                break
            continue
        agreed = 1
        signed_round = k
        signed_j = init_j
        signed_d = init_d
        if first_signed < 0:
            first_signed = k
        pc = _consent(table, offset, b, k, init_d, init_j)
        n_votes += 1
        if float(u_vote[k]) < pc:
            ratified = 1
            rat_round = k
            break
        n_rej_a += 1
        rok_max_j = init_j - 1
        st_j = -1
        if plan.end_after_rejection == 1:
            break
    end_round = rat_round if ratified == 1 else n_r
    imp_us = plan.cost_us * float(plan.cum_impasse[end_round])
    imp_rok = plan.cost_rok * float(plan.cum_impasse[end_round])
    fw = plan.workers * float(plan.furlough_days[first_signed if first_signed >= 0 else n_r])
    x = amin + signed_j * step if agreed == 1 else math.nan
    n_rej = float(n_rej_p + n_rej_a)
    if ratified == 1:
        u_us = math.pow(float(p["delta_us"]), float(rat_round)) * (x - r_us - tc_us[signed_d])
        u_rok = math.pow(float(p["delta_rok"]), float(rat_round)) * (cap_rok - x - tc_rok[signed_d])
    else:
        u_us = 0.0
        u_rok = 0.0
    u_us = u_us - imp_us - float(p["aud_us"]) * n_rej
    u_rok = u_rok - imp_rok - float(p["aud_rok"]) * n_rej
    m = int(plan.durations[signed_d]) if ratified == 1 else int(plan.durations[0])
    renewals = (plan.planning_horizon_years + m - 1) // m - 1
    lapse_now = 0 if (ratified == 1 and rat_round < plan.lapsed_rounds) else 1
    return {
        "agreed": agreed,
        "signed_round": signed_round,
        "signed_index": signed_j,
        "duration_years": int(plan.durations[signed_d]) if agreed == 1 else 0,
        "ratified": ratified,
        "ratified_round": rat_round,
        "first_signed_round": first_signed,
        "rejections_president": n_rej_p,
        "rejections_assembly": n_rej_a,
        "votes": n_votes,
        "renewals": renewals,
        "lapse_now": lapse_now,
        "amount_krw": x / float(plan.level_factors()[signed_d]) if agreed == 1 else x,  # the opening amount
        "p_consent": pc,
        "furlough_worker_days": fw,
        "impasse_cost_us_krw": imp_us,
        "impasse_cost_rok_krw": imp_rok,
        "utility_us_krw": u_us,
        "utility_rok_krw": u_rok,
    }
