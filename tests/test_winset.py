"""Win-sets on the bundled sma-2020-hindsight scenario: Putnam (size), Schelling (tied hands), uncertainty
(Mo / Iida), the new Assembly of 30 May 2020, JSON, agenda control (THEORY.md §1, §2, §7)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from burdenshare.errors import SpecError
from burdenshare.legislature import (
    LegislatureParams,
    amount_grid,
    consent_probability,
    predicted_votes,
    submission_date,
    submission_decision,
    tioli_on_curve,
    win_set,
    win_set_2d,
    win_set_from_curve,
)
from burdenshare.scenario import load_scenario
from burdenshare.theory.ratification import tioli_offer

PRE = "2020-03-11"  # scenario as_of: 20th Assembly, 35 days before the election
LAME_DUCK = "2020-05-29"  # after the election, old seats
NEW = "2020-05-30"  # the 21st Assembly sits
US_RESERVATION = 0.9e12  # illustrative L below the win-set (overlap)

# The opposition blocs' lines set far below the executive's: only the ruling bloc says yes.
HAWKISH_OPPOSITION = LegislatureParams(party_lines={
    "liberal": 1.2, "conservative": 0.5, "centrist": 0.5, "progressive": 0.5, "far_right": 0.5,
    "independent": None, "unattributed": None,
}, ruling_yes_propensity=0.95)  # a ruling bloc that votes its line (the fitted 0.71 cannot carry a vote alone)


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2020-hindsight")


def test_win_set_basic_and_monotone(sma):
    w = win_set(sma, PRE)
    assert not w.empty and w.max_amount_krw is not None
    p = np.array(w.p_consent)
    assert np.all(np.diff(p) <= 1e-12)  # non-increasing in the amount
    assert len(w.curve) == amount_grid(sma).size == 551
    assert w.max_amount_krw in w and (w.max_amount_krw + 1e10) not in w
    assert w.error_bound < 1e-4


def test_before_and_after_election_win_sets(sma):
    before = win_set(sma, PRE)
    after = win_set(sma, NEW)
    # before the election the opinion weight is higher and the ruling camp's base is the least
    # willing to pay: the win-set is smaller
    assert before.max_amount_krw < after.max_amount_krw
    assert round(before.max_amount_krw / 1e9) == 1130 and round(after.max_amount_krw / 1e9) == 1170


def test_new_assembly_changes_the_win_set_as_the_seats_imply(sma):
    # Same opinion weight (both after the election); only the seats change on 30 May.
    old = consent_probability(sma, [1.0e12, 1.1e12], LAME_DUCK, params=HAWKISH_OPPOSITION)
    new = consent_probability(sma, [1.0e12, 1.1e12], NEW, params=HAWKISH_OPPOSITION)
    # 129 ruling seats cannot carry a majority of those present alone; 183 can
    assert np.all(old < 0.25) and np.all(new > 0.75)
    assert win_set(sma, LAME_DUCK, params=HAWKISH_OPPOSITION).max_amount_krw < 1.0e12
    assert win_set(sma, NEW, params=HAWKISH_OPPOSITION).max_amount_krw > 1.1e12
    # and with default lines the consent curves differ too
    a = np.array(win_set(sma, LAME_DUCK).p_consent)
    b = np.array(win_set(sma, NEW).p_consent)
    assert np.max(np.abs(a - b)) > 0.01


def test_stricter_quota_shrinks_the_win_set(sma):
    tops = [win_set(sma, PRE, params=LegislatureParams(majority=m)).max_amount_krw
            for m in (Fraction(1, 2), Fraction(3, 5), Fraction(2, 3))]
    assert tops[0] > tops[1] > tops[2]
    # a stricter quorum (exact joint computation: the quorum binds, so only three amounts)
    x = [1.0e12, 1.1e12, 1.2e12]
    strict = consent_probability(sma, x, PRE, params=LegislatureParams(quorum=185))
    assert np.all(strict < consent_probability(sma, x, PRE))


def test_more_hawkish_public_shrinks_the_win_set(sma):
    for date in (PRE, NEW):
        tops = [win_set(sma, date, params=LegislatureParams(wtp_multiplier=m)).max_amount_krw for m in (1.0, 0.8, 0.6)]
        assert tops[0] > tops[1] > tops[2]


def test_schelling_tied_hands_under_tioli(sma):
    # THEORY.md §2 (1): while the win-set still overlaps the US reservation, shrinking it moves the
    # US take-it-or-leave-it optimum on the consent curve down, i.e. the ROK pays less.
    grid = amount_grid(sma)
    offers = []
    for m in (1.0, 0.8, 0.6):
        p = consent_probability(sma, grid, NEW, params=LegislatureParams(wtp_multiplier=m))
        o = tioli_on_curve(grid, p, US_RESERVATION)
        assert o is not None and o.offer_krw >= US_RESERVATION
        offers.append(o.offer_krw)
    assert offers[0] > offers[1] > offers[2]


def test_no_overlap_means_no_agreement(sma):
    # THEORY.md §2 (2): in the no-noise limit the win-set is [0, pivot]; a US reservation above it
    # leaves no amount with a positive consent probability, so no agreement.
    sure = LegislatureParams(discipline=1.0, whip_scale=0.0, member_scale=0.0, shock_sd=0.0, defection=0.0,
                             attendance=1.0, attendance_sd=0.0)
    grid = amount_grid(sma)
    p = consent_probability(sma, grid, NEW, params=sure)
    top = win_set(sma, NEW, params=sure).max_amount_krw
    assert np.all(p[grid > top] == 0.0)
    assert tioli_on_curve(grid, p, top + 1e10) is None
    inside = tioli_on_curve(grid, p, US_RESERVATION)
    assert inside.offer_krw == top and inside.failure_probability < 1e-9  # the pivot's maximum (§6/§7)


def test_uncertainty_raises_failure_probability(sma):
    # THEORY.md §2 (3) / §7: a known (step) win-set is exploited exactly and never fails; the more
    # uncertain the legislature, the likelier the proposer's optimal offer fails.
    grid = amount_grid(sma)
    failures = []
    for sd in (0.0, 0.05, 0.1, 0.2):
        params = LegislatureParams(shock_sd=sd, member_scale=sd, whip_scale=sd / 3, discipline=1.0,
                                   attendance_sd=sd)
        p = consent_probability(sma, grid, NEW, params=params)
        o = tioli_on_curve(grid, p, US_RESERVATION)
        assert o is not None
        failures.append(o.failure_probability)
    assert failures[0] < 1e-8  # members' yes propensities below 1 (0.71, 0.73): a step up to binomial tails
    assert failures[0] < failures[1] < failures[2] < failures[3]


def test_tioli_step_curve_matches_theory_spec_a():
    # THEORY.md §7 spec A: x* = min(H, M) with a deterministic ceiling.
    grid = np.round(np.arange(1.0, 2.001, 0.01), 2)
    p = (grid <= 1.3).astype(float)
    o = tioli_on_curve(grid, p, 1.0)
    assert o.offer_krw == pytest.approx(tioli_offer(2.0, 1.3)) and o.failure_probability == 0.0


def test_empty_win_set_is_a_result(sma):
    hawk = LegislatureParams(wtp_multiplier=0.2, majority=Fraction(2, 3))
    w = win_set(sma, PRE, level=0.9, params=hawk, amounts_krw=np.linspace(1.2e12, 3e12, 50))
    assert w.empty and w.max_amount_krw is None
    assert "empty" in w.message
    data = json.loads(json.dumps(w.to_json()))
    assert data["max_amount_krw"] is None and len(data["curve"]) == 50


def test_to_json_shape(sma):
    w = win_set(sma, NEW, 0.8, duration_years=3)
    data = json.loads(json.dumps(w.to_json()))
    assert set(data) == {"date", "level", "duration_years", "max_amount_krw", "curve", "vote_noise_scale"}
    assert data["date"] == NEW and data["level"] == 0.8 and data["duration_years"] == 3
    assert set(data["curve"][0]) == {"amount_krw", "p_consent"}
    assert all(0.0 <= c["p_consent"] <= 1.0 for c in data["curve"])


def test_win_set_2d(sma):
    w2 = win_set_2d(sma, NEW)
    assert w2.p_consent.shape == (len(sma.levers.allowed_durations), 551)
    tops = [t for t in w2.max_amount_krw if t is not None]
    assert tops == sorted(tops)  # longer terms slightly easier (duration_elasticity > 0)
    row = w2.row(1)
    assert row.max_amount_krw == win_set(sma, NEW, duration_years=1).max_amount_krw
    assert json.loads(json.dumps(w2.to_json()))["durations"] == list(w2.durations)
    with pytest.raises(SpecError):
        win_set(sma, NEW, duration_years=9)


def test_consent_probability_scalar_and_vector(sma):
    p = consent_probability(sma, 1.1e12, NEW)
    v = consent_probability(sma, np.array([1.1e12, 1.2e12]), NEW)
    assert isinstance(p, float) and p == pytest.approx(v[0])
    with pytest.raises(SpecError):
        win_set(sma, NEW, level=0.0)


def test_predicted_votes_by_bloc(sma):
    pred = predicted_votes(sma, 1.1e12, NEW)
    assert pred.blocs[0] == "liberal"
    assert sum(pred.yes) + sum(pred.not_yes) + sum(pred.absent) == pytest.approx(300)


def test_predicted_votes_read_the_floor_vote(sma):
    """Expected counts are the model's at every kappa (kappa keeps each text's distance from the
    pivot); the probability of passing beside them is Phi(Phi^-1(C)/kappa) (oracle: scipy), by
    default at the scenario's calibrated kappa* (0.153: 0.865 at kappa = 1 -> 1 - 2.9e-13)."""
    from scipy.stats import norm

    from burdenshare.engine.floor_vote import floor_vote

    one = predicted_votes(sma, 1.1e12, NEW, vote_noise_scale=1.0)
    half = predicted_votes(sma, 1.1e12, NEW, vote_noise_scale=0.5)
    cal = predicted_votes(sma, 1.1e12, NEW)
    assert half.totals == one.totals == cal.totals and half.rows() == one.rows()
    assert one.p_consent == pytest.approx(0.8649076746518191, rel=1e-9)
    assert half.p_consent == pytest.approx(float(norm.cdf(norm.ppf(one.p_consent) / 0.5)), rel=1e-9)
    kappa = floor_vote(sma).kappa
    assert cal.p_consent == pytest.approx(float(norm.cdf(norm.ppf(one.p_consent) / kappa)), rel=1e-9)
    assert 1.0 - cal.p_consent == pytest.approx(2.892e-13, rel=1e-2)


def test_agenda_control(sma):
    assert submission_decision(0.7, 0.5).submit
    assert not submission_decision(0.7, 0.8).submit
    with pytest.raises(SpecError):
        submission_decision(1.2, 0.5)
    # a deal the old Assembly would likely reject is submitted once the new Assembly sits
    first, probs = submission_date(sma, 1.15e12, [PRE, "2020-04-20", NEW], threshold=0.6)
    assert probs[0] < 0.6 <= probs[2]
    assert first is not None and first.isoformat() in ("2020-04-20", NEW)


def test_win_set_from_curve_direct():
    w = win_set_from_curve("2020-06-01", 0.5, 1, [1.0, 2.0, 3.0], [0.9, 0.6, 0.1])
    assert w.max_amount_krw == 2.0 and w.curve == [(1.0, 0.9), (2.0, 0.6), (3.0, 0.1)]


def test_higher_level_smaller_win_set(sma):
    tops = [win_set(sma, NEW, level).max_amount_krw for level in (0.1, 0.5, 0.8, 0.95)]
    assert tops == sorted(tops, reverse=True) and tops[0] > tops[-1]
