"""National Assembly seats by bloc at a date, and the recorded SMA consent votes.

Source: ``national_assembly.csv``. Seat snapshots are *reconstructed* from dated reports (see the
data README, "Seats 2014/2019/2020 … caveats").

Blocs
-----
The file's ``bloc`` column carries labels such as ``liberal (ruling)``, ``conservative bloc
(opposition)``, ``centre-left, Honam-based (opposition)``. A party's bloc is the leading word of its
label, mapped as follows (the label itself is kept on every :class:`PartySeats`):

=================  =====================================================================
bloc               labels in the file
=================  =====================================================================
``liberal``        ``liberal …`` (Minjoo/Democratic Party, its satellite, Open Democratic)
``conservative``   ``conservative …`` (Saenuri, Liberty Korea, United Future, Future Korea)
``centrist``       ``centrist …`` and ``centre-left, Honam-based`` (People's Party,
                   Bareunmirae, Party for Democracy and Peace, Minsaeng). ASSUMPTION: PDP is
                   grouped with the centrist parties it split from and merged back into
                   (Minsaeng, Feb 2020); its label stays visible.
``progressive``    ``progressive …`` (Justice, Unified Progressive, Minjung)
``far_right``      ``far-right`` (Korean Patriots' / Our Republican Party)
``independent``    rows named ``Independents`` (no label)
``vacant``         rows named ``Vacant``
=================  =====================================================================

Rows without a label (the 1 July 2016 template snapshot) take the bloc of the same party's
labelled row elsewhere in the file; the inference is written in the row's notes.

Which snapshot applies at a date
--------------------------------
Full snapshots (five or more party rows) apply from their date until the next one; an election
result applies from the new Assembly's term start (``term_start`` rows: 2016-05-30, 2020-05-30).
Partial reports (2020-02-17, 2020-02-24, 2020-03-29) do not replace a snapshot; they are listed in
the notes of the snapshot in force. A date before the first snapshot (2012-05-30, the 2012 result from the 19th term start) is a
:class:`~burdenshare.errors.DataError`, and so is a date the data do not cover: after the end of
the term of the last snapshot's Assembly (four years from its term start, Constitution Art. 42;
without a ``term_start`` row, four years from the snapshot).  The data hold nothing about a
later Assembly, so no snapshot is carried over to it.

Conflicts
---------
Where sources disagree the row's value is kept as the central figure and the range of the
reported figures is exposed (``seats_low`` / ``seats_high``): on 2020-03-27 United Future Party
95 (87-97), Democratic Party 120 (120-121), Our Republican Party 2 (1-2). Seats not attributed
by any source on that date (small parties, independents, vacancies: 30) are ``unattributed``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date as Date
from types import MappingProxyType

from burdenshare.data.dataset import per_dataset
from burdenshare.data.table import load, split_source_ids
from burdenshare.errors import DataError

__all__ = [
    "BLOCS",
    "TOTAL_SEATS",
    "ConsentVote",
    "PartySeats",
    "PartyVoteTag",
    "SeatSnapshot",
    "bloc_of",
    "consent_votes",
    "seat_snapshot_dates",
    "seats_by_bloc",
]

#: Seats in the National Assembly (2014-2020).
TOTAL_SEATS = 300

#: Bloc names, in display order.
BLOCS: tuple[str, ...] = (
    "liberal",
    "conservative",
    "centrist",
    "progressive",
    "far_right",
    "independent",
    "vacant",
)

# Documented conflicts (data README caveat "United Future Party seats on 27 Mar 2020 conflict"
# and the row notes): (snapshot date, party) -> (low, high) of the reported figures.
_SEAT_RANGES: Mapping[tuple[str, str], tuple[int, int]] = MappingProxyType(
    {
        ("2020-03-27", "United Future Party"): (87, 97),
        ("2020-03-27", "Democratic Party of Korea"): (120, 121),
        ("2020-03-27", "Our Republican Party"): (1, 2),
    }
)


@dataclass(frozen=True, slots=True)
class PartySeats:
    """One party's seats in a snapshot (a row of ``national_assembly.csv``)."""

    party: str
    bloc: str
    bloc_label: str
    role: str | None
    seats: int
    seats_low: int
    seats_high: int
    confidence: str
    notes: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeatSnapshot:
    """Seats per bloc in force at a date.

    Attributes
    ----------
    date
        The date asked for.
    snapshot_date
        The date of the snapshot rows used (``event_date``).
    effective_from
        When that snapshot starts to apply (the term start for an election result).
    assembly_term, label
        As in the file (``"20th"``, the ``snapshot`` text).
    parties
        Party rows, in file order.
    seats, seats_low, seats_high
        Bloc → seats (central figure, and the range where sources conflict).
    vacant
        Vacant seats recorded in the snapshot.
    unattributed
        Seats of the 300 that no source read attributes on that date (0 for complete snapshots).
    notes
        Caveats: conflicts, derived figures, inferred blocs, later partial reports.
    source_ids
        Every source cited by the rows used.
    """

    date: Date
    snapshot_date: Date
    effective_from: Date
    assembly_term: str
    label: str
    parties: tuple[PartySeats, ...]
    seats: Mapping[str, int]
    seats_low: Mapping[str, int]
    seats_high: Mapping[str, int]
    vacant: int
    unattributed: int
    notes: tuple[str, ...]
    source_ids: tuple[str, ...]

    @property
    def seated(self) -> int:
        """Members seated: 300 minus recorded vacancies (an upper bound where seats are unattributed)."""
        return TOTAL_SEATS - self.vacant

    @property
    def total_seats(self) -> int:
        """Seats in the Assembly (300)."""
        return TOTAL_SEATS

    @property
    def uncertain(self) -> bool:
        """Whether any bloc has a range or seats are unattributed."""
        return self.unattributed > 0 or any(
            self.seats_low[b] != self.seats_high[b] for b in self.seats
        )


@dataclass(frozen=True, slots=True)
class PartyVoteTag:
    """A party's recorded part in a consent vote (counts ``nan`` where not found)."""

    party: str
    votes_no: float
    votes_abstain: float
    confidence: str
    notes: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConsentVote:
    """A recorded National Assembly consent vote on an SMA.

    Attributes
    ----------
    sma_number
        Ordinal of the SMA (9, 10).
    date, assembly_term
        Plenary date and Assembly term.
    present, yes, no, abstain
        Recorded counts.
    seated
        Members seated that day (from the seat snapshot in force; 298 in April 2014).
    party_tags
        Party attributions of no/abstain votes where the sources give them (2019: Pen&Mike
        roll-call names with party labels; 2014: only party announcements, counts ``nan``).
    """

    sma_number: int
    date: Date
    assembly_term: str
    present: int
    yes: int
    no: int
    abstain: int
    seated: int
    confidence: str
    notes: str
    source_ids: tuple[str, ...]
    party_tags: tuple[PartyVoteTag, ...]

    @property
    def yes_share_of_present(self) -> float:
        """``yes / present``."""
        return self.yes / self.present


def _strip_paren(name: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", name).strip()


def bloc_of(label: str, party: str = "") -> str | None:
    """Map a ``bloc`` label (and party name, for unlabelled rows) to a bloc name.

    Returns ``None`` for an empty label of a party that is neither independent nor vacant (the
    caller infers it from another row). See the module docstring for the mapping.

    Examples
    --------
    >>> bloc_of("conservative bloc (opposition)"), bloc_of("centre-left, Honam-based (opposition)")
    ('conservative', 'centrist')
    """
    text = label.strip().lower()
    if text.startswith("liberal"):
        return "liberal"
    if text.startswith("conservative"):
        return "conservative"
    if text.startswith("centrist") or text.startswith("centre-left"):
        return "centrist"
    if text.startswith("progressive"):
        return "progressive"
    if text.startswith("far-right"):
        return "far_right"
    if text:
        raise DataError(f"unmapped bloc label {label!r}", field="bloc")
    if party.lower().startswith("independent"):
        return "independent"
    if party.lower().startswith("vacant"):
        return "vacant"
    return None


def _role_of(label: str) -> str | None:
    text = label.lower()
    if "ruling" in text:
        return "ruling"
    if "opposition" in text:
        return "opposition"
    return None


def _text(cell: object) -> str:
    return cell if isinstance(cell, str) else ""


def _int(cell: object) -> int:
    assert isinstance(cell, float) and not math.isnan(cell)
    return int(cell)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    effective_from: Date
    snapshot_date: Date
    term: str
    label: str
    rows: tuple[Mapping[str, object], ...]


@per_dataset(maxsize=4)
def _schedule() -> tuple[tuple[_Snapshot, ...], tuple[tuple[Date, str], ...], tuple[tuple[str, Date], ...]]:
    table = load("national_assembly")
    term_start = {
        _text(r["assembly_term"]): Date.fromisoformat(_text(r["event_date"]))
        for r in table.where(record_type="term_start").rows
    }
    seats = table.where(record_type="seats")
    by_date: dict[str, list[Mapping[str, object]]] = {}
    for row in seats.rows:
        by_date.setdefault(_text(row["event_date"]), []).append(row)
    full: list[_Snapshot] = []
    partial: list[tuple[Date, str]] = []
    for day, rows in by_date.items():
        snap_date = Date.fromisoformat(day)
        if len(rows) < 5:
            parts = ", ".join(f"{r['party_or_item']} {_int(r['seats_total'])}" for r in rows)
            partial.append((snap_date, f"partial report {day} ({_text(rows[0]['snapshot'])}): {parts}"))
            continue
        label = _text(rows[0]["snapshot"])
        term = _text(rows[0]["assembly_term"])
        effective = snap_date
        if "election result" in label and term in term_start:
            effective = term_start[term]
        full.append(_Snapshot(effective, snap_date, term, label, tuple(rows)))
    full.sort(key=lambda s: s.effective_from)
    partial.sort()
    return tuple(full), tuple(partial), tuple(term_start.items())


#: An Assembly's term in years (Constitution of the Republic of Korea, Art. 42).
TERM_YEARS = 4


def _term_end(snap: _Snapshot, term_start: Mapping[str, Date]) -> Date:
    """The last day of the term of the snapshot's Assembly (TERM_YEARS from its start)."""
    start = term_start.get(snap.term, snap.effective_from)
    try:
        end = start.replace(year=start.year + TERM_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + TERM_YEARS, day=28)
    return Date.fromordinal(end.toordinal() - 1)


def seat_snapshot_dates() -> tuple[Date, ...]:
    """The dates from which each full snapshot applies, ascending."""
    return tuple(s.effective_from for s in _schedule()[0])


def _bloc_lookup() -> Mapping[str, tuple[str, str]]:
    """Party name (parenthetical stripped) → (bloc, label) from the labelled seat rows."""
    out: dict[str, tuple[str, str]] = {}
    for row in load("national_assembly").where(record_type="seats").rows:
        label = _text(row["bloc"])
        if label:
            out.setdefault(_strip_paren(_text(row["party_or_item"])), (bloc_of(label) or "", label))
    return out


def seats_by_bloc(date: Date | str) -> SeatSnapshot:
    """Seats per bloc in force on ``date``.

    Parameters
    ----------
    date
        A :class:`datetime.date` or ISO string.

    Returns
    -------
    SeatSnapshot

    Raises
    ------
    DataError
        If ``date`` is before the first snapshot (2012-05-30, the 2012 result from the 19th term start) or after the term of the last
        snapshot's Assembly (``field="date"``): the data do not cover it.

    Examples
    --------
    >>> s = seats_by_bloc("2020-06-01")
    >>> s.seats["liberal"], s.seats["conservative"]
    (183, 103)
    """
    day = Date.fromisoformat(date) if isinstance(date, str) else date
    snapshots, partial, starts = _schedule()
    if not snapshots:
        raise DataError(f"no seat data for {day.isoformat()}: the data hold no full seat snapshot", field="date")
    if day < snapshots[0].effective_from:
        raise DataError(
            f"no seat data for {day.isoformat()}; the first snapshot is "
            f"{snapshots[0].effective_from.isoformat()} (snapshots: "
            f"{', '.join(s.effective_from.isoformat() for s in snapshots)})",
            field="date",
        )
    index = max(i for i, s in enumerate(snapshots) if s.effective_from <= day)
    snap = snapshots[index]
    next_from = snapshots[index + 1].effective_from if index + 1 < len(snapshots) else None
    term_end = _term_end(snap, dict(starts))
    if next_from is None and day > term_end:
        raise DataError(
            f"no seat data for {day.isoformat()}: the last snapshot ({snap.label}, {snap.term} Assembly, "
            f"{snap.snapshot_date.isoformat()}) covers its term to {term_end.isoformat()} "
            f"({TERM_YEARS} years, Constitution Art. 42); the data hold no later Assembly",
            field="date",
        )
    lookup = _bloc_lookup()
    parties: list[PartySeats] = []
    notes: list[str] = []
    ids: dict[str, None] = {}
    for row in snap.rows:
        party = _text(row["party_or_item"])
        label = _text(row["bloc"])
        bloc = bloc_of(label, party)
        row_notes = _text(row["notes"])
        if bloc is None:
            inferred = lookup.get(_strip_paren(party))
            if inferred is None:
                raise DataError(f"cannot place {party!r} in a bloc", field="bloc")
            bloc, label = inferred[0], inferred[1]
            row_notes = (row_notes + " " if row_notes else "") + f"(bloc inferred from the party's row labelled {label!r})"
        n = _int(row["seats_total"])
        low, high = _SEAT_RANGES.get((snap.snapshot_date.isoformat(), party), (n, n))
        if (low, high) != (n, n):
            notes.append(f"{party}: {n} seats, sources report {low}-{high} (conflict, not resolved)")
        src = split_source_ids(row["source_ids"])
        ids.update(dict.fromkeys(src))
        parties.append(
            PartySeats(party, bloc, label, _role_of(label), n, low, high, _text(row["confidence"]), row_notes, src)
        )
        if "DERIVED" in row_notes:
            notes.append(f"{party}: {n} seats DERIVED (see row notes)")
    seats = {b: 0 for b in BLOCS}
    lows = {b: 0 for b in BLOCS}
    highs = {b: 0 for b in BLOCS}
    for p in parties:
        seats[p.bloc] += p.seats
        lows[p.bloc] += p.seats_low
        highs[p.bloc] += p.seats_high
    unattributed = TOTAL_SEATS - sum(seats.values())
    if unattributed:
        notes.append(
            f"{unattributed} of {TOTAL_SEATS} seats not attributed by the sources read on "
            f"{snap.snapshot_date.isoformat()} (small parties, independents, vacancies NOT FOUND)"
        )
    for when, text in partial:
        if when > snap.snapshot_date and when <= day and (next_from is None or when < next_from):
            notes.append(text)
    age = (day - snap.effective_from).days
    if age > 180:
        notes.append(
            f"the snapshot in force is {age} days older than {day.isoformat()}; seat changes in "
            "between are not recorded in the data"
        )
    if snap.effective_from != snap.snapshot_date:
        notes.append(
            f"{snap.label} of {snap.snapshot_date.isoformat()} applies from the term start "
            f"{snap.effective_from.isoformat()}"
        )
    return SeatSnapshot(
        date=day,
        snapshot_date=snap.snapshot_date,
        effective_from=snap.effective_from,
        assembly_term=snap.term,
        label=snap.label,
        parties=tuple(parties),
        seats=MappingProxyType(seats),
        seats_low=MappingProxyType(lows),
        seats_high=MappingProxyType(highs),
        vacant=seats["vacant"],
        unattributed=unattributed,
        notes=tuple(notes),
        source_ids=tuple(ids),
    )


def consent_votes() -> tuple[ConsentVote, ...]:
    """The recorded SMA consent votes with counts (9th SMA 2014, 10th SMA 2019), by date.

    The 3rd SMA consent (1995-12-01) is in the file without a vote count (NOT FOUND) and is not
    returned. Party tags come from the ``sma_vote_party`` rows of the same date.

    Examples
    --------
    >>> [(v.sma_number, v.yes, v.present) for v in consent_votes()]
    [(9, 131, 192), (10, 139, 194)]
    """
    table = load("national_assembly")
    tags_table = table.where(record_type="sma_vote_party")
    votes: list[ConsentVote] = []
    for row in table.where(record_type="sma_vote").rows:
        present = row["votes_present"]
        if not isinstance(present, float) or math.isnan(present):
            continue
        day = _text(row["event_date"])
        m = re.match(r"(\d+)", _text(row["party_or_item"]))
        assert m is not None
        tags = tuple(
            PartyVoteTag(
                party=_text(t["party_or_item"]),
                votes_no=float(t["votes_no"]),
                votes_abstain=float(t["votes_abstain"]),
                confidence=_text(t["confidence"]),
                notes=_text(t["notes"]),
                source_ids=split_source_ids(t["source_ids"]),
            )
            for t in tags_table.where(event_date=day).rows
        )
        votes.append(
            ConsentVote(
                sma_number=int(m.group(1)),
                date=Date.fromisoformat(day),
                assembly_term=_text(row["assembly_term"]),
                present=_int(present),
                yes=_int(row["votes_yes"]),
                no=_int(row["votes_no"]),
                abstain=_int(row["votes_abstain"]),
                seated=seats_by_bloc(day).seated,
                confidence=_text(row["confidence"]),
                notes=_text(row["notes"]),
                source_ids=split_source_ids(row["source_ids"]),
                party_tags=tags,
            )
        )
    votes.sort(key=lambda v: v.date)
    return tuple(votes)
