"""The record known on a date: the rows of a data directory whose information date is on or before it.

The builder reads the data's rows through :class:`Record` only, so a scenario built as of a date
depends on nothing published after it (no hindsight, DESIGN.md §8).  The information date of a
row, the day the fact became public, is the data contract's (:func:`burdenshare.data.info_date`,
docs/data-contract.md): ``release_date`` for polls, ``event_date`` for seats and votes, ``date``
for context facts (a range or a partial date counts at its last day), the year's end for annual
values, the signing date for an SMA's terms.  A row whose date cannot be derived is never known.

:func:`parse_info_date` reads a date cell the same conservative way (the last day of the first
period it names); the backtest uses it for the start of talks.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
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
    tables: dict[str, tuple[Row, ...]] = {}
    for name, rows in raw.items():
        kept = []
        for line, cells in rows:
            known = _known(name, cells)
            if known is not None and known <= as_of:
                kept.append(Row(name, line, cells, known))
        tables[name] = tuple(kept)
    return Record(tables, as_of)


def _known(name: str, cells: Mapping[str, str]) -> dt.date | None:
    """The row's information date by the data contract, or None where it cannot be derived."""
    from burdenshare.data import info_date

    try:
        return info_date(name, cells)
    except DataError:
        return None
