"""Typed, read-only access to the bundled reference CSVs.

Each file in ``burdenshare/data/files/`` is read with the standard :mod:`csv` module through
:mod:`importlib.resources` and returned as a frozen :class:`Table`.

Cell rules (the data README forbids silently "fixing" a value):

1. An empty cell is ``nan`` (in every column).
2. In a *numeric column* (listed in :data:`NUMERIC_COLUMNS`) a plain number becomes a ``float``.
3. In a numeric column, a number carrying a marker becomes a :class:`Marked` float that keeps the
   raw text and a flag: ``"~610"`` → 610 (``approximate``), ``">90"`` → 90 (``lower_bound``),
   ``"<5"`` → 5 (``upper_bound``), ``"20.0 (computed)"`` → 20.0 (``computed``),
   ``"6 (as stated)"`` → 6 (``as stated``).
4. In a numeric column, ``NOT FOUND`` / ``NOT CONFIRMED`` become ``Marked(nan)`` with flag
   ``not_found`` / ``not_confirmed`` and the raw text kept.
5. Any other text (a date in ``context.value``, ``"40/40/20"``, ``"2010-2019"``) is kept verbatim
   as ``str``; text columns are always kept verbatim.

The verbatim text of every cell stays available in :attr:`Table.raw_rows`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
import hashlib
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Union

from burdenshare.data.contract import NOT_YET_KNOWN, check_header, later_cells, row_info_date
from burdenshare.data.dataset import active, cache_key
from burdenshare.errors import DataError

if TYPE_CHECKING:  # numpy is imported where a column is built: scenario loading reads tables without it
    import numpy as np

__all__ = [
    "TABLE_NAMES",
    "NUMERIC_COLUMNS",
    "FILE_ROLES",
    "Cell",
    "Marked",
    "Provenance",
    "Source",
    "Table",
    "fingerprint",
    "load",
    "parse_cell",
    "source_registry",
]

#: The bundled tables, in the order of the data README.
TABLE_NAMES: tuple[str, ...] = (
    "sma_history",
    "sma_annual_contributions",
    "cost_categories",
    "context",
    "polls",
    "national_assembly",
    "party_positions",
    "macro_series",
)

#: Columns parsed as numbers (rules 2-4 of the module docstring); all others are text.
NUMERIC_COLUMNS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "sma_history": frozenset(
            {
                "sma_number",
                "duration_years",
                "na_votes_present",
                "na_votes_yes",
                "na_votes_no",
                "na_votes_abstain",
                "first_year",
                "first_year_contribution_krw_billion",
                "first_year_contribution_usd_million",
                "pct_change_first_year_vs_prior_year",
            }
        ),
        "sma_annual_contributions": frozenset(
            {
                "year",
                "sma_number",
                "contribution_krw_billion",
                "contribution_usd_million",
                "pct_change_vs_prior_year",
            }
        ),
        "cost_categories": frozenset({"year", "amount_krw_billion", "share_pct"}),
        "context": frozenset({"value"}),
        "polls": frozenset({"pct"}),
        "national_assembly": frozenset(
            {
                "seats_constituency",
                "seats_pr",
                "seats_total",
                "votes_present",
                "votes_yes",
                "votes_no",
                "votes_abstain",
            }
        ),
        "party_positions": frozenset(),
        "macro_series": frozenset({"year", "value"}),
    }
)

#: What one row of each file is (from the table at the top of the data README).
FILE_ROLES: Mapping[str, str] = MappingProxyType(
    {
        "sma_history": "one SMA (terms, dates, National Assembly consent vote where found)",
        "sma_annual_contributions": "one year's ROK contribution under the SMA in force",
        "cost_categories": "one cost category (covered or sought), with amounts/shares where known",
        "context": "one key fact (key, value, unit, date, source, confidence)",
        "polls": "one poll × question × response option × subgroup (long format)",
        "national_assembly": (
            "one party's seats at a date (incl. reconstructed snapshots at the 2014 and 2019 consent "
            "votes and in March 2020), a term start, one recorded SMA consent vote, or one party's "
            "share of it"
        ),
        "party_positions": (
            "one dated statement, resolution or vote position of a party or group on the SMA "
            "(2014, 2019-2020)"
        ),
        "macro_series": (
            "one key × year value: population, nominal GDP (by vintage), CPI, KRW/USD, JPY/USD, ROK "
            "defense budget, Germany's host-nation costs and US troop levels; one key × month (year = "
            "YYYY-MM) for the 10-year government bond yields"
        ),
    }
)

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_MARKED_NUMBER = re.compile(
    r"^(?P<prefix>~|>|<|≥|≤)?\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?:\((?P<note>[^()]*)\))?$"
)
_PREFIX_FLAGS = {"~": "approximate", ">": "lower_bound", "≥": "lower_bound", "<": "upper_bound", "≤": "upper_bound"}
_NOT_FOUND = re.compile(r"^NOT (FOUND|CONFIRMED)\b", re.IGNORECASE)
_SOURCE_ID = re.compile(r"^[SX]\d+[a-z]?$")


class Marked(float):
    """A number read from a cell that carries a marker; keeps the cell's raw text.

    Behaves as a ``float`` in arithmetic (``nan`` for ``NOT FOUND``); ``raw`` and ``flag`` keep the
    marker visible, and ``repr`` shows both.

    Parameters
    ----------
    value
        The numeric part (``nan`` when there is none).
    raw
        The cell text exactly as in the CSV.
    flag
        ``approximate``, ``lower_bound``, ``upper_bound``, ``not_found``, ``not_confirmed`` or the
        text of a parenthetical note such as ``computed`` / ``as stated``.

    Examples
    --------
    >>> m = Marked(90.0, raw=">90", flag="lower_bound")
    >>> float(m), m.raw, m.flag
    (90.0, '>90', 'lower_bound')
    """

    __slots__ = ("raw", "flag")
    raw: str
    flag: str

    def __new__(cls, value: float, raw: str, flag: str) -> Marked:
        obj = super().__new__(cls, value)
        object.__setattr__(obj, "raw", raw)
        object.__setattr__(obj, "flag", flag)
        return obj

    def __setattr__(self, name: str, value: Any) -> None:  # frozen
        raise AttributeError("Marked values are read-only")

    def __repr__(self) -> str:
        return f"Marked({float(self)!r}, raw={self.raw!r}, flag={self.flag!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Marked, (float(self), self.raw, self.flag))


#: A cell value: a float (possibly :class:`Marked`, ``nan`` when empty) or verbatim text.
Cell = Union[float, str]


def parse_cell(text: str, numeric: bool) -> Cell:
    """Parse one CSV cell following the module rules.

    Parameters
    ----------
    text
        The raw cell text.
    numeric
        Whether the cell belongs to a numeric column.

    Returns
    -------
    float | Marked | str
        ``nan`` for an empty cell; a float or :class:`Marked` in numeric columns where the text is a
        (marked) number or a NOT FOUND marker; otherwise the text verbatim.

    Examples
    --------
    >>> parse_cell("1038.9", True), parse_cell("~610", True).flag, parse_cell("40/40/20", True)
    (1038.9, 'approximate', '40/40/20')
    """
    stripped = text.strip()
    if stripped == "":
        return math.nan
    if not numeric:
        return text
    if _NUMBER.match(stripped):
        return float(stripped)
    match = _MARKED_NUMBER.match(stripped)
    if match:
        prefix, note = match.group("prefix"), match.group("note")
        flags = []
        if prefix:
            flags.append(_PREFIX_FLAGS[prefix])
        if note:
            flags.append(note.strip().lower())
        return Marked(float(match.group("num")), raw=text, flag="; ".join(flags))
    nf = _NOT_FOUND.match(stripped)
    if nf:
        return Marked(math.nan, raw=text, flag="not_" + nf.group(1).lower())
    return text


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the source registry at the end of the data README."""

    id: str
    title: str
    date: str
    lang: str
    type: str
    url: str
    used_in: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a table comes from.

    Attributes
    ----------
    file
        The CSV file name inside the package (``burdenshare/data/files/``).
    role
        What one row is (data README).
    sources
        The registry entries of every source ID the file cites, in ID order.
    unregistered_ids
        Source IDs cited in the file that have no entry in the README registry.
    readme
        The package resource holding the full provenance notes, conflicts and caveats.
    """

    file: str
    role: str
    sources: tuple[Source, ...]
    unregistered_ids: tuple[str, ...] = ()
    readme: str = "burdenshare/data/files/README.md"

    def source(self, source_id: str) -> Source:
        """Return the registry entry of ``source_id`` (:class:`DataError` if the file does not cite it)."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise DataError(f"{self.file} cites no registered source {source_id!r}", field="source_id")


@dataclass(frozen=True, slots=True)
class Table:
    """A frozen, typed view of one bundled CSV.

    Attributes
    ----------
    name
        Table name (file name without ``.csv``).
    columns
        Column names in file order.
    rows
        One read-only mapping per CSV row, column → :data:`Cell`.
    raw_rows
        The same rows with every cell's verbatim text.
    provenance
        File role and the registry entries of the sources it cites.
    info_dates
        Each row's information date (docs/data-contract.md), in row order.
    lines
        The line of the file each row starts on (the header is line 1).
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Cell], ...]
    raw_rows: tuple[Mapping[str, str], ...] = field(repr=False)
    provenance: Provenance = field(repr=False)
    info_dates: tuple[_dt.date, ...] = field(default=(), repr=False)
    lines: tuple[int, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Mapping[str, Cell]]:
        return iter(self.rows)

    def _check_column(self, name: str) -> None:
        if name not in self.columns:
            raise DataError(
                f"table {self.name!r} has no column {name!r}; columns: {', '.join(self.columns)}",
                field=name,
            )

    def column(self, name: str) -> np.ndarray:
        """Return one column as an array.

        A column whose cells are all floats (``nan`` for missing, :class:`Marked` values as their
        numeric part) is returned as ``float64``; any other column as an ``object`` array of the
        cells (text verbatim, ``Marked`` objects kept).

        Raises
        ------
        DataError
            If the column does not exist (``field`` is the column name).
        """
        import numpy as np

        self._check_column(name)
        cells = [row[name] for row in self.rows]
        if all(isinstance(c, float) for c in cells):
            return np.array([float(c) for c in cells], dtype=np.float64)
        out = np.empty(len(cells), dtype=object)
        out[:] = cells
        return out

    def where(self, **equals: Any) -> Table:
        """Return the rows whose cells equal the given values (all conditions must hold).

        A condition matches a cell that compares equal to the value, or whose raw text equals the
        value when the value is a string (so ``where(value="NOT FOUND")`` works).

        Raises
        ------
        DataError
            If a named column does not exist.

        Examples
        --------
        >>> from burdenshare.data import load
        >>> load("macro_series").where(key="krw_usd_avg", year=2016).rows[0]["value"]
        1160.4
        """
        for col in equals:
            self._check_column(col)
        keep = [
            i
            for i, (row, raw) in enumerate(zip(self.rows, self.raw_rows))
            if all(_matches(row[c], raw[c], v) for c, v in equals.items())
        ]
        return Table(
            name=self.name,
            columns=self.columns,
            rows=tuple(self.rows[i] for i in keep),
            raw_rows=tuple(self.raw_rows[i] for i in keep),
            provenance=self.provenance,
            info_dates=tuple(self.info_dates[i] for i in keep) if self.info_dates else (),
            lines=tuple(self.lines[i] for i in keep) if self.lines else (),
        )

    def known_on(self, as_of: _dt.date) -> Table:
        """The rows whose information date is on or before ``as_of``, with the cells of
        :data:`~burdenshare.data.contract.LATER_CELLS` made public after ``as_of`` shown as
        ``NOT YET KNOWN`` (docs/data-contract.md)."""
        keep = [i for i, day in enumerate(self.info_dates) if day <= as_of]
        rows: list[Mapping[str, Cell]] = []
        raw_rows: list[Mapping[str, str]] = []
        numeric = NUMERIC_COLUMNS.get(self.name, frozenset())
        for i in keep:
            hidden = later_cells(self.name, self.raw_rows[i], as_of)
            if not hidden:
                rows.append(self.rows[i])
                raw_rows.append(self.raw_rows[i])
                continue
            raw = {c: (NOT_YET_KNOWN if c in hidden else v) for c, v in self.raw_rows[i].items()}
            typed = {c: (Marked(math.nan, raw=NOT_YET_KNOWN, flag="not_yet_known") if c in hidden and c in numeric
                         else raw[c] if c in hidden else v) for c, v in self.rows[i].items()}
            raw_rows.append(MappingProxyType(raw))
            rows.append(MappingProxyType(typed))
        return Table(
            name=self.name,
            columns=self.columns,
            rows=tuple(rows),
            raw_rows=tuple(raw_rows),
            provenance=self.provenance,
            info_dates=tuple(self.info_dates[i] for i in keep),
            lines=tuple(self.lines[i] for i in keep) if self.lines else (),
        )

    def flagged(self) -> tuple[tuple[int, str, Marked], ...]:
        """All marked cells as ``(row index, column, Marked)`` triples."""
        return tuple(
            (i, col, cell)
            for i, row in enumerate(self.rows)
            for col, cell in row.items()
            if isinstance(cell, Marked)
        )


def _matches(cell: Cell, raw: str, value: Any) -> bool:
    if isinstance(value, str):
        return cell == value or raw.strip() == value
    if isinstance(cell, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell == float(value)
    return bool(cell == value)


def _file_path(directory: Path | None, filename: str) -> str:
    """The file as messages name it: the package path for the bundled data, else the real path."""
    return f"burdenshare/data/files/{filename}" if directory is None else str(directory / filename)


def _read_text(directory: Path | None, filename: str) -> str:
    """The text of one file of a data directory (bundled when ``directory`` is None).

    Raises
    ------
    DataError
        The file is missing, unreadable or not UTF-8 (one line naming the file and, for bad
        bytes, the line).
    """
    source = _file_path(directory, filename)
    try:
        if directory is None:
            data = resources.files("burdenshare.data").joinpath("files").joinpath(filename).read_bytes()
        else:
            data = (directory / filename).read_bytes()
    except FileNotFoundError:
        raise DataError("missing required file of the data contract (docs/data-contract.md)",
                        source=source) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", source=source) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError("not UTF-8 text; allowed: UTF-8", line=line, source=source) from None


def source_registry() -> Mapping[str, Source]:
    """The source registry of the active dataset's README (``| ID | Source | Date | Lang | Type | URL | Used in |``)."""
    return _registry(active().directory, cache_key()[1])


@lru_cache(maxsize=8)
def _registry(directory: Path | None, _generation: int) -> Mapping[str, Source]:
    registry: dict[str, Source] = {}
    for line in _read_text(directory, "README.md").splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) < 7 or not _SOURCE_ID.match(cells[0]):
            continue
        # Titles could in principle contain " | "; the last five cells are fixed.
        title = " | ".join(cells[1:-5])
        registry[cells[0]] = Source(cells[0], title, *cells[-5:])
    return MappingProxyType(registry)


def split_source_ids(text: Any) -> tuple[str, ...]:
    """Split a ``source_ids`` cell (``"S1;S2"``) into IDs; ``nan``/empty gives ``()``."""
    if not isinstance(text, str):
        return ()
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _records(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The data records of a CSV text after its header, with the line each starts on.

    Raises
    ------
    DataError
        A record with too few or too many fields, or text the CSV reader refuses (file, line, column).
    """
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines)
    try:
        next(reader)  # the header, checked by the caller
        start = reader.line_num + 1
        for fields in reader:
            if fields:
                if len(fields) < len(columns):
                    col = columns[len(fields)]
                    raise DataError(f"{len(fields)} fields, the header has {len(columns)}; missing from here on",
                                    field=col, line=start, source=source)
                if len(fields) > len(columns):
                    raise DataError(f"{len(fields)} fields, the header has {len(columns)}: a field beyond the last "
                                    "column (an unquoted comma?)", field=f"column {len(columns) + 1}",
                                    line=start, source=source)
                yield start, dict(zip(columns, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", line=reader.line_num, source=source) from None


def _header(text: str) -> tuple[str, ...]:
    try:
        return tuple(next(csv.reader(io.StringIO(text, newline=""))))
    except (StopIteration, csv.Error):
        return ()


def _parse(directory: Path | None, name: str, generation: int) -> Table:
    """Read, check and type one table of a data directory (every row, with its information date)."""
    key = (directory, name, generation)
    if key in _TABLES:
        return _TABLES[key]
    filename = f"{name}.csv"
    source = _file_path(directory, filename)
    text = _read_text(directory, filename)
    columns = _header(text)
    check_header(name, columns, source)
    signed: Mapping[int, _dt.date] = {}
    if name == "sma_annual_contributions":
        history = _parse(directory, "sma_history", generation)
        signed = {int(r["sma_number"]): d for r, d in zip(history.rows, history.info_dates)
                  if isinstance(r["sma_number"], float) and float(r["sma_number"]).is_integer()}
    numeric = NUMERIC_COLUMNS[name]
    rows: list[Mapping[str, Cell]] = []
    raw_rows: list[Mapping[str, str]] = []
    dates: list[_dt.date] = []
    starts: list[int] = []
    cited: set[str] = set()
    for line, raw in _records(text, source, columns):
        dates.append(row_info_date(name, raw, signed, source=source, line=line))
        starts.append(line)
        raw_rows.append(MappingProxyType(raw))
        rows.append(MappingProxyType({c: parse_cell(raw[c], c in numeric) for c in columns}))
        if "source_ids" in raw:
            cited.update(split_source_ids(raw["source_ids"]))
    registry = _registry(directory, generation)
    ordered = sorted(cited, key=_id_sort_key)
    provenance = Provenance(
        file=filename,
        role=FILE_ROLES[name],
        sources=tuple(registry[i] for i in ordered if i in registry),
        unregistered_ids=tuple(i for i in ordered if i not in registry),
        readme=_file_path(directory, "README.md"),
    )
    table = Table(name, columns, tuple(rows), tuple(raw_rows), provenance, tuple(dates), tuple(starts))
    _TABLES[key] = table
    return table


_TABLES: dict[tuple[Path | None, str, int], Table] = {}
_VIEWS: dict[tuple[Path | None, str, int, _dt.date], Table] = {}


def _view(directory: Path | None, name: str, generation: int, as_of: _dt.date) -> Table:
    """The rows of one table known on ``as_of`` (information date on or before it)."""
    key = (directory, name, generation, as_of)
    if key not in _VIEWS:
        full = _parse(directory, name, generation)
        _VIEWS[key] = full.known_on(as_of)
    return _VIEWS[key]


def _id_sort_key(source_id: str) -> tuple[str, int, str]:
    m = re.match(r"^([A-Z]+)(\d+)(.*)$", source_id)
    if not m:
        return (source_id, 0, "")
    return (m.group(1), int(m.group(2)), m.group(3))


def load(name: str) -> Table:
    """Load one bundled table by name.

    Parameters
    ----------
    name
        One of :data:`TABLE_NAMES`.

    Returns
    -------
    Table
        The frozen table (cached: repeated loads return the same object).

    Raises
    ------
    DataError
        If ``name`` is not a bundled table (``field="name"``; the message lists the allowed names).

    Examples
    --------
    >>> t = load("sma_history")
    >>> len(t), t.provenance.file
    (10, 'sma_history.csv')
    """
    if name not in TABLE_NAMES:
        raise DataError(f"unknown table {name!r}; allowed: {', '.join(TABLE_NAMES)}", field="name")
    dataset, generation = cache_key()
    if dataset.as_of is None:
        return _parse(dataset.directory, name, generation)
    return _view(dataset.directory, name, generation, dataset.as_of)


def fingerprint() -> str:
    """SHA-256 (hex) of the active dataset: every CSV of :data:`TABLE_NAMES` and the README, by name,
    then the as-of date where there is one.

    Part of the run identity (:func:`burdenshare.engine.config.run_identity`): a run made with
    other data (another directory's contents, another as-of date) has another id.  Directories
    with the same contents share a fingerprint; the bundled data without an as-of date gives the
    same value as before data directories existed.
    """
    dataset, generation = cache_key()
    return _fingerprint(dataset.directory, dataset.as_of, generation)


def directory_fingerprint() -> str:
    """SHA-256 (hex) of the active data directory's contents, whatever as-of view is active.

    The run identity uses it (:func:`burdenshare.engine.config.run_identity`): what a run reads is
    fixed by the directory and the scenario (its ``levers.as_of`` and ``hindsight`` choose the view,
    :func:`burdenshare.scenario.vintage.vintage_view`), so the id must not change with the view that
    happens to be active where it is computed (inside or outside a scenario's view).
    """
    dataset, generation = cache_key()
    return _fingerprint(dataset.directory, None, generation)


@lru_cache(maxsize=16)
def _fingerprint(directory: Path | None, as_of: _dt.date | None, _generation: int) -> str:
    h = hashlib.sha256()
    for name in (*sorted(f"{t}.csv" for t in TABLE_NAMES), "README.md"):
        data = _read_text(directory, name).encode("utf-8")
        h.update(name.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0" + data)
    if as_of is not None:
        h.update(b"as_of\0" + as_of.isoformat().encode("ascii"))
    return h.hexdigest()
