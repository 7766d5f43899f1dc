"""Recorded votes as of a date, the role/attendance fit, and the leave-one-out table of the docs."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest

from burdenshare.legislature.calibration import calibrate
from burdenshare.legislature.record import recorded_votes, submission_record
from burdenshare.legislature.vote_fit import YesPrior, fit_recorded_votes, leave_one_out, loo_table

DOCS = Path(__file__).resolve().parents[1] / "docs" / "legislature.md"


def test_recorded_votes_only_before_as_of():
    assert [v.sma_number for v in recorded_votes("2020-03-11")] == [9, 10]
    assert [v.sma_number for v in recorded_votes("2019-04-05")] == [9]   # the vote on the day is not known yet
    assert recorded_votes("2014-04-16") == ()


def test_recorded_votes_roles_and_tags_from_data():
    v14, v19 = recorded_votes("2020-03-11")
    assert dict(zip(v14.blocs, v14.government)) == {"liberal": False, "conservative": True, "progressive": False,
                                                    "independent": False}
    assert v19.government[v19.blocs.index("liberal")] and sum(v19.government) == 1
    assert (v14.seated, v14.total_seats, v19.seated, v19.total_seats) == (298, 300, 300, 300)
    assert (v14.increase_pct, v19.increase_pct) == (5.8, 8.2)
    # the 2019 roll-call tags: 16 of the 55 not-yes votes carry a party tag of a bloc
    assert v19.tagged_not_yes == {"progressive": 5.0, "centrist": 6.0, "conservative": 4.0, "independent": 1.0}
    assert v19.untagged_not_yes == 39.0
    assert v14.tagged_not_yes == {} and math.isnan(v14.untagged_not_yes)


def test_submission_record_all_passed():
    rec = submission_record("2020-03-11")
    assert [(s.sma_number, s.passed) for s in rec] == [(3, True), (9, True), (10, True)]
    assert [s.sma_number for s in submission_record("2014-04-17")] == [3, 9]


def test_fixed_ruling_reproduces_the_earlier_calibration():
    fit = fit_recorded_votes(recorded_votes("2020-03-11"), YesPrior(ruling_fixed=0.95))
    old = calibrate()
    assert fit.opposition_yes == pytest.approx(old.opposition_yes_propensity, abs=1e-6)
    assert fit.attendance == pytest.approx(old.attendance, abs=1e-12)
    assert fit.opposition_yes_se == pytest.approx(old.opposition_yes_propensity_se, rel=1e-3)


def test_map_is_the_posterior_mode():
    votes = recorded_votes("2020-03-11")
    fit = fit_recorded_votes(votes)
    prior = YesPrior()

    def log_post(a: float, g: float) -> float:
        out = -0.5 * (a / prior.alpha_sd) ** 2 - 0.5 * (g / prior.gamma_sd) ** 2
        for v in votes:
            rho = np.where(np.asarray(v.government), 1 / (1 + math.exp(-(a + g))), 1 / (1 + math.exp(-a)))
            rho = np.where([b == "progressive" for b in v.blocs], 0.0, rho)
            s = float(np.asarray(v.seats) @ rho / v.seated)
            out += v.yes * math.log(s) + v.not_yes * math.log(1 - s)
        return out

    a = math.log(fit.opposition_yes / (1 - fit.opposition_yes))
    g = math.log(fit.government_yes / (1 - fit.government_yes)) - a
    best = log_post(a, g)
    for da, dg in ((1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (1e-3, 1e-3), (-1e-3, -1e-3)):
        assert log_post(a + da, g + dg) < best
    # in sample the role fit misses each yes count by less than the fixed-ruling fit
    old = fit_recorded_votes(votes, YesPrior(ruling_fixed=0.95))
    for v in votes:
        assert abs(fit.predict(v)[2] - v.yes) < abs(old.predict(v)[2] - v.yes)


def test_attendance_spread_method_of_moments():
    v14, v19 = recorded_votes("2020-03-11")
    assert fit_recorded_votes([v14, v19]).attendance_between_sd == 0.0   # 192/298 vs 194/300: binomial noise
    # two synthetic votes with presence 0.55 and 0.75 of 300: tau^2 = s^2 - mean binomial variance
    a = dataclasses.replace(v19, present=165, yes=110, not_yes=55)
    b = dataclasses.replace(v19, present=225, yes=150, not_yes=75)
    fit = fit_recorded_votes([a, b])
    mu = 390 / 600
    tau2 = np.var([0.55, 0.75], ddof=1) - mu * (1 - mu) / 300
    assert fit.attendance == pytest.approx(mu)
    assert fit.attendance_between_sd == pytest.approx(math.sqrt(tau2))
    assert fit.attendance_sd == pytest.approx(math.sqrt(tau2 + mu * (1 - mu) / 600))


def test_leave_one_out_improves_on_the_earlier_calibration():
    before = leave_one_out("2020-03-11", YesPrior(ruling_fixed=0.95))
    after = leave_one_out("2020-03-11")
    assert [r.sma_number for r in after] == [9, 10]
    for b, a in zip(before, after):
        assert abs(a.yes_error) < abs(b.yes_error)
        assert abs(a.yes_error) < a.yes_sd          # within one predictive sd
        assert abs(a.present_error) < 1.0
    assert leave_one_out("2019-04-05") == ()        # one vote known: nothing to hold out


def test_docs_table_is_reproduced():
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- loo-table:(\S+) -->\n(.*?)\n<!-- /loo-table -->", text, re.S)
    assert m is not None
    assert m.group(2).strip() == loo_table(m.group(1))


def test_record_check_against_the_submissions():
    from scipy import stats

    from burdenshare.legislature.agenda import initialled_increases, record_check

    c = record_check(0.3264, "2020-03-11")           # the former bundled run's rejections per submitted text
    assert (c.submissions, c.rejections) == (3, 0)
    assert c.p_record == pytest.approx((1 - 0.3264) ** 3)
    assert c.posterior_mean == pytest.approx(0.5 / 4.0)
    assert c.upper_90 == pytest.approx(stats.beta.ppf(0.9, 0.5, 3.5))
    assert c.consistent and not record_check(0.40, "2020-03-11").consistent
    assert record_check(0.1, "2014-04-17").submissions == 2   # the 2019 vote is not yet known
    with pytest.raises(ValueError):
        record_check(1.5, "2020-03-11")
    inc = initialled_increases("2020-03-11")
    assert [n for n, _, _ in inc] == [3, 5, 6, 8, 9, 10] and max(p for _, _, p in inc) == 25.7
    assert [n for n, _, _ in initialled_increases("2019-03-08")][-1] == 9


def test_attendance_mixture_in_the_model():
    from burdenshare.legislature.model import LegislatureModel

    base = LegislatureModel.with_yes_probabilities([60, 40], [0.7, 0.3], p_present=0.7, quorum=40)
    mixed = base.replace(attendance_sd=0.05)
    levels, weights = mixed.attendance_levels()
    assert levels.shape == (2, 2) and np.allclose(weights, 0.5)
    assert np.allclose(levels[:, 0], [0.65, 0.75])          # mean and sd of the rate exactly
    want = sum(w * base.replace(p_present=tuple(lv)).consent([1.0], quorum_mode="exact").p_consent[0]
               for lv, w in zip(levels, weights))
    got = mixed.consent([1.0], quorum_mode="exact")
    assert got.p_consent[0] == pytest.approx(want, abs=1e-12)
    fast = mixed.consent([1.0])
    assert abs(fast.p_consent[0] - want) <= fast.error_bound + 1e-12
    # expected votes are those of the mean rate
    assert mixed.predicted_votes(1.0).totals == pytest.approx(base.predicted_votes(1.0).totals)
