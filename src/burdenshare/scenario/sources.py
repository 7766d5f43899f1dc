"""Provenance as data: where each value of a scenario comes from.

A scenario's ``[provenance.values]`` maps dotted paths (as ``--set`` writes them) to entries of
five kinds (:data:`~burdenshare.scenario.schema.PROVENANCE_KINDS`): ``data`` (a file and row of
the bundled data, with source IDs), ``computed`` (the arithmetic and what it reads),
``assumption`` (with a reason), ``document`` (a reference document outside the bundled data) and
``override`` (set by the user with ``--set``).  This module answers "where does this value come
from" (:func:`provenance`), checks data references against the bundled files
(:func:`check_data_refs`) and renders entries for people (:func:`describe`, :func:`provenance_rows`).

A data reference is ``<file>:<row>``:

* ``<file>`` is one of :data:`DATA_FILES` (the CSVs of :mod:`burdenshare.data` and its README);
* ``<row>`` is either a value of the file's key column (:data:`KEY_COLUMNS`: ``context.csv:
  us_initial_ask_2020``, ``sma_annual_contributions.csv:2019``, ``sma_history.csv:10``), or
  conditions ``column=value`` joined by ``&`` (``national_assembly.csv:record_type=sma_vote&
  event_date=2019-04-05``); a value may end in ``*`` to match a prefix of the cell's text
  (``cost_categories.csv:'Readiness'*``), and ``a|b`` lists values each of which must name a row
  (``polls.csv:CCGA-2019-12|RM-2019-11``);
* in ``README.md`` the row is a source ID of its registry (``README.md:S78``) or a phrase the
  README contains (``README.md:Key discrepancies``).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from burdenshare.data import active, load, per_dataset, source_registry
from burdenshare.data.table import _read_text
from burdenshare.errors import DataError
from burdenshare.scenario.schema import (
    AssumedValue,
    ComputedValue,
    DataValue,
    DocumentValue,
    OverrideValue,
    Scenario,
    _MISSING,
    resolve_path,
)

__all__ = [
    "DATA_FILES",
    "KEY_COLUMNS",
    "Entry",
    "provenance",
    "data_rows",
    "cited_value",
    "check_data_refs",
    "describe",
    "format_value",
    "provenance_rows",
]

Entry = DataValue | ComputedValue | AssumedValue | DocumentValue | OverrideValue

#: The key column a plain ``<file>:<row>`` reference matches, per bundled table.
KEY_COLUMNS: Mapping[str, str] = {
    "sma_history": "sma_number",
    "sma_annual_contributions": "year",
    "cost_categories": "category",
    "context": "key",
    "polls": "poll_id",
    "national_assembly": "event_date",
    "party_positions": "date",
    "macro_series": "key",
}

#: The files a ``data`` entry may name: the bundled CSVs and the data README.
DATA_FILES: tuple[str, ...] = (*(f"{name}.csv" for name in KEY_COLUMNS), "README.md")

def provenance(scenario: Scenario, path: str) -> Entry | None:
    """The provenance entry of the value at ``path``: its own entry, else the entry of the
    nearest table or list that holds it, else None.

    Parameters
    ----------
    scenario
        A validated scenario.
    path
        A dotted path as ``--set`` writes it (``levers.us_ask_usd``,
        ``legislature.periods.1.seats.liberal``).

    Returns
    -------
    Entry or None
        One of :class:`~burdenshare.scenario.schema.DataValue`, ``ComputedValue``,
        ``AssumedValue``, ``DocumentValue``, ``OverrideValue``; None where the scenario says
        nothing about the value (or the path names no value).

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario, provenance
    >>> provenance(load_scenario("sma-2020-hindsight"), "levers.us_ask_usd").source
    'context.csv:us_initial_ask_2020'
    >>> provenance(load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=1.3e9"]), "levers.us_ask_usd").kind
    'override'
    """
    values = scenario.provenance.values
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        entry = values.get(".".join(parts[:end]))
        if entry is not None:
            return entry
    return None


# --------------------------------------------------------------------------- data references


def _split_ref(ref: str) -> tuple[str, str]:
    file, _, row = ref.partition(":")
    if file not in DATA_FILES:
        raise DataError(f"unknown data file {file!r}; allowed: {', '.join(DATA_FILES)}")
    if not row.strip():
        raise DataError(f"{ref!r} names no row; write <file>:<row>")
    return file, row.strip()


@per_dataset(maxsize=4)
def _readme_text() -> str:
    return _read_text(active().directory, "README.md")


def _cell_matches(raw: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return raw.strip().startswith(pattern[:-1])
    return raw.strip() == pattern


@per_dataset(maxsize=4096)
def data_rows(ref: str) -> tuple[Mapping[str, Any], ...]:
    """The rows of the bundled data a reference ``<file>:<row>`` names (typed cells).

    For ``README.md`` the result is one row ``{"id": ..., "title": ..., ...}`` of the source
    registry, or ``{"text": phrase}`` for a phrase found in the README.

    Results are cached per dataset (:func:`burdenshare.data.per_dataset`).

    Raises
    ------
    DataError
        The file is not bundled, a condition names no column of the file, or no row matches
        (the message says what is allowed).
    """
    file, row = _split_ref(ref)
    if file == "README.md":
        registry = source_registry()
        if row in registry:
            src = registry[row]
            return (MappingProxyType({"id": src.id, "title": src.title, "date": src.date, "url": src.url}),)
        if row in _readme_text():
            return (MappingProxyType({"text": row}),)
        raise DataError(f"{ref!r}: no source ID or phrase {row!r} in the data README")
    name = file[: -len(".csv")]
    table = load(name)
    conditions: list[tuple[str, str]] = []
    if "=" in row:
        for part in row.split("&"):
            column, sep, value = part.partition("=")
            column, value = column.strip(), value.strip()
            if not sep or not column or not value:
                raise DataError(f"{ref!r}: malformed condition {part!r}; write column=value, joined by &")
            if column not in table.columns:
                raise DataError(f"{ref!r}: {file} has no column {column!r}; columns: {', '.join(table.columns)}")
            conditions.append((column, value))
    else:
        conditions.append((KEY_COLUMNS[name], row))

    def matching(conds: list[tuple[str, str]]) -> tuple[Mapping[str, Any], ...]:
        return tuple(
            typed
            for typed, raw in zip(table.rows, table.raw_rows)
            if all(any(_cell_matches(raw[c], alt) for alt in v.split("|")) for c, v in conds)
        )

    # every alternative of a|b must name a row (with the other conditions)
    for i, (column, value) in enumerate(conditions):
        for alt in value.split("|"):
            if not matching([*conditions[:i], (column, alt), *conditions[i + 1 :]]):
                others = [f"{c} = {v!r}" for j, (c, v) in enumerate(conditions) if j != i]
                what = " and ".join([f"{column} = {alt!r}", *others])
                raise DataError(f"{ref!r}: no row of {file} has {what}")
    return matching(conditions)


def _scale(table: str, column: str, row: Mapping[str, Any]) -> float:
    if column.endswith("_krw_billion"):
        return 1e9
    if column.endswith("_usd_million"):
        return 1e6
    if table in ("context", "macro_series") and column == "value":
        unit = str(row.get("unit", ""))
        if unit.startswith(("KRW billion", "USD billion")):
            return 1e9
        if unit.startswith(("USD million", "KRW million")):
            return 1e6
    return 1.0


def cited_value(entry: DataValue) -> Any:
    """The value a ``data`` entry with a ``column`` cites, in the scenario's base units.

    Numbers are scaled from the file's units (``…_krw_billion`` × 1e9, ``…_usd_million`` × 1e6,
    a ``context.csv`` value by its ``unit``); an ISO date text becomes a date; other text is
    returned verbatim.  None when the entry has no ``column``.

    Raises
    ------
    DataError
        The reference does not resolve to exactly one row, or the column does not exist.
    """
    if entry.column is None:
        return None
    rows = data_rows(entry.source)
    file, _ = _split_ref(entry.source)
    if len(rows) != 1:
        raise DataError(f"{entry.source!r} names {len(rows)} rows; a column needs exactly one")
    row = rows[0]
    if entry.column not in row:
        raise DataError(f"{entry.source!r}: {file} has no column {entry.column!r}; columns: {', '.join(row)}")
    cell = row[entry.column]
    if isinstance(cell, float):
        return float(cell) * _scale(file.removesuffix(".csv"), entry.column, row)
    text = str(cell).strip()
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return text


@per_dataset(maxsize=None)
def _cited_ids(table: str) -> frozenset[str]:
    provenance = load(table).provenance
    return frozenset(s.id for s in provenance.sources) | frozenset(provenance.unregistered_ids)


def _check_ids(ids: list[str], refs: list[str]) -> tuple[int, str] | None:
    """An ID is allowed if the README registers it or a cited file's ``source_ids`` cites it."""
    if not ids:
        return None

    registry = source_registry()
    cited: set[str] = set()
    for ref in refs:
        file = ref.partition(":")[0]
        if file.endswith(".csv") and file in DATA_FILES:
            cited.update(_cited_ids(file[:-4]))
    for i, source_id in enumerate(ids):
        if source_id not in registry and source_id not in cited:
            return i, f"{source_id!r} is neither in the data README's registry nor cited by {', '.join(refs)}"
    return None


def check_data_refs(scenario: Scenario) -> tuple[str, str] | None:
    """Check every data reference of ``scenario.provenance.values`` against the bundled data.

    A ``data`` entry must name a bundled file and a row that exists there (and, with
    ``column``, exactly one row with that column); a ``computed`` entry's ``<file>:<row>``
    inputs must exist too; source IDs must be registered in the data README or cited by the file.

    Returns
    -------
    (str, str) or None
        ``(field, message)`` of the first problem (field ``provenance.values."<path>"…``), or None.
    """
    for key, entry in scenario.provenance.values.items():
        field = f'provenance.values."{key}"'
        try:
            if isinstance(entry, DataValue):
                if entry.column is not None:
                    cited_value(entry)
                else:
                    data_rows(entry.source)
                bad = _check_ids(entry.ids, [entry.source])
                if bad is not None:
                    return f"{field}.ids.{bad[0]}", bad[1]
            elif isinstance(entry, ComputedValue):
                refs = [item for item in entry.from_ if ":" in item]
                for i, ref in enumerate(entry.from_):
                    if ":" in ref:
                        try:
                            data_rows(ref)
                        except DataError as exc:
                            return f"{field}.from.{i}", exc.message
                bad = _check_ids(entry.ids, refs)
                if bad is not None:
                    return f"{field}.ids.{bad[0]}", bad[1]
        except DataError as exc:
            return f"{field}.source", exc.message
    return None


# --------------------------------------------------------------------------- for people


def describe(entry: Entry) -> str:
    """One line saying where a value comes from (for tables and reports)."""
    if isinstance(entry, DataValue):
        ids = f" ({';'.join(entry.ids)})" if entry.ids else ""
        column = f" [{entry.column}]" if entry.column else ""
        note = f"; {entry.note}" if entry.note else ""
        return f"{entry.source}{column}{ids}{note}"
    if isinstance(entry, ComputedValue):
        ids = f" ({';'.join(entry.ids)})" if entry.ids else ""
        return f"{entry.formula} from {', '.join(entry.from_)}{ids}"
    if isinstance(entry, AssumedValue):
        return entry.reason
    if isinstance(entry, DocumentValue):
        return entry.source + (f"; {entry.note}" if entry.note else "")
    was = f" (was {entry.was})" if entry.was else ""
    return f"set to {entry.value} by --set{was}"


def format_value(value: Any) -> str:
    """A scenario value as short text for tables (numbers with thousands separators)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1e4:
            return f"{value:,.0f}"
        return f"{value:g}" if not math.isnan(value) else "nan"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 1e4 else str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if hasattr(value, "model_dump"):
        return "(table)"
    return str(value)


def provenance_rows(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """The provenance map as rows ``(path, value, kind, source)`` in the map's order."""
    out: list[tuple[str, str, str, str]] = []
    for path, entry in scenario.provenance.values.items():
        value = resolve_path(scenario, path)
        shown = "" if value is _MISSING else format_value(value)
        out.append((path, shown, entry.kind, describe(entry)))
    return out
