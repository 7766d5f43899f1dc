r"""The recorded consent votes and submissions of the host legislature, as known at a date.

Everything here is read from the data (``national_assembly.csv`` ``sma_vote`` / ``sma_vote_party``
/ ``seats`` rows, ``sma_history.csv``); no party, date or count is written in code.

* :func:`recorded_votes` - every consent vote with counts held *before* ``as_of``, with the seats,
  the government/opposition role of each bloc on the vote date (the ``ruling`` / ``opposition``
  labels of the seat rows), the deal's first-year increase (``sma_history.csv``
  ``pct_change_first_year_vs_prior_year``) and the party tags of the no/abstain votes mapped to
  blocs through the seat rows of the same date (a tag ``"Justice Party (labelled '정의')"`` is the
  party whose seat row name it starts with).
* :func:`submission_record` - every agreement put to the Assembly before ``as_of``
  (``sma_history.csv`` ``na_consent_date`` a date) and whether it passed: the record the
  agenda-control term of the calibration uses (every one passed).

Examples
--------
>>> [(v.sma_number, v.present, v.yes) for v in recorded_votes("2020-03-11")]
[(9, 192, 131), (10, 194, 139)]
>>> [v.sma_number for v in recorded_votes("2019-04-05")]   # the vote on as_of is not yet known
[9]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from burdenshare.data import consent_votes, load, seats_by_bloc
from burdenshare.legislature.seats import as_date

__all__ = ["RecordedVote", "Submission", "recorded_votes", "submission_record"]


@dataclass(frozen=True, slots=True)
class RecordedVote:
    """One recorded consent vote and the chamber on its date.

    Attributes
    ----------
    sma_number, date
        The agreement and the plenary date.
    total_seats
        Seats of the chamber on the date (seated + vacant, from the seat rows).
    seated
        Members seated (the register, 재적의원).
    present, yes, not_yes
        Recorded counts (``not_yes`` = no + abstain).
    blocs, seats
        Seats per bloc on the date (blocs with no seat left out).
    government
        Per bloc: ``True`` where the data label its party ``ruling`` on the date.
    increase_pct
        The deal's first-year increase over the prior year (``sma_history.csv``; ``nan`` if not
        recorded).
    tagged_not_yes
        Bloc -> no/abstain votes carrying a party tag of that bloc (empty where the sources give
        no counts).
    untagged_not_yes
        No/abstain votes without a bloc (``nan`` where the sources give no counts).
    """

    sma_number: int
    date: dt.date
    total_seats: int
    seated: int
    present: int
    yes: int
    not_yes: int
    blocs: tuple[str, ...]
    seats: tuple[int, ...]
    government: tuple[bool, ...]
    increase_pct: float
    tagged_not_yes: dict[str, float]
    untagged_not_yes: float


@dataclass(frozen=True, slots=True)
class Submission:
    """An agreement put to the Assembly: its number, the consent date and whether it passed."""

    sma_number: int
    date: dt.date
    passed: bool


def _increase_pct() -> dict[int, float]:
    out: dict[int, float] = {}
    for row in load("sma_history").rows:
        value = row["pct_change_first_year_vs_prior_year"]
        try:
            out[int(row["sma_number"])] = float(value)
        except (TypeError, ValueError):
            out[int(row["sma_number"])] = math.nan
    return out


def _party_bloc(tag: str, parties: list[tuple[str, str]]) -> str | None:
    """The bloc of the seat-row party whose name the tag starts with (singular/plural tolerant)."""
    name = tag.split(" (")[0].strip()
    for party, bloc in parties:
        base = party.split(" (")[0].strip()
        if base and (base == name or base.startswith(name) or name.startswith(base)):
            return bloc
    return None


def recorded_votes(as_of: dt.date | str) -> tuple[RecordedVote, ...]:
    """The consent votes with counts held strictly before ``as_of``, by date.

    Parameters
    ----------
    as_of
        The information date: a vote on or after it is not known (no hindsight).

    Returns
    -------
    tuple of RecordedVote
    """
    day = as_date(as_of)
    increase = _increase_pct()
    out = []
    for v in consent_votes():
        if v.date >= day:
            continue
        snap = seats_by_bloc(v.date)
        parties = [(p.party, p.bloc) for p in snap.parties if p.bloc != "vacant"]
        blocs = tuple(b for b, n in snap.seats.items() if b != "vacant" and n > 0)
        seats = tuple(int(snap.seats[b]) for b in blocs)
        ruling = {p.bloc for p in snap.parties if p.role == "ruling"}
        tags: dict[str, float] = {}
        untagged = 0.0
        has_counts = False
        for t in v.party_tags:
            if math.isnan(t.votes_no) and math.isnan(t.votes_abstain):
                continue
            has_counts = True
            count = (0.0 if math.isnan(t.votes_no) else t.votes_no) + (0.0 if math.isnan(t.votes_abstain) else t.votes_abstain)
            bloc = _party_bloc(t.party, parties)
            if bloc is None:
                untagged += count
            else:
                tags[bloc] = tags.get(bloc, 0.0) + count
        out.append(RecordedVote(
            sma_number=v.sma_number,
            date=v.date,
            total_seats=int(sum(snap.seats.values()) + snap.unattributed),
            seated=int(v.seated),
            present=v.present,
            yes=v.yes,
            not_yes=v.no + v.abstain,
            blocs=blocs,
            seats=seats,
            government=tuple(b in ruling for b in blocs),
            increase_pct=increase.get(v.sma_number, math.nan),
            tagged_not_yes=tags if has_counts else {},
            untagged_not_yes=untagged if has_counts else math.nan,
        ))
    return tuple(out)


def submission_record(as_of: dt.date | str) -> tuple[Submission, ...]:
    """Agreements put to the Assembly before ``as_of`` (``sma_history.csv`` consent dates).

    An agreement with a consent date was put to the Assembly and passed (the file records a
    consent date only for a vote that consented; none was rejected). Rows whose consent date is
    not found are not counted as submissions.

    Examples
    --------
    >>> [(s.sma_number, s.passed) for s in submission_record("2020-03-11")]
    [(3, True), (9, True), (10, True)]
    """
    day = as_date(as_of)
    out = []
    for row in load("sma_history").rows:
        text = str(row["na_consent_date"]).strip()
        try:
            when = dt.date.fromisoformat(text)
        except ValueError:
            continue
        if when < day:
            out.append(Submission(int(row["sma_number"]), when, True))
    return tuple(sorted(out, key=lambda s: s.date))
