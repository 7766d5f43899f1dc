"""PNG versions of the report's figures (matplotlib, Agg backend: no display, no browser).

Plotly's own PNG export needs a browser download and does not work offline (DESIGN.md §6), so the
static figures are drawn again from the same :class:`~burdenshare.report.data.ReportData`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import numpy as np

from burdenshare.report.data import ReportData
from burdenshare.report.figures import (FigureSpec, _slug, benchmark_rows, figure_specs, sobol_table, sweep_grid,
                                        tornado_bars, variant_label)

__all__ = ["plain_glyphs", "write_pngs"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def write_pngs(d: ReportData, folder: str | Path, dpi: int = 110,
               keys: Sequence[str] | None = None) -> list[tuple[FigureSpec, Path]]:
    """Draw every figure of :func:`~burdenshare.report.figures.figure_specs` (or those in ``keys``)
    to ``folder/<key>.png``.

    Each file is written under a temporary name and renamed.  Returns ``(spec, path)`` pairs.
    """
    plt = _plt()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for spec in figure_specs(d):
        if keys is not None and spec.key not in keys:
            continue
        fig = plt.figure(figsize=(8, 4.5))
        key = spec.key.split("_")[0] if spec.key.startswith(("sweep_", "sobol_")) else spec.key
        _DRAW[key](d, spec, fig)
        fig.suptitle(spec.title, fontsize=11)
        _plain_glyphs_in(fig)
        fig.tight_layout()
        path = folder / f"{spec.key}.png"
        tmp = folder / f".{spec.key}.{os.getpid()}.tmp.png"
        fig.savefig(tmp, dpi=dpi, format="png")
        plt.close(fig)
        os.replace(tmp, path)
        out.append((spec, path))
    return out


_UNITS = {"億円": ("JPY", 1e8), "兆円": ("JPY", 1e12), "억원": ("KRW", 1e8), "조원": ("KRW", 1e12), "만원": ("KRW", 1e4)}
_CJK_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(" + "|".join(_UNITS) + ")")


def plain_glyphs(text: str) -> str:
    """``text`` with only glyphs of the font matplotlib ships (DejaVu Sans): CJK money units become
    ``JPY/KRW ... bn`` (``1,979億円`` -> ``JPY 197.9 bn``); any other character the font lacks becomes ``?``.

    Examples
    --------
    >>> plain_glyphs("Akahata 1,979億円; 2,000억원")
    'Akahata JPY 197.9 bn; KRW 200.0 bn'
    """
    def unit(m: re.Match[str]) -> str:
        cur, scale = _UNITS[m.group(2)]
        return f"{cur} {float(m.group(1).replace(',', '')) * scale / 1e9:,.1f} bn"

    text = _CJK_AMOUNT.sub(unit, text)
    cmap = _charmap()
    return "".join(c if c in "\n\t" or ord(c) in cmap else "?" for c in text)


_CMAP: set[int] = set()


def _charmap() -> set[int]:
    if not _CMAP:
        from matplotlib import font_manager
        from matplotlib.ft2font import FT2Font

        path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=True)
        _CMAP.update(FT2Font(path).get_charmap())
    return _CMAP


def _plain_glyphs_in(fig: Any) -> None:
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        txt = t.get_text()
        if txt and not txt.isascii():
            t.set_text(plain_glyphs(txt))


def _bn(x: Any) -> Any:
    return np.asarray(x, dtype=float) / 1e9


def _tornado(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    bars = tornado_bars(d)[::-1]
    y = np.arange(len(bars))
    m = np.array([r["mean"] for r in bars])
    err = np.array([[r["mean"] - r["lo"] for r in bars], [r["hi"] - r["mean"] for r in bars]])
    ax.barh(y, m, xerr=err, capsize=3, color=["#2a9d8f" if v >= 0 else "#e76f51" for v in m])
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y, [r["label"] for r in bars], fontsize=7)
    ax.set(xlabel="change of P(ratified) (paired, same draws)")


def _consent(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    for c in d.consent_curves:
        ax.plot(_bn(c["amounts_krw"]), c["p_consent"], label=c["label"])
    ax.axhline(d.winset_2d["level"], ls=":", color="grey")
    ax.axvline(d.current_agreement_krw / 1e9, ls="--", color="grey", label="current agreement")
    ax.set(xlabel="first-year amount (KRW bn)", ylabel="P(consent)", ylim=(0, 1))
    ax.legend(fontsize=8)


def _winset_1d(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    y = [np.nan if w["max_amount_krw"] is None else w["max_amount_krw"] / 1e9 for w in d.winset_dates]
    ax.step(range(len(y)), y, where="post", marker="o")
    ax.axhline(d.current_agreement_krw / 1e9, ls="--", color="grey", label="current agreement")
    ax.set_xticks(range(len(y)), [w["date"] for w in d.winset_dates], rotation=45, fontsize=7)
    ax.set(ylabel="KRW bn per year")
    ax.legend(fontsize=8)


def _winset_2d(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    w = d.winset_2d
    x = _bn(w["amounts_krw"])
    durs = w["durations"]
    im = ax.imshow(np.asarray(w["p_consent"]), aspect="auto", origin="lower", vmin=0, vmax=1, cmap="viridis",
                   extent=(x[0], x[-1], durs[0] - 0.5, durs[-1] + 0.5))
    fig.colorbar(im, ax=ax, label="P(consent)")
    for label, tops in w["boundaries"].items():
        ax.plot([np.nan if t is None else t / 1e9 for t in tops], durs, marker="o", label=f"host: {label}")
    styles = {"negotiator_reservation_krw": ("US negotiator (US >=)", "--"),
              "president_reservation_krw": ("President (US >=)", "-."),
              "president_after_change_krw": ("President after change (US >=)", ":")}
    for key, (name, ls) in styles.items():
        v = w["us"][key]
        if v is not None and x[0] <= v / 1e9 <= x[-1]:
            ax.axvline(v / 1e9, ls=ls, color="white", lw=1.2, label=name)  # named in the legend: no labels to overlap
    ceiling = w.get("host_executive_krw")
    if ceiling is not None and x[0] <= ceiling / 1e9 <= x[-1]:
        ax.axvline(ceiling / 1e9, ls=":", color="black", lw=1.5, label="host executive (host <=)")
    ax.set(xlabel="first-year amount (KRW bn)", ylabel="duration (years)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)


def _votes(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    a1, a2 = fig.subplots(1, 2)
    colors = {"yes": "#2a9d8f", "not_yes": "#e76f51", "absent": "#bbbbbb"}
    pred = d.votes["predicted"]
    if pred:
        blocs = [b["bloc"] for b in pred["blocs"]]
        bottom = np.zeros(len(blocs))
        for k in ("yes", "not_yes", "absent"):
            v = np.array([b[k] for b in pred["blocs"]])
            a1.bar(blocs, v, bottom=bottom, color=colors[k], label=k)
            bottom += v
        a1.tick_params(axis="x", rotation=30, labelsize=7)
        a1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False)
    else:
        a1.text(0.5, 0.5, "no ratified draw", ha="center", transform=a1.transAxes)
    a1.set_title("predicted by bloc", fontsize=9)
    cal = d.votes["calibration"]["votes"]
    idx = np.arange(len(cal))
    for j, k in enumerate(("yes", "not_yes", "absent")):
        a2.bar(idx + j * 0.27 - 0.27, [v["recorded"][k] for v in cal], width=0.13, color=colors[k], hatch="//",
               label=f"recorded {k}")
        a2.bar(idx + j * 0.27 - 0.14, [v["predicted"][k] for v in cal], width=0.13, color=colors[k], alpha=0.6,
               label=f"model {k}")
    a2.set_xticks(idx, [f"{v['sma']}th SMA {v['date'][:4]}" for v in cal])
    a2.set_title("recorded vs predicted", fontsize=9)
    a2.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)


def _by_date(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    x = np.arange(len(d.by_date))
    p = np.array([b["p"] for b in d.by_date])
    err = np.array([[b["p"] - b["lo"] for b in d.by_date], [b["hi"] - b["p"] for b in d.by_date]])
    ax.bar(x, p, yerr=err, capsize=4, label="simulation (Wilson 95 %)")
    if all(b.get("bank_min") is not None for b in d.by_date):
        ax.vlines(x + 0.25, [b["bank_min"] for b in d.by_date], [b["bank_max"] for b in d.by_date], color="black",
                  lw=3, label="range across bank members")
    if d.benchmark:
        ax.plot(x, [d.benchmark["p_agreement_by"][b["date"]] for b in d.by_date], "D", color="black",
                label="rational benchmark")
    ax.set_xticks(x, [b["date"] for b in d.by_date], rotation=30, fontsize=8)
    ax.set(ylabel="P(signed by date)", ylim=(0, 1))
    ax.legend(fontsize=8)


def _settlement(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    if d.amounts_krw:
        ax.hist(_bn(d.amounts_krw), bins=30)
    else:
        ax.text(0.5, 0.5, "no ratified draw", ha="center", transform=ax.transAxes)
    cur = d.current_agreement_krw / 1e9
    ax.axvline(cur, ls="--", color="grey", label="current agreement")
    ax.set(xlabel="first-year amount (KRW bn)", ylabel="draws")
    top = ax.secondary_xaxis("top", functions=(lambda v: 100.0 * (v / cur - 1.0), lambda p: cur * (1.0 + p / 100.0)))
    top.set_xlabel("increase over the current agreement (%)")
    ax.legend(fontsize=8)


def _duration(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    tot = sum(d.durations.values()) or 1
    ax.bar([str(k) for k in d.durations], [v / tot for v in d.durations.values()])
    ax.set(xlabel="duration (years)", ylabel="share of ratified draws")


def _time(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    k = np.asarray(d.rounds, dtype=int)
    n = len(d.round_dates)
    ax.bar(range(1, n + 1), [int((k == r).sum()) for r in range(1, n + 1)])
    ax.set_xticks(range(1, n + 1), [f"{r}\n{d.round_dates[r - 1][2:]}" for r in range(1, n + 1)], fontsize=6)
    ax.set(xlabel="round (date)", ylabel="draws")


def _furlough(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    from matplotlib.ticker import FuncFormatter

    x = np.asarray(d.furlough_days, dtype=float)
    vals = np.unique(x)
    if vals.size <= 12:  # a few distinct values (the furlough ends on a round date): one bar each
        counts = [int((x == v).sum()) for v in vals]
        ax.bar(range(vals.size), counts)
        ax.set_xticks(range(vals.size), [f"{v / 1e3:,.0f}k" for v in vals], fontsize=8)
    else:
        ax.hist(x, bins=30)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e3:,.0f}k"))
    ax.set(xlabel="furlough worker-days (thousands)", ylabel="draws")


def _benchmark(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    a1, a2 = fig.subplots(1, 2)
    r = benchmark_rows(d)
    names = ["behavioural", "rational"]
    a1.bar(names, [r[n]["p_ratified"] or 0 for n in names])
    a1.set(title="P(ratified by the horizon)", ylim=(0, 1))
    beh = r["behavioural"]
    yerr = None
    if beh["increase_p10_p90"] is not None:
        yerr = np.array([[beh["increase_pct"] - beh["increase_p10_p90"][0], 0],
                         [beh["increase_p10_p90"][1] - beh["increase_pct"], 0]])
    a2.bar(names, [r[n]["increase_pct"] or 0 for n in names], yerr=yerr, capsize=4)
    a2.set(title="increase over current agreement (%)")


def _uncertainty(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    iv = d.intervals
    p = iv["p_ratified"]
    lo, hi = iv["vote_level_95"]
    ax.errorbar([p], [2], xerr=[[p - lo], [hi - p]], fmt="o", capsize=4, label="vote-level 95 %")
    ax.plot([m["p_ratified"] for m in iv["bank_members"]], [1] * len(iv["bank_members"]), "s",
            label="by bank member")
    q = iv["p_consent_at_vote_p10_p50_p90"]
    if q is not None:
        ax.errorbar([q[1]], [0], xerr=[[q[1] - q[0]], [q[2] - q[1]]], fmt="D", capsize=4, label="p10-p90 over draws")
    ax.set_yticks([0, 1, 2], ["P(consent) at last vote", "P(ratified) by bank member", "P(ratified)"], fontsize=8)
    ax.set(xlim=(0, 1), xlabel="probability")
    ax.legend(fontsize=7)


def _sweep(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    out = spec.key[len("sweep_"):]
    g = sweep_grid(d.sweep or {}, out)
    if g["y"] is None:
        ax.plot([str(v) for v in g["x"]], [np.nan if v is None else v for v in (g["z"][0] if g["z"] else [])], "o-")
        ax.set(xlabel=g["axes"][0] if g["axes"] else "", ylabel=out)
        return
    z = np.array([[np.nan if v is None else v for v in row] for row in g["z"]], dtype=float)
    im = ax.imshow(z, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis")
    for j in range(z.shape[0]):
        for i in range(z.shape[1]):
            ax.text(i, j, f"{z[j, i]:.3f}", ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(len(g["x"])), [str(v) for v in g["x"]])
    ax.set_yticks(range(len(g["y"])), [str(v) for v in g["y"]])
    ax.set(xlabel=g["axes"][0], ylabel=g["axes"][1])
    fig.colorbar(im, ax=ax, label=out)


def _sobol(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    table = sobol_table(d.sobol or {})
    out = next(k for k in table if f"sobol_{_slug(k)}" == spec.key)
    rows = table[out]
    y = np.arange(len(rows))
    for j, k in enumerate(("S1", "ST")):
        ax.barh(y + (j - 0.5) * 0.4, [r[k] or 0 for r in rows], height=0.4,
                xerr=[r.get(f"{k}_conf") or 0 for r in rows], label=k, capsize=3)
    ax.set_yticks(y, [r["parameter"] for r in rows], fontsize=7)
    ax.set(xlabel="index")
    ax.legend(fontsize=8)


def _counterfactuals(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    c = d.compare or {}
    variants = c.get("variants", [])
    for j, (key, label) in enumerate((("p_ratified", "ratified"), ("consent_component", "consent component"))):
        for i, v in enumerate(variants):
            diff = v["differences"].get(key)
            if diff is None or diff["mean"] is None:
                continue
            ax.errorbar([diff["mean"]], [i + 0.15 * j], xerr=[[diff["mean"] - diff["lo"]], [diff["hi"] - diff["mean"]]],
                        fmt="o" if j == 0 else "s", color=f"C{j}", capsize=3, label=label if i == 0 else None)
    ax.axvline(0, color="grey")
    ax.set_yticks(range(len(variants)), [variant_label(v) for v in variants], fontsize=7)
    ax.set(xlabel="difference in P(ratified) (variant - baseline)")
    ax.legend(fontsize=8)


_DRAW = {
    "tornado": _tornado, "consent_curves": _consent, "winset_1d": _winset_1d, "winset_2d": _winset_2d, "votes": _votes,
    "agreement_by_date": _by_date, "settlement": _settlement, "duration": _duration, "time_to_agreement": _time,
    "furlough": _furlough, "benchmark": _benchmark, "uncertainty": _uncertainty, "sweep": _sweep, "sobol": _sobol,
    "counterfactuals": _counterfactuals,
}
