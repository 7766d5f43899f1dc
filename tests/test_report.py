"""The HTML report: self-contained, every section and figure, valid PNG files, atomic writes,
reports of stored runs (rows, summary-only, sweeps), optional sweep/Sobol inputs, intervals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import numpy as np
import pytest

from burdenshare.analysis.briefing import bottom_line
from burdenshare.cli import main
from burdenshare.engine import simulate
from burdenshare.report import report_from_store
from burdenshare.report.data import consent_split, report_data, wilson_interval
from burdenshare.report.figures import sweep_grid
from burdenshare.report.html import write_report
from burdenshare.report.png import write_pngs
from burdenshare.scenario import load_scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMA_FIGURES = ("tornado", "consent_curves", "winset_1d", "winset_2d", "votes", "agreement_by_date", "settlement", "duration",
               "time_to_agreement", "furlough", "benchmark", "uncertainty")
SECTIONS = ("Bottom line", "Transparency statement", "Summary", "Consent probability before and after the election", "Win-set",
            "Predicted and recorded votes", "Probability of agreement by key dates", "Settlement",
            "Time to agreement", "Furlough", "Rational benchmark", "Intervals")


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario("sma-2020-hindsight"), draws=2048, seed=0)


@pytest.fixture(scope="module")
def data(result):
    summary = result.summary()
    summary["bottom_line"] = bottom_line(result, tornado_draws=1024).to_json()
    return report_data(result._scenario_obj, summary, result.outcomes, result.params,
                       result.plan.round_dates, source="test run")


@pytest.fixture(scope="module")
def report(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "sma.html"
    files = write_report(data, out)
    return files, out.read_text(encoding="utf-8")


def test_report_is_self_contained(report):
    files, text = report
    # no external script, stylesheet, image or font: nothing is fetched from a network
    for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", text, flags=re.I):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", tag, flags=re.I), tag
    assert "@import" not in text and "fonts.googleapis" not in text
    # plotly.js embedded exactly once, inline
    assert len(re.findall(r"<script[^>]*\bsrc=", text)) == 0
    assert text.count("plotly.js v") <= 2 and "Plotly.newPlot" in text
    assert len(re.findall(r"/\*\*\s*\n?\s*\*\s*plotly\.js", text)) <= 1


def test_report_has_every_section_and_figure(report):
    files, text = report
    assert files.figures == SMA_FIGURES
    assert f"<meta name='burdenshare-figures' content='{len(SMA_FIGURES)}'>" in text
    for key in SMA_FIGURES:
        assert f"id=\"fig-{key}\"" in text or f"id='fig-{key}'" in text
        assert f"data-key='{key}'" in text
    headings = re.findall(r"<h2>\d+\. ([^<]+)</h2>", text)
    assert tuple(h.replace("&#x27;", "'") for h in headings) == SECTIONS
    assert text.count("<figcaption>") == len(SMA_FIGURES)
    for caption in re.findall(r"<figcaption>(.*?)</figcaption>", text, flags=re.S):
        assert "Source" in caption or "source" in caption
    # the transparency statement table carries sources, the intervals table both kinds of interval
    assert "Source</th>" in text and "ASSUMPTION" in text
    assert "vote-level (Monte-Carlo) 95 % interval" in text and "across Level-II bank members" in text


def test_pngs_are_valid_and_linked(report):
    files, text = report
    assert len(files.pngs) == len(SMA_FIGURES)
    for path, key in zip(files.pngs, SMA_FIGURES):
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 8_000, path
        assert path.parent.name == "sma_figures" and path.stem == key
        assert f"href='sma_figures/{key}.png'" in text
    leftovers = [p.name for p in files.html.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_rewrite_replaces_atomically(data, tmp_path):
    out = tmp_path / "r.html"
    write_report(data, out, png=False)
    first = out.read_text(encoding="utf-8")
    files = write_report(data, out, png=False)
    assert files.pngs == () and out.read_text(encoding="utf-8").count("<figure") == first.count("<figure")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_bad_report_path_is_a_one_line_error(capsys, tmp_path):
    assert main(["run", "sma-2020-hindsight", "--draws", "10", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(tmp_path / "r.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --report") and len(err.strip().splitlines()) == 1
    assert main(["run", "sma-2020-hindsight", "--draws", "10", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(tmp_path / "no" / "r.html")]) == 2


def test_intervals_definitions():
    lo, hi = wilson_interval(30, 100)
    assert lo < 0.3 < hi and 0 <= lo and hi <= 1
    ratified = np.array([1, 0, 1, 0, 0])
    votes = np.array([1, 1, 2, 0, 1])
    pc = np.array([0.9, 0.2, 0.6, np.nan, 0.4])
    s = consent_split(ratified, votes, pc)
    c = np.array([0.9, 0.2, 0.6, 0.0, 0.4])
    assert s["var_parameter"] == pytest.approx(c.var()) and s["var_vote"] == pytest.approx((c * (1 - c)).mean())
    assert s["mean_c"] == pytest.approx(c.mean())


def test_run_report_and_report_from_store(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    html = tmp_path / "run.html"
    assert main(["run", "sma-2020-hindsight", "--draws", "1024", "--seed", "0", "--store", store, "--json",
                 "--report", str(html)]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["draws"] == 1024 and "wrote report" in out.err
    assert (tmp_path / "run_figures" / "winset_2d.png").exists()
    assert main(["runs", "list", "--store", store, "--json"]) == 0
    run_id = json.loads(capsys.readouterr().out)[0]["run_id"]
    stored = tmp_path / "stored.html"
    assert main(["report", run_id, "--out", str(stored), "--store", store, "--no-png", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["figures"] == list(SMA_FIGURES) and info["pngs"] == []
    text = stored.read_text(encoding="utf-8")
    assert f"run {run_id} in the results store" in text
    # the stored run's numbers are the simulated ones
    fresh = simulate(load_scenario("sma-2020-hindsight"), draws=1024, seed=0).summary()
    assert f"{fresh['p_ratified']:.3f}" in text
    assert main(["report", "000000000000", "--out", str(stored), "--store", store]) == 2
    assert capsys.readouterr().err.startswith("error: RUN_ID")


def test_summary_only_run_is_resimulated(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    assert main(["run", "sma-2020-hindsight", "--draws", "1024", "--seed", "0", "--store", store, "--summary-only"]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--store", store, "--json"]) == 0
    run_id = json.loads(capsys.readouterr().out)[0]["run_id"]
    files = report_from_store(run_id, tmp_path / "r.html", store=store, png=False, benchmark=False)
    assert "re-simulated from its recorded scenario" in files.html.read_text(encoding="utf-8")


def test_optional_sweep_and_sobol_inputs(data, tmp_path):
    sweep = {"run_id": "abc", "rows": [
        {"point": {"levers.transparency": t, "levers.us_ask_usd": a}, "p_ratified": 0.1 * i + 0.05 * j,
         "p_agreement": 0.2} for i, t in enumerate((0, 0.5, 1)) for j, a in enumerate((1.3e9, 5e9))]}
    sobol = {"outputs": {"p_ratified": {"names": ["a", "b"], "S1": [0.5, 0.2], "ST": [0.6, 0.3],
                                        "S1_conf": [0.05, 0.02], "ST_conf": [0.06, 0.03]},
                         "increase_pct": [{"parameter": "a", "S1": 0.1, "ST": 0.2}]}}
    extra = ("sweep_p_ratified", "sweep_p_agreement", "sobol_p_ratified", "sobol_increase_pct")
    d2 = dataclasses.replace(data, sweep=sweep, sobol=sobol)
    files = write_report(d2, tmp_path / "x.html", png=False)
    assert files.figures[len(SMA_FIGURES):] == extra
    pngs = write_pngs(d2, tmp_path / "png", keys=extra)
    assert [s.key for s, _ in pngs] == list(extra)
    assert all(p.read_bytes()[:8] == PNG_MAGIC for _, p in pngs)
    grid = sweep_grid(sweep, "p_ratified")
    assert grid["x"] == [0, 0.5, 1] and grid["y"] == [1.3e9, 5e9] and grid["z"][1][2] == pytest.approx(0.25)
    text = files.html.read_text(encoding="utf-8")
    assert ">13. Sweep</h2>" in text and "Sensitivity</h2>" in text


def test_module_doctests():
    import doctest
    import importlib

    for name in ("burdenshare.report.data", "burdenshare.analysis.compare", "burdenshare.analysis.briefing",
                 "burdenshare.report.png"):
        mod = importlib.import_module(name)  # the module, not the function ``compare`` re-exported by the package
        res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert res.attempted > 0 and res.failed == 0, name


def test_two_level_win_set_shows_the_host_executive_ceiling(data):
    """The 2-D win-set figure carries the host executive's own ceiling (docs/simulation.md §2)."""
    from burdenshare.actors import executive_ceiling_krw
    from burdenshare.report.figures import figure_specs, plotly_figures

    w = data.winset_2d
    expected = executive_ceiling_krw(data.scenario, dt.date.fromisoformat(w["date"]))
    assert expected is not None and w["host_executive_krw"] == expected
    (fig,) = [f for spec, f in plotly_figures(data) if spec.key == "winset_2d"]
    lines = [t for t in fig.data if t.name == "host executive (host ≤)"]
    assert len(lines) == 1 and lines[0].x[0] == expected / 1e9
    assert any("host executive" in spec.caption for spec in figure_specs(data) if spec.key == "winset_2d")


def test_report_shows_the_schedule(report, result):
    _, text = report
    s = result.summary()
    assert "The agreement as signed" in text
    for year, q in s["schedule_krw"].items():
        cell = "none" if q is None else f"{q['p10'] / 1e9:,.0f} / {q['p50'] / 1e9:,.0f} / {q['p90'] / 1e9:,.0f}"
        assert f"<td>{year}</td><td>{cell}</td>" in text
    assert f"mean {s['term_years']['mean']:.2f} years" in text
