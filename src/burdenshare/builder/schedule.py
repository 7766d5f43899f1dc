"""The agreement's schedule in a built scenario: the status-quo escalator family and its index path.

Three generic rules, the same for every round (docs/builder.md):

* **Allowed terms.** The distinct terms of the SMAs on record at the as-of date
  (``sma_history.csv:duration_years``), kept within 1-10 years (:data:`burdenshare.agreement.MAX_TERM_YEARS`).
* **Escalator family.** The rule of SMA N-1 (``sma_history.csv:annual_increase_rule``) is the
  status quo the talks start from, so it is the family the new schedule is valued in.
  :func:`escalator_family` reads it by keyword: a single-year or flat agreement has no escalator;
  "CPI" is CPI-linked (with "two years earlier" a lag of two years, an added "+x%" a spread);
  "defense budget" is linked to the defence budget; "fixed +x%" is a fixed rate; "capped at x%"
  is a cap.  A rule the keywords do not read (e.g. nominal GNP, which ``cost_model.escalator``
  has no kind for) falls back to no escalator, and the provenance says so.
* **Index growth not known at as_of.** The years the escalator reads over the longest allowed term
  whose index is not known on the as-of date are set to the projection of
  :func:`burdenshare.builder.paths.macro_path` (CPI: the mean of the known annual rates; defence
  budget: the mean known log growth as a percent) and the provenance states its sd.  Known years
  are read from the data by the run (:func:`burdenshare.agreement.index_path`).

References: the SMA texts as summarised in ``sma_history.csv``; Gneiting & Raftery (2007) for
stated predictive uncertainty.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from burdenshare.agreement import MAX_TERM_YEARS
from burdenshare.builder.paths import macro_path
from burdenshare.builder.record import Record, Row

__all__ = ["Family", "allowed_terms", "escalator_family", "index_growth_assumptions"]

#: The macro series (key, mode of :func:`macro_path`) behind each index kind of ``cost_model.escalator``.
INDEX_SERIES: dict[str, tuple[str, str]] = {
    "cpi": ("rok_cpi_inflation_pct", "rate"),
    "defense_budget": ("rok_defense_budget", "level"),
}


@dataclass(frozen=True, slots=True)
class Family:
    """An escalator family read from a rule's text (``cost_model.escalator`` fields) and how it was read."""

    kind: str = "none"
    rate_pct: float = 0.0
    cap_pct: float | None = None
    lag_years: int = 0
    how: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The ``cost_model.escalator`` table (only the fields that differ from the defaults)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.rate_pct:
            out["rate_pct"] = self.rate_pct
        if self.cap_pct is not None:
            out["cap_pct"] = self.cap_pct
        if self.lag_years:
            out["lag_years"] = self.lag_years
        return out


def allowed_terms(durations: list[float]) -> list[int]:
    """The distinct recorded terms within 1..:data:`MAX_TERM_YEARS`, sorted.

    Examples
    --------
    >>> allowed_terms([3, 2, 3, 3, 3, 2, 2, 5, 5, 1])
    [1, 2, 3, 5]
    """
    return sorted({int(d) for d in durations if 1 <= int(d) <= MAX_TERM_YEARS})


def escalator_family(rule: str) -> Family:
    """The escalator family of an agreement from its ``annual_increase_rule`` text (module docstring).

    Examples
    --------
    >>> escalator_family("CPI inflation of two years earlier, capped at 4% per year.").as_dict()
    {'kind': 'cpi', 'cap_pct': 4.0, 'lag_years': 2}
    >>> escalator_family("Single-year agreement; total fixed for 2019").kind
    'none'
    >>> escalator_family("2003 and 2004: prior year +8.8% plus CPI inflation of two years earlier.").as_dict()
    {'kind': 'cpi', 'rate_pct': 8.8, 'lag_years': 2}
    >>> escalator_family("Fixed +10% per year (1996 $330M -> 1998 ~$390M planned).").as_dict()
    {'kind': 'fixed', 'rate_pct': 10.0}
    >>> escalator_family("prior-year amount adjusted by (real GNP/GDP growth + inflation)").kind
    'none'
    """
    text = rule.lower()
    cap_m = re.search(r"cap(?:ped)?\s+(?:at\s+)?(\d+(?:\.\d+)?)\s*%", text)
    cap = float(cap_m.group(1)) if cap_m else None
    lag = 2 if re.search(r"two years earlier|\(t\s*-\s*2\)", text) else (1 if re.search(r"previous year's|prior year's (?:cpi|inflation)", text) else 0)
    if re.search(r"single-year|one-year|\bflat\b", text):
        return Family(how="a single-year or flat agreement: no escalator")
    if re.search(r"defen[cs]e budget", text):
        return Family("defense_budget", 0.0, cap, lag, "growth linked to the defence budget")
    if re.search(r"\bcpi\b|consumer price", text):
        spread = re.search(r"\+\s*(\d+(?:\.\d+)?)\s*%\s*plus", text)
        return Family("cpi", float(spread.group(1)) if spread else 0.0, cap, lag, "growth linked to CPI inflation")
    fixed = re.search(r"fixed\s*\+?\s*(\d+(?:\.\d+)?)\s*%", text)
    if fixed:
        rate = float(fixed.group(1))
        return Family("fixed", rate, cap if cap is not None and cap >= rate else None, 0, "a fixed yearly rate")
    return Family(how="the rule names no escalator kind of cost_model.escalator (none, fixed, cpi, defense_budget): no escalator")


def index_growth_assumptions(rec: Record, family: Family, base_year: int, longest: int
                             ) -> tuple[dict[int, float], dict[int, float], MacroPathRefs]:
    """Index growth (percent) for the years the family reads over ``longest`` years from ``base_year``
    that are not known on the as-of date: (growth by year, its sd by year, the rows it comes from).

    Empty without an index kind or a one-year term.  Years with fewer than two known annual rates
    to project from are left out (the scenario then fails validation naming the field).
    """
    if family.kind not in INDEX_SERIES:
        return {}, {}, MacroPathRefs((), None, None)
    key, mode = INDEX_SERIES[family.kind]
    years = [base_year + i - family.lag_years for i in range(1, longest)]
    p = macro_path(rec, key, mode, range(min(years), max(years) + 1) if years else range(0))
    known_growth = set(p.known) if mode == "rate" else {y for y in p.known if y - 1 in p.known}
    mean, sd = p.rate_mean, p.rate_sd
    out: dict[int, float] = {}
    sds: dict[int, float] = {}
    if mean is None or sd is None:
        return out, sds, MacroPathRefs(p.refs, mean, sd)
    for y in years:
        if y in known_growth:
            continue
        if mode == "rate":
            out[y], sds[y] = round(mean, 3), round(sd, 3)
        else:  # the mean log growth as a percent growth; its sd as percent
            out[y], sds[y] = round(100.0 * math.expm1(mean / 100.0), 3), round(sd, 3)
    return out, sds, MacroPathRefs(p.refs, mean, sd)


@dataclass(frozen=True, slots=True)
class MacroPathRefs:
    """The rows a projection reads and the mean and sd of their annual rates."""

    refs: tuple[str, ...]
    mean: float | None
    sd: float | None


def rows_of(rec: Record, refs: tuple[str, ...]) -> list[Row]:
    """The macro rows a projection reads (for the provenance's source ids)."""
    want = set(refs)
    out = []
    for r in rec.rows("macro_series"):
        if f"macro_series.csv:key={r['key']}&year={r['year']}" in want:
            out.append(r)
    for r in rec.rows("context"):
        if f"context.csv:{r['key']}" in want:
            out.append(r)
    return out


def known_index_growth(rec: Record, kind: str, years: range) -> dict[int, float]:
    """Index growth (percent) known on the as-of date for ``years``: the CPI rate as recorded; the
    defence budget's growth from consecutive known levels (as :func:`burdenshare.data.defense_budget_growth_pct`)."""
    if kind not in INDEX_SERIES:
        return {}
    key, mode = INDEX_SERIES[kind]
    p = macro_path(rec, key, mode, years)
    if mode == "rate":
        return {y: v for y, v in p.known.items() if y in years}
    return {y: 100.0 * (p.known[y] / p.known[y - 1] - 1.0) for y in years if y in p.known and y - 1 in p.known}


def status_quo_level_factor(rec: Record, family: Family, base_year: int, term: int, discount_rate: float,
                            projected: dict[int, float]) -> float:
    r"""The level factor :math:`f_N` (:mod:`burdenshare.agreement`) of the status-quo family at ``term``.

    The recorded first-year increases were signed with their escalators, so a prior stated as an
    opening amount is a level equivalent of ``opening * f_N``: the builder states its priors on the
    scale the engine bargains on (the level equivalent) by this factor at the focal (middle)
    allowed term, with the index known on the as-of date where known and ``projected`` elsewhere.
    1 for a flat family or a one-year term.

    Examples
    --------
    >>> import datetime as dt
    >>> from burdenshare.builder.record import read_record
    >>> fam = escalator_family("CPI inflation of two years earlier, capped at 4% per year.")
    >>> status_quo_level_factor(read_record(dt.date(2018, 3, 7)), fam, 2019, 1, 0.03, {})
    1.0
    """
    from burdenshare.agreement import AgreementSchedule, EscalatorRule

    rule = EscalatorRule(family.kind, family.rate_pct, family.cap_pct, family.lag_years)
    sched = AgreementSchedule(base_year, term, 1.0, rule)
    need = sched.index_years()
    path = {**known_index_growth(rec, family.kind, range(min(need), max(need) + 1)), **projected} if need else {}
    return sched.level_equivalent(discount_rate, path)
