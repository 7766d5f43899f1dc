r"""Annual vs multiyear deals: renewal lapses and the stakes of each negotiation (DESIGN.md §4).

**Structural instability** (THEORY.md §16).  Over a planning horizon of H years, deals of m years
need :math:`n = \lceil H/m \rceil` negotiations (the current one included).  Negotiation j lapses
(no ratified agreement by the expiry) with probability :math:`p_j`; each negotiation costs k and
each lapse costs :math:`\ell` (impasse costs):

.. math::

    E[\text{lapses}] = \sum_{j<n} p_j,\qquad
    P(\ge 1\ \text{lapse}) = 1 - \prod_{j<n}(1 - p_j),\qquad
    PV = \sum_{j<n} \beta^{jm}\,(k + p_j\,\ell).

With a constant p these are :math:`np`, :math:`1 - (1-p)^n` and :math:`(k + p\ell)\sum_j\beta^{jm}`;
THEORY.md §16's oracles (H = 6, p = 0.3, β = 0.95) are m = 1: 0.882351, 5.298162; m = 3: 0.51,
1.857375; m = 6: 0.3, 1.0.

The lapse probability is **given** (a number, THEORY.md §16) or a **callable** ``p(m)`` or
``p(m, j)`` so that the Monte-Carlo engine can feed its own probability of no ratified agreement
by the expiry; :func:`equilibrium_lapse_probability` gives the rational benchmark's own
(:func:`burdenshare.solver.scenario.solve_scenario`): one minus the probability of a ratified agreement
within a renewal window of the first round.

**Higher stakes** (Fearon 1998).  A longer term raises the stakes of each negotiation, which can
make agreement harder.  :func:`stakes_by_duration` shows what the legislature model says: the
consent probability of the same annual amount for each duration (at the scenario's floor vote
:math:`\kappa`, :mod:`burdenshare.engine.floor_vote`), and the total committed.  In
the model a bloc's position for an m-year deal is :math:`M_b(1)\,m^{\gamma}`
(``duration_elasticity`` γ, docs/legislature.md §2): with the default γ = 0.02 > 0 (the ROK side
sought 3–5 years) a longer term is slightly *easier* to ratify at the same annual amount, so the
Fearon effect does not show through the Assembly; with γ < 0 (``LegislatureParams``) it does.
Both are reported as they come out, never assumed.

References
----------
Fearon, J. D. (1998). Bargaining, enforcement, and international cooperation.
*International Organization* 52(2), 269-305.
THEORY.md §16 (lapse risk and transaction-cost PV); DESIGN.md §4 (Multiyear vs annual).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from burdenshare.errors import SpecError
from burdenshare.legislature import (
    LegislatureParams,
    amount_grid,
    legislature_model,
    win_set_from_curve,
)
from burdenshare.legislature.seats import as_date
from burdenshare.legislature.winset import _kappa, _sharpened
from burdenshare.scenario import Scenario
from burdenshare.solver.scenario import solve_scenario
from burdenshare.theory.multiyear import negotiation_count

__all__ = [
    "LapseProfile",
    "MultiyearComparison",
    "StakesRow",
    "annual_vs_multiyear",
    "equilibrium_lapse_probability",
    "lapse_profile",
    "stakes_by_duration",
]

LapseSpec = float | Callable[..., float]


def _prob(value: Any, name: str) -> float:
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"must be a probability, got {value!r}", field=name) from None
    if not (math.isfinite(p) and 0.0 <= p <= 1.0):
        raise SpecError(f"must lie in [0, 1], got {value!r}", field=name)
    return p


def _lapse_fn(lapse: LapseSpec) -> Callable[[int, int], float]:
    if callable(lapse):
        try:
            n_args = len(inspect.signature(lapse).parameters)
        except (TypeError, ValueError):  # pragma: no cover - builtins
            n_args = 1
        if n_args >= 2:
            return lambda m, j: _prob(lapse(m, j), "lapse")
        return lambda m, j: _prob(lapse(m), "lapse")
    p = _prob(lapse, "lapse")
    return lambda m, j: p


@dataclass(frozen=True, slots=True)
class LapseProfile:
    """Renewal risk of m-year deals over a horizon (THEORY.md §16).

    Attributes
    ----------
    deal_length, horizon
        m and H in years.
    negotiations
        :math:`\\lceil H/m \\rceil`.
    lapse_probabilities
        :math:`p_j` of each negotiation.
    expected_lapses
        :math:`\\sum_j p_j`.
    p_any_lapse
        :math:`1 - \\prod_j (1 - p_j)`.
    pv_factor
        :math:`\\sum_j \\beta^{jm}`.
    pv_cost
        :math:`\\sum_j \\beta^{jm}(k + p_j\\ell)` (the unit of k and ℓ, e.g. won).
    """

    deal_length: int
    horizon: int
    negotiations: int
    lapse_probabilities: tuple[float, ...]
    expected_lapses: float
    p_any_lapse: float
    pv_factor: float
    pv_cost: float

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "deal_length_years": self.deal_length,
            "horizon_years": self.horizon,
            "negotiations": self.negotiations,
            "lapse_probabilities": list(self.lapse_probabilities),
            "expected_lapses": self.expected_lapses,
            "p_any_lapse": self.p_any_lapse,
            "pv_factor": self.pv_factor,
            "pv_cost": self.pv_cost,
        }


def lapse_profile(
    horizon: int,
    deal_length: int,
    lapse: LapseSpec,
    beta: float,
    *,
    negotiation_cost: float = 1.0,
    lapse_cost: float = 0.0,
) -> LapseProfile:
    r"""Expected lapses, P(≥ 1 lapse) and the PV of negotiation costs for m-year deals.

    Parameters
    ----------
    horizon
        Planning horizon H (years, >= 1).
    deal_length
        m (years, >= 1).
    lapse
        Lapse probability of each negotiation: a number (THEORY.md §16), or a callable ``p(m)``
        or ``p(m, j)`` (j = 0 is the current negotiation) returning one.
    beta
        Annual discount factor in (0, 1].
    negotiation_cost
        k, cost of each negotiation (default 1: ``pv_cost`` is then the PV factor).
    lapse_cost
        ℓ, cost of each lapse (impasse costs), default 0.

    Returns
    -------
    LapseProfile

    Raises
    ------
    SpecError
        Bad H, m, β, probabilities or costs.

    Examples
    --------
    >>> r = lapse_profile(6, 3, 0.3, 0.95)
    >>> round(r.p_any_lapse, 6), round(r.pv_factor, 6), round(r.expected_lapses, 6)
    (0.51, 1.857375, 0.6)
    """
    n = negotiation_count(horizon, deal_length)
    m = int(deal_length)
    try:
        b = float(beta)
    except (TypeError, ValueError):
        raise SpecError(f"must be a number, got {beta!r}", field="beta") from None
    if not (math.isfinite(b) and 0.0 < b <= 1.0):
        raise SpecError(f"must lie in (0, 1], got {beta!r}", field="beta")
    for name, c in (("negotiation_cost", negotiation_cost), ("lapse_cost", lapse_cost)):
        if not (isinstance(c, (int, float)) and math.isfinite(c) and c >= 0):
            raise SpecError(f"must be a finite number >= 0, got {c!r}", field=name)
    fn = _lapse_fn(lapse)
    ps = tuple(fn(m, j) for j in range(n))
    disc = b ** (m * np.arange(n))
    survive = float(np.prod([1.0 - p for p in ps]))
    return LapseProfile(
        deal_length=m,
        horizon=int(horizon),
        negotiations=n,
        lapse_probabilities=ps,
        expected_lapses=float(sum(ps)),
        p_any_lapse=1.0 - survive,
        pv_factor=float(disc.sum()),
        pv_cost=float(np.sum(disc * (float(negotiation_cost) + np.asarray(ps) * float(lapse_cost)))),
    )


def equilibrium_lapse_probability(
    scenario: Scenario,
    duration_years: int,
    *,
    window_days: int = 365,
    params: LegislatureParams | None = None,
) -> float:
    """The rational benchmark's probability of no ratified agreement within a renewal window.

    Solves the scenario with the duration fixed (:func:`burdenshare.solver.scenario.solve_scenario`)
    and returns one minus the probability of a ratified agreement in rounds dated within
    ``window_days`` of the first round (the window a renewal has before the old deal expires).

    Parameters
    ----------
    scenario
        A validated scenario.
    duration_years
        An allowed duration.
    window_days
        Renewal window in days (an assumption; default 365).
    params
        Overrides of the scenario's legislature parameters (:class:`~burdenshare.legislature.LegislatureParams`).

    Returns
    -------
    float
        A probability.
    """
    eq = solve_scenario(scenario, durations=[duration_years], params=params)
    return _window_lapse(eq, window_days)


def _window_lapse(eq: Any, window_days: int) -> float:
    if not eq.path:
        return 1.0
    start = eq.path[0].date
    end = start + dt.timedelta(days=int(window_days))
    return min(1.0, max(0.0, 1.0 - eq.p_agreement_by(end)))


@dataclass(frozen=True, slots=True)
class MultiyearComparison:
    """Annual-only vs multiyear-allowed deals for a scenario.

    Attributes
    ----------
    horizon, beta
        H (years) and the annual discount factor (from ``cost_model.discount_rate``).
    lapse_source
        ``"given"`` or ``"equilibrium"`` (the benchmark's own lapse probability).
    by_duration
        :class:`LapseProfile` for every allowed duration.
    annual
        The profile when only the shortest allowed duration may be agreed.
    chosen_duration
        With the benchmark's own lapse probability: the duration it agrees with every allowed
        duration on the table (``None`` when it reaches no agreement, or with a given lapse
        probability; then the longest allowed is compared).
    multiyear
        The profile of ``chosen_duration``.
    fewer_lapses
        ``multiyear.expected_lapses < annual.expected_lapses``.
    negotiation_cost_krw, lapse_cost_krw
        k and ℓ used.
    """

    horizon: int
    beta: float
    lapse_source: str
    by_duration: tuple[LapseProfile, ...]
    annual: LapseProfile
    chosen_duration: int | None
    multiyear: LapseProfile
    fewer_lapses: bool
    negotiation_cost_krw: float
    lapse_cost_krw: float
    notes: tuple[str, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (won)."""
        return {
            "horizon_years": self.horizon,
            "beta": self.beta,
            "lapse_source": self.lapse_source,
            "negotiation_cost_krw": self.negotiation_cost_krw,
            "lapse_cost_krw": self.lapse_cost_krw,
            "chosen_duration_years": self.chosen_duration,
            "annual": self.annual.to_json(),
            "multiyear": self.multiyear.to_json(),
            "fewer_lapses": self.fewer_lapses,
            "by_duration": [p.to_json() for p in self.by_duration],
            "notes": list(self.notes),
        }


def annual_vs_multiyear(
    scenario: Scenario,
    horizon_years: int = 6,
    *,
    lapse: LapseSpec | None = None,
    negotiation_cost_krw: float = 0.0,
    lapse_cost_krw: float | None = None,
    window_days: int = 365,
    params: LegislatureParams | None = None,
) -> MultiyearComparison:
    r"""Expected lapses and costs over H years with annual-only vs multiyear deals allowed.

    Parameters
    ----------
    scenario
        A validated scenario (its ``levers.allowed_durations`` are the multiyear options).
    horizon_years
        Planning horizon H (default 6, THEORY.md §16's example).
    lapse
        Lapse probability per negotiation: a number, a callable ``p(m)`` / ``p(m, j)`` (e.g. fed
        by the Monte-Carlo engine), or ``None`` for the benchmark's own
        (:func:`equilibrium_lapse_probability`, same for every renewal: an assumption).
    negotiation_cost_krw
        k (default 0).
    lapse_cost_krw
        ℓ (default: both sides' ``per_round_cost_krw`` times the rounds of a renewal window, i.e.
        a lapse lasts a year of monthly impasse rounds: an assumption).
    window_days
        Renewal window for the benchmark's lapse probability.
    params
        Overrides of the scenario's legislature parameters (:class:`~burdenshare.legislature.LegislatureParams`).

    Returns
    -------
    MultiyearComparison
    """
    negotiation_count(horizon_years, 1)  # validates H
    beta = 1.0 / (1.0 + float(scenario.cost_model.discount_rate))
    durs = sorted(int(d) for d in scenario.levers.allowed_durations)
    dates = scenario.round_dates()
    in_window = sum(1 for d in dates if (d - dates[0]).days <= window_days)
    if lapse_cost_krw is None:
        per_round = sum(float(v) for v in scenario.protocol.overtime.per_round_cost_krw.values())
        lapse_cost_krw = per_round * in_window
    notes = [f"beta = 1/(1 + cost_model.discount_rate) = {beta:.6f}",
             f"lapse cost {lapse_cost_krw:,.0f} won per lapse, negotiation cost {negotiation_cost_krw:,.0f} won"]
    chosen: int | None
    if lapse is None:
        source = "equilibrium"
        cache: dict[int, float] = {}
        for m in durs:
            cache[m] = _window_lapse(solve_scenario(scenario, durations=[m], params=params), window_days)
        full = solve_scenario(scenario, params=params)
        chosen = full.duration_years

        def fn(m: int) -> float:
            return cache[m]

        spec: LapseSpec = fn
        notes.append(f"lapse probability per negotiation: 1 - P(ratified agreement within {window_days} days) "
                     "in the rational benchmark with the duration fixed, the same for every renewal")
    else:
        source = "given"
        spec = lapse
        chosen = None
    profiles = tuple(lapse_profile(horizon_years, m, spec, beta, negotiation_cost=negotiation_cost_krw,
                                   lapse_cost=lapse_cost_krw) for m in durs)
    annual = profiles[0]
    pick = chosen if chosen is not None else max(durs)
    multi = profiles[durs.index(pick)]
    if chosen is None and lapse is None:
        notes.append("the benchmark reaches no agreement with every duration allowed; the longest is shown")
    return MultiyearComparison(int(horizon_years), beta, source, profiles, annual, chosen, multi,
                               multi.expected_lapses < annual.expected_lapses, float(negotiation_cost_krw),
                               float(lapse_cost_krw), tuple(notes))


@dataclass(frozen=True, slots=True)
class StakesRow:
    r"""Consent to the same annual amount for one duration (Fearon 1998).

    Attributes
    ----------
    duration_years
        m.
    p_consent
        Consent probability of ``amount_krw`` a year for m years at the date.
    total_krw
        Total committed, amount x m (nominal, no escalator).
    win_set_max_krw
        Largest annual amount with consent probability >= 0.5 (``None`` if empty; the same at every
        :math:`\kappa`).
    vote_noise_scale
        The floor vote's noise scale :math:`\kappa` ``p_consent`` is read at
        (:mod:`burdenshare.engine.floor_vote`; 1: the model as specified).
    """

    duration_years: int
    p_consent: float
    total_krw: float
    win_set_max_krw: float | None
    vote_noise_scale: float = 1.0

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (won)."""
        return {"duration_years": self.duration_years, "p_consent": self.p_consent, "total_krw": self.total_krw,
                "win_set_max_krw": self.win_set_max_krw, "vote_noise_scale": self.vote_noise_scale}


def stakes_by_duration(
    scenario: Scenario,
    amount_krw: float,
    date: dt.date | str | None = None,
    *,
    durations: Sequence[int] | None = None,
    params: LegislatureParams | None = None,
    vote_noise_scale: float | None = None,
) -> tuple[tuple[StakesRow, ...], str]:
    r"""The consent probability of the same annual amount over durations, and what it shows.

    Parameters
    ----------
    scenario
        A validated scenario.
    amount_krw
        Annual amount (won).
    date
        Vote date (default ``levers.as_of``).
    durations
        Default ``levers.allowed_durations``.
    params
        Legislature parameters (``duration_elasticity`` γ: < 0 lets longer terms be harder).
    vote_noise_scale
        The floor vote's noise scale :math:`\kappa` in (0, 1] (default the scenario's
        ``legislature.vote_noise_scale``, :mod:`burdenshare.engine.floor_vote`, as ``run``,
        ``solve`` and ``winset`` read it): each consent probability :math:`C` of the model is read
        as :math:`\Phi(\Phi^{-1}(C)/\kappa)`, a monotone map, so the verdict is the same at
        every :math:`\kappa` (up to probabilities that round to 0 or 1).

    Returns
    -------
    (rows, verdict)
        ``verdict`` is ``"longer terms harder to ratify (Fearon)"``, ``"longer terms easier to
        ratify"`` or ``"no effect of duration"``.
    """
    x = float(amount_krw)
    if not (math.isfinite(x) and x > 0):
        raise SpecError(f"got {amount_krw!r}; a positive amount in won", field="amount_krw")
    day = scenario.levers.as_of if date is None else as_date(date)
    durs = sorted(int(d) for d in (durations or scenario.levers.allowed_durations))
    model = legislature_model(scenario, day, params=params)
    kappa = _kappa(scenario, vote_noise_scale)
    grid = amount_grid(scenario)
    rows = []
    for m in durs:
        p = float(_sharpened(model.consent_probability([x], m), kappa)[0])
        w = win_set_from_curve(day, 0.5, m, grid, _sharpened(model.consent_probability(grid, m), kappa),
                               vote_noise_scale=kappa)
        rows.append(StakesRow(m, p, x * m, w.max_amount_krw, kappa))
    ps = [r.p_consent for r in rows]
    if ps[-1] < ps[0] - 1e-12:
        verdict = "longer terms harder to ratify (Fearon)"
    elif ps[-1] > ps[0] + 1e-12:
        verdict = "longer terms easier to ratify"
    else:
        verdict = "no effect of duration"
    return tuple(rows), verdict
