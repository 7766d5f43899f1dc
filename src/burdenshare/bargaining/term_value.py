r"""The value of an agreement's term to each side, and the term the sides bargain toward.

One definition, read by the engine (:mod:`burdenshare.engine.plan`, the reference and the
kernel), the rational benchmark (:mod:`burdenshare.solver.scenario`) and ``advise``
(:mod:`burdenshare.analysis.advise`).

**Preference.**  A government's ``strategies.<gov>.term_preference`` gives its *ideal term*
:math:`T_i` (years) and a *weight* :math:`w_i` (won per year of the agreement per squared year).
A text of term :math:`m` costs side :math:`i`

.. math::

    c_i(m) = w_i\,(m - T_i)^2

won per year, on the same scale as the level equivalent :math:`\bar A` of the schedule
(:mod:`burdenshare.agreement`): the US values a text at :math:`\bar A - c_{US}(m)`, the host at
:math:`-\bar A - c_K(m)`.  The quadratic loss is the standard spatial-preference form for a
one-dimensional issue (Enelow & Hinich 1984); it says that a side cares little about a year more or
less near its ideal and increasingly far from it.  The duration trade-off behind the two ideals is
Koremenos (2005): a side that expects to gain from renegotiating (the side asking for more) wants
short terms, a side that values a predictable cost wants long ones.

**The term bargained toward.**  Utilities are quasi-linear in money, so every Pareto-efficient
text has the term that minimizes the joint cost (money then splits the surplus; Coase 1960):

.. math::

    m^* = \arg\min_{m \in M} \; c_{US}(m) + c_K(m),

over the allowed terms :math:`M` (``levers.allowed_durations``; ties go to the shorter term).  With
the quadratic loss :math:`m^*` is the allowed term nearest the weighted mean
:math:`(w_{US} T_{US} + w_K T_K)/(w_{US} + w_K)`: equal ideals give that term, opposed ideals a term
between them, nearer the side with the larger weight.

**Term offers.**  Each time-based negotiator opens at the allowed term nearest its ideal (ties:
the shorter) and concedes :math:`1 - a(t)` of the way from there to :math:`m^*`, as it concedes the
amount (:func:`burdenshare.engine.reference.duration_offer`); an obstinate or tit-for-tat type
keeps its ideal.  **Acceptance** values the term: a side accepts a standing text :math:`(x_s, m_s)`
when it is worth at least its own current demand :math:`(x_o, m_o)`, i.e. the US when
:math:`x_s - c_{US}(m_s) \ge x_o - c_{US}(m_o)` and the host when
:math:`x_s + c_K(m_s) \le x_o + c_K(m_o)`.  On the amount grid (step :math:`\Delta`) this is an
integer premium in grid steps, :math:`\pi_i[s, o] = \lceil (c_i(m_s) - c_i(m_o)) / \Delta \rceil`
(:func:`acceptance_premium`): the US needs ``j_s >= j_o + pi_US[s, o]``, the host
``j_s <= j_o - pi_K[s, o]``.  Utilities of the engine subtract :math:`c_i` of the signed term.

**Per draw.**  ``[[uncertainty]]`` may draw ``strategies.<gov>.term_preference.ideal_years`` (a real
number in 1-10) and ``.weight_krw``; each draw then has its own costs, opening terms and
:math:`m^*` (:func:`draw_term_columns`), and the kernel reads them per draw.  The solver uses the
central (nominal) values, ``advise`` the expected cost over the priors.

**Without a preference** (no ``term_preference`` for either side) every cost is 0 and the engine
keeps its earlier rule: each side opens at the end of ``allowed_durations`` its
``duration_preference`` names (``none``: the middle) and concedes to the middle term
(:func:`legacy_indices`).  With a preference for one side only, the other side's cost is 0 and its
opening term is its ``duration_preference`` end.

References
----------
Enelow, J. M. & Hinich, M. J. (1984). *The Spatial Theory of Voting*. Cambridge UP.
Koremenos, B. (2005). Contracting around international uncertainty. *APSR* 99(4), 549-565.
Coase, R. H. (1960). The problem of social cost. *Journal of Law and Economics* 3, 1-44.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.errors import SpecError

__all__ = [
    "TermPlan",
    "acceptance_premium",
    "draw_term_columns",
    "premium_steps",
    "term_cost",
    "efficient_term_index",
    "legacy_indices",
    "nearest_index",
    "scenario_term_costs",
    "term_cost_krw",
    "term_plan",
]

#: Slack when rounding a premium up to whole grid steps (in grid steps).
_PREMIUM_EPS: float = 1e-9
#: Longest ideal term (years), as the longest term a schedule may have.
MAX_IDEAL_YEARS: int = 10


def term_cost(weight_krw: float, ideal_years: float, years: float) -> float:
    r""":math:`c(m) = w (m - T)^2` of one term (won per year); the engine's scalar form (compiled as
    it is by the kernel), the same operations as :func:`term_cost_krw`."""
    d = years - ideal_years
    return weight_krw * (d * d)


def premium_steps(cost_standing: float, cost_own: float, step: float) -> int:
    r""":math:`\lceil (c(m_s) - c(m_o)) / \Delta \rceil` grid steps: what a standing text's term must be
    made up for in amount before a side accepts it instead of its own demand (module docstring)."""
    return int(math.ceil((cost_standing - cost_own) / step - _PREMIUM_EPS))


def term_cost_krw(ideal_years: float, weight_krw: float, durations: Sequence[int]) -> NDArray[np.float64]:
    r""":math:`c(m) = w (m - T)^2` for each term :math:`m` of ``durations`` (won per year)."""
    d = np.asarray(durations, dtype=np.float64) - float(ideal_years)
    return float(weight_krw) * (d * d)


def nearest_index(durations: Sequence[int], years: float) -> int:
    """Index of the sorted ``durations`` nearest ``years`` (ties: the shorter term)."""
    best = 0
    for i, m in enumerate(durations):
        if abs(float(m) - years) < abs(float(durations[best]) - years):
            best = i
    return best


def efficient_term_index(cost_us: NDArray[np.float64], cost_host: NDArray[np.float64]) -> int:
    """Index minimizing the joint cost ``cost_us + cost_host`` (ties: the shorter term; module docstring)."""
    total = np.asarray(cost_us, dtype=np.float64) + np.asarray(cost_host, dtype=np.float64)
    return int(np.argmin(total))  # argmin returns the first minimum: the shorter term


def legacy_indices(direction: str, nd: int) -> tuple[int, int]:
    """(opening index, target index) of the rule without term preferences: the ``short`` (``long``)
    end conceding to the middle, ``(nd - 1) // 2`` steps; ``none`` the middle throughout."""
    mid = (nd - 1) // 2
    if direction == "short":
        return 0, mid
    if direction == "long":
        return nd - 1, nd - 1 - mid
    return mid, mid


def acceptance_premium(cost: NDArray[np.float64], step: float) -> NDArray[np.int64]:
    r"""``pi[s, o]`` = :math:`\lceil (c(m_s) - c(m_o)) / \Delta \rceil` grid steps (module docstring)."""
    c = np.asarray(cost, dtype=np.float64)
    out = np.zeros((c.size, c.size), dtype=np.int64)
    for s in range(c.size):
        for o in range(c.size):
            out[s, o] = premium_steps(float(c[s]), float(c[o]), step)
    return out


@dataclass(frozen=True, slots=True)
class TermPlan:
    """Each side's term costs, opening and target indices into the sorted durations.

    ``cost`` is (2, nd) (row 0 the US, row 1 the host; won per year); ``start`` and ``target`` the
    (US, host) opening and target indices (module docstring).
    """

    cost: NDArray[np.float64]
    start: tuple[int, int]
    target: tuple[int, int]
    valued: bool

    def premium(self, step: float) -> NDArray[np.int64]:
        """(2, nd, nd) acceptance premiums in grid steps (:func:`acceptance_premium`)."""
        return np.stack([acceptance_premium(self.cost[0], step), acceptance_premium(self.cost[1], step)])


def _pref(scenario: Any, gov: str) -> Any:
    return getattr(scenario.strategies[gov], "term_preference", None)


def scenario_term_costs(scenario: Any, durations: Sequence[int]) -> NDArray[np.float64]:
    """(2, len(durations)) term costs of the proposer (row 0) and the host (row 1); 0 without a preference."""
    out = np.zeros((2, len(durations)), dtype=np.float64)
    for row, gov in enumerate((scenario.parties.proposer.id, scenario.parties.host.id)):
        tp = _pref(scenario, gov)
        if tp is not None:
            out[row] = term_cost_krw(float(tp.ideal_years), float(tp.weight_krw), durations)
    return out


def term_plan(scenario: Any, durations: Sequence[int]) -> TermPlan:
    """The engine's term rule for ``durations`` (sorted): costs, openings and targets (module docstring)."""
    durs = [int(m) for m in durations]
    nd = len(durs)
    govs = (scenario.parties.proposer.id, scenario.parties.host.id)
    prefs = [_pref(scenario, g) for g in govs]
    cost = scenario_term_costs(scenario, durs)
    legacy = [legacy_indices(scenario.strategies[g].duration_preference, nd) for g in govs]
    if all(p is None for p in prefs):
        return TermPlan(cost, (legacy[0][0], legacy[1][0]), (legacy[0][1], legacy[1][1]), False)
    target = efficient_term_index(cost[0], cost[1])
    start = tuple(legacy[i][0] if p is None else nearest_index(durs, float(p.ideal_years))
                  for i, p in enumerate(prefs))
    return TermPlan(cost, (start[0], start[1]), (target, target), True)


#: Per-draw term columns of :func:`draw_term_columns` (``<name>_us``, ``<name>_rok``).
TERM_COLUMNS: tuple[str, ...] = ("term_ideal", "term_weight", "term_start", "term_target")


def draw_term_columns(scenario: Any, durations: Sequence[int],
                      value: Callable[[str, float], NDArray[np.float64]], n: int) -> dict[str, NDArray[Any]]:
    """Per-draw term preferences and the indices they give (module docstring).

    ``value(path, default)`` returns a path's per-draw values (its ``[[uncertainty]]`` prior, else
    the default): ``strategies.<gov>.term_preference.ideal_years`` and ``.weight_krw`` may be
    drawn, so each draw has its own ideal terms, weights and with them its own opening and target
    terms.  A side without a term preference has weight 0 (no cost) and the opening term of its
    ``duration_preference``; with none on either side every draw keeps the rule without
    preferences (:func:`legacy_indices`).

    Raises
    ------
    SpecError
        A drawn ideal term outside 1-10 years or a negative weight (the field names the path), or
        a prior on the term preference of a side that has none.
    """
    durs = np.asarray([int(m) for m in durations], dtype=np.float64)
    nd = durs.size
    govs = (scenario.parties.proposer.id, scenario.parties.host.id)
    prefs = [_pref(scenario, g) for g in govs]
    out: dict[str, NDArray[Any]] = {}
    cost = []
    for key, gov, tp in zip(("us", "rok"), govs, prefs):
        pre = f"strategies.{gov}.term_preference."
        ideal = value(pre + "ideal_years", math.nan if tp is None else float(tp.ideal_years))
        weight = value(pre + "weight_krw", 0.0 if tp is None else float(tp.weight_krw))
        if tp is None:
            if not (np.all(np.isnan(ideal)) and np.all(weight == 0.0)):
                raise SpecError("a prior on a term preference the scenario does not set; give "
                                f"strategies.{gov}.term_preference", field=pre + "ideal_years")
            ideal = np.zeros(n)
        elif not np.all((ideal >= 1.0) & (ideal <= float(MAX_IDEAL_YEARS))):
            raise SpecError(f"drawn ideal terms must lie in 1..{MAX_IDEAL_YEARS} years", field=pre + "ideal_years")
        if not np.all(np.isfinite(weight) & (weight >= 0.0)):
            raise SpecError("drawn weights must be finite and >= 0 won", field=pre + "weight_krw")
        d = durs[None, :] - ideal[:, None]
        cost.append(weight[:, None] * (d * d))
        out[f"term_ideal_{key}"] = ideal.astype(np.float64)
        out[f"term_weight_{key}"] = weight.astype(np.float64)
    legacy = [legacy_indices(scenario.strategies[g].duration_preference, nd) for g in govs]
    if all(p is None for p in prefs):
        for i, key in enumerate(("us", "rok")):
            out[f"term_start_{key}"] = np.full(n, legacy[i][0], dtype=np.int64)
            out[f"term_target_{key}"] = np.full(n, legacy[i][1], dtype=np.int64)
        return out
    target = np.argmin(cost[0] + cost[1], axis=1).astype(np.int64)  # first minimum: the shorter term
    for i, (key, tp) in enumerate(zip(("us", "rok"), prefs)):
        if tp is None:
            start = np.full(n, legacy[i][0], dtype=np.int64)
        else:
            start = np.argmin(np.abs(durs[None, :] - out[f"term_ideal_{key}"][:, None]), axis=1).astype(np.int64)
        out[f"term_start_{key}"] = start
        out[f"term_target_{key}"] = target.copy()
    return out
