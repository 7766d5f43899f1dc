"""The backtest (issue 10): scores against recorded outcomes, refusals, the CLI path."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from burdenshare.analysis.backtest import crps
from burdenshare.cli import main


def test_crps_matches_the_closed_form_for_a_point_and_for_a_uniform() -> None:
    assert crps(np.array([3.0]), 5.0) == 2.0
    x = np.linspace(0.0, 1.0, 20001)   # U(0,1): CRPS(y) = y^2 - y + 1/3
    assert math.isclose(crps(x, 0.3), 0.09 - 0.3 + 1 / 3, abs_tol=1e-4)


def test_round_without_outcome_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--rounds", "11", "--draws", "64"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SMA 11" in err


def test_a_round_the_builder_refuses_exits_2_before_any_run(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 8 has an outcome but no buildable scenario (SMA 7's signing date is not found): it was
    refused only after round 10's runs, naming --round, an option backtest does not have."""
    import burdenshare

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started before every scenario was built")

    monkeypatch.setattr(burdenshare, "simulate", no_run)
    assert main(["backtest", "--rounds", "10,8", "--draws", "64"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --rounds: round 8 as of ") and "SMA 7 has no signing_date" in err


def test_backtest_json_scores_recorded_outcomes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "bt.html"
    assert main(["backtest", "--rounds", "10", "--draws", "256", "--json", "--report", str(report)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(e["round"], e["as_of"], e["as_of_rule"]) for e in out["rounds"]] == [
        (10, "2018-03-07", "start_of_talks"), (10, "2018-09-08", "six_months_before_signing")]
    e = out["rounds"][0]
    assert e["outcome"]["increase_pct"] == 8.2 and e["outcome"]["term_years"] == 1
    assert e["outcome"]["signed"] == "2019-03-08" and e["outcome"]["days_to_agreement"] == 366
    assert e["outcome"]["yes_votes"] == 139.0 and e["outcome"]["present"] == 194.0
    assert e["scores"]["yes_votes"]["cover50"] is None   # no vote distribution from the run
    assert set(out["summary"]) >= {"increase_pct", "term_years", "days_to_agreement"}
    assert "<table" in report.read_text()
    # the record's reference forecast: terms of SMAs 1-9 known in 2018 (3,2,3,3,3,2,2,5,5) on the allowed
    # terms 2, 3, 5; the signed one-year term is not among them (count 0, add-half smoothing)
    assert e["scores"]["term_years"]["log_score_record"] == pytest.approx(math.log(0.5 / (9 + 1.5)))


def test_round_9_runs_without_a_recorded_vote_known(capsys: pytest.CaptureFixture[str]) -> None:
    # as of 2013 no consent vote count is on record: the builder fixes the government camp's propensity
    assert main(["backtest", "--rounds", "9,9", "--draws", "64", "--json"]) == 0  # named twice, scored once
    out = json.loads(capsys.readouterr().out)
    assert [(e["round"], e["as_of_rule"]) for e in out["rounds"]] == [
        (9, "start_of_talks"), (9, "six_months_before_signing")] and out["summary"]["entries"] == 2
    e = out["rounds"][0]
    assert (e["as_of"], e["outcome"]["term_years"]) == ("2013-07-31", 5)
    # SMAs 1-8 known then: terms 3,2,3,3,3,2,2,5 on the allowed 2, 3, 5: one five-year term
    assert e["scores"]["term_years"]["log_score_record"] == pytest.approx(math.log(1.5 / (8 + 1.5)))
