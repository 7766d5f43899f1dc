r"""Advice: the agreement that maximizes one side's expected utility subject to a consent floor.

Mathematics
-----------
An agreement is a first-year amount :math:`x` (won per year, the ``agreement_space`` grid), a
duration :math:`m` (``levers.allowed_durations``) and an escalator :math:`e`
(``agreement_space.escalators``).  Over a planning horizon of :math:`H` years (DESIGN.md §4,
THEORY.md §16; default 6 as in the engine) with the scenario's discount rate :math:`r`
(``cost_model.discount_rate``) and an expected yearly growth :math:`g_e` under escalator :math:`e`:

.. math::

    A_{m,e} = \sum_{t=0}^{H-1} (1 + g_e)^{t \bmod m} (1 + r)^{-t}, \qquad
    A_0 = \sum_{t=0}^{H-1} (1 + r)^{-t},

so :math:`x A_{m,e}` is the present value of the payments: the text's schedule (opening
:math:`x`, growing at :math:`g_e` through its term), renewed on the same terms until :math:`H`,
each renewal opening at :math:`x` again, so that every renewal is the same text the Assembly
consents to with the same :math:`P` (an assumption; :func:`renewal_annuity`).  With
:math:`m \ge H` it is :math:`A_e = \sum_t ((1 + g_e)/(1 + r))^t`
(:func:`burdenshare.costs.payment_schedule` and :func:`~burdenshare.costs.present_value` give
the same numbers; ``UtilityTerms.annuity``); a one-year text's escalator does not act.
:math:`\bar r_s A_0` is the present value of :math:`\bar r_s A_0` that of the side's expected reservation
value :math:`\bar r_s` (the mean of its ``[[uncertainty]]`` prior, else the nominal
``strategies.<gov>.reservation_value_krw``), held flat.  With :math:`P = P(\text{consent} \mid x f_{m,e},
m, \text{date})` (:mod:`burdenshare.legislature`), the consent probability of the schedule at its
level equivalent :math:`x f_{m,e}` (the constant yearly amount with the same present value over the
term :math:`m` when it grows at :math:`g_e`; :func:`level_factor`, :mod:`burdenshare.agreement`; the
engine's valuation; at the floor vote's noise scale :math:`\kappa` a run reads,
:math:`C_\kappa = \Phi(\Phi^{-1}(C)/\kappa)`, ``legislature.vote_noise_scale`` through
:func:`burdenshare.engine.floor_vote.vote_noise_scale`),
:math:`R = \lceil H/m \rceil - 1` renewals, each of which lapses when its own consent vote fails
(probability :math:`1 - P`), a lapse cost :math:`L_s` and a duration preference :math:`\pi_s(m)`:

.. math::

    U_{US} = P\,\bigl[x A_{m,e} - \bar r_{US} A_0 + \pi_{US}(m) - R (1 - P) L_{US}\bigr] - (1 - P)\,L_{US},

    U_{host} = P\,\bigl[\bar r_{host} A_0 - x A_{m,e} + \pi_{host}(m) - R (1 - P) L_{host}\bigr] - (1 - P)\,L_{host},

i.e. the surplus over the reservation value if the Assembly consents and the no-agreement value
:math:`-L_s` (a lapse) if it does not.  :math:`P` includes the host executive's own approval
(DESIGN.md §4; :func:`burdenshare.actors.executive_approval`): it is 0 above the executive's
ceiling :math:`M_E = \exp((1 - w_E)\ln \bar r_{host} + w_E \ln m_{base}(\text{date}))`, which
mixes the host's expected reservation value and its base's median willingness to pay (with
``parties.host_executive.opinion_weight`` = 0 it is the Assembly's consent alone).  Definitions (each an **assumption** where the record is
silent):

* :math:`L_s` = ``protocol.overtime.per_round_cost_krw[s]`` × ``lapse_rounds`` (default 12: a
  year of monthly sessions; the 2020 lapse ran 15 months);
* :math:`\pi_s(m) = -E[c_s(m)]\,A_0` with the side's term cost :math:`c_s(m) = w_s (m - T_s)^2` won per
  year of ``strategies.<gov>.term_preference`` (the engine's and the solver's definition,
  :mod:`burdenshare.bargaining.term_value`), held over the horizon; its expectation over the priors
  of ``[[uncertainty]]`` (independent draws) is :math:`E[w_s]\,((m - E[T_s])^2 + \mathrm{Var}[T_s])`,
  as :math:`\bar r_s` is the prior mean (utilities are linear in :math:`w_s`); a side without a term
  preference: :math:`\pi_s(m) = \sigma_s\, w\, (m - m_{min}) / (m_{max} - m_{min})` with
  :math:`\sigma_s = +1` for ``duration_preference = "long"``, :math:`-1` for ``"short"``, 0 for
  ``"none"``, and :math:`w` = ``duration_weight_krw`` (default 5 % of the current agreement a year);
* :math:`g_e`: ``none`` 0; ``fixed`` the scenario's ``cost_model.escalator.rate_pct`` when its kind
  is ``fixed``, else 4 % (the cap of the 8th and 9th SMAs); ``cpi`` and ``defense_budget`` the mean
  ROK CPI inflation / defense-budget growth of the five data years before ``cost_model.base_year``
  (information available at ``as_of``), each capped by ``cost_model.escalator.cap_pct`` if set.
  These plain labels are the alternatives a side may weigh (a family the run does not bargain,
  with no path or spread of its own in the scenario), a documented simplification; a bargained
  rate or cap is the engine's text and is valued as the engine values it (below), never so.

**A bargained rate or cap: the engine's valuation.**  Where the scenario bargains the escalator
rate (``cost_model.escalator.rate_grid_pct``) or the cap of an index-linked family
(``cost_model.escalator.cap_grid_pct``), its labels read the engine's grid
(:func:`burdenshare.bargaining.rate_value.escalator_grid` over ``levers.allowed_durations``, the
one the run's plan and ``solve`` read): the payment of year :math:`y` per won of opening amount is
the expected schedule's :math:`E[W_y]` (the family's jump, lag and the central index path with its
stated sd, :mod:`burdenshare.bargaining.index_cap`), :math:`f_{m,e}` is the grid's level factor,
and a renewal of :math:`n` years starting in year :math:`s` is worth :math:`v^s E_n a_n` with sd
:math:`v^s S_n a_n` (:math:`E`, :math:`S` the engine's mean and sd of the level equivalent at the
side's rate, :func:`burdenshare.bargaining.rate_value.level_moments`, the functions
:func:`~burdenshare.bargaining.rate_value.schedule_costs` calls; :math:`a_n = \sum_{j<n} v^j`;
renewals independent, so variances add).  With one term within the horizon the side's value per
won of level equivalent is :math:`1 - k_{US}` or :math:`1 + k_K`, the engine's and ``solve``'s
cost of that text (tested to 1e-12).

**A bargained escalator rate** (``cost_model.escalator.rate_grid_pct``;
:mod:`burdenshare.bargaining.rate_value`, the engine's definition): the ``fixed`` escalator is
offered at each rate of the grid (labels ``fixed:<rate>``, :math:`g_e` the rate), and each side discounts the payments
(:math:`A_{m,e}`, :math:`A_0`) at its own ``strategies.<gov>.discount_rate``
(:math:`r_s`; unset: :math:`r`), the counterpart's individual rationality at the counterpart's
rate; consent still reads the level equivalent at :math:`r`.  With equal rates nothing changes.

**A bargained cap** (``cost_model.escalator.cap_grid_pct``; :mod:`burdenshare.bargaining.index_cap`):
the family's index escalator is offered at each cap of the grid (labels ``<kind>:cap<cap>``), its
schedule the engine's expected one (above; :math:`g_e`, reported only, is its mean yearly growth
over the longest term).  A side with a risk price :math:`\lambda_s` (``strategies.<gov>.index_risk_aversion``)
values the payments at :math:`x\,(A_{m,e} \mp \lambda_s S_{m,e})` (:func:`renewal_sd`: the sd of
the renewed schedule's present value per won of opening amount; minus for the US, which is paid,
plus for the host, which pays), in its utility and in the counterpart's individual rationality at
the counterpart's price.  Without a price nothing changes.

**Problem.**  Maximize :math:`U_s` over the grid subject to :math:`P \ge P_{min}` and, with
``respect_counterpart`` (default), the other side's individual rationality at its expected
reservation value (US advice: :math:`x A_{m,e} \le \bar r_{host} A_0`; host advice:
:math:`x A_{m,e} \ge \bar r_{US} A_0`): an agreement the other side would never sign is no advice.
Ties go to the first agreement in the order (duration ascending, escalator in file order, amount
ascending).  If nothing is feasible the advice has ``null`` terms and a message.

**Search.**  Consent probabilities are computed once per duration and escalator, vectorized over the
whole amount grid at its level equivalents (one :class:`~burdenshare.legislature.model.LegislatureModel` at the date); utilities are a
broadcast over (duration, escalator, amount).

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games. *IO* 42(3).
Fearon, J. D. (1998). Bargaining, enforcement, and international cooperation. *IO* 52(2).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from burdenshare import data
from burdenshare.actors import executive_approval
from burdenshare.agreement import AgreementSchedule, EscalatorRule
from burdenshare.bargaining.rate_value import (
    RateGrid,
    escalator_grid,
    level_moments,
    side_discount_rates,
    side_risk_prices,
)
from burdenshare.bargaining.term_value import term_cost_krw
from burdenshare.costs import to_usd
from burdenshare.errors import DataError, SpecError
from burdenshare.legislature.from_scenario import legislature_model
from burdenshare.legislature.seats import as_date
from burdenshare.scenario.vintage import reads_as_of

__all__ = [
    "DEFAULT_FIXED_PCT",
    "Advice",
    "AgreementGrid",
    "Side",
    "UtilityTerms",
    "advise",
    "agreement_grid",
    "counterpart_accepts",
    "duration_value",
    "host_executive_signs",
    "level_factor",
    "renewal_annuity",
    "escalator_growth_pct",
    "expected_utility",
    "renewal_sd",
    "utility_terms",
]

Side = Literal["us", "host"]
ConsentFn = Callable[[NDArray[np.float64], dt.date, int], NDArray[np.float64]]

#: Yearly growth of a ``fixed`` escalator when the scenario sets none (the 8th/9th SMA cap, 4 %).
DEFAULT_FIXED_PCT: float = 4.0
_INDEX_YEARS: int = 5


def _check_side(side: str) -> Side:
    if side not in ("us", "host"):
        raise SpecError(f"got {side!r}; allowed: us, host", field="side")
    return side  # type: ignore[return-value]


def _check_p(p: float) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not (0.0 <= float(p) <= 1.0):
        raise SpecError(f"got {p!r}; allowed: a probability in [0, 1]", field="min_consent")
    return float(p)


@reads_as_of
def escalator_growth_pct(scenario: Any, kind: str) -> float:
    """Expected yearly growth (percent) of escalator ``kind`` (module docstring, :math:`g_e`).

    Raises
    ------
    DataError
        If an index kind has no data year before ``cost_model.base_year``.
    """
    esc = scenario.cost_model.escalator
    cap = esc.cap_pct
    if kind == "none":
        return 0.0
    if ":cap" in kind:  # a cap of the bargained grid (advised_escalators): the engine's expected schedule
        grid = escalator_grid(scenario, sorted(int(m) for m in scenario.levers.allowed_durations))
        if grid is None or grid.issue != "cap":
            raise SpecError(f"{kind!r} names a cap, but the scenario bargains none; give "
                            "cost_model.escalator.cap_grid_pct", field="agreement_space.escalators")
        return _expected_growth_pct(grid, _grid_index(grid, kind))
    if kind.startswith("fixed:"):  # a rate of the bargained grid (advised_escalators)
        g = float(kind.split(":", 1)[1])
    elif kind == "fixed":
        g = float(esc.rate_pct) if esc.kind == "fixed" else DEFAULT_FIXED_PCT
    else:
        g = _index_mean(scenario, kind)
    return g if cap is None else min(g, float(cap))


def _index_mean(scenario: Any, kind: str) -> float:
    """Mean growth (percent) of index ``kind`` over the data years before ``cost_model.base_year``."""
    fn = data.cpi_inflation_pct if kind == "cpi" else data.defense_budget_growth_pct
    vals = []
    base = int(scenario.cost_model.base_year)
    for year in range(base - _INDEX_YEARS, base):
        try:
            vals.append(float(fn(year)))
        except DataError:
            continue
    if not vals:
        raise DataError(f"no {kind} data in the {_INDEX_YEARS} years before {base}", field="agreement_space.escalators")
    return sum(vals) / len(vals)


def _grid_index(grid: RateGrid, label: str) -> int:
    """The grid column of a bargained label ``fixed:<rate>`` or ``<kind>:cap<cap>``."""
    value = float(label.partition(":cap")[2] if ":cap" in label else label.split(":", 1)[1])
    return [float(v) for v in grid.rates_pct].index(value)


def _expected_growth_pct(grid: RateGrid, g: int) -> float:
    r"""The mean yearly growth (percent) of the expected schedule at grid column ``g`` over the
    longest term, :math:`100\,(E[W_{M-1}]^{1/(M-1)} - 1)` (0 for one year): a summary for the
    report (``escalator_growth_pct``); the valuation reads the schedule year by year."""
    d = int(np.argmax(grid.years))
    top = int(grid.years[d])
    return 0.0 if top < 2 else 100.0 * (float(grid.weights[d, g, top - 1]) ** (1.0 / (top - 1)) - 1.0)


def _prior_moments(dist: Any) -> tuple[float, float]:
    """Mean and variance of one ``[[uncertainty]]`` distribution."""
    from scipy import stats

    if dist.dist == "uniform":
        return 0.5 * (dist.low + dist.high), (dist.high - dist.low) ** 2 / 12.0
    if dist.dist == "normal":
        return float(dist.mean), float(dist.sd) ** 2
    if dist.dist == "truncnorm":
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        m, v = stats.truncnorm.stats(a, b, loc=dist.mean, scale=dist.sd, moments="mv")
        return float(m), float(v)
    if dist.dist == "beta":
        w, ab = dist.high - dist.low, dist.a + dist.b
        return dist.low + w * dist.a / ab, w * w * dist.a * dist.b / (ab * ab * (ab + 1.0))
    if dist.dist == "triangular":
        lo, mo, hi = dist.low, dist.mode, dist.high
        return (lo + mo + hi) / 3.0, (lo * lo + mo * mo + hi * hi - lo * mo - lo * hi - mo * hi) / 18.0
    if dist.dist == "lognormal":
        s2 = dist.sigma ** 2
        return math.exp(dist.mu + s2 / 2.0), (math.exp(s2) - 1.0) * math.exp(2.0 * dist.mu + s2)
    return float(dist.p), float(dist.p) * (1.0 - float(dist.p))  # bernoulli


def _term_moments(scenario: Any, gov: str, tp: Any) -> tuple[float, float, float]:
    """(E[ideal], E[weight], Var[ideal]) of ``strategies.<gov>.term_preference`` over its priors
    (the nominal values and variance 0 where none is drawn)."""
    pre = f"strategies.{gov}.term_preference."
    ideal, var = float(tp.ideal_years), 0.0
    weight = float(tp.weight_krw)
    for d in scenario.uncertainty:
        if d.param == pre + "ideal_years":
            ideal, var = _prior_moments(d)
        elif d.param == pre + "weight_krw":
            weight = _prior_moments(d)[0]
    return ideal, weight, var


def _mean_reservation(scenario: Any, gov: str) -> float:
    from scipy import stats

    path = f"strategies.{gov}.reservation_value_krw"
    for d in scenario.uncertainty:
        if d.param != path:
            continue
        if d.dist == "uniform":
            return 0.5 * (d.low + d.high)
        if d.dist == "normal":
            return float(d.mean)
        if d.dist == "truncnorm":
            a, b = (d.low - d.mean) / d.sd, (d.high - d.mean) / d.sd
            return float(stats.truncnorm.mean(a, b, loc=d.mean, scale=d.sd))
        if d.dist == "beta":
            return d.low + (d.high - d.low) * d.a / (d.a + d.b)
        if d.dist == "triangular":
            return (d.low + d.mode + d.high) / 3.0
        if d.dist == "lognormal":
            return math.exp(d.mu + d.sigma**2 / 2.0)
        if d.dist == "bernoulli":
            return float(d.p)
    return float(scenario.strategies[gov].reservation_value_krw)


@dataclass(frozen=True, slots=True)
class UtilityTerms:
    """The scenario's numbers that enter :math:`U_s` (module docstring)."""

    side: Side
    horizon_years: int
    discount_rate: float
    annuity_flat: float
    annuity: Mapping[str, float]
    growth_pct: Mapping[str, float]
    reservation_own_krw: float
    reservation_other_krw: float
    lapse_cost_krw: float
    duration_sign: int
    duration_weight_krw: float
    duration_min: int
    duration_max: int
    #: The side's ``term_preference`` over its priors: (mean ideal years, mean weight in won per year
    #: per squared year, variance of the ideal), or None.
    term_preference: tuple[float, float, float] | None = None
    #: The side's and the counterpart's own yearly discount rates of the payments
    #: (:mod:`burdenshare.bargaining.rate_value`; None: ``discount_rate``).
    own_discount_rate: float | None = None
    other_discount_rate: float | None = None
    #: The side's and the counterpart's mean-sd prices of the index risk
    #: (``strategies.<gov>.index_risk_aversion``; :mod:`burdenshare.bargaining.index_cap`).
    own_risk_price: float = 0.0
    other_risk_price: float = 0.0
    #: The engine's bargained rates or caps (:func:`burdenshare.bargaining.rate_value.escalator_grid`
    #: over ``levers.allowed_durations``: the expected schedule's payments and their spread), and the
    #: grid column of each bargained label (``fixed:<rate>``, ``<kind>:cap<cap>``); None / {} without.
    grid: RateGrid | None = None
    grid_labels: Mapping[str, int] = field(default_factory=dict)

    def rate_of(self, whose: str = "own") -> float:
        """The yearly rate at which ``"own"`` side or the ``"other"`` discounts the payments."""
        v = self.own_discount_rate if whose == "own" else self.other_discount_rate
        return self.discount_rate if v is None else v


@reads_as_of
def utility_terms(
    scenario: Any,
    side: str,
    *,
    planning_horizon_years: int | None = None,
    lapse_rounds: int = 12,
    duration_weight_krw: float | None = None,
    escalator_growth: Mapping[str, float] | None = None,
) -> UtilityTerms:
    """Collect :math:`H, r, A_0, A_e, g_e, \\bar r_s, L_s, \\sigma_s, w` for ``side``.

    Raises
    ------
    SpecError
        Unknown side, a horizon < 1 or negative lapse rounds.
    """
    s = _check_side(side)
    if planning_horizon_years is None:  # the scenario's own (protocol.planning_horizon_years)
        planning_horizon_years = int(scenario.protocol.planning_horizon_years)
    if planning_horizon_years < 1:
        raise SpecError("must be >= 1", field="planning_horizon_years")
    if lapse_rounds < 0:
        raise SpecError("must be >= 0", field="lapse_rounds")
    us, host = scenario.parties.proposer.id, scenario.parties.host.id
    own, other = (us, host) if s == "us" else (host, us)
    r = float(scenario.cost_model.discount_rate)
    h = int(planning_horizon_years)
    escs = advised_escalators(scenario)
    durs = sorted(scenario.levers.allowed_durations)
    grid = escalator_grid(scenario, durs) if len(escs) > len(scenario.agreement_space.escalators) else None
    labels = {} if grid is None else {k: _grid_index(grid, k) for k in escs if k.startswith("fixed:") or ":cap" in k}
    for k in escalator_growth or {}:
        if k in labels:
            raise SpecError(f"{k!r} is a bargained rate or cap, valued from the engine's expected schedule; its "
                            "growth cannot be set", field="escalator_growth")
    growth = {k: (float(escalator_growth[k]) if escalator_growth and k in escalator_growth
                  else float(grid.rates_pct[labels[k]]) if k in labels and grid is not None and grid.issue == "rate"
                  else _expected_growth_pct(grid, labels[k]) if k in labels and grid is not None
                  else escalator_growth_pct(scenario, k)) for k in escs}
    # the sides' own rates, read where the rate is bargained (bargaining.rate_value), as the engine does
    rates = dict(zip((us, host), side_discount_rates(scenario) if grid is not None else (r, r)))
    risk = dict(zip((us, host), side_risk_prices(scenario)))
    r_own = None if rates[own] == r else rates[own]  # None: the scenario's rate, today's arithmetic
    r_other = None if rates[other] == r else rates[other]
    ro = r if r_own is None else r_own
    ann = {k: math.fsum(((1.0 + g / 100.0) / (1.0 + ro)) ** t for t in range(h)) for k, g in growth.items()
           if k not in labels}  # (a bargained label's schedule is the grid's: renewal_annuity)
    a0 = math.fsum((1.0 + ro) ** -t for t in range(h))
    pref = scenario.strategies[own].duration_preference
    tp = scenario.strategies[own].term_preference
    w = 0.05 * float(scenario.cost_model.current_agreement_krw) if duration_weight_krw is None else float(duration_weight_krw)
    return UtilityTerms(
        side=s, horizon_years=h, discount_rate=r, annuity_flat=a0, annuity=ann, growth_pct=growth,
        reservation_own_krw=_mean_reservation(scenario, own), reservation_other_krw=_mean_reservation(scenario, other),
        lapse_cost_krw=float(scenario.protocol.overtime.per_round_cost_krw.get(own, 0.0)) * int(lapse_rounds),
        duration_sign={"long": 1, "short": -1}.get(pref, 0), duration_weight_krw=w,
        duration_min=durs[0], duration_max=durs[-1],
        term_preference=None if tp is None else _term_moments(scenario, own, tp),
        own_discount_rate=r_own, other_discount_rate=r_other,
        own_risk_price=risk[own], other_risk_price=risk[other], grid=grid, grid_labels=labels,
    )


def advised_escalators(scenario: Any) -> tuple[str, ...]:
    """The escalators ``advise`` weighs: ``agreement_space.escalators``, the ``fixed`` one as
    ``fixed:<rate>`` for each rate of a bargained grid (``cost_model.escalator.rate_grid_pct``), the
    family's index kind as ``<kind>:cap<cap>`` for each cap of a bargained cap grid
    (``cost_model.escalator.cap_grid_pct``)."""
    esc = scenario.cost_model.escalator
    grid = getattr(esc, "rate_grid_pct", None)
    caps = getattr(esc, "cap_grid_pct", None)
    out: list[str] = []
    for k in scenario.agreement_space.escalators:
        if k == "fixed" and grid is not None and len(grid) > 1 and esc.kind == "fixed":
            out += [f"fixed:{float(g):g}" for g in grid]
        elif k == esc.kind and caps is not None and len(caps) > 1:
            out += [f"{k}:cap{float(c):g}" for c in caps]
        else:
            out.append(k)
    return tuple(out)


def duration_value(terms: UtilityTerms, durations: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`\pi_s(m)` for each term (module docstring): minus the term cost held over the horizon,
    or the ``duration_preference`` tilt for a side without a term preference."""
    m = np.asarray(durations, dtype=float)
    if terms.term_preference is not None:
        ideal, weight, var = terms.term_preference
        return -(term_cost_krw(ideal, weight, m.tolist()) + weight * var) * terms.annuity_flat
    span = terms.duration_max - terms.duration_min
    if span == 0:
        return np.zeros_like(m)
    return terms.duration_sign * terms.duration_weight_krw * (m - terms.duration_min) / span


def _grid_point(terms: UtilityTerms, duration_years: int, escalator: str) -> tuple[RateGrid, int, int] | None:
    """(grid, term index, grid column) of a bargained label, or None for any other."""
    g = terms.grid_labels.get(escalator)
    if g is None or terms.grid is None:
        return None
    return terms.grid, [int(y) for y in terms.grid.years].index(int(duration_years)), g


def _renewal_blocks(terms: UtilityTerms, duration_years: int, escalator: str,
                    whose: str) -> list[tuple[float, float, float]]:
    r"""Per renewal of a bargained label within the horizon: (:math:`v^s`, mean, sd) of the present
    value at its start per won of opening amount, :math:`s` its first year, over its :math:`n`
    years: :math:`(E, S)\,a_n` with :math:`E`, :math:`S` the engine's mean and sd of the level
    equivalent (:func:`burdenshare.bargaining.rate_value.level_moments`) and :math:`a_n = \sum_{j<n} v^j`."""
    pt = _grid_point(terms, duration_years, escalator)
    assert pt is not None
    grid, d, g = pt
    m, r = int(duration_years), terms.rate_of(whose)
    out = []
    for start in range(0, terms.horizon_years, m):
        n = min(m, terms.horizon_years - start)
        mean, sd = level_moments(grid, d, g, n, r)
        a_n = math.fsum((1.0 + r) ** -j for j in range(n))
        out.append(((1.0 + r) ** -start, mean * a_n, sd * a_n))
    return out


def renewal_annuity(terms: UtilityTerms, duration_years: int, escalator: str, whose: str = "own") -> float:
    r""":math:`A_{m,e} = \sum_{t<H} (1 + g_e)^{t \bmod m} (1 + r_s)^{-t}` (module docstring): the present
    value over the horizon per won of opening amount of a text of ``duration_years`` renewed on the
    same terms, at the ``"own"`` side's or the ``"other"``'s discount rate.  A bargained rate or cap
    (``fixed:<rate>``, ``<kind>:cap<cap>``) reads the engine's expected schedule year by year instead
    of :math:`(1 + g_e)^t`: :math:`\sum_s v^s E_n a_n` over the renewals (:func:`_renewal_blocks`)."""
    if _grid_point(terms, duration_years, escalator) is not None:
        return math.fsum(vs * mean for vs, mean, _ in _renewal_blocks(terms, duration_years, escalator, whose))
    g = float(terms.growth_pct.get(escalator, 0.0)) / 100.0
    m, r = int(duration_years), terms.rate_of(whose)
    return math.fsum((1.0 + g) ** (t % m) * (1.0 + r) ** -t for t in range(terms.horizon_years))


def renewal_sd(terms: UtilityTerms, duration_years: int, escalator: str, whose: str = "own") -> float:
    r"""Standard deviation of :math:`\sum_{t<H} W_t (1 + r_s)^{-t}` per won of opening amount for a
    bargained label (0 for any other, and for a rate: a sure path): :math:`W_t` the payment of year
    :math:`t \bmod m` of its term, the engine's expected schedule and its spread
    (:mod:`burdenshare.bargaining.index_cap`).  Growth is independent across years, so renewals are
    independent: :math:`\sqrt{\sum_s v^{2s} (S_n a_n)^2}` (:func:`_renewal_blocks`); with one term
    within the horizon it is the engine's :math:`S_i a_m`."""
    if _grid_point(terms, duration_years, escalator) is None:
        return 0.0
    var = math.fsum((vs * sd) ** 2 for vs, _, sd in _renewal_blocks(terms, duration_years, escalator, whose))
    return math.sqrt(var)


def _risk_premium(terms: UtilityTerms, duration_years: int, escalator: str, whose: str) -> float:
    r""":math:`\lambda\,\mathrm{sd}` per won of opening amount of ``whose`` side (0 without a price)."""
    lam = terms.own_risk_price if whose == "own" else terms.other_risk_price
    return 0.0 if lam == 0.0 else lam * renewal_sd(terms, duration_years, escalator, whose)


def level_factor(terms: UtilityTerms, duration_years: int, escalator: str) -> float:
    r""":math:`f_{m,e}`: the level equivalent per won of first-year amount of a term of :math:`m`
    years growing at :math:`g_e` (:class:`burdenshare.agreement.AgreementSchedule`), at the
    scenario's discount rate; 1 for ``none``; for a bargained rate or cap the engine's
    (``RateGrid.level``, the expected schedule's)."""
    pt = _grid_point(terms, duration_years, escalator)
    if pt is not None:
        grid, d, gi = pt
        return float(grid.level[d, gi])
    g = float(terms.growth_pct.get(escalator, 0.0))
    rule = EscalatorRule("fixed", g) if g != 0.0 else EscalatorRule("none")
    return AgreementSchedule(2000, int(duration_years), 1.0, rule).level_equivalent(terms.discount_rate)


def expected_utility(terms: UtilityTerms, amount_krw: float, duration_years: int, escalator: str, p_consent: float) -> float:
    """:math:`U_s` of one agreement (module docstring), a plain scalar formula.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> t = utility_terms(load_scenario("sma-2020-hindsight"), "us")
    >>> expected_utility(t, 1.2e12, 1, "none", 0.0) == -t.lapse_cost_krw
    True
    """
    p = float(p_consent)
    m = int(duration_years)
    pv = amount_krw * renewal_annuity(terms, m, escalator)
    res = terms.reservation_own_krw * terms.annuity_flat
    surplus = pv - res if terms.side == "us" else res - pv
    prem = _risk_premium(terms, m, escalator, "own")
    if prem != 0.0:  # the mean-sd price of the index risk (bargaining.index_cap)
        surplus -= amount_krw * prem
    pref = float(duration_value(terms, np.array([m], dtype=float))[0])
    renewals = math.ceil(terms.horizon_years / m) - 1
    lapse = terms.lapse_cost_krw
    return p * (surplus + pref - renewals * (1.0 - p) * lapse) - (1.0 - p) * lapse


def counterpart_accepts(terms: UtilityTerms, amount_krw: float, escalator: str, duration_years: int) -> bool:
    """The other side's individual rationality at its expected reservation value (module docstring)."""
    pv = amount_krw * renewal_annuity(terms, duration_years, escalator, "other")
    prem = _risk_premium(terms, duration_years, escalator, "other")
    if prem != 0.0:  # the counterpart's price of the index risk: the US values receipts less, the host payments more
        pv = pv - amount_krw * prem if terms.side == "host" else pv + amount_krw * prem
    other = terms.reservation_other_krw * _annuity_other(terms)
    return pv <= other if terms.side == "us" else pv >= other


def _annuity_other(terms: UtilityTerms) -> float:
    """:math:`A_0` at the counterpart's rate (``annuity_flat`` where it is the side's own)."""
    if terms.rate_of("other") == terms.rate_of("own"):
        return terms.annuity_flat
    return math.fsum((1.0 + terms.rate_of("other")) ** -t for t in range(terms.horizon_years))


@dataclass(frozen=True, slots=True)
class AgreementGrid:
    r"""Every agreement of the grid with its consent probability and the side's expected utility.

    Attributes
    ----------
    amounts_krw, durations, escalators
        The grid axes (durations ascending, escalators in file order, amounts ascending).
    p_consent
        (D, E, A) consent probability at the date of the schedule each agreement starts: the
        Assembly and the host executive judge it at its level equivalent
        :math:`x\,f_{m,e}` (module docstring), the engine's valuation (:mod:`burdenshare.agreement`).
    utility
        (D, E, A) expected utility :math:`U_s`.
    counterpart_ok
        (D, E, A) the other side's individual rationality.
    terms
        The :class:`UtilityTerms` used.
    date
        The vote date.
    vote_noise_scale
        The floor vote's noise scale :math:`\kappa` of ``p_consent`` (1 with a ``consent`` curve).
    """

    amounts_krw: NDArray[np.float64]
    durations: tuple[int, ...]
    escalators: tuple[str, ...]
    p_consent: NDArray[np.float64]
    utility: NDArray[np.float64]
    counterpart_ok: NDArray[np.bool_]
    terms: UtilityTerms
    date: dt.date
    vote_noise_scale: float = 1.0


@reads_as_of
def host_executive_signs(scenario: Any, terms: UtilityTerms, day: dt.date, amounts_krw: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""(A,) 0/1: whether the host executive signs each amount at ``day`` (module docstring).

    The executive's own ceiling :math:`M_E = \exp((1 - w_E)\ln \bar r_{host} + w_E \ln m_{base})`
    (:func:`burdenshare.actors.executive_approval`) at the host's expected reservation value,
    the one its individual rationality uses.
    """
    host_r = terms.reservation_own_krw if terms.side == "host" else terms.reservation_other_krw
    return executive_approval(scenario, [day], np.asarray(amounts_krw, dtype=float), host_r)[0]


def _default_date(scenario: Any) -> dt.date:
    return scenario.round_dates()[0]


@reads_as_of
def agreement_grid(
    scenario: Any,
    side: str,
    date: dt.date | str | None = None,
    *,
    consent: ConsentFn | None = None,
    vote_noise_scale: float | None = None,
    **terms_kw: Any,
) -> AgreementGrid:
    """Consent probabilities (vectorized per duration) and utilities over the agreement grid.

    Parameters
    ----------
    scenario
        A validated scenario.
    side
        ``"us"`` or ``"host"``.
    date
        Vote date (default: the first round date on or after ``levers.as_of``).
    consent
        ``consent(amounts, date, duration) -> probabilities`` to use instead of the legislature
        model (tests, constructed scenarios; taken as the Assembly itself, not rescaled).
    vote_noise_scale
        :math:`\\kappa` in (0, 1] for the legislature model (default: the scenario's).
    **terms_kw
        Passed to :func:`utility_terms`.

    Returns
    -------
    AgreementGrid
    """
    terms = utility_terms(scenario, side, **terms_kw)
    day = _default_date(scenario) if date is None else as_date(date)
    sp = scenario.agreement_space
    step = float(sp.amount_step_krw) if sp.amount_step_krw is not None else (
        (sp.amount_max_krw - sp.amount_min_krw) / max(1, sp.amount_n - 1))
    amounts = float(sp.amount_min_krw) + step * np.arange(sp.grid_points())
    durs = tuple(sorted(int(m) for m in scenario.levers.allowed_durations))
    escs = advised_escalators(scenario)
    p = np.empty((len(durs), amounts.size))
    p = np.empty((len(durs), len(escs), amounts.size))
    model = legislature_model(scenario, day) if consent is None else None
    kappa = 1.0
    if model is not None:  # the Assembly a run reads (engine.floor_vote)
        from burdenshare.engine.floor_vote import vote_noise_scale as scale
        from burdenshare.engine.record_vote import sharpen

        kappa = scale(scenario, vote_noise_scale)
    for i, m in enumerate(durs):
        for e_i, e in enumerate(escs):
            level = amounts * level_factor(terms, m, e)
            if model is not None:
                p[i, e_i] = sharpen(model.consent_probability(np.maximum(level, 1.0), m), kappa)
            else:
                assert consent is not None
                p[i, e_i] = np.asarray(consent(level, day, m), dtype=float)
            p[i, e_i] *= host_executive_signs(scenario, terms, day, level)
    if not (np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))):
        raise SpecError("the consent curve must give a probability per amount", field="consent")
    ann = np.array([[renewal_annuity(terms, m, e) for e in escs] for m in durs])[:, :, None]
    pv = amounts[None, None, :] * ann
    res = terms.reservation_own_krw * terms.annuity_flat
    surplus = pv - res if terms.side == "us" else res - pv
    if terms.own_risk_price != 0.0:  # the side's mean-sd price of the index risk (bargaining.index_cap)
        surplus = surplus - amounts[None, None, :] * np.array(
            [[_risk_premium(terms, m, e, "own") for e in escs] for m in durs])[:, :, None]
    m_arr = np.array(durs, dtype=float)
    pref = duration_value(terms, m_arr)
    renewals = np.array([math.ceil(terms.horizon_years / m) - 1 for m in durs], dtype=float)
    pp = p
    lapse = terms.lapse_cost_krw
    u = pp * (surplus + pref[:, None, None] - renewals[:, None, None] * (1.0 - pp) * lapse) - (1.0 - pp) * lapse
    other = terms.reservation_other_krw * _annuity_other(terms)
    pv_other = pv if terms.rate_of("other") == terms.rate_of("own") else amounts[None, None, :] * np.array(
        [[renewal_annuity(terms, m, e, "other") for e in escs] for m in durs])[:, :, None]
    if terms.other_risk_price != 0.0:  # the counterpart's price of the index risk
        prem = amounts[None, None, :] * np.array([[_risk_premium(terms, m, e, "other") for e in escs]
                                                  for m in durs])[:, :, None]
        pv_other = pv_other + prem if terms.side == "us" else pv_other - prem
    ok = pv_other <= other if terms.side == "us" else pv_other >= other
    ok = np.broadcast_to(ok, u.shape).copy()
    return AgreementGrid(amounts, durs, escs, p, u, ok, terms, day, kappa)


@dataclass(frozen=True, slots=True)
class Advice:
    """The advised agreement (:func:`advise`); terms are ``None`` when nothing is feasible."""

    side: Side
    min_consent: float
    date: dt.date
    amount_krw: float | None
    amount_usd: float | None
    duration_years: int | None
    escalator: str | None
    p_consent: float | None
    expected_utility: float | None
    alternatives: tuple[dict[str, Any], ...] = ()
    feasible: int = 0
    message: str = ""
    growth_pct: Mapping[str, float] = field(default_factory=dict)
    first_year: int = 0
    #: The floor vote's noise scale :math:`\kappa` of ``p_consent`` (:class:`AgreementGrid`).
    vote_noise_scale: float = 1.0
    #: A bargained rate or cap: the advised text's expected payment per won of opening amount, year by
    #: year over its term (the engine's ``RateGrid.weights``); () otherwise.
    payment_factors: tuple[float, ...] = ()

    @property
    def schedule_krw(self) -> dict[str, float]:
        """The advised agreement as a per-year schedule (won), from ``first_year`` over its term, the
        escalator growing at its expected rate :math:`g_e` (module docstring; a bargained rate or cap:
        the engine's expected schedule, :attr:`payment_factors`); {} without advice."""
        if self.amount_krw is None or self.duration_years is None or self.escalator is None:
            return {}
        if self.payment_factors:
            return {str(self.first_year + i): self.amount_krw * f for i, f in enumerate(self.payment_factors)}
        g = float(self.growth_pct.get(self.escalator, 0.0))
        rule = EscalatorRule("fixed", g) if g != 0.0 else EscalatorRule("none")
        sched = AgreementSchedule(self.first_year, self.duration_years, self.amount_krw, rule)
        return {str(y): a for y, a in sched.amounts_by_year().items()}

    def to_json(self) -> dict[str, Any]:
        """``{"amount_krw", "amount_usd", "duration_years", "escalator", "p_consent", "expected_utility",
        "alternatives", "side", "min_consent", "date", "feasible", "message", "escalator_growth_pct",
        "schedule_krw", "vote_noise_scale"}`` (``schedule_krw``: year -> won, :attr:`schedule_krw`)."""
        return {
            "amount_krw": self.amount_krw, "amount_usd": self.amount_usd, "duration_years": self.duration_years,
            "escalator": self.escalator, "p_consent": self.p_consent, "expected_utility": self.expected_utility,
            "alternatives": [dict(a) for a in self.alternatives], "side": self.side, "min_consent": self.min_consent,
            "date": self.date.isoformat(), "feasible": self.feasible, "message": self.message,
            "escalator_growth_pct": dict(self.growth_pct), "schedule_krw": self.schedule_krw,
            "vote_noise_scale": self.vote_noise_scale,
        }


@reads_as_of
def advise(
    scenario: Any,
    side: str,
    min_consent: float,
    date: dt.date | str | None = None,
    *,
    respect_counterpart: bool = True,
    n_alternatives: int = 5,
    consent: ConsentFn | None = None,
    vote_noise_scale: float | None = None,
    **terms_kw: Any,
) -> Advice:
    """The agreement that maximizes ``side``'s expected utility with consent probability >= ``min_consent``.

    Steps: 1. consent probabilities per duration over the amount grid at ``date``; 2. utilities
    :math:`U_s` over (duration, escalator, amount) (module docstring); 3. mask agreements with
    :math:`P < P_{min}` (and, with ``respect_counterpart``, those the other side would not sign);
    4. the first maximum in grid order, and the next best ``n_alternatives``.

    Parameters
    ----------
    scenario
        A validated scenario.
    side
        ``"us"`` or ``"host"``.
    min_consent
        The consent floor :math:`P_{min}` in [0, 1].
    date
        Vote date (default: the first round date on or after ``levers.as_of``).
    respect_counterpart
        Require the other side's individual rationality.
    n_alternatives
        How many runner-up agreements to list.
    consent
        A consent curve replacing the legislature model (see :func:`agreement_grid`).
    vote_noise_scale
        :math:`\\kappa` for the legislature model (default: the scenario's; :func:`agreement_grid`).
    **terms_kw
        ``planning_horizon_years``, ``lapse_rounds``, ``duration_weight_krw``, ``escalator_growth``.

    Returns
    -------
    Advice

    Raises
    ------
    SpecError
        Unknown side (``field="side"``) or ``min_consent`` outside [0, 1] (``field="min_consent"``).

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> step = lambda x, d, m: (x < 1.2e12) * 1.0   # consent iff below KRW 1.2 tn
    >>> a = advise(load_scenario("sma-2020-hindsight"), "us", 0.8, consent=step, respect_counterpart=False)
    >>> a.amount_krw, a.duration_years, a.escalator, a.p_consent
    (1180000000000.0, 1, 'none', 1.0)
    """
    s = _check_side(side)
    p_min = _check_p(min_consent)
    g = agreement_grid(scenario, s, date, consent=consent, vote_noise_scale=vote_noise_scale, **terms_kw)
    feasible = g.p_consent >= p_min
    if respect_counterpart:
        feasible = feasible & g.counterpart_ok
    flat_u = np.where(feasible, g.utility, -np.inf).ravel()
    n_feas = int(feasible.sum())
    cm = scenario.cost_model

    def usd(x: float) -> float:
        return float(to_usd(x, int(cm.base_year), dict(cm.exchange_rates_krw_per_usd)))

    def entry(k: int) -> dict[str, Any]:
        i, j, a = np.unravel_index(k, g.utility.shape)
        x = float(g.amounts_krw[a])
        return {"amount_krw": x, "amount_usd": usd(x), "duration_years": int(g.durations[i]),
                "escalator": str(g.escalators[j]), "p_consent": float(g.p_consent[i, j, a]),
                "expected_utility": float(g.utility[i, j, a])}

    if n_feas == 0:
        return Advice(s, p_min, g.date, None, None, None, None, None, None, (), 0,
                      f"no agreement of the grid has a consent probability >= {p_min:g} on {g.date.isoformat()}"
                      + (" and is acceptable to the other side at its expected reservation value" if respect_counterpart else ""),
                      dict(g.terms.growth_pct), int(scenario.cost_model.base_year), g.vote_noise_scale)
    order = np.argsort(-flat_u, kind="stable")[: min(n_feas, 1 + max(0, int(n_alternatives)))]
    best = entry(int(order[0]))
    pt = _grid_point(g.terms, best["duration_years"], best["escalator"])
    factors = () if pt is None else tuple(float(v) for v in pt[0].weights[pt[1], pt[2], :best["duration_years"]])
    return Advice(s, p_min, g.date, best["amount_krw"], best["amount_usd"], best["duration_years"], best["escalator"],
                  best["p_consent"], best["expected_utility"], tuple(entry(int(k)) for k in order[1:]), n_feas,
                  f"best of {n_feas} feasible agreements", dict(g.terms.growth_pct), int(scenario.cost_model.base_year),
                  g.vote_noise_scale, factors)
