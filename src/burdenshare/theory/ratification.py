r"""Ratification constraints on Level-I bargaining (THEORY.md §6-§8).

Three closed forms:

1. **Floors in alternating offers** (after Iida 1993; Tarar 2001).  Country A's
   ratifier accepts iff A's share is at least :math:`r_A`, B's iff B's share is at
   least :math:`r_B`; a vetoed offer wastes a period.  Stationary SPE, with a = A's
   share when A proposes and b = A's share when B proposes::

       b = max(r_A, delta_A a)
       a = 1 - max(r_B, delta_B (1 - b))

   No agreement if :math:`r_A + r_B > 1`.
2. **TIOLI with veto players** (Mo 1995).  Complete information: x* = min(H, M).
   Uncertain agent ceiling M ~ G: the proposer maximizes :math:`(x - L)(1 - G(x))`;
   for G uniform on [a, b], :math:`x^* = \mathrm{clip}((b + L)/2, a, b)`.
3. **Setter with executive and legislature** (Romer & Rosenthal 1978; Milner &
   Rosendorff 1997).  :math:`x^* = \mathrm{clip}(f, \max_i(\theta_i - |q-\theta_i|),
   \min_i(\theta_i + |q-\theta_i|))`, plus an uncertain-legislature variant solved
   numerically.

Caveat (THEORY.md §6): the floor game is a derivation consistent with the Iida and
Tarar abstracts, not a reproduction of either paper's exact game.

References
----------
Iida, K. (1993). When and How Do Domestic Constraints Matter? *J. Conflict Resolution* 37(3).
Tarar, A. (2001). International Bargaining with Two-Sided Domestic Constraints. *J. Conflict Resolution* 45(3).
Mo, J. (1995). Domestic Institutions and International Bargaining. *American Political Science Review* 89(4).
Romer, T. & Rosenthal, H. (1978). Political Resource Allocation. *Public Choice* 33(4).
Milner, H. & Rosendorff, B. P. (1997). Democratic Politics and International Trade Negotiations.
*J. Conflict Resolution* 41(1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from burdenshare.errors import SpecError
from burdenshare.theory import _validate as v

__all__ = [
    "FloorEquilibrium",
    "SetterOutcome",
    "TioliOutcome",
    "floor_equilibrium",
    "setter_offer",
    "setter_uncertain_legislature",
    "tioli_offer",
    "tioli_uncertain_veto",
    "tioli_uncertain_veto_uniform",
]

_TOL = 1e-12


@dataclass(frozen=True, slots=True)
class FloorEquilibrium:
    """Stationary SPE of alternating offers with ratification floors.

    Attributes
    ----------
    agreement
        False when the floors leave no acceptable split (:math:`r_A + r_B > 1`).
    a
        A's share when A proposes (``None`` without agreement).
    b
        A's share when B proposes (``None`` without agreement).
    binding
        ``(A's floor binds, B's floor binds)``.
    """

    agreement: bool
    a: float | None
    b: float | None
    binding: tuple[bool, bool]


@dataclass(frozen=True, slots=True)
class TioliOutcome:
    r"""Take-it-or-leave-it offer facing an uncertain ratifier.

    Attributes
    ----------
    offer
        The proposer's optimal offer x*.
    ratification_probability
        :math:`P(M \ge x^*)`.
    expected_gain
        The proposer's expected gain :math:`(x^* - L) P(\text{ratify})`.
    """

    offer: float
    ratification_probability: float
    expected_gain: float


@dataclass(frozen=True, slots=True)
class SetterOutcome:
    """Setter offer facing a certain executive and an uncertain legislature.

    Attributes
    ----------
    offer
        The foreign proposer's optimal offer x*.
    acceptance_probability
        Probability the legislature accepts x*.
    executive_expected_loss
        :math:`E|x - e|` where x is x* if accepted and q otherwise.
    """

    offer: float
    acceptance_probability: float
    executive_expected_loss: float


def floor_equilibrium(
    floor_a: float, floor_b: float, delta_a: float, delta_b: float | None = None
) -> FloorEquilibrium:
    r"""Stationary SPE shares of alternating offers with ratification floors.

    Solves ``b = max(r_A, δ_A a)``, ``a = 1 - max(r_B, δ_B (1 - b))``.  The map is a
    contraction (modulus :math:`\delta_A\delta_B`), so the solution is unique; it is
    found by checking the four binding patterns in closed form.  A floor binds iff it
    exceeds the unconstrained responder share (the outside-option principle with w = r).

    Parameters
    ----------
    floor_a, floor_b
        Minimum shares :math:`r_A, r_B \in [0, 1]` each ratifier accepts.
    delta_a, delta_b
        Discount factors (``delta_b`` defaults to ``delta_a``).

    Returns
    -------
    FloorEquilibrium
        ``a``, ``b`` and which floors bind; ``agreement=False`` if :math:`r_A + r_B > 1`.

    Raises
    ------
    SpecError
        If a floor is outside [0, 1] or a discount factor outside (0, 1).

    References
    ----------
    Iida (1993), *JCR* 37(3); Tarar (2001), *JCR* 45(3); THEORY.md §6.

    Examples
    --------
    >>> e = floor_equilibrium(0.6, 0.0, 0.9)
    >>> round(e.a, 6), round(e.b, 6)
    (0.64, 0.6)
    >>> e = floor_equilibrium(0.6, 0.38, 0.9)
    >>> round(e.a, 6), round(e.b, 6)
    (0.62, 0.6)
    >>> floor_equilibrium(0.6, 0.45, 0.9).agreement
    False
    """
    ra = v.probability(floor_a, "floor_a")
    rb = v.probability(floor_b, "floor_b")
    da = v.discount(delta_a, "delta_a")
    db = da if delta_b is None else v.discount(delta_b, "delta_b")
    if ra + rb > 1.0 + _TOL:
        return FloorEquilibrium(agreement=False, a=None, b=None, binding=(True, True))

    def step(a: float) -> float:
        b = max(ra, da * a)
        return 1.0 - max(rb, db * (1.0 - b))

    a0 = (1.0 - db) / (1.0 - da * db)
    candidates = (
        a0,  # neither binds
        1.0 - db * (1.0 - ra),  # A's floor binds
        1.0 - rb,  # B's floor binds (with or without A's)
    )
    a = min(candidates, key=lambda c: abs(step(c) - c))
    if abs(step(a) - a) > 1e-9:  # pragma: no cover - unique fixed point always among candidates
        raise RuntimeError("floor equilibrium: no fixed point found")
    b = max(ra, da * a)
    return FloorEquilibrium(
        agreement=True,
        a=a,
        b=b,
        binding=(ra > da * a + _TOL, rb > db * (1.0 - b) + _TOL),
    )


def tioli_offer(*ceilings: float) -> float:
    r"""Complete-information TIOLI offer facing several veto players (Mo 1995, spec A).

    The foreign side proposes x; each home veto player i accepts iff :math:`x \le c_i`
    (executive H, agent M, ...).  The proposer offers :math:`x^* = \min_i c_i`, so adding
    a veto player with a lower ceiling strictly helps the home side.

    Parameters
    ----------
    *ceilings
        Maximum acceptable payments of the veto players (at least one).

    Returns
    -------
    float
        The equilibrium offer.

    Raises
    ------
    SpecError
        If no ceiling is given or one is not finite.

    References
    ----------
    Mo, J. (1995). *American Political Science Review* 89(4); THEORY.md §7.

    Examples
    --------
    >>> tioli_offer(2.0, 1.3)
    1.3
    """
    if not ceilings:
        raise SpecError("at least one veto ceiling is required", field="ceilings")
    return min(v.finite(c, f"ceilings[{i}]") for i, c in enumerate(ceilings))


def tioli_uncertain_veto_uniform(reservation: float, low: float, high: float) -> TioliOutcome:
    r"""TIOLI offer against a ceiling :math:`M \sim U[a, b]` (Mo 1995 / Iida 1996, spec B).

    The proposer gains :math:`x - L` on ratification and 0 on failure, and maximizes
    :math:`(x - L)(1 - G(x))`; for G uniform the first-order condition gives::

        x* = clip((b + L)/2, a, b),    P(ratify) = (b - x*)/(b - a)

    Parameters
    ----------
    reservation
        The proposer's reservation payment L.
    low, high
        Support [a, b] of the ceiling, a < b.

    Returns
    -------
    TioliOutcome
        Offer, ratification probability and expected gain.

    Raises
    ------
    SpecError
        If ``low >= high`` or an input is not finite.

    References
    ----------
    Mo (1995), *APSR* 89(4); Iida (1996), *Public Choice* 89; THEORY.md §7.

    Examples
    --------
    >>> o = tioli_uncertain_veto_uniform(1.0, 1.1, 1.9)
    >>> round(o.offer, 6), round(o.ratification_probability, 6), round(o.expected_gain, 6)
    (1.45, 0.5625, 0.253125)
    """
    lr = v.finite(reservation, "reservation")
    a = v.finite(low, "low")
    b = v.finite(high, "high")
    if not a < b:
        raise SpecError(f"need low < high, got [{a}, {b}]", field="low")
    x = min(max((b + lr) / 2.0, a), b)
    p = (b - x) / (b - a)
    return TioliOutcome(offer=x, ratification_probability=p, expected_gain=(x - lr) * p)


def _maximize_on_interval(f: Any, lo: float, hi: float, n_grid: int = 4001) -> float:
    """Global-then-local maximization of a 1-D function on [lo, hi]."""
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    if hi <= lo:
        return lo
    xs = np.linspace(lo, hi, n_grid)
    ys = np.asarray(f(xs), dtype=float)  # f is vectorized over the grid
    i = int(np.argmax(ys))
    a = xs[max(i - 1, 0)]
    b = xs[min(i + 1, n_grid - 1)]
    res = optimize.minimize_scalar(lambda x: -float(f(x)), bounds=(a, b), method="bounded",
                                   options={"xatol": 1e-12})
    best = float(res.x) if -res.fun >= ys[i] else float(xs[i])
    return best


def tioli_uncertain_veto(reservation: float, ceiling: Any) -> TioliOutcome:
    r"""TIOLI offer against a ceiling M with a general distribution (numerical).

    Maximizes :math:`(x - L)\,P(M \ge x)` over :math:`x \ge L` by a dense grid over the
    central support of M followed by bounded Brent refinement.

    Parameters
    ----------
    reservation
        The proposer's reservation payment L.
    ceiling
        A frozen continuous ``scipy.stats`` distribution of M (needs ``sf`` and ``ppf``).

    Returns
    -------
    TioliOutcome
        Offer, ratification probability and expected gain.

    Raises
    ------
    SpecError
        If ``ceiling`` lacks ``sf``/``ppf`` or L is not finite.

    References
    ----------
    Mo (1995), *APSR* 89(4); THEORY.md §7.

    Examples
    --------
    >>> from scipy import stats
    >>> o = tioli_uncertain_veto(1.0, stats.uniform(1.1, 0.8))
    >>> round(o.offer, 6), round(o.ratification_probability, 6)
    (1.45, 0.5625)
    """
    lr = v.finite(reservation, "reservation")
    if not (hasattr(ceiling, "sf") and hasattr(ceiling, "ppf")):
        raise SpecError("must be a frozen scipy.stats distribution", field="ceiling")
    lo = max(lr, float(ceiling.ppf(1e-12)))
    hi = max(lo, float(ceiling.ppf(1.0 - 1e-12)))

    def gain(x: Any) -> Any:
        return (x - lr) * ceiling.sf(x)

    x = _maximize_on_interval(gain, lo, hi)
    p = float(ceiling.sf(x))
    return TioliOutcome(offer=x, ratification_probability=p, expected_gain=(x - lr) * p)


def _acceptance_bounds(q: float, ideals: Sequence[float]) -> tuple[float, float]:
    lows = [t - abs(q - t) for t in ideals]
    highs = [t + abs(q - t) for t in ideals]
    return max(lows), min(highs)


def setter_offer(proposer: float, status_quo: float, ideals: Sequence[float]) -> float:
    r"""Setter offer with veto players holding ideals :math:`\theta_i` (1-D, utilities -|x-θ|).

    Each veto player accepts :math:`A_i(q) = [\theta_i - |q - \theta_i|, \theta_i + |q - \theta_i|]`;
    the setter proposes the point of :math:`\cap_i A_i(q)` closest to its ideal f::

        x* = clip(f, max_i(θ_i - |q - θ_i|), min_i(θ_i + |q - θ_i|))

    The intersection always contains q, so x* exists.

    Parameters
    ----------
    proposer
        Setter's ideal f.
    status_quo
        Reversion point q.
    ideals
        Ideals of the veto players (e.g. executive e and legislature l); at least one.

    Returns
    -------
    float
        The setter's offer.

    Raises
    ------
    SpecError
        If ``ideals`` is empty or an input is not finite.

    References
    ----------
    Romer & Rosenthal (1978), *Public Choice* 33(4); Milner & Rosendorff (1997), *JCR* 41(1);
    THEORY.md §8.

    Examples
    --------
    >>> setter_offer(10.0, 0.0, [2.0, 1.0]), setter_offer(10.0, 0.0, [2.0])
    (2.0, 4.0)
    >>> round(setter_offer(5.0, 0.92, [1.2, 1.0]), 6)
    1.08
    """
    f = v.finite(proposer, "proposer")
    q = v.finite(status_quo, "status_quo")
    th = v.float_array(ideals, "ideals")
    lo, hi = _acceptance_bounds(q, th.tolist())
    return float(min(max(f, lo), hi))


def setter_uncertain_legislature(
    proposer: float, status_quo: float, executive: float, legislature: Any
) -> SetterOutcome:
    r"""Setter offer when the legislature's ideal l is uncertain (numerical).

    Derivation.  With utilities :math:`-|x - \theta|`, the legislature accepts x iff
    :math:`|x - l| \le |q - l|`; for x > q this is :math:`l \ge (x + q)/2`, for x < q it is
    :math:`l \le (x+q)/2`.  So :math:`P(\text{accept} \mid x) = S_l((x+q)/2)` (x > q) or
    :math:`F_l((x+q)/2)` (x < q).  The executive (ideal e, known) accepts x iff
    x lies in :math:`A_e(q)`.  The setter maximizes
    :math:`(|q - f| - |x - f|)\,P(\text{accept} \mid x)` over :math:`x \in A_e(q)` between
    q and f, numerically (dense grid, then bounded Brent).  The executive's expected loss
    is :math:`P |x^* - e| + (1 - P)|q - e|`.

    For f = 5, q = 0.92, e = 1.2 and l ~ U[0.9, 1.3] the objective on [0.92, 1.48] is
    :math:`(x - 0.92)(1.3 - (x + 0.92)/2)/0.4`, maximized at x* = 1.30 with P = 0.475 and
    E|x - e| = 0.475·0.1 + 0.525·0.28 = 0.1945.

    Parameters
    ----------
    proposer
        Setter's (foreign) ideal f.
    status_quo
        Reversion point q.
    executive
        Home executive's ideal e.
    legislature
        Frozen continuous ``scipy.stats`` distribution of the legislature's ideal l.

    Returns
    -------
    SetterOutcome
        Offer, acceptance probability and the executive's expected loss.

    Raises
    ------
    SpecError
        If ``legislature`` is not a frozen distribution or an input is not finite.

    References
    ----------
    Milner & Rosendorff (1997), *JCR* 41(1); Romer & Rosenthal (1978); THEORY.md §8.

    Examples
    --------
    >>> from scipy import stats
    >>> o = setter_uncertain_legislature(5.0, 0.92, 1.2, stats.uniform(0.9, 0.4))
    >>> round(o.offer, 6), round(o.acceptance_probability, 6), round(o.executive_expected_loss, 6)
    (1.3, 0.475, 0.1945)
    """
    f = v.finite(proposer, "proposer")
    q = v.finite(status_quo, "status_quo")
    e = v.finite(executive, "executive")
    if not (hasattr(legislature, "sf") and hasattr(legislature, "cdf")):
        raise SpecError("must be a frozen scipy.stats distribution", field="legislature")
    lo_e, hi_e = _acceptance_bounds(q, [e])
    if f >= q:
        lo, hi = q, min(f, hi_e)
    else:
        lo, hi = max(f, lo_e), q

    def p_accept(x: Any) -> Any:
        mid = (np.asarray(x, dtype=float) + q) / 2.0
        return np.where(x > q, legislature.sf(mid), np.where(x < q, legislature.cdf(mid), 1.0))

    def gain(x: Any) -> Any:
        return (abs(q - f) - np.abs(x - f)) * p_accept(x)

    x = _maximize_on_interval(gain, lo, hi)
    p = float(p_accept(x))
    loss = p * abs(x - e) + (1.0 - p) * abs(q - e)
    return SetterOutcome(offer=x, acceptance_probability=p, executive_expected_loss=loss)
