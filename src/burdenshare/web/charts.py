"""The numbers behind the dashboard's charts, from the report's data (no model logic here).

:func:`charts` takes a recorded run (:class:`~burdenshare.engine.RunResult`) and returns what
:func:`burdenshare.report.data.report_data` computes for the report's figures: the settlement
distribution, P(agreement) by calendar date with the scenario's key dates, the consent curves and
the win-set through the round dates, and the predicted votes by bloc.
"""

from __future__ import annotations

from typing import Any

__all__ = ["charts"]


def charts(result: Any) -> dict[str, Any]:
    """The chart data of ``result`` (JSON-ready)."""
    from burdenshare.costs.schedule import to_krw
    from burdenshare.report.data import report_data

    sc = result._scenario_obj
    summary = result.summary()
    d = report_data(sc, summary, result.outcomes, result.params, result.plan.round_dates,
                    source=f"run {result.run_id}", benchmark=False)
    lv = sc.levers
    key_dates = [{"date": lv.as_of.isoformat(), "label": "information date (as_of)"}]
    if lv.election_date is not None:
        key_dates.append({"date": lv.election_date.isoformat(), "label": "Assembly election"})
    if lv.furlough_from != "none":
        key_dates.append({"date": str(lv.furlough_from), "label": "furlough from"})
    hindsight = bool(getattr(sc, "hindsight", False))
    for e in sc.events:  # dated events; statements (proposals) only as known at as_of, unless a hindsight scenario
        if e.date is None or e.kind in ("round", "other"):
            continue
        if e.kind == "statement" and e.date > lv.as_of and not hindsight:
            continue
        key_dates.append({"date": e.date.isoformat(), "label": e.label or e.id, "kind": e.kind})
    # the share of draws with a text signed (ratified) on or before each round date: the summary's
    # p_agreement_by definition (first signed round) at every round, and the same for ratification
    import numpy as np

    o = result.outcomes
    first, ratified_round = np.asarray(o["first_signed_round"]), np.asarray(o["ratified_round"])
    ratified = np.asarray(o["ratified"]) == 1
    n = max(1, int(first.size))
    by_round = [{"date": day.isoformat(),
                 "p_signed": float(((first >= 0) & (first <= k)).sum() / n),
                 "p_ratified": float((ratified & (ratified_round >= 0) & (ratified_round <= k)).sum() / n)}
                for k, day in enumerate(result.plan.round_dates)]
    return {
        "run_id": result.run_id,
        "by_round": by_round,
        "current_agreement_krw": d.current_agreement_krw,
        "amounts_krw": d.amounts_krw,
        "increase_pct": d.increase_pct,
        "durations": {str(k): v for k, v in d.durations.items()},
        "by_date": d.by_date,
        "round_dates": d.round_dates,
        "key_dates": key_dates,
        "consent_curves": d.consent_curves,
        "winset_dates": d.winset_dates,
        "winset_2d": d.winset_2d,
        "votes": (d.votes or {}).get("predicted"),
        # the proposal known at as_of: the US ask (levers.us_ask_usd) at the scenario's exchange rate
        "ask_krw": to_krw(float(lv.us_ask_usd), int(sc.cost_model.base_year), dict(sc.cost_model.exchange_rates_krw_per_usd)),
        "hindsight": hindsight,
    }
