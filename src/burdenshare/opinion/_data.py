"""The bundled reference rows the opinion model needs, read through :mod:`burdenshare.data`.

Thin, strict wrappers: every lookup is :mod:`burdenshare.data`'s (``load``, ``fact``,
``sma_contribution_krw``, ``poll_ids``, ``parse_cell``).  What is added here is
strictness: a number the opinion fit uses must be a *plain* number in the file; an approximate or
bounded figure (``~75``, ``>78``), a NOT FOUND marker or an empty cell is a
:class:`~burdenshare.errors.DataError`, never a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from burdenshare import data
from burdenshare.data.table import Marked, parse_cell
from burdenshare.errors import DataError

BILLION = 1e9
MILLION = 1e6


@data.per_dataset(maxsize=None)
def raw_rows(table: str) -> tuple[Mapping[str, str], ...]:
    """Verbatim text rows of one bundled table (``polls``, ``context``, ...): ``data.load(table).raw_rows``."""
    return tuple(data.load(table).raw_rows)


def _plain(value: object) -> bool:
    return type(value) is float and not math.isnan(value)


def number(text: str, *, where: str) -> float:
    """Parse a plain number (:func:`burdenshare.data.table.parse_cell`); anything else (``~75``,
    ``>78``, ``NOT FOUND``, text, empty) is a :class:`DataError`."""
    cell = parse_cell(text or "", numeric=True)
    if not _plain(cell):
        raise DataError(f"{where}: expected a plain number, found {text!r}", field=where)
    return float(cell)


def leading_int(text: str) -> float | None:
    """Leading integer of a cell such as ``"1000 adults (19+)"`` or ``"501 (of 9,491 ...)"``.

    (``polls.csv`` ``sample_size`` is a text column; :mod:`burdenshare.data` keeps it verbatim.)
    """
    m = re.match(r"^\s*(\d[\d,]*)", text or "")
    return float(m.group(1).replace(",", "")) if m else None


def context_number(key: str) -> float:
    """The numeric ``value`` of a ``context.csv`` row (:func:`burdenshare.data.fact`), plain only."""
    return number(data.fact(key).raw, where=f"context.csv:{key}")


def sma_contribution_krw(year: int) -> float:
    """The ROK SMA contribution for ``year`` in won (:func:`burdenshare.data.sma_contribution_krw`),
    plain figures only (an approximate one such as 2002's ``~610`` is a :class:`DataError`)."""
    value = data.sma_contribution_krw(year)
    if isinstance(value, Marked):
        raise DataError(
            f"sma_annual_contributions.csv:{year}: expected a plain number, found {value.raw!r}", field="year"
        )
    return float(value)


def krw_per_usd(year: int) -> float:
    """Annual-average KRW per USD from ``context.csv`` (``krw_usd_avg_<year>``, the rate
    :func:`burdenshare.data.exchange_rate_krw_per_usd` prefers; years only ``macro_series.csv``
    records are a :class:`DataError` here, as before)."""
    return context_number(f"krw_usd_avg_{year}")


def poll_rows(poll_id: str) -> Sequence[Mapping[str, str]]:
    """All rows of one poll, verbatim (``data.load("polls").where(poll_id=...)``)."""
    rows = data.load("polls").where(poll_id=poll_id).raw_rows
    if not rows:
        raise DataError(f"polls.csv has no poll {poll_id!r}; polls: {', '.join(data.poll_ids())}", field="poll_id")
    return list(rows)
