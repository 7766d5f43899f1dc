r"""Build the opinion model's inputs from a validated :class:`~burdenshare.scenario.Scenario`.

Mapping of the scenario's ``[opinion]`` table (every interpretation below is an assumption of
this adapter; the scenario's own docstrings are quoted where they define the form):

* **Fit** - ``opinion.reading`` → ``reading``; ``opinion.wtp_family`` → ``family`` (only
  ``"lognormal"`` and ``"loglogistic"`` are implemented; other values raise
  :class:`~burdenshare.errors.SpecError`); ``opinion.anchor_ask_usd`` → ``ask_usd``;
  ``cost_model.current_agreement_krw`` → ``refuse_bound_krw`` ("refuse to pay" = no increase);
  ``opinion.drop_dont_know`` → ``dont_know="drop"`` / ``"refuse"``; the RealMeter polls listed in
  ``opinion.polls`` → ``partisan_polls``; ``opinion.groups`` (``id`` → ``poll_subgroups``) →
  pooled groups (a group with no subgroups gets the whole public's distribution).
* **Transparency** - ``levers.transparency`` → τ; ``credibility_weight`` → κ;
  ``prior_sd_krw`` and ``signal_noise_sd_krw`` (won) → log-scale σ₀ and σ_min by moment
  matching at the whole public's fitted median (:func:`~burdenshare.opinion.transparency.log_sd_from_krw`).
  The statement is taken as public from ``levers.as_of`` (the scenario's information date); the
  justified amount it reveals is computed here from the scenario's own ask and cost model
  (:func:`~burdenshare.opinion.transparency.justified_amount_krw`), so
  :meth:`ScenarioOpinion.at` needs nothing but the date.
* **Coercion** - the schema's form is ":math:`WTP' = WTP\cdot(1 + \rho\cdot pressure)`, pressure =
  furloughed share of the workforce": the ``furlough`` event (date ``levers.furlough_from``;
  ``parameters.workers / parameters.workforce``, default the ``context.csv`` figures 4,000 / 9,000)
  is a permanent :class:`~burdenshare.opinion.coercion.PressureEvent` of that magnitude;
  ``backlash_rho`` → ρ and ``no_deal_cost_weight`` → β, both on the ``"proportional"`` scale
  (:math:`WTP' = WTP(1 + \beta p + \rho p)`).  The schema describes ``no_deal_cost_weight`` as the
  "share of the perceived no-deal cost the public adds to its WTP"; with no perceived no-deal
  cost in won in the scenario, reading it as a proportional effect per unit of the same pressure
  is this adapter's assumption.
* **Event effects** - each ``opinion.event_effects`` entry → an
  :class:`~burdenshare.opinion.coercion.OpinionShock` on its event's date with
  ``scale="proportional"`` (``wtp_shift_share``) and its half-life (none = permanent).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from burdenshare.errors import SpecError
from burdenshare.data import case, poll_items
from burdenshare.opinion import _data
from burdenshare.opinion.coercion import CoercionParams, OpinionShock, PressureEvent
from burdenshare.opinion.fit import _PARTISAN_ITEMS, fit_wtp
from burdenshare.opinion.state import opinion_at
from burdenshare.opinion.transparency import TransparencyParams, justified_amount_krw, log_sd_from_krw
from burdenshare.opinion.wtp import ALL, FAMILIES, GroupWTP, WTPModel
from burdenshare.scenario import Scenario
from burdenshare.scenario.vintage import reads_as_of


@dataclass(frozen=True, slots=True)
class ScenarioOpinion:
    """Everything :func:`~burdenshare.opinion.state.opinion_at` needs, built from a scenario.

    Attributes
    ----------
    model
        The fitted WTP model with the scenario's groups.
    events
        Pressure events and opinion shocks, dated.
    coercion
        Effect sizes of pressure.
    transparency
        Transparency parameters (``None`` when ``levers.transparency`` is 0).
    statement_date
        When the itemized statement is public (``levers.as_of``).
    justified_amount_krw
        The justified part of the scenario's ask the statement reveals (won per year;
        :func:`~burdenshare.opinion.transparency.justified_amount_krw`), ``None`` when
        ``levers.transparency`` is 0.
    """

    model: WTPModel
    events: tuple[PressureEvent | OpinionShock, ...]
    coercion: CoercionParams
    transparency: TransparencyParams | None
    statement_date: dt.date
    justified_amount_krw: float | None = None

    def __post_init__(self) -> None:
        if self.transparency is not None and self.justified_amount_krw is None:
            raise SpecError("transparency > 0 needs the justified amount (won per year)", field="justified_amount_krw")

    def at(self, date: dt.date) -> WTPModel:
        """The opinion state on ``date``."""
        return opinion_at(
            self.model,
            date,
            events=self.events,
            coercion=self.coercion,
            transparency=self.transparency,
            justified_amount_krw=self.justified_amount_krw,
            statement_date=self.statement_date,
        )


def _event_date(scenario: Any, event: Any) -> dt.date | None:
    if event.kind == "furlough":
        d = scenario.levers.furlough_from
        return None if d == "none" else d
    if event.kind == "election":
        return scenario.levers.election_date
    return event.date


def _event_number(parameters: Mapping[str, object], key: str, field: str, default: float) -> float:
    """A positive numeric event parameter (a furlough's ``workers`` / ``workforce``), or its default."""
    value = parameters.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        shown = value.isoformat() if isinstance(value, dt.date) else repr(value)
        raise SpecError(f"got {shown}; allowed: a positive number", field=field)
    return float(value)


#: Log-scale sd of the WTP prior used when a scenario names no polls (80 % of the public between
#: 0.53 and 1.9 times the median): wide, so opinion carries little information where nothing was
#: measured (docs/builder.md).
PRIOR_WTP_LOG_SD = 0.5


@reads_as_of
def prior_wtp(scenario: Scenario) -> WTPModel:
    """The documented wide WTP prior of a scenario without polls.

    Every group's WTP is lognormal with median the current agreement
    (``cost_model.current_agreement_krw``: the public is taken to accept what it pays now, in the
    middle) and log-sd :data:`PRIOR_WTP_LOG_SD`.
    """
    mu = math.log(float(scenario.cost_model.current_agreement_krw))
    names = [ALL] + [g.id for g in scenario.opinion.groups if g.id != ALL]
    return WTPModel(scenario.opinion.wtp_family, tuple(GroupWTP(n, mu=mu, sigma=PRIOR_WTP_LOG_SD) for n in names),
                    moves=("prior: no polls (median = current agreement, log-sd 0.5)",))


@reads_as_of
def scenario_opinion(scenario: Scenario) -> ScenarioOpinion:
    """Fit the WTP model and translate transparency, coercion and events from ``scenario``.

    Raises
    ------
    SpecError
        If the scenario asks for a WTP family the model does not implement
        (``field="opinion.wtp_family"``) or omits the Chicago Council poll.
    """
    o = scenario.opinion
    if o.wtp_family not in FAMILIES:
        raise SpecError(
            f"{o.wtp_family!r} is not implemented by the opinion model; allowed: {', '.join(FAMILIES)}",
            field="opinion.wtp_family",
        )
    if not o.polls:
        model = prior_wtp(scenario)
    else:
        stage1 = poll_items.STAGE1.poll_id
        if not any(p.startswith(stage1) for p in o.polls):
            raise SpecError(f"the WTP fit needs the whole-public poll {stage1} (or no polls: the wide prior)",
                            field="opinion.polls")
        model = fit_wtp(
            reading=o.reading,
            family=o.wtp_family,
            ask_usd=float(o.anchor_ask_usd),
            refuse_bound_krw=float(scenario.cost_model.current_agreement_krw),
            dont_know="drop" if o.drop_dont_know else "refuse",
            partisan_polls=tuple(p for p in o.polls if p in _PARTISAN_ITEMS),
            groups=tuple((g.id, tuple(g.poll_subgroups)) for g in o.groups),
        )
    ref = model.median()
    tau = float(scenario.levers.transparency)
    tp = None
    justified = None
    if tau > 0:
        justified = justified_amount_krw(scenario)
        t = o.transparency
        tp = TransparencyParams(
            transparency=tau,
            credibility=float(t.credibility_weight),
            prior_sd=log_sd_from_krw(float(t.prior_sd_krw), ref),
            signal_sd_min=log_sd_from_krw(float(t.signal_noise_sd_krw), ref),
        )
    events: list[PressureEvent | OpinionShock] = []
    by_id = {e.id: e for e in scenario.events}
    for i, e in enumerate(scenario.events):
        if e.kind != "furlough":
            continue
        day = _event_date(scenario, e)
        if day is None:
            continue
        workers = _event_number(e.parameters, "workers", f"events.{i}.parameters.workers",
                                _data.context_number(case.FURLOUGH_WORKERS_KEY))
        workforce = _event_number(e.parameters, "workforce", f"events.{i}.parameters.workforce",
                                  _data.context_number(case.WORKFORCE_KEY))
        events.append(PressureEvent(day, magnitude=workers / workforce, label=e.id))
    for eff in o.event_effects:
        if eff.event not in by_id:
            raise SpecError(f"unknown event {eff.event!r}", field="opinion.event_effects")
        day = _event_date(scenario, by_id[eff.event])
        if day is None or eff.wtp_shift_share == 0.0:
            continue
        half = math.inf if eff.half_life_days is None else float(eff.half_life_days)
        events.append(OpinionShock(day, float(eff.wtp_shift_share), half, eff.event, scale="proportional"))
    coercion = CoercionParams(
        no_deal_cost=float(o.coercion.no_deal_cost_weight),
        reverberation=float(o.coercion.backlash_rho),
        scale="proportional",
    )
    return ScenarioOpinion(model, tuple(events), coercion, tp, scenario.levers.as_of, justified)
