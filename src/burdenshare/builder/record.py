"""The record known on a date: the rows of a data directory whose information date is on or before it.

The builder reads the data's rows through :class:`Record` only, so a scenario built as of a date
depends on nothing published after it (no hindsight, DESIGN.md §8).  The information date of a
row, the day the fact became public, is derived from its own columns:

==============================  ===========================================================
file                            information date
==============================  ===========================================================
``sma_history.csv``             ``signing_date`` (the terms are public when signed); without
                                one, 1 January of ``first_year``
``sma_annual_contributions``    the later of 1 January of ``year`` and the signing date of
                                its SMA (the amount is set before the year by the agreement
                                or its escalator)
``context.csv``                 ``date``
``polls.csv``                   ``release_date``
``national_assembly.csv``       ``event_date``
``party_positions.csv``         ``date``
``macro_series.csv``            31 December of ``year`` (annual values are known after the year)
``cost_categories.csv``         never used by the builder
==============================  ===========================================================

A date cell may be partial or a range (``2019-11``, ``2020-01/03``, ``2019-11 to 2020-03``,
``2015 (published 2018-05-24)``): the *first* period it names counts, at that period's *last* day
(``2019-11`` → 2019-11-30, ``2020`` → 2020-12-31), so a fact dated by month is known only once the
month is over.  A row with no date the rules can read is never known.

Where :mod:`burdenshare.data` provides ``info_date`` (the data contract), its rule wins.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from burdenshare.errors import DataError

__all__ = ["Record", "Row", "parse_info_date", "read_record"]

FILES = (
    "sma_history",
    "sma_annual_contributions",
    "context",
    "polls",
    "national_assembly",
    "party_positions",
    "macro_series",
)

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_info_date(text: str) -> dt.date | None:
    """The last day of the first period a date cell names, or None.

    Examples
    --------
    >>> parse_info_date("2019-11 to 2020-03"), parse_info_date("2020-01/03"), parse_info_date("2014-02-02")
    (datetime.date(2019, 11, 30), datetime.date(2020, 1, 31), datetime.date(2014, 2, 2))
    >>> parse_info_date("NOT FOUND") is None
    True
    """
    m = _DATE.search(text or "")
    if m is None:
        return None
    year = int(m.group(1))
    if not 1900 <= year <= 2100:
        return None
    if m.group(2) is None:
        return dt.date(year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if m.group(3) is None:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        return dt.date(year, month, int(m.group(3)))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its file, its line in the file (header = line 1), its cells and information date."""

    file: str
    line: int
    cells: Mapping[str, str]
    known: dt.date | None

    def __getitem__(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def ref(self, **key: str) -> str:
        """A provenance reference ``<file>.csv:<col>=<value>&...`` naming this row."""
        return f"{self.file}.csv:" + "&".join(f"{k}={v}" for k, v in key.items())

    def ids(self) -> list[str]:
        """The row's source IDs (``source_ids`` split on ``;``)."""
        return [p.strip() for p in self["source_ids"].split(";") if re.fullmatch(r"[SX]\d+[a-z]?", p.strip())]


def _read_text(directory: Path | None, name: str) -> str:
    if directory is None:
        return resources.files("burdenshare.data").joinpath("files").joinpath(f"{name}.csv").read_text(encoding="utf-8")
    path = Path(directory) / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"{path}: missing; a data directory needs {', '.join(f + '.csv' for f in FILES)}", field="--data")
    return path.read_text(encoding="utf-8")


def _info_date(name: str, cells: Mapping[str, str], signed: Mapping[str, dt.date]) -> dt.date | None:
    get = lambda c: (cells.get(c) or "").strip()  # noqa: E731
    if name == "sma_history":
        d = parse_info_date(get("signing_date"))
        if d is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", get("signing_date")):
            return d
        first = get("first_year")
        return dt.date(int(first), 1, 1) if first.isdigit() else None
    if name == "sma_annual_contributions":
        year = get("year")
        if not year.isdigit():
            return None
        start = dt.date(int(year), 1, 1)
        sign = signed.get(get("sma_number"))
        return max(start, sign) if sign is not None else start
    if name == "macro_series":
        year = get("year")
        return dt.date(int(year), 12, 31) if year.isdigit() else None
    column = {"context": "date", "polls": "release_date", "national_assembly": "event_date",
              "party_positions": "date"}[name]
    return parse_info_date(get(column))


class Record:
    """The rows of a data directory (default: the bundled data) known on ``as_of``."""

    def __init__(self, tables: Mapping[str, tuple[Row, ...]], as_of: dt.date) -> None:
        self.as_of = as_of
        self._tables = tables

    def rows(self, name: str) -> tuple[Row, ...]:
        """The rows of ``name`` (file stem) known on :attr:`as_of`, in file order."""
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)


def read_record(as_of: dt.date, directory: str | Path | None = None) -> Record:
    """Read the data files and keep the rows whose information date is on or before ``as_of``.

    Raises
    ------
    DataError
        A missing file or a file without the columns the rules read (named with the file).
    """
    root = None if directory is None else Path(directory)
    raw: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for name in FILES:
        reader = csv.DictReader(io.StringIO(_read_text(root, name), newline=""))
        rows = []
        for record in reader:
            rows.append((reader.line_num, {k: (v or "") for k, v in record.items() if k is not None}))
        raw[name] = rows
    signed: dict[str, dt.date] = {}
    for _, cells in raw["sma_history"]:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", (cells.get("signing_date") or "").strip()):
            signed[cells["sma_number"].strip()] = dt.date.fromisoformat(cells["signing_date"].strip())
    info = _external_info_date()
    tables: dict[str, tuple[Row, ...]] = {}
    for name, rows in raw.items():
        kept = []
        for line, cells in rows:
            known = _info_date(name, cells, signed) if info is None else info(name, cells)
            if known is not None and known <= as_of:
                kept.append(Row(name, line, cells, known))
        tables[name] = tuple(kept)
    return Record(tables, as_of)


def _external_info_date() -> Callable[[str, Mapping[str, str]], dt.date | None] | None:
    """``burdenshare.data.info_date`` (the data contract) where it exists, else None."""
    try:
        from burdenshare import data
    except ImportError:  # pragma: no cover
        return None
    fn = getattr(data, "info_date", None)
    if fn is None:
        return None

    def info(name: str, cells: Mapping[str, str]) -> dt.date | None:
        try:
            d = fn(name, cells)
        except Exception:  # noqa: BLE001 - a row the contract cannot date is not known
            return None
        return d if isinstance(d, dt.date) else None

    return info
