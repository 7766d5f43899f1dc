"""Vintage: a scenario dated ``levers.as_of`` cites only data rows known on that date.

Every data reference of a scenario's provenance map (``data`` entries and the ``<file>:<row>``
inputs of ``computed`` entries, :mod:`burdenshare.scenario.sources`) names rows of the active
data directory; each row has an information date (docs/data-contract.md).  A scenario that cites
a row dated after its ``as_of`` looks ahead: it is refused, naming the entry and the row, unless
it declares ``hindsight = true`` at the top level, which every output then shows (the run
summary's ``"hindsight"``, the terminal, the report's banner).

``as_of`` is not a lever either: ``--set levers.as_of=...`` is refused (:data:`NOT_A_LEVER`),
because moving the date of a scenario leaves its facts where they were; a scenario for another
date is built anew from the data known then.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from burdenshare.data import Dataset, active, load, using
from burdenshare.data.contract import UNDATED
from burdenshare.errors import DataError
from burdenshare.scenario.schema import ComputedValue, DataValue, Scenario
from burdenshare.scenario.sources import KEY_COLUMNS, data_rows

__all__ = ["NOT_A_LEVER", "check_vintage", "cited_rows", "hindsight_note", "reads_as_of", "vintage_view"]

#: The override path refused by ``--set`` (and grids and variants), and why.
NOT_A_LEVER: Mapping[str, str] = {
    "levers.as_of": (
        "as_of is not a lever: a scenario holds the facts known on its date, and moving the date leaves "
        "them where they were; build a new scenario for another date"
    ),
}


def cited_rows(ref: str) -> list[tuple[str, str, _dt.date]]:
    """The rows a ``<file>:<row>`` reference names in the active data directory (every row, whatever
    the active as-of date), as ``(file, key, information date)``; ``[]`` for the data README.

    Raises
    ------
    DataError
        The reference names no row (as :func:`burdenshare.scenario.sources.data_rows`).
    """
    file = ref.partition(":")[0]
    if not file.endswith(".csv"):
        return []
    name = file[: -len(".csv")]
    with using(Dataset(active().directory, None)):
        rows = data_rows(ref)
        table = load(name)
        index = {id(row): i for i, row in enumerate(table.rows)}
        out = []
        for row in rows:
            i = index[id(row)]
            key = table.raw_rows[i][KEY_COLUMNS[name]]
            out.append((file, f"{KEY_COLUMNS[name]} {key!r} (line {table.lines[i]})", table.info_dates[i]))
    return out


def _refs(entry: Any) -> list[tuple[str, str]]:
    if isinstance(entry, DataValue):
        return [("source", entry.source)]
    if isinstance(entry, ComputedValue):
        return [(f"from.{i}", ref) for i, ref in enumerate(entry.from_) if ":" in ref]
    return []


def check_vintage(scenario: Scenario) -> tuple[str, str] | None:
    """The first provenance entry citing a row dated after ``levers.as_of``, as ``(field, message)``.

    None when every cited row is known on ``as_of``, or when the scenario declares
    ``hindsight = true``.  The message names the row by its key and the line it starts on.
    """
    if scenario.hindsight:
        return None
    as_of = scenario.levers.as_of
    for path, entry in scenario.provenance.values.items():
        for where, ref in _refs(entry):
            try:
                rows = cited_rows(ref)
            except DataError:
                continue  # a reference naming no row is check_data_refs's refusal
            for file, key, day in rows:
                if day > as_of:
                    known = "is undated background" if day == UNDATED else f"became public on {day.isoformat()}"
                    return (
                        f'provenance.values."{path}".{where}',
                        f"cites {ref!r}: {file} row {key} {known}, after levers.as_of {as_of.isoformat()}; a "
                        "scenario cites only rows known on its as_of (or declares hindsight = true at the top "
                        "level, which every output then shows)",
                    )
    return None


def vintage_view(scenario: Scenario) -> Dataset:
    """The data a scenario may read: the active data directory as of ``levers.as_of`` (all of it
    where the scenario declares hindsight).  Reads the scenario does not cite in its provenance map
    (the seats of a ``seats_from_data`` period) go through this view."""
    return Dataset(active().directory, None if scenario.hindsight else scenario.levers.as_of)


P = ParamSpec("P")
R = TypeVar("R")


def reads_as_of(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator of the engine's seams: ``fn(scenario, ...)`` reads the data through
    :func:`vintage_view` ``(scenario)``.

    Every implicit data read made on behalf of a scenario (the opinion fit to the polls, the
    legislature's calibration to the recorded votes, the seats, exchange rates and macro values,
    ``explain``'s comparisons) happens inside a function decorated here, so a scenario dated
    ``levers.as_of`` sees only the rows known then (all rows where it declares hindsight).  The
    scenario is the first positional argument or the keyword ``scenario``; a call without a
    :class:`~burdenshare.scenario.schema.Scenario` there is passed through unchanged.  Nesting is
    harmless: the view of a scenario inside its own view is the same dataset, and caches of derived
    values are keyed by it (:func:`burdenshare.data.per_dataset`).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        scenario = args[0] if args else kwargs.get("scenario")
        if not isinstance(scenario, Scenario):
            return fn(*args, **kwargs)
        with using(vintage_view(scenario)):
            return fn(*args, **kwargs)

    return wrapper


def hindsight_note(scenario: Scenario) -> str | None:
    """One line for the terminal when the scenario declares hindsight, else None."""
    if not scenario.hindsight:
        return None
    return (f"note: scenario {scenario.name} declares hindsight = true: it cites facts known only after its "
            f"as_of {scenario.levers.as_of.isoformat()}; it is a reconstruction, not a forecast")
