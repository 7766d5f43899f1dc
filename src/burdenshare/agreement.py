r"""The agreement as it is signed: a multiyear payment schedule.

A Special Measures Agreement fixes a **term** of :math:`N` years (1-10 here; the recorded SMAs ran
1-5 years, ``sma_history.csv``), an **opening-year amount** :math:`A_1` (equal to the current
contribution it is a *freeze*), optionally a **jump** in one later year, and an **escalator** for
the other years:

.. math::

    A_i = A_{i-1}\,(1 + g_i / 100), \qquad i = 2, \dots, N,

    g_i = \begin{cases} J & \text{in the jump year} \\
                        \min(\tilde g_i, \bar g) & \text{with a cap } \bar g \\
                        \tilde g_i & \text{else,} \end{cases}
    \qquad \tilde g_i = s + I_{t_i - \ell},

where :math:`t_i` is the calendar year of payment :math:`i`, :math:`I_y` the index growth of
year :math:`y` (``none``: 0; ``fixed``: 0 and the spread :math:`s` is the fixed rate; ``cpi``: the
ROK CPI inflation; ``defense_budget``: the growth of the ROK defense budget), :math:`\ell` a lag
in years (the 8th and 9th SMAs used the CPI inflation *of two years earlier*, capped at 4 %) and
:math:`s` a spread in percentage points (the 5th SMA: "+8.8 % plus CPI inflation of two years
earlier").  The recorded SMA rules this expresses (``sma_history.csv:annual_increase_rule``):

* 3rd: fixed +10 %/yr; 6th: flat (no escalator); 7th: CPI; 8th, 9th: CPI(t-2) capped at 4 %;
  10th: one year; 5th: +8.8 pp + CPI(t-2).
* 4th: the growth of nominal GNP (real growth + inflation): kind ``nominal_gdp``, a family of this
  type only (scenarios offer the three families ``cost_model.escalator`` names; the data hold
  first-release nominal GDP for 2014-2020, :func:`index_path`).
* Not expressible: the 1st and 2nd (the ROK set the amount each year; no rule).

**Value of a schedule.**  Its present value at the first year with discount rate :math:`r` is
:math:`PV = \sum_i A_i (1 + r)^{-(i-1)}` and its **level equivalent** the constant yearly amount
with the same present value over the term,

.. math::

    \bar A = PV \Big/ \sum_{i=1}^{N} (1 + r)^{-(i-1)} = A_1 \, f_N, \qquad
    f_N = \frac{\sum_i \prod_{h \le i} (1 + g_h/100)\,(1 + r)^{-(i-1)}}{\sum_i (1 + r)^{-(i-1)}},

so the schedule is valued on the same won-per-year scale as a flat agreement (a flat schedule has
:math:`f_N = 1` and :math:`\bar A = A_1`).  Consent, the President's approval and the utilities of
the engine read :math:`\bar A` (:func:`level_factors`); since every growth rate is independent of
:math:`A_1`, :math:`\bar A` is linear in :math:`A_1` for each term.

**Index paths.**  Years before the scenario's ``as_of`` year come from the data
(``macro_series.csv``: ``rok_cpi_inflation_pct``, ``rok_defense_budget``); later years are not
known at ``as_of`` and must be given by the scenario as an assumption
(``cost_model.index_growth_pct.<kind>``), which also overrides a data year.  A missing year is a
:class:`~burdenshare.errors.SpecError` naming that field.  An assumed year may carry a stated sd
(``cost_model.index_growth_sd_pct.<kind>``); the run then draws that year per draw
(:mod:`burdenshare.engine.index_draws`), and the functions here give the central path.

References
----------
Agreement texts as summarised in ``sma_history.csv`` / ``sma_annual_contributions.csv``
(sources S13, S15, S24, S53, S75 and others there).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from burdenshare import data
from burdenshare.errors import DataError, SpecError

__all__ = [
    "IndexKind",
    "MAX_TERM_YEARS",
    "EscalatorRule",
    "AgreementSchedule",
    "index_path",
    "scenario_escalator",
    "scenario_index_path",
    "level_factors",
    "schedule_for",
    "year_factors",
]

#: Longest term a schedule may have (years).
MAX_TERM_YEARS: int = 10
IndexKind = Literal["cpi", "defense_budget", "nominal_gdp"]
_KINDS: tuple[str, ...] = ("none", "fixed", "cpi", "defense_budget", "nominal_gdp")
_LABEL: dict[str, str] = {"cpi": "CPI inflation", "defense_budget": "defense-budget growth",
                          "nominal_gdp": "nominal GDP growth"}


@dataclass(frozen=True, slots=True)
class EscalatorRule:
    """Growth rule for the years after the first (module docstring).

    Parameters
    ----------
    kind
        ``"none"``, ``"fixed"``, ``"cpi"``, ``"defense_budget"`` or ``"nominal_gdp"``.
    rate_pct
        ``fixed``: the yearly rate; index kinds: a spread added to the index (percentage points).
    cap_pct
        Upper bound on each year's growth (percent, >= 0), or None.
    lag_years
        The index year is the payment year minus this (0-5).

    Raises
    ------
    SpecError
        Unknown kind, a rate on ``none``, a negative cap or a lag outside 0-5.
    """

    kind: str = "none"
    rate_pct: float = 0.0
    cap_pct: float | None = None
    lag_years: int = 0

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise SpecError(f"got {self.kind!r}; allowed: {', '.join(_KINDS)}", field="escalator.kind")
        if not math.isfinite(self.rate_pct) or self.rate_pct <= -100.0:
            raise SpecError(f"got {self.rate_pct!r}; a finite percent above -100", field="escalator.rate_pct")
        if self.kind == "none" and self.rate_pct != 0.0:
            raise SpecError("'none' takes no rate_pct; use kind 'fixed'", field="escalator.rate_pct")
        if self.cap_pct is not None and not (math.isfinite(self.cap_pct) and self.cap_pct >= 0.0):
            raise SpecError(f"got {self.cap_pct!r}; allowed: a cap >= 0 percent", field="escalator.cap_pct")
        if isinstance(self.lag_years, bool) or not (0 <= int(self.lag_years) <= 5):
            raise SpecError(f"got {self.lag_years!r}; allowed: 0..5 years", field="escalator.lag_years")

    @property
    def index(self) -> IndexKind | None:
        """The index series the rule reads, if any."""
        return self.kind if self.kind in ("cpi", "defense_budget", "nominal_gdp") else None  # type: ignore[return-value]

    def growth_pct(self, index_growth_pct: float = 0.0) -> float:
        """The growth of one year (percent) given that year's (lagged) index growth."""
        raw = self.rate_pct + (index_growth_pct if self.index is not None else 0.0)
        return raw if self.cap_pct is None else min(raw, self.cap_pct)


@dataclass(frozen=True, slots=True)
class AgreementSchedule:
    """A signed agreement: term, opening amount, optional jump and escalator (module docstring).

    Parameters
    ----------
    first_year
        Calendar year of the first payment.
    term_years
        Number of yearly payments (1 to :data:`MAX_TERM_YEARS`).
    opening_krw
        Payment in the first year (won, >= 0).
    escalator
        Growth rule of the later years.
    jump_year
        Calendar year (after the first, within the term) whose growth is ``jump_pct`` instead of
        the escalator's, or None.
    jump_pct
        The growth in the jump year (percent).

    Examples
    --------
    The 9th SMA (2014-2018): KRW 920.0 bn, CPI inflation of two years earlier capped at 4 %:

    >>> s = AgreementSchedule(2014, 5, 920.0e9, EscalatorRule("cpi", cap_pct=4.0, lag_years=2))
    >>> round(s.amounts_by_year({2012: 2.2, 2013: 1.3, 2014: 1.3, 2015: 0.7, 2016: 1.0})[2018] / 1e9, 1)
    960.2
    """

    first_year: int
    term_years: int
    opening_krw: float
    escalator: EscalatorRule = EscalatorRule()
    jump_year: int | None = None
    jump_pct: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.term_years, bool) or not (1 <= int(self.term_years) <= MAX_TERM_YEARS):
            raise SpecError(f"got {self.term_years!r}; allowed: 1..{MAX_TERM_YEARS} years", field="term_years")
        if not (math.isfinite(self.opening_krw) and self.opening_krw >= 0.0):
            raise SpecError(f"got {self.opening_krw!r}; a finite amount >= 0", field="opening_krw")
        if (self.jump_year is None) != (self.jump_pct is None):
            raise SpecError("give both jump_year and jump_pct, or neither", field="jump_year")
        if self.jump_year is not None:
            last = self.first_year + self.term_years - 1
            if not (self.first_year < self.jump_year <= last):
                raise SpecError(f"{self.jump_year}; allowed: {self.first_year + 1}..{last} (a later year of the term)",
                                field="jump_year")
            assert self.jump_pct is not None
            if not (math.isfinite(self.jump_pct) and self.jump_pct > -100.0):
                raise SpecError(f"got {self.jump_pct!r}; a finite percent above -100", field="jump_pct")

    @property
    def years(self) -> tuple[int, ...]:
        """Calendar years of the payments."""
        return tuple(range(self.first_year, self.first_year + self.term_years))

    def index_years(self) -> tuple[int, ...]:
        """The index years the escalator reads (empty without an index or after a one-year term)."""
        if self.escalator.index is None:
            return ()
        lag = self.escalator.lag_years
        return tuple(y - lag for y in self.years[1:] if y != self.jump_year)

    def growth_by_year(self, index_growth_pct: Mapping[int, float] | None = None) -> dict[int, float]:
        """Growth (percent) applied in each year; 0 in the first.

        Raises
        ------
        SpecError
            An index-linked escalator misses a year of ``index_growth_pct`` (``field="index_growth_pct"``).
        """
        need = self.index_years()
        missing = [y for y in need if index_growth_pct is None or y not in index_growth_pct]
        if missing:
            raise SpecError(f"escalator {self.escalator.kind!r} needs index growth for "
                            f"{', '.join(map(str, missing))}", field="index_growth_pct")
        out = {self.first_year: 0.0}
        for y in self.years[1:]:
            if y == self.jump_year:
                assert self.jump_pct is not None
                out[y] = float(self.jump_pct)
            elif self.escalator.index is None:
                out[y] = self.escalator.growth_pct()
            else:
                assert index_growth_pct is not None
                out[y] = self.escalator.growth_pct(float(index_growth_pct[y - self.escalator.lag_years]))
        return out

    def amounts_by_year(self, index_growth_pct: Mapping[int, float] | None = None) -> dict[int, float]:
        """Payment per calendar year (won)."""
        out: dict[int, float] = {}
        a = float(self.opening_krw)
        for y, g in self.growth_by_year(index_growth_pct).items():
            if y != self.first_year:
                a = a * (1.0 + g / 100.0)
            out[y] = a
        return out

    def present_value(self, discount_rate: float, index_growth_pct: Mapping[int, float] | None = None,
                      base_year: int | None = None) -> float:
        r""":math:`\sum_t A_t (1 + r)^{-(t - b)}`, ``base_year`` :math:`b` defaulting to the first year."""
        if not (math.isfinite(discount_rate) and discount_rate > -1.0):
            raise SpecError(f"got {discount_rate!r}; a fraction above -1", field="discount_rate")
        b = self.first_year if base_year is None else base_year
        return math.fsum(a * (1.0 + discount_rate) ** -(t - b)
                         for t, a in self.amounts_by_year(index_growth_pct).items())

    def level_equivalent(self, discount_rate: float, index_growth_pct: Mapping[int, float] | None = None) -> float:
        """The constant yearly amount with the schedule's present value over its term (module docstring)."""
        annuity = math.fsum((1.0 + discount_rate) ** -i for i in range(self.term_years))
        return self.present_value(discount_rate, index_growth_pct) / annuity


def _nominal_gdp_growth_pct(year: int) -> float:
    """Growth of first-release nominal GDP (``macro_series.csv``), percent: one vintage for both years."""
    key = "rok_nominal_gdp_krw_first_release"
    return 100.0 * (data.macro(key, year) / data.macro(key, year - 1) - 1.0)


def index_path(kind: IndexKind, years: Sequence[int], *, as_of_year: int,
               assumed: Mapping[int, float] | None = None, field: str = "cost_model.index_growth_pct") -> dict[int, float]:
    """Index growth (percent) for ``years``: the scenario's assumption where given, else the data for
    years before ``as_of_year`` (module docstring).

    Raises
    ------
    SpecError
        A year neither assumed nor in the data before ``as_of_year`` (``field`` names ``<field>.<kind>``).
    """
    fn = {"cpi": data.cpi_inflation_pct, "defense_budget": data.defense_budget_growth_pct,
          "nominal_gdp": _nominal_gdp_growth_pct}[kind]
    out: dict[int, float] = {}
    missing: list[int] = []
    for y in years:
        if assumed is not None and y in assumed:
            out[y] = float(assumed[y])
            continue
        if y < as_of_year:
            try:
                v = float(fn(y))
            except DataError:
                v = math.nan
            if math.isfinite(v):
                out[y] = v
                continue
        missing.append(y)
    if missing:
        raise SpecError(
            f"no {_LABEL[kind]} for {', '.join(map(str, missing))} (years from {as_of_year} are not known at "
            f"as_of: give them as assumptions, e.g. {missing[0]} = 1.5)", field=f"{field}.{kind}")
    return out


def scenario_escalator(scenario: Any) -> tuple[EscalatorRule, int | None, float | None]:
    """The scenario's schedule family: ``cost_model.escalator`` as a rule, and its jump (offset, pct).

    The jump is ``jump_year`` (the year of the term, 2 = the second year) and ``jump_pct``.
    """
    esc = scenario.cost_model.escalator
    rule = EscalatorRule(esc.kind, float(esc.rate_pct), None if esc.cap_pct is None else float(esc.cap_pct),
                         int(getattr(esc, "lag_years", 0)))
    jy = getattr(esc, "jump_year", None)
    jp = getattr(esc, "jump_pct", None)
    return rule, (None if jy is None else int(jy)), (None if jp is None else float(jp))


def scenario_index_path(scenario: Any, terms: Sequence[int] | None = None) -> dict[int, float]:
    """The index path the scenario's escalator reads over its longest allowed term ({} without an index)."""
    rule, _, _ = scenario_escalator(scenario)
    if rule.index is None:
        return {}
    first = int(scenario.cost_model.base_year)
    top = max(terms if terms is not None else scenario.levers.allowed_durations)
    years = [first + i - rule.lag_years for i in range(1, top)]
    assumed = getattr(scenario.cost_model, "index_growth_pct", {}).get(rule.index)
    return index_path(rule.index, years, as_of_year=scenario.levers.as_of.year, assumed=assumed)


def schedule_for(scenario: Any, opening_krw: float, term_years: int) -> AgreementSchedule:
    """The scenario's schedule for an opening amount and a term: first year ``cost_model.base_year``,
    its escalator and jump (a jump beyond the term is dropped)."""
    rule, jump, jump_pct = scenario_escalator(scenario)
    first = int(scenario.cost_model.base_year)
    jy = None if jump is None or jump > term_years else first + jump - 1
    return AgreementSchedule(first, int(term_years), float(opening_krw), rule, jy,
                             None if jy is None else jump_pct)


def level_factors(scenario: Any, terms: Sequence[int]) -> NDArray[np.float64]:
    r""":math:`f_N` for each term (module docstring): the level equivalent of the scenario's schedule
    per won of opening amount, at ``cost_model.discount_rate``.  All ones for a flat schedule.

    Raises
    ------
    SpecError
        An index-linked escalator without its path (:func:`index_path`).
    """
    path = scenario_index_path(scenario, terms)
    r = float(scenario.cost_model.discount_rate)
    return np.array([schedule_for(scenario, 1.0, int(m)).level_equivalent(r, path) for m in terms], dtype=np.float64)


def year_factors(scenario: Any, terms: Sequence[int]) -> NDArray[np.float64]:
    """Payment of each year of the term per won of opening amount, (len(terms), max(terms)); NaN
    beyond a term.  Row ``d``, column ``i``: year ``cost_model.base_year + i`` of term ``terms[d]``."""
    path = scenario_index_path(scenario, terms)
    out = np.full((len(terms), max(terms)), np.nan)
    for d, m in enumerate(terms):
        out[d, : int(m)] = list(schedule_for(scenario, 1.0, int(m)).amounts_by_year(path).values())
    return out
