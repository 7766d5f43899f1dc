r"""The governments' own discount rates in a built scenario: each one's latest 10-year yield known.

Two generic rules, the same for every round (docs/builder.md):

* **Own rate.**  Government :math:`i`'s yearly discount rate :math:`r_i`
  (``strategies.<gov>.discount_rate``, :mod:`burdenshare.bargaining.rate_value`) is the average
  yield of its 10-year government bond over the latest period (a month or a year) whose row of
  ``macro_series.csv`` is known on the as-of date (:data:`YIELD_KEYS`; a row is known from its
  ``info_date``: the 7th of the month after the period, data README), as a fraction.  The 10-year
  yield is the government's marginal cost of borrowing over the horizon of an SMA (terms of 1-10
  years): paying a won a year later is worth :math:`1/(1 + r_i)` of paying it now to a treasury
  that borrows at :math:`r_i`.  A period whose value is NOT FOUND, or no row known, gives no rate:
  the field is left unset (the model then reads ``cost_model.discount_rate``) and the provenance
  says so.  Ties on the period's end (December and the year) go to the shorter period.
* **When the rate is bargained.**  The escalator rate is a bargained issue only for a ``fixed``
  family with a cap (:func:`burdenshare.bargaining.rate_value.check_rate_grid`), and only there
  does the model read the own rates (elsewhere each side values the schedule at
  ``cost_model.discount_rate``; :func:`~burdenshare.bargaining.rate_value.rate_grid` is None).  So
  the builder writes ``cost_model.escalator.rate_grid_pct`` (:func:`rate_grid_rule`) and the two own
  rates where the status-quo family is a capped ``fixed`` one **and** both yields are known; with
  one yield unknown the bargain would trade a sourced rate against the assumed common rate, so the
  rate is not bargained and the provenance says why.  Everywhere else the yields read are stated in
  ``provenance.assumptions`` and not written, since the model would not read them.

``cost_model.discount_rate`` stays an assumption (3 %): it is not a government's rate but the common
scale on which the model states every schedule as a level equivalent (consent, approval, the
consent tables and the record-based priors read amounts on that scale; :mod:`burdenshare.agreement`).

References: Fishburn & Rubinstein (1982) for time preference; Rubinstein (1982) for bargaining
with unequal discounting; Board of Governors of the Federal Reserve System, H.15 Selected Interest
Rates (10-year Treasury constant maturity); Bank of Korea ECOS 817Y002 (10-year KTB).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from burdenshare.builder.record import Record, Row

__all__ = ["YIELD_KEYS", "GRID_POINTS", "YieldRead", "latest_yield", "rate_grid_rule", "yield_note"]

#: The ``macro_series.csv`` key of each government's 10-year government bond yield (percent).
YIELD_KEYS: Mapping[str, str] = {"us": "us_treasury_10y_yield_pct", "rok": "rok_ktb_10y_yield_pct"}

#: Evenly spaced points of the bargained rate grid from 0 to the cap (the family's rate is added).
GRID_POINTS: int = 5

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")


@dataclass(frozen=True, slots=True)
class YieldRead:
    """One government's rate read from the data: the row, its period and value."""

    key: str
    period: str
    value_pct: float
    row: Row

    @property
    def rate(self) -> float:
        """The yield as a yearly fraction (percent / 100), rounded to 6 decimals."""
        return round(self.value_pct / 100.0, 6)

    @property
    def ref(self) -> str:
        """The provenance reference naming the row."""
        return f"macro_series.csv:key={self.key}&year={self.period}"


def _period(text: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of a ``YYYY`` or ``YYYY-MM`` period, else None."""
    m = _PERIOD.fullmatch(text.strip())
    if m is None:
        return None
    year = int(m.group(1))
    if m.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


def _value(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def latest_yield(rec: Record, key: str) -> tuple[YieldRead | None, list[Row]]:
    """The latest period's yield of ``key`` known on ``rec``'s date, and the known rows that say
    NOT FOUND (or hold no number).

    The latest period is the one ending last; a tie goes to the shorter period (the month before
    the year).  Only rows known on the as-of date are in ``rec`` (:mod:`burdenshare.builder.record`).

    Examples
    --------
    >>> import datetime as dt
    >>> from burdenshare.builder.record import read_record
    >>> y, _ = latest_yield(read_record(dt.date(2020, 3, 11)), "us_treasury_10y_yield_pct")
    >>> y.period, y.value_pct, y.rate
    ('2020-02', 1.5, 0.015)
    >>> latest_yield(read_record(dt.date(2020, 3, 6)), "us_treasury_10y_yield_pct")[0].period
    '2020-01'
    """
    best: tuple[tuple[dt.date, dt.date], YieldRead] | None = None
    missing: list[Row] = []
    for r in rec.rows("macro_series"):
        if r["key"] != key:
            continue
        span = _period(r["year"])
        v = _value(r["value"])
        if span is None or v is None:
            missing.append(r)
            continue
        rank = (span[1], span[0])
        if best is None or rank > best[0]:
            best = (rank, YieldRead(key, r["year"], v, r))
    return (None if best is None else best[1]), missing


def rate_grid_rule(rate_pct: float, cap_pct: float) -> list[float]:
    """The bargained rates of a capped ``fixed`` family: :data:`GRID_POINTS` evenly spaced rates
    from 0 to the cap, with the family's own rate added (percent, rounded to 4 decimals).

    Examples
    --------
    >>> rate_grid_rule(3.0, 4.0)
    [0.0, 1.0, 2.0, 3.0, 4.0]
    >>> rate_grid_rule(2.5, 5.0)
    [0.0, 1.25, 2.5, 3.75, 5.0]
    >>> rate_grid_rule(1.0, 6.0)
    [0.0, 1.0, 1.5, 3.0, 4.5, 6.0]
    """
    n = GRID_POINTS - 1
    points = {round(cap_pct * k / n, 4) for k in range(n + 1)} | {round(float(rate_pct), 4)}
    return sorted(points)


def yield_note(gov: str, read: YieldRead | None, missing: Sequence[Row]) -> str:
    """One line for ``provenance.assumptions``: the yield read for ``gov`` (or that none is known)."""
    key = YIELD_KEYS[gov]
    if read is not None:
        return (f"{gov} 10-year government bond yield known at as_of: {read.value_pct:g} % ({read.period} average, "
                f"{read.ref})")
    what = ("NOT FOUND for " + ", ".join(r["year"] for r in missing)) if missing else "no row known"
    return f"{gov} 10-year government bond yield known at as_of: none (macro_series.csv:key={key}: {what})"
