r"""Alternating-offers protocol: a readable scalar reference of NegMAS's SAO mechanism.

The stacked alternating-offers protocol (Rubinstein 1982; NegMAS ``SAOMechanism``, Mohammad et
al.) with two negotiators and a deadline of ``n_steps`` rounds, reproduced exactly
(``shared/bench/negmas/SEMANTICS.md``):

1. Negotiators act in a fixed order; the first mover opens.  Round :math:`k = 0, \dots, n-1` is
   one action of each, in that order, and both see :math:`t_k = (k+1)/(n+1)` (capped at 1).
2. An action with no standing offer (only the very first) is a proposal.  Otherwise the actor
   responds to the standing offer: **accept** ends the negotiation at once, mid-round; **reject**
   is followed by its own counter-offer, which becomes the standing offer.
3. With no agreement after :math:`n` rounds the negotiation **times out**; there is no extra
   last-chance acceptance.  NegMAS's final ``state.step`` is ``agreement_round + 1``, or ``n``.

Two hooks for the two-level model (:mod:`burdenshare.bargaining.hooks`): per-round costs
subtracted from realised utilities, and a pre-drawn **breakdown round** :math:`b` at whose start
talks collapse (``broken``, ``final_step = b``).  :func:`run_tioli` is the take-it-or-leave-it
protocol: one offer, accepted or rejected.

:mod:`burdenshare.bargaining.batch` runs the same protocol for time-based agents over many
negotiations through the one loop :func:`burdenshare.bargaining.rounds.play_rounds` (its
multi-issue decision mode, :mod:`burdenshare.bargaining.multi_issue`); it must equal
:func:`run_sao`, the readable independent oracle, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from burdenshare.bargaining.hooks import NO_BREAKDOWN, cumulative_costs
from burdenshare.bargaining.space import Domain, Outcome
from burdenshare.bargaining.strategies import NegotiationView, Strategy
from burdenshare.errors import SpecError

__all__ = [
    "Negotiator",
    "NegotiationResult",
    "TraceEntry",
    "relative_time",
    "run_sao",
    "run_tioli",
]

TraceEntry = tuple[int, str, int]
"""``(round, party name, outcome index)`` of one offer."""


@dataclass(frozen=True, slots=True)
class Negotiator:
    """A party's seat at the table: its strategy and reservation value.

    Parameters
    ----------
    strategy
        Offering + acceptance policies (:mod:`burdenshare.bargaining.strategies`).
    reservation_value
        Utility of no agreement; NaN and inf are rejected.
    """

    strategy: Strategy
    reservation_value: float = 0.0

    def __post_init__(self) -> None:
        if not math.isfinite(float(self.reservation_value)):
            raise SpecError(
                f"reservation value {self.reservation_value!r} is not finite",
                field="negotiator.reservation_value",
            )


@dataclass(frozen=True, slots=True)
class NegotiationResult:
    """Outcome of one negotiation.

    Parameters
    ----------
    agreement
        Index of the agreed outcome, or ``None``.
    agreement_outcome
        The agreed outcome's values (issue order), or ``None``.
    round
        0-based round of the agreement, or ``None``.
    accepted_by, proposed_by
        Party names of the acceptor and of the proposer of the accepted offer, or ``None``.
    timedout
        No agreement within ``n_steps`` rounds.
    broken
        Talks broke down (breakdown hook, or a rejected take-it-or-leave-it offer).
    final_step
        Rounds played (NegMAS ``SAOState.step`` after ``run()``).
    utilities
        Realised utility of party 0 and party 1 (agreement utility or reservation value, minus
        round costs).
    trace
        Every offer ``(round, party, outcome index)`` in order, if recorded.
    """

    agreement: int | None
    agreement_outcome: Outcome | None
    round: int | None
    accepted_by: str | None
    proposed_by: str | None
    timedout: bool
    broken: bool
    final_step: int
    utilities: tuple[float, float]
    trace: tuple[TraceEntry, ...] | None = None


def relative_time(k: int, n_steps: int) -> float:
    """NegMAS relative time of round ``k``: ``(k + 1) / (n_steps + 1)``, capped at 1."""
    t = (k + 1) / (n_steps + 1)
    return 1.0 if t > 1.0 else t


def _party(domain: Domain, who: int | str) -> int:
    if isinstance(who, str):
        return domain.party_index(who)
    if who not in (0, 1):
        raise SpecError(f"party must be 0, 1 or a party name, got {who!r}", field="first")
    return int(who)


def _check_steps(n_steps: int) -> int:
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 1:
        raise SpecError(f"n_steps must be an integer >= 1, got {n_steps!r}", field="n_steps")
    return int(n_steps)


def _view(
    domain: Domain,
    p: int,
    neg: Negotiator,
    k: int,
    n_steps: int,
    offers: Sequence[tuple[int, int]],
) -> NegotiationView:
    return NegotiationView(
        round=k,
        n_steps=n_steps,
        time=relative_time(k, n_steps),
        utilities=domain.table[p],
        order=domain.order[p],
        sorted_utilities=domain.sorted_table[p],
        reservation_value=float(neg.reservation_value),
        own_offers=tuple(o for q, o in offers if q == p),
        opponent_offers=tuple(o for q, o in offers if q != p),
    )


def _finish(
    domain: Domain,
    negotiators: Sequence[Negotiator],
    agreement: int | None,
    k: int | None,
    acceptor: int | None,
    timedout: bool,
    broken: bool,
    final_step: int,
    cum: np.ndarray,
    offers: list[tuple[int, int, int]] | None,
) -> NegotiationResult:
    base = [
        float(domain.table[p][agreement]) if agreement is not None else
        float(negotiators[p].reservation_value)
        for p in (0, 1)
    ]
    util = tuple(
        base[p] - float(cum[p, final_step - 1]) if final_step >= 1 else base[p] for p in (0, 1)
    )
    return NegotiationResult(
        agreement=agreement,
        agreement_outcome=domain.space.outcome(agreement) if agreement is not None else None,
        round=k if agreement is not None else None,
        accepted_by=domain.parties[acceptor] if acceptor is not None else None,
        proposed_by=domain.parties[1 - acceptor] if acceptor is not None else None,
        timedout=timedout,
        broken=broken,
        final_step=final_step,
        utilities=(util[0], util[1]),
        trace=(
            tuple((r, domain.parties[q], o) for r, q, o in offers) if offers is not None else None
        ),
    )


def run_sao(
    domain: Domain,
    negotiators: Sequence[Negotiator],
    n_steps: int,
    *,
    first: int | str = 0,
    round_costs: ArrayLike | None = None,
    breakdown_round: int | None = None,
    record_trace: bool = True,
) -> NegotiationResult:
    """Run one bilateral alternating-offers negotiation (NegMAS SAO semantics).

    Parameters
    ----------
    domain
        Agreement space and both utilities.
    negotiators
        ``(negotiator of party 0, negotiator of party 1)`` in the domain's party order.
    n_steps
        Deadline in rounds (``>= 1``).
    first
        Party (index or name) that opens; the other responds.
    round_costs
        Shape ``(2, n_steps)`` (or ``(n_steps,)`` for both): cost of each round per party,
        subtracted from the realised utilities (:mod:`~burdenshare.bargaining.hooks`).
    breakdown_round
        Round at whose start talks break down, drawn by the caller; ``None`` or ``-1``: never.
    record_trace
        Keep every offer as ``(round, party, outcome index)``.

    Returns
    -------
    NegotiationResult

    Raises
    ------
    SpecError
        On ``n_steps < 1``, an unknown first mover or malformed costs.

    Examples
    --------
    >>> from burdenshare.bargaining import one_issue_domain, time_based, Negotiator, run_sao
    >>> r = run_sao(one_issue_domain(), [Negotiator(time_based(0.25)),
    ...             Negotiator(time_based(0.25))], 100, first="US")
    >>> r.agreement_outcome, r.round, r.accepted_by
    ((49,), 6, 'US')
    """
    n_steps = _check_steps(n_steps)
    if len(negotiators) != 2:
        raise SpecError("exactly two negotiators are needed", field="negotiators")
    cum = cumulative_costs(round_costs, n_steps)
    b = NO_BREAKDOWN if breakdown_round is None else int(breakdown_round)
    order = (_party(domain, first), 1 - _party(domain, first))
    offers: list[tuple[int, int]] = []  # (party, outcome)
    trace: list[tuple[int, int, int]] | None = [] if record_trace else None
    standing: int | None = None
    for k in range(n_steps):
        if k == b:
            return _finish(domain, negotiators, None, None, None, False, True, k, cum, trace)
        for p in order:
            neg = negotiators[p]
            view = _view(domain, p, neg, k, n_steps, offers)
            if standing is not None and neg.strategy.acceptance.accepts(view, standing):
                return _finish(domain, negotiators, standing, k, p, False, False, k + 1, cum, trace)
            standing = int(neg.strategy.offering.propose(view))
            offers.append((p, standing))
            if trace is not None:
                trace.append((k, p, standing))
    return _finish(domain, negotiators, None, None, None, True, False, n_steps, cum, trace)


def run_tioli(
    domain: Domain,
    negotiators: Sequence[Negotiator],
    *,
    proposer: int | str = 0,
    offer: int | None = None,
    round_costs: ArrayLike | None = None,
    record_trace: bool = True,
) -> NegotiationResult:
    """Take-it-or-leave-it: one offer, which the responder accepts or rejects.

    The proposer offers ``offer`` if given, else what its offering policy proposes in round 0
    of a one-round negotiation (``t = 1/2``); the responder decides with its acceptance policy at
    the same time.  A rejection ends the talks (``broken=True``).

    Parameters
    ----------
    domain, negotiators, round_costs, record_trace
        As in :func:`run_sao` (``round_costs`` of shape ``(2, 1)``).
    proposer
        Party (index or name) making the ultimatum.
    offer
        Outcome index to offer, overriding the proposer's policy.

    Returns
    -------
    NegotiationResult
    """
    if len(negotiators) != 2:
        raise SpecError("exactly two negotiators are needed", field="negotiators")
    cum = cumulative_costs(round_costs, 1)
    p = _party(domain, proposer)
    q = 1 - p
    if offer is None:
        x = int(negotiators[p].strategy.offering.propose(_view(domain, p, negotiators[p], 0, 1, [])))
    else:
        x = int(offer)
        if not 0 <= x < domain.n_outcomes:
            raise SpecError(f"offer {x} outside 0..{domain.n_outcomes - 1}", field="offer")
    trace = [(0, p, x)] if record_trace else None
    view = _view(domain, q, negotiators[q], 0, 1, [(p, x)])
    if negotiators[q].strategy.acceptance.accepts(view, x):
        return _finish(domain, negotiators, x, 0, q, False, False, 1, cum, trace)
    return _finish(domain, negotiators, None, None, None, False, True, 1, cum, trace)
