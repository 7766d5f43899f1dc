r"""The static part of a two-level run: the calendar, the grid and the per-draw parameter columns.

A :class:`Plan` holds everything the kernels need that does not vary across draws, as plain
numbers and arrays (no scenario objects), built once from a validated scenario:

* the **calendar**: the round dates (``protocol.rounds``, those on or after ``levers.as_of``,
  the first ``protocol.n_steps``), each negotiator's relative time in each (:func:`relative_times`:
  NegMAS's :math:`t_k = (k+1)/(n+1)`, over the rounds up to its ``concession_deadline`` when set),
  whether a round falls after the deadline (``protocol.deadline``: impasse rounds cost
  ``protocol.overtime.per_round_cost_krw``), whether it falls on or after the inauguration (the
  ``inauguration`` event: a changed US administration is in office);
* the **furlough**: worker-days in force before each round date, from ``levers.furlough_from``
  (``"none"``: zero) for the ``workers`` of the ``furlough`` event, until the host's
  counter-move (it pays the workers directly ``counter_move_days`` after the furlough starts, a
  parameter of the ``furlough`` event; absent: never) or the horizon;
* the **amount grid** of ``agreement_space`` (offers are grid indices; the US rounds its demand up
  to the grid, the ROK its offer down), the allowed durations (``levers.allowed_durations``),
  each side's opening and target term and its term costs (:func:`burdenshare.bargaining.term_value.term_plan`:
  ``term_preference``, else ``duration_preference``);
* the **drawdown**: with ``protocol.overtime.drawdown_outside_option`` the US can threaten to
  withdraw the troops above the NDAA floor; the threat raises the host's reservation value by
  ``drawdown_value_krw × (troop_level − drawdown_floor_troops) / troop_level`` (an assumption:
  the host values the full presence at ``drawdown_value_krw``, default the current annual
  amount).  With the FY2020 NDAA floor at the troop level (28,500) the threat is empty and the
  shift is 0.

:func:`draw_columns` turns the draws of :mod:`burdenshare.engine.draws` into the per-draw Level-I
parameter columns the kernels read (reservation values, openings, concession exponents,
discount factors, audience costs, types, the administration change, the bank member).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.agreement import year_factors
from burdenshare.bargaining.strategies import POLICY_OBSTINATE, REGISTRY
from burdenshare.bargaining.index_cap import expected_level_factors
from burdenshare.bargaining.rate_value import bargained, draw_rate_columns, escalator_grid, side_risk_prices
from burdenshare.bargaining.term_value import draw_term_columns, term_plan
from burdenshare.costs import krw_per_usd
from burdenshare.engine.draws import DrawLayout, Draws
from burdenshare.engine.index_draws import index_draws_of
from burdenshare.errors import ScenarioError, SpecError
from burdenshare.scenario.vintage import reads_as_of

__all__ = [
    "LEVEL_ONE_FIELDS",
    "PREF_CODES",
    "Plan",
    "build_plan",
    "draw_columns",
    "counter_move_days",
    "key_dates",
    "relative_times",
    "level_two_params",
]

#: Duration preference codes (the kernels now read term indices: :attr:`Plan.pref_us`, :attr:`Plan.target_us`).
PREF_CODES: dict[str, int] = {"short": 0, "long": 1, "none": 2}
#: Per-draw strategy fields the kernels read (``strategies.<gov>.<field>``).
LEVEL_ONE_FIELDS: tuple[str, ...] = (
    "reservation_value_krw",
    "opening_offer_krw",
    "exponent",
    "discount_factor",
    "audience_cost_krw",
    "obstinate_probability",
)
_PRINCIPAL_FIELDS: tuple[str, ...] = (
    "reservation_value_krw",
    "p_administration_change",
    "reservation_value_after_change_krw",
)
_LEVEL_TWO_PREFIXES: tuple[str, ...] = ("opinion.", "legislature.", "cost_model.")


@dataclass(frozen=True, slots=True)
class Plan:
    """Static inputs of the kernels (see the module docstring).

    Amounts are in won per year; ``amount_min``, ``amount_step`` and ``n_grid`` define the grid
    ``amount_min + j * amount_step``; durations in years.  ``us_first`` is 1 when the US acts first
    in each round.  ``r_pres_after`` is the reservation value of a new US President (NaN: the
    administration change leaves it unchanged).  ``policy_us`` and ``policy_rok`` are the
    negotiators' strategy kinds as the registry's engine policies
    (:data:`burdenshare.bargaining.strategies.REGISTRY`); ``winset_threshold`` is the consent
    level that defines the win-set a ``winset_aware`` negotiator keeps to (the ``submit_threshold``
    option, whatever the submission rule).  ``variant_us`` / ``variant_rok`` are NegMAS's
    time-based variant of each negotiator (0: ``TimeBasedConcedingNegotiator``, the engine's; 1:
    ``AspirationNegotiator``, only for replaying recorded NegMAS runs through the engine).
    """

    scenario: str
    round_dates: tuple[dt.date, ...]
    t_us: NDArray[np.float64]
    t_rok: NDArray[np.float64]
    after_deadline: NDArray[np.int64]
    post_inauguration: NDArray[np.int64]
    cum_impasse: NDArray[np.int64]
    furlough_days: NDArray[np.float64]
    workers: float
    amount_min: float
    amount_step: float
    n_grid: int
    durations: NDArray[np.int64]
    #: Index into ``durations`` of the term each side opens at (:mod:`burdenshare.bargaining.term_value`).
    pref_us: int
    pref_rok: int
    us_first: int
    approval_required: int
    end_after_rejection: int
    strategic_submission: int
    submit_threshold: float
    cost_us: float
    cost_rok: float
    drawdown_shift_krw: float
    current_agreement_krw: float
    lapsed_rounds: int
    renewal_window_rounds: int
    planning_horizon_years: int
    key_dates: tuple[dt.date, ...] = ()
    executive_weight: float = 0.0
    policy_us: int = 0
    policy_rok: int = 0
    variant_us: int = 0
    variant_rok: int = 0
    winset_threshold: float = 0.5
    notes: tuple[str, ...] = field(default=())
    #: Level equivalent per won of opening amount at signing for each duration (the expected schedule's,
    #: :func:`burdenshare.bargaining.index_cap.expected_level_factors`; None: a flat schedule, all ones).
    level_factor: NDArray[np.float64] | None = None
    #: First calendar year of the agreement (``cost_model.base_year``) and each duration's payment per
    #: year per won of opening amount (:func:`burdenshare.agreement.year_factors`; None: flat).
    first_year: int = 0
    year_factor: NDArray[np.float64] | None = None
    #: The escalator's index drawn per draw (:class:`burdenshare.engine.index_draws.IndexDraws`; None:
    #: every draw reads the central path, ``level_factor`` and ``year_factor``).
    index_draws: Any = None
    #: Index into ``durations`` of the term each side concedes toward at the scenario's central
    #: values (None: its opening index).  The kernels read each draw's own opening and target term
    #: and its term costs from the per-draw columns of :func:`draw_columns`
    #: (:func:`burdenshare.bargaining.term_value.draw_term_columns`); these are their values where a
    #: caller gives no such columns (with no term cost).
    target_us: int | None = None
    target_rok: int | None = None
    #: The bargained escalator rates or caps (:class:`burdenshare.bargaining.rate_value.RateGrid`, its
    #: ``issue``; None: the family's, not bargained).  The kernels read each draw's own discount rates
    #: (``disc_us``, ``disc_rok`` of :func:`draw_columns`).
    rate_grid: Any = None
    #: (US, host) mean-sd prices of the schedule's index risk (``strategies.<gov>.index_risk_aversion``;
    #: :mod:`burdenshare.bargaining.index_cap`), read with a bargained rate or cap.
    risk_prices: tuple[float, float] = (0.0, 0.0)

    def term_targets(self) -> tuple[int, int]:
        """(US, host) target term indices (the opening index where unset)."""
        return (self.pref_us if self.target_us is None else self.target_us,
                self.pref_rok if self.target_rok is None else self.target_rok)

    def level_factors(self) -> NDArray[np.float64]:
        """:attr:`level_factor`, ones for a flat schedule (one per duration)."""
        if self.level_factor is None:
            return np.ones(self.durations.size, dtype=np.float64)
        return np.ascontiguousarray(self.level_factor, dtype=np.float64)

    @property
    def n_rounds(self) -> int:
        """Rounds of the calendar."""
        return len(self.round_dates)

    def amount(self, j: int) -> float:
        """Won per year of grid index ``j``."""
        return self.amount_min + j * self.amount_step


def relative_times(dates: tuple[dt.date, ...], concession_deadline: dt.date | None) -> NDArray[np.float64]:
    r"""A negotiator's relative time :math:`t_k` in each round (NegMAS's ``relative_time``).

    With :math:`n_i` the rounds on or before the negotiator's ``concession_deadline`` (all rounds
    when it is unset), :math:`t_k = \min(1, (k+1)/(n_i+1))`: the aspiration
    :math:`a(t) = 1 - t^e` reaches 0 (the reservation value) in the first round after the
    deadline and stays there.

    Examples
    --------
    >>> import datetime as dt
    >>> d = (dt.date(2020, 3, 18), dt.date(2020, 4, 17), dt.date(2020, 5, 17))
    >>> relative_times(d, None).tolist()
    [0.25, 0.5, 0.75]
    >>> relative_times(d, dt.date(2020, 4, 1)).tolist()
    [0.5, 1.0, 1.0]
    """
    n = len(dates)
    n_i = n if concession_deadline is None else sum(1 for d in dates if d <= concession_deadline)
    return np.array([min(1.0, (k + 1) / (n_i + 1)) for k in range(n)], dtype=np.float64)


def _policy(scenario: Any, gov: str) -> int:
    """The engine policy of ``strategies.<gov>.kind`` (the schema admits only registry kinds)."""
    return REGISTRY[scenario.strategies[gov].kind].policy


@reads_as_of
def level_two_params(scenario: Any) -> tuple[int, ...]:
    """Indices of the ``[[uncertainty]]`` entries that move the consent probability (the bank)."""
    return tuple(i for i, d in enumerate(scenario.uncertainty) if d.param.startswith(_LEVEL_TWO_PREFIXES))


def _check_uncertainty(scenario: Any) -> None:
    us, rok = scenario.parties.proposer.id, scenario.parties.host.id
    ok = {f"strategies.{g}.{f}" for g in (us, rok) for f in LEVEL_ONE_FIELDS}
    ok |= {f"strategies.{g}.term_preference.{f}" for g in (us, rok) for f in ("ideal_years", "weight_krw")}
    ok |= {f"strategies.{g}.discount_rate" for g in (us, rok)}  # the schedule's (bargaining.rate_value)
    ok |= {f"strategies.{g}.index_risk_aversion" for g in (us, rok)}  # (bargaining.index_cap)
    ok |= {f"parties.principal.{f}" for f in _PRINCIPAL_FIELDS}
    caps = getattr(scenario.cost_model.escalator, "cap_grid_pct", None)
    for i, d in enumerate(scenario.uncertainty):
        if d.param.endswith(".index_risk_aversion") and d.param in ok and not (caps is not None and len(caps) >= 2):
            raise SpecError(f"{d.param!r} is read only where the cap of an index-linked escalator is bargained; "
                            "give cost_model.escalator.cap_grid_pct (bargaining.index_cap)",
                            field=f"uncertainty.{i}.param")
        if d.param.endswith(".discount_rate") and d.param in ok and not bargained(scenario):
            raise SpecError(f"{d.param!r} is read only where the escalator rate or cap is bargained; give "
                            "cost_model.escalator.rate_grid_pct or cap_grid_pct (bargaining.rate_value)",
                            field=f"uncertainty.{i}.param")
        if d.param in ok or d.param.startswith(_LEVEL_TWO_PREFIXES):
            continue
        raise SpecError(
            f"{d.param!r} cannot vary per draw in the two-level engine; allowed: strategies.<gov>."
            f"{{{', '.join(LEVEL_ONE_FIELDS)}}}, parties.principal.{{{', '.join(_PRINCIPAL_FIELDS)}}}, "
            "opinion.*, legislature.*, cost_model.*", field=f"uncertainty.{i}.param")


@reads_as_of
def key_dates(scenario: Any) -> tuple[dt.date, ...]:
    """The dates of the summary's ``p_agreement_by``: ``outputs.key_dates``, or the timeline's.

    Unset, they are derived from the scenario's timeline (DESIGN.md §6; issue 10): the expiry of
    the current agreement (``protocol.deadline``), the furlough (``levers.furlough_from`` when a
    ``furlough`` event exists), the host election (``levers.election_date`` when an ``election``
    event exists), the dates of the ``us_election`` and ``inauguration`` events, and the horizon;
    only those after ``levers.as_of`` and up to ``protocol.horizon``, sorted, without repeats.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> [d.isoformat() for d in key_dates(load_scenario("sma-2020-hindsight"))]
    ['2020-04-01', '2020-04-15', '2020-11-03', '2021-01-20']
    """
    if scenario.outputs.key_dates is not None:
        return tuple(scenario.outputs.key_dates)
    kinds = {e.kind for e in scenario.events}
    days: set[dt.date] = set()
    lev = scenario.levers
    if "furlough" in kinds and lev.furlough_from != "none":
        days.add(lev.furlough_from)
    if "election" in kinds:
        days.add(lev.election_date)
    days |= {e.date for e in scenario.events if e.kind in ("us_election", "inauguration") and e.date is not None}
    days |= {scenario.protocol.deadline, scenario.protocol.horizon}
    return tuple(sorted(d for d in days if lev.as_of < d <= scenario.protocol.horizon))


@reads_as_of
def counter_move_days(scenario: Any) -> int | None:
    """Days after the furlough's start at which the host pays the workers itself (``None``: never).

    The ``counter_move_days`` parameter of the scenario's ``furlough`` event (validated by the schema).
    """
    for e in scenario.events:
        if e.kind == "furlough" and "counter_move_days" in e.parameters:
            return int(e.parameters["counter_move_days"])
    return None


@reads_as_of
def build_plan(scenario: Any, *, drawdown_value_krw: float | None = None) -> Plan:
    """Build the :class:`Plan` of ``scenario``.

    Every model assumption is a scenario field: the submission threshold
    (``parties.host_executive.submit_threshold``; with ``submission = "immediate"`` it is 0;
    ``"calibrated"`` gives a provisional 0.5 that :func:`~burdenshare.engine.prepare.prepare`
    replaces by the calibrated value, :mod:`burdenshare.engine.agenda`), the
    furlough counter-move (:func:`counter_move_days`), the planning horizon and renewal window
    (``protocol.planning_horizon_years``, ``protocol.renewal_window_days``) and the key dates
    (:func:`key_dates`).

    Parameters
    ----------
    scenario
        A validated :class:`~burdenshare.scenario.Scenario`.
    drawdown_value_krw
        The host's value of the full troop presence (default the current annual amount).

    Returns
    -------
    Plan

    Raises
    ------
    SpecError, ScenarioError
        Uncertain parameters the engine cannot vary per draw, an ask outside the amount grid.
    """
    theta = scenario.parties.host_executive.submit_threshold
    # "calibrated": a provisional 0.5 here; prepare() sets the calibrated value (engine.agenda)
    submit_threshold = 0.5 if theta == "calibrated" else float(theta)
    host_counter_move_days = counter_move_days(scenario)
    planning_horizon_years = int(scenario.protocol.planning_horizon_years)
    renewal_window_days = int(scenario.protocol.renewal_window_days)
    us, rok = scenario.parties.proposer.id, scenario.parties.host.id
    _check_uncertainty(scenario)
    dates = scenario.round_dates()
    n = len(dates)
    pro = scenario.protocol
    t_us = relative_times(dates, scenario.strategies[us].concession_deadline)
    t_rok = relative_times(dates, scenario.strategies[rok].concession_deadline)
    after = np.array([1 if d > pro.deadline else 0 for d in dates], dtype=np.int64)
    inaug = [e.date for e in scenario.events if e.kind == "inauguration" and e.date is not None]
    post = np.array([1 if inaug and d >= min(inaug) else 0 for d in dates], dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(after)]).astype(np.int64)

    notes: list[str] = []
    workers = 0.0
    fdays = np.zeros(n + 1)
    f_from = scenario.levers.furlough_from
    furlough = [e for e in scenario.events if e.kind == "furlough"]
    if f_from != "none" and furlough:
        workers = float(furlough[0].parameters.get("workers", 0.0))
        end = pro.horizon + dt.timedelta(days=1)
        if host_counter_move_days is not None:
            end = min(end, f_from + dt.timedelta(days=int(host_counter_move_days)))
        ends = [*dates, pro.horizon + dt.timedelta(days=1)]
        for k, d in enumerate(ends):
            fdays[k] = max(0, (min(d, end) - f_from).days)
        notes.append(f"furlough of {workers:g} workers from {f_from.isoformat()} until the agreement or {end.isoformat()}")

    sp = scenario.agreement_space
    step = float(sp.amount_step_krw) if sp.amount_step_krw is not None else (
        (sp.amount_max_krw - sp.amount_min_krw) / max(1, sp.amount_n - 1))
    n_grid = sp.grid_points()
    durations = np.array(sorted(scenario.levers.allowed_durations), dtype=np.int64)
    # the schedule's value per won of opening amount at signing (the expected schedule's, bargaining.index_cap)
    level = expected_level_factors(scenario, durations.tolist())
    terms = term_plan(scenario, durations.tolist())  # each side's opening and target term, its term costs

    ov = pro.overtime
    shift = 0.0
    if ov.drawdown_outside_option and ov.troop_level:
        floor = ov.drawdown_floor_troops if ov.drawdown_floor_troops is not None else 0
        value = float(scenario.cost_model.current_agreement_krw) if drawdown_value_krw is None else float(drawdown_value_krw)
        shift = value * (ov.troop_level - floor) / ov.troop_level
        notes.append(f"drawdown threat shifts the host's reservation value by {shift:,.0f} won (NDAA floor {floor})")
    start = dates[0]
    lapsed = sum(1 for d in dates if d <= pro.deadline)
    window = sum(1 for d in dates if (d - start).days <= renewal_window_days)
    strategic = scenario.parties.host_executive.submission == "strategic"
    return Plan(
        scenario=str(scenario.name),
        round_dates=dates,
        t_us=t_us,
        t_rok=t_rok,
        after_deadline=after,
        post_inauguration=post,
        cum_impasse=cum,
        furlough_days=fdays,
        workers=workers,
        amount_min=float(sp.amount_min_krw),
        amount_step=step,
        n_grid=int(n_grid),
        durations=durations,
        pref_us=terms.start[0],
        pref_rok=terms.start[1],
        target_us=terms.target[0],
        target_rok=terms.target[1],
        us_first=1 if pro.first_proposer == us else 0,
        approval_required=1 if scenario.parties.principal.approval_required else 0,
        end_after_rejection=1 if pro.after_rejection == "end" else 0,
        strategic_submission=1 if strategic else 0,
        level_factor=None if bool(np.all(level == 1.0)) else level,
        first_year=int(scenario.cost_model.base_year),
        year_factor=year_factors(scenario, durations.tolist()),
        index_draws=index_draws_of(scenario, durations.tolist()),
        submit_threshold=float(submit_threshold) if strategic else 0.0,
        cost_us=float(ov.per_round_cost_krw.get(us, 0.0)),
        cost_rok=float(ov.per_round_cost_krw.get(rok, 0.0)),
        drawdown_shift_krw=shift,
        current_agreement_krw=float(scenario.cost_model.current_agreement_krw),
        lapsed_rounds=int(lapsed),
        renewal_window_rounds=int(window),
        planning_horizon_years=int(planning_horizon_years),
        key_dates=key_dates(scenario),
        executive_weight=float(scenario.parties.host_executive.opinion_weight),
        policy_us=_policy(scenario, us),
        policy_rok=_policy(scenario, rok),
        winset_threshold=float(submit_threshold),
        notes=tuple(notes),
        rate_grid=escalator_grid(scenario, durations.tolist()),
        risk_prices=side_risk_prices(scenario),
    )


def _opening_us(scenario: Any) -> float:
    us = scenario.parties.proposer.id
    s = scenario.strategies[us]
    if s.opening_offer_krw is not None:
        return float(s.opening_offer_krw)
    cm = scenario.cost_model
    return float(scenario.levers.us_ask_usd) * krw_per_usd(int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))


@reads_as_of
def check_levers(scenario: Any, plan: Plan) -> None:
    """Reject lever values the engine cannot play (the ask outside the amount grid).

    Raises
    ------
    ScenarioError
        ``field="levers.us_ask_usd"`` when the ask in won leaves the grid.
    """
    ask = _opening_us(scenario)
    top = plan.amount(plan.n_grid - 1)
    if not (plan.amount_min <= ask <= top + 1e-6 * plan.amount_step):
        raise ScenarioError(
            f"the ask is {ask:,.0f} won per year; allowed: within the amount grid "
            f"{plan.amount_min:,.0f}..{top:,.0f} (agreement_space)", field="levers.us_ask_usd")


@reads_as_of
def draw_columns(scenario: Any, layout: DrawLayout, draws: Draws, bank_size: int) -> dict[str, NDArray[Any]]:
    """Per-draw Level-I parameter columns for the kernels.

    Returns a dict of (n,) arrays: ``r_us, r_rok, open_us, open_rok, e_us, e_rok, delta_us,
    delta_rok, aud_us, aud_rok, r_pres, r_pres_after, term_ideal_us, term_ideal_rok, term_weight_us,
    term_weight_rok`` (float64) and ``obst_us, obst_rok, change, bank, term_start_us, term_start_rok,
    term_target_us, term_target_rok`` (int64; :func:`~burdenshare.bargaining.term_value.draw_term_columns`),
    and with a bargained escalator rate or cap ``disc_us, disc_rok, risk_us, risk_rok`` (float64;
    :func:`~burdenshare.bargaining.rate_value.draw_rate_columns`).  Concession exponents are the scenario's, in NegMAS's convention: aspiration
    :math:`1 - t^{e}` (Boulware :math:`e > 1`, conceder :math:`e < 1`); a ``hardliner`` is obstinate.
    """
    n = len(draws)
    us, rok = scenario.parties.proposer.id, scenario.parties.host.id

    def value(path: str, default: float) -> NDArray[np.float64]:
        if path in layout.params:
            return draws.column(layout, path).astype(np.float64)
        return np.full(n, float(default))

    out: dict[str, NDArray[Any]] = {}
    for key, gov in (("us", us), ("rok", rok)):
        s = scenario.strategies[gov]
        pre = f"strategies.{gov}."
        out[f"r_{key}"] = value(pre + "reservation_value_krw", s.reservation_value_krw)
        default_open = _opening_us(scenario) if key == "us" else (
            float(s.opening_offer_krw) if s.opening_offer_krw is not None else float(scenario.cost_model.current_agreement_krw))
        out[f"open_{key}"] = value(pre + "opening_offer_krw", default_open)
        exponent = value(pre + "exponent", s.exponent)
        if np.any(exponent <= 0):
            raise SpecError("concession exponents must be > 0", field=pre + "exponent")
        out[f"e_{key}"] = exponent
        out[f"delta_{key}"] = value(pre + "discount_factor", s.discount_factor)
        out[f"aud_{key}"] = value(pre + "audience_cost_krw", s.audience_cost_krw)
        p_obst = value(pre + "obstinate_probability", s.obstinate_probability)
        u = draws.column(layout, f"u_obstinate_{key}")
        obst = (u < p_obst).astype(np.int64)
        if REGISTRY[s.kind].policy == POLICY_OBSTINATE:
            obst[:] = 1
        out[f"obst_{key}"] = obst
    pr = scenario.parties.principal
    out["r_pres"] = value("parties.principal.reservation_value_krw", pr.reservation_value_krw)
    after = pr.reservation_value_after_change_krw
    out["r_pres_after"] = value("parties.principal.reservation_value_after_change_krw", math.nan if after is None else after)
    p_change = value("parties.principal.p_administration_change", pr.p_administration_change)
    out["change"] = (draws.column(layout, "u_administration") < p_change).astype(np.int64)
    out["bank"] = np.minimum((draws.column(layout, "u_bank") * bank_size).astype(np.int64), bank_size - 1)
    # each draw's term preferences, opening and target terms (burdenshare.bargaining.term_value)
    out.update(draw_term_columns(scenario, sorted(scenario.levers.allowed_durations), value, n))
    # each draw's yearly discount rates of the schedule (burdenshare.bargaining.rate_value)
    out.update(draw_rate_columns(scenario, value, n))
    return out
