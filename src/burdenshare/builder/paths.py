"""Macro paths known on the as-of date, extrapolated with stated uncertainty: ROK CPI and defence budget.

Escalators of past SMAs were linked to the ROK CPI (SMAs 5-9) and to the growth of the ROK
defence budget (SMA 11); a scenario for the talks on SMA N therefore needs the paths of both over
the negotiated term.  :func:`macro_path` reads the annual values known on the as-of date
(``macro_series.csv`` keys, and ``context.csv`` keys ``<key>_<year>``; an annual value is known
from the end of its year, docs/data-contract.md) and extrapolates each later year of the term by
the mean and the sample standard deviation of the known annual rates (a random walk with drift
for the defence budget's log level, so its sd grows with the square root of the horizon; i.i.d.
years for the CPI inflation rate).  Nothing is tuned: the same rule applies to every round.

:func:`path_notes` writes both paths as lines of ``provenance.assumptions`` with the rows they
come from; the years the built escalator reads and the data do not hold at the as-of date go into
``cost_model.index_growth_pct`` (:mod:`burdenshare.builder.schedule`, docs/builder.md).

References: Gneiting & Raftery (2007) for stated predictive uncertainty; the SMA texts for the
escalator kinds (``sma_annual_contributions.csv`` notes).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from burdenshare.builder.record import Record

__all__ = ["MacroPath", "macro_path", "path_notes", "PATH_KEYS"]

#: The paths the builder reads: key, how the annual value grows ("rate": the value is itself an
#: annual % rate, extrapolated i.i.d.; "level": a level whose log grows as a random walk with drift).
PATH_KEYS: tuple[tuple[str, str], ...] = (("rok_cpi_inflation_pct", "rate"), ("rok_defense_budget", "level"))


@dataclass(frozen=True, slots=True)
class MacroPath:
    """Known annual values and the extrapolated years (mean, sd) of one macro series."""

    key: str
    mode: str
    known: dict[int, float]
    refs: tuple[str, ...]
    projected: dict[int, tuple[float, float]]
    rate_mean: float | None
    rate_sd: float | None


def _value(text: str) -> float | None:
    m = re.fullmatch(r"~?\s*(-?\d+(?:\.\d+)?)(?:\s*\(.*\))?", text.strip())
    return float(m.group(1)) if m else None


def macro_path(rec: Record, key: str, mode: str, years: range) -> MacroPath:
    """The path of ``key`` over ``years`` from the rows of ``rec`` (known on its as-of date).

    ``mode = "rate"``: the annual values are % rates; a year not known is projected at the mean
    of the known rates with their sample sd.  ``mode = "level"``: the annual log growth rates of the
    known levels have mean m and sd s; ``h`` years after the last known year the level is
    ``last * exp(h m)`` with the log-sd ``s * sqrt(h)`` (given as a share of the level).
    With fewer than two rates known nothing is projected.

    Examples
    --------
    >>> import datetime as dt
    >>> from burdenshare.builder.record import read_record
    >>> p = macro_path(read_record(dt.date(2013, 7, 31)), "rok_cpi_inflation_pct", "rate", range(2014, 2016))
    >>> sorted(p.known), p.rate_mean
    ([2010, 2011, 2012], 3.0333)
    """
    known: dict[int, float] = {}
    refs: dict[int, str] = {}
    for r in rec.rows("macro_series"):
        if r["key"] == key and (v := _value(r["value"])) is not None:
            known[int(r["year"])] = v
            refs[int(r["year"])] = f"macro_series.csv:key={key}&year={r['year']}"
    for r in rec.rows("context"):
        m = re.fullmatch(rf"{key}_(\d{{4}})", r["key"])
        if m and (v := _value(r["value"])) is not None and int(m.group(1)) not in known:
            known[int(m.group(1))] = v
            refs[int(m.group(1))] = f"context.csv:{r['key']}"
    ys = sorted(known)
    if mode == "rate":
        rates = [known[y] for y in ys]
    else:
        rates = [100.0 * math.log(known[b] / known[a]) for a, b in zip(ys, ys[1:]) if b == a + 1]
    mean = statistics.fmean(rates) if len(rates) >= 2 else None
    sd = statistics.stdev(rates) if len(rates) >= 2 else None
    projected: dict[int, tuple[float, float]] = {}
    if mean is not None and sd is not None and ys:
        for y in years:
            if y in known:
                continue
            if mode == "rate":
                projected[y] = (round(mean, 3), round(sd, 3))
            elif y > ys[-1]:
                h = y - ys[-1]
                projected[y] = (round(known[ys[-1]] * math.exp(h * mean / 100.0), 1), round(sd * math.sqrt(h) / 100.0, 4))
    return MacroPath(key, mode, {y: known[y] for y in ys}, tuple(refs[y] for y in ys), projected,
                     None if mean is None else round(mean, 4), None if sd is None else round(sd, 4))


def path_notes(rec: Record, years: range) -> list[str]:
    """One ``provenance.assumptions`` line per path of :data:`PATH_KEYS` over ``years``."""
    out = []
    for key, mode in PATH_KEYS:
        p = macro_path(rec, key, mode, years)
        if not p.known:
            out.append(f"path {key}: no value known at as_of")
            continue
        last = max(p.known)
        head = (f"path {key} ({'annual % rate' if mode == 'rate' else 'level'}): known {min(p.known)}-{last}, "
                f"last {p.known[last]:g} (rows: {', '.join(p.refs)})")
        if not p.projected:
            out.append(head + "; fewer than two annual rates known: not projected")
            continue
        if mode == "rate":
            proj = f"projected {min(p.projected)}-{max(p.projected)}: {p.rate_mean:g} % +/- {p.rate_sd:g} (mean +/- sd of the known rates, i.i.d. years)"
        else:
            proj = "projected " + "; ".join(f"{y}: {m:g} (log-sd {s:g})" for y, (m, s) in sorted(p.projected.items())) + (
                f" (log growth {p.rate_mean:g} % +/- {p.rate_sd:g} a year: random walk with drift)")
        out.append(head + "; " + proj)
    return out
