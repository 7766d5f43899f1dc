"""The self-contained HTML report (DESIGN.md §6 Reports) and its PNG figures.

One HTML file holds every section, the interactive plotly figures (plotly.js embedded once,
inline: no CDN, no external fonts, works offline) and their captions; the same figures are drawn
with matplotlib to ``<stem>_figures/<key>.png`` beside it and linked from the HTML.  Both are
written under temporary names and renamed, so a reader never sees half a report.

Entry points: :func:`report_from_result` (a fresh :class:`~burdenshare.engine.RunResult`),
:func:`report_from_store` (a run recorded in the results store) and :func:`write_report` (any
:class:`~burdenshare.report.data.ReportData`).  See docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from burdenshare._version import __version__
from burdenshare.data.dataset import reopen, using
from burdenshare.costs import krw_per_usd
from burdenshare.engine import simulate
from burdenshare.engine.prepare import prepare
from burdenshare.engine.run import RunResult
from burdenshare.engine.run import escalator_text, summary_rows
from burdenshare.errors import SpecError
from burdenshare.report.data import ReportData, report_data
from burdenshare.report.figures import benchmark_rows, plotly_figures, variant_label
from burdenshare.report.png import write_pngs
from burdenshare.scenario import loads_scenario
from burdenshare.store import open_store

__all__ = ["ReportFiles", "check_report_path", "report_from_result", "report_from_store", "write_report"]


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote: the HTML file, the PNG files and the figure keys, in order."""

    html: Path
    pngs: tuple[Path, ...]
    figures: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"html": str(self.html), "pngs": [str(p) for p in self.pngs], "figures": list(self.figures)}


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;
padding:1em 2em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #ddd;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2em 0;border:1px solid #eee;padding:.5em}figcaption{font-size:.88em;color:#444}
.meta{font-size:.9em;color:#555}.note{font-size:.88em;color:#7a4b00}nav ol{columns:2;font-size:.9em}
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _p(x: Any, spec: str = ".3f") -> str:
    return "n/a" if x is None else format(x, spec)


def _table(header: list[str] | tuple[str, ...], rows: list[list[Any]] | list[tuple[Any, ...]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _statement(d: ReportData) -> str:
    if d.statement_rows is None:
        return "<p class='note'>" + _e("; ".join(d.notes) or "no statement") + "</p>"
    header, rows, footer = d.statement_rows
    st = d.statement or {}
    intro = (f"<p>The ask of USD {st.get('ask_usd', 0) / 1e6:,.1f} M (KRW {st.get('ask_krw', 0) / 1e9:,.1f} bn) per "
             f"year, by cost category, with the source of every figure (<code>burdenshare explain</code>; "
             f"'ASSUMPTION' marks figures the data do not give).</p>")
    foot = "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in footer) + "</ul>"
    return intro + _table(header, rows) + foot


def _summary_table(d: ReportData) -> str:
    cm = d.scenario.cost_model
    rate = krw_per_usd(int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))
    dates = tuple(dt.date.fromisoformat(x) for x in d.round_dates)
    return _table(("quantity", "value"), summary_rows(d.summary, krw_per_usd=rate, round_dates=dates))


def _bottom_line_section(d: ReportData) -> str:
    """The opening section: the bottom line in words, its numbers, the drivers and the glossary."""
    from burdenshare.analysis.briefing import GLOSSARY, LEVER_STEPS

    b = d.summary.get("bottom_line")
    if not b:
        return "<p class='note'>No bottom line for this run.</p>"
    amt = b.get("amount_krw")
    rows = [
        ["most likely", b["most_likely"]],
        ["window of agreement (10th-90th percentile of ratified signings)",
         "n/a" if b["window"] is None else f"{b['window'][0]} to {b['window'][1]}"],
        ["median first-year amount", "n/a" if amt is None else
         f"KRW {amt / 1e9:,.0f} bn (USD {b['amount_usd'] / 1e9:,.2f} bn), {b['increase_pct']:+.1f} % on today's"],
        ["P(ratified)", _p(b["p_ratified"])],
        [f"P(no ratified deal by {b['horizon']})", _p(b["p_no_deal_by_horizon"])],
    ]
    for drv in b["drivers"]:
        rows.append([f"driver: {drv['lever']} {drv['setting']}", f"P(ratified) {drv['effect']:+.3f}"])
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in b.get("notes", []))
    steps = "".join(f"<li><code>{_e(k)}</code>: {_e(v)}</li>" for k, v in LEVER_STEPS.items())
    gloss = "".join(f"<dt><b>{_e(k)}</b></dt><dd>{_e(v)}</dd>" for k, v in GLOSSARY.items())
    return (f"<p class='bottom-line'><b>{_e(b['text'])}</b></p>" + _table(("quantity", "value"), rows) + notes
            + f"<p>Drivers: one lever at a time, moved from this run's setting, on the same first "
              f"{b.get('tornado_draws', 0):,} draws (paired differences, 95 % intervals in the figure). Steps:</p>"
              f"<ul>{steps}</ul><h3>Glossary</h3><dl class='glossary'>{gloss}</dl>")


def _schedule_table(d: ReportData) -> str:
    """The agreement as signed: per-year payment quantiles and the distribution of terms
    (``schedule_<currency>``, ``term_years`` of the summary; nothing for a run recorded without them)."""
    s = d.summary
    key = next((k for k in s if k.startswith("schedule_")), None)
    terms = s.get("term_years")
    if key is None or terms is None:
        return ""
    unit = key.removeprefix("schedule_").upper()
    rows = [[y, "none" if q is None else f"{q['p10'] / 1e9:,.0f} / {q['p50'] / 1e9:,.0f} / {q['p90'] / 1e9:,.0f}"]
            for y, q in s[key].items()]
    dist = ", ".join(f"{m} y: {p:.3f}" for m, p in terms["p"].items())
    rate = ("" if "escalator_pct" not in s  # only where the rate is bargained (bargaining.rate_value)
            else f"; signed escalator rate: mean and share by % a year {_e(escalator_text(s['escalator_pct']))}")
    if "escalator_cap_pct" in s:  # only where the cap is bargained (bargaining.index_cap)
        rate += f"; signed escalator cap: mean and share by cap % {_e(escalator_text(s['escalator_cap_pct']))}"
    return (f"<h3>The agreement as signed</h3><p>Payment per year ({_e(unit)} bn, p10 / p50 / p90) over the "
            f"ratified draws whose term covers the year; terms: mean {terms['mean']:.2f} years ({_e(dist)}){rate}.</p>"
            + _table(("year", f"{unit} bn p10 / p50 / p90"), rows))


def _intervals(d: ReportData) -> str:
    iv = d.intervals
    sp = iv["split"]
    q = iv["p_consent_at_vote_p10_p50_p90"]
    rows = [
        ["P(ratified)", _p(iv["p_ratified"]), "point estimate: share of draws ratified"],
        ["vote-level (Monte-Carlo) 95 % interval", f"{iv['vote_level_95'][0]:.3f} - {iv['vote_level_95'][1]:.3f}",
         f"Wilson binomial interval over {d.summary['draws']:,} draws: how precisely the draws estimate the "
         "probability (shrinks with more draws)"],
        ["P(ratified) across Level-II bank members",
         "n/a" if iv["bank_range"] is None else f"{iv['bank_range'][0]:.3f} - {iv['bank_range'][1]:.3f}",
         "parameter uncertainty: each member is one draw of the legislature/opinion parameters; "
         + ", ".join(f"member {m['member']}: {m['p_ratified']:.3f} ({m['draws']} draws)" for m in iv["bank_members"])],
        ["P(consent) of the last text voted on, p10 / p50 / p90",
         "n/a" if q is None else f"{q[0]:.3f} / {q[1]:.3f} / {q[2]:.3f}",
         f"parameter uncertainty: spread across the {iv['draws_with_vote']:,} draws with a vote (does not shrink "
         "with more draws)"],
        ["variance of 'ratified' from parameters / from the vote",
         f"{sp['var_parameter']:.4f} / {sp['var_vote']:.4f} ({100 * sp['share_parameter']:.1f} % parameters)",
         "Var(c) + E[c(1-c)], c = consent probability of the last vote (0 where none)"],
        ["P(agreement signed), vote-level 95 %", f"{iv['p_agreement']:.3f} ({iv['p_agreement_vote_level_95'][0]:.3f} - "
         f"{iv['p_agreement_vote_level_95'][1]:.3f})", "Wilson interval over draws"],
    ]
    return _table(("quantity", "value", "meaning"), rows)


def _benchmark_table(d: ReportData) -> str:
    if d.benchmark is None:
        return "<p class='note'>The rational benchmark could not be solved for this scenario.</p>"
    r = benchmark_rows(d)
    b, rr = r["behavioural"], r["rational"]
    rows = [
        ["P(ratified agreement by the horizon)", _p(b["p_ratified"]), _p(rr["p_ratified"])],
        ["increase over the current agreement (%)", _p(b["increase_pct"], "+.1f"), _p(rr["increase_pct"], "+.1f")],
        ["duration (years)", _p(b["duration_years"], ".2f"), _p(rr["duration_years"], "g")],
        ["when", "see time to agreement", rr["date"] or "no agreement"],
    ]
    return _table(("quantity", "behavioural simulation", "rational benchmark"), rows)


def _calibration_table(d: ReportData) -> str:
    """The role fit with random attendance the model uses (report.legislature_fit), vote by vote."""
    cal = d.votes["calibration"]
    used = cal["model"]
    if not cal["votes"]:
        return (f"<p>No consent vote recorded before {_e(cal['as_of'])}: the legislature uses the scenario's values "
                f"(attendance {used['attendance']:.3f}, government yes-propensity {used['government_yes']:.3f}).</p>")
    rows = []
    for v in cal["votes"]:
        loo = v["loo"]
        for k in ("yes", "not_yes", "absent"):
            held = "" if loo is None else (f"{loo['yes']:.1f} ± {loo['yes_sd']:.1f}" if k == "yes" else
                                           f"{v['seated'] - loo['present']:.1f} ± {loo['present_sd']:.1f}"
                                           if k == "absent" else "")
            sd = (f" ± {v['predicted_sd']['yes']:.1f}" if k == "yes" else
                  f" ± {v['predicted_sd']['present']:.1f}" if k == "absent" else "")
            rows.append([f"{v['sma']}th SMA ({v['date']})", k, v["recorded"][k], f"{v['predicted'][k]:.1f}{sd}", held])
    txt = (f"<p>Legislature fit the model uses: {_e(cal['method'])}, to the {cal['n_votes']} consent vote(s) recorded "
           f"before {_e(cal['as_of'])}. Attendance {cal['attendance']:.4f} ± {cal['attendance_se']:.4f}, between-vote sd "
           f"{cal['attendance_between_sd']:.4f}, predictive sd of a new vote's presence rate {cal['attendance_sd']:.4f}; "
           f"yes given present: government {cal['government_yes']:.3f} ± {cal['government_yes_se']:.3f}, "
           f"opposition {cal['opposition_yes']:.3f} ± {cal['opposition_yes_se']:.3f}. The run's legislature "
           f"({_e(used['source'])}) uses attendance {used['attendance']:.4f} with sd {used['attendance_sd']:.4f}, "
           f"yes-propensity {used['government_yes']:.3f} for the government's bloc ({_e(used['ruling_bloc'])}) and "
           f"{used['opposition_yes']:.3f} for the others. Model: in-sample prediction ± predictive sd; "
           f"held out: the vote predicted from a fit to the other votes.</p>")
    return txt + _table(("vote", "count", "recorded", "model", "held out"), rows)


_DIFF_UNIT = {"amount_krw": " (KRW bn)", "utility_us_krw": " (KRW bn)", "utility_rok_krw": " (KRW bn)",
              "duration_years": " (years)", "rounds_to_agreement": " (rounds)", "furlough_worker_days": " (worker-days)"}


def _fmt_diff(key: str, x: float) -> str:
    """One number format per outcome: probabilities to 4 decimals, won in billions, counts with separators."""
    if key.endswith("_krw"):
        return f"{x / 1e9:+,.1f}"
    if key == "furlough_worker_days":
        return f"{x:+,.0f}"
    if key in ("duration_years", "rounds_to_agreement"):
        return f"{x:+.2f}"
    return f"{x:+.4f}"


def _compare_table(d: ReportData) -> str:
    c = d.compare or {}
    rows = []
    for v in c.get("variants", []):
        for key, diff in v["differences"].items():
            if diff["mean"] is None:
                continue
            rows.append([variant_label(v), ", ".join(v["overrides"]), key + _DIFF_UNIT.get(key, ""),
                         _fmt_diff(key, diff["mean"]),
                         f"{_fmt_diff(key, diff['lo'])} .. {_fmt_diff(key, diff['hi'])}", f"{diff.get('n', 0):,}"])
    notes = "".join(f"<p class='note'>{_e(variant_label(v))}: {_e(v['note'])}</p>" for v in c.get("variants", [])
                    if v.get("note"))
    return (notes + "<p>Differences are variant minus baseline on the same draws (same seed: the same parameter and vote "
            "uniforms); interval: mean ± 1.96 × sd / √n over the paired per-draw differences.</p>"
            + _table(("variant", "overrides", "outcome", "mean difference", "95 % interval", "draws"), rows))


def _render_html(d: ReportData, figures: list[tuple[Any, Any]], png_rel: dict[str, str]) -> str:
    import plotly.io as pio

    s = d.summary
    sections: dict[str, list[str]] = {}
    first = True
    for spec, fig in figures:
        div = pio.to_html(fig, full_html=False, include_plotlyjs=True if first else False,
                          div_id=f"fig-{spec.key}", config={"displaylogo": False, "responsive": True})
        first = False
        png = png_rel.get(spec.key)
        link = f" <a href='{_e(png)}'>PNG</a>" if png else ""
        sections.setdefault(spec.section, []).append(
            f"<figure class='bs-figure' data-key='{_e(spec.key)}'>{div}<figcaption><b>{_e(spec.title)}.</b> "
            f"{_e(spec.caption)}{link}</figcaption></figure>")
    extra = {
        "Predicted and recorded votes": _calibration_table(d),
        "Rational benchmark": _benchmark_table(d),
        "Intervals": "<p>Two kinds of uncertainty are shown apart (docs/reports.md).</p>" + _intervals(d),
    }
    if d.compare:
        extra["Counterfactuals"] = _compare_table(d)
    order = ["Bottom line", "Transparency statement", "Summary"] + [
        k for k in dict.fromkeys(spec.section for spec, _ in figures) if k != "Bottom line"]
    body = []
    toc = []
    for i, name in enumerate(order, start=1):
        anchor = f"s{i}"
        toc.append(f"<li><a href='#{anchor}'>{_e(name)}</a></li>")
        if name == "Bottom line":
            content = _bottom_line_section(d) + "".join(sections.get(name, []))
        elif name == "Transparency statement":
            content = _statement(d)
        elif name == "Summary":
            content = _summary_table(d) + _schedule_table(d)
        else:
            content = extra.get(name, "") + "".join(sections.get(name, []))
        body.append(f"<section id='{anchor}'><h2>{i}. {_e(name)}</h2>{content}</section>")
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in d.notes)
    if s.get("hindsight") or getattr(d.scenario, "hindsight", False):
        as_of = getattr(getattr(d.scenario, "levers", None), "as_of", None)
        notes = (f"<p class='hindsight' role='note' style='border:2px solid #b00;padding:.5em'><b>Hindsight.</b> "
                 f"Scenario {_e(s['scenario'])} cites facts known only after its as_of"
                 f"{' ' + _e(as_of.isoformat()) if as_of else ''}: a reconstruction, not a forecast.</p>") + notes
    meta = (f"<p class='meta'>Scenario <b>{_e(s['scenario'])}</b> (sha256 {_e(s['scenario_hash'][:12])}), "
            f"{s['draws']:,} draws, seed {s['seed']}, Level-II bank of {s.get('bank_size')} members; source: "
            f"{_e(d.source)}; burdenshare {_e(__version__)}; generated "
            f"{dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}.</p>")
    n = len(figures)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<meta name='burdenshare-figures' content='{n}'><title>{_e(d.title)}</title><style>{_CSS}</style></head>"
            f"<body data-figure-count='{n}'><h1>{_e(d.title)}</h1>{meta}{notes}"
            f"<nav><ol>{''.join(toc)}</ol></nav>{''.join(body)}</body></html>")


def check_report_path(out: str | Path, *, png: bool = True, option: str = "--report", store: str | Path | None = None,
                      force: bool = False) -> Path:
    """Check everything writing a report to ``out`` needs, before any work, and return the path.

    * ``out`` is an ``.html`` (``.htm``) file name, not a folder;
    * :func:`burdenshare.outputs.check_output`: not a link, device or the results store
      ``store``, its folder exists and files can be created in it, and an existing file is
      replaced only if it is a report this tool wrote or ``force`` is given;
    * the report extra is importable (plotly; matplotlib too when ``png``);
    * with ``png``, the figure folder ``<stem>_figures`` beside it is free, or is a report's
      figure folder (only ``*.png`` files, no subfolders): a report replaces it, so a folder
      holding anything else is never touched.

    Commands call it before they simulate or write to the store, so a report that cannot be
    written never leaves a recorded run behind (no half-done command).

    Parameters
    ----------
    out
        The HTML file.
    png
        Whether the PNG figures will be written too.
    option
        The option the user gave the path with, named in the error (``--report``, ``--out``).

    Raises
    ------
    SpecError
        The first check that fails (``field=option``).
    """
    from burdenshare.outputs import check_output, check_path_length, is_own_report

    p = check_path_length(out, option)
    if p.suffix.lower() not in (".html", ".htm"):
        raise SpecError(f"got {str(p)!r}; the report must be an .html file", field=option)
    check_output(p, option, store=store, force=force, replaceable=is_own_report)
    _need_extra(png, option)
    if png:
        folder = p.with_name(f"{p.stem}_figures")
        check_path_length(folder, option)
        if folder.exists() or folder.is_symlink():
            entries = list(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else None
            if entries is None or any(e.suffix.lower() != ".png" or not e.is_file() or e.is_symlink()
                                      for e in entries):
                raise SpecError(f"{str(folder)!r} exists and is not a report's figure folder (only .png files); "
                                "the report would replace it: move it or choose another report name", field=option)
    return p


def _need_extra(png: bool, option: str = "--report") -> None:
    import importlib.util

    missing = [m for m in ("plotly", *(("matplotlib",) if png else ())) if importlib.util.find_spec(m) is None]
    if missing:
        raise SpecError(f"{', '.join(missing)} not installed; install the report extra: "
                        "pip install 'burdenshare[report]'", field=option)


def write_report(d: ReportData, out: str | Path, *, png: bool = True, force: bool = False) -> ReportFiles:
    """Write the HTML report to ``out`` and its PNG figures to ``<stem>_figures/`` beside it.

    Both are written under temporary names in the same folder and renamed into place (the PNG
    folder first, then the HTML file), so a reader never sees a half-written report.

    Raises
    ------
    SpecError
        ``out`` cannot take a report (:func:`check_report_path`).
    """
    path = check_report_path(out, png=png, force=force)
    figs = plotly_figures(d)
    folder = path.with_name(f"{path.stem}_figures")
    pngs: list[Path] = []
    rel: dict[str, str] = {}
    tag = f"{os.getpid()}.{secrets.token_hex(3)}"
    if png:
        tmpdir = path.with_name(f".{folder.name}.{tag}.tmp")
        try:
            written = write_pngs(d, tmpdir)
            old = None
            if folder.exists():
                old = path.with_name(f".{folder.name}.{tag}.old")
                os.replace(folder, old)
            os.replace(tmpdir, folder)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        for spec, p in written:
            pngs.append(folder / p.name)
            rel[spec.key] = f"{folder.name}/{p.name}"
    text = _render_html(d, figs, rel)
    tmp = path.with_name(f".{path.name}.{tag}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ReportFiles(path, tuple(pngs), tuple(spec.key for spec, _ in figs))


def _bottom_line(result: Any) -> dict[str, Any]:
    from burdenshare.analysis.briefing import bottom_line

    return bottom_line(result).to_json()


def report_from_result(result: Any, out: str | Path, *, scenario: Any = None, source: str | None = None,
                       png: bool = True, bottom_line: dict[str, Any] | None = None, force: bool = False,
                       **optional: Any) -> ReportFiles:
    """Write the report of a fresh :class:`~burdenshare.engine.RunResult`.

    ``bottom_line``: the run's :meth:`~burdenshare.analysis.briefing.BottomLine.to_json` when the
    caller has it (default: computed here, :func:`~burdenshare.analysis.briefing.bottom_line`).
    ``optional``: ``sweep``, ``sobol``, ``compare``, ``benchmark`` (see
    :func:`~burdenshare.report.data.report_data`).
    """
    sc = scenario if scenario is not None else result._scenario_obj
    if sc is None:
        raise SpecError("the run result carries no scenario; pass scenario=", field="scenario")
    check_report_path(out, png=png, force=force)
    summary = result.summary()
    summary["bottom_line"] = bottom_line if bottom_line is not None else _bottom_line(result)
    d = report_data(sc, summary, result.outcomes, result.params, result.plan.round_dates,
                    source=source or f"burdenshare.engine.simulate ({result.draws:,} draws, seed {result.seed})",
                    **optional)
    return write_report(d, out, png=png, force=force)


def report_from_store(run_id: str, out: str | Path, *, store: str | Path | None = None, png: bool = True,
                      force: bool = False, **optional: Any) -> ReportFiles:
    """Write the report of a run recorded in the results store (:mod:`burdenshare.store`).

    The scenario is rebuilt from the stored TOML and overrides; the summary and per-draw rows are
    read back (grid point 0 for a sweep, whose points' summaries become the sweep heatmaps).  A
    run recorded with ``--summary-only`` has no rows: it is re-simulated from its recorded
    scenario and run config (identical draws), and the report says so.  The data are those the
    run was made with (its recorded data directory, or ``--data DIR`` holding the same files).

    Raises
    ------
    StoreError
        No store, no such run, a locked or corrupt store.
    DataError
        The recorded data directory is gone or holds other data now.
    """
    check_report_path(out, png=png, force=force)
    with open_store(store, read_only=True) as st:
        rec = st.run(run_id)
        points = st.points(run_id)
        p0 = points[0] if points else {"overrides": [], "summary": None}
        rows = None if rec.summary_only else st.read_rows(run_id, 0)
    with using(reopen(rec.options.get("data"), what=f"run {run_id}")):  # the data the run was made with
        return _report_of_record(run_id, rec, points, p0, rows, out, png, optional, force=force)


def _report_of_record(run_id: str, rec: Any, points: Any, p0: Any, rows: Any, out: str | Path, png: bool,
                      optional: dict[str, Any], *, force: bool = False) -> ReportFiles:
    scenario = loads_scenario(rec.scenario_toml, [*rec.overrides, *p0["overrides"]], source=f"run {run_id}")
    if rec.kind == "sweep" and "sweep" not in optional:
        optional["sweep"] = {"run_id": run_id, "rows": [{"point": p["values"], **(p["summary"] or {})}
                                                        for p in points]}
    where = f"run {run_id} in the results store ({rec.kind}, created {rec.created}, burdenshare {rec.version})"
    if rows is None or p0["summary"] is None:
        res = simulate(scenario, rec.config())
        return report_from_result(res, out, scenario=scenario, png=png, force=force,
                                  source=where + "; rows re-simulated from its recorded scenario, seed and draws "
                                  "(recorded with --summary-only or unfinished)", **optional)
    _, _, params, outcomes = rows
    result = RunResult.of(prepare(scenario, rec.config()), params, outcomes, version=rec.version)
    summary = dict(p0["summary"])
    summary["bottom_line"] = _bottom_line(result)
    d = report_data(scenario, summary, outcomes, params, result.plan.round_dates, source=where, **optional)
    return write_report(d, out, png=png, force=force)
