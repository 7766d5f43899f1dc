"""The builder's rules: a scenario for the talks on SMA N from the record known on a date.

Every rule is the same for every round (no per-round tuning); docs/builder.md states them with
their reasons.  Each value is written with its provenance (a data row, a computation on data rows,
a document such as the Constitution or the US Code, or a labelled assumption) into the scenario's
``[provenance.values]`` map.  The functions here read only :class:`~burdenshare.builder.record.Record`
(rows known on the as-of date), so the output cannot depend on later rows.

References: Putnam (1988) two-level games; the model's design (DESIGN.md §4, §8); Public Official
Election Act Art. 34 (ROK legislative election date); Constitution of the ROK Art. 42 (four-year
term) and Art. 49 (majority of those present); 3 U.S.C. §1 and the 20th Amendment (US election and
inauguration dates).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Mapping
from typing import Any

from burdenshare.builder.paths import path_notes
from burdenshare.builder.record import Record, Row
from burdenshare.builder.schedule import (allowed_terms, escalator_family, index_growth_assumptions, rows_of,
                                          status_quo_level_factor)
from burdenshare.builder.yields import YIELD_KEYS, latest_yield, rate_grid_rule, yield_note
from burdenshare.errors import DataError

__all__ = ["BuildError", "GENERIC", "PARTY_LINES", "rok_election_date", "us_election_dates", "scenario_dict"]


class BuildError(DataError):
    """The data cannot support a scenario for the requested round and date (one line: what is missing)."""


BILLION = 1e9
#: Party lines by bloc (multiples of the current agreement): an assumption by ideology, the same
#: for every round (a freeze for the progressive left, most room for the conservative right).
PARTY_LINES: Mapping[str, float] = {
    "liberal": 1.2, "centrist": 1.2, "progressive": 1.0, "conservative": 1.45, "far_right": 1.45,
}
#: Generic model assumptions, the same for every round (values of the hand-built 2020 scenario
#: that carry no fact of one round).
GENERIC: Mapping[str, float] = {
    "discount_rate": 0.03, "us_exponent": 5.0, "rok_exponent": 3.0, "discount_factor": 0.97,
    "audience_cost_krw": 100 * BILLION,
    "per_round_cost_krw": 5 * BILLION, "round_interval_days": 30, "first_round_after_days": 7,
    "p_administration_change": 0.5, "party_discipline": 0.8,
    "opinion_weight": 0.3, "opinion_weight_pre_election": 0.6, "pre_election_window_days": 60,
    "attendance_rate": 0.65, "abstention_rate": 0.15, "opposition_yes_propensity": 0.5, "ruling_yes_propensity": 0.95,
    "amount_step_krw": 10 * BILLION, "seat_swing_fallback": 0.1,
    "term_weight_share": 0.01,
}


def _num(text: str) -> float | None:
    m = re.fullmatch(r"~?\s*(-?\d+(?:\.\d+)?)(?:\s*\(.*\))?", text.strip())
    return float(m.group(1)) if m else None


def _iso(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None


def rok_election_date(term_start: dt.date) -> dt.date:
    """Date of the legislative election ending a four-year Assembly term that began on ``term_start``.

    Public Official Election Act Art. 34(1): the first Wednesday on or after the 50th day before
    the term expires (the term ends the day before its fourth anniversary; Constitution Art. 42).

    Examples
    --------
    >>> rok_election_date(dt.date(2016, 5, 30)), rok_election_date(dt.date(2012, 5, 30))
    (datetime.date(2020, 4, 15), datetime.date(2016, 4, 13))
    """
    end = term_start.replace(year=term_start.year + 4) - dt.timedelta(days=1)
    day = end - dt.timedelta(days=50)
    return day + dt.timedelta(days=(2 - day.weekday()) % 7)


def us_election_dates(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(election, inauguration) of the US presidential elections from ``start`` to ``end``.

    3 U.S.C. §1: the Tuesday after the first Monday of November of every fourth year (years
    divisible by 4); 20th Amendment: the term begins on 20 January.

    Examples
    --------
    >>> us_election_dates(dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    [(datetime.date(2020, 11, 3), datetime.date(2021, 1, 20))]
    """
    out = []
    for year in range(start.year, end.year + 1):
        if year % 4:
            continue
        first = dt.date(year, 11, 1)
        monday = first + dt.timedelta(days=(0 - first.weekday()) % 7)
        day = monday + dt.timedelta(days=1)
        if start <= day <= end:
            out.append((day, dt.date(year + 1, 1, 20)))
    return out


class _Out:
    """The scenario dict under construction and its provenance map."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.prov: dict[str, dict[str, Any]] = {}
        self.uncertainty: list[dict[str, Any]] = []

    def put(self, path: str, value: Any, prov: dict[str, Any] | None) -> None:
        node = self.data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
        if prov is not None:
            self.prov[path] = prov


def _data(row: Row, ref: str, note: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": "data", "source": ref, "ids": row.ids()}
    if note:
        entry["note"] = note
    return entry


def _computed(formula: str, refs: list[str], rows: list[Row], note: str = "") -> dict[str, Any]:
    ids: list[str] = []
    for r in rows:
        ids += [i for i in r.ids() if i not in ids]
    entry: dict[str, Any] = {"kind": "computed", "formula": formula, "from": refs, "ids": ids}
    if note:
        entry["note"] = note
    return entry


def _assume(reason: str) -> dict[str, Any]:
    return {"kind": "assumption", "reason": reason}


def _submission_record_prov(rec: Record, as_of: dt.date) -> dict[str, Any]:
    """Provenance of the calibrated submission threshold: the record of submissions known on ``as_of``.

    The rule is :mod:`burdenshare.engine.agenda`'s (the model's Assembly rejections per submitted
    text equal the Jeffreys posterior mean of the recorded rate); the record is the rows of
    ``sma_history.csv`` with a consent date before ``as_of``, as
    :func:`burdenshare.legislature.record.submission_record` reads them.
    """
    rows: list[Row] = []
    for r in rec.rows("sma_history"):
        try:
            if dt.date.fromisoformat(str(r["na_consent_date"]).strip()) < as_of:
                rows.append(r)
        except ValueError:
            continue
    k = len(rows)
    return _computed(f"theta such that the model's Assembly rejections per submitted text = (0 + 1/2) / ({k} + 1) = "
                     f"{0.5 / (k + 1):.4g}, the Jeffreys posterior mean of the recorded rejection rate "
                     f"(bisection, burdenshare.engine.agenda)",
                     [f"sma_history.csv:{r['sma_number']}" for r in rows], rows,
                     f"the agreements put to the Assembly before as_of, all passed ({k}); agenda control, Tarar 2001")


def _vote_noise_prov(rec: Record, as_of: dt.date) -> dict[str, Any]:
    """Provenance of the calibrated floor-vote noise scale: the same record of submissions as
    :func:`_submission_record_prov`, entering the legislature model (:mod:`burdenshare.engine.record_vote`)."""
    entry = _submission_record_prov(rec, as_of)
    k = len(entry["from"])
    entry["formula"] = (f"the largest kappa in [0.02, 1] with the model's Assembly rejections per submitted text <= "
                        f"(0 + 1/2) / ({k} + 1) = {0.5 / (k + 1):.4g}, the Jeffreys posterior mean of the recorded "
                        f"rejection rate (bisection, burdenshare.engine.record_vote)")
    entry["note"] = f"the agreements put to the Assembly before as_of, all passed ({k}); the floor vote's noise around the pivot"
    return entry


def _doc(source: str, note: str = "") -> dict[str, Any]:
    return {"kind": "document", "source": source, "note": note} if note else {"kind": "document", "source": source}


def _history(full: Record, n: int) -> tuple[Row, Row | None]:
    by = {r["sma_number"]: r for r in full.rows("sma_history")}
    prev = by.get(str(n - 1))
    if prev is None:
        raise BuildError(f"sma_history.csv has no row for SMA {n - 1}, the agreement round {n} renegotiates",
                         field="--round")
    return prev, by.get(str(n))


def _later_signed(full: Record, n: int, as_of: dt.date) -> tuple[int, dt.date] | None:
    """The first SMA after N signed on or before ``as_of`` (then the talks on SMA N were over, even
    where SMA N's own signing date is not found), or ``None``."""
    for r in full.rows("sma_history"):
        if r["sma_number"].isdigit() and int(r["sma_number"]) > n:
            s = _iso(r["signing_date"])
            if s is not None and s <= as_of:
                return int(r["sma_number"]), s
    return None


def check_round(full: Record, n: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Refuse a round the data cannot support at ``as_of``; return (signing of N-1, its expiry)."""
    prev, this = _history(full, n)
    signed = _iso(prev["signing_date"])
    if signed is None:
        raise BuildError(f"sma_history.csv: SMA {n - 1} has no signing_date ({prev['signing_date'] or 'empty'})",
                         field="--round")
    if as_of < signed:
        raise BuildError(f"--as-of {as_of.isoformat()} is before SMA {n - 1} was signed ({signed.isoformat()})",
                         field="--as-of")
    if this is not None:
        s = _iso(this["signing_date"])
        if s is not None and s <= as_of:
            raise BuildError(f"SMA {n} was already signed on {s.isoformat()}, on or before --as-of {as_of.isoformat()}",
                             field="--as-of")
    later = _later_signed(full, n, as_of)
    if later is not None:
        raise BuildError(f"SMA {later[0]}, which followed SMA {n}, was already signed on {later[1].isoformat()}, "
                         f"on or before --as-of {as_of.isoformat()}: the talks on SMA {n} were over", field="--as-of")
    years = re.findall(r"\d{4}", prev["years_covered"])
    if not years:
        raise BuildError(f"sma_history.csv: SMA {n - 1} has no years_covered", field="--round")
    return signed, dt.date(int(years[-1]), 12, 31)


def _context(rec: Record, key: str) -> Row | None:
    rows = [r for r in rec.rows("context") if r["key"] == key]
    return rows[-1] if rows else None


def record_deciles(increases_pct: list[float]) -> tuple[float, float, float]:
    """Decile 1, median and decile 9 of the recorded first-year increases (percent in, shares out).

    The sample quantiles of ``statistics.quantiles(..., method="inclusive")`` (linear
    interpolation between order statistics, type 7 of Hyndman & Fan 1996): the priors read the
    distribution of the record, not its extremes.

    Examples
    --------
    >>> [round(x, 4) for x in record_deciles([18.2, 10.0, 6.0, 25.7, -8.9, 6.6, 2.5, 5.8])]
    [-0.0092, 0.063, 0.2045]
    """
    d = statistics.quantiles(increases_pct, n=10, method="inclusive")
    return d[0] / 100.0, statistics.median(increases_pct) / 100.0, d[8] / 100.0


def signing_lags(hist: list[Row]) -> list[int]:
    """Days from the expiry of SMA k-1 to the signing of SMA k, for the pairs on record.

    Negative when SMA k was signed before its predecessor expired.  Only rows with an ISO
    ``signing_date`` and a predecessor with ``years_covered`` count.

    Examples
    --------
    >>> rows = [{"sma_number": "8", "years_covered": "2009-2013", "signing_date": "2009-01-15"},
    ...         {"sma_number": "9", "years_covered": "2014-2018", "signing_date": "2014-02-02"}]
    >>> signing_lags(rows)  # SMA 9 was signed 33 days after SMA 8 expired; SMA 7 is not in the rows
    [33]
    """
    by = {r["sma_number"]: r for r in hist}
    lags = []
    for num, r in sorted(by.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else -1):
        prev = by.get(str(int(num) - 1)) if num.isdigit() else None
        signed = _iso(r["signing_date"])
        years = re.findall(r"\d{4}", prev["years_covered"]) if prev is not None else []
        if signed is not None and years:
            lags.append((signed - dt.date(int(years[-1]), 12, 31)).days)
    return lags


def obstinacy_prior(concluded: int) -> tuple[float, float]:
    """Beta(a, b) prior on a negotiator's obstinate type after ``concluded`` rounds, all agreed.

    Jeffreys' prior Beta(1/2, 1/2) updated on ``concluded`` rounds of which none ended without an
    agreement (an obstinate type that never concedes would leave no recorded agreement when met
    by an equally firm side): Beta(1/2, concluded + 1/2), mean 1/(2 (concluded + 1)).

    Examples
    --------
    >>> obstinacy_prior(9)
    (0.5, 9.5)
    """
    return 0.5, concluded + 0.5


def _fx(rec: Record) -> tuple[int, float, Row, str, list[float]]:
    """The latest annual KRW/USD average known: (year, rate, row, ref, all known rates by year)."""
    found: dict[int, tuple[float, Row, str]] = {}
    for r in rec.rows("macro_series"):
        if r["key"] == "krw_usd_avg" and (v := _num(r["value"])) is not None:
            found[int(r["year"])] = (v, r, f"macro_series.csv:key=krw_usd_avg&year={r['year']}")
    for r in rec.rows("context"):
        m = re.fullmatch(r"krw_usd_avg_(\d{4})", r["key"])
        if m and (v := _num(r["value"])) is not None:
            found[int(m.group(1))] = (v, r, f"context.csv:{r['key']}")
    if not found:
        raise BuildError("no annual KRW/USD rate known at --as-of (context.csv krw_usd_avg_YYYY, macro_series.csv krw_usd_avg)",
                         field="--as-of")
    year = max(found)
    v, row, ref = found[year]
    return year, v, row, ref, [found[y][0] for y in sorted(found)]


def _seats(rec: Record) -> tuple[dict[str, int], list[Row], dt.date, str]:
    """Seats by bloc of the latest full snapshot in force (election results from the term start)."""
    na = rec.rows("national_assembly")
    starts = {r["assembly_term"]: _iso(r["event_date"]) for r in na if r["record_type"] == "term_start"}
    by_date: dict[str, list[Row]] = {}
    for r in na:
        if r["record_type"] == "seats":
            by_date.setdefault(r["event_date"], []).append(r)
    labels: dict[str, str] = {}
    for r in na:
        if r["record_type"] == "seats" and r["bloc"]:
            labels.setdefault(re.sub(r"\s*\(.*\)\s*$", "", r["party_or_item"]), r["bloc"])
    best: tuple[dt.date, str] | None = None
    for day, rows in by_date.items():
        if len(rows) < 5:
            continue
        eff = _iso(day)
        if eff is None:
            continue
        if "election result" in rows[0]["snapshot"]:
            start = starts.get(rows[0]["assembly_term"])
            if start is None or start > rec.as_of:
                continue
            eff = start
        if eff <= rec.as_of and (best is None or eff > best[0] or (eff == best[0] and day > best[1])):
            best = (eff, day)
    if best is None:
        raise BuildError(f"national_assembly.csv: no full seat snapshot in force on {rec.as_of.isoformat()}",
                         field="--as-of")
    from burdenshare.data.assembly import bloc_of

    seats: dict[str, int] = {}
    for r in by_date[best[1]]:
        label = r["bloc"] or labels.get(re.sub(r"\s*\(.*\)\s*$", "", r["party_or_item"]), "")
        bloc = bloc_of(label, r["party_or_item"]) or "unattributed"
        if bloc == "vacant":
            continue
        n = _num(r["seats_total"])
        seats[bloc] = seats.get(bloc, 0) + (int(n) if n is not None else 0)
    return {b: c for b, c in seats.items() if c > 0}, by_date[best[1]], best[0], best[1]


def election_swing(rec: Record) -> tuple[float | None, list[str], list[Row]]:
    """Root-mean-square change of a bloc's seat share between consecutive Assembly elections on record.

    The election results known (``national_assembly.csv`` seat rows whose snapshot is an election
    result), by bloc (:func:`burdenshare.data.assembly.bloc_of`); for each pair of consecutive
    elections and each bloc seated in either, the change in its share of the seats; the swing is
    the root mean square of those changes (``None`` with fewer than two elections known).
    Returns (swing, the results' dates, their rows).
    """
    from burdenshare.data.assembly import bloc_of

    by_date: dict[str, list[Row]] = {}
    for r in rec.rows("national_assembly"):
        if r["record_type"] == "seats" and "election result" in r["snapshot"]:
            by_date.setdefault(r["event_date"], []).append(r)
    shares = []
    for day in sorted(by_date):
        seats: dict[str, float] = {}
        for r in by_date[day]:
            bloc = bloc_of(r["bloc"], r["party_or_item"]) or "unattributed"
            if bloc != "vacant":
                seats[bloc] = seats.get(bloc, 0.0) + float(_num(r["seats_total"]) or 0.0)
        total = sum(seats.values())
        if total > 0:
            shares.append({b: v / total for b, v in seats.items()})
    changes = [b.get(k, 0.0) - a.get(k, 0.0) for a, b in zip(shares, shares[1:]) for k in sorted(set(a) | set(b))]
    rows = [r for day in sorted(by_date) for r in by_date[day]]
    swing = math.sqrt(statistics.fmean(c * c for c in changes)) if changes else None
    return swing, sorted(by_date), rows


def _rate_note(kind: str, capped_fixed: bool, bargained: bool, unknown: list[str]) -> str:
    """The provenance line saying whether the escalator rate is bargained and why (burdenshare.builder.yields)."""
    if bargained:
        return ("the escalator rate is bargained: a capped fixed status-quo family and both governments' 10-year yields "
                "known (cost_model.escalator.rate_grid_pct, strategies.<gov>.discount_rate)")
    if capped_fixed:
        return ("the escalator rate is not bargained: the status-quo family is a capped fixed one, but no 10-year yield of "
                + " or ".join(unknown) + " is known at as_of; strategies.<gov>.discount_rate is left unset")
    return (f"the escalator rate is not bargained (the status-quo family is {kind!r}, not a capped fixed one), so the model "
            "reads no government's own rate and strategies.<gov>.discount_rate is not written")


def _president_bloc(rec: Record) -> tuple[str, Row] | None:
    rows = [r for r in rec.rows("context") if r["key"].startswith("rok_president_")]
    if not rows:
        return None
    row = max(rows, key=lambda r: (r.known or dt.date.min, r.line))
    m = re.search(r"bloc (\w+)", row["unit"])
    return (m.group(1), row) if m else None


def scenario_dict(full: Record, rec: Record, n: int, as_of: dt.date, name: str) -> dict[str, Any]:
    """The scenario (as the dict ``validate_dict`` reads) for the talks on SMA ``n`` as of ``as_of``.

    ``full`` is the whole record (for the refusals), ``rec`` the rows known on ``as_of``.
    """
    signed_prev, expiry = check_round(full, n, as_of)
    prev = next(r for r in rec.rows("sma_history") if r["sma_number"] == str(n - 1))
    prev_ref = f"sma_history.csv:{n - 1}"
    o = _Out()
    g = GENERIC
    base_year = expiry.year + 1

    # ---- the current agreement: the latest contribution of SMA N-1 known
    contrib = [r for r in rec.rows("sma_annual_contributions")
               if r["sma_number"] == str(n - 1) and _num(r["contribution_krw_billion"]) is not None]
    if not contrib:
        raise BuildError(f"sma_annual_contributions.csv: no contribution of SMA {n - 1} known on {as_of.isoformat()}",
                         field="--as-of")
    crow = max(contrib, key=lambda r: int(r["year"]))
    current = float(_num(crow["contribution_krw_billion"]) or 0.0) * BILLION
    cref = f"sma_annual_contributions.csv:{crow['year']}"

    # ---- the record of past agreements known: first-year increases and terms
    hist = [r for r in rec.rows("sma_history") if r["sma_number"].isdigit() and int(r["sma_number"]) < n]
    incs = [v for r in hist if (v := _num(r["pct_change_first_year_vs_prior_year"])) is not None]
    terms = allowed_terms([v for r in hist if (v := _num(r["duration_years"])) is not None])
    if len(incs) < 2 or not terms:
        raise BuildError("sma_history.csv: fewer than two first-year increases known; the priors need them",
                         field="--as-of")
    g_lo, g_med, g_hi = record_deciles(incs)
    hist_ref = "sma_history.csv:sma_number=" + "|".join(r["sma_number"] for r in hist if _num(r["pct_change_first_year_vs_prior_year"]) is not None)
    hist_rows = [r for r in hist if _num(r["pct_change_first_year_vs_prior_year"]) is not None]

    # ---- exchange rate
    fx_year, fx, fx_row, fx_ref, fx_all = _fx(rec)
    logs = [math.log(b / a) for a, b in zip(fx_all, fx_all[1:])]
    fx_sd = statistics.pstdev(logs) if len(logs) >= 2 else float("nan")

    # ---- the US ask for the first year of SMA N
    ask_key = re.compile(rf"us_(initial_|later_)?ask(_[a-z]+)?_{base_year}(_[a-z]+)?")
    asks = [r for r in rec.rows("context") if ask_key.fullmatch(r["key"]) and r["unit"].startswith("USD million")
            and _num(r["value"]) is not None]
    ask_row = max(asks, key=lambda r: (r.known or dt.date.min, r.line)) if asks else None
    ask_num = _num(ask_row["value"]) if ask_row is not None else None
    if ask_row is not None and ask_num is not None:
        ask_usd = ask_num * 1e6
        ask_prov = _data(ask_row, f"context.csv:{ask_row['key']}",
                         "the latest US ask for the first negotiated year known at as_of")
    else:
        ask_usd = round(current * (1 + g_hi) / fx / 1e6) * 1e6
        ask_prov = _computed(f"round(current * (1 + {g_hi:.4f}) / {fx}, -6): the upper decile of the first-year increases on record, at the latest rate",
                             [cref, hist_ref, fx_ref], [crow, fx_row],
                             note="assumption: no US ask for this round is known at as_of")
    ask_krw = ask_usd * fx

    # ---- the ROK's opening: its known position, else the current agreement
    pos = _context(rec, f"rok_earlier_position_{base_year}")
    pos_pct = _num(pos["value"]) if pos is not None else None
    if pos is not None and pos_pct is not None:
        rok_open = round(current * (1 + pos_pct / 100.0), -7)
        rok_open_prov = _computed(f"current * (1 + {pos_pct} / 100)", [cref, f"context.csv:{pos['key']}"], [crow, pos])
    else:
        rok_open = current
        rok_open_prov = _computed("the current agreement (no ROK position known at as_of)", [cref], [crow])

    family = escalator_family(prev["annual_increase_rule"])
    growth, growth_sd, growth_src = index_growth_assumptions(rec, family, base_year, max(terms))
    # ---- the governments' own discount rates: each one's latest 10-year yield known at as_of,
    # written (with the rate grid) only where the rate is bargained (burdenshare.builder.yields)
    yields = {gov: latest_yield(rec, YIELD_KEYS[gov]) for gov in ("us", "rok")}
    capped_fixed = family.kind == "fixed" and family.cap_pct is not None
    bargained = capped_fixed and all(read is not None for read, _ in yields.values())
    # the priors are stated on the engine's scale, the schedule's level equivalent (burdenshare.agreement):
    # a recorded first-year increase came with its escalator, so it is scaled by the status-quo
    # family's level factor at the focal (middle) allowed term (1 for a flat family)
    focal = terms[(len(terms) - 1) // 2]
    lev = status_quo_level_factor(rec, family, base_year, focal, g["discount_rate"], growth)
    lev_note = "" if lev == 1.0 else f" x {lev:.4f} (level factor of the status-quo escalator at the focal {focal}-year term)"
    if lev != 1.0:
        rok_open = round(rok_open * lev, -7)
        rok_open_prov = {**rok_open_prov, "formula": rok_open_prov["formula"] + lev_note}
    # ---- priors on the reservation values (uniform; stated rules)
    # revealed preference: every recorded increase was accepted by both sides, so the US's lowest
    # acceptable amount lay at or below it and the ROK's highest at or above it; the record's
    # lower half (decile 1 to the median) is the US prior, its upper half (median to decile 9) the ROK's
    us_lo, us_hi = lev * current * (1 + g_lo), lev * current * (1 + g_med)
    rok_lo = max(lev * current * (1 + g_med), rok_open)
    rok_hi = max(lev * current * (1 + g_hi), rok_lo * 1.05)
    pr_lo = us_lo
    pr_hi = lev * max(math.sqrt(current * ask_krw), current * (1 + g_med))
    r10 = lambda x: round(x, -9)  # noqa: E731 - won to KRW 1 bn

    # ---- calendar
    start = as_of + dt.timedelta(days=int(g["first_round_after_days"]))
    later = max(as_of, expiry)
    horizon = later.replace(year=later.year + 1, day=28 if (later.month, later.day) == (2, 29) else later.day)
    interval = int(g["round_interval_days"])
    n_steps = (horizon - start).days // interval + 1

    na = rec.rows("national_assembly")
    terms_start = sorted((d, r) for r in na if r["record_type"] == "term_start" and (d := _iso(r["event_date"])))
    if not terms_start:
        raise BuildError(f"national_assembly.csv: no Assembly term start known on {as_of.isoformat()}", field="--as-of")
    term_start, term_row = terms_start[-1]
    election = rok_election_date(term_start)
    new_term = term_start.replace(year=term_start.year + 4)
    us_elections = us_election_dates(as_of, horizon)

    # ---- seats
    seats, seat_rows, seats_from, seats_day = _seats(rec)
    seats_ref = f"national_assembly.csv:record_type=seats&event_date={seats_day}"
    seat_rows0 = seat_rows[0]
    total = sum(seats.values())
    pres = _president_bloc(rec)
    ruling = pres[0] if pres is not None else None

    # ================================================================ write
    o.put("schema_version", 1, None)
    o.put("name", name, None)
    o.put("title", f"Talks on the SMA {n} as of {as_of.isoformat()} (built from the record known then)", None)
    o.put("description", (f"Built by `burdenshare scenarios build --round {n} --as-of {as_of.isoformat()}` from the rows "
                          f"of the data known on {as_of.isoformat()} by the rules of docs/builder.md. The current "
                          f"agreement is SMA {n - 1} (signed {signed_prev.isoformat()}, expiring {expiry.isoformat()})."), None)
    o.put("parties.governments", [
        {"id": "us", "name": "United States", "currency": "USD", "role": "proposer"},
        {"id": "rok", "name": "Republic of Korea", "currency": "KRW", "role": "host"},
    ], None)
    o.put("parties.principal", {"id": "us_president", "name": "US President", "government": "us",
                                "approval_required": True, "reservation_value_krw": r10((pr_lo + pr_hi) / 2),
                                "p_administration_change": g["p_administration_change"] if us_elections else 0.0,
                                "reservation_value_after_change_krw": r10((us_lo + us_hi) / 2)}, None)
    o.prov["parties.principal.approval_required"] = _doc("DESIGN.md §4", "the President approves what the agent initials")
    o.prov["parties.principal.reservation_value_krw"] = _computed(
        "middle of its prior: uniform(current * (1 + decile 1), max(sqrt(current * ask), current * (1 + median)))",
        [cref, hist_ref, "levers.us_ask_usd"], [crow])
    o.prov["parties.principal.p_administration_change"] = (
        _assume("a US presidential election falls inside the horizon: even odds of a change (prior uniform 0.3-0.7)")
        if us_elections else _assume("no US presidential election inside the horizon"))
    o.prov["parties.principal.reservation_value_after_change_krw"] = _computed(
        "middle of the US negotiator's prior", ["strategies.us.reservation_value_krw"], [])
    host_bloc = ruling if ruling in seats else max(seats, key=lambda b: seats[b])
    o.put("parties.host_executive", {"id": "rok_executive", "name": "ROK executive", "government": "rok",
                                     "base_bloc": host_bloc, "submission": "strategic", "opinion_weight": 0.5,
                                     "submit_threshold": "calibrated"}, None)
    o.prov["parties.host_executive.base_bloc"] = (
        _data(pres[1], f"context.csv:{pres[1]['key']}", "the President's party's bloc") if pres is not None and ruling in seats
        else _assume("no presidency row known at as_of: the largest bloc"))
    o.prov["parties.host_executive.submission"] = _doc("DESIGN.md §4", "agenda control")
    o.prov["parties.host_executive.opinion_weight"] = _assume("weight of its base's opinion in its own decision")
    o.prov["parties.host_executive.submit_threshold"] = _submission_record_prov(rec, as_of)

    amount_max = math.ceil(max(ask_krw, rok_hi, pr_hi) * 1.05 / (100 * BILLION)) * 100 * BILLION
    amount_min = math.floor(current / 2 / (10 * BILLION)) * 10 * BILLION
    o.put("agreement_space", {"amount_min_krw": float(amount_min), "amount_max_krw": float(amount_max),
                              "amount_step_krw": g["amount_step_krw"], "max_duration_years": max(terms),
                              "escalators": [family.kind], "categories": ["covered"]}, None)
    o.prov["agreement_space.amount_min_krw"] = _computed("half the current agreement, rounded down to KRW 10 bn", [cref], [crow])
    o.prov["agreement_space.amount_max_krw"] = _computed("1.05 * max(ask, ROK prior's top, President's prior's top), rounded up to KRW 100 bn",
                                                         ["levers.us_ask_usd", cref], [crow])
    o.prov["agreement_space.amount_step_krw"] = _assume("KRW 10 bn grid")
    o.prov["agreement_space.max_duration_years"] = _computed("longest term on record", [hist_ref.replace("sma_number=", "sma_number=")], hist_rows)
    o.prov["agreement_space.escalators"] = _data(prev, prev_ref, "the family of cost_model.escalator (the status quo of SMA N-1)")
    o.prov["agreement_space.categories"] = _assume("one category: the costs SMA N-1 covers")

    fx_years = {str(y): fx for y in range(base_year - 1, base_year + max(terms) + 1)}
    escalator = family.as_dict()
    if bargained and family.cap_pct is not None:
        escalator["rate_grid_pct"] = rate_grid_rule(family.rate_pct, family.cap_pct)
    o.put("cost_model", {
        "base_year": base_year, "current_agreement_krw": current,
        "current_agreement_source": f"{cref} (SMA {n - 1}, the latest contribution known at as_of)",
        "discount_rate": g["discount_rate"], "escalator": escalator,
        "categories": [{"id": "covered", "label": f"Costs covered by SMA {n - 1}", "status": "covered",
                        "share_of_ask": 1.0, "source": prev_ref, "assumption": True}],
        "exchange_rates_krw_per_usd": fx_years,
        "exchange_rate_source": (f"{fx_ref}: the {fx_year} average {fx} held flat (sd of annual log changes known: "
                                 f"{'n/a' if math.isnan(fx_sd) else f'{fx_sd:.3f}'})"),
    }, None)
    if growth:
        o.put("cost_model.index_growth_pct", {family.kind: {str(y): v for y, v in sorted(growth.items())}}, None)
        # the stated spread, drawn per draw (engine.index_draws): CPI the sd of the known rates; the
        # defence budget's log-growth sd on the percent scale, (1 + growth / 100) * sd (the delta method)
        sd_pct = {y: (sd if family.kind == "cpi" else round((1.0 + growth[y] / 100.0) * sd, 3)) for y, sd in growth_sd.items()}
        o.put("cost_model.index_growth_sd_pct", {family.kind: {str(y): v for y, v in sorted(sd_pct.items())}}, None)
        o.prov["cost_model.index_growth_pct"] = _computed(
            f"{family.kind} growth in the years not known at as_of: the mean of the known annual "
            f"{'rates' if family.kind == 'cpi' else 'log growth rates'} ({growth_src.mean} % +/- sd {growth_src.sd}; "
            "sd by year " + ", ".join(f"{y}: {s:g}" for y, s in sorted(growth_sd.items())) + "; burdenshare.builder.paths)",
            list(growth_src.refs), rows_of(rec, growth_src.refs),
            note="assumption: a year not known at as_of is projected; the run draws it per draw around the mean with "
                 "the sd of cost_model.index_growth_sd_pct (burdenshare.engine.index_draws)")
        o.prov["cost_model.index_growth_sd_pct"] = _computed(
            f"sd of {family.kind} growth in the years not known at as_of: "
            + ("the sd of the known annual rates (i.i.d. years)" if family.kind == "cpi" else
               "the sd of the known annual log growth rates times (1 + growth / 100) (a random walk with drift; the delta method)"),
            list(growth_src.refs), rows_of(rec, growth_src.refs),
            note="the stated spread of cost_model.index_growth_pct, drawn per draw (burdenshare.engine.index_draws)")
    o.prov["cost_model.base_year"] = _computed("last year covered by SMA N-1 + 1", [prev_ref], [prev])
    o.prov["cost_model.current_agreement_krw"] = _data(crow, cref, "the latest contribution of SMA N-1 known at as_of")
    o.prov["cost_model.discount_rate"] = _assume(
        "annual discount rate: the common scale on which every schedule is stated as a level equivalent (consent, "
        "approval and the priors read amounts on it), not a government's rate; each side's own rate is "
        "strategies.<gov>.discount_rate, its 10-year yield, where the rate is bargained (burdenshare.builder.yields)")
    o.prov["cost_model.escalator"] = _data(prev, prev_ref, f"annual_increase_rule of SMA N-1, the status-quo family: {family.how}")
    if bargained:
        o.prov["cost_model.escalator.rate_grid_pct"] = _computed(
            "5 evenly spaced rates from 0 to the family's cap, and the family's rate (burdenshare.builder.yields.rate_grid_rule)",
            [prev_ref], [prev], note="the rate is bargained: a capped fixed status-quo family and both governments' 10-year "
                                     "yields known at as_of")
    o.prov["cost_model.categories"] = _assume("one category holding the whole ask")
    o.prov["cost_model.exchange_rates_krw_per_usd"] = _data(fx_row, fx_ref, "latest annual average known, held flat")

    # ---- opinion
    polls = sorted({r["poll_id"] for r in rec.rows("polls")})
    stage1 = sorted(p for p in polls if p.startswith("CCGA") and not p.endswith("-alt"))
    from burdenshare.data import poll_items

    if stage1 and ask_krw <= poll_items.STAGE1.band_high_krw:
        stage1 = []  # the stage-1 answers cannot be anchored on an ask below its top band: the prior
    if stage1:
        _PARTISAN_ITEMS = poll_items.PARTISAN_ITEMS  # the partisan items the fit can read

        chosen = [stage1[-1]] + sorted(p for p in polls if p in _PARTISAN_ITEMS)
        opinion_prov = _data(next(r for r in rec.rows("polls") if r["poll_id"] == stage1[-1]),
                             "polls.csv:poll_id=" + "|".join(chosen), "the polls known at as_of the WTP fit reads")
    else:
        chosen = []
        opinion_prov = _assume("no poll known at as_of: the WTP prior of burdenshare.opinion.from_scenario.prior_wtp "
                               "(lognormal, median = the current agreement, log-sd 0.5; docs/builder.md)")
    o.put("opinion", {
        "polls": chosen, "reading": "main", "anchor_ask_usd": ask_usd, "wtp_family": "lognormal",
        "drop_dont_know": True,
        "groups": [{"id": "public", "label": "The public", "population_share": 1.0}],
        "transparency": {"credibility_weight": 0.5, "signal_noise_sd_krw": 200 * BILLION,
                         "prior_sd_krw": 500 * BILLION, "justified_share_covered": 1.0, "justified_share_sought": 0.25},
        "coercion": {"backlash_rho": -0.2, "no_deal_cost_weight": 0.2},
    }, None)
    o.prov["opinion.polls"] = opinion_prov
    o.prov["opinion.anchor_ask_usd"] = _computed("= levers.us_ask_usd", ["levers.us_ask_usd"], [])
    o.prov["opinion.wtp_family"] = _assume("parametric family")
    o.prov["opinion.groups"] = _assume("one group: no party-identification shares in the data")
    o.prov["opinion.transparency"] = _assume("transparency parameters of the model (docs/scenario-format.md)")
    o.prov["opinion.coercion"] = _assume("backlash and no-deal cost weights of the model")

    # ---- legislature
    votes = [r for r in na if r["record_type"] == "sma_vote" and _num(r["votes_present"]) is not None]
    if votes:
        att = statistics.fmean(float(_num(r["votes_present"]) or 0) / total for r in votes)
        abst = statistics.fmean(float(_num(r["votes_abstain"]) or 0) / float(_num(r["votes_present"]) or 1) for r in votes)
        vref = "national_assembly.csv:record_type=sma_vote&event_date=" + "|".join(r["event_date"] for r in votes)
        att_prov = _computed(f"mean votes_present / {total}", [vref], votes)
        abst_prov = _computed("mean votes_abstain / votes_present", [vref], votes)
    else:
        att, abst = g["attendance_rate"], g["abstention_rate"]
        att_prov = _assume("no recorded consent vote known at as_of")
        abst_prov = _assume("no recorded consent vote known at as_of")
    blocs = []
    for b in sorted(seats, key=lambda b: (-seats[b], b)):
        camp = "ruling" if b == ruling else ("other" if b in ("independent", "unattributed") else "opposition")
        entry: dict[str, Any] = {"id": b, "label": b.replace("_", " ").capitalize(), "camp": camp}
        if b in PARTY_LINES:
            entry["party_line"] = PARTY_LINES[b]
        blocs.append(entry)
    periods = [{"from": min(seats_from, as_of), "label": f"seats of {seats_day}", "source": seats_ref, "seats": dict(sorted(seats.items()))}]
    if as_of < new_term <= horizon:
        periods.append({"from": new_term, "label": "after the election (seats drawn around the pre-election seats)",
                        "source": seats_ref, "seats": dict(sorted(seats.items()))})
    o.put("legislature", {
        "total_seats": total, "quorum": total // 2 + 1, "majority_of": "present", "majority_share": "1/2",
        "attendance_rate": round(att, 4), "abstention_rate": round(abst, 4),
        "party_discipline": g["party_discipline"], "opinion_weight": g["opinion_weight"],
        "opinion_weight_pre_election": g["opinion_weight_pre_election"],
        "pre_election_window_days": int(g["pre_election_window_days"]),
        "ruling_yes_propensity": "calibrated" if votes else g["ruling_yes_propensity"],
        "opposition_yes_propensity": "calibrated" if len(votes) >= 2 else g["opposition_yes_propensity"],
        "vote_noise_scale": "calibrated",
        "blocs": blocs, "periods": periods,
    }, None)
    o.prov["legislature.total_seats"] = _computed("sum of the snapshot's seats (vacancies excluded)", [seats_ref], list(seat_rows))
    o.prov["legislature.quorum"] = _doc("Constitution Art. 49", "a majority of all members present")
    o.prov["legislature.majority_of"] = _doc("Constitution Art. 49")
    o.prov["legislature.majority_share"] = _doc("Constitution Art. 49")
    o.prov["legislature.attendance_rate"] = att_prov
    o.prov["legislature.abstention_rate"] = abst_prov
    for key in ("party_discipline", "opinion_weight", "opinion_weight_pre_election", "pre_election_window_days"):
        o.prov[f"legislature.{key}"] = _assume("legislator model parameter (docs/legislature.md), the same for every round")
    o.prov["legislature.ruling_yes_propensity"] = (
        _computed("burdenshare.legislature.vote_fit.fit_recorded_votes on the recorded consent votes (the government's camp)", [vref], votes)
        if votes else _assume("no recorded consent vote known at as_of: the government's camp at 0.95, the model's fixed "
                              "value before the role fit (burdenshare.legislature.calibration.RULING_YES_PROPENSITY)"))
    o.prov["legislature.opposition_yes_propensity"] = (
        _computed("calibrate() on the recorded consent votes", [vref], votes) if len(votes) >= 2
        else _assume("fewer than two recorded consent votes known at as_of: the middle of [0, 1]"))
    o.prov["legislature.vote_noise_scale"] = _vote_noise_prov(rec, as_of)
    for i, bloc_entry in enumerate(blocs):
        o.prov[f"legislature.blocs.{i}.camp"] = (
            _data(pres[1], f"context.csv:{pres[1]['key']}", "the President's bloc is the ruling camp") if pres is not None
            else _assume("no presidency row known"))
        if "party_line" in bloc_entry:
            o.prov[f"legislature.blocs.{i}.party_line"] = _assume("party line by ideology, the same for every round (docs/builder.md)")
    o.prov["legislature.periods.0.seats"] = _data(seat_rows0, seats_ref, "the latest full seat snapshot in force at as_of")
    o.prov["legislature.periods.0.from"] = _data(seat_rows0, seats_ref)
    if len(periods) > 1:
        swing, el_days, el_rows = election_swing(rec)
        el_ref = "national_assembly.csv:record_type=seats&event_date=" + "|".join(el_days)
        sd_share = swing if swing is not None else g["seat_swing_fallback"]
        for b in sorted(seats):
            o.uncertainty.append({
                "param": f"legislature.periods.1.seats.{b}", "dist": "truncnorm", "mean": float(seats[b]),
                "sd": round(max(sd_share * total, 1.0), 1), "low": 0.0, "high": float(total),
                "source": (f"rule: seats after the election ~ truncnorm(pre-election seats, swing * {total}); swing = "
                           + (f"{swing:.4f}, the RMS change of a bloc's seat share between consecutive elections on record ({el_ref})"
                              if swing is not None else f"{sd_share} (assumption: fewer than two elections on record)"))})
        o.prov["legislature.periods.1.from"] = _computed("term start + 4 years (Constitution Art. 42)",
                                                         [f"national_assembly.csv:record_type=term_start&event_date={term_start.isoformat()}"], [term_row])
        o.prov["legislature.periods.1.seats"] = (
            _computed("the pre-election seats: the centre of the drawn post-election seats ([[uncertainty]] legislature.periods.1.seats.*)",
                      [seats_ref, el_ref], [seat_rows0] + el_rows) if swing is not None
            else _assume("the pre-election seats: the centre of the drawn post-election seats (fewer than two elections on record)"))

    # ---- protocol, events
    o.put("protocol", {"first_proposer": "us", "rounds": {"start": start, "interval_days": interval},
                       "deadline": expiry, "horizon": horizon, "n_steps": n_steps, "take_it_or_leave_it": False,
                       "after_rejection": "continue",
                       "overtime": {"per_round_cost_krw": {"us": g["per_round_cost_krw"], "rok": g["per_round_cost_krw"]}}}, None)
    o.prov["protocol.first_proposer"] = _doc("DESIGN.md §4", "the US proposes")
    o.prov["protocol.rounds.start"] = _assume("first session a week after as_of")
    o.prov["protocol.rounds.interval_days"] = _assume("about monthly sessions")
    o.prov["protocol.deadline"] = _data(prev, prev_ref, "the expiry of SMA N-1 (end of its last covered year)")
    o.prov["protocol.horizon"] = _assume("a year after the later of as_of and the expiry of SMA N-1")
    o.prov["protocol.n_steps"] = _computed("floor((horizon - start) / interval) + 1", ["protocol.rounds.start", "protocol.horizon"], [])
    o.prov["protocol.after_rejection"] = _assume("a rejection sends the sides back to the table")
    o.prov["protocol.overtime.per_round_cost_krw"] = _assume("cost of a round of impasse to each side")
    events: list[dict[str, Any]] = [{"id": "expiry", "kind": "deadline", "date": expiry,
                                     "label": f"SMA {n - 1} expires", "source": prev_ref}]
    o.prov["events.0.date"] = _data(prev, prev_ref, "end of the last covered year")
    events.append({"id": "rok-election", "kind": "election", "label": "National Assembly election",
                   "source": "Public Official Election Act Art. 34 from the term start"})
    if len(periods) > 1:
        events.append({"id": "new-assembly", "kind": "new_assembly", "date": new_term, "label": "New Assembly term begins",
                       "source": "Constitution Art. 42"})
        o.prov[f"events.{len(events) - 1}.date"] = _computed("term start + 4 years", [f"national_assembly.csv:record_type=term_start&event_date={term_start.isoformat()}"], [term_row])
    for day, inaug in us_elections:
        events.append({"id": f"us-election-{day.year}", "kind": "us_election", "date": day,
                       "label": "US presidential election", "source": "3 U.S.C. §1"})
        o.prov[f"events.{len(events) - 1}.date"] = _doc("3 U.S.C. §1", "Tuesday after the first Monday of November")
        if inaug <= horizon:
            events.append({"id": f"us-inauguration-{inaug.year}", "kind": "inauguration", "date": inaug,
                           "label": "US inauguration", "source": "US Constitution, 20th Amendment"})
            o.prov[f"events.{len(events) - 1}.date"] = _doc("US Constitution, 20th Amendment", "20 January")
    o.put("events", events, None)

    # ---- strategies and their priors
    # the timing record: each side works to the expiry plus the median lag from an expiry to the
    # next signing on record (the expiry itself when fewer than two lags are known)
    lags = signing_lags(hist)
    lag = int(statistics.median(lags)) if len(lags) >= 2 else 0
    work_to = expiry + dt.timedelta(days=lag)
    deadline = work_to if as_of < work_to else None
    lag_prov = (_computed(f"expiry of SMA N-1 + median days from an expiry to the next signing on record ({lag} days, lags {lags})",
                          [prev_ref, hist_ref], [prev] + hist_rows) if len(lags) >= 2
                else _data(prev, prev_ref, "each side works to the expiry of SMA N-1 (fewer than two signing lags on record)"))
    concluded = sum(1 for r in hist if r["sma_number"].isdigit())
    ob_a, ob_b = obstinacy_prior(concluded)
    for side, lo, hi, expo, obst, opening in (("us", us_lo, us_hi, g["us_exponent"], ob_a / (ob_a + ob_b), None),
                                              ("rok", rok_lo, rok_hi, g["rok_exponent"], ob_a / (ob_a + ob_b), rok_open)):
        s: dict[str, Any] = {"kind": "boulware", "exponent": expo, "reservation_value_krw": r10((lo + hi) / 2),
                             "discount_factor": g["discount_factor"], "audience_cost_krw": g["audience_cost_krw"],
                             "obstinate_probability": round(obst, 4), "duration_preference": "none"}
        # the term: the side asking for more (the proposer) wants the shortest term on record, the
        # host the longest (Koremenos 2005); equal weights, a share of the current agreement
        ideal = min(terms) if side == "us" else max(terms)
        s["term_preference"] = {"ideal_years": int(ideal), "weight_krw": round(g["term_weight_share"] * current, -6)}
        if opening is not None:
            s["opening_offer_krw"] = float(opening)
            o.prov[f"strategies.{side}.opening_offer_krw"] = rok_open_prov
        if deadline is not None:
            s["concession_deadline"] = deadline
            o.prov[f"strategies.{side}.concession_deadline"] = lag_prov
        read = yields[side][0]
        if bargained and read is not None:
            s["discount_rate"] = read.rate
            o.prov[f"strategies.{side}.discount_rate"] = _computed(
                f"{read.value_pct:g} / 100: the {read.period} average 10-year government bond yield, the latest known at as_of",
                [read.ref], [read.row], note="the government's own yearly rate for the schedule's payments (bargaining.rate_value)")
        o.put(f"strategies.{side}", s, None)
        o.prov[f"strategies.{side}.kind"] = _assume("time-based Boulware negotiator")
        o.prov[f"strategies.{side}.exponent"] = _assume("slow concession (NegMAS e > 1)")
        o.prov[f"strategies.{side}.reservation_value_krw"] = _computed("middle of its prior (uncertainty)", [cref, hist_ref], [crow])
        o.prov[f"strategies.{side}.discount_factor"] = _assume("per round")
        o.prov[f"strategies.{side}.audience_cost_krw"] = _assume("cost of retreating from a public position")
        o.prov[f"strategies.{side}.obstinate_probability"] = _computed(
            f"mean of Beta(1/2, k + 1/2), k = {concluded} recorded rounds, all ended in an agreement (Jeffreys prior; Abreu & Gul 2000 types)",
            [hist_ref], hist_rows)
        o.prov[f"strategies.{side}.duration_preference"] = _assume("no term preference known by rule")
        o.prov[f"strategies.{side}.term_preference.ideal_years"] = _computed(
            ("the shortest" if side == "us" else "the longest") + " term on record (duration_years): the side "
            + ("asking for more renegotiates sooner" if side == "us" else "paying values a predictable cost")
            + " (Koremenos 2005)", [hist_ref], hist_rows)
        o.prov[f"strategies.{side}.term_preference.weight_krw"] = _computed(
            "term_weight_share (GENERIC, an assumption: 1 %) x the current agreement per squared year, the same for both sides",
            [cref], [crow])
    hist_note = (f"first-year increases on record: decile 1 {g_lo:.4f}, median {g_med:.4f}, decile 9 {g_hi:.4f} "
                 f"({hist_ref}); current {cref}" + ("" if lev == 1.0 else f"; the bounds are level equivalents:{lev_note}"))
    o.uncertainty += [
        {"param": "strategies.us.reservation_value_krw", "dist": "uniform", "low": r10(us_lo), "high": r10(us_hi),
         "source": f"rule: uniform(current * (1 + decile 1), current * (1 + median)) of the recorded first-year increases; {hist_note}"},
        {"param": "strategies.rok.reservation_value_krw", "dist": "uniform", "low": r10(rok_lo), "high": r10(rok_hi),
         "source": f"rule: uniform(max(current * (1 + median), ROK opening), max(current * (1 + decile 9), 1.05 * low)) of the recorded first-year increases; {hist_note}"},
        {"param": "parties.principal.reservation_value_krw", "dist": "uniform", "low": r10(pr_lo), "high": r10(pr_hi),
         "source": f"rule: uniform(current * (1 + decile 1), max(sqrt(current * ask), current * (1 + median))) of the recorded first-year increases; {hist_note}"},
        {"param": "strategies.us.discount_factor", "dist": "uniform", "low": 0.9, "high": 1.0, "source": "assumption"},
        {"param": "strategies.rok.discount_factor", "dist": "uniform", "low": 0.9, "high": 1.0, "source": "assumption"},
        {"param": "strategies.us.obstinate_probability", "dist": "beta", "a": ob_a, "b": ob_b,
         "source": f"rule: Beta(1/2, k + 1/2), k = {concluded} recorded rounds all ended in an agreement (Jeffreys prior)"},
        {"param": "strategies.rok.obstinate_probability", "dist": "beta", "a": ob_a, "b": ob_b,
         "source": f"rule: Beta(1/2, k + 1/2), k = {concluded} recorded rounds all ended in an agreement (Jeffreys prior)"},
    ]
    w_lo, w_hi = (round(f * g["term_weight_share"] * current, -6) for f in (0.5, 2.0))
    o.uncertainty += [
        {"param": f"strategies.{side}.term_preference.weight_krw", "dist": "uniform", "low": w_lo, "high": w_hi,
         "source": "assumption: no weight on record; uniform(term_weight_share / 2, 2 term_weight_share) x the current "
                   f"agreement per squared year, a factor of two either way ({cref})"}
        for side in ("us", "rok")
    ]
    if us_elections:
        o.uncertainty.append({"param": "parties.principal.p_administration_change", "dist": "uniform", "low": 0.3,
                              "high": 0.7, "source": "assumption: a US presidential election inside the horizon"})
        o.uncertainty.append({"param": "parties.principal.reservation_value_after_change_krw", "dist": "uniform",
                              "low": r10(us_lo), "high": r10(us_hi),
                              "source": ("rule: the successor's stance is unknown: its floor is drawn from the US negotiator's prior "
                                         f"(uniform(current * (1 + decile 1), current * (1 + median))); {hist_note}")})
    o.put("uncertainty", o.uncertainty, None)

    o.put("levers", {"as_of": as_of, "us_ask_usd": ask_usd, "transparency": 0.0, "allowed_durations": terms,
                     "furlough_from": "none", "election_date": election}, None)
    o.prov["levers.as_of"] = _assume("the build date (--as-of)")
    o.prov["levers.us_ask_usd"] = ask_prov
    o.prov["levers.transparency"] = _assume("no itemized justification published")
    o.prov["levers.allowed_durations"] = _computed("the distinct terms on record (duration_years), within 1-10 years", [hist_ref], hist_rows)
    o.prov["levers.furlough_from"] = _assume("no furlough known by rule")
    o.prov["levers.election_date"] = _computed("Public Official Election Act Art. 34: first Wednesday on or after the 50th day before the term ends",
                                               [f"national_assembly.csv:record_type=term_start&event_date={term_start.isoformat()}"], [term_row])
    o.data["provenance"] = {
        "summary": f"Built by the rules of docs/builder.md from the rows of the data known on {as_of.isoformat()}.",
        "sources": [f"{f}.csv" for f in sorted(rec)],
        "assumptions": ["generic model parameters (GENERIC in burdenshare.builder.rules), the same for every round",
                        "party lines by ideology (PARTY_LINES), the same for every round",
                        "seats after an election inside the horizon drawn around the pre-election seats with the swing on record"]
        + path_notes(rec, range(base_year, base_year + max(terms)))
        + [yield_note(gov, *yields[gov]) for gov in ("us", "rok")]
        + [_rate_note(family.kind, capped_fixed, bargained,
                      [gov for gov in ("us", "rok") if yields[gov][0] is None])],
        "values": o.prov,
    }
    return o.data
