"""The report's figures: which ones a report has (:func:`figure_specs`), with their captions, and
their interactive plotly versions (:func:`plotly_figures`).  matplotlib versions: :mod:`.png`.

Optional inputs:

* **sweep** - the JSON of ``burdenshare sweep --json``: ``{"run_id", "rows": [{"point": {path:
  value, ...}, "p_ratified", "p_agreement", ...}]}``; one heatmap per output
  (``p_ratified``, ``p_agreement``) over the first two grid axes (a line for one axis).
* **sobol** - a sensitivity result, either ``{"outputs": {name: {"names": [...], "S1": [...],
  "ST": [...], "S1_conf": [...], "ST_conf": [...]}}}`` or one such inner mapping (SALib's
  ``Si`` layout plus ``names``); ``indices`` as a list of ``{"parameter", "S1", "ST", ...}`` rows
  is accepted too.  One bar chart per output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from burdenshare.report.data import ReportData

__all__ = ["FigureSpec", "figure_specs", "plotly_figures", "sobol_table", "sweep_grid", "tornado_bars", "variant_label"]


@dataclass(frozen=True)
class FigureSpec:
    """One figure: ``key`` (file stem), ``section``, ``title`` and ``caption`` (with its source)."""

    key: str
    section: str
    title: str
    caption: str


def sweep_grid(sweep: dict[str, Any], output: str) -> dict[str, Any]:
    """Arrange a sweep's rows as a grid of ``output`` over its first two axes.

    Returns ``{"axes": [path, ...], "x": [...], "y": [...] or None, "z": [[...]]}`` (``z[j][i]`` for
    ``y[j]``, ``x[i]``; ``None`` where a point is missing; other axes: the first value seen).
    """
    rows = sweep.get("rows") or []
    axes = list(rows[0]["point"].keys()) if rows else []
    if not axes:
        return {"axes": [], "x": [], "y": None, "z": []}
    xs: list[Any] = []
    ys: list[Any] = []
    for r in rows:
        if r["point"][axes[0]] not in xs:
            xs.append(r["point"][axes[0]])
        if len(axes) > 1 and r["point"][axes[1]] not in ys:
            ys.append(r["point"][axes[1]])
    z: list[list[Any]] = [[None] * len(xs) for _ in range(max(1, len(ys)))]
    for r in rows:
        i = xs.index(r["point"][axes[0]])
        j = ys.index(r["point"][axes[1]]) if len(axes) > 1 else 0
        if z[j][i] is None:
            z[j][i] = r.get(output)
    return {"axes": axes[:2], "x": xs, "y": ys if len(axes) > 1 else None, "z": z}


def sobol_table(sobol: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Normalise a sensitivity result to ``{output: [{"parameter", "S1", "ST", "S1_conf", "ST_conf"}]}``."""

    def rows_of(inner: Any) -> list[dict[str, Any]]:
        if isinstance(inner, list):
            return [{"parameter": str(r.get("parameter") or r.get("name")), "S1": r.get("S1"), "ST": r.get("ST"),
                     "S1_conf": r.get("S1_conf"), "ST_conf": r.get("ST_conf")} for r in inner]
        if "indices" in inner:
            return rows_of(inner["indices"])
        names = inner.get("names") or inner.get("parameters") or []
        out = []
        for k, name in enumerate(names):
            def at(key: str) -> Any:
                v = inner.get(key)
                if isinstance(v, dict):
                    return v.get(name)
                return None if v is None else v[k]
            out.append({"parameter": str(name), "S1": at("S1"), "ST": at("ST"), "S1_conf": at("S1_conf"),
                        "ST_conf": at("ST_conf")})
        return out

    if "outputs" in sobol and isinstance(sobol["outputs"], dict):
        return {str(k): rows_of(v) for k, v in sobol["outputs"].items()}
    if "outputs" in sobol and isinstance(sobol["outputs"], list) and sobol["outputs"] and isinstance(sobol["outputs"][0], dict):
        return {str(o.get("output") or o.get("name")): rows_of(o) for o in sobol["outputs"]}
    return {str(sobol.get("output", "output")): rows_of(sobol)}


def _src(d: ReportData) -> str:
    return f"Source: {d.source}."


def figure_specs(d: ReportData) -> list[FigureSpec]:
    """The figures of a report, in order (the HTML, the PNG files and the tests use this list)."""
    s = d.summary
    dur = d.consent_curves[0]["duration_years"]
    lv = d.winset_2d["level"]
    kappa = float(d.winset_2d.get("vote_noise_scale", 1.0))  # the run's floor vote (engine.floor_vote)
    at_kappa = f"nominal parameters, at the run's floor vote noise scale kappa = {kappa:.3f}"
    specs = []
    b = s.get("bottom_line") or {}
    if b.get("tornado"):
        specs.append(FigureSpec(
            "tornado", "Bottom line", "What moves P(ratified): one lever at a time",
            "Change of P(ratified) when one lever is moved from this run's setting (each bar one step, labelled "
            "old -> new), with its 95 % interval: paired differences on the same first "
            f"{b.get('tornado_draws', 0):,} draws (same seed: same parameter and vote uniforms), through "
            "burdenshare.engine.simulate and burdenshare.analysis.compare.differences. Source: "
            "burdenshare.analysis.briefing.tornado."))
    specs += [
        FigureSpec("consent_curves", "Consent probability before and after the election",
                   "Consent probability vs first-year amount",
                   f"Art. 49 consent probability of a {dur}-year agreement by first-year amount, at "
                   + ", ".join(c["label"] for c in d.consent_curves)
                   + f". Source: burdenshare.legislature ({at_kappa}; seats from burdenshare.data; "
                     "opinion from burdenshare.opinion), scenario " + str(d.scenario.name) + "."),
        FigureSpec("winset_1d", "Win-set", f"Largest amount consented to with probability >= {lv:g}, by round date",
                   f"1-D win-set of the host Assembly ({dur}-year agreement) at each round date of the run; a gap "
                   f"means an empty win-set. Source: burdenshare.legislature.win_set ({at_kappa})."),
        FigureSpec("winset_2d", "Win-set", "Two-level win-set: amount x duration",
                   f"Heatmap: host consent probability over amount x duration on {d.winset_2d['date']}; lines: the "
                   f"largest amount with consent probability >= {lv:g} per duration at each date (host side); "
                   "dashed verticals: the US side's lower bounds (the negotiator's reservation value; the President's, "
                   "before and after a change of administration): the US accepts amounts to their right; dotted black: "
                   "the host executive's own ceiling at central values (its reservation value mixed with its base's median "
                   "WTP, parties.host_executive.opinion_weight): it signs amounts to its left. The two-level "
                   f"win-set is the overlap. Source: burdenshare.legislature.win_set_2d ({at_kappa}) and the scenario's "
                   "strategies.us / parties.principal reservation values (assumptions)."),
        FigureSpec("votes", "Predicted and recorded votes", "Predicted votes by bloc beside the recorded votes",
                   "Left: expected yes / not-yes / absent by bloc for the median ratified agreement of the run at its "
                   "signing date (nominal legislature; empty when no draw is ratified). Right: the recorded consent "
                   "votes recorded before the scenario's as_of (2014, 9th SMA; 2019, 10th SMA) beside the in-sample "
                   "prediction of the role fit with random attendance the model uses. Source: "
                   "RunResult.summary()['predicted_votes_by_bloc']; burdenshare.legislature.vote_fit."
                   "fit_recorded_votes on burdenshare.legislature.record.recorded_votes(as_of)."),
        FigureSpec("agreement_by_date", "Probability of agreement by key dates",
                   "P(text signed by date): simulation and rational benchmark",
                   "Share of draws with a text signed (initialled and approved by the President) on or before each "
                   "key date, with the Wilson 95 % Monte-Carlo (vote-level) interval over draws; black bars: the range "
                   "of the share across the Level-II bank members (parameter uncertainty); diamonds: the rational "
                   "benchmark's "
                   f"probability of agreement by the date. {_src(d)} Benchmark: burdenshare.solver.scenario.solve_scenario."),
        FigureSpec("settlement", "Settlement", "First-year amount of ratified agreements",
                   f"Histogram over ratified draws ({len(d.amounts_krw):,} of {s['draws']:,}) of the first-year amount "
                   f"(KRW bn; top axis: increase over the current agreement). {_src(d)}"),
        FigureSpec("duration", "Settlement", "Duration of ratified agreements",
                   f"Share of ratified draws by agreed duration (years). {_src(d)}"),
        FigureSpec("time_to_agreement", "Time to agreement", "Round of the ratified signing",
                   f"Number of ratified draws by the round (and its date) in which the ratified text was signed. {_src(d)}"),
        FigureSpec("furlough", "Furlough", "Furlough worker-days per draw",
                   "Histogram over all draws of the Korean workers' furlough worker-days (from levers.furlough_from "
                   "until the first signed text, the host's direct payment or the horizon). "
                   f"Mean {s['furlough_worker_days_mean']:,.0f}. {_src(d)}"),
        FigureSpec("benchmark", "Rational benchmark", "Rational benchmark beside the behavioural simulation",
                   "Probability of ratified agreement by the horizon and the increase over the current agreement "
                   "(behavioural: median over ratified draws, with p10-p90 bars; rational: the equilibrium path's first "
                   f"agreement). {_src(d)} Benchmark: burdenshare.solver.scenario.solve_scenario (exact backward induction)."),
        FigureSpec("uncertainty", "Intervals", "P(ratified): vote-level vs parameter uncertainty",
                   "P(ratified) with its vote-level (Wilson 95 % binomial over draws) interval, P(ratified) within each "
                   "Level-II bank member (parameter uncertainty), and the p10/p50/p90 across draws of the consent "
                   f"probability of the last text put to a vote (parameter uncertainty). {_src(d)}"),
    ]
    if d.sweep:
        for out in ("p_ratified", "p_agreement"):
            specs.append(FigureSpec(f"sweep_{out}", "Sweep", f"Sweep: {out}",
                                    f"{out} at each grid point of sweep run {d.sweep.get('run_id', '?')} (common random "
                                    "numbers: every point uses the same draws). Source: the sweep's summary rows "
                                    "(burdenshare sweep --json / the results store)."))
    if d.sobol:
        for out in sobol_table(d.sobol):
            specs.append(FigureSpec(f"sobol_{_slug(out)}", "Sensitivity", f"Sobol indices: {out}",
                                    "First-order (S1) and total-order (ST) Sobol indices with their confidence "
                                    "intervals over the scenario's uncertain parameters. Source: the sensitivity "
                                    "result given to the report (burdenshare sensitivity --json, SALib)."))
    if d.compare:
        specs.append(FigureSpec("counterfactuals", "Counterfactuals", "Counterfactuals: paired differences",
                                "Mean paired difference (variant - baseline) over the same draws with 95 % normal "
                                "intervals over draws: P(ratified) and its consent-probability (parameter-driven) "
                                "component. Source: burdenshare.analysis.compare (common random numbers, seed "
                                f"{d.compare.get('seed')}, {d.compare.get('draws')} draws)."))
    return specs


def variant_label(v: dict[str, Any]) -> str:
    """A comparison variant's name for tables and figures: its ``--variant`` name, or its overrides for
    the ``--set`` group (named ``set`` by :func:`~burdenshare.analysis.compare.parse_variants`)."""
    if v["name"] == "set" and v.get("overrides"):
        return "--set " + ", ".join(v["overrides"])
    return str(v["name"])


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def _bn(x: Any) -> Any:
    return np.asarray(x, dtype=float) / 1e9


def plotly_figures(d: ReportData) -> list[tuple[FigureSpec, Any]]:
    """The plotly figure of every spec, in order."""
    return [(spec, _BUILD[spec.key.split("_")[0] if spec.key.startswith(("sweep_", "sobol_")) else spec.key](d, spec))
            for spec in figure_specs(d)]


def _layout(fig: Any, spec: FigureSpec, **kw: Any) -> Any:
    top = 90 if fig.layout.annotations and any(a.text and a.y == 1.0 for a in fig.layout.annotations) else 60
    fig.update_layout(title=spec.title, template="plotly_white", height=kw.pop("height", 420),
                      margin={"l": 60, "r": 20, "t": top, "b": 50}, **kw)
    return fig


def tornado_bars(d: ReportData) -> list[dict[str, Any]]:
    """The tornado's bars, largest absolute change first: ``{"label", "mean", "lo", "hi"}``."""
    b = d.summary.get("bottom_line") or {}
    bars = [{"label": f"{t['lever'].split('.', 1)[1]}: {st['setting']}", "mean": st["p_ratified"], "lo": st["lo"],
             "hi": st["hi"]} for t in b.get("tornado", []) for st in t["steps"]]
    return sorted(bars, key=lambda r: -abs(r["mean"]))


def _tornado(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    bars = tornado_bars(d)[::-1]
    fig = go.Figure(go.Bar(y=[r["label"] for r in bars], x=[r["mean"] for r in bars], orientation="h",
                           name="change of P(ratified)",
                           error_x={"type": "data", "symmetric": False, "array": [r["hi"] - r["mean"] for r in bars],
                                    "arrayminus": [r["mean"] - r["lo"] for r in bars]}))
    fig.add_vline(x=0, line_color="grey")
    return _layout(fig, spec, xaxis_title="change of P(ratified) (paired, same draws)",
                   height=max(300, 45 * len(bars) + 140))


def _consent(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for c in d.consent_curves:
        fig.add_trace(go.Scatter(x=_bn(c["amounts_krw"]), y=c["p_consent"], mode="lines", name=c["label"]))
    fig.add_hline(y=d.winset_2d["level"], line_dash="dot", line_color="grey")
    fig.add_vline(x=d.current_agreement_krw / 1e9, line_dash="dash", line_color="grey",
                  annotation_text="current agreement")
    return _layout(fig, spec, xaxis_title="first-year amount (KRW bn)", yaxis_title="P(consent)", yaxis_range=[0, 1])


def _winset_1d(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    x = [w["date"] for w in d.winset_dates]
    y = [None if w["max_amount_krw"] is None else w["max_amount_krw"] / 1e9 for w in d.winset_dates]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines+markers", line_shape="hv", name="largest amount (host)"))
    fig.add_hline(y=d.current_agreement_krw / 1e9, line_dash="dash", line_color="grey",
                  annotation_text="current agreement")
    return _layout(fig, spec, xaxis_title="round date", yaxis_title="KRW bn per year")


def _winset_2d(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    w = d.winset_2d
    fig = go.Figure(go.Heatmap(x=_bn(w["amounts_krw"]), y=w["durations"], z=w["p_consent"], zmin=0, zmax=1,
                               colorscale="Viridis", colorbar={"title": "P(consent)"}, name="host consent"))
    for label, tops in w["boundaries"].items():
        fig.add_trace(go.Scatter(x=[None if t is None else t / 1e9 for t in tops], y=w["durations"],
                                 mode="lines+markers", name=f"host ≥ {w['level']:g}: {label}"))
    names = {"negotiator_reservation_krw": "US negotiator reservation", "president_reservation_krw": "President",
             "president_after_change_krw": "President after change"}
    for key, name in names.items():
        v = w["us"][key]
        if v is not None:
            fig.add_trace(go.Scatter(x=[v / 1e9, v / 1e9], y=[min(w["durations"]), max(w["durations"])],
                                     mode="lines", line={"dash": "dash"}, name=f"{name} (US ≥)"))
    ceiling = w.get("host_executive_krw")
    if ceiling is not None:
        fig.add_trace(go.Scatter(x=[ceiling / 1e9, ceiling / 1e9], y=[min(w["durations"]), max(w["durations"])],
                                 mode="lines", line={"dash": "dot", "color": "black"}, name="host executive (host ≤)"))
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0})
    return _layout(fig, spec, xaxis_title="first-year amount (KRW bn)", yaxis_title="duration (years)", height=560)


def _votes(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("predicted by bloc (median ratified deal)",
                                                        "recorded vs predicted (role fit)"))
    pred = d.votes["predicted"]
    colors = {"yes": "#2a9d8f", "not_yes": "#e76f51", "absent": "#bbbbbb"}
    if pred:
        blocs = [b["bloc"] for b in pred["blocs"]]
        for k in ("yes", "not_yes", "absent"):
            fig.add_trace(go.Bar(x=blocs, y=[b[k] for b in pred["blocs"]], name=f"predicted {k}",
                                 marker_color=colors[k]), row=1, col=1)
    else:
        fig.add_trace(go.Bar(x=["no ratified draw"], y=[0], name="no prediction"), row=1, col=1)
    cal = d.votes["calibration"]["votes"]
    xs = [f"{v['sma']}th SMA {v['date'][:4]}" for v in cal]
    for k in ("yes", "not_yes", "absent"):
        fig.add_trace(go.Bar(x=xs, y=[v["recorded"][k] for v in cal], name=f"recorded {k}", marker_color=colors[k],
                             marker_pattern_shape="/"), row=1, col=2)
        fig.add_trace(go.Bar(x=xs, y=[v["predicted"][k] for v in cal], name=f"model {k}", marker_color=colors[k],
                             opacity=0.6), row=1, col=2)
    fig.update_layout(barmode="group")
    return _layout(fig, spec, height=460)


def _by_date(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    x = [b["date"] for b in d.by_date]
    y = [b["p"] for b in d.by_date]
    fig = go.Figure(go.Bar(x=x, y=y, name="simulation", error_y={"type": "data", "symmetric": False,
                                                                  "array": [b["hi"] - b["p"] for b in d.by_date],
                                                                  "arrayminus": [b["p"] - b["lo"] for b in d.by_date]}))
    if all(b.get("bank_min") is not None for b in d.by_date):
        mid = [(b["bank_min"] + b["bank_max"]) / 2 for b in d.by_date]
        fig.add_trace(go.Scatter(x=x, y=mid, mode="markers", marker={"symbol": "line-ew-open", "size": 1},
                                 name="range across bank members (parameters)",
                                 error_y={"type": "data", "array": [b["bank_max"] - m for b, m in zip(d.by_date, mid)],
                                          "color": "black", "thickness": 3, "width": 10}))
    if d.benchmark:
        fig.add_trace(go.Scatter(x=x, y=[d.benchmark["p_agreement_by"][k] for k in x], mode="markers",
                                 marker={"symbol": "diamond", "size": 12}, name="rational benchmark"))
    return _layout(fig, spec, xaxis_title="key date", yaxis_title="P(signed by date)", yaxis_range=[0, 1],
                   xaxis_type="category")


def _settlement(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure(go.Histogram(x=_bn(d.amounts_krw), nbinsx=30, name="ratified draws"))
    cur = d.current_agreement_krw / 1e9
    fig.add_vline(x=cur, line_dash="dash", line_color="grey", annotation_text="current agreement")
    if not d.amounts_krw:
        fig.add_annotation(text="no ratified draw", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return _layout(fig, spec, xaxis_title="first-year amount (KRW bn)", yaxis_title="draws")
    x = _bn(d.amounts_krw)
    pad = max(10.0, 0.05 * float(x.max() - x.min()))
    lo, hi = min(float(x.min()), cur) - pad, max(float(x.max()), cur) + pad
    # the top axis the caption names: the same range as the increase over the current agreement
    fig.add_trace(go.Scatter(x=[100 * (lo / cur - 1), 100 * (hi / cur - 1)], y=[0, 0], xaxis="x2", mode="markers",
                             marker={"opacity": 0}, showlegend=False, hoverinfo="skip"))
    return _layout(fig, spec, xaxis={"title": "first-year amount (KRW bn)", "range": [lo, hi]}, yaxis_title="draws",
                   xaxis2={"title": "increase over the current agreement (%)", "overlaying": "x", "side": "top",
                           "range": [100 * (lo / cur - 1), 100 * (hi / cur - 1)], "ticksuffix": " %"})


def _duration(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    tot = sum(d.durations.values()) or 1
    fig = go.Figure(go.Bar(x=[str(k) for k in d.durations], y=[v / tot for v in d.durations.values()],
                           name="share of ratified draws"))
    return _layout(fig, spec, xaxis_title="duration (years)", yaxis_title="share", xaxis_type="category")


def _time(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    k = np.asarray(d.rounds, dtype=int)
    labels = [f"{r} ({d.round_dates[r - 1]})" for r in range(1, len(d.round_dates) + 1)]
    counts = [int((k == r).sum()) for r in range(1, len(d.round_dates) + 1)]
    fig = go.Figure(go.Bar(x=labels, y=counts, name="ratified draws"))
    return _layout(fig, spec, xaxis_title="round (date)", yaxis_title="draws", xaxis_type="category")


def _furlough(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    x = np.asarray(d.furlough_days, dtype=float)
    vals = np.unique(x)
    if vals.size <= 12:  # a few distinct values: one bar each, as the PNG
        fig = go.Figure(go.Bar(x=[f"{v / 1e3:,.0f}k" for v in vals], y=[int((x == v).sum()) for v in vals],
                               name="draws"))
        return _layout(fig, spec, xaxis_title="furlough worker-days (thousands)", yaxis_title="draws",
                       xaxis_type="category")
    fig = go.Figure(go.Histogram(x=x, nbinsx=30, name="draws"))
    return _layout(fig, spec, xaxis_title="furlough worker-days", xaxis_tickformat=",.0f", yaxis_title="draws")


def benchmark_rows(d: ReportData) -> dict[str, Any]:
    """Behavioural vs rational numbers of the benchmark figure and table."""
    s = d.summary
    inc = s["increase_pct"]
    b = d.benchmark or {}
    return {
        "behavioural": {"p_ratified": s["p_ratified"], "increase_pct": None if inc is None else inc["p50"],
                        "increase_p10_p90": None if inc is None else [inc["p10"], inc["p90"]],
                        "duration_years": None if s["duration_years"] is None else s["duration_years"]["mean"]},
        "rational": {"p_ratified": b.get("p_agreement"), "increase_pct": b.get("increase_pct"),
                     "duration_years": b.get("duration_years"), "date": b.get("date")},
    }


def _benchmark(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    r = benchmark_rows(d)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("P(ratified agreement by the horizon)",
                                                        "increase over current agreement (%)"))
    names = ["behavioural", "rational"]
    fig.add_trace(go.Bar(x=names, y=[r[n]["p_ratified"] or 0 for n in names], name="P(ratified)"), row=1, col=1)
    beh = r["behavioural"]
    err = None
    if beh["increase_p10_p90"] is not None:
        err = {"type": "data", "symmetric": False, "array": [beh["increase_p10_p90"][1] - beh["increase_pct"], 0],
               "arrayminus": [beh["increase_pct"] - beh["increase_p10_p90"][0], 0]}
    fig.add_trace(go.Bar(x=names, y=[r[n]["increase_pct"] or 0 for n in names], name="increase %", error_y=err),
                  row=1, col=2)
    return _layout(fig, spec, showlegend=False)


def _uncertainty(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    iv = d.intervals
    p = iv["p_ratified"]
    lo, hi = iv["vote_level_95"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[p], y=["P(ratified), vote-level 95 %"], mode="markers",
                             error_x={"type": "data", "symmetric": False, "array": [hi - p], "arrayminus": [p - lo]},
                             name="vote-level (binomial)"))
    for m in iv["bank_members"]:
        fig.add_trace(go.Scatter(x=[m["p_ratified"]], y=["P(ratified) by bank member"], mode="markers",
                                 marker={"size": 10, "symbol": "square"}, name=f"bank member {m['member']}"))
    q = iv["p_consent_at_vote_p10_p50_p90"]
    if q is not None:
        fig.add_trace(go.Scatter(x=[q[1]], y=["P(consent) at the last vote"], mode="markers",
                                 error_x={"type": "data", "symmetric": False, "array": [q[2] - q[1]],
                                          "arrayminus": [q[1] - q[0]]}, name="parameter spread p10-p90"))
    return _layout(fig, spec, xaxis_title="probability", xaxis_range=[0, 1], height=360)


def _sweep(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    out = spec.key[len("sweep_"):]
    g = sweep_grid(d.sweep or {}, out)
    if g["y"] is None:
        fig = go.Figure(go.Scatter(x=[str(v) for v in g["x"]], y=g["z"][0] if g["z"] else [], mode="lines+markers",
                                   name=out))
        return _layout(fig, spec, xaxis_title=g["axes"][0] if g["axes"] else "", yaxis_title=out)
    fig = go.Figure(go.Heatmap(x=[str(v) for v in g["x"]], y=[str(v) for v in g["y"]], z=g["z"], zmin=0, zmax=1,
                               colorscale="Viridis", colorbar={"title": out}, texttemplate="%{z:.3f}"))
    return _layout(fig, spec, xaxis_title=g["axes"][0], yaxis_title=g["axes"][1], xaxis_type="category",
                   yaxis_type="category")


def _sobol(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    table = sobol_table(d.sobol or {})
    out = next(k for k in table if f"sobol_{_slug(k)}" == spec.key)
    rows = table[out]
    names = [r["parameter"] for r in rows]
    fig = go.Figure()
    for k in ("S1", "ST"):
        conf = [r.get(f"{k}_conf") or 0 for r in rows]
        fig.add_trace(go.Bar(y=names, x=[r[k] or 0 for r in rows], orientation="h", name=k,
                             error_x={"type": "data", "array": conf}))
    return _layout(fig, spec, barmode="group", xaxis_title="index", height=max(360, 40 * len(names) + 120))


def _counterfactuals(d: ReportData, spec: FigureSpec) -> Any:
    import plotly.graph_objects as go

    c = d.compare or {}
    fig = go.Figure()
    for key, label in (("p_ratified", "ratified"), ("consent_component", "consent-probability component")):
        xs, ys, lo, hi = [], [], [], []
        for v in c.get("variants", []):
            diff = v["differences"].get(key)
            if diff is None or diff["mean"] is None:
                continue
            xs.append(diff["mean"])
            ys.append(variant_label(v))
            lo.append(diff["mean"] - diff["lo"])
            hi.append(diff["hi"] - diff["mean"])
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=label,
                                 error_x={"type": "data", "symmetric": False, "array": hi, "arrayminus": lo}))
    fig.add_vline(x=0, line_color="grey")
    return _layout(fig, spec, xaxis_title="difference in P(ratified) (variant - baseline)")


_BUILD = {
    "tornado": _tornado, "consent_curves": _consent, "winset_1d": _winset_1d, "winset_2d": _winset_2d, "votes": _votes,
    "agreement_by_date": _by_date, "settlement": _settlement, "duration": _duration, "time_to_agreement": _time,
    "furlough": _furlough, "benchmark": _benchmark, "uncertainty": _uncertainty, "sweep": _sweep, "sobol": _sobol,
    "counterfactuals": _counterfactuals,
}
