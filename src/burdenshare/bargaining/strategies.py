r"""Negotiation strategies as small composable offering and acceptance policies.

A :class:`Strategy` is an **offering policy** (what to propose) plus an **acceptance policy**
(whether to accept the standing offer), in the style of NegMAS's ``gb/components`` (Mohammad et
al.) rather than a class hierarchy.  Every policy is a frozen record with one decision method
that reads a :class:`NegotiationView` (round, relative time, own presorted utilities, history)
and nothing else.

Time-based concession (Faratin, Sierra & Jennings 1998; NegMAS ``PolyAspiration``)
----------------------------------------------------------------------------------
With relative time :math:`t \in (0, 1)`, exponent :math:`e > 0`, own best and worst utilities
:math:`u_{max}`, :math:`u_{min}` and reservation value :math:`r`:

.. math::

    a(t) = 1 - t^{e}, \qquad \underline u = \max(u_{min}, r),

    lo(t) = \mathrm{clip}\big((u_{max} - \underline u)\, a(t) + \underline u - \epsilon,\;
            \underline u,\; u_{max}\big).

*Boulware* :math:`e > 1` concedes late, *linear* :math:`e = 1`, *conceder* :math:`e < 1` early.
The agent accepts an offer :math:`x` iff :math:`lo(t) \le u(x) \le hi`, and proposes the outcome
with the smallest utility :math:`\ge lo(t)`, or the one just below if it lies within
:math:`10^{-6}` of :math:`lo(t)` and is strictly nearer (NegMAS ``worst_in`` rule).  Two NegMAS
variants are reproduced bit for bit (``shared/bench/negmas/SEMANTICS.md``):

* ``"TB"`` -- ``TimeBasedConcedingNegotiator``: :math:`\epsilon = 10^{-4}`, only rational
  outcomes (:math:`u \ge r`) are presorted; with none, it offers its best outcome.
* ``"ASP"`` -- ``AspirationNegotiator``: :math:`\epsilon = 10^{-3}` (its ``tolerance``), all
  outcomes presorted.

The arithmetic is written in the exact order NegMAS evaluates it, with ``math.pow``; the batch
kernel (:mod:`burdenshare.bargaining.batch`) repeats it operation for operation.

Other policies
--------------
* tit-for-tat: open with the best outcome, then concede, in own-utility terms, as much as the
  opponent's last offer improved on its previous one (Axelrod 1984; Faratin et al. 1998
  "imitative tactics"); accept what is at least as good as the next own offer.
* hardliner: always offer the best outcome; accept only at or above a threshold.
* win-set-aware: time-based, but never offers or accepts an outcome outside the win-set
  (the outcomes the other level ratifies) while a rational one inside it exists (DESIGN.md §4).
* equilibrium: play a given path (offer ``x_k`` in round ``k``; accept iff ``u >= v_k``), e.g.
  from the backward-induction solver (a building block, not a scenario kind: equilibrium play is
  ``burdenshare solve``).

:data:`REGISTRY` is the one list of the strategy kinds a scenario can name; the schema, the
engine and :func:`make_strategy` all read it.

References
----------
P. Faratin, C. Sierra, N. R. Jennings (1998). Negotiation decision functions for autonomous
agents. *Robotics and Autonomous Systems* 24(3-4), 159-182.

Y. Mohammad, S. Nakadai, A. Greenwald. NegMAS: A platform for automated negotiations.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from burdenshare.errors import SpecError

__all__ = [
    "BOULWARE",
    "LINEAR",
    "CONCEDER",
    "TB_EPS",
    "ASP_EPS",
    "NEAREST_EPS",
    "Kind",
    "NegotiationView",
    "AspirationCurve",
    "TimeBasedOffering",
    "TimeBasedAcceptance",
    "BestOffering",
    "ThresholdAcceptance",
    "ReciprocalOffering",
    "ReciprocalAcceptance",
    "PathOffering",
    "PathAcceptance",
    "Strategy",
    "time_based",
    "hardliner",
    "tit_for_tat",
    "equilibrium",
    "make_strategy",
    "winset_aware",
    "WinSetOffering",
    "WinSetAcceptance",
    "StrategyKind",
    "REGISTRY",
    "STRATEGY_NAMES",
    "POLICY_TIME_BASED",
    "POLICY_TIT_FOR_TAT",
    "POLICY_OBSTINATE",
    "POLICY_WINSET_AWARE",
    "aspiration",
    "thresholds",
    "nearest_offer_position",
    "linear_decision",
    "rational_start",
]

BOULWARE: float = 4.0
"""Exponent of NegMAS's ``"boulware"`` curve (concedes late)."""
LINEAR: float = 1.0
"""Exponent of the ``"linear"`` curve."""
CONCEDER: float = 0.25
"""Exponent of NegMAS's ``"conceder"`` curve (concedes early)."""
TB_EPS: float = 1e-4
"""Threshold tolerance of ``TimeBasedConcedingNegotiator`` (NegMAS default ``eps``)."""
ASP_EPS: float = 1e-3
"""Threshold tolerance of ``AspirationNegotiator`` (its ``tolerance``)."""
NEAREST_EPS: float = 1e-6
"""How far below its threshold an agent may offer under NegMAS's nearest-outcome rule."""

Kind = Literal["TB", "ASP"]
KINDS: tuple[str, ...] = ("TB", "ASP")


@dataclass(frozen=True, slots=True, eq=False)
class NegotiationView:
    """Read-only view of a negotiation from one negotiator's seat.

    Parameters
    ----------
    round
        0-based round ``k``.
    n_steps
        Number of rounds allowed (the deadline).
    time
        Relative time ``t_k = (k+1)/(n_steps+1)`` (NegMAS ``relative_time``).
    utilities
        Own utility of every outcome, by outcome index.
    order
        Outcome indices sorted by ascending own utility.
    sorted_utilities
        ``utilities[order]``.
    reservation_value
        Own reservation value.
    own_offers, opponent_offers
        Outcome indices offered so far by this negotiator and by the opponent, oldest first.
    """

    round: int
    n_steps: int
    time: float
    utilities: NDArray[np.float64]
    order: NDArray[np.int64]
    sorted_utilities: NDArray[np.float64]
    reservation_value: float
    own_offers: tuple[int, ...] = ()
    opponent_offers: tuple[int, ...] = ()

    @property
    def umax(self) -> float:
        """Own best utility."""
        return float(self.sorted_utilities[-1])

    @property
    def umin(self) -> float:
        """Own worst utility raised to the reservation value (NegMAS ``ufun_min``)."""
        lo = float(self.sorted_utilities[0])
        return self.reservation_value if self.reservation_value > lo else lo

    @property
    def best(self) -> int:
        """Index of the own best outcome."""
        return int(self.order[-1])

    def first_rational(self) -> int:
        """Position in :attr:`order` of the first outcome with ``u >= reservation_value``."""
        return bisect.bisect_left(self.sorted_utilities, self.reservation_value)


# ----------------------------------------------------------------------------- time-based math


def aspiration(t: float, exponent: float) -> float:
    """NegMAS ``PolyAspiration`` with ``max_aspiration=1.0``: ``1.0 * (1.0 - math.pow(t, e))``."""
    return 1.0 * (1.0 - math.pow(t, exponent))


def _clip(x: float, lo: float, hi: float) -> float:
    # numpy.clip semantics: min(max(x, lo), hi) -- ``hi`` wins when lo > hi.
    if x < lo:
        x = lo
    if x > hi:
        x = hi
    return x


def thresholds(
    t: float, exponent: float, umin: float, umax: float, eps: float
) -> tuple[float, float]:
    """Acceptance band ``(lo, hi)`` at time ``t``, in NegMAS's evaluation order.

    ``lo = (umax - umin) * a(t) + umin; lo -= eps; hi = (umax - umin) * 1.0 + umin; hi += eps``,
    both clipped into ``[umin, umax]``.
    """
    a = aspiration(t, exponent)
    lo = (umax - umin) * a + umin
    lo -= eps
    hi = (umax - umin) * 1.0 + umin
    hi += eps
    return _clip(lo, umin, umax), _clip(hi, umin, umax)


def nearest_offer_position(sorted_utilities: Sequence[float] | NDArray[np.float64], start: int, lo: float) -> int:
    """Position (in the presorted list) of the outcome NegMAS's ``worst_in`` offers.

    Among positions ``start..n-1`` let ``A`` be the first with ``u >= lo`` (the last position if
    none) and ``B = A - 1`` if ``B >= start`` and ``u(B) >= lo - 1e-6``.  Return ``B`` iff
    ``lo - u(B) < u(A) - lo``, else ``A``.
    """
    n = len(sorted_utilities)
    a = bisect.bisect_left(sorted_utilities, lo, start, n)
    if a >= n:
        a = n - 1
    b = a - 1
    if b >= start:
        ub = float(sorted_utilities[b])
        if ub >= lo - NEAREST_EPS and abs(ub - lo) < abs(float(sorted_utilities[a]) - lo):
            return b
    return a


def rational_start(rv: float, n: int, rational_only: int) -> int:
    r"""First position of a one-issue linear space (:math:`u(i) = i / n`) with :math:`u \ge rv`
    (:meth:`NegotiationView.first_rational`); ``n + 1`` when there is none; 0 for ``"ASP"``
    (``rational_only = 0``: all outcomes presorted).  See :func:`linear_decision`."""
    if rational_only == 0 or not rv > 0.0:
        return 0
    x = rv * n
    s = int(math.ceil(x))
    if 0 < s <= n and s - x > 1e-9 and x - (s - 1) > 1e-9:  # exact without division (linear_decision)
        return s
    if s < 0:
        s = 0
    if s > n + 1:
        s = n + 1
    while s > 0 and (s - 1) / n >= rv:
        s -= 1
    while s <= n and s / n < rv:
        s += 1
    return s


def linear_decision(a: float, rv: float, n: int, eps: float, start: int) -> tuple[int, int]:
    r"""A time-based negotiator's decision on a one-issue linear space (the engine's Level I).

    ``a`` is the aspiration :math:`a(t)` (:func:`aspiration`).  The space has :math:`n + 1`
    outcomes with own utility :math:`u(i) = i / n`, :math:`i = 0..n` (NegMAS's ``1issue`` domain
    for :math:`n = 100`; the two-level engine's amount grid seen from each side), so
    :math:`u_{max} = n / n = 1` and the worst utility :math:`0 / n = 0`.  ``start`` is the first
    presorted position (:func:`rational_start`: ``"TB"`` presorts only :math:`u \ge rv`, ``"ASP"``
    all; ``n + 1``: no rational outcome, offer the best).  Returns ``(offer, accept)``: the
    position the negotiator offers (:class:`TimeBasedOffering`, NegMAS ``worst_in`` with the 1e-6
    nearest rule) and the lowest position it accepts (:class:`TimeBasedAcceptance`:
    :math:`u(i) \ge lo(t)`; every position above it is accepted, up to :math:`u = 1`).  The
    arithmetic is :func:`thresholds` and :func:`nearest_offer_position` specialised to
    :math:`u(i) = i / n`, in the same order and with the same float values, with no calls, so Numba
    compiles it as it is (tested equal to the general policies).
    """
    if start > n:
        return n, n  # no rational outcome: offer the best (and accept only it: lo = umax)
    umin = rv if rv > 0.0 else 0.0
    lo = (1.0 - umin) * a + umin
    lo -= eps
    if lo < umin:
        lo = umin
    if lo > 1.0:
        lo = 1.0
    x = lo * n
    j = int(math.ceil(x))
    # Fast path, exact: when lo * n lies more than 1e-9 (index units; rounding errors are below
    # n * 2.3e-16) below the integer j, u(j) >= lo; when j is the first presorted position, or lo * n
    # lies more than 1e-6 n + 1e-9 above j - 1 (so u(j - 1) < lo - 1e-6 and the nearest rule cannot
    # pick it), the offer and the acceptance position are j, with no division.  Otherwise the exact
    # search below.
    if start <= j <= n and j - x > 1e-9 and (j == start or x - (j - 1) > 1e-6 * n + 1e-9):
        return j, j
    if j < start:
        j = start
    if j > n:
        j = n
    uj = j / n
    ub = 2.0  # u(j - 1), once computed
    while j > start:
        ub = (j - 1) / n
        if ub >= lo:
            j -= 1
            uj = ub
            ub = 2.0
        else:
            break
    while j < n and uj < lo:
        j += 1
        ub = uj
        uj = j / n
    off = j
    if j > start:
        if ub == 2.0:
            ub = (j - 1) / n
        if ub >= lo - 1e-6 and abs(ub - lo) < abs(uj - lo):
            off = j - 1
    return off, j


# ----------------------------------------------------------------------------- policies


class OfferingPolicy(Protocol):
    """Chooses the outcome to propose."""

    def propose(self, view: NegotiationView) -> int:
        """Outcome index to offer."""
        ...


class AcceptancePolicy(Protocol):
    """Decides on the standing offer."""

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """Whether to accept outcome ``offer``."""
        ...


def _check_exponent(exponent: float, where: str) -> float:
    e = float(exponent)
    if not (math.isfinite(e) and e > 0.0):
        raise SpecError(f"exponent must be a finite number > 0, got {exponent!r}", field=where)
    return e


@dataclass(frozen=True, slots=True)
class AspirationCurve:
    """Time-based concession curve ``a(t) = 1 - t**exponent`` with tolerance ``eps``."""

    exponent: float
    eps: float = TB_EPS

    def __post_init__(self) -> None:
        _check_exponent(self.exponent, "strategy.exponent")
        if not (math.isfinite(self.eps) and self.eps >= 0.0):
            raise SpecError(f"eps must be finite and >= 0, got {self.eps!r}", field="strategy.eps")

    def band(self, view: NegotiationView) -> tuple[float, float]:
        """``(lo, hi)`` at the view's time."""
        return thresholds(view.time, self.exponent, view.umin, view.umax, self.eps)


@dataclass(frozen=True, slots=True)
class TimeBasedOffering:
    """Offer the worst outcome still above the aspiration level (NegMAS ``worst_in``).

    ``rational_only=True`` presorts only outcomes with ``u >= rv`` (TB); ``False`` all (ASP).
    """

    curve: AspirationCurve
    rational_only: bool = True

    def propose(self, view: NegotiationView) -> int:
        """See class docstring."""
        start = view.first_rational() if self.rational_only else 0
        if start >= len(view.order):
            return view.best  # no rational outcome: offer the best one
        lo, _ = self.curve.band(view)
        pos = nearest_offer_position(view.sorted_utilities, start, lo)
        return int(view.order[pos])


@dataclass(frozen=True, slots=True)
class TimeBasedAcceptance:
    """Accept iff ``lo(t) <= u(offer) <= hi``."""

    curve: AspirationCurve

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """See class docstring."""
        lo, hi = self.curve.band(view)
        u = float(view.utilities[offer])
        return lo <= u <= hi


@dataclass(frozen=True, slots=True)
class BestOffering:
    """Always offer the own best outcome (hardliner / obstinate type)."""

    def propose(self, view: NegotiationView) -> int:
        """See class docstring."""
        return view.best


@dataclass(frozen=True, slots=True)
class ThresholdAcceptance:
    """Accept iff ``u(offer) >= threshold`` (``None``: the own best utility)."""

    threshold: float | None = None

    def __post_init__(self) -> None:
        if self.threshold is not None and not math.isfinite(self.threshold):
            raise SpecError("threshold must be finite", field="strategy.threshold")

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """See class docstring."""
        thr = view.umax if self.threshold is None else self.threshold
        return float(view.utilities[offer]) >= thr


def _reciprocal_target(view: NegotiationView) -> float:
    """Own-utility level of the next tit-for-tat offer."""
    if not view.own_offers:
        return view.umax
    last_own = float(view.utilities[view.own_offers[-1]])
    opp = view.opponent_offers
    if len(opp) < 2:
        return last_own
    concession = float(view.utilities[opp[-1]]) - float(view.utilities[opp[-2]])
    target = last_own - max(concession, 0.0)
    return max(target, view.umin)


@dataclass(frozen=True, slots=True)
class ReciprocalOffering:
    """Tit-for-tat: concede as much (in own utility) as the opponent's last concession."""

    def propose(self, view: NegotiationView) -> int:
        """See class docstring."""
        target = _reciprocal_target(view)
        su = view.sorted_utilities
        pos = bisect.bisect_left(su, target)
        return int(view.order[min(pos, len(su) - 1)])


@dataclass(frozen=True, slots=True)
class ReciprocalAcceptance:
    """Accept iff the offer is at least as good as the own next tit-for-tat offer."""

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """See class docstring."""
        u = float(view.utilities[offer])
        return u >= view.reservation_value and u >= _reciprocal_target(view)


@dataclass(frozen=True, slots=True)
class PathOffering:
    """Offer ``offers[k]`` in round ``k`` (the last entry after the path ends)."""

    offers: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.offers) == 0:
            raise SpecError("an offer path needs at least one offer", field="strategy.offers")

    def propose(self, view: NegotiationView) -> int:
        """See class docstring."""
        return int(self.offers[min(view.round, len(self.offers) - 1)])


@dataclass(frozen=True, slots=True)
class PathAcceptance:
    """Accept iff ``u(offer) >= thresholds[k]`` in round ``k`` (last entry after the path)."""

    thresholds: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.thresholds) == 0:
            raise SpecError("a threshold path needs at least one value", field="strategy.thresholds")
        if any(math.isnan(v) for v in self.thresholds):
            raise SpecError("acceptance thresholds contain NaN", field="strategy.thresholds")

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """See class docstring."""
        v = self.thresholds[min(view.round, len(self.thresholds) - 1)]
        return float(view.utilities[offer]) >= v


@dataclass(frozen=True, slots=True)
class Strategy:
    """A negotiation strategy: an offering policy plus an acceptance policy.

    Parameters
    ----------
    name
        Label used in reports.
    offering
        Chooses proposals.
    acceptance
        Decides on the standing offer.
    kind
        ``"TB"`` / ``"ASP"`` for the NegMAS time-based variants (the batch kernel runs only
        these), ``None`` otherwise.
    """

    name: str
    offering: OfferingPolicy
    acceptance: AcceptancePolicy
    kind: Kind | None = None

    @property
    def exponent(self) -> float | None:
        """Concession exponent of a time-based strategy."""
        if isinstance(self.offering, TimeBasedOffering):
            return self.offering.curve.exponent
        return None


def time_based(exponent: float, kind: Kind = "TB") -> Strategy:
    """NegMAS time-based negotiator: ``"TB"`` (``TimeBasedConcedingNegotiator``) or ``"ASP"``.

    Parameters
    ----------
    exponent
        Concession exponent ``e`` (:data:`BOULWARE`, :data:`LINEAR`, :data:`CONCEDER` or any
        finite ``e > 0``).
    kind
        ``"TB"``: eps 1e-4, rational outcomes presorted; ``"ASP"``: eps 1e-3, all presorted.

    Raises
    ------
    SpecError
        If the exponent is not finite and positive or the kind is unknown.
    """
    e = _check_exponent(exponent, "strategy.exponent")
    if kind not in KINDS:
        raise SpecError(
            f"unknown time-based kind {kind!r}; allowed: {', '.join(KINDS)}", field="strategy.kind"
        )
    curve = AspirationCurve(e, TB_EPS if kind == "TB" else ASP_EPS)
    return Strategy(
        f"{kind}(e={e:g})",
        TimeBasedOffering(curve, rational_only=kind == "TB"),
        TimeBasedAcceptance(curve),
        kind,
    )


def hardliner(threshold: float | None = None) -> Strategy:
    """Always offer the best outcome; accept only at or above ``threshold`` (default: best)."""
    return Strategy("hardliner", BestOffering(), ThresholdAcceptance(threshold))


def tit_for_tat() -> Strategy:
    """Reciprocate the opponent's last concession in own-utility terms."""
    return Strategy("tit_for_tat", ReciprocalOffering(), ReciprocalAcceptance())


def equilibrium(offers: Sequence[int], thresholds: Sequence[float]) -> Strategy:
    """Play a solver's path: offer ``offers[k]`` in round ``k``; accept iff ``u >= thresholds[k]``."""
    return Strategy(
        "equilibrium",
        PathOffering(tuple(int(x) for x in offers)),
        PathAcceptance(tuple(float(v) for v in thresholds)),
    )


# ----------------------------------------------------------------------------- win-set-aware play


@dataclass(frozen=True, slots=True)
class WinSetOffering:
    """Time-based offers that never leave the admissible set (the Assembly's win-set).

    ``admissible[i]`` says whether outcome ``i`` can be ratified.  The offer is the time-based
    one if admissible; otherwise the admissible rational outcome (``u >= rv``) with the smallest
    own utility ``>= lo(t)`` (so the negotiator neither concedes past the win-set nor demands
    beyond it), or, if every admissible rational outcome lies below ``lo(t)``, the best of them.
    With no admissible rational outcome at all it plays as the time-based policy.
    """

    base: TimeBasedOffering
    admissible: tuple[bool, ...]

    def propose(self, view: NegotiationView) -> int:
        """See class docstring."""
        x = self.base.propose(view)
        if self.admissible[x]:
            return x
        lo, _ = self.base.curve.band(view)
        rv = view.reservation_value
        best = -1
        fallback = -1
        for pos in range(len(view.order)):  # ascending own utility
            o = int(view.order[pos])
            u = float(view.sorted_utilities[pos])
            if not self.admissible[o] or u < rv:
                continue
            if u >= lo:
                best = o
                break
            fallback = o
        if best >= 0:
            return best
        return fallback if fallback >= 0 else x


@dataclass(frozen=True, slots=True)
class WinSetAcceptance:
    """Accept an admissible offer that passes the time-based test or is at least as good as the
    own (clipped) next offer; while no admissible rational outcome exists, time-based acceptance."""

    base: TimeBasedAcceptance
    offering: WinSetOffering

    def accepts(self, view: NegotiationView, offer: int) -> bool:
        """See class docstring."""
        admissible = self.offering.admissible
        rv = view.reservation_value
        u = float(view.utilities[offer])
        if not any(a and float(view.utilities[o]) >= rv for o, a in enumerate(admissible)):
            return self.base.accepts(view, offer)
        if not admissible[offer]:
            return False
        if self.base.accepts(view, offer):
            return True
        own = self.offering.propose(view)
        if own == self.offering.base.propose(view):  # the win-set does not bind: time-based
            return False
        return u >= rv and u >= float(view.utilities[own])


def winset_aware(exponent: float, admissible: Sequence[bool], kind: Kind = "TB") -> Strategy:
    """Time-based play clipped to the win-set (DESIGN.md §4): ``admissible[i]`` marks the outcomes
    the other level ratifies (:class:`WinSetOffering`, :class:`WinSetAcceptance`)."""
    tb = time_based(exponent, kind)
    assert isinstance(tb.offering, TimeBasedOffering) and isinstance(tb.acceptance, TimeBasedAcceptance)
    offering = WinSetOffering(tb.offering, tuple(bool(a) for a in admissible))
    return Strategy(f"winset_aware(e={tb.exponent:g})", offering, WinSetAcceptance(tb.acceptance, offering), None)


# ----------------------------------------------------------------------------- the registry

#: Engine policy codes (``burdenshare.engine``'s kernels switch on these).
POLICY_TIME_BASED: int = 0
POLICY_TIT_FOR_TAT: int = 1
POLICY_OBSTINATE: int = 2
POLICY_WINSET_AWARE: int = 3


def _exponent_above_one(e: float) -> str | None:
    return None if e > 1.0 else f"{e:g}; boulware needs exponent > 1 (use 'conceder' for < 1, 'linear' for 1)"


def _exponent_one(e: float) -> str | None:
    return None if e == 1.0 else f"{e:g}; linear needs exponent = 1"


def _exponent_below_one(e: float) -> str | None:
    return None if e < 1.0 else f"{e:g}; conceder needs exponent < 1 (use 'boulware' for > 1)"


def _named_curve(default: float, rule: Callable[[float], str | None]) -> Callable[..., Strategy]:
    def build(exponent: float = default, kind: Kind = "TB") -> Strategy:
        msg = rule(float(exponent))
        if msg is not None:
            raise SpecError(msg, field="strategy.exponent")
        return time_based(exponent, kind)

    return build


@dataclass(frozen=True, slots=True)
class StrategyKind:
    """One strategy kind a scenario can name (``strategies.<gov>.kind``).

    Parameters
    ----------
    name
        The kind as written in a scenario.
    policy
        How the two-level engine plays it (``POLICY_*``).
    summary
        One line for documentation and error messages.
    build
        Builds the :class:`Strategy` of :func:`make_strategy` for a :mod:`.space` domain.
    exponent_rule
        Checks the scenario's ``exponent`` for this kind: ``None`` if allowed, else the message.
    """

    name: str
    policy: int
    summary: str
    build: Callable[..., Strategy]
    exponent_rule: Callable[[float], str | None] | None = None


#: The one registry of strategy kinds, keyed by the names scenarios use.  The scenario schema
#: accepts exactly these kinds, :func:`make_strategy` builds them, and the two-level engine plays
#: them by their ``policy``; a new strategy is one entry here (plus its policy in the engine).
REGISTRY: dict[str, StrategyKind] = {
    k.name: k
    for k in (
        StrategyKind("time_based", POLICY_TIME_BASED, "time-based concession, any exponent e > 0",
                     lambda exponent=LINEAR, kind="TB": time_based(exponent, kind)),
        StrategyKind("boulware", POLICY_TIME_BASED, "time-based, exponent > 1 (concedes late)",
                     _named_curve(BOULWARE, _exponent_above_one), _exponent_above_one),
        StrategyKind("linear", POLICY_TIME_BASED, "time-based, exponent = 1",
                     _named_curve(LINEAR, _exponent_one), _exponent_one),
        StrategyKind("conceder", POLICY_TIME_BASED, "time-based, exponent < 1 (concedes early)",
                     _named_curve(CONCEDER, _exponent_below_one), _exponent_below_one),
        StrategyKind("tit_for_tat", POLICY_TIT_FOR_TAT, "matches the other side's last concession",
                     lambda: tit_for_tat()),
        StrategyKind("hardliner", POLICY_OBSTINATE, "never moves from its opening",
                     lambda threshold=None: hardliner(threshold)),
        StrategyKind("winset_aware", POLICY_WINSET_AWARE,
                     "time-based, never demands or concedes past the Assembly's win-set",
                     lambda exponent=LINEAR, admissible=(), kind="TB": winset_aware(exponent, admissible, kind)),
    )
}
#: The scenario strategy kinds (the registry's keys).
STRATEGY_NAMES: tuple[str, ...] = tuple(REGISTRY)


def make_strategy(name: str, **params: object) -> Strategy:
    """Build a strategy by the kind a scenario names (:data:`REGISTRY`).

    Parameters
    ----------
    name
        One of :data:`STRATEGY_NAMES`.  ``boulware``/``linear``/``conceder`` take an optional
        ``exponent`` (checked against the kind's rule) and ``kind`` (``"TB"``/``"ASP"``);
        ``time_based`` takes ``exponent`` and ``kind``; ``hardliner`` ``threshold``;
        ``winset_aware`` ``exponent``, ``admissible`` and ``kind``.  NegMAS's
        ``AspirationNegotiator`` is ``time_based(e, kind="ASP")``; a solver's path is
        :func:`equilibrium` (equilibrium play is ``burdenshare solve``, not a scenario kind).
    **params
        Parameters of the named strategy.

    Raises
    ------
    SpecError
        ``field="strategy"`` for an unknown name, naming the allowed ones, or bad parameters.
    """
    entry = REGISTRY.get(name)
    if entry is None:
        raise SpecError(
            f"unknown strategy {name!r}; allowed: {', '.join(STRATEGY_NAMES)}", field="strategy"
        )
    try:
        return entry.build(**params)
    except TypeError as exc:
        raise SpecError(f"bad parameters for strategy {name!r}: {exc}", field="strategy") from None
