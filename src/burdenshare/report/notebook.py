"""Rich notebook displays (``_repr_html_``) of the library's results: a run (its bottom line first, then
the summary), a comparison, win-sets and a transparency statement.

Jupyter calls ``obj._repr_html_()``; each class delegates here, so a notebook shows what the CLI
and the report show: the run's :func:`~burdenshare.analysis.briefing.bottom_line` (computed once per
result and cached on it), the summary rows of :func:`~burdenshare.engine.run.summary_rows` (USD beside
won, rounds with their dates) and the glossary of :mod:`burdenshare.analysis.glossary`.  Plain
HTML, no scripts.  Example: docs/notebooks/sma-2020-hindsight.ipynb.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["comparison_html", "run_html", "statement_html", "winset_2d_html", "winset_html"]

_STYLE = "border-collapse:collapse;font-size:0.9em"


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]] | list[list[Any]]) -> str:
    head = "".join(f"<th style='text-align:left'>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def run_html(result: Any) -> str:
    """A run: its bottom line (with drivers and notes), the summary table and the glossary."""
    from burdenshare.analysis.briefing import bottom_line
    from burdenshare.analysis.glossary import GLOSSARY
    from burdenshare.costs import krw_per_usd
    from burdenshare.engine.run import summary_rows

    s = result.summary()
    head = (f"<p><b>burdenshare run</b> {_e(s['scenario'])}: {s['draws']:,} draws, seed {s['seed']}, "
            f"run id <code>{_e(s['run_id'])}</code></p>")
    sc = result._scenario_obj
    if sc is None:
        return head + _table(("quantity", "value"), summary_rows(s))
    if "bottom_line" not in result._cache:
        result._cache["bottom_line"] = bottom_line(result)
    b = result._cache["bottom_line"]
    cm = sc.cost_model
    rate = krw_per_usd(int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))
    rows = summary_rows(s, krw_per_usd=rate, round_dates=result.plan.round_dates)
    gloss = "".join(f"<dt><b>{_e(k)}</b></dt><dd>{_e(v)}</dd>" for k, v in GLOSSARY.items())
    return (head + b._repr_html_() + _table(("quantity", "value"), rows)
            + f"<details><summary>Glossary</summary><dl>{gloss}</dl></details>")


def comparison_html(comparison: Any) -> str:
    """A comparison: per variant, the paired differences (variant - baseline) with 95 % intervals."""
    from burdenshare.report.figures import variant_label
    from burdenshare.report.html import _DIFF_UNIT, _fmt_diff

    j = comparison.to_json()
    rows = []
    for v in j["variants"]:
        for key, d in v["differences"].items():
            if d["mean"] is None:
                continue
            rows.append((variant_label(v), key + _DIFF_UNIT.get(key, ""), _fmt_diff(key, d["mean"]),
                         f"{_fmt_diff(key, d['lo'])} .. {_fmt_diff(key, d['hi'])}", f"{d['n']:,}",
                         "yes" if v["common_draws"] else "no"))
    base = j["baseline"]
    return (f"<p><b>Comparison</b> on {j['scenario']}: {j['draws']:,} common draws, seed {j['seed']}; baseline "
            f"P(ratified) {base['p_ratified']:.4f}. Differences are variant minus baseline on the same draws.</p>"
            + _table(("variant", "outcome", "mean difference", "95 % interval", "draws", "common draws"), rows))


def winset_html(ws: Any) -> str:
    """A 1-D win-set: its message and the largest amount consented to with probability >= the level."""
    top = "empty" if ws.max_amount_krw is None else f"KRW {ws.max_amount_krw / 1e9:,.0f} bn per year"
    return (f"<p><b>Win-set</b> on {ws.date.isoformat()} ({ws.duration_years}-year agreement, P(consent) >= "
            f"{ws.level:g}): {_e(top)}.</p><p>{_e(ws.message)}</p>")


def winset_2d_html(ws: Any) -> str:
    """A 2-D win-set: the largest amount per duration."""
    rows = [(m, "empty" if a is None else f"{a / 1e9:,.0f}") for m, a in zip(ws.durations, ws.max_amount_krw)]
    return (f"<p><b>Win-set</b> on {ws.date.isoformat()}, P(consent) >= {ws.level:g}: {_e(ws.message)}</p>"
            + _table(("duration (years)", "largest amount (KRW bn per year)"), rows))


def statement_html(st: Any) -> str:
    """A transparency statement: the table of :meth:`~burdenshare.costs.statement.Statement.render` and its notes."""
    title, header, rows, footer = st.render()
    foot = "".join(f"<li>{_e(line)}</li>" for line in footer)
    return f"<p><b>{_e(title)}</b></p>" + _table(tuple(header), list(rows)) + f"<ul>{foot}</ul>"
