r"""Build a :class:`~burdenshare.legislature.model.LegislatureModel` from a scenario at a date.

Everything is read from the scenario (schema v1, ``[legislature]`` and others; docs/legislature.md,
docs/scenario-format.md); a :class:`LegislatureParams` argument that is not ``None`` overrides it:

* seats: ``legislature.periods`` (:func:`~burdenshare.legislature.seats.seats_at`);
* ``total_seats``, ``quorum`` (Art. 49; with vacancies the majority of the seated members,
  ``seated // 2 + 1``), ``majority_share`` (Art. 49: 1/2) and ``majority_of`` (``"present"``,
  Art. 49, or ``"all"``: yes must exceed the share of all seated members);
* attendance :math:`\pi_b`: ``[[legislature.blocs]] attendance_rate``, else
  ``legislature.attendance_rate`` (the calibrated 0.6455);
* party lines: ``[[legislature.blocs]] party_line``, a multiple of ``line_reference_krw``
  (``"current_agreement"``: ``cost_model.current_agreement_krw``, the 10th SMA, KRW 1,038.9 bn, so
  that the lines do not move with the negotiator's private reservation value); a bloc without a
  line is not whipped (discipline 0) and the executive's bloc's line stands in for the line in
  its mix (the reference amount itself if the executive's bloc has no line either);
* ``party_discipline`` → :math:`d_b` for blocs with a party line;
* ``opinion_weight`` / ``opinion_weight_pre_election`` / ``pre_election_window_days`` and
  ``levers.election_date`` → :math:`w(t)`;
* ``ruling_yes_propensity`` (the executive's bloc) and ``opposition_yes_propensity`` (every other
  bloc).  ``"calibrated"`` for the ruling value: both from the role fit to the votes recorded
  before ``levers.as_of`` (:func:`~burdenshare.legislature.vote_fit.fit_recorded_votes`);
  ``"calibrated"`` for the opposition only: :func:`~burdenshare.legislature.calibration.calibrate`
  given the ruling number and ``levers.as_of``; ``attendance_sd`` (random attendance per vote,
  ``"calibrated"``: the same fit's predictive sd); ``defection``, ``whip_scale``, ``member_scale``, ``opinion_shock_sd``,
  ``opinion_shock_nodes``, ``duration_elasticity``;
* base WTP: :func:`burdenshare.opinion.scenario_opinion` at the date, the group whose ``bloc`` is
  the bloc; blocs no opinion group names: ``far_right`` → the conservative bloc's group;
  others → the group without a bloc (unaffiliated) or the whole public.

The values of the bundled ``sma-2020-hindsight`` (all assumptions but the attendance and the opposition
propensity, which are calibrated; each is explained in the scenario file and docs/legislature.md):

* party lines: the executive's own bloc (``liberal``) 1.2 (the governing camp's line near the
  executive's offer: it offered +10 % then +13 % in 2020, context.csv / data README discrepancy
  3, and the scenario assumes its negotiator accepts up to about +20 %); ``conservative`` and
  ``far_right`` 1.45 (the conservative opposition urged a quick deal and its supporters were the
  most willing to pay in late 2019; party_positions.csv 2019-01-23, 2020-03); ``centrist`` 1.2;
  ``progressive`` 1.0 (Justice Party opposed the 2014 and 2019 deals and called the 2020 asks
  unrealistic: a freeze); ``independent`` and ``unattributed`` no line;
* ``ruling_yes_propensity`` and ``opposition_yes_propensity`` ``"calibrated"`` (the role fit:
  0.711 and 0.730; the progressive bloc uses the opposition value: its "no" is in its low line,
  not its propensity) and ``attendance_sd`` ``"calibrated"`` (0.0196);
* ``defection`` 0.05, ``whip_scale`` 0.03, ``member_scale`` 0.10, ``opinion_shock_sd`` 0.10,
  ``opinion_shock_nodes`` 7, ``duration_elasticity`` 0.02 (these are also the schema defaults).
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from burdenshare.data import per_dataset
from burdenshare.data.dataset import cache_key as data_cache_key
from burdenshare.errors import SpecError
from burdenshare.legislature.calibration import calibrate
from burdenshare.legislature.record import recorded_votes
from burdenshare.legislature.vote_fit import VoteFit, YesPrior, fit_recorded_votes
from burdenshare.legislature.model import LegislatureModel
from burdenshare.legislature.seats import SeatTable, as_date, seats_at
from burdenshare.opinion import ALL, WTPModel, scenario_opinion
from burdenshare.scenario import Scenario, scenario_hash
from burdenshare.scenario.schema import majority_fraction
from burdenshare.scenario.vintage import reads_as_of

__all__ = ["DEFAULT_PARTY_LINES", "LegislatureParams", "base_median_krw", "legislature_model", "opinion_weight_at"]

#: The party lines of the bundled ``sma-2020-hindsight`` (its ``[[legislature.blocs]] party_line``), as
#: multiples of the current agreement; kept for reference (the scenario is the source).
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
    """Overrides of the scenario's legislature parameters (tests, calibration, what-ifs).

    Every field defaults to ``None``: take the value from the scenario's ``[legislature]``
    (module docstring).  ``party_lines`` maps bloc ids to multipliers (``None``: no line) and
    replaces the lines of the blocs it names only; ``attendance`` is one value for every bloc or a
    bloc → value mapping (blocs it does not name keep the scenario's); ``discipline`` and
    ``opinion_weight`` replace ``party_discipline`` and :math:`w(t)`; ``shock_sd`` /
    ``n_shock_nodes`` replace ``opinion_shock_sd`` / ``opinion_shock_nodes``; ``majority`` replaces
    ``majority_share``; ``wtp_multiplier`` (default 1) scales every base's WTP (a more hawkish
    public below 1) and has no scenario field.
    """

    party_lines: Mapping[str, float | None] | None = None
    line_reference_krw: float | None = None
    ruling_yes_propensity: float | None = None
    opposition_yes_propensity: float | None = None
    attendance: float | Mapping[str, float] | None = None
    attendance_sd: float | None = None
    discipline: float | None = None
    opinion_weight: float | None = None
    defection: float | None = None
    whip_scale: float | None = None
    member_scale: float | None = None
    shock_sd: float | None = None
    n_shock_nodes: int | None = None
    duration_elasticity: float | None = None
    wtp_multiplier: float = 1.0
    majority: Fraction | float | None = None
    majority_of: str | None = None
    quorum: int | None = None

    def replace(self, **changes: Any) -> LegislatureParams:
        """A copy with fields changed."""
        return replace(self, **changes)


@per_dataset(maxsize=16)
def _vote_fit(as_of: dt.date) -> VoteFit | None:
    """The role fit with random attendance to the votes recorded before ``as_of`` (:mod:`.vote_fit`);
    None where no vote is recorded then (the yes-propensities are then the prior's, :func:`_prior_yes`)."""
    votes = recorded_votes(as_of)
    return fit_recorded_votes(votes) if votes else None


def _prior_yes() -> tuple[float, float]:
    r"""(government, opposition) yes-propensity with no recorded vote known: the mode of the role
    fit's prior (:class:`~.vote_fit.YesPrior`: :math:`\operatorname{expit}(\alpha_0 + \gamma_0)` and
    :math:`\operatorname{expit}(\alpha_0)`, 0.5 and 0.5), since with no data the posterior is the prior."""
    pr = YesPrior()
    return 1.0 / (1.0 + math.exp(-(pr.alpha_mean + pr.gamma_mean))), 1.0 / (1.0 + math.exp(-pr.alpha_mean))


def _no_votes(field: str, as_of: dt.date) -> SpecError:
    return SpecError(f'"calibrated" needs a recorded consent vote known on levers.as_of {as_of.isoformat()} and '
                     "there is none; allowed: a number", field=field)


def _pick(override: Any, scenario_value: Any) -> Any:
    return scenario_value if override is None else override


def _quorum(quorum: int, total_seats: int, seated: int) -> int:
    """Art. 49 counts the quorum against the members on the register (재적의원): with vacancies
    the majority-of-all-members quorum is ``seated // 2 + 1`` (150 of 298 in April 2014).  A
    scenario quorum other than the full house's majority is kept as given."""
    if quorum == total_seats // 2 + 1:
        return min(quorum, seated // 2 + 1)
    return quorum


@reads_as_of
def opinion_weight_at(scenario: Scenario, date: dt.date | str) -> float:
    r""":math:`w(t)`: ``opinion_weight_pre_election`` within ``pre_election_window_days`` before
    ``levers.election_date`` (election day excluded), else ``opinion_weight``.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> s = load_scenario("sma-2020-hindsight")
    >>> opinion_weight_at(s, "2020-03-11"), opinion_weight_at(s, "2020-06-01")
    (0.6, 0.3)
    """
    day = as_date(date)
    leg = scenario.legislature
    days_before = (scenario.levers.election_date - day).days
    if 0 < days_before <= leg.pre_election_window_days:
        return float(leg.opinion_weight_pre_election)
    return float(leg.opinion_weight)


_OPINION_CACHE: dict[tuple[Any, str], Any] = {}
_HASH_OF: dict[int, tuple[weakref.ref[Scenario], str]] = {}


def _hash_of(scenario: Scenario) -> str:
    """:func:`~burdenshare.scenario.scenario_hash` of a (frozen) scenario, computed once per object
    (a consent bank asks for it 26 times per member: 13 dates, models and base medians)."""
    ent = _HASH_OF.get(id(scenario))
    if ent is not None and ent[0]() is scenario:
        return ent[1]
    h = scenario_hash(scenario)
    key = id(scenario)
    _HASH_OF[key] = (weakref.ref(scenario, lambda _r: _HASH_OF.pop(key, None)), h)
    return h


def _scenario_opinion(scenario: Scenario) -> Any:
    key = (data_cache_key(), _hash_of(scenario))  # the opinion model is fitted to the active data
    if key not in _OPINION_CACHE:
        if len(_OPINION_CACHE) > 16:
            _OPINION_CACHE.clear()
        _OPINION_CACHE[key] = scenario_opinion(scenario)
    return _OPINION_CACHE[key]


_OPINION_AT: dict[tuple[Any, str, dt.date], WTPModel] = {}


def _opinion_at(scenario: Scenario, day: dt.date) -> WTPModel:
    """The scenario's opinion state on ``day``, computed once per scenario and date: a bank
    member's table asks for it twice per date (the legislature model and the base median).  The
    state is a frozen record, so sharing it changes nothing."""
    key = (data_cache_key(), _hash_of(scenario), day)
    hit = _OPINION_AT.get(key)
    if hit is None:
        if len(_OPINION_AT) > 4096:
            _OPINION_AT.clear()
        hit = _OPINION_AT[key] = _scenario_opinion(scenario).at(day)
    return hit


def _base_group(scenario: Scenario, bloc: str, model: WTPModel) -> str:
    groups = {g.bloc: g.id for g in scenario.opinion.groups if g.bloc is not None}
    if bloc in groups:
        return groups[bloc]
    if bloc in _BASE_FALLBACK and _BASE_FALLBACK[bloc] in groups:
        return groups[_BASE_FALLBACK[bloc]]
    free = [g.id for g in scenario.opinion.groups if g.bloc is None and g.id in model.group_names]
    return free[0] if free else ALL


@reads_as_of
def base_median_krw(
    scenario: Scenario,
    date: dt.date | str,
    bloc: str | None = None,
) -> float:
    """Median willingness to pay (won per year) of a bloc's partisan base on ``date``.

    The base is the opinion group the legislature uses for the bloc (module docstring; default
    bloc: the host executive's ``base_bloc``), with the scenario's opinion dynamics at the date
    (transparency, with the justified amount of the scenario's own ask; coercion; events).

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> s = load_scenario("sma-2020-hindsight")
    >>> 0.9e12 < base_median_krw(s, "2020-04-17") < 1.2e12   # the ruling camp's base
    True
    """
    day = as_date(date)
    opinion = _opinion_at(scenario, day)
    b = scenario.parties.host_executive.base_bloc if bloc is None else bloc
    return float(opinion.median(_base_group(scenario, b, opinion)))


@reads_as_of
def legislature_model(
    scenario: Scenario,
    date: dt.date | str,
    *,
    params: LegislatureParams | None = None,
    opinion: WTPModel | None = None,
    seats: SeatTable | None = None,
) -> LegislatureModel:
    """The legislature of ``scenario`` on ``date``.

    Parameters
    ----------
    scenario
        A validated scenario.
    date
        The vote date.
    params
        Overrides of the scenario's parameters (default :class:`LegislatureParams` (): none).
    opinion
        A WTP model to use instead of the scenario's fitted opinion at ``date`` (e.g. a more
        hawkish public).
    seats
        Seats to use instead of the scenario's (e.g. a Monte-Carlo pick within the ranges).

    Returns
    -------
    LegislatureModel

    Raises
    ------
    SpecError
        If an override is out of range (the model validates every parameter).
    DataError
        If no legislature period covers the date.
    """
    p = LegislatureParams() if params is None else params
    day = as_date(date)
    leg = scenario.legislature
    majority_of = _pick(p.majority_of, leg.majority_of)
    if p.majority is None:
        majority = leg.majority
    elif isinstance(p.majority, Fraction):
        majority = p.majority
    else:  # a float share becomes the exact fraction the scenario would give (2/3, not 0.666...)
        majority = majority_fraction(p.majority)
    table = seats_at(day, scenario) if seats is None else seats
    if p.line_reference_krw is not None:
        ref = float(p.line_reference_krw)
    elif leg.line_reference_krw == "current_agreement":
        ref = float(scenario.cost_model.current_agreement_krw)
    else:
        ref = float(leg.line_reference_krw)
    if not (ref > 0 and math.isfinite(ref)):
        raise SpecError("line_reference_krw must be positive", field="line_reference_krw")
    if opinion is None:
        opinion = _opinion_at(scenario, day)
    w = opinion_weight_at(scenario, day) if p.opinion_weight is None else float(p.opinion_weight)
    if not 0.0 <= w <= 1.0:
        raise SpecError("opinion_weight must lie in [0, 1]", field="opinion_weight")
    ruling = scenario.parties.host_executive.base_bloc
    as_of = scenario.levers.as_of
    role_fit = p.ruling_yes_propensity is None and leg.ruling_yes_propensity == "calibrated"
    fit = _vote_fit(as_of)  # None: no consent vote recorded before as_of (the priors then)
    if role_fit:
        rho_r = _prior_yes()[0] if fit is None else fit.government_yes
    else:
        rho_r = float(_pick(p.ruling_yes_propensity, leg.ruling_yes_propensity))
    if p.opposition_yes_propensity is not None:
        rho_o = float(p.opposition_yes_propensity)
    elif leg.opposition_yes_propensity == "calibrated":
        if fit is None:
            rho_o = _prior_yes()[1]
        else:
            rho_o = fit.opposition_yes if role_fit else calibrate(rho_r, as_of.isoformat()).opposition_yes_propensity
    else:
        rho_o = float(leg.opposition_yes_propensity)
    if p.attendance_sd is not None:
        attendance_sd = float(p.attendance_sd)
    elif leg.attendance_sd == "calibrated":
        if fit is None:  # the between-vote spread has no prior: the scenario must give it
            raise _no_votes("legislature.attendance_sd", as_of)
        attendance_sd = fit.attendance_sd
    else:
        attendance_sd = float(leg.attendance_sd)
    bloc_of = {b.id: b for b in leg.blocs}

    def scenario_presence(bloc: str) -> float:
        own = bloc_of[bloc].attendance_rate if bloc in bloc_of else None
        return float(leg.attendance_rate if own is None else own)

    if p.attendance is None:
        presence = {b: scenario_presence(b) for b in table.blocs}
    elif isinstance(p.attendance, Mapping):
        presence = {b: float(p.attendance[b]) if b in p.attendance else scenario_presence(b) for b in table.blocs}
    else:
        presence = {b: float(p.attendance) for b in table.blocs}
    disc = float(leg.party_discipline) if p.discipline is None else float(p.discipline)
    multipliers: dict[str, float | None] = {b.id: b.line for b in leg.blocs}
    if p.party_lines is not None:
        multipliers.update(p.party_lines)
    ruling_mult = multipliers.get(ruling)
    stand_in = ref * (1.0 if ruling_mult is None else float(ruling_mult))
    positions, lines, wtps, discipline, rho = [], [], [], [], []
    for bloc in table.blocs:
        mult = multipliers.get(bloc)
        group = _base_group(scenario, bloc, opinion)
        wtp = float(opinion.median(group)) * p.wtp_multiplier
        if mult is None:
            line = stand_in
            discipline.append(0.0)
            lines.append(math.nan)
        else:
            line = ref * float(mult)
            discipline.append(disc)
            lines.append(line)
        wtps.append(wtp)
        positions.append(math.exp((1.0 - w) * math.log(line) + w * math.log(wtp)))
        rho.append(rho_r if bloc == ruling else rho_o)
    quorum = _quorum(int(leg.quorum), int(leg.total_seats), table.seated) if p.quorum is None else int(p.quorum)
    notes = (
        f"seats: {table.source}",
        f"opinion weight {w:g} on {day.isoformat()} (election {scenario.levers.election_date.isoformat()})",
        f"party lines as multiples of {ref:,.0f} won (legislature.line_reference_krw)",
        f"consent: quorum {quorum}, yes > {majority} of {'those present' if majority_of == 'present' else 'all seated members'}",
        "party lines, propensities, scales and shocks: assumptions (docs/legislature.md)",
        *table.notes,
    )
    return LegislatureModel(
        blocs=table.blocs,
        seats=table.seats,
        total_seats=int(leg.total_seats),
        quorum=quorum,
        p_present=tuple(presence[b] for b in table.blocs),
        position_krw=tuple(positions),
        discipline=tuple(discipline),
        yes_propensity=tuple(rho),
        defection=float(_pick(p.defection, leg.defection)),
        whip_scale=float(_pick(p.whip_scale, leg.whip_scale)),
        member_scale=float(_pick(p.member_scale, leg.member_scale)),
        shock_sd=float(_pick(p.shock_sd, leg.opinion_shock_sd)),
        n_shock_nodes=int(_pick(p.n_shock_nodes, leg.opinion_shock_nodes)),
        duration_elasticity=float(_pick(p.duration_elasticity, leg.duration_elasticity)),
        majority=majority,
        majority_of=majority_of,
        attendance_sd=attendance_sd,
        line_krw=tuple(lines),
        wtp_krw=tuple(wtps),
        opinion_weight=w,
        notes=notes,
    )
