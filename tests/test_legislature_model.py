"""Legislature model: seats at a date, deterministic limits (THEORY.md §1, §11), monotone curves,
discipline, opinion weight, speed, exact-vs-fast quorum bound, calibration."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.data import consent_votes
from burdenshare.errors import DataError, SpecError
from burdenshare.legislature import (
    LegislatureModel,
    LegislatureParams,
    calibrate,
    calibration_report,
    legislature_model,
    opinion_weight_at,
    seats_at,
)
from burdenshare.scenario import load_scenario
from burdenshare.theory.voting import weighted_median
from burdenshare.theory.winset import bloc_pivot


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2020-hindsight")


# ----------------------------------------------------------------- seats
def test_seats_before_and_after_new_assembly(sma):
    before = seats_at("2020-05-29", sma)
    after = seats_at("2020-05-30", sma)
    assert before.as_dict()["liberal"] == 129 and before.as_dict()["unattributed"] == 30
    assert after.as_dict() == {"liberal": 183, "conservative": 103, "centrist": 3, "progressive": 6,
                               "independent": 5}
    # election day itself does not change the seats (the new Assembly sits from 30 May)
    assert seats_at("2020-04-15", sma).as_dict() == before.as_dict()


def test_seat_ranges_where_sources_conflict(sma):
    table = seats_at("2020-03-11", sma)
    i = table.blocs.index("conservative")
    assert (table.low[i], table.seats[i], table.high[i]) == (104, 112, 114)
    assert table.uncertain
    lo = table.pick(np.zeros(len(table.blocs)))
    hi = table.pick(np.full(len(table.blocs), 0.999999))
    assert lo.as_dict()["conservative"] == 104 and hi.as_dict()["conservative"] == 114
    assert hi.seated <= table.total_seats
    with pytest.raises(SpecError):
        table.pick([0.5])


def test_seats_from_data_without_scenario():
    assert seats_at("2019-04-05").as_dict()["liberal"] == 128
    assert seats_at("2014-04-16").seated == 298  # two vacancies
    with pytest.raises(DataError):
        seats_at("2010-01-01")


def test_opinion_weight_rises_before_election(sma):
    assert opinion_weight_at(sma, "2020-03-11") == sma.legislature.opinion_weight_pre_election
    assert opinion_weight_at(sma, "2020-01-01") == sma.legislature.opinion_weight
    assert opinion_weight_at(sma, "2020-04-15") == sma.legislature.opinion_weight  # election day: votes cast
    moved = load_scenario("sma-2020-hindsight", ["levers.election_date=2020-05-01"])
    assert opinion_weight_at(moved, "2020-04-20") == sma.legislature.opinion_weight_pre_election


# ----------------------------------------------------------------- deterministic limits
def test_theory_1_bloc_pivot_via_model():
    # THEORY.md §1: blocs 1.35 (180), 1.20 (17), 1.10 (103) -> M_(151) = 1.35
    model = LegislatureModel.deterministic([1.35, 1.20, 1.10], [180, 17, 103])
    assert model.pivot_amount() == 1.35 == bloc_pivot([1.35, 1.20, 1.10], [180, 17, 103])
    p = model.consent_probability([1.0, 1.2, 1.35, 1.3500001, 1.5])
    assert p.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]


def test_theory_11_weighted_median_via_model():
    # THEORY.md §11: 0.5/1.0/1.5/3.0 with seats 103/17/163/17 -> 1.5
    model = LegislatureModel.deterministic([0.5, 1.0, 1.5, 3.0], [103, 17, 163, 17])
    assert model.pivot_amount() == 1.5 == weighted_median([0.5, 1.0, 1.5, 3.0], [103, 17, 163, 17])
    p = model.consent_probability([1.4999, 1.5, 1.5001])
    assert p.tolist() == [1.0, 1.0, 0.0]


# ----------------------------------------------------------------- curves
@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.floats(0.5, 3.0), min_size=2, max_size=4),
    st.floats(0.0, 1.0),
    st.floats(0.01, 0.5),
    st.floats(0.0, 0.5),
    st.floats(0.3, 1.0),
)
def test_consent_curve_non_increasing(positions, discipline, scale, shock, attendance):
    n = len(positions)
    seats = [300 // n] * n
    model = LegislatureModel(
        blocs=tuple(f"b{i}" for i in range(n)), seats=tuple(seats), total_seats=300, quorum=151,
        p_present=(attendance,) * n, position_krw=tuple(positions), discipline=(discipline,) * n,
        yes_propensity=(0.9,) * n, member_scale=scale, whip_scale=scale / 3, shock_sd=shock,
    )
    x = np.linspace(0.2, 4.0, 60)
    res = model.consent(x, quorum_mode="bound")
    assert np.all(np.diff(res.p_consent) <= 1e-12)


def _width(model, lo=0.1, hi=0.9):
    """Log-amount distance between where the curve crosses hi and lo."""
    x = np.exp(np.linspace(np.log(0.5), np.log(3.0), 2001))
    p = model.consent_probability(x)
    return float(np.log(x[np.nonzero(p >= lo)[0][-1]]) - np.log(x[np.nonzero(p >= hi)[0][-1]]))


def test_stronger_discipline_makes_curve_closer_to_a_step():
    base = dict(blocs=("a", "b"), seats=(180, 120), total_seats=300, quorum=151, p_present=(0.9, 0.9),
                position_krw=(1.3, 1.1), yes_propensity=(0.95, 0.6), whip_scale=0.01, member_scale=0.15,
                shock_sd=0.15)
    widths = [_width(LegislatureModel(discipline=(d, d), **base)) for d in (0.2, 0.6, 0.9, 1.0)]
    assert all(a > b for a, b in zip(widths, widths[1:])), widths
    assert widths[-1] < 0.05 < widths[0]


def test_sma_curve_500_amounts_is_fast(sma):
    model = legislature_model(sma, "2020-03-11")
    x = np.linspace(5e11, 6e12, 500)
    model.consent_probability(x[:3])  # warm the compiled kernel
    t0 = time.perf_counter()
    p = model.consent_probability(x)
    assert time.perf_counter() - t0 < 1.0  # two attendance levels: two kernel passes of about 0.25 s
    assert np.all(np.diff(p) <= 1e-12)


def test_fast_result_within_certified_bound_of_exact(sma):
    model = legislature_model(sma, "2020-03-11")
    x = np.array([1.0e12, 1.12e12, 1.3e12])
    fast = model.consent(x)
    exact = model.consent(x, quorum_mode="exact")
    assert fast.method == "margin" and exact.method == "joint"
    assert 0 < fast.error_bound < 1e-4  # the attendance mixture's certified bound (LegislatureModel.consent)
    assert np.all(np.abs(fast.p_consent - exact.p_consent) <= fast.error_bound + 1e-12)


def test_predicted_votes_add_up(sma):
    model = legislature_model(sma, "2020-06-01")
    pred = model.predicted_votes(1.1e12)
    for y, n, a, s in zip(pred.yes, pred.not_yes, pred.absent, pred.seats):
        assert y + n + a == pytest.approx(s)
    yes, not_yes, absent = pred.totals
    assert yes > not_yes  # the ruling majority backs a deal inside its line
    assert 0.5 < pred.p_consent <= 1.0
    assert {r["bloc"] for r in pred.rows()} == set(pred.blocs)


def test_model_validation():
    with pytest.raises(SpecError):
        LegislatureModel.with_yes_probabilities([10], [1.0])
    with pytest.raises(SpecError):
        LegislatureModel.deterministic([1.0], [10]).consent_probability([0.0])
    with pytest.raises(SpecError):
        LegislatureModel.deterministic([1.0], [10]).positions(0)


def test_params_override_and_duration(sma):
    m1 = legislature_model(sma, "2020-06-01", params=LegislatureParams(attendance=1.0, discipline=1.0))
    assert set(m1.p_present) == {1.0}
    assert m1.discipline[m1.blocs.index("liberal")] == 1.0
    assert m1.discipline[m1.blocs.index("independent")] == 0.0  # no party line
    assert m1.positions(5)[0] > m1.positions(1)[0]


# ----------------------------------------------------------------- calibration
def test_calibration_fit_and_caveat():
    c = calibrate()
    votes = consent_votes()
    assert c.attendance == pytest.approx(sum(v.present for v in votes) / sum(v.seated for v in votes))
    assert c.attendance == pytest.approx(386 / 598)
    lo, hi = c.opposition_yes_propensity_interval
    assert 0.0 < lo < c.opposition_yes_propensity < hi < 1.0
    assert hi - lo > 0.1  # two votes: a wide interval
    for v in c.votes:
        assert abs(v.predicted_yes - v.recorded_yes) < 10
        assert v.predicted_absent == pytest.approx(v.recorded_absent, abs=2)
    # freeing the ruling propensity gives an implausible exact fit (ruling below opposition)
    assert c.unconstrained[0] < c.unconstrained[1]
    text = calibration_report(c)
    for phrase in ("censored", "expect to pass", "ASSUMED", "131", "139", "tagged"):
        assert phrase in text
    assert c.as_dict()["votes"][1]["by_bloc"][0]["bloc"] == "liberal"


def test_calibration_by_bloc_tags_2019():
    c = calibrate()
    v2019 = c.votes[1]
    prog = next(b for b in v2019.blocs if b.bloc == "progressive")
    assert prog.tagged_not_yes == 5  # Justice 4 no + Minjung 1 no
    assert prog.predicted_yes == 0.0
    assert v2019.untagged_not_yes == 39
    assert all(math.isnan(b.tagged_not_yes) for b in c.votes[0].blocs)  # no 2014 breakdown


def test_scenario_attendance_matches_calibration(sma):
    assert sma.legislature.attendance_rate == pytest.approx(calibrate().attendance, abs=1e-4)


def test_dates_accept_iso_and_date(sma):
    a = legislature_model(sma, "2020-06-01").consent_probability([1.1e12])
    b = legislature_model(sma, dt.date(2020, 6, 1)).consent_probability([1.1e12])
    assert a.tolist() == b.tolist()


def test_disciplined_majority_collapses_win_set_to_ruling_position(sma):
    # DESIGN.md §4 / THEORY.md §10: with a disciplined 180-seat majority the win-set is the ruling
    # bloc's own position (the executive's constraint mixed with its base's opinion).
    from burdenshare.legislature import win_set

    params = LegislatureParams(discipline=1.0, whip_scale=0.0)
    model = legislature_model(sma, "2020-06-01", params=params)
    top = win_set(sma, "2020-06-01", params=params).max_amount_krw
    ruling = model.position_krw[model.blocs.index("liberal")]
    assert abs(top - ruling) <= 10e9  # one grid step
    # before the new Assembly no bloc holds a majority and the win-set is not the ruling position alone
    pre = legislature_model(sma, "2020-05-29", params=params)
    assert max(pre.seats) < 151


def test_per_bloc_attendance(sma):
    params = LegislatureParams(attendance={"liberal": 0.9, "conservative": 0.4})
    model = legislature_model(sma, "2020-06-01", params=params)
    presence = dict(zip(model.blocs, model.p_present))
    assert presence["liberal"] == 0.9 and presence["conservative"] == 0.4
    assert presence["centrist"] == sma.legislature.attendance_rate
    pred = model.predicted_votes(1.0e12)
    assert pred.absent[model.blocs.index("conservative")] == pytest.approx(103 * 0.6)


def test_quorum_counts_seated_members():
    # Art. 49: a majority of the members on the register; five vacancies in Nov 2019 -> 148 of 295
    s = load_scenario("sma-2020-hindsight", ["legislature.periods.0.from=2019-11-18",
                                   "legislature.periods.0.seats={liberal=129, conservative=108, centrist=32, "
                                   "progressive=7, far_right=2, independent=17}"])
    model = legislature_model(s, "2019-12-01")
    assert sum(model.seats) == 295 and model.quorum == 148
    assert legislature_model(load_scenario("sma-2020-hindsight"), "2020-06-01").quorum == 151
