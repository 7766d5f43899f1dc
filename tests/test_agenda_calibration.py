"""The record of submissions enters the model: the calibrated submission threshold (engine.agenda).

Oracles: the Jeffreys posterior mean of the record (0 rejections of 3 known on 2020-03-11:
(0 + 1/2) / (3 + 1) = 0.125), the engine's own run (its Assembly rejections and votes at the
calibrated threshold reproduce the calibration's counts), and the bisection's definition (the
smallest θ on its grid whose rate is at most the target).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from burdenshare import RunConfig, load_scenario, simulate
from burdenshare.builder import build_scenario
from burdenshare.engine import agenda
from burdenshare.engine.consent import winset_of
from burdenshare.engine.prepare import prepare
from burdenshare.legislature.record import submission_record
from burdenshare.scenario import validate_dict

CFG = RunConfig(draws=2048, seed=0, bank_size=4)


# the agenda rule on the legislature model as specified (vote_noise_scale 1: engine.record_vote, which the
# bundled scenarios use, already brings the rejections to the record, and the agenda rule then keeps 1/2)
CALIBRATED = ["parties.host_executive.submit_threshold=calibrated", "legislature.vote_noise_scale=1.0"]


@pytest.fixture(scope="module")
def run_2020():  # type: ignore[no-untyped-def]
    """The hand-tuned reconstruction under the rule: at θ = 1/2 it rejects about a third of its texts."""
    sc = load_scenario("sma-2020-hindsight", CALIBRATED)
    prep = prepare(sc, CFG)
    return sc, prep, simulate(sc, CFG, prepared=prep)


def test_the_target_is_the_jeffreys_posterior_mean_of_the_record() -> None:
    rec = submission_record("2020-03-11")
    assert [s.sma_number for s in rec] == [3, 9, 10] and all(s.passed for s in rec)
    assert [s.sma_number for s in submission_record("2013-06-01")] == [3]


def test_calibrated_threshold_is_the_fixed_point_the_run_reproduces(run_2020) -> None:  # type: ignore[no-untyped-def]
    sc, prep, res = run_2020
    assert sc.parties.host_executive.submit_threshold == "calibrated"
    assert load_scenario("sma-2020-hindsight").parties.host_executive.submit_threshold == 0.5
    cal = agenda.calibrate_threshold(prep)
    assert cal.target == 0.125 and cal.reached and cal.evaluations <= agenda.MAX_EVALUATIONS
    assert [s.sma_number for s in cal.record] == [3, 9, 10]
    # prepare() applied it: threshold, win-set level and the win-set itself
    assert prep.plan.submit_threshold == prep.plan.winset_threshold == cal.threshold
    assert np.array_equal(prep.bank.winset, winset_of(prep.bank.table, prep.bank.offset, cal.threshold))
    assert any(n.startswith("submission threshold calibrated to the record: theta = ") for n in prep.plan.notes)
    # the run (its 2048 draws are the calibration sample) has exactly the calibration's counts
    o = res.outcomes
    rej, votes = int(o["rejections_assembly"].sum()), int(o["votes"].sum())
    assert (rej, votes) == (cal.rejections, cal.submissions) and rej / votes == cal.rate
    # the fixed point: at θ* the rate is at most the target, one bisection step below it is above
    lo, hi = agenda.BRACKET
    step = (hi - lo) / 2 ** (agenda.MAX_EVALUATIONS - 2)
    r0, s0 = agenda.rejections_per_submission(prep, cal.threshold)
    r1, s1 = agenda.rejections_per_submission(prep, cal.threshold - step)
    assert r0 / s0 <= 0.125 < r1 / s1
    assert abs(cal.rate - 0.125) < 0.05
    # the rule moves the threshold off the old assumption: at 0.5 the model rejects far more often
    r5, s5 = agenda.rejections_per_submission(prep, 0.5)
    assert r5 / s5 > 0.25 and cal.threshold > 0.6 and not cal.at_floor


def test_the_floor_when_the_model_already_meets_the_record() -> None:
    """The builder's sma-2020 rejects fewer than 1 text in 8 at θ = 1/2: the rule keeps θ = 1/2."""
    sc = load_scenario("sma-2020")
    assert sc.parties.host_executive.submit_threshold == "calibrated"
    prep = prepare(sc, CFG)
    cal = agenda.calibrate_threshold(prep)
    rej, sub = agenda.rejections_per_submission(prep, 0.5)
    assert rej / sub <= 0.125 and cal.at_floor and cal.reached and cal.evaluations == 1
    assert prep.plan.submit_threshold == 0.5 and "(the floor" in prep.plan.notes[-1]


def test_a_fixed_threshold_is_left_alone() -> None:
    data = load_scenario("sma-2020").model_dump(by_alias=True, mode="json")
    data["parties"]["host_executive"]["submit_threshold"] = 0.5
    sc = validate_dict(data)
    prep = prepare(sc, CFG)
    assert prep.plan.submit_threshold == 0.5
    assert not any("calibrated" in n for n in prep.plan.notes)
    assert agenda.calibrated(prep)[1] is None


def test_provenance_cites_the_record_rows() -> None:
    sc = load_scenario("sma-2020")
    e = sc.provenance.values["parties.host_executive.submit_threshold"]
    assert e.kind == "computed"
    cited = list(e.model_dump(by_alias=True)["from"])
    assert cited == [f"sma_history.csv:{s.sma_number}" for s in submission_record(sc.levers.as_of)]
    # the builder: the same rule and the record known at each round's as_of
    for n, as_of, k in ((11, dt.date(2020, 3, 11), 3), (10, dt.date(2018, 3, 7), 2)):
        built, text = build_scenario(n, as_of)
        assert built.parties.host_executive.submit_threshold == "calibrated"
        want = [s.sma_number for s in submission_record(as_of)]
        assert len(want) == k
        line = next(ln for ln in text.splitlines() if ln.startswith('"parties.host_executive.submit_threshold"'))
        assert 'kind = "computed"' in line and f"= (0 + 1/2) / ({k} + 1) = {0.5 / (k + 1):.4g}" in line
        assert "from = [" + ", ".join(f'"sma_history.csv:{m}"' for m in want) + "]" in line


def test_solve_reads_the_engines_calibrated_threshold(run_2020) -> None:  # type: ignore[no-untyped-def]
    from burdenshare.solver.scenario import solve_scenario

    sc, _, _ = run_2020
    theta = agenda.calibrated_threshold(sc, seed=0, bank_size=CFG.bank_size)
    assert theta == prepare(sc, RunConfig(draws=10, seed=0, bank_size=4)).plan.winset_threshold  # any run size
    eq = solve_scenario(sc)
    assert eq.submit_threshold == agenda.calibrated_threshold(sc) > 0.6
