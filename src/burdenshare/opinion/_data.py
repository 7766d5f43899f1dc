"""Read-only access to the bundled reference rows the opinion model needs.

Uses :func:`burdenshare.data.load` (the verbatim ``raw_rows``) and falls back to reading the
bundled CSV through :mod:`importlib.resources` if that loader is unavailable.  Parsing of the
few numbers used here is done locally and strictly: a cell that is not a plain number is an
error, never a guess.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

from burdenshare.errors import DataError

BILLION = 1e9
MILLION = 1e6


@lru_cache(maxsize=None)
def raw_rows(table: str) -> tuple[Mapping[str, str], ...]:
    """Verbatim text rows of one bundled table (``polls``, ``context``, ...)."""
    try:
        from burdenshare.data import load
    except ImportError:  # pragma: no cover - data loader not installed
        load = None
    if load is not None:
        return tuple(load(table).raw_rows)
    text = (  # pragma: no cover - fallback path
        resources.files("burdenshare.data").joinpath("files", f"{table}.csv").read_text(encoding="utf-8")
    )
    return tuple(dict(r) for r in csv.DictReader(io.StringIO(text, newline="")))  # pragma: no cover


_PLAIN = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def number(text: str, *, where: str) -> float:
    """Parse a plain number; anything else (``~75``, ``>78``, empty) is a :class:`DataError`."""
    if not _PLAIN.match(text or ""):
        raise DataError(f"{where}: expected a plain number, found {text!r}", field=where)
    return float(text)


def leading_int(text: str) -> float | None:
    """Leading integer of a cell such as ``"1000 adults (19+)"`` or ``"501 (of 9,491 ...)"``."""
    m = re.match(r"^\s*(\d[\d,]*)", text or "")
    return float(m.group(1).replace(",", "")) if m else None


def context_number(key: str) -> float:
    """The numeric ``value`` of a ``context.csv`` row."""
    for r in raw_rows("context"):
        if r["key"] == key:
            return number(r["value"], where=f"context.csv:{key}")
    raise DataError(f"context.csv has no key {key!r}", field="key")


def sma_contribution_krw(year: int) -> float:
    """The ROK SMA contribution for ``year`` in won (``sma_annual_contributions.csv``)."""
    for r in raw_rows("sma_annual_contributions"):
        if r["year"].strip() == str(year):
            return number(r["contribution_krw_billion"], where=f"sma_annual_contributions.csv:{year}") * BILLION
    raise DataError(f"sma_annual_contributions.csv has no year {year}", field="year")


def krw_per_usd(year: int) -> float:
    """Annual-average KRW per USD from ``context.csv`` (``krw_usd_avg_<year>``)."""
    return context_number(f"krw_usd_avg_{year}")


def poll_rows(poll_id: str) -> Sequence[Mapping[str, str]]:
    """All rows of one poll, verbatim."""
    rows = [r for r in raw_rows("polls") if r["poll_id"] == poll_id]
    if not rows:
        raise DataError(f"polls.csv has no poll {poll_id!r}", field="poll_id")
    return rows
