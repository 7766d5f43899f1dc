"""PNG versions of the report's figures (matplotlib, Agg backend: no display, no browser).

Plotly's own PNG export needs a browser download and does not work offline (DESIGN.md §6), so the
static figures are drawn again from the same :class:`~burdenshare.report.data.ReportData`.
"""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import numpy as np

from burdenshare.report.data import ReportData
from burdenshare.report.figures import FigureSpec, _slug, benchmark_rows, figure_specs, sobol_table, sweep_grid

__all__ = ["write_pngs"]


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
        fig.tight_layout()
        path = folder / f"{spec.key}.png"
        tmp = folder / f".{spec.key}.{os.getpid()}.tmp.png"
        fig.savefig(tmp, dpi=dpi, format="png")
        plt.close(fig)
        os.replace(tmp, path)
        out.append((spec, path))
    return out


def _bn(x: Any) -> Any:
    return np.asarray(x, dtype=float) / 1e9


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
    for key, name in (("negotiator_reservation_krw", "US negotiator"), ("president_reservation_krw", "President"),
                      ("president_after_change_krw", "President after change")):
        v = w["us"][key]
        if v is not None and x[0] <= v / 1e9 <= x[-1]:
            ax.axvline(v / 1e9, ls="--", color="white", lw=1)
            ax.text(v / 1e9, durs[-1] + 0.3, name, color="white", fontsize=7, rotation=90, va="top")
    ax.set(xlabel="first-year amount (KRW bn)", ylabel="duration (years)")
    ax.legend(fontsize=7, loc="lower left")


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
        a1.legend(fontsize=7)
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
    a2.legend(fontsize=6)


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
    ax.set_xticks(x, [b["date"] for b in d.by_date])
    ax.set(ylabel="P(signed by date)", ylim=(0, 1))
    ax.legend(fontsize=8)


def _settlement(d: ReportData, spec: FigureSpec, fig: Any) -> None:
    ax = fig.add_subplot()
    if d.amounts_krw:
        ax.hist(_bn(d.amounts_krw), bins=30)
    else:
        ax.text(0.5, 0.5, "no ratified draw", ha="center", transform=ax.transAxes)
    ax.axvline(d.current_agreement_krw / 1e9, ls="--", color="grey", label="current agreement")
    ax.set(xlabel="first-year amount (KRW bn)", ylabel="draws")
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
    ax.hist(d.furlough_days, bins=30)
    ax.set(xlabel="furlough worker-days", ylabel="draws")


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
    ax.set_yticks(range(len(variants)), [v["name"] for v in variants])
    ax.set(xlabel="difference in P(ratified) (variant - baseline)")
    ax.legend(fontsize=8)


_DRAW = {
    "consent_curves": _consent, "winset_1d": _winset_1d, "winset_2d": _winset_2d, "votes": _votes,
    "agreement_by_date": _by_date, "settlement": _settlement, "duration": _duration, "time_to_agreement": _time,
    "furlough": _furlough, "benchmark": _benchmark, "uncertainty": _uncertainty, "sweep": _sweep, "sobol": _sobol,
    "counterfactuals": _counterfactuals,
}
