r"""The transparency statement: an ask broken down by category and year, in won and dollars.

``explain(scenario)`` answers the public-communication question of DESIGN.md §2: *break this ask
down by category and year, in KRW and USD, per capita, as % of GDP, next to Japan and Germany*.
Every figure carries its source (data file, row key and source IDs) or is marked as an
assumption; a figure the data cannot give is ``None`` (``null`` in JSON) with a note.

Computation
-----------
1. First-year ask :math:`A_{b}` in won, :math:`b` = ``cost_model.base_year``: the ask in dollars
   times the KRW/USD annual average of year :math:`b` (or the ask in won as given).
2. Schedule over the statement's years :math:`t = b, \dots, b+n-1` with the scenario's escalator
   (:func:`burdenshare.costs.payment_schedule`); CPI- and defense-budget-linked growth of year
   :math:`t` is the index growth of year :math:`t - \ell`, :math:`\ell` = ``escalator.lag_years``
   (as the engine's schedule reads it, :func:`burdenshare.agreement.scenario_index_path`), from
   the scenario's ``cost_model.index_growth_pct`` where it states that year (an assumption), else
   the data (``rok_cpi_inflation_pct``, ``rok_defense_budget``); the caller's ``index_growth_pct``
   (by payment year) overrides both.
3. Year totals in whole won, :math:`Y_t = \lfloor A_t + 1/2 \rfloor`, and whole dollars,
   :math:`U_t = \lfloor A_t / x + 1/2 \rfloor` with one KRW/USD rate :math:`x` for every year of the
   schedule (**the FX rule**): the scenario's rate of the base year :math:`b`, the one its ask is
   converted at by every command (:func:`burdenshare.costs.krw_per_usd`: the data's annual average
   of :math:`b` in the scenario's data view, else its stated ``exchange_rates_krw_per_usd[b]``),
   held flat over the later years, whose rates are not known at ``as_of``.  The later years' items
   are flagged as assumptions, and a rate the scenario states for a later year that differs from
   :math:`x` is named in a note and not used (a statement never mixes the rates of two vintages:
   before, ``sma-2020-hindsight`` converted 2020 at the 2020 average and 2021-2022 at 2019's).
4. Each year total is split over the categories by ``share_of_ask`` with the largest-remainder
   method in exact rational arithmetic (:class:`fractions.Fraction`): floor every exact share,
   then give the leftover units one each to the largest fractional parts (ties: category order).
   Hence the items of a year sum *exactly* to :math:`Y_t` (:math:`U_t`), and

   .. math:: \text{total\_krw} = \sum_t Y_t = \sum_{\text{items}} \text{amount\_krw}

   (likewise in dollars). An item's dollar amount is its share of :math:`U_t`, so it can differ
   from its won amount divided by the rate by less than one dollar.

Comparisons use the first-year ask; the reference years are stated in each figure (population and
GDP: the last complete year before :math:`b`; defense budget: year :math:`b`; SIPRI shares and
Germany's payments: the latest year in the data up to the last complete year before :math:`b`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

from burdenshare import data
from burdenshare.costs.schedule import (Escalator, Schedule, payment_schedule, present_value, round_half_up,
                                       split_largest_remainder)
from burdenshare.errors import DataError, SpecError
from burdenshare.scenario.vintage import reads_as_of

__all__ = ["MAX_YEARS", "Figure", "Statement", "StatementItem", "explain"]

from burdenshare import limits as _limits

#: Longest statement, in years (SMA terms have been 1-6 years; DESIGN.md §8 allows up to 10;
#: :data:`burdenshare.limits.MAX_YEARS`).
MAX_YEARS: int = _limits.MAX_YEARS

Currency = Literal["USD", "KRW"]


@dataclass(frozen=True, slots=True)
class StatementItem:
    """One category in one year.

    Attributes
    ----------
    category, label, status
        The scenario's cost category (``status``: ``covered`` or ``sought``).
    year
        Payment year.
    amount_krw, amount_usd
        Whole won and whole dollars (see the module docstring for the rounding rule).
    share_pct
        The category's share of the ask, in percent.
    source
        The category's source (the share's justification) from the scenario.
    assumption
        True if the share is an assumption, or the year's exchange rate or escalator index is.
    fx_krw_per_usd, fx_source
        The rate used for the year and where it comes from.
    """

    category: str
    label: str
    status: str
    year: int
    amount_krw: int
    amount_usd: int
    share_pct: float
    source: str
    assumption: bool
    fx_krw_per_usd: float
    fx_source: str

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form (base units)."""
        return {
            "category": self.category,
            "label": self.label,
            "status": self.status,
            "year": self.year,
            "amount_krw": self.amount_krw,
            "amount_usd": self.amount_usd,
            "share_pct": self.share_pct,
            "source": self.source,
            "assumption": self.assumption,
            "fx_krw_per_usd": self.fx_krw_per_usd,
            "fx_source": self.fx_source,
        }


@dataclass(frozen=True, slots=True)
class Figure:
    """One comparison figure: a value with unit, year, source or assumption flag, and a note.

    ``value`` is ``None`` when the data cannot give it (the note says why).
    """

    label: str
    value: float | None
    unit: str
    year: int | str | None
    source: str | None
    assumption: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form (``None`` → ``null``)."""
        value = self.value
        if value is not None and not math.isfinite(value):
            value = None
        return {
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "year": self.year,
            "source": self.source,
            "assumption": self.assumption,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Statement:
    """A transparency statement (see :func:`explain`).

    Attributes
    ----------
    scenario, as_of
        Scenario name and its ``levers.as_of`` date.
    currency
        Display currency of :meth:`render` (``USD`` or ``KRW``); JSON carries both.
    base_year, years
        First year of the agreement, and the years the statement covers.
    ask_krw, ask_usd
        The first-year ask (per year) in whole won and whole dollars.
    ask_source
        Where the ask comes from (``levers.us_ask_usd`` or the caller).
    escalator, growth_pct
        The escalator applied and the growth of each year (percent; 0 for the first).
    year_totals_krw, year_totals_usd
        :math:`Y_t`, :math:`U_t` per year.
    present_value_krw, discount_rate
        PV of the won schedule at ``base_year`` with the scenario's discount rate.
    items
        Category × year items, year-major.
    comparisons
        Named :class:`Figure` s.
    notes
        Caveats (assumed rates, assumed index growth, conflicts).
    """

    scenario: str
    as_of: date | None
    currency: Currency
    base_year: int
    years: tuple[int, ...]
    ask_krw: int
    ask_usd: int
    ask_source: str
    escalator: Escalator
    growth_pct: tuple[float, ...]
    year_totals_krw: tuple[int, ...]
    year_totals_usd: tuple[int, ...]
    present_value_krw: float
    discount_rate: float
    items: tuple[StatementItem, ...]
    comparisons: Mapping[str, Figure]
    notes: tuple[str, ...]

    @property
    def total_krw(self) -> int:
        """The ask over the statement's years in won: the sum of the items (exact)."""
        return sum(i.amount_krw for i in self.items)

    @property
    def total_usd(self) -> int:
        """The ask over the statement's years in dollars: the sum of the items (exact)."""
        return sum(i.amount_usd for i in self.items)

    def to_json(self) -> dict[str, Any]:
        """Machine output in base units (won, dollars); percentages in percent; absent → ``None``.

        Keys: ``ask_krw``, ``ask_usd``, ``total_krw``, ``total_usd``, ``items``, ``comparisons``, plus
        ``scenario``, ``as_of``, ``currency``, ``base_year``, ``years``, ``escalator``,
        ``growth_pct``, ``year_totals_krw``, ``year_totals_usd``, ``present_value_krw``,
        ``discount_rate``, ``ask_source`` and ``notes``.
        """
        return {
            "scenario": self.scenario,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "currency": self.currency,
            "base_year": self.base_year,
            "years": list(self.years),
            "ask_krw": self.ask_krw,
            "ask_usd": self.ask_usd,
            "ask_source": self.ask_source,
            "total_krw": self.total_krw,
            "total_usd": self.total_usd,
            "escalator": {
                "kind": self.escalator.kind,
                "rate_pct": self.escalator.rate_pct,
                "cap_pct": self.escalator.cap_pct,
            },
            "growth_pct": list(self.growth_pct),
            "year_totals_krw": list(self.year_totals_krw),
            "year_totals_usd": list(self.year_totals_usd),
            "present_value_krw": self.present_value_krw,
            "discount_rate": self.discount_rate,
            "items": [i.to_json() for i in self.items],
            "comparisons": {k: f.to_json() for k, f in self.comparisons.items()},
            "notes": list(self.notes),
        }

    def _repr_html_(self) -> str:
        """Notebook display (:mod:`burdenshare.report.notebook`)."""
        from burdenshare.report.notebook import statement_html

        return statement_html(self)

    def render(
        self, currency: str | None = None
    ) -> tuple[str, tuple[str, ...], list[tuple[str, ...]], list[str]]:
        """Rows for a table (printing is left to the caller, e.g. the CLI with rich).

        Parameters
        ----------
        currency
            ``"USD"`` or ``"KRW"``: which currency comes first; default the statement's.

        Returns
        -------
        (title, header, rows, footer)
            ``rows`` are tuples of strings (one per item, then a total row); ``footer`` lines hold
            the comparisons (with sources or ``ASSUMPTION``) and the notes. Strings contain no
            square brackets, so console markup (rich) prints them verbatim.
        """
        cur = (currency or self.currency).upper()
        if cur not in ("USD", "KRW"):
            raise SpecError(f"got {currency!r}; allowed: USD, KRW", field="currency")
        first, second = ("usd", "krw") if cur == "USD" else ("krw", "usd")
        span = f"{self.years[0]}" if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        title = (
            f"{self.scenario}: ask of {_money(self.ask_usd, 'usd')} / {_money(self.ask_krw, 'krw')} "
            f"per year, {span} ({self.escalator.kind} escalator)"
        )
        header = ("Category", "Status", "Year", f"Amount ({cur})", f"Amount ({second.upper()})", "Share", "Source")
        rows: list[tuple[str, ...]] = []
        for it in self.items:
            amounts = {"krw": it.amount_krw, "usd": it.amount_usd}
            rows.append(
                (
                    it.label,
                    it.status,
                    str(it.year),
                    _money(amounts[first], first),
                    _money(amounts[second], second),
                    f"{it.share_pct:.1f}%",
                    ("ASSUMPTION: " if it.assumption else "") + it.source,
                )
            )
        totals = {"krw": self.total_krw, "usd": self.total_usd}
        rows.append(("Total", "", span, _money(totals[first], first), _money(totals[second], second), "100.0%", ""))
        footer = []
        for fig in self.comparisons.values():
            value = "n/a" if fig.value is None else _fmt_value(fig.value, fig.unit)
            year = f" ({fig.year})" if fig.year is not None else ""
            parts = [f"{fig.label}{year}: {value}"]
            if fig.assumption:
                parts.append("ASSUMPTION" + (f" ({fig.source})" if fig.source else ""))
            elif fig.source:
                parts.append(f"source: {fig.source}")
            if fig.note:
                parts.append(fig.note)
            footer.append(" - ".join(parts))
        footer.extend(f"note: {n}" for n in self.notes)
        return title, header, rows, footer


def _money(amount: float, unit: str) -> str:
    if unit == "krw":
        return f"KRW {amount / 1e9:,.1f} bn"
    return f"USD {amount / 1e6:,.1f} M"


def _fmt_value(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:,.2f}%"
    if unit in ("KRW", "USD", "JPY", "EUR"):
        return f"{unit} {value:,.0f}"
    return f"{value:,.2f} {unit}".strip()


# --------------------------------------------------------------------------- inputs from the scenario


def _rate(year: int, assumed: Mapping[int, float], assumed_source: str) -> tuple[float, str, bool]:
    """(won per dollar, source, is_assumption) for one year."""
    entries = data.exchange_rate_entries(year)
    if entries:
        chosen = next(e for e in entries if e.chosen)
        return chosen.krw_per_usd, chosen.citation, False
    if year in assumed:
        src = assumed_source or "scenario cost_model.exchange_rates_krw_per_usd"
        return float(assumed[year]), f"assumption: {src}", True
    try:
        data.exchange_rate_krw_per_usd(year)
    except DataError as exc:
        raise DataError(exc.message, field="cost_model.exchange_rates_krw_per_usd") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _index_growth(
    kind: str, years: Sequence[int], given: Mapping[int, float] | None, *, lag: int = 0,
    stated: Mapping[int, float] | None = None,
) -> tuple[dict[int, float], dict[int, str], list[int]]:
    """Index growth per payment year (after the first): ``given`` (by payment year), else the index
    of year ``year - lag`` from ``stated`` (the scenario's ``cost_model.index_growth_pct.<kind>``, by
    index year), else from the data; also sources and assumed years."""
    growth: dict[int, float] = {}
    sources: dict[int, str] = {}
    assumed: list[int] = []
    for year in years[1:]:
        if given is not None and year in given:
            growth[year] = float(given[year])
            sources[year] = "assumption: index_growth_pct"
            assumed.append(year)
            continue
        iy = year - lag
        read = "" if lag == 0 else f" (the index of {iy}, lag {lag})"
        if stated is not None and iy in stated:  # as the engine's index path: the stated assumption first
            growth[year] = float(stated[iy])
            sources[year] = f"assumption: cost_model.index_growth_pct.{kind}.{iy}" + ("" if lag == 0 else f" (lag {lag})")
            assumed.append(year)
            continue
        try:
            if kind == "cpi":
                growth[year] = data.cpi_inflation_pct(iy)
                sources[year] = data.macro_entry("rok_cpi_inflation_pct", iy).citation + read
            else:
                growth[year] = data.defense_budget_growth_pct(iy)
                sources[year] = (
                    f"COMPUTED from {data.defense_budget_citation(iy - 1)} and {data.defense_budget_citation(iy)}"
                    + read)
        except DataError:
            label = "CPI inflation" if kind == "cpi" else "defense-budget growth"
            raise DataError(
                f"the {kind!r} escalator needs {label} for {iy}{'' if lag == 0 else f' (payment year {year}, lag {lag})'}, "
                f"which neither the data nor cost_model.index_growth_pct.{kind} hold; use fewer years, a fixed "
                "escalator, or state that year in cost_model.index_growth_pct",
                field="cost_model.escalator.kind",
            ) from None
    return growth, sources, assumed


def _safe(label: str, unit: str, year: int | str | None, compute: Any, source: Any, note: str = "", assumption: bool = False) -> Figure:
    """Build a Figure, turning a DataError into ``value=None`` with the error as note."""
    try:
        value = float(compute())
        src = source() if callable(source) else source
        return Figure(label, value, unit, year, src, assumption, note)
    except DataError as exc:
        return Figure(label, None, unit, year, None, assumption, (note + "; " if note else "") + exc.message)


def _confidence_note(key: str, note: str = "") -> str:
    """``note`` plus the row's confidence and notes when the confidence is not ``high``."""
    try:
        f = data.fact(key)
    except DataError:
        return note
    if f.confidence == "high":
        return note
    extra = f"confidence {f.confidence}" + (f": {f.notes}" if f.notes else "")
    return f"{note}; {extra}" if note else extra


def _latest_year(upto: int, probe: Any, span: int = 30) -> int:
    """The latest year <= ``upto`` for which ``probe(year)`` finds data (the comparison's reference
    year: the data in force, not a fixed year); ``upto`` when none is found (the figure then says
    what is missing)."""
    for year in range(upto, upto - span, -1):
        try:
            probe(year)
        except DataError:
            continue
        return year
    return upto


def _usfj_note() -> str:
    try:
        f = data.fact("usfj_troop_level")
    except DataError:
        return "USFJ troop level not in the data"
    return f"USFJ troop level as of {f.date} ({'; '.join(f.source_ids)})"


def _fact_figure(label: str, key: str, unit: str, year: int | str | None, note: str = "") -> Figure:
    def value() -> float:
        f = data.fact(key)
        if not isinstance(f.value, float):
            raise DataError(f"context.csv:{key} is not a number", field="key")
        return float(f.value)

    return _safe(label, unit, year, value, lambda: data.fact(key).citation, _confidence_note(key, note))


def _comparisons(
    ask_krw: float, ask_usd: float, base_year: int, current_krw: float, current_source: str,
    categories: Sequence[Any], assumed_rates: Mapping[int, float], rate_source: str,
) -> dict[str, Figure]:
    ref = base_year - 1
    figs: dict[str, Figure] = {}
    figs["current_agreement_krw"] = Figure(
        "Current agreement (won per year)", current_krw, "KRW", ref, current_source, False, ""
    )
    figs["current_agreement_usd"] = _safe(
        "Current agreement (dollars per year)", "USD", ref,
        lambda: current_krw / _rate(ref, assumed_rates, rate_source)[0],
        lambda: f"{current_source}; converted at {_rate(ref, assumed_rates, rate_source)[1]}",
        assumption=False,
    )
    figs["increase_over_current_pct"] = Figure(
        "Increase of the first-year ask over the current agreement (won)",
        100.0 * (ask_krw / current_krw - 1.0), "%", base_year,
        f"COMPUTED: ask_krw / current_agreement_krw - 1 ({current_source})",
    )
    covered = math.fsum(c.share_of_ask for c in categories if c.status == "covered")
    figs["covered_categories_pct"] = Figure(
        "Share of the ask in categories the current agreement covers", 100.0 * covered, "%", None,
        "scenario cost_model.categories", any(c.assumption for c in categories),
        "the rest is sought (new) categories",
    )
    pop_note = "MOIS resident registration (31 Dec); the World Bank estimate is a different concept"
    figs["ask_per_capita_krw"] = _safe(
        "First-year ask per resident (won)", "KRW", ref,
        lambda: ask_krw / data.population_persons(ref),
        lambda: data.macro_entry("rok_population_resident_registration", ref).citation, pop_note,
    )
    figs["ask_per_capita_usd"] = _safe(
        "First-year ask per resident (dollars)", "USD", ref,
        lambda: ask_usd / data.population_persons(ref),
        lambda: data.macro_entry("rok_population_resident_registration", ref).citation, pop_note,
    )
    figs["ask_pct_of_gdp"] = _safe(
        "First-year ask as % of nominal GDP", "%", ref,
        lambda: 100.0 * ask_krw / data.nominal_gdp_krw(ref, "2015base"),
        lambda: data.macro_entry("rok_nominal_gdp_krw_2015base", ref).citation,
        "GDP on the 2015 base year (vintages are not mixed)",
    )
    figs["ask_pct_of_defense_budget"] = _safe(
        "First-year ask as % of the ROK defense budget", "%", base_year,
        lambda: 100.0 * ask_krw / data.defense_budget_krw(base_year),
        lambda: data.defense_budget_citation(base_year),
    )
    figs["ask_per_us_troop_usd"] = _safe(
        "First-year ask per US troop in Korea (dollars)", "USD", base_year,
        lambda: ask_usd / float(data.fact("usfk_troop_level").value),
        lambda: data.fact("usfk_troop_level").citation,
    )
    sy = _latest_year(ref, lambda y: data.fact(f"milex_pct_gdp_{y}_south_korea"))
    figs["rok_milex_pct_gdp"] = _fact_figure("ROK military expenditure, % of GDP (SIPRI)", f"milex_pct_gdp_{sy}_south_korea", "%", sy)
    figs["japan_milex_pct_gdp"] = _fact_figure("Japan military expenditure, % of GDP (SIPRI)", f"milex_pct_gdp_{sy}_japan", "%", sy)
    figs["germany_milex_pct_gdp"] = _fact_figure(
        "Germany military expenditure, % of GDP (NATO basis)", f"milex_pct_gdp_{sy}_germany_nato_basis", "%", sy
    )
    hns_key = f"japan_hns_fy{ref}"
    figs["japan_hns_jpy"] = _safe(
        "Japan host-nation support (yen per year)", "JPY", ref,
        lambda: data.japan_hns_jpy(ref),
        lambda: data.fact(hns_key).citation,
        _confidence_note(hns_key, "sources give different Japan HNS figures (data README caveat 7)"),
    )
    figs["japan_hns_usd"] = _safe(
        "Japan host-nation support (dollars per year)", "USD", ref,
        lambda: data.japan_hns_jpy(ref) / data.jpy_per_usd(ref),
        lambda: f"{data.fact(hns_key).citation}; converted at {data.macro_entry('jpy_usd_avg', ref).citation}",
    )
    figs["japan_hns_per_us_troop_usd"] = _safe(
        "Japan host-nation support per US troop in Japan (dollars)", "USD", ref,
        lambda: data.japan_hns_jpy(ref) / data.jpy_per_usd(ref) / float(data.fact("usfj_troop_level").value),
        lambda: f"{data.fact(hns_key).citation}; {data.fact('usfj_troop_level').citation}",
        _usfj_note(),
    )
    de_note = (
        "direct federal payments only (construction administration, defence follow-up costs); not "
        "comparable with the SMA (data README)"
    )
    gy = _latest_year(ref, data.germany_stationing_payments_eur)
    figs["germany_direct_payments_eur"] = _safe(
        "Germany's direct federal payments for US troop stationing (euros per year)", "EUR", gy,
        lambda: data.germany_stationing_payments_eur(gy),
        lambda: data.macro_entry("germany_costs_us_troop_stationing", gy).citation, de_note,
    )
    figs["germany_direct_payments_usd"] = Figure(
        "Germany's direct federal payments (dollars per year)", None, "USD", gy, None, False,
        "no EUR/USD exchange rate in the data; not converted",
    )
    figs["germany_direct_payments_per_us_troop_eur"] = _safe(
        "Germany's direct federal payments per US troop (euros)", "EUR", gy,
        lambda: data.germany_stationing_payments_eur(gy) / data.macro("us_troops_germany", gy),
        lambda: f"{data.macro_entry('germany_costs_us_troop_stationing', gy).citation}; "
        f"{data.macro_entry('us_troops_germany', gy).citation}",
        de_note,
    )
    return figs


# --------------------------------------------------------------------------- explain


@reads_as_of
def explain(
    scenario: Any,
    *,
    ask_usd: float | None = None,
    ask: float | None = None,
    currency: str = "USD",
    years: int | None = None,
    index_growth_pct: Mapping[int, float] | None = None,
) -> Statement:
    """Build the transparency statement of an ask.

    Parameters
    ----------
    scenario
        A :class:`burdenshare.scenario.Scenario` (reads ``name``, ``levers.as_of``,
        ``levers.us_ask_usd`` and ``cost_model``).
    ask_usd
        First-year ask in dollars per year; default ``levers.us_ask_usd``.
    ask
        First-year ask in ``currency`` units (the CLI's ``--ask``); give at most one of ``ask`` and
        ``ask_usd``.
    currency
        ``"USD"`` or ``"KRW"``: the unit of ``ask`` and the display currency of :meth:`Statement.render`.
    years
        Break the ask down over this many years from ``cost_model.base_year`` with the scenario's
        escalator; default 1 (the first year only).
    index_growth_pct
        Year → CPI inflation or defense-budget growth (percent) for years the data do not cover,
        supplied as an assumption (items of those years are flagged).

    Returns
    -------
    Statement

    Raises
    ------
    SpecError
        Bad ``currency``, ``years`` or ask (``field`` names the argument).
    DataError
        A base year without an exchange rate in the data or the scenario
        (``field="cost_model.exchange_rates_krw_per_usd"``), or an index-linked escalator for a
        year without index data (``field="cost_model.escalator.kind"``).
    """
    cur = str(currency).upper()
    if cur not in ("USD", "KRW"):
        raise SpecError(f"got {currency!r}; allowed: USD, KRW", field="currency")
    if years is None:
        years = 1
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise SpecError(f"got {years!r}; allowed: an integer 1..{MAX_YEARS}", field="years")
    if ask is not None and ask_usd is not None:
        raise SpecError("give at most one of ask and ask_usd", field="ask")
    cm = scenario.cost_model
    base_year = int(cm.base_year)
    assumed_rates: Mapping[int, float] = dict(cm.exchange_rates_krw_per_usd or {})
    rate_source = str(getattr(cm, "exchange_rate_source", "") or "")
    notes: list[str] = []

    levers = getattr(scenario, "levers", None)
    as_of: date | None = getattr(levers, "as_of", None)
    rate_b, _, _ = _rate(base_year, assumed_rates, rate_source)
    if ask is not None:
        amount, field = float(ask), "ask"
        ask_source = f"caller (--ask, {cur})"
    elif ask_usd is not None:
        amount, field = float(ask_usd), "ask_usd"
        ask_source = "caller (ask_usd)"
    else:
        amount, field = float(scenario.levers.us_ask_usd), "levers.us_ask_usd"
        ask_source = "scenario levers.us_ask_usd"
    if not (math.isfinite(amount) and amount > 0):
        raise SpecError(f"got {amount!r}; the ask must be a positive finite amount", field=field)
    if ask is not None and cur == "KRW":
        first_krw = Fraction(amount)
        first_usd = Fraction(amount) / Fraction(rate_b)
    else:
        first_usd = Fraction(amount)
        first_krw = Fraction(amount) * Fraction(rate_b)

    esc_spec = cm.escalator
    escalator = Escalator(esc_spec.kind, float(esc_spec.rate_pct), None if esc_spec.cap_pct is None else float(esc_spec.cap_pct))
    span = list(range(base_year, base_year + years))
    growth: dict[int, float] = {}
    index_assumed: list[int] = []
    if escalator.needs_index and years > 1:
        stated = (getattr(cm, "index_growth_pct", None) or {}).get(escalator.kind)
        growth, sources, index_assumed = _index_growth(escalator.kind, span, index_growth_pct,
                                                       lag=int(getattr(esc_spec, "lag_years", 0) or 0), stated=stated)
        notes.append(
            f"{escalator.kind} escalator: growth by year from "
            + "; ".join(f"{y}: {growth[y]:.2f}% ({sources[y]})" for y in span[1:])
        )
    schedule: Schedule = payment_schedule(float(first_krw), base_year, years, escalator, growth or None)

    categories = list(cm.categories)
    shares = [float(c.share_of_ask) for c in categories]
    items: list[StatementItem] = []
    totals_krw: list[int] = []
    totals_usd: list[int] = []
    rate, base_source, base_assumed = _rate(base_year, assumed_rates, rate_source)  # the FX rule (docstring)
    if base_assumed:
        notes.append(f"{base_year}: exchange rate {rate:g} KRW/USD is an assumption ({base_source})")
    elif as_of is not None and date(base_year, 12, 31) > as_of:
        notes.append(
            f"{base_year}: the annual-average rate {rate:g} KRW/USD ({base_source}) was known only after "
            f"as_of {as_of.isoformat()}"
        )
    if years > 1:
        later = f"{span[1]}" if years == 2 else f"{span[1]}-{span[-1]}"
        notes.append(f"{later}: converted at the base year's rate {rate:g} KRW/USD held flat (an assumption: one "
                     f"rate for the whole schedule, the one the ask is converted at)")
        other = {y: float(assumed_rates[y]) for y in span[1:] if y in assumed_rates and float(assumed_rates[y]) != rate}
        if other:
            notes.append("not used: the scenario's stated rates " + ", ".join(f"{y}: {v:g}" for y, v in other.items())
                         + f" KRW/USD (cost_model.exchange_rates_krw_per_usd), which differ from the base year's {rate:g}")
    for k, year in enumerate(span):
        fx_assumed = base_assumed or k > 0
        fx_source = base_source if k == 0 else f"{base_source}, the base year {base_year}'s rate held flat"
        # exact first year (the ask as given); later years from the escalated schedule
        a_krw = first_krw if k == 0 else Fraction(schedule.amounts[k])
        a_usd = first_usd if k == 0 else a_krw / Fraction(rate)
        y_krw, y_usd = round_half_up(a_krw), round_half_up(a_usd)
        totals_krw.append(y_krw)
        totals_usd.append(y_usd)
        parts_krw = split_largest_remainder(y_krw, shares)
        parts_usd = split_largest_remainder(y_usd, shares)
        for c, pk, pu in zip(categories, parts_krw, parts_usd):
            items.append(
                StatementItem(
                    category=str(c.id),
                    label=str(c.label),
                    status=str(c.status),
                    year=year,
                    amount_krw=pk,
                    amount_usd=pu,
                    share_pct=round(100.0 * float(c.share_of_ask), 10),
                    source=str(c.source),
                    assumption=bool(c.assumption) or fx_assumed or year in index_assumed,
                    fx_krw_per_usd=rate,
                    fx_source=fx_source,
                )
            )
    own_usd = float(scenario.levers.us_ask_usd)
    if categories and abs(float(first_usd) / own_usd - 1.0) > 0.1:
        c0 = categories[0]
        prov = getattr(getattr(scenario, "provenance", None), "values", {}).get("cost_model.categories.0.share_of_ask")
        formula, pnote = getattr(prov, "formula", None), getattr(prov, "note", "")
        how = "" if formula is None else f" (share computed as {formula}" + (f": {pnote}" if pnote else "") + ")"
        notes.append(
            f"the category shares (cost_model.categories.*.share_of_ask) split the scenario's own ask (levers.us_ask_usd "
            f"USD {own_usd / 1e9:,.2f} bn); they are applied unchanged to this ask of KRW {float(first_krw) / 1e9:,.1f} bn, "
            f"so each amount is a share of this ask, not the amount of the row it cites (the row is the basis of the "
            f"share): e.g. {c0.label} {100 * float(c0.share_of_ask):.2f} % of the ask = KRW "
            f"{float(first_krw) * float(c0.share_of_ask) / 1e9:,.1f} bn{how}, where its row reads: {c0.source}"
        )
    if any(c.assumption for c in categories):
        notes.append(
            "category shares marked ASSUMPTION are not in the record (the itemization of the US ask "
            "beyond 'about $3B in new items' was not published)"
        )
    comparisons = _comparisons(
        float(first_krw), float(first_usd), base_year, float(cm.current_agreement_krw),
        str(cm.current_agreement_source), categories, assumed_rates, rate_source,
    )
    pv = present_value(schedule, float(cm.discount_rate), base_year)
    return Statement(
        scenario=str(scenario.name),
        as_of=as_of,
        currency=cur,  # type: ignore[arg-type]
        base_year=base_year,
        years=tuple(span),
        ask_krw=round_half_up(first_krw),
        ask_usd=round_half_up(first_usd),
        ask_source=ask_source,
        escalator=escalator,
        growth_pct=schedule.growth_pct,
        year_totals_krw=tuple(totals_krw),
        year_totals_usd=tuple(totals_usd),
        present_value_krw=pv,
        discount_rate=float(cm.discount_rate),
        items=tuple(items),
        comparisons=MappingProxyType(comparisons),
        notes=tuple(notes),
    )
