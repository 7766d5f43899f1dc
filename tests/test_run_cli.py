"""Tests of ``burdenshare run`` (JSON shape, determinism, exit codes)."""

from __future__ import annotations

import json

import pytest

from burdenshare.cli import main

KEYS = {
    "scenario", "draws", "seed", "p_agreement", "p_ratified", "mean_p_consent", "amount_first_year_krw",
    "increase_pct", "duration_years", "rounds_to_agreement", "furlough_worker_days_mean", "p_agreement_by",
    "predicted_votes_by_bloc",
}


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_run_json_shape_and_determinism(capsys):
    code, out, _ = _run(capsys, "sma-2020-hindsight", "--draws", "2048", "--seed", "0", "--json")
    assert code == 0
    data = json.loads(out)
    assert KEYS <= set(data)
    assert data["draws"] == 2048 and data["seed"] == 0 and data["scenario"] == "sma-2020-hindsight"
    assert set(data["p_agreement_by"]) == {"2020-04-01", "2020-04-15", "2020-11-03", "2021-01-20", "2021-02-11",
                                           "2021-03-13", "2021-03-31"}
    assert 0.0 <= data["p_ratified"] <= data["p_agreement"] <= 1.0
    for block, keys in (("amount_first_year_krw", {"p10", "p50", "p90"}), ("increase_pct", {"p10", "p50", "p90"}),
                        ("duration_years", {"mean", "p_multiyear"}), ("rounds_to_agreement", {"p50", "p90"})):
        assert data[block] is None or set(data[block]) == keys
    code2, out2, _ = _run(capsys, "sma-2020-hindsight", "--draws", "2048", "--seed", "0", "--json")
    assert code2 == 0 and out2 == out


def test_run_table(capsys):
    code, out, _ = _run(capsys, "sma-2020-hindsight", "--draws", "1024")
    assert code == 0
    assert "P(ratified)" in out and "P(agreement by 2020-04-15)" in out


@pytest.mark.parametrize(
    "args, field",
    [
        (["--draws", "0"], "--draws"),
        (["--seed", "-1"], "--seed"),
        (["--set", "levers.transparency=1.5"], "levers.transparency"),
        (["--set", "levers.furlough_from=2030-01-01"], "levers.furlough_from"),
        (["--set", "levers.us_ask_usd=9e9"], "levers.us_ask_usd"),
        (["--set", "levers.allowed_durations=[1,9]"], "levers.allowed_durations"),
        (["--set", "protocol.horizon=2020-01-01"], "protocol.horizon"),
        (["--bank-size", "0"], "--bank-size"),
        (["--bank-size", "257"], "--bank-size"),
        (["--set", "strategies.us.concession_deadline=2101-01-01"], "strategies.us.concession_deadline"),
    ],
)
def test_run_bad_input_one_line_exit_2(capsys, args, field):
    code, out, err = _run(capsys, "sma-2020-hindsight", "--draws", "10", *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error:") and field in err


def test_run_unknown_scenario(capsys):
    code, _, err = _run(capsys, "sma-2099")
    assert code == 2 and "sma-2099" in err


def test_run_bank_size_is_used_and_recorded(capsys, tmp_path):
    """``--bank-size K`` sets the Level-II bank of the exact consent tables; the store records it,
    so a report or resume rebuilds the same run, and the same K and seed give the same JSON."""
    from burdenshare.engine import simulate
    from burdenshare.scenario import load_scenario
    from burdenshare.store import open_store

    db = str(tmp_path / "bank.duckdb")
    code, out, err = _run(capsys, "sma-2020-hindsight", "--draws", "1024", "--bank-size", "2", "--json", "--store", db)
    assert code == 0
    data = json.loads(out)
    direct = simulate(load_scenario("sma-2020-hindsight"), draws=1024, seed=0, bank_size=2).summary()
    assert data["p_ratified"] == direct["p_ratified"] and data["p_agreement"] == direct["p_agreement"]
    with open_store(db) as store:
        (rec,) = store.runs()
    assert rec.options["bank_size"] == 2


def test_ctrl_c_while_rows_are_written_is_one_line_exit_130(tmp_path):
    """Ctrl-C during a long run lands, most of the time, inside a DuckDB INSERT, which raises
    RuntimeError('Query interrupted') instead of KeyboardInterrupt: it was a traceback with exit 1.
    A real SIGINT, sent once rows are being written; the run stays resumable (re-running it finishes it)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    store = tmp_path / "s.duckdb"
    env = {**os.environ, "BURDENSHARE_STORE": str(store)}
    proc = subprocess.Popen([sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", "5000000",
                             "--bank-size", "1", "--seed", "11"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:
            if store.exists() and store.stat().st_size > 16 * 2**20:  # rows are being written
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err[-3000:]
    assert err.strip().splitlines() == ["error: interrupted"], err[-3000:]


def test_duckdbs_interrupt_error_is_the_interrupt(capsys, monkeypatch):
    """The form DuckDB gives a Ctrl-C inside a query, through the CLI entry point (no signal timing)."""
    from burdenshare import store

    def interrupted(*args, **kwargs):
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(store.ResultsStore, "write_unit", interrupted)
    code, out, err = _run(capsys, "sma-2020-hindsight", "--draws", "64", "--bank-size", "1", "--seed", "12")
    assert code == 130 and err == "error: interrupted\n" and out == ""
    monkeypatch.setattr(store.ResultsStore, "write_unit", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("other")))
    with pytest.raises(RuntimeError, match="other"):  # any other RuntimeError stays an internal error
        _run(capsys, "sma-2020-hindsight", "--draws", "64", "--bank-size", "1", "--seed", "13")
