"""Backtest: build each past round's scenario as of a date, run it, and score it against what happened.

For every requested round whose outcome is in the data (``sma_history.csv``: the signing date,
the term, the first-year increase; the consent vote where recorded) and for each of two as-of
rules, :func:`backtest` builds the scenario with :func:`burdenshare.builder.build_scenario`, runs
it through the facade :func:`burdenshare.simulate` and scores the forecast:

* **coverage** of the central 50 % and 80 % intervals (is the outcome inside?) for the first
  negotiated year's increase (%, over ratified draws), the term (years, over ratified draws) and
  the date of agreement (days after as_of; a draw without a signed text by the horizon counts as
  one day past the horizon, so the interval is of a censored variable);
* **CRPS** (continuous ranked probability score, Gneiting & Raftery 2007; the sample form
  ``E|X - y| - E|X - X'| / 2``) for the increase and the date, in their units (lower is better);
* **log score** of the term: ``ln P(term = observed)`` over ratified draws, with add-half
  smoothing over the allowed terms so a zero count stays finite (higher is better);
* **the record's term forecast** (``log_score_record``, a reference): the same log score for
  the frequencies of the terms on record at as_of (``sma_history.csv:duration_years`` of the
  SMAs before N, known then), with the same smoothing over the allowed terms: what a forecaster
  who only read the record would score;
* **yes votes and members present**: the run reports the expected votes for its median agreement
  only (no vote distribution), so their coverage and CRPS are ``null``; the absolute error of the
  expected count is given instead.

A score the data or the run cannot support (no ratified draw, no recorded vote) is ``null``.
docs/backtest.md states the rules and the results.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.builder import BuildError, build_scenario, parse_info_date, read_record
from burdenshare.builder.record import Record
from burdenshare.scenario.schema import DATE_MAX

__all__ = ["AS_OF_RULES", "backtest", "crps", "outcome_of", "as_of_dates", "render_html"]

#: The two as-of rules, in output order.
AS_OF_RULES: tuple[str, ...] = ("start_of_talks", "six_months_before_signing")
#: Fallback for the start of talks where ``context.csv:sma_talks_start_N`` is missing: this many
#: days before the expiry of SMA N-1 (about ten months, the median lead of the recorded starts).
FALLBACK_START_DAYS = 300

_END = DATE_MAX


def _num(text: str) -> float | None:
    try:
        return float(text.strip().lstrip("~"))
    except ValueError:
        return None


def crps(samples: NDArray[np.float64], y: float) -> float:
    """Sample CRPS ``E|X - y| - E|X - X'| / 2`` of the forecast ``samples`` at outcome ``y``.

    Examples
    --------
    >>> round(crps(np.array([0.0, 1.0]), 0.0), 3)
    0.25
    """
    x = np.sort(np.asarray(samples, dtype=np.float64))
    n = x.size
    i = np.arange(1, n + 1, dtype=np.float64)
    spread = 2.0 * float(np.sum((2.0 * i - n - 1.0) * x)) / (n * n)
    return float(np.mean(np.abs(x - y))) - 0.5 * spread


def outcome_of(full: Record, n: int) -> dict[str, Any]:
    """What happened in round ``n`` (``sma_history.csv`` row n), or BuildError naming what is missing."""
    rows = {r["sma_number"]: r for r in full.rows("sma_history")}
    row, prev = rows.get(str(n)), rows.get(str(n - 1))
    if row is None:
        raise BuildError(f"sma_history.csv has no row for SMA {n}: no outcome to score round {n}", field="--rounds")
    signed = parse_info_date(row["signing_date"]) if len(row["signing_date"]) == 10 else None
    inc = _num(row["pct_change_first_year_vs_prior_year"])
    term = _num(row["duration_years"])
    missing = [c for c, v in (("signing_date", signed), ("pct_change_first_year_vs_prior_year", inc),
                              ("duration_years", term)) if v is None]
    if missing:
        raise BuildError(f"sma_history.csv: SMA {n} has no {', '.join(missing)}: no outcome to score round {n}",
                         field="--rounds")
    if prev is None:
        raise BuildError(f"sma_history.csv has no row for SMA {n - 1}: round {n} cannot be built", field="--rounds")
    assert signed is not None and inc is not None and term is not None
    return {"signed": signed.isoformat(), "increase_pct": inc, "term_years": int(term),
            "yes_votes": _num(row["na_votes_yes"]), "present": _num(row["na_votes_present"]),
            "source": f"sma_history.csv:{n}"}


def as_of_dates(full: Record, n: int, signed: dt.date) -> list[tuple[str, dt.date, str]]:
    """``(rule, date, how)`` for the two as-of rules."""
    start_row = next((r for r in full.rows("context") if r["key"] == f"sma_talks_start_{n}"), None)
    start = parse_info_date(start_row["value"]) if start_row is not None else None
    if start is not None:
        how = f"context.csv:sma_talks_start_{n} = {start_row['value'] if start_row else ''} (a month counts at its last day)"
    else:
        prev = next(r for r in full.rows("sma_history") if r["sma_number"] == str(n - 1))
        last = int(prev["years_covered"][-4:])
        start = dt.date(last, 12, 31) - dt.timedelta(days=FALLBACK_START_DAYS)
        how = f"not in the data: {FALLBACK_START_DAYS} days before the expiry of SMA {n - 1}"
    month, year = signed.month - 6, signed.year
    if month <= 0:
        month, year = month + 12, year - 1
    six = dt.date(year, month, min(signed.day, 28))
    return [("start_of_talks", start, how), ("six_months_before_signing", six, "signing date minus six months")]


def _interval_hits(x: NDArray[np.float64], y: float) -> dict[str, bool | None]:
    if x.size == 0:
        return {"cover50": None, "cover80": None}
    q = np.quantile(x, (0.1, 0.25, 0.75, 0.9))
    return {"cover50": bool(q[1] <= y <= q[2]), "cover80": bool(q[0] <= y <= q[3])}


def _one(n: int, rule: str, as_of: dt.date, how: str, outcome: dict[str, Any], data_dir: str | Path | None,
         draws: int, seed: int, scenario: Any) -> dict[str, Any]:
    from burdenshare import RunConfig, simulate

    from burdenshare.data import open_dataset, using

    with using(open_dataset(data_dir, as_of=as_of)):  # the run, too, reads only rows known at as_of
        result = simulate(scenario, RunConfig(draws=draws, seed=seed), keep_rows=False)
    o = result.outcomes
    rat = o["ratified"] == 1
    cur = float(scenario.cost_model.current_agreement_krw)
    inc = 100.0 * (o["amount_krw"][rat] / cur - 1.0)
    term = o["duration_years"][rat].astype(np.float64)
    dates = result.plan.round_dates
    horizon = scenario.protocol.horizon
    past = (horizon - as_of).days + 1
    days = np.array([(dates[k] - as_of).days if k >= 0 else past for k in o["signed_round"].tolist()], dtype=np.float64)
    days = np.where(rat, days, past)
    y_days = (dt.date.fromisoformat(outcome["signed"]) - as_of).days
    with using(open_dataset(data_dir, as_of=as_of)):
        summary = result.summary()
    votes = summary.get("predicted_votes_by_bloc")
    exp_yes = exp_present = None
    if votes is not None:
        t = votes["totals"]
        exp_yes = float(t["yes"])
        exp_present = float(t["yes"] + t["not_yes"])
    allowed = sorted(set(scenario.levers.allowed_durations))
    log_term = None
    if term.size:
        count = float(np.sum(term == outcome["term_years"]))
        log_term = math.log((count + 0.5) / (term.size + 0.5 * len(allowed)))
    record = [int(v) for r in read_record(as_of, data_dir).rows("sma_history")
              if r["sma_number"].isdigit() and int(r["sma_number"]) < n and (v := _num(r["duration_years"])) is not None
              and int(v) in allowed]
    log_record = math.log((record.count(outcome["term_years"]) + 0.5) / (len(record) + 0.5 * len(allowed)))

    def q(x: NDArray[np.float64]) -> dict[str, float] | None:
        return None if x.size == 0 else dict(zip(("p10", "p25", "p50", "p75", "p90"),
                                                 (float(v) for v in np.quantile(x, (0.1, 0.25, 0.5, 0.75, 0.9)))))

    scores: dict[str, Any] = {
        "increase_pct": {**_interval_hits(inc, outcome["increase_pct"]),
                         "crps": crps(inc, outcome["increase_pct"]) if inc.size else None},
        "term_years": {**_interval_hits(term, outcome["term_years"]), "log_score": log_term,
                       "log_score_record": log_record},
        "days_to_agreement": {**_interval_hits(days, y_days), "crps": crps(days, float(y_days))},
        "yes_votes": {"cover50": None, "cover80": None, "crps": None,
                      "abs_error": None if exp_yes is None or outcome["yes_votes"] is None else abs(exp_yes - outcome["yes_votes"])},
        "present": {"cover50": None, "cover80": None, "crps": None,
                    "abs_error": None if exp_present is None or outcome["present"] is None else abs(exp_present - outcome["present"])},
    }
    forecast = {
        "p_ratified": float(rat.mean()), "p_agreement": float(summary["p_agreement"]),
        "increase_pct": q(inc), "term_years": q(term), "days_to_agreement": q(days),
        "horizon": horizon.isoformat(), "expected_yes_votes": exp_yes, "expected_present": exp_present,
        "scenario_hash": result.scenario_hash,
    }
    return {"round": n, "as_of": as_of.isoformat(), "as_of_rule": rule, "as_of_how": how,
            "outcome": {**outcome, "days_to_agreement": y_days}, "forecast": forecast, "scores": scores}


def _mean(xs: Sequence[Any]) -> float | None:
    vals = [float(x) for x in xs if x is not None]
    return None if not vals else sum(vals) / len(vals)


def backtest(rounds: Sequence[int] = (9, 10), *, data_dir: str | Path | None = None, draws: int = 2000,
             seed: int = 0) -> dict[str, Any]:
    """Build, run and score every (round, as-of rule); see the module docstring.

    Raises
    ------
    BuildError
        A requested round has no outcome in the data, or the builder refuses one of its as-of dates
        (``field="--rounds"``; the message names the round and what is missing); raised before any run.
    """
    rounds = list(dict.fromkeys(rounds))  # a round named twice is scored once
    full = read_record(_END, data_dir)
    outcomes = {n: outcome_of(full, n) for n in rounds}
    plan = []
    for n in rounds:  # every scenario is built before the first run: a round the builder refuses costs no run
        signed = dt.date.fromisoformat(outcomes[n]["signed"])
        for rule, day, how in as_of_dates(full, n, signed):
            try:
                scenario, _ = build_scenario(n, day, data_dir)
            except BuildError as exc:
                raise BuildError(f"round {n} as of {day.isoformat()} ({rule}): {exc.message}", field="--rounds") from None
            plan.append((n, rule, day, how, scenario))
    entries = [_one(n, rule, day, how, outcomes[n], data_dir, draws, seed, scenario)
               for n, rule, day, how, scenario in plan]
    summary: dict[str, Any] = {"entries": len(entries), "draws": draws, "seed": seed}
    for key in ("increase_pct", "term_years", "days_to_agreement"):
        s = [e["scores"][key] for e in entries]
        summary[key] = {"coverage50": _mean([x["cover50"] for x in s]), "coverage80": _mean([x["cover80"] for x in s]),
                        **({"mean_crps": _mean([x.get("crps") for x in s])} if key != "term_years" else
                           {"mean_log_score": _mean([x.get("log_score") for x in s]),
                            "mean_log_score_record": _mean([x.get("log_score_record") for x in s])})}
    for key in ("yes_votes", "present"):
        summary[key] = {"mean_abs_error": _mean([e["scores"][key]["abs_error"] for e in entries])}
    return {"rounds": entries, "summary": summary}


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """One text row per entry: round, as_of, rule, outcome and forecast medians, coverage and scores."""
    def f(x: Any, spec: str = ".1f") -> str:
        return "null" if x is None else (("yes" if x else "no") if isinstance(x, bool) else format(x, spec))

    rows = []
    for e in result["rounds"]:
        fc, sc, out = e["forecast"], e["scores"], e["outcome"]
        inc = fc["increase_pct"] or {}
        term = fc["term_years"] or {}
        days = fc["days_to_agreement"] or {}
        rows.append([str(e["round"]), e["as_of"], e["as_of_rule"], f(fc["p_ratified"], ".2f"),
                     f"{f(out['increase_pct'])} / {f(inc.get('p50'))}", f(sc["increase_pct"]["cover50"]),
                     f(sc["increase_pct"]["cover80"]), f(sc["increase_pct"]["crps"], ".2f"),
                     f"{out['term_years']} / {f(term.get('p50'), '.0f')}", f(sc["term_years"]["log_score"], ".2f"),
                     f"{out['days_to_agreement']} / {f(days.get('p50'), '.0f')}", f(sc["days_to_agreement"]["cover50"]),
                     f(sc["days_to_agreement"]["cover80"]), f(sc["days_to_agreement"]["crps"], ".0f"),
                     f(sc["yes_votes"]["abs_error"], ".0f"), f(sc["present"]["abs_error"], ".0f")])
    return rows


HEADER = ["round", "as_of", "rule", "P(ratified)", "increase % (actual / median)", "in 50%", "in 80%", "CRPS",
          "term (actual / median)", "log score", "days (actual / median)", "in 50%", "in 80%", "CRPS",
          "|yes err|", "|present err|"]


def render_html(result: dict[str, Any]) -> str:
    """A standalone HTML page with the backtest table and summary."""
    import html
    import json

    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in table_rows(result))
    summ = html.escape(json.dumps(result["summary"], indent=2, sort_keys=True))
    # the report marker (burdenshare.outputs.REPORT_MARKER): a re-run may replace the page without --force
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='burdenshare-figures' content=''>"
            "<title>burdenshare backtest</title></head><body>"
            "<h1>Backtest</h1><p>Scores of scenarios built from the record known at each as-of date "
            "(docs/backtest.md).</p>"
            f"<table border='1'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<h2>Summary</h2><pre>{summ}</pre></body></html>\n")
