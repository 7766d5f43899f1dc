r"""The numbers behind a report: gathered once, then drawn twice (plotly for the HTML, matplotlib
for the PNG files).  Nothing here imports a plotting library.

:func:`report_data` takes a scenario, the run's summary and its per-draw arrays (from a
:class:`~burdenshare.engine.RunResult` or read back from the results store) and computes every
section's data as plain Python/NumPy values.

Intervals (docs/reports.md §Intervals):

* **Vote-level (Monte-Carlo) interval** of a share such as ``p_ratified``: the Wilson 95 %
  binomial interval over the ``n`` draws.  Each draw's ratification is a Bernoulli outcome of the
  vote uniforms given its parameters, so this interval says how precisely ``n`` draws estimate
  the probability; it shrinks as 1/sqrt(n).
* **Parameter uncertainty**: the spread *across parameter draws* of the per-draw consent
  probability :math:`c_i` of the last text put to a vote (p10-p90 over draws with a vote), and the
  ``p_ratified`` of each Level-II bank member (min-max).  These do not shrink with more draws.
* **Variance split** of the ratified indicator :math:`R_i` given the path up to the last vote:
  :math:`\mathrm{Var}(R) = \mathrm{Var}(c) + \mathrm{E}[c(1-c)]` with :math:`c_i = 0` where no
  vote is held; the first term is driven by parameters (and earlier path), the second by the
  vote-level noise of the final vote.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.actors import executive_ceiling_krw
from burdenshare.costs.statement import explain
from burdenshare.legislature import legislature_model
from burdenshare.report.legislature_fit import legislature_fit
from burdenshare.scenario.vintage import reads_as_of
from burdenshare.solver.scenario import solve_scenario

__all__ = ["ReportData", "consent_split", "report_data", "wilson_interval"]

#: Days after a ``new_assembly`` event at which the report draws the new Assembly's consent curve
#: (the curves are at the information date, the eve of the election and the new Assembly: all
#: from the scenario's timeline).
AFTER_NEW_ASSEMBLY_DAYS = 2


def new_assembly_date(scenario: Any) -> dt.date | None:
    """The date of the new Assembly's consent curve: ``AFTER_NEW_ASSEMBLY_DAYS`` after the first
    ``new_assembly`` event after ``levers.as_of`` (None when the timeline has none)."""
    as_of = scenario.levers.as_of
    days = sorted(e.date for e in scenario.events if e.kind == "new_assembly" and e.date is not None and e.date > as_of)
    return days[0] + dt.timedelta(days=AFTER_NEW_ASSEMBLY_DAYS) if days else None


def wilson_interval(successes: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    r"""Wilson score interval of a binomial share (95 % by default).

    With :math:`k` successes of :math:`n`, :math:`p = k/n` and
    :math:`b = z\sqrt{z^2 + 4k(n-k)/n}`, the bounds
    :math:`(2k + z^2 \mp b) / (2(n + z^2))` are computed in the equivalent forms

    .. math::

        \text{lo} = \frac{2k^2}{n\,(2k + z^2 + b)},\qquad
        1 - \text{hi} = \frac{2(n-k)^2}{n\,(2(n-k) + z^2 + b)}

    (multiply by the conjugate), which have no cancellation: the interval contains :math:`p` in
    floating point too, and it is exactly :math:`[0, \cdot]` at :math:`k = 0` and
    :math:`[\cdot, 1]` at :math:`k = n`.  (The textbook form, centre minus half-width, loses
    that at the ends: at :math:`k = 0` it gave a lower bound of about 1e-19 above :math:`p = 0`,
    a negative error bar.)

    Examples
    --------
    >>> lo, hi = wilson_interval(50, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.404, 0.596)
    >>> wilson_interval(0, 1000)[0], wilson_interval(2000, 2000)[1]
    (0.0, 1.0)
    """
    if n <= 0:
        return (0.0, 1.0)
    if not (-1e-9 * n <= successes <= n * (1.0 + 1e-9)):
        raise ValueError(f"successes must lie in [0, n = {n}], got {successes!r}")
    k = min(max(float(successes), 0.0), float(n))  # a share times n: rounding noise only
    f = float(n) - k
    b = z * math.sqrt(z * z + 4.0 * k * f / n)
    lo = 2.0 * k * k / (n * (2.0 * k + z * z + b))
    hi = 1.0 - 2.0 * f * f / (n * (2.0 * f + z * z + b))
    return (lo, hi)


def consent_split(ratified: NDArray[Any], votes: NDArray[Any], p_consent: NDArray[Any]) -> dict[str, float]:
    r"""Split the variance of the ratified indicator into parameter- and vote-level parts.

    :math:`c_i` = consent probability of the last text put to a vote (0 where no vote):
    ``var_parameter`` = Var(c), ``var_vote`` = E[c(1-c)], ``share_parameter`` = Var(c) / (sum).

    Examples
    --------
    >>> s = consent_split(np.array([1, 0]), np.array([1, 1]), np.array([0.5, 0.5]))
    >>> s["var_parameter"], s["var_vote"], s["share_parameter"]
    (0.0, 0.25, 0.0)
    """
    c = np.where(np.asarray(votes) > 0, np.nan_to_num(np.asarray(p_consent, dtype=float)), 0.0)
    var_p = float(c.var()) if c.size else 0.0
    var_v = float((c * (1 - c)).mean()) if c.size else 0.0
    tot = var_p + var_v
    return {"mean_c": float(c.mean()) if c.size else 0.0, "var_parameter": var_p, "var_vote": var_v,
            "share_parameter": var_p / tot if tot > 0 else 0.0}


@dataclass
class ReportData:
    """Everything a report shows, as plain values (see :func:`report_data`)."""

    title: str
    source: str
    scenario: Any
    summary: dict[str, Any]
    statement: dict[str, Any] | None
    statement_rows: tuple[tuple[str, ...], list[tuple[str, ...]], list[str]] | None
    consent_curves: list[dict[str, Any]]
    winset_dates: list[dict[str, Any]]
    winset_2d: dict[str, Any]
    votes: dict[str, Any]
    by_date: list[dict[str, Any]]
    amounts_krw: list[float]
    increase_pct: list[float]
    durations: dict[int, int]
    rounds: list[int]
    round_dates: list[str]
    furlough_days: list[float]
    benchmark: dict[str, Any] | None
    intervals: dict[str, Any]
    current_agreement_krw: float
    sweep: dict[str, Any] | None = None
    sobol: dict[str, Any] | None = None
    compare: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def _curves(scenario: Any, dates: list[tuple[str, dt.date]], grid: NDArray[np.float64], duration: int,
            fv: Any) -> list[dict[str, Any]]:
    out = []
    for label, day in dates:
        model = legislature_model(scenario, day)
        p = fv.consent(model.consent_probability(grid, duration))
        out.append({"label": label, "date": day.isoformat(), "duration_years": duration,
                    "amounts_krw": grid.tolist(), "p_consent": [float(v) for v in p]})
    return out


def _max_at(grid: NDArray[np.float64], p: NDArray[np.float64], level: float) -> float | None:
    ok = np.nonzero(p >= level)[0]
    return float(grid[ok[-1]]) if ok.size else None


@reads_as_of
def report_data(
    scenario: Any,
    summary: dict[str, Any],
    outcomes: dict[str, NDArray[Any]],
    params: dict[str, NDArray[Any]],
    round_dates: list[dt.date] | tuple[dt.date, ...],
    *,
    source: str,
    level: float = 0.5,
    benchmark: bool = True,
    sweep: dict[str, Any] | None = None,
    sobol: dict[str, Any] | None = None,
    compare: dict[str, Any] | None = None,
) -> ReportData:
    """Compute every section's data.

    Parameters
    ----------
    scenario
        The validated scenario the run used (overrides applied).
    summary
        :meth:`RunResult.summary` of the run.
    outcomes, params
        Per-draw outcome and parameter columns (``RunResult.outcomes``/``params`` or rows read
        back from the store).
    round_dates
        The run's round dates (``RunResult.plan.round_dates``).
    source
        Where the run comes from, in words (shown in every caption).
    level
        Consent-probability level of the win-sets.
    benchmark
        Solve the rational benchmark (:func:`burdenshare.solver.scenario.solve_scenario`).
    sweep, sobol, compare
        Optional inputs: a sweep's ``--json`` (``{"run_id", "rows": [{"point", ...}]}``), a
        sensitivity result (see :func:`burdenshare.report.figures.sobol_table`), a comparison
        (:meth:`burdenshare.analysis.compare.Comparison.to_json`).

    Returns
    -------
    ReportData
    """
    cm = scenario.cost_model
    cur = float(cm.current_agreement_krw)
    notes: list[str] = []
    # transparency statement
    try:
        st = explain(scenario)
        statement = st.to_json()
        title, header, rows, footer = st.render()
        statement_rows: Any = (header, rows, footer)
    except Exception as exc:  # noqa: BLE001 - a scenario without an ask still gets a report
        statement, statement_rows = None, None
        notes.append(f"transparency statement not available: {exc}")
    # consent curves at three dates, shortest allowed duration
    allowed = sorted(int(d) for d in scenario.levers.allowed_durations)
    dur = allowed[0]
    as_of = scenario.levers.as_of
    election = scenario.levers.election_date
    dates: list[tuple[str, dt.date]] = [(f"as of {as_of.isoformat()}", as_of)]
    if election is not None and election - dt.timedelta(days=1) > as_of:
        dates.append((f"eve of the election ({(election - dt.timedelta(days=1)).isoformat()})",
                      election - dt.timedelta(days=1)))
    after_new = new_assembly_date(scenario)
    if after_new is not None:
        dates.append((f"new Assembly ({after_new.isoformat()})", after_new))
    pr = scenario.parties.principal
    top = max(1.6 * cur, 1.05 * float(pr.reservation_value_krw))  # show the President's bound too
    grid = np.linspace(0.9 * cur, top, 81)
    # the Assembly the run read: the floor vote's noise scale of its seed and bank (engine.floor_vote)
    from burdenshare.engine.floor_vote import floor_vote

    fv = floor_vote(scenario, int(summary.get("seed", 0)), summary.get("bank_size"))
    notes.append(fv.line())
    curves = _curves(scenario, dates, grid, dur, fv)
    # 1-D win-set through the round dates
    ws_dates = []
    for day in round_dates:
        p = fv.consent(legislature_model(scenario, day).consent_probability(grid, dur))
        ws_dates.append({"date": day.isoformat(), "max_amount_krw": _max_at(grid, p, level)})
    # 2-D win-set at as_of (heatmap), level boundaries per date
    p2 = []
    tops: dict[str, list[float | None]] = {}
    for label, day in dates:
        model = legislature_model(scenario, day)
        rows2 = [fv.consent(model.consent_probability(grid, d)) for d in allowed]
        tops[label] = [_max_at(grid, r, level) for r in rows2]
        if day == dates[0][1]:
            p2 = [[float(v) for v in r] for r in rows2]
    us = {
        "negotiator_reservation_krw": float(scenario.strategies["us"].reservation_value_krw)
        if "us" in scenario.strategies and scenario.strategies["us"].reservation_value_krw is not None else None,
        "president_reservation_krw": float(pr.reservation_value_krw),
        "president_after_change_krw": None if pr.reservation_value_after_change_krw is None
        else float(pr.reservation_value_after_change_krw),
    }

    winset_2d = {"date": dates[0][1].isoformat(), "level": level, "durations": allowed, "amounts_krw": grid.tolist(),
                 "p_consent": p2, "boundaries": tops, "us": us,
                 "host_executive_krw": executive_ceiling_krw(scenario, dates[0][1]), "vote_noise_scale": fv.kappa}
    # votes: predicted by bloc (summary) beside recorded, with the role fit the model uses
    cal = legislature_fit(scenario, round_dates[0])
    votes = {"predicted": summary.get("predicted_votes_by_bloc"), "calibration": cal}
    # outcomes
    n = int(summary["draws"])
    rat = np.asarray(outcomes["ratified"]) == 1
    first = np.asarray(outcomes["first_signed_round"])
    bank = np.asarray(params.get("bank", np.zeros(n, dtype=int)))
    by_date = []
    for key, value in summary["p_agreement_by"].items():
        lo, hi = wilson_interval(value * n, n)
        last_ok = sum(1 for day in round_dates if day <= dt.date.fromisoformat(key))
        signed = (first >= 0) & (first < last_ok)
        per_member = [float(signed[bank == b].mean()) for b in np.unique(bank)]
        by_date.append({"date": key, "p": value, "lo": lo, "hi": hi,
                        "bank_min": min(per_member) if per_member else None,
                        "bank_max": max(per_member) if per_member else None})
    amounts = np.asarray(outcomes["amount_krw"], dtype=float)[rat]
    inc = 100.0 * (amounts / cur - 1.0)
    dvals, dcounts = np.unique(np.asarray(outcomes["duration_years"])[rat], return_counts=True)
    rounds = (np.asarray(outcomes["signed_round"])[rat] + 1).astype(int)
    furlough = np.asarray(outcomes["furlough_worker_days"], dtype=float)
    # benchmark
    bench = None
    if benchmark:
        try:
            eq = solve_scenario(scenario, vote_noise_scale=fv.kappa)
            bench = eq.to_json()
            bench["p_agreement_by"] = {k: float(eq.p_agreement_by(k)) for k in summary["p_agreement_by"]}
        except Exception as exc:  # noqa: BLE001 - the report still shows the simulation
            notes.append(f"rational benchmark not available: {exc}")
    # intervals
    p_rat = float(summary["p_ratified"])
    votes_held = np.asarray(outcomes["votes"])
    pc = np.asarray(outcomes["p_consent"], dtype=float)
    voted = votes_held > 0
    split = consent_split(outcomes["ratified"], votes_held, pc)
    members = []
    for b in np.unique(bank):
        sel = bank == b
        members.append({"member": int(b), "draws": int(sel.sum()), "p_ratified": float(rat[sel].mean())})
    pq = [float(v) for v in np.quantile(pc[voted], (0.1, 0.5, 0.9))] if voted.any() else None
    intervals = {
        "p_ratified": p_rat,
        "vote_level_95": list(wilson_interval(p_rat * n, n)),
        "p_agreement": float(summary["p_agreement"]),
        "p_agreement_vote_level_95": list(wilson_interval(float(summary["p_agreement"]) * n, n)),
        "bank_members": members,
        "bank_range": [min(m["p_ratified"] for m in members), max(m["p_ratified"] for m in members)] if members else None,
        "p_consent_at_vote_p10_p50_p90": pq,
        "draws_with_vote": int(voted.sum()),
        "split": split,
    }
    title = f"burdenshare report: {scenario.name} ({n:,} draws, seed {summary['seed']})"
    return ReportData(
        title=title, source=source, scenario=scenario, summary=summary, statement=statement,
        statement_rows=statement_rows, consent_curves=curves, winset_dates=ws_dates, winset_2d=winset_2d,
        votes=votes, by_date=by_date, amounts_krw=amounts.tolist(), increase_pct=inc.tolist(),
        durations={int(d): int(c) for d, c in zip(dvals, dcounts)}, rounds=rounds.tolist(),
        round_dates=[d.isoformat() for d in round_dates], furlough_days=furlough.tolist(), benchmark=bench,
        intervals=intervals, current_agreement_krw=cur, sweep=sweep, sobol=sobol, compare=compare, notes=notes,
    )
