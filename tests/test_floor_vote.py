"""One Assembly for every command (DESIGN.md §8): winset, solve, advise and the report read consent at
the floor vote's noise scale a run reads (burdenshare.engine.floor_vote; issue 11).

Oracles: with a number, every consent probability is Phi(Phi^-1(C)/kappa) of the kappa = 1 result
(computed here with scipy.stats.norm, not the package's sharpen), and solve/advise equal the kappa = 1
model driven by that curve through their ``consent=`` seam; with ``"calibrated"`` the kappa is the one
``prepare`` applies to the run's tables."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from scipy import stats

from burdenshare.analysis.advise import advise, agreement_grid
from burdenshare.cli import main
from burdenshare.engine.config import RunConfig
from burdenshare.engine.floor_vote import floor_vote
from burdenshare.engine.prepare import prepare, prepare_specified
from burdenshare.engine.record_vote import sharpen
from burdenshare.errors import SpecError
from burdenshare.legislature import consent_probability, win_set, win_set_2d
from burdenshare.scenario import load_scenario
from burdenshare.solver.scenario import solve_scenario

KAPPA = 0.5
HALF = ["legislature.vote_noise_scale=0.5"]
ONE = ["legislature.vote_noise_scale=1.0"]
AGREE = ["strategies.us.reservation_value_krw=1.0e12", "parties.principal.reservation_value_krw=1.0e12",
         "levers.allowed_durations=[1,3]"]


def _probit(p: Any, kappa: float = KAPPA) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        return np.asarray(stats.norm.cdf(stats.norm.ppf(p) / kappa))


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_calibrated_kappa_is_the_one_prepare_applies() -> None:
    sc = load_scenario("sma-2020-hindsight")
    fv = floor_vote(sc)
    assert fv.calibration is not None and fv.seed == 0 and fv.bank_size == 64
    assert 0.02 < fv.kappa < 1.0  # the record sharpens the hand-tuned Assembly's vote
    cfg = RunConfig(draws=2048, seed=0)
    np.testing.assert_array_equal(prepare(sc, cfg).bank.table, sharpen(prepare_specified(sc, cfg).bank.table, fv.kappa))
    assert floor_vote(sc) is fv  # once per process
    assert "conditioned on the passing record" in fv.line() and f"kappa = {fv.kappa:.3f}" in fv.line()
    # a number is read as given, without a calibration; the builder's sma-2020 meets the record at 1
    assert floor_vote(load_scenario("sma-2020-hindsight", HALF)).kappa == KAPPA
    assert floor_vote(load_scenario("sma-2020")).kappa == 1.0


def test_winset_at_a_number_is_the_sharpened_curve(capsys: pytest.CaptureFixture[str]) -> None:
    s1, s5 = load_scenario("sma-2020-hindsight", ONE), load_scenario("sma-2020-hindsight", HALF)
    for level in (0.5, 0.8, 0.2):
        w1, w5 = win_set(s1, "2020-06-01", level), win_set(s5, "2020-06-01", level)
        np.testing.assert_allclose(w5.p_consent, _probit(w1.p_consent), rtol=1e-12, atol=1e-300)
        x, p = np.asarray(w5.amounts_krw), _probit(w1.p_consent)
        assert w5.max_amount_krw == float(x[np.nonzero(p >= level)[0][-1]])
        assert w1.vote_noise_scale == 1.0 and w5.vote_noise_scale == KAPPA
    # even chances do not move; a sharper vote widens the win-set above 1/2 and narrows it below
    assert win_set(s5, "2020-06-01", 0.5).max_amount_krw == win_set(s1, "2020-06-01", 0.5).max_amount_krw == 1.17e12
    w1, w5 = win_set(s1, "2020-06-01", 0.8), win_set(s5, "2020-06-01", 0.8)
    assert w1.max_amount_krw is not None and w5.max_amount_krw is not None and w5.max_amount_krw > w1.max_amount_krw
    w1, w5 = win_set(s1, "2020-06-01", 0.2), win_set(s5, "2020-06-01", 0.2)
    assert w1.max_amount_krw is not None and w5.max_amount_krw is not None and w5.max_amount_krw < w1.max_amount_krw
    d1, d5 = win_set_2d(s1, "2020-06-01", 0.8), win_set_2d(s5, "2020-06-01", 0.8)
    np.testing.assert_allclose(d5.p_consent, _probit(d1.p_consent), rtol=1e-12, atol=1e-300)
    assert float(consent_probability(s5, 1.15e12, "2020-06-01")) == pytest.approx(
        float(_probit(consent_probability(s1, 1.15e12, "2020-06-01"))), rel=1e-12)
    # the command: the same curve, the scale as a key and as a line
    d = json.loads(_cli(capsys, "winset", "sma-2020-hindsight", "--set", HALF[0], "--date", "2020-06-01",
                        "--level", "0.8", "--json"))
    assert d["vote_noise_scale"] == KAPPA and d["max_amount_krw"] == win_set(s5, "2020-06-01", 0.8).max_amount_krw
    out = _cli(capsys, "winset", "sma-2020-hindsight", "--set", HALF[0])
    assert "floor vote noise scale kappa = 0.5 (legislature.vote_noise_scale)" in out
    with pytest.raises(SpecError) as exc:
        win_set(s1, "2020-06-01", 0.5, vote_noise_scale=0.0)
    assert exc.value.field == "vote_noise_scale"


def test_winset_calibrated_reads_the_run_kappa(capsys: pytest.CaptureFixture[str]) -> None:
    sc, s1 = load_scenario("sma-2020-hindsight"), load_scenario("sma-2020-hindsight", ONE)
    kappa = floor_vote(sc).kappa
    d = json.loads(_cli(capsys, "winset", "sma-2020-hindsight", "--level", "0.8", "--json"))
    assert d["vote_noise_scale"] == kappa
    ref = win_set(s1, "2020-03-11", 0.8)
    np.testing.assert_allclose([c["p_consent"] for c in d["curve"]], _probit(ref.p_consent, kappa), rtol=1e-12,
                               atol=1e-300)
    assert f"floor vote noise scale kappa = {kappa:.3f} (conditioned on the passing record" in _cli(
        capsys, "winset", "sma-2020-hindsight")


def _curve(s1: Any, kappa: float) -> Any:
    """The kappa = 1 legislature model, sharpened here: the independent route through ``consent=``."""
    return lambda x, day, m: _probit(consent_probability(s1, x, day, m, vote_noise_scale=1.0), kappa)


def _without(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in keys}


def _same(a: Any, b: Any) -> bool:
    """Equal JSON, floats to 1e-12 (the two routes evaluate Phi(Phi^-1(C)/kappa) with different code)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-15)
    return bool(a == b)


def test_solve_at_a_number_equals_the_sharpened_model(capsys: pytest.CaptureFixture[str]) -> None:
    s1, s5 = load_scenario("sma-2020-hindsight", [*ONE, *AGREE]), load_scenario("sma-2020-hindsight", [*HALF, *AGREE])
    eq5, eq1 = solve_scenario(s5), solve_scenario(s1)
    ref = solve_scenario(s1, consent=_curve(s1, KAPPA))
    assert eq5.vote_noise_scale == KAPPA and eq1.vote_noise_scale == 1.0 and ref.vote_noise_scale == 1.0
    a, b = eq5.to_json(), ref.to_json()
    assert _same(_without(a, "vote_noise_scale", "notes"), _without(b, "vote_noise_scale", "notes"))
    assert eq5.agreement and eq5.p_consent is not None and eq1.p_consent is not None
    assert eq5.p_consent != pytest.approx(eq1.p_consent)  # the sharper Assembly changes what is agreed or its odds
    d = json.loads(_cli(capsys, "solve", "sma-2020-hindsight", *[a for x in [*HALF, *AGREE] for a in ("--set", x)],
                        "--json"))
    assert d["vote_noise_scale"] == KAPPA and d["p_consent"] == eq5.p_consent


def test_solve_calibrated_reads_the_run_kappa() -> None:
    sc = load_scenario("sma-2020-hindsight", AGREE)
    kappa = floor_vote(sc).kappa
    s1 = load_scenario("sma-2020-hindsight", [*ONE, *AGREE])
    eq = solve_scenario(sc)
    assert eq.vote_noise_scale == kappa and any(f"kappa = {kappa:.3f}" in n for n in eq.notes)
    ref = solve_scenario(s1, consent=_curve(s1, kappa))
    assert _same(_without(eq.to_json(), "vote_noise_scale", "notes"), _without(ref.to_json(), "vote_noise_scale", "notes"))


def test_advise_at_a_number_equals_the_sharpened_model(capsys: pytest.CaptureFixture[str]) -> None:
    s1, s5 = load_scenario("sma-2020-hindsight", ONE), load_scenario("sma-2020-hindsight", HALF)
    g1, g5 = agreement_grid(s1, "us"), agreement_grid(s5, "us")
    np.testing.assert_allclose(g5.p_consent, _probit(g1.p_consent), rtol=1e-12, atol=1e-300)
    assert g5.vote_noise_scale == KAPPA and g1.vote_noise_scale == 1.0
    for side in ("us", "host"):
        a5 = advise(s5, side, 0.8)
        ref = advise(s1, side, 0.8, consent=_curve(s1, KAPPA))
        assert _same(_without(a5.to_json(), "vote_noise_scale"), _without(ref.to_json(), "vote_noise_scale"))
        assert a5.vote_noise_scale == KAPPA
    assert advise(s5, "us", 0.8).amount_krw != advise(s1, "us", 0.8).amount_krw  # the floor binds elsewhere
    d = json.loads(_cli(capsys, "advise", "sma-2020-hindsight", "--set", HALF[0], "--side", "us", "--min-consent", "0.8",
                        "--json"))
    assert d["vote_noise_scale"] == KAPPA and d["amount_krw"] == advise(s5, "us", 0.8).amount_krw
    out = _cli(capsys, "advise", "sma-2020-hindsight", "--side", "us", "--min-consent", "0.8")
    assert f"floor vote noise scale kappa = {floor_vote(load_scenario('sma-2020-hindsight')).kappa:.3f}" in out


def test_advise_calibrated_reads_the_run_kappa() -> None:
    sc, s1 = load_scenario("sma-2020-hindsight"), load_scenario("sma-2020-hindsight", ONE)
    kappa = floor_vote(sc).kappa
    a = advise(sc, "us", 0.8)
    assert a.vote_noise_scale == kappa
    assert _same(_without(a.to_json(), "vote_noise_scale"),
                 _without(advise(s1, "us", 0.8, consent=_curve(s1, kappa)).to_json(), "vote_noise_scale"))


def test_report_reads_the_run_kappa() -> None:
    """The report's consent curves, win-sets and benchmark read the kappa* of the run's own seed and bank."""
    from burdenshare.engine import simulate
    from burdenshare.legislature import legislature_model
    from burdenshare.report.data import report_data

    sc = load_scenario("sma-2020-hindsight")
    cfg = RunConfig(draws=256, seed=1, bank_size=4)
    res = simulate(sc, cfg)
    fv = floor_vote(sc, 1, 4)
    assert fv.seed == 1 and fv.bank_size == 4
    # the run's tables are the specified ones at this kappa
    np.testing.assert_array_equal(res.bank.table, sharpen(prepare_specified(sc, cfg).bank.table, fv.kappa))
    d = report_data(sc, res.summary(), res.outcomes, res.params, res.plan.round_dates, source="test", benchmark=True)
    assert d.winset_2d["vote_noise_scale"] == fv.kappa and fv.line() in d.notes
    c = d.consent_curves[0]
    model = legislature_model(sc, c["date"])
    np.testing.assert_allclose(c["p_consent"], _probit(model.consent_probability(np.array(c["amounts_krw"]),
                                                                                 c["duration_years"]), fv.kappa),
                               rtol=1e-12, atol=1e-300)
    assert d.benchmark is not None and d.benchmark["vote_noise_scale"] == fv.kappa


def test_run_summary_reads_the_run_kappa() -> None:
    """The run summary's ``predicted_votes_by_bloc.p_consent`` is the median ratified text's probability of
    passing at the run's floor vote: Phi(Phi^-1(C)/kappa) of the same text's consent at kappa = 1 (the same
    outcomes summarised with the bank's tables read as specified), the expected counts unchanged."""
    import dataclasses

    from burdenshare.engine import simulate

    for over, seed, bank in ((HALF, 0, 4), ([], 1, 4)):
        sc = load_scenario("sma-2020-hindsight", over)
        res = simulate(sc, RunConfig(draws=512, seed=seed, bank_size=bank))
        kappa = floor_vote(sc, seed, bank).kappa
        assert res.bank.vote_noise_scale == kappa and kappa < 1.0
        at_one = dataclasses.replace(res, bank=dataclasses.replace(res.bank, vote_noise_scale=1.0), _cache={})
        v, v1 = res.summary()["predicted_votes_by_bloc"], at_one.summary()["predicted_votes_by_bloc"]
        assert v["vote_noise_scale"] == kappa and v1["vote_noise_scale"] == 1.0
        assert _without(v, "p_consent", "vote_noise_scale") == _without(v1, "p_consent", "vote_noise_scale")
        assert 0.0 < v1["p_consent"] < 1.0 and v["p_consent"] != v1["p_consent"]
        assert v["p_consent"] == pytest.approx(float(_probit(v1["p_consent"], kappa)), rel=1e-12)
    # the model as specified reads its own consent
    one = simulate(load_scenario("sma-2020-hindsight", ONE), RunConfig(draws=512, seed=0, bank_size=4))
    assert one.summary()["predicted_votes_by_bloc"]["vote_noise_scale"] == 1.0
