r"""Exact finite-horizon solver: backward induction on a discretized agreement grid.

The rational benchmark of DESIGN.md §4 (method 2).  It does **not** call the closed
forms of :mod:`burdenshare.theory`; the tests check one against the other.

Game
----
Two players, 0 and 1, bargain over agreement points :math:`x_g` (g = 0..G-1) that give
utilities :math:`u_0(x_g), u_1(x_g)` when agreed.  Rounds t = 0..T-1; the proposer
alternates, starting with ``first_proposer``.  In round t:

1. The proposer j offers a grid point (or an unacceptable offer, i.e. none).
2. The responder k accepts, rejects, or (if it has an outside option :math:`w_k`) opts
   out: k gets :math:`w_k`, j gets ``opt_out_partner_payoff[j]``, and the game ends.
3. An accepted offer is ratified with probability :math:`r(x) = r_0(x) r_1(x)` (each
   side's ratifier independently; floors are 0/1 vectors).  Ratified: payoffs u(x).
   Vetoed: the period is wasted exactly as after a rejection.
4. After a rejection or a veto, talks break down with probability p, giving the
   breakdown payoffs b; otherwise the next round starts, each player paying the
   per-round cost :math:`c_i` and discounting by :math:`\delta_i`.  After round T-1 the
   deadline gives the disagreement payoffs d.

Values are measured in the current round's units.  With :math:`V_i(T) = d_i`, the
continuation value after a rejection or veto in round t is::

    C_i(t) = p b_i + (1 - p) (delta_i V_i(t + 1) - c_i)

The responder accepts x iff :math:`r(x) u_k(x) + (1 - r(x)) C_k \ge \max(C_k, w_k)`
(ties accepted, tolerance ``tol``); the proposer picks the accepted point maximizing
:math:`r(x) u_j(x) + (1 - r(x)) C_j`, or makes no acceptable offer when that is worse than
the no-agreement outcome (ties resolved in favour of agreement, then the lowest grid
index).  Points with r(x) = 0 are never counted as agreements.

Everything per round is a vector operation over the grid, so T rounds cost O(T G).

Grid pitfall (THEORY.md §3): on a grid of step h each round of backward induction can
round the responder's share up by at most h, so shares differ from the continuous
game by at most about :math:`h (1 + \delta)/(1 - \delta_0 \delta_1)`; use h well below
:math:`1 - \delta`.

References
----------
Ståhl, I. (1972). *Bargaining Theory*.  Rubinstein, A. (1982). *Econometrica* 50(1).
Binmore, Rubinstein & Wolinsky (1986). *RAND J. Econ.* 17(2).
Binmore, Shaked & Sutton (1989). *QJE* 104(4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError

__all__ = ["BargainingGame", "SolverResult", "sma_game", "solve", "unit_pie_game"]

Pair = tuple[float, float]


def _finite(x: float, name: str) -> float:
    try:
        out = float(x)
    except (TypeError, ValueError):
        raise SpecError(f"must be a number, got {x!r}", field=name) from None
    if not math.isfinite(out):
        raise SpecError(f"must be finite, got {x!r}", field=name)
    return out


def _pair(values: ArrayLike, name: str) -> Pair:
    try:
        a, b = cast("Sequence[float]", values)
    except (TypeError, ValueError):
        raise SpecError("must be a pair (player 0, player 1)", field=name) from None
    return (_finite(a, f"{name}[0]"), _finite(b, f"{name}[1]"))


def _vector(values: ArrayLike, name: str, size: int) -> NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SpecError("must be an array of numbers", field=name) from None
    if arr.shape != (size,):
        raise SpecError(f"must have shape ({size},), got {arr.shape}", field=name)
    if not np.all(np.isfinite(arr)):
        raise SpecError("must contain only finite numbers", field=name)
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, slots=True)
class BargainingGame:
    """A finite-horizon alternating-offers game on a grid (see the module docstring).

    Attributes
    ----------
    grid
        Agreement points x, shape (G,), G >= 1 (labels only; any order).
    utilities
        ``(u_0, u_1)``: each player's utility of each grid point, shape (G,).
    horizon
        Number of rounds T >= 1.
    discount
        Per-round discount factors ``(delta_0, delta_1)`` in (0, 1] (1 is allowed when
        costs or breakdown supply the friction).
    first_proposer
        0 or 1.
    round_cost
        Per-round costs ``(c_0, c_1)`` >= 0 paid for each round of delay; each entry a
        number or an array of shape (T,) (cost of delay after round t, e.g. furlough
        costs from a given date).
    outside_option
        ``(w_0, w_1)``; ``w_k`` is what player k gets by opting out when responding,
        ``None`` for no option.
    opt_out_partner_payoff
        ``(z_0, z_1)``: what player j gets when the other opts out.
    ratification
        ``(r_0, r_1)``: probability that each side's ratifier accepts each grid point,
        shape (G,), or (T, G) when it changes over rounds (e.g. a new Assembly after an
        election), or ``None`` (always ratified).
    breakdown_probability
        Probability p that talks collapse after a rejection or veto.
    breakdown_payoff
        Payoffs b on breakdown.
    disagreement
        Payoffs d after the deadline.
    tol
        Tolerance for indifference (ties accepted).
    """

    grid: NDArray[np.float64]
    utilities: tuple[NDArray[np.float64], NDArray[np.float64]]
    horizon: int
    discount: Pair
    first_proposer: int = 0
    round_cost: tuple[float | NDArray[np.float64], float | NDArray[np.float64]] = (0.0, 0.0)
    outside_option: tuple[float | None, float | None] = (None, None)
    opt_out_partner_payoff: Pair = (0.0, 0.0)
    ratification: tuple[NDArray[np.float64] | None, NDArray[np.float64] | None] = (None, None)
    breakdown_probability: float = 0.0
    breakdown_payoff: Pair = (0.0, 0.0)
    disagreement: Pair = (0.0, 0.0)
    tol: float = 1e-9

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        grid = np.asarray(self.grid, dtype=float)
        if grid.ndim != 1 or grid.size == 0:
            raise SpecError("grid must be a non-empty 1-D array", field="grid")
        if not np.all(np.isfinite(grid)):
            raise SpecError("grid must contain only finite numbers", field="grid")
        g = grid.size
        grid = grid.copy()
        grid.setflags(write=False)
        set_(self, "grid", grid)
        try:
            u0, u1 = self.utilities
        except (TypeError, ValueError):
            raise SpecError("must be a pair of utility vectors", field="utilities") from None
        set_(self, "utilities", (_vector(u0, "utilities[0]", g), _vector(u1, "utilities[1]", g)))
        h = self.horizon
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise SpecError(f"horizon must be an integer >= 1, got {h!r}", field="horizon")
        set_(self, "horizon", int(h))
        disc = _pair(self.discount, "discount")
        for i, d in enumerate(disc):
            if not 0.0 < d <= 1.0:
                raise SpecError(f"discount factor must lie in (0, 1], got {d}", field=f"discount[{i}]")
        set_(self, "discount", disc)
        if self.first_proposer not in (0, 1) or isinstance(self.first_proposer, bool):
            raise SpecError("first_proposer must be 0 or 1", field="first_proposer")
        try:
            c0, c1 = self.round_cost
        except (TypeError, ValueError):
            raise SpecError("must be a pair (player 0, player 1)", field="round_cost") from None
        costs: list[float | NDArray[np.float64]] = []
        for i, c in enumerate((c0, c1)):
            name = f"round_cost[{i}]"
            cc: float | NDArray[np.float64] = (
                _finite(cast(float, c), name) if np.ndim(c) == 0 else _vector(c, name, int(h))
            )
            if np.any(np.asarray(cc) < 0):
                raise SpecError("per-round costs must be >= 0", field=name)
            costs.append(cc)
        set_(self, "round_cost", tuple(costs))
        try:
            w0, w1 = self.outside_option
        except (TypeError, ValueError):
            raise SpecError("must be a pair (None or a number)", field="outside_option") from None
        set_(self, "outside_option", tuple(
            None if w is None else _finite(w, f"outside_option[{i}]") for i, w in enumerate((w0, w1))
        ))
        set_(self, "opt_out_partner_payoff", _pair(self.opt_out_partner_payoff, "opt_out_partner_payoff"))
        try:
            r0, r1 = self.ratification
        except (TypeError, ValueError):
            raise SpecError("must be a pair (None or a vector)", field="ratification") from None
        rat: list[NDArray[np.float64] | None] = []
        for i, r in enumerate((r0, r1)):
            if r is None:
                rat.append(None)
                continue
            if np.ndim(r) == 2:
                vec = np.asarray(r, dtype=float)
                if vec.shape != (int(h), g) or not np.all(np.isfinite(vec)):
                    raise SpecError(f"must have shape ({g},) or ({int(h)}, {g}) with finite entries",
                                    field=f"ratification[{i}]")
                vec = vec.copy()
                vec.setflags(write=False)
            else:
                vec = _vector(r, f"ratification[{i}]", g)
            if np.any(vec < 0) or np.any(vec > 1):
                raise SpecError("ratification probabilities must lie in [0, 1]", field=f"ratification[{i}]")
            rat.append(vec)
        set_(self, "ratification", tuple(rat))
        p = _finite(self.breakdown_probability, "breakdown_probability")
        if not 0.0 <= p <= 1.0:
            raise SpecError(f"must lie in [0, 1], got {p}", field="breakdown_probability")
        set_(self, "breakdown_probability", p)
        set_(self, "breakdown_payoff", _pair(self.breakdown_payoff, "breakdown_payoff"))
        set_(self, "disagreement", _pair(self.disagreement, "disagreement"))
        tol = _finite(self.tol, "tol")
        if tol < 0:
            raise SpecError("must be >= 0", field="tol")
        set_(self, "tol", tol)

    def proposer(self, t: int) -> int:
        """Player proposing in round t (0-based)."""
        return (self.first_proposer + t) % 2


@dataclass(frozen=True, slots=True)
class SolverResult:
    """Subgame-perfect equilibrium of a :class:`BargainingGame`.

    Arrays are indexed by round t = 0..T-1 (``values`` has a final row T = disagreement).

    Attributes
    ----------
    first_proposer
        Who proposes in round 0.
    first_offer
        Grid point offered in round 0, ``None`` if the proposer makes no acceptable offer.
    agreement_round
        First round on the equilibrium path whose offer is accepted (``None`` if never).
    agreement_probability
        Probability that a ratified agreement is ever reached on the path.
    proposers
        Proposer in each round, shape (T,).
    offers
        Proposer's equilibrium offer (grid point) in each round, NaN where none is acceptable.
    offer_index
        Grid index of each offer, -1 where none.
    accepted
        Whether the responder accepts the equilibrium offer in each round.
    opted_out
        Whether the responder opts out in each round (only when nothing is accepted).
    ratification_probability
        r(x) at each round's offer (NaN where none).
    values
        Shape (T + 1, 2): each player's value at the start of round t, in round-t units.
    continuation
        Shape (T, 2): value after a rejection or veto in round t (round-t units).
    round_agreement_probability
        Probability of a ratified agreement in each round on the path, shape (T,).
    """

    first_proposer: int
    first_offer: float | None
    agreement_round: int | None
    agreement_probability: float
    proposers: NDArray[np.int64] = field(repr=False)
    offers: NDArray[np.float64] = field(repr=False)
    offer_index: NDArray[np.int64] = field(repr=False)
    accepted: NDArray[np.bool_] = field(repr=False)
    opted_out: NDArray[np.bool_] = field(repr=False)
    ratification_probability: NDArray[np.float64] = field(repr=False)
    values: NDArray[np.float64] = field(repr=False)
    continuation: NDArray[np.float64] = field(repr=False)
    round_agreement_probability: NDArray[np.float64] = field(repr=False)

    @property
    def value(self) -> Pair:
        """Players' equilibrium values at the start of the game."""
        return (float(self.values[0, 0]), float(self.values[0, 1]))


def solve(game: BargainingGame) -> SolverResult:
    """Solve a :class:`BargainingGame` by backward induction.

    Steps: 1. set V(T) = d; 2. for t = T-1..0 compute the continuation values, the
    responder's acceptance set over the grid, and the proposer's best accepted point (or
    no acceptable offer); 3. run forward along the equilibrium path for the agreement
    probabilities.

    Parameters
    ----------
    game
        The game.

    Returns
    -------
    SolverResult
        Offers, acceptance and values in every round, and path summaries.

    Examples
    --------
    >>> res = solve(unit_pie_game(101, 2, 0.9))
    >>> res.first_offer, res.agreement_round
    (0.1, 0)
    """
    t_max = game.horizon
    u = np.stack(game.utilities)  # (2, G)
    r_all = np.ones(game.grid.size)
    for vec in game.ratification:
        if vec is not None:
            r_all = r_all * vec  # (G,) or (T, G)
    time_varying = r_all.ndim == 2
    delta = np.array(game.discount)
    cost_all = np.stack([np.broadcast_to(np.asarray(c, dtype=float), (t_max,)) for c in game.round_cost],
                        axis=1)  # (T, 2)
    p = game.breakdown_probability
    bpay = np.array(game.breakdown_payoff)
    tol = game.tol

    values = np.empty((t_max + 1, 2))
    values[t_max] = game.disagreement
    cont_all = np.empty((t_max, 2))
    proposers = np.empty(t_max, dtype=np.int64)
    offer_index = np.full(t_max, -1, dtype=np.int64)
    accepted = np.zeros(t_max, dtype=bool)
    opted_out = np.zeros(t_max, dtype=bool)

    def round_arrays(rt: NDArray[np.float64]) -> tuple[NDArray[Any], ...]:
        feas = rt > 0.0
        return rt, feas, 1.0 - rt, rt * u

    if not time_varying:
        r, feasible, one_minus_r, ru = round_arrays(r_all)

    for t in range(t_max - 1, -1, -1):
        if time_varying:
            r, feasible, one_minus_r, ru = round_arrays(r_all[t])
        any_feasible = bool(feasible.any())
        j = game.proposer(t)
        k = 1 - j
        proposers[t] = j
        cont = p * bpay + (1.0 - p) * (delta * values[t + 1] - cost_all[t])
        cont_all[t] = cont
        w_k = game.outside_option[k]
        opt_out = w_k is not None and w_k > cont[k]
        no_deal = np.array(cont)
        if opt_out:
            no_deal[k] = w_k
            no_deal[j] = game.opt_out_partner_payoff[j]
        best = -1
        if any_feasible:
            resp = ru[k] + one_minus_r * cont[k]
            ok = feasible & (resp >= no_deal[k] - tol)
            if ok.any():
                prop = np.where(ok, ru[j] + one_minus_r * cont[j], -np.inf)
                cand = int(np.argmax(prop))
                if prop[cand] >= no_deal[j] - tol:
                    best = cand
        if best >= 0:
            offer_index[t] = best
            accepted[t] = True
            values[t, j] = ru[j, best] + one_minus_r[best] * cont[j]
            values[t, k] = ru[k, best] + one_minus_r[best] * cont[k]
        else:
            opted_out[t] = opt_out
            values[t] = no_deal

    # Forward pass along the equilibrium path.
    alive = 1.0
    round_agree = np.zeros(t_max)
    for t in range(t_max):
        if alive == 0.0:
            break
        if accepted[t]:
            rt = (r_all[t] if time_varying else r_all)[offer_index[t]]
            round_agree[t] = alive * rt
            alive *= (1.0 - rt) * (1.0 - p)
        elif opted_out[t]:
            alive = 0.0
        else:
            alive *= 1.0 - p
    on_path = np.flatnonzero(round_agree > 0.0)
    has_offer = offer_index >= 0
    offers = np.where(has_offer, game.grid[np.maximum(offer_index, 0)], np.nan)
    r_path = r_all[np.arange(t_max), np.maximum(offer_index, 0)] if time_varying \
        else r_all[np.maximum(offer_index, 0)]
    rat = np.where(has_offer, r_path, np.nan)
    for arr in (proposers, offers, offer_index, accepted, opted_out, rat, values, cont_all, round_agree):
        arr.setflags(write=False)
    return SolverResult(
        first_proposer=game.first_proposer,
        first_offer=float(offers[0]) if has_offer[0] else None,
        agreement_round=int(on_path[0]) if on_path.size else None,
        agreement_probability=float(round_agree.sum()),
        proposers=proposers,
        offers=offers,
        offer_index=offer_index,
        accepted=accepted,
        opted_out=opted_out,
        ratification_probability=rat,
        values=values,
        continuation=cont_all,
        round_agreement_probability=round_agree,
    )


def unit_pie_game(
    n_points: int,
    horizon: int,
    delta0: float,
    delta1: float | None = None,
    **options: object,
) -> BargainingGame:
    """A game over a unit pie: grid = player 0's share on ``linspace(0, 1, n_points)``.

    Parameters
    ----------
    n_points
        Grid size G >= 2 (step 1/(G-1)).
    horizon
        Number of rounds T.
    delta0, delta1
        Discount factors (``delta1`` defaults to ``delta0``).
    **options
        Further :class:`BargainingGame` fields (``first_proposer``, ``ratification``, ...).

    Returns
    -------
    BargainingGame
        With utilities ``(x, 1 - x)``.

    Examples
    --------
    >>> unit_pie_game(11, 3, 0.9).grid[:3].tolist()
    [0.0, 0.1, 0.2]
    """
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise SpecError("n_points must be an integer >= 2", field="n_points")
    x = np.linspace(0.0, 1.0, int(n_points))
    d1 = delta0 if delta1 is None else delta1
    return BargainingGame(grid=x, utilities=(x, 1.0 - x), horizon=horizon,
                          discount=(delta0, d1), **options)  # type: ignore[arg-type]


def sma_game(
    low: float,
    high: float,
    n_points: int,
    horizon: int,
    delta_us: float,
    delta_host: float | None = None,
    *,
    host_ratification: ArrayLike | None = None,
    host_ceiling: float | None = None,
    **options: object,
) -> BargainingGame:
    r"""The SMA mapping: payments x on a grid over [L, H], player 0 = US, player 1 = host.

    Utilities are :math:`u_{US} = x - L` and :math:`u_K = H - x` (THEORY.md §0); the US
    proposes first unless ``first_proposer=1`` is passed.

    Parameters
    ----------
    low, high
        US reservation payment L < host maximum H.
    n_points
        Grid size G >= 2.
    horizon
        Number of rounds T.
    delta_us, delta_host
        Discount factors (``delta_host`` defaults to ``delta_us``).
    host_ratification
        P(host consent | x) over the grid (e.g. from the legislature's consent model).
    host_ceiling
        Pivot's maximum M: shorthand for the 0/1 ratification vector ``x <= M``.
    **options
        Further :class:`BargainingGame` fields.

    Returns
    -------
    BargainingGame
        The game.

    Examples
    --------
    >>> g = sma_game(1.0, 2.0, 11, 1, 0.9, host_ceiling=1.3)
    >>> g.ratification[1].tolist()[:5]
    [1.0, 1.0, 1.0, 1.0, 0.0]
    """
    lo = _finite(low, "low")
    hi = _finite(high, "high")
    if not lo < hi:
        raise SpecError(f"need low < high, got [{lo}, {hi}]", field="low")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise SpecError("n_points must be an integer >= 2", field="n_points")
    x = np.linspace(lo, hi, int(n_points))
    if host_ratification is not None and host_ceiling is not None:
        raise SpecError("give host_ratification or host_ceiling, not both", field="host_ceiling")
    rat: ArrayLike | None = None
    if host_ceiling is not None:
        m = _finite(host_ceiling, "host_ceiling")
        rat = (x <= m + 1e-12 * max(1.0, abs(m))).astype(float)
    elif host_ratification is not None:
        rat = host_ratification
    d1 = delta_us if delta_host is None else delta_host
    options.setdefault("ratification", (None, rat))
    return BargainingGame(grid=x, utilities=(x - lo, hi - x), horizon=horizon,
                          discount=(delta_us, d1), **options)  # type: ignore[arg-type]
