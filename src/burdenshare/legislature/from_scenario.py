r"""Build a :class:`~burdenshare.legislature.model.LegislatureModel` from a scenario at a date.

Read from the scenario (schema v1, ``[legislature]`` and others):

* seats: ``legislature.periods`` (:func:`~burdenshare.legislature.seats.seats_at`);
* ``total_seats``, ``quorum`` (Art. 49; with vacancies the majority of the seated members,
  ``seated // 2 + 1``), ``majority_of`` (only ``"present"`` is implemented);
* ``attendance_rate`` → :math:`\pi` for every bloc (the calibrated value is the same 0.6455;
  ``LegislatureParams.attendance`` may give one value or a bloc → value mapping);
* ``party_discipline`` → :math:`d_b` for blocs with a party line (0 for blocs without one);
* ``opinion_weight`` / ``opinion_weight_pre_election`` / ``pre_election_window_days`` and
  ``levers.election_date`` → :math:`w(t)`;
* the reference amount for party lines: ``cost_model.current_agreement_krw`` (the 10th SMA,
  KRW 1,038.9 bn), so that the lines do not move with the negotiator's private reservation value;
* base WTP: :func:`burdenshare.opinion.scenario_opinion` at the date, the group whose ``bloc`` is
  the bloc.

Not in the schema (taken as arguments, :class:`LegislatureParams`; each is an **assumption**):

* ``party_lines``: each bloc's line as a multiple of the reference (the current agreement).
  Defaults: the executive's own bloc 1.2 (the governing camp's line near the executive's offer:
  it offered +10 % then +13 % in 2020, context.csv / data README discrepancy 3, and the scenario
  assumes its negotiator accepts up to about +20 %); ``conservative`` and ``far_right`` 1.45 (the
  conservative opposition urged a quick deal and its supporters were the most willing to pay in
  late 2019; party_positions.csv 2019-01-23, 2020-03); ``centrist`` 1.2; ``progressive`` 1.0
  (Justice Party opposed the 2014 and 2019 deals and called the 2020 asks unrealistic: a
  freeze); independents and unattributed seats have no line (discipline 0; the executive's
  bloc's line stands in for the line in their mix).
* ``ruling_yes_propensity`` (0.95, assumed) and ``opposition_yes_propensity`` (default: the
  calibrated value, :func:`~burdenshare.legislature.calibration.calibrate`); the progressive bloc
  uses the opposition value (its "no" is in its low line here, not in its propensity).
* ``defection`` 0.05, ``whip_scale`` 0.03, ``member_scale`` 0.10, ``shock_sd`` 0.10,
  ``n_shock_nodes`` 7, ``duration_elasticity`` 0.02.
* base groups for blocs no opinion group names: ``far_right`` → the conservative bloc's group;
  ``independent`` / ``unattributed`` → the group without a bloc (unaffiliated) or the whole public.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from burdenshare.errors import ScenarioError, SpecError
from burdenshare.legislature.model import LegislatureModel
from burdenshare.legislature.seats import SeatTable, as_date, seats_at

if TYPE_CHECKING:  # pragma: no cover
    from burdenshare.opinion import WTPModel
    from burdenshare.scenario import Scenario

__all__ = ["DEFAULT_PARTY_LINES", "LegislatureParams", "legislature_model", "opinion_weight_at"]

#: Party lines as multiples of the current agreement (assumptions; module docstring).
DEFAULT_PARTY_LINES: Mapping[str, float | None] = MappingProxyType({
    "liberal": 1.2,
    "conservative": 1.45,
    "centrist": 1.2,
    "progressive": 1.0,
    "far_right": 1.45,
    "independent": None,
    "unattributed": None,
})

_BASE_FALLBACK = {"far_right": "conservative"}


@dataclass(frozen=True, slots=True)
class LegislatureParams:
    """Legislature parameters the scenario schema does not carry (all assumptions but one).

    ``None`` means: take it from the scenario (attendance, discipline, opinion weights) or from the
    calibration (opposition yes-propensity).  See the module docstring for the defaults.
    """

    party_lines: Mapping[str, float | None] = field(default_factory=lambda: dict(DEFAULT_PARTY_LINES))
    line_reference_krw: float | None = None
    ruling_yes_propensity: float = 0.95
    opposition_yes_propensity: float | None = None
    attendance: float | Mapping[str, float] | None = None
    discipline: float | None = None
    opinion_weight: float | None = None
    defection: float = 0.05
    whip_scale: float = 0.03
    member_scale: float = 0.10
    shock_sd: float = 0.10
    n_shock_nodes: int = 7
    duration_elasticity: float = 0.02
    wtp_multiplier: float = 1.0
    majority: Fraction = Fraction(1, 2)
    quorum: int | None = None

    def replace(self, **changes: Any) -> LegislatureParams:
        """A copy with fields changed."""
        return replace(self, **changes)


def _quorum(quorum: int, total_seats: int, seated: int) -> int:
    """Art. 49 counts the quorum against the members on the register (재적의원): with vacancies
    the majority-of-all-members quorum is ``seated // 2 + 1`` (150 of 298 in April 2014).  A
    scenario quorum other than the full house's majority is kept as given."""
    if quorum == total_seats // 2 + 1:
        return min(quorum, seated // 2 + 1)
    return quorum


def opinion_weight_at(scenario: Scenario, date: dt.date | str) -> float:
    r""":math:`w(t)`: ``opinion_weight_pre_election`` within ``pre_election_window_days`` before
    ``levers.election_date`` (election day excluded), else ``opinion_weight``.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> s = load_scenario("sma-2020")
    >>> opinion_weight_at(s, "2020-03-11"), opinion_weight_at(s, "2020-06-01")
    (0.6, 0.3)
    """
    day = as_date(date)
    leg = scenario.legislature
    days_before = (scenario.levers.election_date - day).days
    if 0 < days_before <= leg.pre_election_window_days:
        return float(leg.opinion_weight_pre_election)
    return float(leg.opinion_weight)


_OPINION_CACHE: dict[str, Any] = {}


def _scenario_opinion(scenario: Scenario) -> Any:
    from burdenshare.opinion import scenario_opinion
    from burdenshare.scenario import scenario_hash

    key = scenario_hash(scenario)
    if key not in _OPINION_CACHE:
        if len(_OPINION_CACHE) > 16:
            _OPINION_CACHE.clear()
        _OPINION_CACHE[key] = scenario_opinion(scenario)
    return _OPINION_CACHE[key]


def _base_group(scenario: Scenario, bloc: str, model: WTPModel) -> str:
    from burdenshare.opinion import ALL

    groups = {g.bloc: g.id for g in scenario.opinion.groups if g.bloc is not None}
    if bloc in groups:
        return groups[bloc]
    if bloc in _BASE_FALLBACK and _BASE_FALLBACK[bloc] in groups:
        return groups[_BASE_FALLBACK[bloc]]
    free = [g.id for g in scenario.opinion.groups if g.bloc is None and g.id in model.group_names]
    return free[0] if free else ALL


def legislature_model(
    scenario: Scenario,
    date: dt.date | str,
    *,
    params: LegislatureParams | None = None,
    opinion: WTPModel | None = None,
    seats: SeatTable | None = None,
    justified_amount_krw: float | None = None,
) -> LegislatureModel:
    """The legislature of ``scenario`` on ``date``.

    Parameters
    ----------
    scenario
        A validated scenario.
    date
        The vote date.
    params
        Parameters outside the schema (default :class:`LegislatureParams` ()).
    opinion
        A WTP model to use instead of the scenario's fitted opinion at ``date`` (e.g. a more
        hawkish public).
    seats
        Seats to use instead of the scenario's (e.g. a Monte-Carlo pick within the ranges).
    justified_amount_krw
        Passed to the opinion model when ``levers.transparency > 0``.

    Returns
    -------
    LegislatureModel

    Raises
    ------
    ScenarioError
        If the scenario's legislature uses ``majority_of = "all"`` (not implemented).
    DataError
        If no legislature period covers the date.
    """
    from burdenshare.legislature.calibration import calibrate

    p = LegislatureParams() if params is None else params
    day = as_date(date)
    leg = scenario.legislature
    if leg.majority_of != "present":
        raise ScenarioError("majority_of = 'all' is not implemented; Art. 49 counts those present",
                            field="legislature.majority_of")
    table = seats_at(day, scenario) if seats is None else seats
    ref = float(scenario.cost_model.current_agreement_krw if p.line_reference_krw is None else p.line_reference_krw)
    if not (ref > 0 and math.isfinite(ref)):
        raise SpecError("line_reference_krw must be positive", field="line_reference_krw")
    if opinion is None:
        opinion = _scenario_opinion(scenario).at(day, justified_amount_krw)
    w = opinion_weight_at(scenario, day) if p.opinion_weight is None else float(p.opinion_weight)
    if not 0.0 <= w <= 1.0:
        raise SpecError("opinion_weight must lie in [0, 1]", field="opinion_weight")
    ruling = scenario.parties.host_executive.base_bloc
    rho_o = calibrate(p.ruling_yes_propensity).opposition_yes_propensity if p.opposition_yes_propensity is None else float(p.opposition_yes_propensity)
    if p.attendance is None:
        presence = {b: float(leg.attendance_rate) for b in table.blocs}
    elif isinstance(p.attendance, Mapping):
        presence = {b: float(p.attendance.get(b, leg.attendance_rate)) for b in table.blocs}
    else:
        presence = {b: float(p.attendance) for b in table.blocs}
    disc = float(leg.party_discipline) if p.discipline is None else float(p.discipline)
    ruling_mult = p.party_lines.get(ruling)
    if ruling_mult is None:
        ruling_mult = DEFAULT_PARTY_LINES.get(ruling) or 1.2
    ruling_line = ref * float(ruling_mult)
    positions, lines, wtps, discipline, rho = [], [], [], [], []
    for bloc in table.blocs:
        mult = ruling_mult if bloc == ruling else p.party_lines.get(bloc, None)
        group = _base_group(scenario, bloc, opinion)
        wtp = float(opinion.median(group)) * p.wtp_multiplier
        if mult is None:
            line = ruling_line
            discipline.append(0.0)
            lines.append(math.nan)
        else:
            line = ref * float(mult)
            discipline.append(disc)
            lines.append(line)
        wtps.append(wtp)
        positions.append(math.exp((1.0 - w) * math.log(line) + w * math.log(wtp)))
        rho.append(p.ruling_yes_propensity if bloc == ruling else rho_o)
    notes = (
        f"seats: {table.source}",
        f"opinion weight {w:g} on {day.isoformat()} (election {scenario.levers.election_date.isoformat()})",
        f"party lines as multiples of {ref:,.0f} won (cost_model.current_agreement_krw unless overridden)",
        "party lines, propensities, scales and shocks: assumptions (docs/legislature.md)",
        *table.notes,
    )
    return LegislatureModel(
        blocs=table.blocs,
        seats=table.seats,
        total_seats=int(leg.total_seats),
        quorum=_quorum(int(leg.quorum), int(leg.total_seats), table.seated) if p.quorum is None else int(p.quorum),
        p_present=tuple(presence[b] for b in table.blocs),
        position_krw=tuple(positions),
        discipline=tuple(discipline),
        yes_propensity=tuple(rho),
        defection=p.defection,
        whip_scale=p.whip_scale,
        member_scale=p.member_scale,
        shock_sd=p.shock_sd,
        n_shock_nodes=p.n_shock_nodes,
        duration_elasticity=p.duration_elasticity,
        majority=p.majority,
        line_krw=tuple(lines),
        wtp_krw=tuple(wtps),
        opinion_weight=w,
        notes=notes,
    )
