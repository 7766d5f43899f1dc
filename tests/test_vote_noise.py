"""The floor vote conditioned on the passing record (burdenshare.engine.record_vote; issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from burdenshare.engine.agenda import rejections_per_submission
from burdenshare.engine.config import RunConfig
from burdenshare.engine.prepare import prepare
from burdenshare.engine.record_vote import (BRACKET, calibrate_vote_noise, record_conditioned, sharpen, specified_table,
                                            with_vote_noise)
from burdenshare.errors import BurdenshareError
from burdenshare.legislature.agenda import record_check
from burdenshare.scenario import load_scenario

CFG = RunConfig(draws=2048, seed=0, bank_size=4)


def test_sharpen_is_a_probit_noise_scale() -> None:
    c = np.array([0.0, 0.02, 0.3, 0.5, 0.7, 0.99, 1.0])
    assert sharpen(c, 1.0) is c
    k = 0.4
    s = sharpen(c, k)
    np.testing.assert_allclose(s[1:-1], stats.norm.cdf(stats.norm.ppf(c[1:-1]) / k), rtol=1e-12)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.diff(s) > 0)  # the order of texts is kept
    assert np.all(np.abs(s - 0.5) >= np.abs(c - 0.5))  # every text moves away from even chances
    with pytest.raises(ValueError):
        sharpen(c, 0.0)


@pytest.fixture(scope="module")
def hindsight() -> tuple[object, object]:
    sc = load_scenario("sma-2020-hindsight")
    assert sc.legislature.vote_noise_scale == "calibrated"
    base = load_scenario("sma-2020-hindsight", ["legislature.vote_noise_scale=1.0"])
    return prepare(sc, CFG), prepare(base, CFG)


def test_the_rule_brings_the_rejections_to_the_record(hindsight: tuple[object, object]) -> None:
    p, p1 = hindsight
    cal = calibrate_vote_noise(p1)
    target = record_check(0.0, "2020-03-11").posterior_mean
    assert target == 0.125 and cal.target == target
    assert cal.rate_unscaled > target  # the model as specified rejects more than the record supports
    assert cal.reached and BRACKET[0] < cal.kappa < 1.0 and cal.rate <= target
    # the counts are the kernel's at kappa*: recomputed independently
    rej, sub = rejections_per_submission(with_vote_noise(p1, cal.kappa), 0.5, cal.draws)
    assert (rej, sub) == (cal.rejections, cal.submissions)
    # kappa* is the largest: a slightly larger scale (the bisection's last upper end or above) rejects too many
    rej2, sub2 = rejections_per_submission(with_vote_noise(p1, min(1.0, cal.kappa + 2.0 ** -9)), 0.5, cal.draws)
    assert rej2 / sub2 > target
    # prepare applied it: the run's tables are the specified ones at kappa*
    np.testing.assert_array_equal(p.bank.table, sharpen(p1.bank.table, cal.kappa))
    np.testing.assert_array_equal(specified_table(p.bank), p1.bank.table)
    assert any(f"kappa = {cal.kappa:.4f}" in n for n in p.plan.notes)


def test_shared_draws_and_probit_give_each_evaluation_bit_for_bit(hindsight: tuple[object, object]) -> None:
    """The calibration's evaluations share the draws and Phi^-1 of the table: every rate and table is
    the one a fresh evaluation gives (in the bisection's order, so a shared array that an evaluation
    changed would show), and the agenda rule's theta* too."""
    from burdenshare.engine.agenda import calibrate_threshold, calibration_draws
    from burdenshare.engine.record_vote import probit_of

    _, p1 = hindsight
    base = specified_table(p1.bank)
    probit, shared = probit_of(base), calibration_draws(p1, 2048)
    for kappa in (1.0, 0.02, 0.51, 0.2655, 0.3877, 0.02 + 2.0 ** -10):
        fresh = with_vote_noise(p1, kappa, base)
        again = with_vote_noise(p1, kappa, base, probit)
        np.testing.assert_array_equal(again.bank.table, fresh.bank.table)
        np.testing.assert_array_equal(again.bank.winset, fresh.bank.winset)
        for theta in (0.5, 0.7):
            assert (rejections_per_submission(again, theta, 2048, shared)
                    == rejections_per_submission(fresh, theta, 2048))
    cal = calibrate_vote_noise(p1)
    rej, sub = rejections_per_submission(with_vote_noise(p1, cal.kappa), 0.5, cal.draws)
    assert (rej, sub) == (cal.rejections, cal.submissions) and cal.evaluations >= 3
    agenda = calibrate_threshold(with_vote_noise(p1, cal.kappa))
    assert (agenda.rejections, agenda.submissions) == rejections_per_submission(with_vote_noise(p1, cal.kappa),
                                                                                agenda.threshold, agenda.draws)


def test_applying_it_again_changes_nothing(hindsight: tuple[object, object]) -> None:
    p, _ = hindsight
    again = record_conditioned(p)
    np.testing.assert_array_equal(again.bank.table, p.bank.table)
    np.testing.assert_array_equal(again.bank.winset, p.bank.winset)


def test_a_model_within_the_record_is_unchanged() -> None:
    """The builder's sma-2020 already rejects fewer texts than the record's mean: kappa* = 1, bit for bit."""
    sc = load_scenario("sma-2020")
    assert sc.legislature.vote_noise_scale == "calibrated"
    p = prepare(sc, CFG)
    p1 = prepare(load_scenario("sma-2020", ["legislature.vote_noise_scale=1.0"]), CFG)
    assert p.bank.specified is None
    np.testing.assert_array_equal(p.bank.table, p1.bank.table)
    assert any("kappa = 1.0000 (the model as specified" in n for n in p.plan.notes)


def test_only_the_record_before_as_of_enters() -> None:
    assert record_check(0.0, "2013-07-31").posterior_mean == 0.25  # one pass known (the 3rd SMA)
    assert record_check(0.0, "2018-03-07").posterior_mean == pytest.approx(1 / 6)


@pytest.mark.parametrize("value", ["0.0", "1.5", "\"sharp\""])
def test_bad_values_are_refused(value: str) -> None:
    with pytest.raises(BurdenshareError) as exc:
        load_scenario("sma-2020-hindsight", [f"legislature.vote_noise_scale={value}"])
    assert "vote_noise_scale" in (exc.value.field or "")


def test_texts_below_even_chances_leave_the_model_as_specified() -> None:
    """Without agenda control a hopeless ask is voted on anyway: a sharper vote only rejects it more
    surely, so no scale reaches the record and the rule keeps kappa = 1 (and says so)."""
    base = ["strategies.us.kind=hardliner", "parties.host_executive.submission=immediate",
            "strategies.rok.reservation_value_krw=1.9e12", "uncertainty.1.low=1.85e12", "uncertainty.1.high=1.95e12",
            "strategies.rok.kind=conceder", "strategies.rok.exponent=0.2", "parties.host_executive.opinion_weight=0",
            "levers.us_ask_usd=1.5e9"]
    p = prepare(load_scenario("sma-2020-hindsight", base), RunConfig(draws=2048, seed=0, bank_size=1))
    cal = calibrate_vote_noise(dataclass_replace_bank(p))
    assert not cal.reached and cal.kappa == 1.0 and cal.rate == cal.rate_unscaled > cal.target
    assert p.bank.specified is None
    assert any("no noise scale in the bracket reaches" in n for n in p.plan.notes)


def dataclass_replace_bank(p):  # type: ignore[no-untyped-def]
    """``p`` with its tables as specified (the calibration reads them anyway)."""
    import dataclasses

    return dataclasses.replace(p, bank=dataclasses.replace(p.bank, table=specified_table(p.bank), specified=None))
