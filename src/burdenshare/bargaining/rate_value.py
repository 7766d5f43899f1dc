r"""The escalator rate as a bargained issue: each side's value of a schedule's profile.

One definition, read by the engine (:mod:`burdenshare.engine.plan`, the reference and the kernel
through :func:`rate_costs`), the rational benchmark (:mod:`burdenshare.solver.scenario`) and
``advise`` (:mod:`burdenshare.analysis.advise`), as :mod:`burdenshare.bargaining.term_value` is for
the term.

**The issue.**  With ``cost_model.escalator.rate_grid_pct`` (a ``fixed`` family with a cap), a text
is a term :math:`m`, an amount :math:`\bar A` on the grid (the schedule's level equivalent at the
scenario's rate :math:`r` = ``cost_model.discount_rate``, so consent, approval and the consent
tables indexed by (date, term, amount) are unchanged) and a yearly escalator rate :math:`g` from
the grid (each in :math:`[0, \bar g]`, the family's cap).  The opening amount is
:math:`A_1 = \bar A / f_m(g; r)` (:mod:`burdenshare.agreement`): a higher rate opens lower and
ends higher, for the same :math:`\bar A`.

**Each side's value.**  Government :math:`i` discounts the payments at its own yearly rate
:math:`r_i` (``strategies.<gov>.discount_rate``; unset: :math:`r`) and values the schedule at its
own level equivalent :math:`A_1 f_m(g; r_i) = \bar A\,\rho_i(m, g)` with
:math:`\rho_i = f_m(g; r_i) / f_m(g; r)`.  Written as a cost per won of :math:`\bar A` on the scale
of the term cost, the US (the payee) loses :math:`k_{US}(m, g) = 1 - \rho_{US}` and the host (the
payer) :math:`k_K(m, g) = \rho_K - 1`, so

.. math::

    U_{US} = \bar A - c_{US}(m) - \bar A\,k_{US}(m, g) - L, \qquad
    U_K = H - \bar A - c_K(m) - \bar A\,k_K(m, g),

with :math:`c_i` the term cost.  With :math:`r_i = r` both :math:`k_i` are 0 exactly (the same
operations on the same numbers): the rate is worth nothing to either side and the engine is
today's, bit for bit.  A side discounting more than :math:`r` prefers payments early (the US: a low
rate) or late (the host: a high rate).  Different time preferences are the classic source of gains from trading over a
payment profile (Fishburn & Rubinstein 1982 for time preference; Rubinstein 1982 for bargaining
with unequal discounting).

**The rate bargained toward.**  Utilities are quasi-linear in :math:`\bar A`, so for a term
:math:`m` every efficient text has the rate that minimises the joint cost per won,
:math:`g^*(m) = \arg\min_g k_{US}(m, g) + k_K(m, g) = \arg\min_g \rho_K - \rho_{US}` (ties: the
scenario's ``rate_pct``, then the lower rate).  :math:`f_m(g; \cdot)` is a weighted mean of the
growth path with weights that shift to later years as the discount rate falls, so
:math:`\rho_K - \rho_{US}` falls with :math:`g` when :math:`r_K > r_{US}` and rises when
:math:`r_K < r_{US}`: :math:`g^*` is a **corner**, the cap when the host discounts more and 0 when
the US does (a one-year term has no later year: every rate ties and the scenario's rate is kept).
Each side's own ideal :math:`\arg\min_g k_i(m, g)` is likewise a corner, or the scenario's rate
when it discounts at :math:`r`.

**Offers and acceptance.**  A time-based negotiator offers, at its current term offer :math:`m`,
the rate index moved :math:`1 - a(t)` of the way from its ideal to :math:`g^*(m)` (the same
:func:`~burdenshare.bargaining.rounds.duration_offer` as the term); obstinate and tit-for-tat types
keep their ideal.  It accepts a standing text :math:`(x_s, m_s, g_s)` when it is worth at least
its own current demand :math:`(x_a, m_o, g_o)` (:math:`x_a` its lowest accepted amount): the
premium in grid steps is :func:`~burdenshare.bargaining.term_value.premium_steps` of the costs
:math:`c_i(m_s) + x_s k_i(m_s, g_s)` and :math:`c_i(m_o) + x_a k_i(m_o, g_o)`.

**Per draw.**  ``[[uncertainty]]`` may draw ``strategies.<gov>.discount_rate`` and, where the
cap is bargained, ``strategies.<gov>.index_risk_aversion`` (:func:`draw_rate_columns`); the kernel
computes each draw's :math:`k_i`, ideals and :math:`g^*` once per draw (:func:`schedule_costs`).

**The general issue.**  :class:`RateGrid` is any bargained parameter of the schedule family: the
rate (``issue = "rate"``, a sure path) or the cap of an index-linked family (``issue = "cap"``,
:mod:`burdenshare.bargaining.index_cap`: ``weights`` the *expected* payments under the index
uncertainty, ``second`` their squared coefficients of variation).  :func:`schedule_costs` adds to :math:`\rho_i`
a mean-sd premium :math:`\lambda_i S_i / f_m(g; r)` (``strategies.<gov>.index_risk_aversion``;
:math:`S_i` the sd of the level equivalent per won of opening amount at :math:`r_i`, 0 on a sure
path), subtracted from the US's receipts and added to the host's payments; with :math:`\lambda_i = 0`
no sd is computed and the costs are :func:`rate_costs`', bit for bit.  :func:`escalator_grid` reads
whichever grid the scenario gives.

References
----------
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1), 97-109.
Fishburn, P. C. & Rubinstein, A. (1982). Time preference. *International Economic Review* 23(3), 677-694.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba.extending import register_jitable
from numpy.typing import NDArray

from burdenshare.agreement import AgreementSchedule, EscalatorRule, scenario_escalator
from burdenshare.errors import SpecError

__all__ = [
    "MAX_RATES",
    "RateGrid",
    "bargained",
    "check_discount_rate",
    "check_rate_grid",
    "draw_rate_columns",
    "escalator_grid",
    "grid_arrays",
    "level_moments",
    "rate_costs",
    "rate_grid",
    "scenario_rate_costs",
    "schedule_costs",
    "side_discount_rates",
    "side_risk_prices",
    "tie_indices",
]

#: Most points of ``cost_model.escalator.rate_grid_pct``.
MAX_RATES: int = 11


@dataclass(frozen=True, slots=True)
class RateGrid:
    """The bargained rates and the schedules they give (module docstring).

    ``rates_pct`` (G,) the grid; ``g0`` the index of the scenario's ``rate_pct``; ``weights``
    (D, G, Y) the payment of year ``y`` of term ``d`` per won of opening amount (0 beyond the term;
    Y the longest term); ``level`` (D, G) :math:`f_m(g; r)` at the scenario's rate (the same
    operations as :func:`burdenshare.agreement.level_factors`); ``years`` (D,) the terms;
    ``discount_rate`` :math:`r`.
    """

    rates_pct: NDArray[np.float64]
    g0: int
    weights: NDArray[np.float64]
    level: NDArray[np.float64]
    years: NDArray[np.int64]
    discount_rate: float
    #: Which parameter of the family is bargained: ``"rate"`` (``rate_grid_pct``; ``rates_pct`` are
    #: rates) or ``"cap"`` (``cap_grid_pct``; ``rates_pct`` are caps, :mod:`burdenshare.bargaining.index_cap`).
    issue: str = "rate"
    #: (D, G, Y) :math:`\operatorname{Var}(W_y) / E[W_y]^2`, the squared coefficient of variation of
    #: year ``y``'s payment per won of opening amount under the index uncertainty the sides price
    #: (``weights`` is :math:`E[W_y]`); None: a sure path (0 exactly).
    second: NDArray[np.float64] | None = None


def check_discount_rate(value: float, field: str) -> float:
    """A yearly discount rate in [0, 1), else :class:`SpecError` naming ``field``."""
    v = float(value)
    if not (math.isfinite(v) and 0.0 <= v < 1.0):
        raise SpecError(f"got {value!r}; allowed: a yearly rate in [0, 1)", field=field)
    return v


def check_rate_grid(kind: str, rate_pct: float, cap_pct: float | None,
                    rates: Sequence[float]) -> tuple[str, str] | None:
    """(field relative to ``cost_model.escalator``, message) of the first problem of a rate grid, or None.

    The grid needs a ``fixed`` family with a cap, 1..:data:`MAX_RATES` rates in [0, cap], strictly
    increasing, the family's ``rate_pct`` among them.
    """
    field = "rate_grid_pct"
    if kind != "fixed":
        return field, f"a bargained rate needs kind 'fixed'; got {kind!r}"
    if cap_pct is None:
        return field, "a bargained rate needs the family's cap; give cost_model.escalator.cap_pct"
    cap = float(cap_pct)
    if not 1 <= len(rates) <= MAX_RATES:
        return field, f"{len(rates)} rates; allowed: 1..{MAX_RATES}"
    for i, g in enumerate(rates):
        if not (math.isfinite(float(g)) and 0.0 <= float(g) <= cap):
            return f"{field}.{i}", f"{float(g):g} %; allowed: 0..{cap:g} % (cost_model.escalator.cap_pct)"
    if any(float(b) <= float(a) for a, b in zip(rates, rates[1:])):
        return field, "rates must be strictly increasing"
    if float(rate_pct) not in [float(g) for g in rates]:
        return field, f"the family's rate_pct {float(rate_pct):g} must be one of the rates"
    return None


def rate_grid(scenario: Any, durations: Sequence[int]) -> RateGrid | None:
    """The scenario's bargained rates (``cost_model.escalator.rate_grid_pct``), or None when the
    rate is not bargained (no grid, or a single rate).

    Raises
    ------
    SpecError
        A grid on a family other than ``fixed``, without a cap, a rate outside [0, cap], a grid not
        strictly increasing or that misses the family's ``rate_pct``.
    """
    esc = scenario.cost_model.escalator
    grid = getattr(esc, "rate_grid_pct", None)
    if grid is None:
        return None
    rates = [float(g) for g in grid]
    problem = check_rate_grid(esc.kind, float(esc.rate_pct), esc.cap_pct, rates)
    if problem is not None:
        raise SpecError(problem[1], field="cost_model.escalator." + problem[0])
    if len(rates) == 1:
        return None
    rule, jump, jump_pct = scenario_escalator(scenario)
    first = int(scenario.cost_model.base_year)
    r = float(scenario.cost_model.discount_rate)
    terms = [int(m) for m in durations]
    top = max(terms)
    w = np.zeros((len(terms), len(rates), top))
    level = np.zeros((len(terms), len(rates)))
    for d, m in enumerate(terms):
        jy = None if jump is None or jump > m else first + jump - 1
        for gi, g in enumerate(rates):
            sched = AgreementSchedule(first, m, 1.0, EscalatorRule("fixed", g, rule.cap_pct, rule.lag_years), jy,
                                      None if jy is None else jump_pct)
            w[d, gi, :m] = list(sched.amounts_by_year().values())
            level[d, gi] = sched.level_equivalent(r)
    return RateGrid(np.array(rates), rates.index(float(esc.rate_pct)), w, level,
                    np.array(terms, dtype=np.int64), r)


def side_discount_rates(scenario: Any) -> tuple[float, float]:
    """(proposer, host) yearly discount rates: ``strategies.<gov>.discount_rate``, else the scenario's."""
    r = float(scenario.cost_model.discount_rate)
    out = []
    for gov in (scenario.parties.proposer.id, scenario.parties.host.id):
        v = getattr(scenario.strategies[gov], "discount_rate", None)
        out.append(r if v is None else check_discount_rate(v, f"strategies.{gov}.discount_rate"))
    return out[0], out[1]


@register_jitable
def _level(w: NDArray[np.float64], d: int, g: int, m: int, rate: float) -> float:
    """:math:`\\sum_y w_y v^y / \\sum_y v^y` over the ``m`` years, :math:`v = 1/(1 + rate)`."""
    v = 1.0 / (1.0 + rate)
    disc = 1.0
    num = 0.0
    den = 0.0
    for y in range(m):
        num += w[d, g, y] * disc
        den += disc
        disc *= v
    return num / den


@register_jitable
def _level_sd(w: NDArray[np.float64], w2: NDArray[np.float64], d: int, g: int, m: int, rate: float) -> float:
    r"""Standard deviation of the level equivalent per won of opening amount at ``rate``: with
    independent yearly growth, :math:`\operatorname{Cov}(W_y, W_z) = \operatorname{Var}(W_y)\,E[W_z]/E[W_y]
    = E[W_y] E[W_z]\,\kappa_y` for :math:`y \le z`, :math:`\kappa_y` = ``w2`` the squared coefficient
    of variation (module docstring)."""
    v = 1.0 / (1.0 + rate)
    den = 0.0
    var = 0.0
    dy = 1.0
    for y in range(m):
        den += dy
        c = w[d, g, y] * w2[d, g, y]  # Var(W_y) / E[W_y]
        if c > 0.0:
            var += dy * dy * c * w[d, g, y]
            dz = dy * v
            for z in range(y + 1, m):
                var += 2.0 * dy * dz * c * w[d, g, z]
                dz *= v
        dy *= v
    return math.sqrt(var) / den


@register_jitable
def _argmin_rate(c0: NDArray[np.float64], c1: NDArray[np.float64], both: int, g0: int) -> int:
    """Index of the smallest ``c0`` (``both``: ``c0 + c1``); ties: ``g0`` if among them, else the lowest."""
    best = g0
    bv = c0[g0] + c1[g0] if both == 1 else c0[g0]
    for g in range(c0.shape[0]):
        v = c0[g] + c1[g] if both == 1 else c0[g]
        if v < bv:
            best = g
            bv = v
    return best


@register_jitable
def schedule_costs(w: NDArray[np.float64], w2: NDArray[np.float64], years: NDArray[np.int64], r: float,
                   r_us: float, r_rok: float, lam_us: float, lam_rok: float, g0: int,
                   rc: NDArray[np.float64], rgi: NDArray[np.int64]) -> None:
    r"""One draw's costs and indices of the bargained escalator parameter (module docstring), into
    scratch arrays.

    ``rc[0, d, g]`` = :math:`k_{US} = 1 - (E_{US} - \lambda_{US} S_{US}) / f`, ``rc[1, d, g]`` =
    :math:`k_K = (E_K + \lambda_K S_K) / f - 1` (per won of level equivalent; :math:`E_i`, :math:`S_i`
    the mean and sd of the level equivalent per won of opening amount at :math:`r_i`, ``w`` and ``w2``
    the payments' means and squared coefficients of variation, :math:`f` the mean at :math:`r`); ``rgi[0, d]`` /
    ``rgi[1, d]`` each side's ideal index and ``rgi[2, d]`` the efficient one for term index ``d``.
    Equal discount rates and no risk price give exactly 0 costs and every index ``g0``; a risk price
    of 0 computes no sd (the rate's operations, bit for bit).
    """
    nd = w.shape[0]
    ng = w.shape[1]
    for d in range(nd):
        m = years[d]
        for g in range(ng):
            f0 = _level(w, d, g, m, r)
            e_us = _level(w, d, g, m, r_us)
            if lam_us != 0.0:  # the payee's mean-sd premium: a spread of receipts is worth less
                e_us = e_us - lam_us * _level_sd(w, w2, d, g, m, r_us)
            rc[0, d, g] = 1.0 - e_us / f0
            e_k = _level(w, d, g, m, r_rok)
            if lam_rok != 0.0:  # the payer's: a spread of payments costs more
                e_k = e_k + lam_rok * _level_sd(w, w2, d, g, m, r_rok)
            rc[1, d, g] = e_k / f0 - 1.0
        rgi[0, d] = _argmin_rate(rc[0, d], rc[1, d], 0, g0)
        rgi[1, d] = _argmin_rate(rc[1, d], rc[0, d], 0, g0)
        rgi[2, d] = _argmin_rate(rc[0, d], rc[1, d], 1, g0)


@register_jitable
def rate_costs(w: NDArray[np.float64], years: NDArray[np.int64], r: float, r_us: float, r_rok: float, g0: int,
               rc: NDArray[np.float64], rgi: NDArray[np.int64]) -> None:
    r"""One draw's rate costs and rate indices of a sure schedule without risk prices
    (:func:`schedule_costs` with :math:`\lambda_i = 0`): ``rc[0]`` = :math:`1 - \rho_{US}`, ``rc[1]``
    = :math:`\rho_K - 1`, ``rgi`` the ideals and the efficient index.  Equal rates give exactly 0
    costs and every index ``g0``."""
    schedule_costs(w, w, years, r, r_us, r_rok, 0.0, 0.0, g0, rc, rgi)  # (the second array is not read)


def tie_indices(rc: NDArray[np.float64], g0: int) -> NDArray[np.int64]:
    """(D, G) the grid index a text at term ``d`` and index ``g`` carries under the engine's tie rule
    (:func:`_argmin_rate`, read by :func:`schedule_costs` for the sides' ideals and the efficient
    point): among the points worth exactly what ``g`` is worth to both sides (``rc[0, d]`` and
    ``rc[1, d]`` equal), ``g0`` if among them, else the lowest.  What ``solve`` reports where its
    game is indifferent between such points (a one-year term: every rate or cap ties, and the
    engine signs ``g0``)."""
    nd, ng = rc.shape[1], rc.shape[2]
    out = np.empty((nd, ng), dtype=np.int64)
    zero = np.zeros(ng)
    for d in range(nd):
        for g in range(ng):
            tied = (rc[0, d] == rc[0, d, g]) & (rc[1, d] == rc[1, d, g])
            out[d, g] = _argmin_rate(np.where(tied, 0.0, 1.0), zero, 0, g0)
    return out


def side_risk_prices(scenario: Any) -> tuple[float, float]:
    r"""(proposer, host) mean-sd risk prices :math:`\lambda_i` (``strategies.<gov>.index_risk_aversion``;
    unset: 0).

    Raises
    ------
    SpecError
        A price below 0 or not finite (the field names the government).
    """
    out = []
    for gov in (scenario.parties.proposer.id, scenario.parties.host.id):
        v = getattr(scenario.strategies[gov], "index_risk_aversion", None)
        lam = 0.0 if v is None else float(v)
        if not (math.isfinite(lam) and lam >= 0.0):
            raise SpecError(f"got {v!r}; allowed: a risk price >= 0", field=f"strategies.{gov}.index_risk_aversion")
        out.append(lam)
    return out[0], out[1]


def level_moments(grid: RateGrid, d: int, g: int, m: int, rate: float) -> tuple[float, float]:
    r"""(:math:`E`, :math:`S`): mean and sd of the level equivalent per won of opening amount of the
    first ``m`` years of the grid's term index ``d`` at grid index ``g``, discounted at ``rate`` (the
    :math:`E_i`, :math:`S_i` of :func:`schedule_costs`, the same functions on the same arrays).  What
    ``advise`` values a text with (:mod:`burdenshare.analysis.advise`)."""
    w, w2 = grid_arrays(grid)
    return float(_level(w, d, g, m, rate)), float(_level_sd(w, w2, d, g, m, rate))


def grid_arrays(grid: RateGrid) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The grid's (D, G, Y) means and squared coefficients of variation of the payments (zeros where
    the path is sure: every covariance is 0)."""
    w = np.ascontiguousarray(grid.weights, dtype=np.float64)
    return w, (np.zeros_like(w) if grid.second is None else np.ascontiguousarray(grid.second, dtype=np.float64))


def scenario_rate_costs(scenario: Any, grid: RateGrid, rates: tuple[float, float] | None = None,
                        risk: tuple[float, float] | None = None) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """(2, D, G) costs and (3, D) indices at the scenario's (or the given) discount rates and risk
    prices (:func:`schedule_costs`): what ``solve`` and ``advise`` read."""
    r_us, r_rok = side_discount_rates(scenario) if rates is None else rates
    lam_us, lam_rok = side_risk_prices(scenario) if risk is None else risk
    nd, ng = grid.level.shape
    rc = np.zeros((2, nd, ng))
    rgi = np.zeros((3, nd), dtype=np.int64)
    w, w2 = grid_arrays(grid)
    schedule_costs(w, w2, grid.years, grid.discount_rate, float(r_us), float(r_rok), float(lam_us), float(lam_rok),
                   grid.g0, rc, rgi)
    return rc, rgi


def escalator_grid(scenario: Any, durations: Sequence[int]) -> RateGrid | None:
    """The scenario's bargained escalator parameter: the rate grid (:func:`rate_grid`) or the cap
    grid of an index-linked family (:func:`burdenshare.bargaining.index_cap.cap_grid`); None when
    neither is bargained.  What the engine's plan, ``solve`` and ``advise`` read."""
    grid = rate_grid(scenario, durations)
    if grid is not None:
        return grid
    from burdenshare.bargaining.index_cap import cap_grid

    return cap_grid(scenario, durations)


def bargained(scenario: Any) -> bool:
    """Whether the scenario bargains an escalator parameter (a rate or cap grid of two or more points)."""
    esc = scenario.cost_model.escalator
    return any(g is not None and len(g) >= 2
               for g in (getattr(esc, "rate_grid_pct", None), getattr(esc, "cap_grid_pct", None)))


def draw_rate_columns(scenario: Any, value: Callable[[str, float], NDArray[np.float64]],
                      n: int) -> dict[str, NDArray[np.float64]]:
    """Per-draw discount rates ``disc_us``, ``disc_rok`` (``value(path, default)``: a path's draws
    or the default; ``strategies.<gov>.discount_rate``, default the scenario's rate) and mean-sd
    prices of the index risk ``risk_us``, ``risk_rok`` (``strategies.<gov>.index_risk_aversion``,
    default the side's price, 0 unset), or {} when no escalator parameter (rate or cap) is
    bargained.  The kernel computes a draw's costs (:func:`schedule_costs`) once, where its rates or
    prices differ from the previous draw's.

    Raises
    ------
    SpecError
        A drawn rate outside [0, 1) or a drawn risk price below 0 (the field names the path).
    """
    if not bargained(scenario):
        return {}
    out: dict[str, NDArray[np.float64]] = {}
    govs = (scenario.parties.proposer.id, scenario.parties.host.id)
    for key, gov, r in zip(("us", "rok"), govs, side_discount_rates(scenario)):
        path = f"strategies.{gov}.discount_rate"
        v = np.asarray(value(path, r), dtype=np.float64)
        if not np.all(np.isfinite(v) & (v >= 0.0) & (v < 1.0)):
            raise SpecError("drawn discount rates must lie in [0, 1)", field=path)
        out[f"disc_{key}"] = v
    for key, gov, lam in zip(("us", "rok"), govs, side_risk_prices(scenario)):
        path = f"strategies.{gov}.index_risk_aversion"
        v = np.asarray(value(path, lam), dtype=np.float64)
        if not np.all(np.isfinite(v) & (v >= 0.0)):
            raise SpecError("drawn risk prices must be >= 0", field=path)
        out[f"risk_{key}"] = v
    return out
