"""The data contract: the files a data directory holds, their headers, and each row's information date.

A *data directory* (the bundled ``burdenshare/data/files/`` or any directory given with ``--data``)
must hold the eight CSVs of :data:`REQUIRED_COLUMNS` and the data README (its source registry).
Each CSV's header starts with the required columns in the listed order; after them only the
optional columns of :data:`OPTIONAL_COLUMNS` may follow, in any order.

Every row has an *information date*: the day from which the fact it records was public.  A view
of the data "as of" a date keeps only rows whose information date is on or before that date
(:func:`burdenshare.data.open_dataset`).  The rules, one per file (:data:`DATE_RULES`), read the
row's own date cells through one grammar of partial dates (:func:`period_end`): the information
date is the **end of the latest period the cell names** (``2019-01/02`` -> 2019-02-28, ``2020`` ->
2020-12-31, ``2019-11 to 2020-03`` -> 2020-03-31, ``2015 (published 2018-05-24)`` -> 2018-05-24).
That end is never earlier than the day the fact became public, so a view as of a date never sees
a later fact; it may hide a fact that was known a little earlier (an annual value before its
year is out), which costs information, not honesty.

An optional ``info_date`` column (ISO ``YYYY-MM-DD``) overrides the rule for a row where it is
filled (a budget passed before its year, a figure published long after its period).

The rules are documented for people in ``docs/data-contract.md``; a test checks that the two agree.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from burdenshare.errors import DataError

__all__ = [
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "OPTIONAL_DEFAULTS",
    "README",
    "DATE_RULES",
    "UNDATED",
    "LATER_CELLS",
    "NOT_YET_KNOWN",
    "period_end",
    "check_header",
    "row_info_date",
]

#: The data README: provenance notes and the source registry (``| ID | Source | Date | ...``).
README = "README.md"

#: The required columns of each CSV, in file order (today's bundled set).
REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sma_history": (
            "sma_number", "years_covered", "duration_years", "concluded_or_initialed", "signing_date",
            "signatories", "entry_into_force_date", "na_consent_date", "na_votes_present", "na_votes_yes",
            "na_votes_no", "na_votes_abstain", "first_year", "first_year_contribution_krw_billion",
            "first_year_contribution_usd_million", "usd_basis_note", "pct_change_first_year_vs_prior_year",
            "pct_change_basis", "annual_increase_rule", "notes", "confidence", "confidence_notes",
            "source_ids", "source_urls",
        ),
        "sma_annual_contributions": (
            "year", "sma_number", "contribution_krw_billion", "contribution_usd_million",
            "pct_change_vs_prior_year", "how_determined", "confidence", "notes", "source_ids", "source_urls",
        ),
        "cost_categories": (
            "category", "status", "description", "year", "amount_krw_billion", "amount_other", "share_pct",
            "sma_context", "confidence", "notes", "source_ids", "source_urls",
        ),
        "context": ("key", "value", "unit", "date", "source", "confidence", "notes", "source_ids"),
        "polls": (
            "poll_id", "pollster", "sponsor_or_client", "fieldwork_dates", "release_date", "sample_size", "mode",
            "margin_of_error", "question_wording_as_reported", "wording_language_note", "response_option", "pct",
            "subgroup", "confidence", "notes", "source_ids", "source_urls",
        ),
        "national_assembly": (
            "record_type", "assembly_term", "event_date", "snapshot", "party_or_item", "bloc",
            "seats_constituency", "seats_pr", "seats_total", "votes_present", "votes_yes", "votes_no",
            "votes_abstain", "confidence", "notes", "source_ids", "source_urls",
        ),
        "party_positions": (
            "party", "date", "position_summary", "quote_or_paraphrase", "source_ids", "source_urls", "confidence",
        ),
        "macro_series": ("key", "year", "value", "unit", "source", "confidence", "notes", "source_ids"),
    }
)

#: Optional columns every CSV may add after its required ones, with the default of an absent column
#: or an empty cell: ``info_date`` (ISO date) replaces the file's date rule for that row.
OPTIONAL_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType({name: ("info_date",) for name in REQUIRED_COLUMNS})

#: What an absent optional column or an empty optional cell means.
OPTIONAL_DEFAULTS: Mapping[str, str] = MappingProxyType({"info_date": "the file's date rule (DATE_RULES)"})

#: The information date of a row that records undated background (only ``cost_categories`` with an
#: empty ``year``): later than any as-of date, so such a row is seen only by the view without one.
UNDATED = _dt.date.max

_YEAR_MIN, _YEAR_MAX = 1900, 2100

# a year, optionally -MM and -DD, each optionally followed by /alternatives of the last part
_TOKEN = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?:-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?)?(?!\d)"
    r"(?P<alt>(?:/\d{2}(?!\d)|/\d{4}(?!\d))*)"
)


def _month_end(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


def _token_end(y: int, m: int | None, d: int | None) -> _dt.date:
    if m is None:
        return _dt.date(y, 12, 31)
    if d is None:
        return _month_end(y, m)
    return _dt.date(y, m, d)


def period_end(text: str) -> _dt.date | None:
    """The end of the latest period a date cell names, or None if it names none.

    Grammar: every ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` in the text names a period (a year, a
    month, a day); ``/NN`` after one names an alternative of its last part (``2019-01/02``:
    January or February 2019; ``2019-11-15/16``; ``2020/2021``); anything else (``to``, ``late``,
    a parenthetical note) only separates periods.  The result is the last day of the latest
    period named.

    Raises
    ------
    ValueError
        A named day or month does not exist (``2019-02-30``) or a year is outside 1900..2100.

    Examples
    --------
    >>> [period_end(t).isoformat() for t in ("2019-01/02", "2019-11 to 2020-03", "2015 (published 2018-05-24)")]
    ['2019-02-28', '2020-03-31', '2018-05-24']
    >>> period_end("2020/2021"), period_end("NOT FOUND")
    (datetime.date(2021, 12, 31), None)
    """
    latest: _dt.date | None = None
    for match in _TOKEN.finditer(text):
        y = int(match.group("y"))
        m = int(match.group("m")) if match.group("m") else None
        d = int(match.group("d")) if match.group("d") else None
        ends = [_token_end(y, m, d)]
        for alt in filter(None, match.group("alt").split("/")):
            n = int(alt)
            if len(alt) == 4:
                ends.append(_dt.date(n, 12, 31))
            elif d is not None:
                ends.append(_dt.date(y, m or 1, n))
            elif m is not None:
                if not 1 <= n <= 12:
                    raise ValueError(f"month {alt!r} does not exist")
                ends.append(_month_end(y, n))
            else:
                raise ValueError(f"/{alt} after a year names no month or day")
        for end in ends:
            if not _YEAR_MIN <= end.year <= _YEAR_MAX:
                raise ValueError(f"year {end.year} is outside {_YEAR_MIN}..{_YEAR_MAX}")
        top = max(ends)
        latest = top if latest is None or top > latest else latest
    return latest


def check_header(name: str, columns: tuple[str, ...], source: str) -> None:
    """Refuse a header that is not the required columns in order, then optional ones.

    Raises
    ------
    DataError
        One line naming the file, line 1 and the first column that differs.
    """
    required = REQUIRED_COLUMNS[name]
    for i, col in enumerate(required):
        if i >= len(columns):
            raise DataError(f"missing required column {col!r} (column {i + 1}); required: {', '.join(required)}",
                            field=col, line=1, source=source)
        if columns[i] != col:
            raise DataError(f"column {i + 1} is {columns[i]!r}, required {col!r}; required columns in order: "
                            f"{', '.join(required)}", field=columns[i] or f"column {i + 1}", line=1, source=source)
    optional = OPTIONAL_COLUMNS[name]
    seen: set[str] = set()
    for i, col in enumerate(columns[len(required):], start=len(required) + 1):
        if col not in optional or col in seen:
            what = "repeated" if col in seen else "unknown"
            raise DataError(f"{what} column {col!r} (column {i}); allowed after the required ones: "
                            f"{', '.join(optional)}", field=col or f"column {i}", line=1, source=source)
        seen.add(col)


def _text(value: Any) -> str:
    """A cell as text: raw text, a Marked value's raw text, an integral float without ``.0``."""
    raw = getattr(value, "raw", None)
    if isinstance(raw, str):
        return raw
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return "" if value is None else str(value)


#: A rule: (row, signing dates of the SMAs by number) -> (column read, its date or None).
Rule = Callable[[Mapping[str, Any], Mapping[int, _dt.date]], tuple[str, _dt.date | None]]


class _BadDate(ValueError):
    """A malformed date cell: the column and what is wrong."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _end(row: Mapping[str, Any], column: str) -> _dt.date | None:
    try:
        return period_end(_text(row.get(column, "")))
    except ValueError as exc:
        raise _BadDate(column, f"got {_text(row.get(column, ''))!r}: {exc}") from None


def _column_rule(column: str) -> Rule:
    def rule(row: Mapping[str, Any], _signed: Mapping[int, _dt.date]) -> tuple[str, _dt.date | None]:
        return column, _end(row, column)

    return rule


def _sma_history_rule(row: Mapping[str, Any], _signed: Mapping[int, _dt.date]) -> tuple[str, _dt.date | None]:
    for column in ("signing_date", "concluded_or_initialed", "entry_into_force_date"):
        day = _end(row, column)
        if day is not None:
            return column, day
    return "signing_date", None


def _contribution_rule(row: Mapping[str, Any], signed: Mapping[int, _dt.date]) -> tuple[str, _dt.date | None]:
    year = _end(row, "year")
    if year is None:
        return "year", None
    number_text = _text(row.get("sma_number", "")).strip()
    if not number_text.isdigit() or int(number_text) not in signed:
        return "sma_number", None
    return "sma_number", max(_dt.date(year.year, 1, 1), signed[int(number_text)])


def _cost_rule(row: Mapping[str, Any], _signed: Mapping[int, _dt.date]) -> tuple[str, _dt.date | None]:
    text = _text(row.get("year", ""))
    if not text.strip():
        return "year", UNDATED
    return "year", _end(row, "year")


#: The rule of each file and its statement (the same words as docs/data-contract.md).
DATE_RULES: Mapping[str, tuple[str, Rule]] = MappingProxyType(
    {
        "sma_history": (
            "signing_date; where NOT FOUND, the latest date in concluded_or_initialed, else entry_into_force_date",
            _sma_history_rule,
        ),
        "sma_annual_contributions": (
            "the later of 1 January of year and the information date of the sma_number row of sma_history",
            _contribution_rule,
        ),
        "cost_categories": ("the end of year; an empty year is undated background (no as-of view sees it)", _cost_rule),
        "context": ("the end of the latest period named in date", _column_rule("date")),
        "polls": ("the end of the latest period named in release_date", _column_rule("release_date")),
        "national_assembly": ("event_date", _column_rule("event_date")),
        "party_positions": ("the end of the latest period named in date", _column_rule("date")),
        "macro_series": ("31 December of the latest year named in year", _column_rule("year")),
    }
)


#: Cells of a row that became public after the row itself: per table, a date column -> the columns
#: known only from that column's date.  An as-of view before that date shows them as
#: :data:`NOT_YET_KNOWN` (the SMA's terms are known at signing, its consent vote and entry into
#: force later).
LATER_CELLS: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "sma_history": MappingProxyType(
            {
                "na_consent_date": ("na_consent_date", "na_votes_present", "na_votes_yes", "na_votes_no",
                                    "na_votes_abstain"),
                "entry_into_force_date": ("entry_into_force_date",),
            }
        ),
    }
)

#: The text of a cell an as-of view hides (:data:`LATER_CELLS`).
NOT_YET_KNOWN = "NOT YET KNOWN"


def later_cells(name: str, row: Mapping[str, Any], as_of: _dt.date) -> tuple[str, ...]:
    """The columns of a row not yet public on ``as_of`` (:data:`LATER_CELLS`); a date cell that
    names no date (``NOT FOUND``) hides nothing."""
    hidden: list[str] = []
    for date_column, columns in LATER_CELLS.get(name, {}).items():
        try:
            day = period_end(_text(row.get(date_column, "")))
        except ValueError:
            day = None
        if day is not None and day > as_of:
            hidden.extend(columns)
    return tuple(hidden)


def row_info_date(name: str, row: Mapping[str, Any], signed: Mapping[int, _dt.date], *, source: str,
                  line: int | None = None) -> _dt.date:
    """The information date of one row of table ``name`` (``info_date`` cell first, else the file's rule).

    Parameters
    ----------
    name
        The table (one of :data:`REQUIRED_COLUMNS`).
    row
        The row's cells (raw text or typed cells).
    signed
        The information dates of the ``sma_history`` rows by SMA number (read by the
        ``sma_annual_contributions`` rule).
    source, line
        The file and 1-based line, for the error.

    Raises
    ------
    DataError
        No date can be derived, or a date cell is malformed: one line naming file, line and column.
    """
    explicit = _text(row.get("info_date", "")).strip()
    if explicit:
        try:
            return _dt.date.fromisoformat(explicit)
        except ValueError:
            raise DataError(f"got {explicit!r}; allowed: an ISO date YYYY-MM-DD (or empty: {DATE_RULES[name][0]})",
                            field="info_date", line=line, source=source) from None
    statement, rule = DATE_RULES[name]
    try:
        column, day = rule(row, signed)
    except _BadDate as exc:
        raise DataError(f"{exc}; information date rule: {statement}",
                        field=exc.column, line=line, source=source) from None
    if day is None:
        cell = _text(row.get(column, ""))
        if name == "sma_annual_contributions" and column == "sma_number":
            what = f"got {cell!r}; allowed: the number of an SMA in sma_history.csv with a derivable date"
        else:
            what = f"got {cell!r}; no date can be derived"
        raise DataError(f"{what} (information date rule: {statement}; or fill the optional info_date column)",
                        field=column, line=line, source=source)
    return day
