"""``burdenshare solve``: the rational benchmark as JSON (docs/solve.md) and as a summary."""

from __future__ import annotations

import json

import pytest

from burdenshare.cli import main

KEYS = {"scenario", "as_of", "agreement", "amount_first_year_krw", "amount_first_year_usd", "duration_years",
        "increase_pct", "p_consent", "p_approval", "round", "date", "proposer", "p_agreement", "value_us_krw",
        "value_rok_krw", "submit_threshold", "branch", "vote_noise_scale", "path", "notes"}
AGREE = ["--set", "strategies.us.reservation_value_krw=1.0e12", "--set", "parties.principal.reservation_value_krw=1.0e12",
         "--set", "levers.allowed_durations=[1,3]"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_sma_2020_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "solve", "sma-2020-hindsight", "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d) == KEYS and d["scenario"] == "sma-2020-hindsight"
    # 11 rounds before the inauguration, then the two branches of the US election (2 rounds each)
    assert len(d["path"]) == 11 + 2 * 2 and d["path"][0]["date"] == "2020-03-18"
    assert [r["branch"] for r in d["path"]] == [None] * 11 + ["no change"] * 2 + ["change"] * 2
    assert 0.0 <= d["p_agreement"] <= 1.0
    if not d["agreement"]:
        assert d["amount_first_year_krw"] is None and d["p_consent"] is None


def test_solve_with_overrides_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "solve", "sma-2020-hindsight", *AGREE, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["agreement"] is True and d["duration_years"] in (1, 3)
    assert d["amount_first_year_usd"] == pytest.approx(d["amount_first_year_krw"] / 1180.20)
    assert d["increase_pct"] == pytest.approx(100 * (d["amount_first_year_krw"] / 1038.9e9 - 1))
    (first,) = [r for r in d["path"] if r["round"] == d["round"] and r["branch"] == d["branch"]]
    assert first["offer_krw"] == d["amount_first_year_krw"] and first["proposer"] == d["proposer"]
    code, out, _ = _run(capsys, "solve", "sma-2020-hindsight", *AGREE)
    assert code == 0 and "agreement at KRW" in out and "P(consent)" in out


def test_solve_bad_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "solve", "sma-2020-hindsight", "--set", "levers.transparency=7")
    assert code == 2 and out == "" and "levers.transparency" in err
