"""The scenario schema: a frozen, validated description of one negotiation (DESIGN.md §3-4).

A scenario is *data*: what the world is (parties, the agreement space, the cost model, public
opinion, the legislature, the protocol, dated events, strategies, uncertain parameters and the
levers a user may move).  How it is sampled (draws, seed, backend) lives elsewhere.

Units (DESIGN.md §6): money in base units with the currency in the key (``_krw`` in won,
``_usd`` in dollars), shares and probabilities in [0, 1], rates that the record states in percent
keep a ``_pct`` suffix, dates are TOML dates.  Every model forbids unknown keys and is frozen.

Checks that span fields (a model's own consistency) live in that model's validator; checks that
span sections (references between ids, dates against the protocol horizon, paths named by
``uncertainty``) live in :class:`Scenario`'s validator.  They raise
:class:`~burdenshare.errors.ScenarioError` whose ``field`` is *relative to the model that raises
it* (the root for :class:`Scenario`); pydantic wraps it, and :mod:`burdenshare.scenario.io` unwraps
it into one ScenarioError with the full dotted path and the line in the file.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import types
import typing
from fractions import Fraction
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo

from burdenshare.bargaining.strategies import REGISTRY, STRATEGY_NAMES
from burdenshare.limits import MAX_AMOUNT_POINTS
from burdenshare.errors import ScenarioError

Date = _dt.date


def _iso_date(value: Any) -> Any:
    """A date field takes a date, or an ISO text ``YYYY-MM-DD`` (JSON has no date type); never a
    datetime or a time (the model is strict: TOML datetimes are refused, issue 13)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


#: The annotation of a date field: :data:`Date`, from a date or its ISO text.
DateIn = Annotated[_dt.date, BeforeValidator(_iso_date)]

__all__ = [
    "SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "DATE_MIN",
    "DATE_MAX",
    "MAX_GRID_POINTS",
    "STRATEGY_KINDS",
    "EVENT_KINDS",
    "DISTRIBUTIONS",
    "PROVENANCE_KINDS",
    "Scenario",
]

SCHEMA_VERSION = 1
SUPPORTED_SCHEMA_VERSIONS: tuple[int, ...] = (1,)

#: Earliest date a scenario may mention: 1 Jan 1991, the first year of the 1st SMA, the first
#: year the bundled data covers (``sma_history.csv``, ``sma_annual_contributions.csv``).
DATE_MIN = _dt.date(1991, 1, 1)
#: Latest date a scenario may mention: 31 Dec 2100.  A scenario may look ahead (an election, a
#: horizon) far past the data; every fact it takes from the data must be covered by them, which
#: the data checks enforce (``seats_from_data`` outside the seat snapshots' terms is an error).
DATE_MAX = _dt.date(2100, 12, 31)
#: Upper bound on the number of points of the amount grid (guards against a typo in ``step``).
MAX_GRID_POINTS = MAX_AMOUNT_POINTS

#: The strategy kinds a scenario can name: the keys of the one strategy registry
#: (:data:`burdenshare.bargaining.strategies.REGISTRY`).
STRATEGY_KINDS = STRATEGY_NAMES
EVENT_KINDS = (
    "furlough",
    "election",
    "us_election",
    "inauguration",
    "new_assembly",
    "statement",
    "deadline",
    "round",
    "other",
)
DISTRIBUTIONS = ("uniform", "normal", "truncnorm", "beta", "triangular", "lognormal", "bernoulli")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegMoney = Annotated[float, Field(ge=0.0)]
PosMoney = Annotated[float, Field(gt=0.0)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Text = Annotated[str, Field(max_length=20_000)]
ParamValue = Union[bool, int, float, Date, str]


def _fail(field: str, message: str) -> None:
    """Raise a ScenarioError for ``field`` (a dotted path relative to the validating model)."""
    raise ScenarioError(message, field=field)


def _check_date(field: str, value: Date | None) -> None:
    if value is not None and not (DATE_MIN <= value <= DATE_MAX):
        _fail(
            field,
            f"date {value.isoformat()} is outside the data range {DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}",
        )


class _Model(BaseModel):
    # strict: a boolean or a string is never read as a number, a datetime never as a date (TOML
    # gives numbers, dates and strings their own types; issue 13)
    model_config = ConfigDict(
        strict=True,
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        populate_by_name=False,
        validate_default=True,
    )


# --------------------------------------------------------------------------- provenance


#: A source ID of the data README's registry (``S12``, ``X21``, ``S156b``).
SourceId = Annotated[str, Field(pattern=r"^[SX]\d+[a-z]?$")]
#: A reference into the bundled data: ``<file>:<row>`` (``context.csv:us_initial_ask_2020``,
#: ``national_assembly.csv:record_type=seats&event_date=2020-04-15``, ``README.md:S78``); the rules
#: are in :mod:`burdenshare.scenario.sources`.
DataRefText = Annotated[str, Field(min_length=3, max_length=500, pattern=r"^[^:\s]+:\S.*$")]
Reason = Annotated[str, Field(min_length=1, max_length=20_000)]


class DataValue(_Model):
    """A value read from the bundled data (``burdenshare.data``): file and row, with source IDs.

    ``column`` names the cell that *is* the value (in base units: ``…_krw_billion`` × 1e9,
    ``…_usd_million`` × 1e6, a ``context.csv`` value by its unit); leave it out where the row
    supports the value without being it (a bloc read off a party's row, a maximum over rows).
    """

    kind: Literal["data"]
    source: DataRefText
    column: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    ids: list[SourceId] = Field(default_factory=list)
    note: Text = ""


class ComputedValue(_Model):
    """A value computed from others: the arithmetic (``formula``) and what it reads (``from``:
    data references ``<file>:<row>`` or dotted paths of the scenario)."""

    kind: Literal["computed"]
    formula: Reason
    from_: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(alias="from", min_length=1)
    ids: list[SourceId] = Field(default_factory=list)
    note: Text = ""


class AssumedValue(_Model):
    """A value not in the record: a modelling assumption, with the reason for it."""

    kind: Literal["assumption"]
    reason: Reason


class DocumentValue(_Model):
    """A fact from a reference document outside the bundled data (the design brief's calendar,
    the Constitution, the commentary of the as-of date): ``source`` names it."""

    kind: Literal["document"]
    source: Reason
    note: Text = ""


class OverrideValue(_Model):
    """A value the user set with ``--set``: ``value`` as TOML text, ``was`` the provenance it
    replaced (one line), so no output claims a source for a changed value."""

    kind: Literal["override"]
    value: Annotated[str, Field(max_length=20_000)]
    was: Text = ""


ProvenanceEntry = Annotated[
    Union[DataValue, ComputedValue, AssumedValue, DocumentValue, OverrideValue],
    Field(discriminator="kind"),
]
#: The kinds of a provenance entry.
PROVENANCE_KINDS = ("data", "computed", "assumption", "document", "override")
#: The entry model of each kind.
ENTRY_MODELS: dict[str, type[BaseModel]] = {
    "data": DataValue,
    "computed": ComputedValue,
    "assumption": AssumedValue,
    "document": DocumentValue,
    "override": OverrideValue,
}


class Provenance(_Model):
    """Where the numbers come from.

    ``summary``, ``sources`` and ``assumptions`` are free text for people.  ``values`` is the
    machine-readable map: one entry per scenario value, keyed by its dotted path as ``--set``
    writes it (``levers.us_ask_usd``, ``legislature.blocs.0.party_line``); an entry on a table or
    list covers what it holds unless a deeper entry says otherwise.  Paths under ``uncertainty``
    are not keys (each distribution has its own ``source``; analyses cut that list).
    """

    summary: Text = ""
    sources: list[Text] = Field(default_factory=list)
    assumptions: list[Text] = Field(default_factory=list)
    values: dict[Annotated[str, Field(min_length=1, max_length=300)], ProvenanceEntry] = Field(
        default_factory=dict
    )


# --------------------------------------------------------------------------- parties


class Government(_Model):
    """One of the two governments at the table."""

    id: Id
    name: Text
    currency: Literal["USD", "KRW", "JPY", "EUR"]
    role: Literal["proposer", "host"]


class Principal(_Model):
    """The proposer's head of government (the US President), who must approve what the agent initials.

    ``reservation_value_krw`` is the lowest first-year amount (won per year) he approves; it is
    usually uncertain (give it a distribution under ``uncertainty``).  At the ``us_election`` event
    the administration changes with ``p_administration_change``; from the ``inauguration`` event the
    new President's reservation value is ``reservation_value_after_change_krw``.
    """

    id: Id
    name: Text
    government: Id
    approval_required: bool = True
    reservation_value_krw: PosMoney
    p_administration_change: Probability = 0.0
    reservation_value_after_change_krw: PosMoney | None = None


class HostExecutive(_Model):
    """The host executive: submits the consent bill (agenda control) and answers to its own base."""

    id: Id
    name: Text
    government: Id
    base_bloc: Id
    submission: Literal["immediate", "strategic"] = "strategic"
    opinion_weight: Share = 0.5
    #: With ``submission = "strategic"`` the executive submits (and its negotiator offers or
    #: accepts) only texts whose consent probability at the date is at least this (agenda control,
    #: Tarar 2001).  A model assumption; ``burdenshare solve`` and ``run`` read the same value.
    #: ``"calibrated"``: set per run so that the model's Assembly rejections per submitted text
    #: equal the Jeffreys posterior mean of the recorded rate before ``levers.as_of``
    #: (:mod:`burdenshare.engine.agenda`).
    submit_threshold: Share | Literal["calibrated"] = 0.5


class Parties(_Model):
    governments: list[Government] = Field(min_length=2, max_length=2)
    principal: Principal
    host_executive: HostExecutive

    @model_validator(mode="after")
    def _roles(self) -> Parties:
        ids = [g.id for g in self.governments]
        if len(set(ids)) != 2:
            _fail("governments.1.id", f"duplicate government id {ids[1]!r}")
        roles = sorted(g.role for g in self.governments)
        if roles != ["host", "proposer"]:
            _fail("governments", f"roles are {roles}; allowed: exactly one 'proposer' and one 'host'")
        if self.principal.government != self.proposer.id:
            _fail(
                "principal.government",
                f"got {self.principal.government!r}; allowed: the proposer {self.proposer.id!r}",
            )
        if self.host_executive.government != self.host.id:
            _fail(
                "host_executive.government",
                f"got {self.host_executive.government!r}; allowed: the host {self.host.id!r}",
            )
        return self

    @property
    def proposer(self) -> Government:
        """The proposing government (pays for the troops, asks for support)."""
        return next(g for g in self.governments if g.role == "proposer")

    @property
    def host(self) -> Government:
        """The host government (pays the SMA contribution, needs legislative consent)."""
        return next(g for g in self.governments if g.role == "host")


# --------------------------------------------------------------------------- agreement space

EscalatorKind = Literal["none", "fixed", "cpi", "defense_budget"]


class AgreementSpace(_Model):
    """The terms that can be bargained over.

    The amount grid runs from ``amount_min_krw`` to ``amount_max_krw`` (first-year amount, won per
    year) with either ``amount_step_krw`` or ``amount_n`` points (exactly one).  Durations are the
    lever ``levers.allowed_durations``; each must be at most ``max_duration_years``.
    """

    amount_min_krw: NonNegMoney
    amount_max_krw: PosMoney
    amount_step_krw: PosMoney | None = None
    amount_n: Annotated[int, Field(ge=1)] | None = None
    max_duration_years: Annotated[int, Field(ge=1, le=10)] = 5
    escalators: list[EscalatorKind] = Field(default_factory=lambda: list[EscalatorKind](["none"]), min_length=1)
    categories: list[Id] = Field(min_length=1)

    @model_validator(mode="after")
    def _grid(self) -> AgreementSpace:
        if self.amount_min_krw > self.amount_max_krw:
            _fail(
                "amount_min_krw",
                f"{self.amount_min_krw:g} is above amount_max_krw {self.amount_max_krw:g}; allowed: min <= max",
            )
        if (self.amount_step_krw is None) == (self.amount_n is None):
            _fail("amount_step_krw", "give exactly one of amount_step_krw and amount_n")
        points = self.grid_points()
        if points > MAX_GRID_POINTS:
            _fail(
                "amount_step_krw" if self.amount_n is None else "amount_n",
                f"the amount grid would have {points} points; allowed: at most {MAX_GRID_POINTS} "
                "(cap MAX_AMOUNT_POINTS, docs/limits.md)",
            )
        if len(set(self.categories)) != len(self.categories):
            _fail("categories", "category ids must be unique")
        if len(set(self.escalators)) != len(self.escalators):
            _fail("escalators", "escalator kinds must be unique")
        return self

    def grid_points(self) -> int:
        """Number of points of the amount grid."""
        if self.amount_n is not None:
            return self.amount_n
        span = self.amount_max_krw - self.amount_min_krw
        assert self.amount_step_krw is not None
        return int(math.floor(span / self.amount_step_krw + 1e-9)) + 1


# --------------------------------------------------------------------------- cost model (contract with `explain`)


class Escalator(_Model):
    """Year-on-year growth of the payment: none, a fixed %, CPI- or defence-budget-linked, optionally capped.

    The schedule family of the agreement (:mod:`burdenshare.agreement`): an index kind reads the
    index of the payment year minus ``lag_years``; ``jump_year`` (the year of the term, 2 = the
    second) grows by ``jump_pct`` instead of the escalator.
    """

    kind: EscalatorKind = "none"
    rate_pct: Annotated[float, Field(ge=-100.0, le=100.0)] = 0.0
    cap_pct: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    lag_years: Annotated[int, Field(ge=0, le=5)] = 0
    jump_year: Annotated[int, Field(ge=2, le=10)] | None = None
    jump_pct: Annotated[float, Field(gt=-100.0, le=100.0)] | None = None
    #: The bargained rates (:mod:`burdenshare.bargaining.rate_value`): a ``fixed`` family with a cap,
    #: each rate in [0, cap_pct], strictly increasing, ``rate_pct`` among them; unset: not bargained.
    rate_grid_pct: list[Annotated[float, Field(ge=-100.0, le=100.0)]] | None = Field(default=None, min_length=1, max_length=11)
    #: The bargained caps (:mod:`burdenshare.bargaining.index_cap`): a ``cpi`` or ``defense_budget``
    #: family, each cap >= 0, strictly increasing, ``cap_pct`` among them; unset: not bargained.
    cap_grid_pct: list[Annotated[float, Field(ge=-100.0, le=100.0)]] | None = Field(default=None, min_length=1, max_length=11)

    @model_validator(mode="after")
    def _consistent(self) -> Escalator:
        if self.kind == "none" and (self.rate_pct != 0.0 or self.cap_pct is not None):
            _fail("kind", "'none' takes no rate_pct or cap_pct; use kind = 'fixed' for a fixed rate")
        if self.kind == "fixed" and self.cap_pct is not None and self.rate_pct > self.cap_pct:
            _fail("cap_pct", f"{self.cap_pct:g} is below the fixed rate_pct {self.rate_pct:g}")
        if (self.jump_year is None) != (self.jump_pct is None):
            _fail("jump_year", "give both jump_year and jump_pct, or neither")
        if self.rate_grid_pct is not None:
            from burdenshare.bargaining.rate_value import check_rate_grid

            problem = check_rate_grid(self.kind, self.rate_pct, self.cap_pct, self.rate_grid_pct)
            if problem is not None:
                _fail(*problem)
        if self.cap_grid_pct is not None:
            from burdenshare.bargaining.index_cap import check_cap_grid

            problem = check_cap_grid(self.kind, self.cap_pct, self.cap_grid_pct)
            if problem is not None:
                _fail(*problem)
        return self


class CostCategory(_Model):
    """One cost category: covered by the current agreement or newly sought, with its share of the ask."""

    id: Id
    label: Text
    status: Literal["covered", "sought"]
    share_of_ask: Share
    source: Text
    assumption: bool = False


class CostModel(_Model):
    """How an agreement becomes a payment schedule (contract with the ``explain`` engineer)."""

    base_year: Annotated[int, Field(ge=DATE_MIN.year, le=DATE_MAX.year)]
    current_agreement_krw: PosMoney
    current_agreement_source: Text
    discount_rate: Annotated[float, Field(ge=0.0, lt=1.0)]
    escalator: Escalator = Field(default_factory=Escalator)
    categories: list[CostCategory] = Field(min_length=1)
    exchange_rates_krw_per_usd: dict[Annotated[int, Field(ge=DATE_MIN.year, le=2100, strict=False)], PosMoney] = Field(
        default_factory=dict
    )
    exchange_rate_source: Text = ""
    index_growth_pct: dict[Literal["cpi", "defense_budget"], dict[Annotated[int, Field(ge=DATE_MIN.year, le=2100, strict=False)], Annotated[float, Field(ge=-50.0, le=100.0)]]] = Field(
        default_factory=dict
    )
    #: The stated spread of those assumptions: sd (percentage points) of each assumed year's growth,
    #: drawn per draw (:mod:`burdenshare.engine.index_draws`); a year without one is held at its value.
    index_growth_sd_pct: dict[Literal["cpi", "defense_budget"], dict[Annotated[int, Field(ge=DATE_MIN.year, le=2100, strict=False)], Annotated[float, Field(ge=0.0, le=50.0)]]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _shares(self) -> CostModel:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            _fail("categories", f"duplicate category id {dup!r}")
        total = math.fsum(c.share_of_ask for c in self.categories)
        if abs(total - 1.0) > 1e-9:
            _fail("categories", f"share_of_ask sums to {total:.12g}; allowed: 1 (within 1e-9)")
        for kind, sds in self.index_growth_sd_pct.items():
            for year in sds:
                if year not in self.index_growth_pct.get(kind, {}):
                    _fail(f"index_growth_sd_pct.{kind}.{year}",
                          f"an sd for a year without an assumed growth; allowed: the years of index_growth_pct.{kind} "
                          f"({', '.join(map(str, sorted(self.index_growth_pct.get(kind, {})))) or 'none'})")
        return self


# --------------------------------------------------------------------------- opinion


class OpinionGroup(_Model):
    """A partisan group of the public, with its population share and the poll subgroups it fits to."""

    id: Id
    label: Text
    population_share: Share
    poll_subgroups: list[Text] = Field(default_factory=list)
    bloc: Id | None = None


class Transparency(_Model):
    """Transparency as Bayesian information (THEORY.md §15).

    The itemized statement reveals the justified amount with noise ``signal_noise_sd_krw`` at full
    transparency (the opinion model scales it with the lever ``levers.transparency``); a statement from
    the asking side counts with weight ``credibility_weight``.  The justified amount counts covered
    categories at ``justified_share_covered`` and sought ones at ``justified_share_sought``.
    """

    credibility_weight: Share
    signal_noise_sd_krw: PosMoney
    prior_sd_krw: PosMoney
    justified_share_covered: Share = 1.0
    justified_share_sought: Share = 0.0


class Coercion(_Model):
    """Coercion (furloughs, drawdown threats): backlash and the no-deal cost (THEORY.md §15 reverberation).

    ``backlash_rho``: WTP' = WTP·(1 + rho·pressure), pressure = furloughed share of the workforce;
    negative for backlash, positive for persuasion.  ``no_deal_cost_weight``: share of the perceived
    no-deal cost (drawdown) the public adds to its WTP.
    """

    backlash_rho: Annotated[float, Field(ge=-10.0, le=10.0)] = 0.0
    no_deal_cost_weight: Share = 0.0


class EventEffect(_Model):
    """The effect of a dated event on opinion: a shift of WTP decaying with a half-life (rally form)."""

    event: Id
    wtp_shift_share: Annotated[float, Field(ge=-1.0, le=10.0)] = 0.0
    half_life_days: Annotated[float, Field(gt=0.0)] | None = None


class Opinion(_Model):
    """Public opinion inputs: which poll rows to fit, the groups, transparency, coercion, events."""

    polls: list[Id] = Field(default_factory=list)  # empty: the documented wide prior (opinion.from_scenario)
    reading: Literal["main", "alt"] = "main"
    anchor_ask_usd: PosMoney
    wtp_family: Literal["lognormal", "loglogistic"] = "lognormal"
    drop_dont_know: bool = True
    groups: list[OpinionGroup] = Field(min_length=1)
    transparency: Transparency
    coercion: Coercion = Field(default_factory=Coercion)
    event_effects: list[EventEffect] = Field(default_factory=list)

    @model_validator(mode="after")
    def _groups(self) -> Opinion:
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            _fail("groups", "group ids must be unique")
        total = math.fsum(g.population_share for g in self.groups)
        if abs(total - 1.0) > 1e-9:
            _fail("groups", f"population_share sums to {total:.12g}; allowed: 1 (within 1e-9)")
        return self


# --------------------------------------------------------------------------- legislature


#: Art. 49 and its stricter variants: the majority is a fraction a/b with b <= 20 in [1/10, 9/10].
MAJORITY_ALLOWED = 'a fraction "a/b" in [1/10, 9/10] with b <= 20 (Art. 49: "1/2"; e.g. "3/5", "2/3") or its decimal value (0.6)'

PartyLine = Annotated[float, Field(gt=0.0, le=100.0)]
Scale = Annotated[float, Field(ge=0.0, le=10.0)]


def _word_or_number(value: Any, word: str, allowed: str) -> Any:
    """Before-validation of a field that takes a number or one word: a clear error for any other
    string (pydantic's union error would name only one branch)."""
    if isinstance(value, str) and value != word:
        raise ScenarioError(f"got {value!r}; allowed: {allowed}")
    return value


def majority_fraction(value: float | str) -> Fraction:
    """The majority share as a fraction a/b (``"2/3"``, ``0.6``, ``0.5``).

    Raises
    ------
    ScenarioError
        If it is not a fraction in [1/10, 9/10] with a denominator of at most 20.
    """
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str):
            frac = Fraction(value.strip())
        else:
            frac = Fraction(float(value)).limit_denominator(20)
            if abs(float(frac) - float(value)) > 1e-12:
                raise ValueError
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        raise ScenarioError(f"got {value!r}; allowed: {MAJORITY_ALLOWED}") from None
    if frac.denominator > 20 or not (Fraction(1, 10) <= frac <= Fraction(9, 10)):
        raise ScenarioError(f"got {value!r}; allowed: {MAJORITY_ALLOWED}")
    return frac


class Bloc(_Model):
    """A party bloc of the host legislature.

    ``party_line``: the bloc's line as a multiple of ``legislature.line_reference_krw`` (the
    current agreement by default); absent or ``"none"``: no line (the bloc is not whipped).
    ``attendance_rate``: the bloc's own presence probability (absent: the legislature's).
    """

    id: Id
    label: Text
    camp: Literal["ruling", "opposition", "other"] = "other"
    party_line: PartyLine | Literal["none"] | None = None
    attendance_rate: Probability | None = None

    @field_validator("party_line", mode="before")
    @classmethod
    def _line_word(cls, value: Any) -> Any:
        return _word_or_number(value, "none", 'a multiple of the reference amount in (0, 100], or "none" (no line)')

    @property
    def line(self) -> float | None:
        """The party line multiplier, or None for no line."""
        return None if self.party_line in (None, "none") else float(self.party_line)


class Period(_Model):
    """Seats by bloc from a date on (until the next period).  Either ``seats`` or ``seats_from_data``."""

    from_: DateIn = Field(alias="from")
    label: Text = ""
    seats: dict[Id, Annotated[int, Field(ge=0)]] | None = None
    seats_from_data: bool = False
    source: Text = ""

    @model_validator(mode="after")
    def _one_source(self) -> Period:
        if (self.seats is not None) == self.seats_from_data:
            _fail("seats", "give exactly one of seats (a table bloc = seats) and seats_from_data = true")
        return self


class Legislature(_Model):
    """The host legislature: seats by period, the consent rule (Art. 49), discipline, opinion
    weight, and the parameters of members' votes (docs/legislature.md; every default is the
    documented assumption of :mod:`burdenshare.legislature.from_scenario`)."""

    total_seats: Annotated[int, Field(ge=1, le=10_000)]
    quorum: Annotated[int, Field(ge=1)]
    majority_of: Literal["present", "all"] = "present"
    majority_share: float | str = "1/2"
    attendance_rate: Probability
    attendance_sd: Annotated[float, Field(ge=0.0, le=0.5)] | Literal["calibrated"] = 0.0
    abstention_rate: Probability = 0.0
    party_discipline: Probability
    opinion_weight: Share
    opinion_weight_pre_election: Share
    pre_election_window_days: Annotated[int, Field(ge=0, le=3650)] = 0
    line_reference_krw: PosMoney | Literal["current_agreement"] = "current_agreement"
    ruling_yes_propensity: Probability | Literal["calibrated"] = "calibrated"
    opposition_yes_propensity: Probability | Literal["calibrated"] = "calibrated"
    defection: Probability = 0.05
    whip_scale: Scale = 0.03
    member_scale: Scale = 0.10
    opinion_shock_sd: Scale = 0.10
    opinion_shock_nodes: Annotated[int, Field(ge=1, le=64)] = 7
    duration_elasticity: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.02
    #: Scale of the floor vote's noise around each text's distance from the pivot, in (0, 1]
    #: (1: the model as specified); ``"calibrated"``: the least sharpening that brings the model's
    #: Assembly rejections per submitted text to the passing record before ``levers.as_of``
    #: (:mod:`burdenshare.engine.record_vote`).
    vote_noise_scale: Annotated[float, Field(gt=0.0, le=1.0)] | Literal["calibrated"] = 1.0
    blocs: list[Bloc] = Field(min_length=1)
    periods: list[Period] = Field(min_length=1)

    @field_validator("majority_share", mode="before")
    @classmethod
    def _majority(cls, value: Any) -> Any:
        majority_fraction(value)
        return value

    @field_validator("line_reference_krw", mode="before")
    @classmethod
    def _reference_word(cls, value: Any) -> Any:
        return _word_or_number(value, "current_agreement", 'won per year > 0, or "current_agreement" (cost_model.current_agreement_krw)')

    @field_validator("ruling_yes_propensity", "opposition_yes_propensity", mode="before")
    @classmethod
    def _propensity_word(cls, value: Any) -> Any:
        return _word_or_number(value, "calibrated", 'a probability in [0, 1], or "calibrated" (fitted to the recorded consent votes)')

    @field_validator("attendance_sd", mode="before")
    @classmethod
    def _attendance_sd_word(cls, value: Any) -> Any:
        return _word_or_number(value, "calibrated", 'an sd in [0, 0.5], or "calibrated" (fitted to the recorded consent votes)')

    @field_validator("vote_noise_scale", mode="before")
    @classmethod
    def _vote_noise_word(cls, value: Any) -> Any:
        return _word_or_number(value, "calibrated", 'a scale in (0, 1], or "calibrated" (conditioned on the passing record)')

    @property
    def majority(self) -> Fraction:
        """``majority_share`` as a fraction (Art. 49: 1/2)."""
        return majority_fraction(self.majority_share)

    @model_validator(mode="after")
    def _seats(self) -> Legislature:
        if self.quorum > self.total_seats:
            _fail("quorum", f"{self.quorum} exceeds total_seats {self.total_seats}")
        bloc_ids = [b.id for b in self.blocs]
        if len(set(bloc_ids)) != len(bloc_ids):
            _fail("blocs", "bloc ids must be unique")
        previous: Date | None = None
        for i, period in enumerate(self.periods):
            if previous is not None and period.from_ <= previous:
                _fail(
                    f"periods.{i}.from",
                    f"{period.from_.isoformat()} is not after the previous period's {previous.isoformat()}; periods must be in increasing date order",
                )
            previous = period.from_
            if period.seats is not None:
                for bloc in period.seats:
                    if bloc not in bloc_ids:
                        _fail(f"periods.{i}.seats.{bloc}", f"unknown bloc; allowed: {', '.join(bloc_ids)}")
                total = sum(period.seats.values())
                if total > self.total_seats:
                    _fail(
                        f"periods.{i}.seats",
                        f"seats sum to {total}; allowed: at most total_seats {self.total_seats}",
                    )
        return self


# --------------------------------------------------------------------------- protocol


class Rounds(_Model):
    """The session calendar: explicit ``dates`` or a ``start`` and ``interval_days`` (exactly one form)."""

    dates: list[DateIn] | None = None
    start: DateIn | None = None
    interval_days: Annotated[int, Field(ge=1, le=3650)] | None = None

    @model_validator(mode="after")
    def _form(self) -> Rounds:
        if self.dates is not None:
            if self.start is not None or self.interval_days is not None:
                _fail("", "give either dates or start + interval_days, not both")
            if not self.dates:
                _fail("dates", "must not be empty")
            for i in range(1, len(self.dates)):
                if self.dates[i] <= self.dates[i - 1]:
                    _fail(f"dates.{i}", "round dates must be strictly increasing")
        elif self.start is None or self.interval_days is None:
            _fail("", "give either dates or both start and interval_days")
        return self

    def schedule(self, until: Date) -> list[Date]:
        """All round dates up to and including ``until``."""
        if self.dates is not None:
            return [d for d in self.dates if d <= until]
        assert self.start is not None and self.interval_days is not None
        out: list[Date] = []
        day = self.start
        step = self.interval_days
        while day <= until:
            out.append(day)
            day = _dt.date.fromordinal(day.toordinal() + step)
        return out


class Overtime(_Model):
    """Costs of impasse after the deadline, per round and per side (won), and the drawdown option."""

    per_round_cost_krw: dict[Id, NonNegMoney] = Field(default_factory=dict)
    drawdown_outside_option: bool = False
    troop_level: Annotated[int, Field(ge=0)] | None = None
    drawdown_floor_troops: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _floor(self) -> Overtime:
        if (
            self.troop_level is not None
            and self.drawdown_floor_troops is not None
            and self.drawdown_floor_troops > self.troop_level
        ):
            _fail(
                "drawdown_floor_troops",
                f"{self.drawdown_floor_troops} is above troop_level {self.troop_level}",
            )
        return self


class Protocol(_Model):
    """Dated rounds of alternating offers with a deadline, overtime up to a horizon, optional TIOLI."""

    first_proposer: Id
    rounds: Rounds
    deadline: DateIn
    horizon: DateIn
    n_steps: Annotated[int, Field(ge=1, le=100_000)]
    take_it_or_leave_it: bool = False
    after_rejection: Literal["continue", "end"] = "continue"
    overtime: Overtime = Field(default_factory=Overtime)
    #: H of THEORY.md §16: the years over which renewals and lapses are counted.
    planning_horizon_years: Annotated[int, Field(ge=1, le=100)] = 6
    #: A renewal lapses in a draw whose own talks needed longer than this from the first round.
    renewal_window_days: Annotated[int, Field(ge=1, le=3650)] = 365


# --------------------------------------------------------------------------- events


class Event(_Model):
    """A dated event.  Kinds ``furlough`` and ``election`` take their date from the levers
    (``levers.furlough_from``, ``levers.election_date``) and must not give one."""

    id: Id
    kind: Literal[
        "furlough",
        "election",
        "us_election",
        "inauguration",
        "new_assembly",
        "statement",
        "deadline",
        "round",
        "other",
    ]
    date: DateIn | None = None
    label: Text = ""
    source: Text = ""
    parameters: dict[Id, ParamValue] = Field(default_factory=dict)


# --------------------------------------------------------------------------- strategies


class TermPreference(_Model):
    """A government's preference over the agreement's term (:mod:`burdenshare.bargaining.term_value`).

    A text of term m costs the side ``weight_krw * (m - ideal_years)**2`` won per year, on the
    scale of the schedule's level equivalent; it enters the side's term offers, acceptances and
    utility in the engine, the rational benchmark (``solve``) and ``advise``.
    """

    ideal_years: Annotated[int, Field(ge=1, le=10)]
    weight_krw: NonNegMoney


class Strategy(_Model):
    """A negotiator's strategy and preferences (DESIGN.md §4 Strategies).

    Time-based kinds use NegMAS's aspiration exponent e in ``a(t) = 1 - t**e``: ``boulware`` needs
    e > 1 (slow concession), ``linear`` exactly 1, ``conceder`` e < 1 (``time_based`` takes any).  Money is won per year (first-year amount).
    ``opening_offer_krw`` unset means: the proposer opens at ``levers.us_ask_usd`` and the host at the
    current agreement.

    ``concession_deadline`` is the negotiator's own time limit: the date by which its aspiration
    reaches its reservation value (a deadline it works to, such as a furlough date).  With n_i
    rounds of the talks on or before it, its relative time in round k is
    ``t_k = min(1, (k+1)/(n_i+1))`` and 1 from the first round after it; unset, n_i is the
    number of rounds of the talks (NegMAS's relative time over the whole negotiation).
    """

    kind: Annotated[str, Field(min_length=1, max_length=40)]
    exponent: Annotated[float, Field(gt=0.0, le=1000.0)] = 1.0
    reservation_value_krw: PosMoney
    opening_offer_krw: PosMoney | None = None
    discount_factor: Annotated[float, Field(gt=0.0, le=1.0)]
    audience_cost_krw: NonNegMoney = 0.0
    obstinate_probability: Probability = 0.0
    duration_preference: Literal["short", "long", "none"] = "none"
    term_preference: TermPreference | None = None
    #: Yearly rate at which the government discounts the schedule's payments (not the per-round
    #: ``discount_factor``): what makes the escalator rate a bargained issue
    #: (:mod:`burdenshare.bargaining.rate_value`); unset: ``cost_model.discount_rate``.
    discount_rate: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None
    #: Mean-sd price of the schedule's index risk, >= 0 (:mod:`burdenshare.bargaining.index_cap`:
    #: what makes a bargained cap worth something to a side); unset: 0 (risk-neutral).
    index_risk_aversion: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    concession_deadline: DateIn | None = None

    @model_validator(mode="after")
    def _kind(self) -> Strategy:
        entry = REGISTRY.get(self.kind)
        if entry is None:
            hint = " (equilibrium play is `burdenshare solve`)" if self.kind == "equilibrium" else ""
            _fail("kind", f"got {self.kind!r}; allowed: {', '.join(STRATEGY_KINDS)}{hint}")
        elif entry.exponent_rule is not None:
            msg = entry.exponent_rule(self.exponent)
            if msg is not None:
                _fail("exponent", msg)
        return self


# --------------------------------------------------------------------------- uncertainty


class _Dist(_Model):
    param: Annotated[str, Field(min_length=1, max_length=300)]
    source: Text = ""


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.low < self.high:
            _fail("low", f"{self.low:g} is not below high {self.high:g}")
        return self


class Normal(_Dist):
    dist: Literal["normal"]
    mean: float
    sd: Annotated[float, Field(gt=0.0)]


class TruncNorm(_Dist):
    dist: Literal["truncnorm"]
    mean: float
    sd: Annotated[float, Field(gt=0.0)]
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> TruncNorm:
        if not self.low < self.high:
            _fail("low", f"{self.low:g} is not below high {self.high:g}")
        return self


class Beta(_Dist):
    dist: Literal["beta"]
    a: Annotated[float, Field(gt=0.0)]
    b: Annotated[float, Field(gt=0.0)]
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> Beta:
        if not self.low < self.high:
            _fail("low", f"{self.low:g} is not below high {self.high:g}")
        return self


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            _fail(
                "mode",
                f"need low <= mode <= high and low < high; got {self.low:g}, {self.mode:g}, {self.high:g}",
            )
        return self


class LogNormal(_Dist):
    dist: Literal["lognormal"]
    mu: float
    sigma: Annotated[float, Field(gt=0.0)]


class Bernoulli(_Dist):
    dist: Literal["bernoulli"]
    p: Probability


Distribution = Annotated[
    Union[Uniform, Normal, TruncNorm, Beta, Triangular, LogNormal, Bernoulli],
    Field(discriminator="dist"),
]


DIST_MODELS: dict[str, type[BaseModel]] = {
    "uniform": Uniform,
    "normal": Normal,
    "truncnorm": TruncNorm,
    "beta": Beta,
    "triangular": Triangular,
    "lognormal": LogNormal,
    "bernoulli": Bernoulli,
}


def support(dist: Any) -> tuple[float, float] | None:
    """The bounded support ``(low, high)`` of a distribution, or None where it is unbounded."""
    if isinstance(dist, (Uniform, TruncNorm, Beta, Triangular)):
        return (dist.low, dist.high)
    if isinstance(dist, Bernoulli):
        return (0.0, 1.0)
    return None


# --------------------------------------------------------------------------- levers


class Outputs(_Model):
    """What the run summary reports beyond the fixed quantities.

    ``key_dates``: the dates of ``p_agreement_by`` (DESIGN.md §6).  Unset, they are derived from
    the scenario's timeline (:func:`burdenshare.engine.plan.key_dates`): the furlough
    (``levers.furlough_from``), the host election (``levers.election_date``), and the dated
    ``us_election`` and ``inauguration`` events, in date order.
    """

    key_dates: list[DateIn] | None = None

    @field_validator("key_dates")
    @classmethod
    def _sorted(cls, value: list[_dt.date] | None) -> list[_dt.date] | None:
        if value is not None:
            if not value:
                raise ValueError("must not be empty (leave it unset to derive the dates from the timeline)")
            if any(b <= a for a, b in zip(value, value[1:])):
                raise ValueError("key dates must be strictly increasing")
        return value


class Levers(_Model):
    """What a user moves (``--set levers.X=...``)."""

    as_of: DateIn
    us_ask_usd: PosMoney
    transparency: Share
    allowed_durations: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    furlough_from: DateIn | Literal["none"] = "none"
    election_date: DateIn

    @field_validator("allowed_durations")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("durations must be unique")
        return value


# --------------------------------------------------------------------------- the scenario


class Scenario(_Model):
    """A complete, validated, frozen scenario (schema version 1)."""

    schema_version: Literal[1]
    name: Id
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: Text = ""
    #: True where the scenario knowingly cites data rows dated after ``levers.as_of`` (a
    #: reconstruction with hindsight); every output then says so.  False: every cited row must be
    #: known on ``as_of`` (:func:`burdenshare.scenario.vintage.check_vintage`).
    hindsight: bool = False
    provenance: Provenance = Field(default_factory=Provenance)
    parties: Parties
    agreement_space: AgreementSpace
    cost_model: CostModel
    opinion: Opinion
    legislature: Legislature
    protocol: Protocol
    events: list[Event] = Field(default_factory=list)
    strategies: dict[Id, Strategy]
    uncertainty: list[Distribution] = Field(default_factory=list)
    levers: Levers
    outputs: Outputs = Field(default_factory=Outputs)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        self._check_dates()
        self._check_references()
        self._check_levers()
        self._check_uncertainty()
        self._check_provenance()
        return self

    def round_dates(self) -> tuple[Date, ...]:
        """Round dates of the talks: the calendar's dates on or after ``levers.as_of``, at most
        ``protocol.n_steps``, none after ``protocol.horizon`` (the one calendar of the engine, the
        solver and the analyses).

        Raises
        ------
        ScenarioError
            If no round falls between ``levers.as_of`` and ``protocol.horizon`` (``field="protocol.rounds"``).
        """
        pro = self.protocol
        dates = [d for d in pro.rounds.schedule(pro.horizon) if d >= self.levers.as_of][: pro.n_steps]
        if not dates:
            raise ScenarioError(
                f"no round falls between levers.as_of {self.levers.as_of.isoformat()} and protocol.horizon "
                f"{pro.horizon.isoformat()}", field="protocol.rounds")
        return tuple(dates)

    # -- helpers -----------------------------------------------------------------

    def _check_dates(self) -> None:
        lev, pro = self.levers, self.protocol
        _check_date("levers.as_of", lev.as_of)
        _check_date("levers.election_date", lev.election_date)
        if lev.furlough_from != "none":
            _check_date("levers.furlough_from", lev.furlough_from)
        _check_date("protocol.deadline", pro.deadline)
        _check_date("protocol.horizon", pro.horizon)
        _check_date("protocol.rounds.start", pro.rounds.start)
        for i, d in enumerate(pro.rounds.dates or []):
            _check_date(f"protocol.rounds.dates.{i}", d)
        for i, ev in enumerate(self.events):
            _check_date(f"events.{i}.date", ev.date)
            for key, value in ev.parameters.items():
                if isinstance(value, Date):
                    _check_date(f"events.{i}.parameters.{key}", value)
            if ev.kind == "furlough" and "counter_move_days" in ev.parameters:
                cm = ev.parameters["counter_move_days"]
                if isinstance(cm, bool) or not isinstance(cm, int) or not 0 <= cm <= 3650:
                    _fail(f"events.{i}.parameters.counter_move_days",
                          f"got {cm!r}; allowed: an integer 0..3650 (days after the furlough starts at which the "
                          "host pays the workers itself; leave it out for never)")
        for i, d in enumerate(self.outputs.key_dates or []):
            _check_date(f"outputs.key_dates.{i}", d)
        for i, period in enumerate(self.legislature.periods):
            _check_date(f"legislature.periods.{i}.from", period.from_)
        for gov, strategy in self.strategies.items():
            if strategy.concession_deadline is not None:
                _check_date(f"strategies.{gov}.concession_deadline", strategy.concession_deadline)
        # contradictions
        if pro.horizon < lev.as_of:
            _fail(
                "protocol.horizon",
                f"{pro.horizon.isoformat()} is before levers.as_of {lev.as_of.isoformat()}; nothing is left to simulate",
            )
        if lev.furlough_from != "none" and lev.furlough_from > pro.horizon:
            _fail(
                "levers.furlough_from",
                f'{lev.furlough_from.isoformat()} is after protocol.horizon {pro.horizon.isoformat()}; use "none" for no furlough',
            )
        rounds = pro.rounds.schedule(pro.horizon)
        if pro.rounds.dates is not None and len(rounds) != len(pro.rounds.dates):
            i = len(rounds)
            _fail(
                f"protocol.rounds.dates.{i}",
                f"{pro.rounds.dates[i].isoformat()} is after protocol.horizon {pro.horizon.isoformat()}",
            )
        if pro.rounds.start is not None and pro.rounds.start > pro.horizon:
            _fail(
                "protocol.rounds.start",
                f"{pro.rounds.start.isoformat()} is after protocol.horizon {pro.horizon.isoformat()}",
            )
        if pro.n_steps > len(rounds):
            _fail(
                "protocol.n_steps",
                f"{pro.n_steps} steps but only {len(rounds)} rounds fall on or before protocol.horizon",
            )
        if self.legislature.periods[0].from_ > lev.as_of:
            _fail(
                "legislature.periods.0.from",
                f"{self.legislature.periods[0].from_.isoformat()} is after levers.as_of {lev.as_of.isoformat()}; the first period must cover as_of",
            )
        by_kind: dict[str, list[int]] = {}
        for i, ev in enumerate(self.events):
            by_kind.setdefault(ev.kind, []).append(i)
        us_election = [self.events[i].date for i in by_kind.get("us_election", [])]
        for i in by_kind.get("inauguration", []):
            when = self.events[i].date
            if when is not None and any(u is not None and when <= u for u in us_election):
                _fail(
                    f"events.{i}.date", f"the inauguration ({when.isoformat()}) must come after the us_election"
                )
        for i in by_kind.get("new_assembly", []):
            when = self.events[i].date
            if when is not None and "election" in by_kind and when <= lev.election_date:
                _fail(
                    f"events.{i}.date",
                    f"the new assembly ({when.isoformat()}) must sit after levers.election_date ({lev.election_date.isoformat()})",
                )

    def _check_references(self) -> None:
        gov_ids = [g.id for g in self.parties.governments]
        bloc_ids = [b.id for b in self.legislature.blocs]
        cat_ids = [c.id for c in self.cost_model.categories]
        event_ids = [e.id for e in self.events]
        if self.parties.host_executive.base_bloc not in bloc_ids:
            _fail(
                "parties.host_executive.base_bloc",
                f"unknown bloc {self.parties.host_executive.base_bloc!r}; allowed: {', '.join(bloc_ids)}",
            )
        for i, cat in enumerate(self.agreement_space.categories):
            if cat not in cat_ids:
                _fail(
                    f"agreement_space.categories.{i}",
                    f"unknown category {cat!r}; allowed: {', '.join(cat_ids)}",
                )
        if self.cost_model.escalator.kind not in self.agreement_space.escalators:
            _fail(
                "cost_model.escalator.kind",
                f"{self.cost_model.escalator.kind!r} is not in agreement_space.escalators ({', '.join(self.agreement_space.escalators)})",
            )
        for i, group in enumerate(self.opinion.groups):
            if group.bloc is not None and group.bloc not in bloc_ids:
                _fail(
                    f"opinion.groups.{i}.bloc", f"unknown bloc {group.bloc!r}; allowed: {', '.join(bloc_ids)}"
                )
        for i, effect in enumerate(self.opinion.event_effects):
            if effect.event not in event_ids:
                _fail(
                    f"opinion.event_effects.{i}.event",
                    f"unknown event {effect.event!r}; allowed: {', '.join(event_ids) or '(no events)'}",
                )
        if len(set(event_ids)) != len(event_ids):
            dup = next(e for e in event_ids if event_ids.count(e) > 1)
            _fail(
                f"events.{event_ids.index(dup, event_ids.index(dup) + 1)}.id", f"duplicate event id {dup!r}"
            )
        for i, ev in enumerate(self.events):
            if ev.kind in ("furlough", "election"):
                lever = "levers.furlough_from" if ev.kind == "furlough" else "levers.election_date"
                if ev.date is not None:
                    _fail(
                        f"events.{i}.date", f"a {ev.kind} event takes its date from {lever}; remove date here"
                    )
                if sum(1 for e in self.events if e.kind == ev.kind) > 1:
                    _fail(f"events.{i}.kind", f"at most one {ev.kind} event (its date is {lever})")
            elif ev.date is None:
                _fail(f"events.{i}.date", f"missing; a {ev.kind} event needs a date")
        if self.protocol.first_proposer not in gov_ids:
            _fail(
                "protocol.first_proposer",
                f"unknown government {self.protocol.first_proposer!r}; allowed: {', '.join(gov_ids)}",
            )
        for key in self.protocol.overtime.per_round_cost_krw:
            if key not in gov_ids:
                _fail(
                    f"protocol.overtime.per_round_cost_krw.{key}",
                    f"unknown government; allowed: {', '.join(gov_ids)}",
                )
        for key in self.strategies:
            if key not in gov_ids:
                _fail(f"strategies.{key}", f"unknown negotiator; allowed: {', '.join(gov_ids)}")
        for gid in gov_ids:
            if gid not in self.strategies:
                _fail(
                    "strategies",
                    f"missing a strategy for {gid!r}; need one per government ({', '.join(gov_ids)})",
                )

    def _check_levers(self) -> None:
        from burdenshare.agreement import scenario_index_path
        from burdenshare.errors import BurdenshareError

        top = self.agreement_space.max_duration_years
        for i, years in enumerate(self.levers.allowed_durations):
            if years > top:
                _fail(
                    f"levers.allowed_durations.{i}",
                    f"{years} years; allowed: 1..{top} (agreement_space.max_duration_years)",
                )
        esc = self.cost_model.escalator
        if esc.jump_year is not None and esc.jump_year > max(self.levers.allowed_durations):
            _fail("cost_model.escalator.jump_year",
                  f"year {esc.jump_year} of the term; allowed: 2..{max(self.levers.allowed_durations)} (the longest allowed term)")
        try:  # an index-linked escalator needs its index over the longest term (burdenshare.agreement)
            scenario_index_path(self)
        except BurdenshareError as exc:
            _fail(exc.field or "cost_model.index_growth_pct", exc.message)
        if self.levers.transparency > 0:
            # the statement reveals s = sum of the items times their justified share (burdenshare.opinion.
            # justified_amount_krw); with no item counted, s = 0 and the public's update (toward ln s) is undefined
            t = self.opinion.transparency
            share = {"covered": t.justified_share_covered, "sought": t.justified_share_sought}
            if not any(c.share_of_ask > 0 and share[c.status] > 0 for c in self.cost_model.categories):
                _fail(
                    "levers.transparency",
                    f"{self.levers.transparency:g} publishes a statement that justifies no part of the ask "
                    "(opinion.transparency.justified_share_covered/sought are 0 for every category with a share); "
                    "allowed: 0, or a positive justified share",
                )

    def _check_provenance(self) -> None:
        """Every key of ``provenance.values`` (and every scenario path an entry reads from) names
        a value of this scenario outside ``provenance`` and ``uncertainty``."""
        for key, entry in self.provenance.values.items():
            field = f'provenance.values."{key}"'
            problem = self.path_problem(key)
            if problem is not None:
                _fail(field, problem)
            if isinstance(entry, ComputedValue):
                for i, item in enumerate(entry.from_):
                    if ":" in item:
                        continue  # a data reference, checked against the data on load
                    problem = self.path_problem(item)
                    if problem is not None:
                        _fail(f"{field}.from.{i}", problem)

    def path_problem(self, path: str) -> str | None:
        """Why ``path`` cannot carry provenance (None if it names a value of this scenario).

        Parameters
        ----------
        path
            A dotted path as ``--set`` writes it (``levers.us_ask_usd``, ``legislature.blocs.0.party_line``).

        Returns
        -------
        str or None
            One line: what is wrong and what is allowed there.
        """
        parts = path.split(".")
        if parts[0] in ("provenance", "uncertainty", "schema_version"):
            return (
                f"{path!r} cannot carry provenance; allowed: a dotted path to a value outside "
                "provenance and uncertainty (a distribution's provenance is its own source)"
            )
        current: Any = self
        for depth, part in enumerate(parts):
            found = resolve_path(current, part)
            if found is _MISSING:
                where = ".".join(parts[:depth]) or "the top level"
                return f"{path!r} names no field of this scenario; allowed under {where}: {_keys_of(current)}"
            current = found
        return None

    def _check_uncertainty(self) -> None:
        seen: set[str] = set()
        for i, dist in enumerate(self.uncertainty):
            if dist.param in seen:
                _fail(f"uncertainty.{i}.param", f"{dist.param!r} already has a distribution")
            seen.add(dist.param)
            if dist.param.startswith(("uncertainty", "schema_version")):
                _fail(f"uncertainty.{i}.param", f"{dist.param!r} cannot be uncertain")
            value = resolve_path(self, dist.param)
            if value is _MISSING:
                _fail(f"uncertainty.{i}.param", f"{dist.param!r} is not a field of this scenario")
            if dist.dist == "bernoulli":
                if not isinstance(value, (bool, float, int)):
                    _fail(
                        f"uncertainty.{i}.param",
                        f"{dist.param!r} is {type(value).__name__}; bernoulli needs a bool or number",
                    )
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                kind = "unset" if value is None else type(value).__name__
                _fail(
                    f"uncertainty.{i}.param",
                    f"{dist.param!r} is {kind}; a {dist.dist} distribution needs a number",
                )
            if isinstance(value, bool):
                continue
            lo, hi = field_bounds(dist.param)
            sup = support(dist)
            if sup is None:
                low_ok = lo is None or (dist.dist == "lognormal" and lo[0] <= 0.0)
                if not (low_ok and hi is None):
                    _fail(
                        f"uncertainty.{i}.dist",
                        f"{dist.dist} draws are unbounded but {dist.param} must lie in {_interval(lo, hi)}; use a bounded distribution (truncnorm, beta, uniform, triangular)",
                    )
            else:
                if not _inside(sup[0], lo, hi) or not _inside(sup[1], lo, hi):
                    _fail(
                        f"uncertainty.{i}",
                        f"the support [{sup[0]:g}, {sup[1]:g}] of this {dist.dist} leaves the range of {dist.param}, {_interval(lo, hi)}",
                    )


_MISSING = object()

Bound = tuple[float, bool]  # (value, inclusive)


def _interval(lo: Bound | None, hi: Bound | None) -> str:
    left = "(-inf" if lo is None else ("[" if lo[1] else "(") + f"{lo[0]:g}"
    right = "inf)" if hi is None else f"{hi[0]:g}" + ("]" if hi[1] else ")")
    return f"{left}, {right}"


def _inside(x: float, lo: Bound | None, hi: Bound | None) -> bool:
    if lo is not None and (x < lo[0] or (x == lo[0] and not lo[1])):
        return False
    if hi is not None and (x > hi[0] or (x == hi[0] and not hi[1])):
        return False
    return True


def strip_annotated(annotation: Any) -> Any:
    """``Annotated[X, ...]`` -> ``X`` (repeatedly)."""
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def descend(annotation: Any, segment: str | int) -> Any | None:
    """The annotation reached from ``annotation`` through one path segment, or None if the schema
    has no such path.  Models take field names or aliases, lists take indices, dicts any key;
    unions try each member."""
    annotation = strip_annotated(annotation)
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for member in get_args(annotation):
            if member is type(None):
                continue
            found = descend(member, segment)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(segment, str):
            return None
        for name, info in annotation.model_fields.items():
            if segment == (info.alias or name):
                if info.metadata:
                    return Annotated[(info.annotation, *info.metadata)]
                return info.annotation
        return None
    if origin is list:
        if isinstance(segment, int) or (isinstance(segment, str) and segment.isdigit()):
            return get_args(annotation)[0]
        return None
    if origin is dict:
        return get_args(annotation)[1]
    return None


def _constraints(annotation: Any) -> list[Any]:
    out: list[Any] = []
    while True:
        if get_origin(annotation) is typing.Annotated:
            args = get_args(annotation)
            for meta in args[1:]:
                if isinstance(meta, FieldInfo):
                    out.extend(meta.metadata)
                else:
                    out.append(meta)
            annotation = args[0]
            continue
        if get_origin(annotation) in (Union, types.UnionType):
            members = [m for m in get_args(annotation) if m is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
        return out


def _bound_value(value: object) -> float:
    """A numeric schema bound as a float (annotated_types types bounds as comparison protocols)."""
    if isinstance(value, (int, float)):
        return float(value)
    raise TypeError(f"the schema bound {value!r} is not a number")


def field_bounds(path: str) -> tuple[Bound | None, Bound | None]:
    """The numeric bounds the schema puts on the field at ``path`` (``(value, inclusive)`` or None)."""
    annotation: Any = Scenario
    for part in path.split("."):
        found = descend(annotation, part)
        if found is None:
            return None, None
        annotation = found
    lo: Bound | None = None
    hi: Bound | None = None
    for c in _constraints(annotation):
        if isinstance(c, annotated_types.Ge):
            lo = (_bound_value(c.ge), True)
        elif isinstance(c, annotated_types.Gt):
            lo = (_bound_value(c.gt), False)
        elif isinstance(c, annotated_types.Le):
            hi = (_bound_value(c.le), True)
        elif isinstance(c, annotated_types.Lt):
            hi = (_bound_value(c.lt), False)
    return lo, hi


def resolve_path(obj: Any, path: str) -> Any:
    """Follow a dotted path (``strategies.us.reservation_value_krw``, ``legislature.periods.0.seats.x``)
    through models, lists and dicts; return the value or a sentinel when it does not exist."""
    current = obj
    for part in path.split("."):
        if isinstance(current, BaseModel):
            name = _field_name(type(current), part)
            if name is None:
                return _MISSING
            current = getattr(current, name)
        elif isinstance(current, list):
            if not part.isdigit() or int(part) >= len(current):
                return _MISSING
            current = current[int(part)]
        elif isinstance(current, dict):
            key: Any = part
            if key not in current and part.lstrip("-").isdigit() and int(part) in current:
                key = int(part)
            if key not in current:
                return _MISSING
            current = current[key]
        else:
            return _MISSING
    return current


def _keys_of(node: Any) -> str:
    """The keys a dotted path may take below ``node`` (for error messages)."""
    if isinstance(node, BaseModel):
        names = [info.alias or name for name, info in type(node).model_fields.items()]
        if isinstance(node, Scenario):
            names = [n for n in names if n not in ("provenance", "uncertainty", "schema_version")]
        return ", ".join(names)
    if isinstance(node, list):
        return f"an index 0..{len(node) - 1}" if node else "nothing (the list is empty)"
    if isinstance(node, dict):
        return ", ".join(str(k) for k in node) or "nothing (the table is empty)"
    return "nothing (it is a value, not a table)"


def _field_name(model: type[BaseModel], key: str) -> str | None:
    """The attribute name of the field whose name or alias is ``key``."""
    for name, info in model.model_fields.items():
        if key == (info.alias or name):
            return name
    return None
