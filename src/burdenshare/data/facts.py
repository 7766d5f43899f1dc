"""Context facts, macro series and exchange rates, in base units (won, dollars, yen, persons).

The CSVs record money in billions (``krw_billion``) or millions (``usd_million``); the helpers
here convert to base units and name the unit in the function name (``…_krw``, ``…_usd``).

Conflict rules (documented choices; the alternatives stay visible):

* **KRW/USD annual average.** ``context.csv`` (``krw_usd_avg_YYYY``, Bank of Korea via Hankyung,
  S129) covers 2018-2020; ``macro_series.csv`` (``krw_usd_avg``, BOK annual FX reviews as
  reported) covers 2010-2016 and records 2017 as NOT FOUND. Where both give a number for a year,
  ``context.csv`` is preferred (it is the series the scenario and the 10th-SMA figures use); the
  other stays visible through :func:`exchange_rate_entries`. A year with no number is a
  :class:`~burdenshare.errors.DataError` naming the year and the years available.
* **NOT FOUND in ``macro_series``.** :func:`macro` raises :class:`DataError` with the row's note
  (an arithmetic ``nan`` would spread silently); :func:`macro_entry` returns the row with the
  ``Marked(nan)`` value and its note for inspection. Nothing is ever filled in.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
import math
from dataclasses import dataclass
from typing import Literal

from burdenshare.data.table import Cell, Marked, load, split_source_ids
from burdenshare.errors import DataError

__all__ = [
    "Fact",
    "MacroValue",
    "RateEntry",
    "fact",
    "macro",
    "macro_entry",
    "macro_keys",
    "exchange_rate_krw_per_usd",
    "exchange_rate_entries",
    "exchange_rate_years",
    "jpy_per_usd",
    "population_persons",
    "nominal_gdp_krw",
    "defense_budget_krw",
    "defense_budget_growth_pct",
    "cpi_inflation_pct",
    "defense_budget_citation",
    "germany_stationing_payments_eur",
    "japan_hns_jpy",
    "sma_contribution_krw",
]

BILLION = 10**9
MILLION = 10**6


def _to_base(value: float, scale: int) -> float:
    """``value * scale`` computed on the value's shortest decimal form, so 1038.9 bn → 1038900000000.0 exactly."""
    return float(Decimal(repr(float(value))) * scale)


@dataclass(frozen=True, slots=True)
class Fact:
    """One row of ``context.csv``.

    Attributes
    ----------
    key, unit, date, confidence, notes
        As in the file (text verbatim; missing as ``""``).
    value
        ``float`` (possibly :class:`~burdenshare.data.table.Marked`, e.g. ``>90``) or the text
        verbatim for non-numeric facts (dates, names).
    raw
        The value cell exactly as written.
    source_ids
        Registry IDs (see the data README).
    source_urls
        The matching URLs (the file's ``source`` column, split on ``" ; "``).
    """

    key: str
    value: Cell
    raw: str
    unit: str
    date: str
    source_ids: tuple[str, ...]
    source_urls: tuple[str, ...]
    confidence: str
    notes: str

    @property
    def flag(self) -> str | None:
        """The marker flag of the value (``lower_bound``, ``approximate`` …) or ``None``."""
        return self.value.flag if isinstance(self.value, Marked) else None

    @property
    def citation(self) -> str:
        """``context.csv:<key> (<source ids>)``, the form used by :mod:`burdenshare.costs.statement`."""
        return _citation("context.csv", self.key, self.source_ids)


@dataclass(frozen=True, slots=True)
class MacroValue:
    """One row of ``macro_series.csv`` (value kept as read; ``Marked(nan)`` for NOT FOUND)."""

    key: str
    year: Cell
    value: Cell
    raw: str
    unit: str
    confidence: str
    notes: str
    source_ids: tuple[str, ...]

    @property
    def citation(self) -> str:
        """``macro_series.csv:<key>/<year> (<source ids>)``."""
        return _citation("macro_series.csv", f"{self.key}/{_year_text(self.year)}", self.source_ids)


@dataclass(frozen=True, slots=True)
class RateEntry:
    """One recorded KRW/USD annual average for a year, with where it came from."""

    year: int
    krw_per_usd: float
    file: str
    key: str
    source_ids: tuple[str, ...]
    notes: str
    chosen: bool

    @property
    def citation(self) -> str:
        """``<file>:<key> (<source ids>)``."""
        return _citation(self.file, self.key, self.source_ids)


def _citation(file: str, key: str, source_ids: tuple[str, ...]) -> str:
    ids = ";".join(source_ids)
    return f"{file}:{key}" + (f" ({ids})" if ids else "")


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else ("" if math.isnan(cell) else repr(cell))


def _year_text(year: Cell) -> str:
    if isinstance(year, float) and not math.isnan(year) and year.is_integer():
        return str(int(year))
    return _text(year)


# --------------------------------------------------------------------------- context facts


def fact(key: str) -> Fact:
    """Return one ``context.csv`` row by key.

    Raises
    ------
    DataError
        If no row has this key (``field="key"``; the message suggests close keys).

    Examples
    --------
    >>> fact("krw_usd_avg_2019").value
    1166.11
    """
    table = load("context")
    rows = table.where(key=key)
    if len(rows) == 0:
        keys = [str(r["key"]) for r in table.rows]
        close = difflib.get_close_matches(key, keys, n=5)
        hint = f"; did you mean: {', '.join(close)}" if close else f"; keys: {', '.join(keys)}"
        raise DataError(f"context.csv has no key {key!r}{hint}", field="key")
    row, raw = rows.rows[0], rows.raw_rows[0]
    return Fact(
        key=key,
        value=row["value"],
        raw=raw["value"],
        unit=raw["unit"],
        date=raw["date"],
        source_ids=split_source_ids(row["source_ids"]),
        source_urls=tuple(u.strip() for u in raw["source"].split(" ; ") if u.strip()),
        confidence=raw["confidence"],
        notes=raw["notes"],
    )


def _fact_number(key: str) -> tuple[float, Fact]:
    f = fact(key)
    if not isinstance(f.value, float) or math.isnan(f.value):
        raise DataError(f"context.csv:{key} is not a number ({f.raw!r})", field="key")
    return float(f.value), f


# --------------------------------------------------------------------------- macro series


def macro_keys() -> tuple[str, ...]:
    """The distinct keys of ``macro_series.csv`` in file order."""
    return tuple(dict.fromkeys(str(r["key"]) for r in load("macro_series").rows))


def macro_entry(key: str, year: int | str) -> MacroValue:
    """Return the ``macro_series.csv`` row for ``key`` and ``year`` without judging its value.

    Parameters
    ----------
    key
        A key of :func:`macro_keys`.
    year
        An integer year, or the period text for multi-year rows (``"2010-2019"``).

    Raises
    ------
    DataError
        Unknown key (``field="key"``) or a year the key does not have (``field="year"``, the message
        lists the years available).
    """
    table = load("macro_series")
    if key not in macro_keys():
        close = difflib.get_close_matches(key, macro_keys(), n=5)
        hint = f"; did you mean: {', '.join(close)}" if close else f"; keys: {', '.join(macro_keys())}"
        raise DataError(f"macro_series.csv has no key {key!r}{hint}", field="key")
    rows = table.where(key=key)
    want = str(year)
    for row, raw in zip(rows.rows, rows.raw_rows):
        if raw["year"].strip() == want:
            return MacroValue(
                key=key,
                year=row["year"],
                value=row["value"],
                raw=raw["value"],
                unit=raw["unit"],
                confidence=raw["confidence"],
                notes=raw["notes"],
                source_ids=split_source_ids(row["source_ids"]),
            )
    years = ", ".join(r["year"] for r in rows.raw_rows)
    raise DataError(f"macro_series.csv:{key} has no year {year}; years available: {years}", field="year")


def macro(key: str, year: int | str) -> float:
    """Return a ``macro_series.csv`` value as a float in the file's unit.

    The unit is the row's ``unit`` text (e.g. ``KRW billion``); the named helpers
    (:func:`nominal_gdp_krw`, :func:`population_persons` …) return base units instead.

    Raises
    ------
    DataError
        As :func:`macro_entry`, and also when the value is recorded as NOT FOUND (the message
        carries the row's note; nothing is filled in).

    Examples
    --------
    >>> macro("rok_cpi_inflation_pct", 2019)
    0.4
    """
    entry = macro_entry(key, year)
    value = entry.value
    if not isinstance(value, float) or math.isnan(value):
        raise DataError(
            f"macro_series.csv:{key}/{year} is recorded as {entry.raw!r}: {entry.notes}", field="year"
        )
    return float(value)


# --------------------------------------------------------------------------- exchange rates


def exchange_rate_entries(year: int) -> tuple[RateEntry, ...]:
    """All recorded KRW/USD annual averages for ``year``, the chosen one marked ``chosen=True``.

    Sources: ``context.csv`` ``krw_usd_avg_<year>`` and ``macro_series.csv`` ``krw_usd_avg``.
    NOT FOUND rows are not entries (they give no number). Rule: ``context.csv`` first.

    Returns
    -------
    tuple[RateEntry, ...]
        Possibly empty.
    """
    entries: list[RateEntry] = []
    try:
        value, f = _fact_number(f"krw_usd_avg_{int(year)}")
        entries.append(RateEntry(int(year), value, "context.csv", f.key, f.source_ids, f.notes, False))
    except DataError:
        pass
    try:
        m = macro_entry("krw_usd_avg", int(year))
        if isinstance(m.value, float) and not math.isnan(m.value):
            entries.append(
                RateEntry(
                    int(year), float(m.value), "macro_series.csv", f"krw_usd_avg/{int(year)}", m.source_ids, m.notes, False
                )
            )
    except DataError:
        pass
    if entries:
        first = entries[0]
        entries[0] = RateEntry(first.year, first.krw_per_usd, first.file, first.key, first.source_ids, first.notes, True)
    return tuple(entries)


def exchange_rate_years() -> tuple[int, ...]:
    """The years with a recorded KRW/USD annual average (either file), ascending."""
    years: set[int] = set()
    for r in load("context").rows:
        k = str(r["key"])
        if k.startswith("krw_usd_avg_") and k[len("krw_usd_avg_"):].isdigit() and isinstance(r["value"], float):
            years.add(int(k[len("krw_usd_avg_"):]))
    for r in load("macro_series").where(key="krw_usd_avg").rows:
        if isinstance(r["value"], float) and not math.isnan(r["value"]) and isinstance(r["year"], float):
            years.add(int(r["year"]))
    return tuple(sorted(years))


def _years_text(years: tuple[int, ...]) -> str:
    """``2010-2016, 2018-2020`` from a sorted tuple of years."""
    if not years:
        return "none"
    runs: list[list[int]] = [[years[0], years[0]]]
    for y in years[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def exchange_rate_krw_per_usd(year: int) -> float:
    """KRW per USD, annual average, for ``year`` from the data.

    Parameters
    ----------
    year
        Calendar year.

    Returns
    -------
    float
        Won per dollar (``context.csv`` preferred over ``macro_series.csv``; see the module notes).

    Raises
    ------
    DataError
        If the data hold no number for ``year`` (``field="year"``); the message names the year, the
        years available and asks for the rate as a scenario assumption.

    Examples
    --------
    >>> exchange_rate_krw_per_usd(2019)
    1166.11
    """
    entries = exchange_rate_entries(year)
    if not entries:
        note = ""
        try:
            m = macro_entry("krw_usd_avg", int(year))
            note = f" (recorded as {m.raw!r}: {m.notes})"
        except DataError:
            pass
        raise DataError(
            f"no KRW/USD annual average for {year} in the data{note}; years available: "
            f"{_years_text(exchange_rate_years())}; supply the rate as an assumption in the scenario "
            "(cost_model.exchange_rates_krw_per_usd)",
            field="year",
        )
    return entries[0].krw_per_usd


def jpy_per_usd(year: int) -> float:
    """JPY per USD, annual average (``macro_series.csv`` ``jpy_usd_avg``; IMF via IndexMundi, medium)."""
    return macro("jpy_usd_avg", year)


# --------------------------------------------------------------------------- Korea: size of the economy


PopulationBasis = Literal["resident_registration", "worldbank"]
GdpVintage = Literal["2015base", "first_release", "2015base_final", "2020base"]


def population_persons(year: int, basis: PopulationBasis = "resident_registration") -> float:
    """ROK population in persons.

    ``resident_registration`` (MOIS, 31 Dec; 2019-2020) or ``worldbank`` (2019 only). The two are
    different concepts; the data README says not to mix them.
    """
    return macro(f"rok_population_{basis}", year)


def nominal_gdp_krw(year: int, vintage: GdpVintage = "2015base") -> float:
    """ROK nominal GDP in won for one vintage (``macro_series.csv`` ``rok_nominal_gdp_krw_<vintage>``).

    Vintages are never mixed (the data README: level breaks of ~6 %). A year the vintage does not
    have, or has as NOT FOUND, is a :class:`DataError`.
    """
    return _to_base(macro(f"rok_nominal_gdp_krw_{vintage}", year), BILLION)


def _defense_budget_source(year: int) -> tuple[float, str, tuple[str, ...]]:
    """Defense budget (KRW billion) with its citation: context.csv for 2018-2020, else macro_series."""
    try:
        value, f = _fact_number(f"rok_defense_budget_{int(year)}")
        return value, f.citation, f.source_ids
    except DataError:
        pass
    try:
        m = macro_entry("rok_defense_budget", int(year))
    except DataError:
        raise DataError(
            f"no ROK defense budget for {year} in the data; years available: "
            f"{_years_text(_defense_budget_years())}",
            field="year",
        ) from None
    if not isinstance(m.value, float) or math.isnan(m.value):
        raise DataError(f"ROK defense budget {year} is recorded as {m.raw!r}", field="year")
    return float(m.value), m.citation, m.source_ids


def _defense_budget_years() -> tuple[int, ...]:
    years = {int(r["year"]) for r in load("macro_series").where(key="rok_defense_budget").rows if isinstance(r["year"], float)}
    for r in load("context").rows:
        k = str(r["key"])
        if k.startswith("rok_defense_budget_") and k[-4:].isdigit():
            years.add(int(k[-4:]))
    return tuple(sorted(years))


def defense_budget_krw(year: int) -> float:
    """ROK defense budget (main budget, MND) in won.

    2018-2020 from ``context.csv`` (``rok_defense_budget_YYYY``), 2014-2017 from ``macro_series.csv``
    (the same MND table gives matching 2018-2020 values, per its notes).

    Examples
    --------
    >>> defense_budget_krw(2019)
    46697100000000.0
    """
    return _to_base(_defense_budget_source(year)[0], BILLION)


def defense_budget_citation(year: int) -> str:
    """The citation (file:key (source ids)) of :func:`defense_budget_krw` for ``year``."""
    return _defense_budget_source(year)[1]


def defense_budget_growth_pct(year: int) -> float:
    """COMPUTED growth of the defense budget from ``year - 1`` to ``year``, in percent.

    ``100 * (B[year] / B[year-1] - 1)``: 2019 → 8.20 %, 2020 → 7.40 %.
    """
    return 100.0 * (defense_budget_krw(year) / defense_budget_krw(year - 1) - 1.0)


def cpi_inflation_pct(year: int) -> float:
    """ROK CPI inflation (annual average, Statistics Korea) in percent, 2010-2020."""
    return macro("rok_cpi_inflation_pct", year)



# --------------------------------------------------------------------------- SMA, Japan, Germany


def _scaled(cell: float, scale: int) -> float:
    """Scale a cell to base units, keeping a marker (``~610`` stays marked as approximate)."""
    if isinstance(cell, Marked):
        return Marked(_to_base(cell, scale), raw=cell.raw, flag=cell.flag)
    return _to_base(cell, scale)


def sma_contribution_krw(year: int) -> float:
    """The ROK contribution under the SMA in force in ``year``, in won (``sma_annual_contributions.csv``).

    An approximate figure (``~610``) is returned as a :class:`Marked` float. A year recorded
    without a won amount (NOT CONFIRMED, or a USD-only year) is a :class:`DataError`.

    Examples
    --------
    >>> sma_contribution_krw(2019)
    1038900000000.0
    """
    rows = load("sma_annual_contributions").where(year=int(year))
    if len(rows) == 0:
        years = [int(r["year"]) for r in load("sma_annual_contributions").rows]
        raise DataError(f"no SMA contribution row for {year}; years {min(years)}-{max(years)}", field="year")
    row = rows.rows[0]
    cell = row["contribution_krw_billion"]
    if not isinstance(cell, float) or math.isnan(cell):
        usd = row["contribution_usd_million"]
        extra = f"; USD {rows.raw_rows[0]['contribution_usd_million']}M recorded" if isinstance(usd, float) and not math.isnan(usd) else ""
        raise DataError(
            f"no won amount for the {year} SMA contribution in the data ({_text(row['notes']) or 'empty'}){extra}",
            field="year",
        )
    return _scaled(cell, BILLION)


def japan_hns_jpy(fiscal_year: int) -> float:
    """Japan's host-nation support in a fiscal year, in yen (``context.csv`` ``japan_hns_fy<year>``).

    FY2019 is 197.9 bn yen (Akahata) with 197.4 bn in another source (data README caveat 7; the
    row's notes keep it); FY2020 is ``low-medium`` confidence.
    """
    value, _ = _fact_number(f"japan_hns_fy{int(fiscal_year)}")
    return _to_base(value, BILLION)


def germany_stationing_payments_eur(year: int | str) -> float:
    """Germany's direct federal payments linked to US troop stationing, in euros.

    ``macro_series.csv`` ``germany_costs_us_troop_stationing`` (2019, or ``"2010-2019"`` total).
    Not comparable with the SMA: construction administration and defence follow-up costs only.
    """
    return _to_base(macro("germany_costs_us_troop_stationing", year), MILLION)
