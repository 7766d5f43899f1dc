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
With a bargained escalator rate (``cost_model.escalator.rate_grid_pct`` and the governments' own
``discount_rate``; :mod:`burdenshare.bargaining.rate_value`) a text also carries a rate index
:math:`g`: each side concedes it like the term, values it by its rate cost :math:`x\,k_i(m, g)` in
acceptance and utility (:math:`u_{US}` and :math:`u_K` above less :math:`\delta^k x\,k_i`), and
the opening amount is :math:`x / f_d(g)` (``plan.rate_grid.level``).  A bargained cap of an
index-linked family (``cost_model.escalator.cap_grid_pct``; :mod:`burdenshare.bargaining.index_cap`)
is the same issue with :math:`f_d(g)` the expected schedule's level factor and :math:`k_i` including
each side's index-risk premium (``strategies.<gov>.index_risk_aversion``).

**One loop.**  The rounds are :func:`burdenshare.bargaining.rounds.play_rounds` (the two sides one
code path, indexed by role); :func:`play_chunk` adds the draw's set-up and the accounting above.
:func:`play` runs it in Python on one draw with the exact decider
(:func:`~burdenshare.bargaining.rounds.fill_decisions`); the batch kernel
(:mod:`burdenshare.engine.kernel`) compiles the same :func:`play_chunk` with its cached, bracketed
decider, so the two differ only in how a time-based decision is computed (tested equal).

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
from numba.extending import register_jitable
from numpy.typing import NDArray

from burdenshare.bargaining.rounds import (
    CF_AMIN,
    CF_COST_ROK,
    CF_COST_US,
    CF_LEN,
    CF_SHIFT,
    CF_STEP,
    CF_WORKERS,
    CI_HORIZON,
    CI_LAPSED,
    CI_LEN,
    IDX_EPS,
    ceil_index,
    decision_tables,
    duration_offer,
    floor_index,
    play_rounds,
    side_scratch,
    tft_demand,
)
from burdenshare.bargaining.rate_value import grid_arrays, schedule_costs
from burdenshare.bargaining.strategies import ASP_EPS, TB_EPS
from burdenshare.bargaining.term_value import term_cost
from burdenshare.engine.plan import Plan

__all__ = ["INT_OUTPUTS", "FLOAT_OUTPUTS", "IDX_EPS", "play", "play_chunk", "chunk_constants", "draw_arrays", "rate_arrays",
           "ceil_index", "floor_index", "duration_offer", "tft_demand"]

#: Integer outputs per draw, in kernel order.
INT_OUTPUTS: tuple[str, ...] = (
    "agreed", "signed_round", "signed_index", "duration_years", "ratified", "ratified_round",
    "first_signed_round", "rejections_president", "rejections_assembly", "votes", "renewals", "lapse_now",
    "escalator_index",
)
#: Float outputs per draw, in kernel order.
FLOAT_OUTPUTS: tuple[str, ...] = (
    "amount_krw", "p_consent", "furlough_worker_days", "impasse_cost_us_krw", "impasse_cost_rok_krw",
    "utility_us_krw", "utility_rok_krw",
)
#: Per-draw columns, in :func:`play_chunk`'s order (:func:`~burdenshare.engine.plan.draw_columns`).
FLOAT_COLUMNS: tuple[str, ...] = ("r_us", "r_rok", "open_us", "open_rok", "e_us", "e_rok", "delta_us", "delta_rok",
                                  "aud_us", "aud_rok", "r_pres", "r_pres_after",
                                  "term_ideal_us", "term_weight_us", "term_ideal_rok", "term_weight_rok",
                                  "disc_us", "disc_rok", "risk_us", "risk_rok")
INT_COLUMNS: tuple[str, ...] = ("obst_us", "obst_rok", "change", "bank",
                                "term_start_us", "term_target_us", "term_start_rok", "term_target_rok")
#: The term columns (:func:`burdenshare.bargaining.term_value.draw_term_columns`), which a caller may leave out.
_TERM_FLOATS = FLOAT_COLUMNS[12:16]
_TERM_INTS = INT_COLUMNS[4:]


def chunk_constants(plan: Plan, offset: int) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The chunk's constants for :func:`play_chunk`: ``ci``, ``cf``
    (:mod:`burdenshare.bargaining.rounds` ``CI_*`` / ``CF_*``) and the (2, R) relative times."""
    ci = np.array([plan.n_grid, plan.us_first, plan.approval_required,
                   plan.end_after_rejection, plan.strategic_submission, plan.lapsed_rounds,
                   plan.planning_horizon_years, int(offset), plan.policy_us, plan.policy_rok,
                   plan.variant_us, plan.variant_rok], dtype=np.int64)
    cf = np.array([plan.amount_min, plan.amount_step, plan.submit_threshold, plan.drawdown_shift_krw,
                   plan.cost_us, plan.cost_rok, plan.workers, plan.executive_weight,
                   plan.winset_threshold, TB_EPS if plan.variant_us == 0 else ASP_EPS,
                   TB_EPS if plan.variant_rok == 0 else ASP_EPS], dtype=np.float64)
    assert ci.size == CI_LEN and cf.size == CF_LEN
    t = np.ascontiguousarray(np.stack([plan.t_us, plan.t_rok]), dtype=np.float64)
    return ci, cf, t


def rate_arrays(plan: Plan) -> tuple[Any, ...]:
    """``esc`` of :func:`play_chunk`: (weights (D, G, Y), level (D, G), rate-cost scratch (2, D, G),
    rate-index scratch (3, D), the scenario's discount rate, the index of its rate or cap, second
    moments (D, G, Y)) of the plan's bargained rates or caps
    (:class:`~burdenshare.bargaining.rate_value.RateGrid`); one rate (G = 1) and no cost without them.
    The sides' discount rates and risk prices are the draws' columns (:func:`draw_arrays`)."""
    nd = plan.durations.size
    rg = plan.rate_grid
    if rg is None:
        w0 = np.zeros((nd, 1, 1))
        return (w0, np.ones((nd, 1)), np.zeros((2, nd, 1)), np.zeros((3, nd), dtype=np.int64), 0.0, 0, w0)
    ng = rg.level.shape[1]
    w, w2 = grid_arrays(rg)
    return (w, np.ascontiguousarray(rg.level, dtype=np.float64),
            np.zeros((2, nd, ng)), np.zeros((3, nd), dtype=np.int64), float(rg.discount_rate), int(rg.g0), w2)


def draw_arrays(plan: Plan, cols: Mapping[str, Any]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The draws' :data:`FLOAT_COLUMNS` (n, 20) and :data:`INT_COLUMNS` (n, 8) for :func:`play_chunk`
    from per-draw columns (:func:`~burdenshare.engine.plan.draw_columns`; arrays, or one draw's
    scalars).  Without the term columns (:func:`burdenshare.bargaining.term_value.draw_term_columns`)
    every draw has the plan's opening and target terms and no term cost; without the rate columns
    (:func:`burdenshare.bargaining.rate_value.draw_rate_columns`) every draw has the scenario's rate
    and the plan's risk prices."""
    n = int(np.atleast_1d(cols["r_us"]).shape[0])

    def col(k: str) -> NDArray[Any]:
        return np.broadcast_to(np.atleast_1d(cols[k]), (n,))

    if "term_start_us" in cols:
        fl = [col(k) for k in FLOAT_COLUMNS[:16]]
        it = [col(k) for k in INT_COLUMNS]
    else:
        tg_us, tg_rok = plan.term_targets()
        fl = [col(k) for k in FLOAT_COLUMNS[:12]] + [np.zeros(n)] * len(_TERM_FLOATS)
        it = [col(k) for k in INT_COLUMNS[:4]] + [np.full(n, v) for v in (plan.pref_us, tg_us, plan.pref_rok, tg_rok)]
    # each draw's own yearly discount rates (bargaining.rate_value; the scenario's rate where not given)
    r = 0.0 if plan.rate_grid is None else float(plan.rate_grid.discount_rate)
    fl += [col(k) if k in cols else np.full(n, r) for k in ("disc_us", "disc_rok")]
    # and mean-sd prices of the index risk (bargaining.index_cap; the plan's where not drawn)
    fl += [col(k) if k in cols else np.full(n, float(lam)) for k, lam in zip(("risk_us", "risk_rok"), plan.risk_prices)]
    fc = np.ascontiguousarray(np.stack(fl, axis=1), dtype=np.float64)
    ic = np.ascontiguousarray(np.stack(it, axis=1), dtype=np.int64)
    return fc, ic


@register_jitable(_nrt=False)  # no reference counting per draw (nothing allocated)
def play_chunk(st: Any, dtab: NDArray[np.int32], dfill: NDArray[np.int64], sf: NDArray[np.float64], si: NDArray[np.int64],  # noqa: PLR0913
               ci: NDArray[np.int64], cf: NDArray[np.float64], t: NDArray[np.float64], post_inaug: NDArray[np.int64],
               cum_impasse: NDArray[np.int64], furlough_days: NDArray[np.float64], durations: NDArray[np.int64],
               level_f: NDArray[np.float64], table: NDArray[np.float64], winset: NDArray[np.int64],
               base_lm: NDArray[np.float64], fc: NDArray[np.float64], ic: NDArray[np.int64], tc: NDArray[np.float64],
               u_vote: NDArray[np.float64], out_i: NDArray[np.int64], out_f: NDArray[np.float64],
               record: bool, tr_k: NDArray[np.int64], tr_j: NDArray[np.int64], esc: Any) -> None:
    """Play draws ``0..n-1`` (module docstring): the draw's set-up, the rounds
    (:func:`~burdenshare.bargaining.rounds.play_rounds`; ``st`` the decider's state, which picks
    the decider, ``dtab`` / ``dfill`` its decision tables) and the accounting, into rows of
    ``out_i`` / ``out_f``.  ``fc`` (n, 20) and ``ic`` (n, 8) hold the draws' :data:`FLOAT_COLUMNS` / :data:`INT_COLUMNS` (:func:`draw_arrays`);
    ``tc`` (2, D) is scratch for a draw's term cost per duration
    (:func:`~burdenshare.bargaining.term_value.term_cost`, computed once at the draw's start); with
    ``record`` the offers go to rows of ``tr_k`` / ``tr_j``.  ``esc`` (:func:`rate_arrays`) is the
    bargained escalator rate or cap: with more than one, each draw's costs and indices are
    computed at its start (:func:`~burdenshare.bargaining.rate_value.schedule_costs`), where its
    discount rates or risk prices differ from the previous draw's."""
    rw, rf, rc, rgi, r_common, g0, rw2 = esc
    rated = rf.shape[1] > 1
    last_us = math.nan  # the discount rates and risk prices rc / rgi were computed for (draws mostly share them)
    last_rok = math.nan
    last_lus = math.nan
    last_lrok = math.nan
    n_r = t.shape[1]
    shift = cf[CF_SHIFT]
    cost_us = cf[CF_COST_US]
    cost_rok = cf[CF_COST_ROK]
    workers = cf[CF_WORKERS]
    lapsed_rounds = ci[CI_LAPSED]
    horizon_years = ci[CI_HORIZON]
    for i in range(fc.shape[0]):
        for m in range(durations.shape[0]):  # this draw's term cost per duration (term_value)
            tc[0, m] = term_cost(fc[i, 13], fc[i, 12], float(durations[m]))
            tc[1, m] = term_cost(fc[i, 15], fc[i, 14], float(durations[m]))
        if rated and (fc[i, 16] != last_us or fc[i, 17] != last_rok
                      or fc[i, 18] != last_lus or fc[i, 19] != last_lrok):  # this draw's rate costs and indices
            schedule_costs(rw, rw2, durations, r_common, fc[i, 16], fc[i, 17], fc[i, 18], fc[i, 19], g0, rc,
                           rgi)  # (rate_value)
            last_us = fc[i, 16]
            last_rok = fc[i, 17]
            last_lus = fc[i, 18]
            last_lrok = fc[i, 19]
        r_us = fc[i, 0]
        row = i if record else 0  # the trace's row
        cap_rok = max(fc[i, 1], fc[i, 3]) + shift
        (agreed, signed_round, signed_j, signed_d, ratified, rat_round, first_signed, n_rej_p, n_rej_a, n_votes,
         pc, signed_g) = play_rounds(st, dtab, dfill, sf, si, ci, cf, t, post_inaug, table, winset, base_lm,
                           ic[i, 3], r_us, fc[i, 2], fc[i, 3], cap_rok, fc[i, 4], fc[i, 5], ic[i, 0], ic[i, 1],
                           ic[i, 2], fc[i, 10], fc[i, 11], ic[i, 4], ic[i, 5], ic[i, 6], ic[i, 7], tc, u_vote[i],
                           record, tr_k[row], tr_j[row], rc, rgi)
        end_round = rat_round if ratified == 1 else n_r
        imp_us = cost_us * float(cum_impasse[end_round])
        imp_rok = cost_rok * float(cum_impasse[end_round])
        fw = workers * furlough_days[first_signed if first_signed >= 0 else n_r]
        x = cf[CF_AMIN] + signed_j * cf[CF_STEP] if agreed == 1 else math.nan
        n_rej = float(n_rej_p + n_rej_a)
        if ratified == 1:
            # pow(1, y) == 1 exactly (C99 F.9.4.4): no discounting costs no pow
            dl_us = fc[i, 6]
            dl_rok = fc[i, 7]
            u_us = (math.pow(dl_us, float(rat_round)) if dl_us != 1.0 else 1.0) * (
                x - r_us - tc[0, signed_d] - (x * rc[0, signed_d, signed_g] if rated else 0.0))
            u_rok = (math.pow(dl_rok, float(rat_round)) if dl_rok != 1.0 else 1.0) * (
                cap_rok - x - tc[1, signed_d] - (x * rc[1, signed_d, signed_g] if rated else 0.0))
        else:
            u_us = 0.0
            u_rok = 0.0
        u_us = u_us - imp_us - fc[i, 8] * n_rej
        u_rok = u_rok - imp_rok - fc[i, 9] * n_rej
        m = durations[signed_d] if ratified == 1 else durations[0]
        renewals = (horizon_years + m - 1) // m - 1
        lapse_now = 0 if (ratified == 1 and rat_round < lapsed_rounds) else 1
        row_i = (agreed, signed_round, signed_j, durations[signed_d] if agreed == 1 else 0, ratified, rat_round,
                 first_signed, n_rej_p, n_rej_a, n_votes, renewals, lapse_now,
                 (signed_g if agreed == 1 else -1))  # INT_OUTPUTS
        if agreed == 1:  # the opening amount of the schedule
            x_open = x / (rf[signed_d, signed_g] if rated else level_f[signed_d])
        else:
            x_open = x
        row_f = (x_open,
                 pc, fw, imp_us, imp_rok, u_us, u_rok)  # FLOAT_OUTPUTS
        for c in range(len(row_i)):
            out_i[i, c] = row_i[c]
        for c in range(len(row_f)):
            out_f[i, c] = row_f[c]


def play(plan: Plan, table: NDArray[np.float64], winset: NDArray[np.int64], p: Mapping[str, Any],
         u_vote: NDArray[np.float64], offset: int = 0, *,
         base_log_median: NDArray[np.float64],
         trace: list[tuple[int, int, int]] | None = None) -> dict[str, float | int]:
    """Play one draw of the two-level protocol (module docstring) in Python, deciding exactly.

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
    ci, cf, t = chunk_constants(plan, offset)
    sf, si = side_scratch()
    dtab, dfill = decision_tables(plan.n_rounds)
    fc, ic = draw_arrays(plan, p)
    tc = np.zeros((2, plan.durations.size))
    out_i = np.zeros((1, len(INT_OUTPUTS)), dtype=np.int64)
    out_f = np.zeros((1, len(FLOAT_OUTPUTS)), dtype=np.float64)
    tr_k = np.full((1, 2 * plan.n_rounds), -1, dtype=np.int64)
    tr_j = np.full((1, 2 * plan.n_rounds), -1, dtype=np.int64)
    play_chunk(t, dtab, dfill, sf, si, ci, cf, t, plan.post_inauguration, plan.cum_impasse,
               plan.furlough_days, plan.durations, plan.level_factors(), table, winset, base_log_median, fc, ic, tc,
               np.asarray(u_vote, dtype=np.float64)[None, :], out_i, out_f, True, tr_k, tr_j, rate_arrays(plan))
    if trace is not None:
        trace.extend((int(k) >> 1, int(k) & 1, int(j)) for k, j in zip(tr_k[0], tr_j[0]) if k >= 0)
    res: dict[str, float | int] = {name: int(v) for name, v in zip(INT_OUTPUTS, out_i[0])}
    res.update({name: float(v) for name, v in zip(FLOAT_OUTPUTS, out_f[0])})
    return res
