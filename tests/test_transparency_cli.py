"""Regression tests (issue 9): commands that failed with the transparency lever set, the report
crash on small runs, and half-done ``run --report`` / ``compare --report``.

Each goes through ``burdenshare.cli.main``, the function the console script calls, with a
temporary store and temporary paths.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from burdenshare.cli import main
from burdenshare.engine import simulate
from burdenshare.legislature import amount_grid, legislature_model, win_set_from_curve
from burdenshare.report.data import report_data, wilson_interval
from burdenshare.report.png import write_pngs
from burdenshare.scenario import load_scenario


def _runs(store: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    if not store.exists():
        return []
    assert main(["runs", "list", "--store", str(store), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------- transparency


def test_winset_with_transparency(capsys: pytest.CaptureFixture[str]) -> None:
    """Was: exit 2, ``justified_amount_krw: transparency > 0 needs...`` (an internal field)."""
    assert main(["winset", "sma-2020-hindsight", "--set", "levers.transparency=0.8", "--json"]) == 0
    clear = json.loads(capsys.readouterr().out)
    assert main(["winset", "sma-2020-hindsight", "--json"]) == 0
    opaque = json.loads(capsys.readouterr().out)
    # the CLI's number is the legislature model's, with the statement of the $5 bn ask
    s = load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])
    day, grid = s.levers.as_of, amount_grid(s)
    model = legislature_model(s, day)
    dur = min(s.levers.allowed_durations)
    w = win_set_from_curve(day, 0.5, dur, grid, model.consent_probability(grid, dur))
    assert clear["max_amount_krw"] == w.max_amount_krw
    # its justified part (KRW 3,246 bn) exceeds the public's belief: the statement widens the win-set
    assert clear["max_amount_krw"] > opaque["max_amount_krw"]


def test_run_report_and_stored_report_with_transparency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was: the run recorded, then exit 2 before the report; ``report RUN_ID`` failed alike."""
    store, html = tmp_path / "s.duckdb", tmp_path / "t.html"
    assert main(["run", "sma-2020-hindsight", "--set", "levers.transparency=0.5", "--draws", "1024", "--seed", "0",
                 "--bank-size", "1", "--store", str(store), "--report", str(html), "--json"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert "wrote report" in out.err and html.exists() and (tmp_path / "t_figures" / "agreement_by_date.png").exists()
    fresh = simulate(load_scenario("sma-2020-hindsight", ["levers.transparency=0.5"]), draws=1024, seed=0, bank_size=1)
    assert summary.pop("bottom_line")["p_ratified"] == fresh.summary()["p_ratified"]
    assert summary == json.loads(json.dumps(fresh.summary()))  # the run the report shows is the simulated one
    (run,) = _runs(store, capsys)
    stored = tmp_path / "stored.html"
    assert main(["report", run["run_id"], "--out", str(stored), "--store", str(store), "--no-png"]) == 0
    capsys.readouterr()
    text = stored.read_text(encoding="utf-8")
    # the stored run's numbers, of the scenario with the lever set (its hash differs from the bundled one)
    assert f"{summary['p_ratified']:.3f}" in text and f"sha256 {summary['scenario_hash'][:12]}" in text
    assert summary["scenario_hash"] != json.loads(json.dumps(simulate(load_scenario("sma-2020-hindsight"), draws=1,
                                                                      seed=0, bank_size=1).summary()))["scenario_hash"]


# --------------------------------------------------------------------------- small runs


def test_wilson_interval_contains_the_share_at_the_ends() -> None:
    """The cause of ``'yerr' must not contain negative values``: at k = 0 the textbook form gave a
    lower bound of ~1e-19 above p = 0 (and at k = n an upper bound below 1) by cancellation."""
    for n in (1, 7, 256, 1000, 2000, 4000, 10_000):
        assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0
        for k in range(0, n + 1, max(1, n // 97)):
            lo, hi = wilson_interval(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0
            # the bounds solve the Wilson quadratic (p - x)^2 = z^2 x (1 - x) / n
            z = 1.959963984540054
            for x in (lo, hi):
                assert (k / n - x) ** 2 == pytest.approx(z * z * x * (1 - x) / n, rel=1e-9, abs=1e-15)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


@pytest.mark.parametrize(("draws", "seed"), [(1000, 0), (1000, 5), (2000, 1), (2000, 3)])
def test_agreement_by_date_figure_on_small_runs(draws: int, seed: int, tmp_path: Path) -> None:
    """The figure that crashed, drawn from the run's own report data (a date with P = 0 included)."""
    r = simulate(load_scenario("sma-2020-hindsight"), draws=draws, seed=seed, bank_size=1)
    d = report_data(r._scenario_obj, r.summary(), r.outcomes, r.params, r.plan.round_dates, source="test", benchmark=False)
    assert any(b["p"] == 0.0 for b in d.by_date)  # the case that crashed
    for b in d.by_date:
        assert b["lo"] <= b["p"] <= b["hi"]
    (spec, path), = write_pngs(d, tmp_path, keys=["agreement_by_date"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_report_at_2000_draws_seed_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The reported command: ``run sma-2020-hindsight --draws 2000 --seed 1 --report d.html`` (was exit 1)."""
    html = tmp_path / "d.html"
    assert main(["run", "sma-2020-hindsight", "--draws", "2000", "--seed", "1", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(html)]) == 0
    capsys.readouterr()
    assert html.exists() and len(list((tmp_path / "d_figures").glob("*.png"))) >= 10


def test_report_of_a_small_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--draws", "1024", "--seed", "1",
                 "--bank-size", "1", "--progress", "none", "--store", str(store), "--json"]) == 0
    capsys.readouterr()
    (run,) = _runs(store, capsys)
    assert main(["report", run["run_id"], "--out", str(tmp_path / "sw.html"), "--store", str(store)]) == 0
    capsys.readouterr()
    assert (tmp_path / "sw_figures" / "agreement_by_date.png").exists()


# --------------------------------------------------------------------------- no half-done commands


def _bad_report_targets(tmp_path: Path) -> list[tuple[str, str]]:
    """(path, what the one-line error says) for report paths that cannot take a report."""
    user = tmp_path / "mine_figures"  # a user's folder where the figures would go
    user.mkdir()
    (user / "notes.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "afolder.html").mkdir()
    return [
        (str(tmp_path / "r.txt"), ".html file"),
        (str(tmp_path / "no" / "r.html"), "does not exist"),
        (str(tmp_path / "afolder.html"), "is a folder"),
        (str(tmp_path / "new.html") + "/", "ends in a path separator"),  # was written as the file new.html
        (str(tmp_path / "mine.html"), "not a report's figure folder"),
    ]


def test_run_report_bad_path_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    for target, says in _bad_report_targets(tmp_path):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        code = main(["run", "sma-2020-hindsight", "--draws", "1024", "--bank-size", "1", "--store", str(store),
                     "--set", "levers.transparency=0.5", "--report", target])
        out = capsys.readouterr()
        assert code == 2 and out.out == ""
        assert out.err.startswith("error: --report") and out.err.count("\n") == 1 and says in out.err
        assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no store, no file, no folder
    assert not store.exists()
    assert (tmp_path / "mine_figures" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_run_report_unwritable_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder this process may not write to (the check asks the OS; as root every folder is
    writable, so the OS's answer is replaced here for that folder only)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == locked else real(p, mode, **kw))
    code = main(["run", "sma-2020-hindsight", "--draws", "1024", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(locked / "r.html")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --report") and "not writable" in err
    assert not (tmp_path / "s.duckdb").exists()


def test_missing_report_extra_fails_before_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code = main(["run", "sma-2020-hindsight", "--draws", "1024", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --report") and "matplotlib not installed" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_old_figure_folder_is_ours_to_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "r_figures"
    folder.mkdir()
    (folder / "stale.png").write_bytes(b"old")
    assert main(["run", "sma-2020-hindsight", "--draws", "1024", "--bank-size", "1", "--store", str(tmp_path / "s.duckdb"),
                 "--report", str(tmp_path / "r.html")]) == 0
    capsys.readouterr()
    assert not (folder / "stale.png").exists() and (folder / "agreement_by_date.png").exists()


def test_compare_report_bad_path_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for target, says in _bad_report_targets(tmp_path):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        code = main(["compare", "sma-2020-hindsight", "--set", "levers.transparency=0.5", "--draws", "1024",
                     "--bank-size", "1", "--report", target])
        out = capsys.readouterr()
        assert code == 2 and out.out == "" and out.err.startswith("error: --report") and says in out.err
        assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_report_command_bad_out_names_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "000000000000", "--out", str(tmp_path / "r.txt"), "--store", str(tmp_path / "s.duckdb")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --out") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_report_data_intervals_hold_on_every_small_summary() -> None:
    """Every interval the report draws as an error bar contains its estimate."""
    r = simulate(load_scenario("sma-2020-hindsight"), draws=1000, seed=5, bank_size=1)
    d = report_data(r._scenario_obj, r.summary(), r.outcomes, r.params, r.plan.round_dates, source="test", benchmark=False)
    lo, hi = d.intervals["vote_level_95"]
    assert lo <= r.summary()["p_ratified"] <= hi
    assert np.all([b["lo"] <= b["p"] <= b["hi"] for b in d.by_date])
