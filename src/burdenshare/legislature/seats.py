r"""Seats by bloc at a date, with the range where sources conflict.

Two sources, in this order:

1. a scenario's ``legislature.periods`` (the period in force at the date: explicit ``seats`` or
   ``seats_from_data``), widened by any ``[[uncertainty]]`` entry on
   ``legislature.periods.<i>.seats.<bloc>`` and by the conflict ranges of the bundled data
   snapshot whose seats the period reproduces;
2. without a scenario, the bundled data, :func:`burdenshare.data.seats_by_bloc`.

Seats no source attributes (30 on 27 Mar 2020) are kept as the bloc ``"unattributed"``; they
are members, so they count for the quorum and vote as members without a party line.

Timing (DESIGN.md §4, Calendar): the seats change only from the new Assembly's first sitting
(30 May 2020), not on election day; the opinion weight changes before the election (see
:mod:`burdenshare.legislature.model`).

A Monte-Carlo draw picks seats within the ranges with :meth:`SeatTable.pick` from uniform
numbers it drew itself (no random generator here).

Memoised (a consent bank asks for 13 dates of 64 members): a data snapshot's table and the
snapshot matching a period's seats are cached per active dataset
(:func:`burdenshare.data.per_dataset`), and :func:`seats_at` by the active dataset, the date and
exactly the scenario fields it reads (``legislature.periods``, ``legislature.total_seats``, the
``[[uncertainty]]`` entries on ``legislature.periods.*.seats.*``, ``hindsight`` and
``levers.as_of``, which fix the data it sees).  A :class:`SeatTable` is frozen, so the cached
object is shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from burdenshare.data import per_dataset, seat_snapshot_dates, seats_by_bloc, using
from burdenshare.errors import DataError, SpecError
from burdenshare.scenario import Scenario
from burdenshare.scenario.vintage import vintage_view

__all__ = ["UNATTRIBUTED", "SeatTable", "as_date", "ruling_bloc_at", "seats_at"]

#: Bloc that absorbs seats no source attributes.
UNATTRIBUTED = "unattributed"


def as_date(value: dt.date | str) -> dt.date:
    """A :class:`datetime.date` from a date or an ISO string.

    Raises
    ------
    SpecError
        If the string is not an ISO date (``field="date"``).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SpecError(f"{value!r} is not an ISO date (YYYY-MM-DD)", field="date") from exc


@dataclass(frozen=True, slots=True)
class SeatTable:
    """Seats per bloc in force at a date.

    Attributes
    ----------
    date
        The date asked for.
    blocs
        Bloc ids, in a fixed order (blocs with zero seats and a zero range are dropped).
    seats, low, high
        Central seats and the range per bloc (``low <= seats <= high``).
    total_seats
        Seats of the house at the date (seated + vacant, from the data or the scenario).
    source
        Where the seats come from (period label or data snapshot).
    notes
        Caveats carried from the data (conflicts, derived figures, unattributed seats).
    """

    date: dt.date
    blocs: tuple[str, ...]
    seats: tuple[int, ...]
    low: tuple[int, ...]
    high: tuple[int, ...]
    total_seats: int
    source: str
    notes: tuple[str, ...] = ()

    @property
    def seated(self) -> int:
        """Members seated (sum of the central seats)."""
        return int(sum(self.seats))

    @property
    def uncertain(self) -> bool:
        """Whether any bloc has a range."""
        return self.low != self.high

    def as_dict(self) -> dict[str, int]:
        """Bloc -> central seats."""
        return dict(zip(self.blocs, self.seats))

    def array(self) -> np.ndarray:
        """Central seats as an int array in ``blocs`` order."""
        return np.asarray(self.seats, dtype=np.int64)

    def pick(self, u: ArrayLike) -> SeatTable:
        r"""Seats within the ranges for uniform numbers ``u`` (one per bloc, in [0, 1)).

        Bloc b gets :math:`low_b + \lfloor u_b (high_b - low_b + 1) \rfloor`.  If the total then
        exceeds the house, the excess is taken from the ``unattributed`` bloc, then from the
        largest bloc (documented rule; it never binds for the bundled ranges).

        Raises
        ------
        SpecError
            If ``u`` has the wrong length or leaves [0, 1].
        """
        arr = np.asarray(u, dtype=float).ravel()
        if arr.size != len(self.blocs) or np.any((arr < 0) | (arr > 1)) or not np.all(np.isfinite(arr)):
            raise SpecError(f"need {len(self.blocs)} numbers in [0, 1]", field="u")
        lo = np.asarray(self.low)
        hi = np.asarray(self.high)
        seats = np.minimum(lo + np.floor(arr * (hi - lo + 1)).astype(np.int64), hi)
        excess = int(seats.sum()) - self.total_seats
        if excess > 0:
            order = ([self.blocs.index(UNATTRIBUTED)] if UNATTRIBUTED in self.blocs else []) + [
                int(i) for i in np.argsort(-seats)
            ]
            for i in order:
                take = min(excess, int(seats[i]))
                seats[i] -= take
                excess -= take
                if excess == 0:
                    break
        return SeatTable(self.date, self.blocs, tuple(int(s) for s in seats), self.low, self.high,
                         self.total_seats, self.source + " (picked within ranges)", self.notes)


@per_dataset(maxsize=256)
def _from_snapshot(day: dt.date) -> SeatTable:
    snap = seats_by_bloc(day)
    blocs: list[str] = []
    seats: list[int] = []
    low: list[int] = []
    high: list[int] = []
    for b, n in snap.seats.items():
        if b == "vacant":
            continue
        if n == 0 and snap.seats_high[b] == 0:
            continue
        blocs.append(b)
        seats.append(int(n))
        low.append(int(snap.seats_low[b]))
        high.append(int(snap.seats_high[b]))
    if snap.unattributed > 0:
        blocs.append(UNATTRIBUTED)
        seats.append(int(snap.unattributed))
        low.append(0)
        high.append(int(snap.unattributed))
    total = int(sum(snap.seats.values()) + snap.unattributed)  # seated + vacant + unattributed: the house at the date
    return SeatTable(day, tuple(blocs), tuple(seats), tuple(low), tuple(high), total,
                     f"data snapshot {snap.snapshot_date.isoformat()} ({snap.label})", snap.notes)


def _matching_snapshot(seats: Mapping[str, int]) -> SeatTable | None:
    """The data snapshot whose non-zero bloc seats equal ``seats`` (for its conflict ranges)."""
    return _matching_snapshot_of(tuple(sorted((b, int(n)) for b, n in seats.items() if n)))


@per_dataset(maxsize=256)
def _matching_snapshot_of(nonzero: tuple[tuple[str, int], ...]) -> SeatTable | None:
    want = dict(nonzero)
    for start in seat_snapshot_dates():
        table = _from_snapshot(start)
        have = {b: n for b, n in table.as_dict().items() if n}
        if have == want:
            return table
    return None


def seats_at(date: dt.date | str, scenario: Scenario | None = None) -> SeatTable:
    """Seats by bloc in force on ``date``.

    Parameters
    ----------
    date
        A date or ISO string.
    scenario
        If given, its ``legislature.periods`` decide (the last period starting on or before
        ``date``); otherwise the bundled data (:func:`burdenshare.data.seats_by_bloc`).

    Returns
    -------
    SeatTable

    Raises
    ------
    DataError
        If the date precedes the first period or the first data snapshot (``field="date"``).

    Examples
    --------
    >>> seats_at("2020-06-01").as_dict()["liberal"]
    183
    """
    day = as_date(date)
    if scenario is None:
        return _from_snapshot(day)
    with using(vintage_view(scenario)):  # every read: the data known on levers.as_of (all: a hindsight scenario)
        return _seats_in_view(day, scenario)


def _seats_in_view(day: dt.date, scenario: Scenario) -> SeatTable:
    """:func:`seats_at` for a scenario, inside its :func:`~burdenshare.scenario.vintage.vintage_view`."""
    leg = scenario.legislature
    read = (  # every scenario field the table depends on (module docstring)
        tuple(p.model_dump_json(by_alias=True) for p in leg.periods),
        int(leg.total_seats),
        tuple(d.model_dump_json() for d in scenario.uncertainty if d.param.startswith("legislature.periods.")),
        bool(scenario.hindsight),
        scenario.levers.as_of,
    )
    return _scenario_seats(day, read, scenario)


_SEATS_CACHE: dict[tuple[Any, ...], SeatTable] = {}


def _scenario_seats(day: dt.date, read: tuple[Any, ...], scenario: Scenario) -> SeatTable:
    """:func:`seats_at` for a scenario, cached by the active dataset, ``day`` and ``read``."""
    from burdenshare.data.dataset import cache_key

    key = (cache_key(), day, read)
    hit = _SEATS_CACHE.get(key)
    if hit is None:
        if len(_SEATS_CACHE) >= 4096:
            _SEATS_CACHE.clear()
        hit = _SEATS_CACHE[key] = _compute_scenario_seats(day, scenario)
    return hit


def _compute_scenario_seats(day: dt.date, scenario: Scenario) -> SeatTable:
    leg = scenario.legislature
    index = None
    for i, period in enumerate(leg.periods):
        if period.from_ <= day:
            index = i
    if index is None:
        raise DataError(
            f"no legislature period covers {day.isoformat()}; the first starts "
            f"{leg.periods[0].from_.isoformat()}",
            field="date",
        )
    period = leg.periods[index]
    if period.seats_from_data:
        base = _from_snapshot(day)
        base_seats = base.as_dict()
        low = dict(zip(base.blocs, base.low))
        high = dict(zip(base.blocs, base.high))
        notes = list(base.notes)
    else:
        assert period.seats is not None
        base_seats = {b: int(n) for b, n in period.seats.items()}
        match = _matching_snapshot(base_seats)
        low = dict(base_seats)
        high = dict(base_seats)
        notes = []
        if match is not None:
            low.update({b: lo for b, lo in zip(match.blocs, match.low) if b in base_seats})
            high.update({b: hi for b, hi in zip(match.blocs, match.high) if b in base_seats})
            notes = [f"ranges from the matching {match.source}", *match.notes]
    prefix = f"legislature.periods.{index}.seats."
    for dist in scenario.uncertainty:
        if dist.param.startswith(prefix):
            bloc = dist.param[len(prefix):]
            lo_d: Any = getattr(dist, "low", None)
            hi_d: Any = getattr(dist, "high", None)
            if bloc in base_seats and lo_d is not None and hi_d is not None:
                low[bloc] = min(low[bloc], int(np.floor(lo_d)))
                high[bloc] = max(high[bloc], int(np.ceil(hi_d)))
                notes.append(f"{bloc}: range {low[bloc]}-{high[bloc]} from uncertainty {dist.param}")
    blocs = tuple(b for b in base_seats if base_seats[b] > 0 or high.get(b, 0) > 0)
    return SeatTable(
        date=day,
        blocs=blocs,
        seats=tuple(base_seats[b] for b in blocs),
        low=tuple(min(low.get(b, base_seats[b]), base_seats[b]) for b in blocs),
        high=tuple(max(high.get(b, base_seats[b]), base_seats[b]) for b in blocs),
        total_seats=int(leg.total_seats),
        source=f"scenario period {index} from {period.from_.isoformat()} ({period.label})",
        notes=tuple(notes),
    )


def ruling_bloc_at(date: dt.date | str) -> str | None:
    """The bloc of the party the data labels ``ruling`` at ``date`` (None if none is labelled)."""
    snap = seats_by_bloc(as_date(date))
    for party in snap.parties:
        if party.role == "ruling":
            return party.bloc
    return None
