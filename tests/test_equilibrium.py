"""Equilibrium play (burdenshare.solver.scenario): the exact solver on a scenario's two-level game.

Closed forms through the real pipeline (scenario -> consent -> solver): THEORY.md §7 spec A/B
(TIOLI with a veto, Mo 1995), §6's SMA illustration (Iida 1993 / Tarar 2001), the Schelling
tied-hands check (§2), and consistency of ``solve_scenario`` on ``sma-2020-hindsight``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from burdenshare.actors import president_approval
from burdenshare.engine.floor_vote import floor_vote
from burdenshare.solver.scenario import consent_cube, solve_scenario
from burdenshare.errors import SpecError
from burdenshare.legislature import (
    LegislatureModel,
    LegislatureParams,
    amount_grid,
    consent_probability,
    tioli_on_curve,
    win_set,
)
from burdenshare.scenario import load_scenario

#: A constructed two-level game on the sma-2020-hindsight calendar: L = 1.0 tn, H = 2.0 tn, no impasse
#: costs, no presidential veto, the executive submits whatever is initialled (and weighs no base
#: opinion of its own: the theory's host is the legislature alone), one-year deals, no term costs.
CONSTRUCTED = [
    "strategies.us.reservation_value_krw=1.0e12",
    "strategies.rok.reservation_value_krw=2.0e12",
    "parties.principal.approval_required=false",
    "parties.host_executive.submission=immediate",
    "parties.host_executive.opinion_weight=0",
    "protocol.overtime.per_round_cost_krw={us=0.0, rok=0.0}",
    "levers.allowed_durations=[1]",
    # the theory's game has one issue, the amount: neither side values the term
    "strategies.us.term_preference.weight_krw=0.0",
    "strategies.rok.term_preference.weight_krw=0.0",
]
TIOLI = [*CONSTRUCTED, "protocol.n_steps=1"]


@pytest.fixture(scope="module")
def tioli() -> object:
    return load_scenario("sma-2020-hindsight", TIOLI)


@pytest.fixture(scope="module")
def sma() -> object:
    return load_scenario("sma-2020-hindsight")


@pytest.fixture(scope="module")
def sma_eq(sma: object) -> object:
    return solve_scenario(sma)


def test_theory_7b_tioli_uniform_veto(tioli: object) -> None:
    """THEORY §7 spec B: L = 1, M ~ U[1.1, 1.9] -> x* = 1.45, P = 0.5625, E[gain] = 0.253125."""
    eq = solve_scenario(tioli, consent=lambda x, d, m: np.clip((1.9e12 - x) / 0.8e12, 0.0, 1.0))
    assert eq.agreement and eq.round == 0 and eq.proposer == "us"
    assert eq.amount_krw == pytest.approx(1.45e12)
    assert eq.p_consent == pytest.approx(0.5625)
    assert eq.p_agreement == pytest.approx(0.5625)
    assert eq.value_us_krw == pytest.approx(0.253125e12, rel=1e-9)
    assert eq.value_rok_krw == pytest.approx(0.5625 * (2.0e12 - 1.45e12), rel=1e-9)


def test_theory_7a_veto_player_through_legislature_model(tioli: object) -> None:
    """THEORY §7 spec A with the legislature's deterministic limit (§1 blocs): x* = min(H, M)."""
    det = LegislatureModel.deterministic([1.35e12, 1.2e12, 1.1e12], [180, 17, 103])
    eq = solve_scenario(tioli, consent=lambda x, d, m: det.consent_probability(x, m))
    assert eq.amount_krw == pytest.approx(1.35e12) and eq.p_consent == 1.0
    tight = load_scenario("sma-2020-hindsight", [*TIOLI, "strategies.rok.reservation_value_krw=1.3e12"])
    eq = solve_scenario(tight, consent=lambda x, d, m: det.consent_probability(x, m))
    assert eq.amount_krw == pytest.approx(1.3e12) and eq.p_consent == 1.0


def test_theory_6_sma_illustration_alternating_offers() -> None:
    """THEORY §6: L = 1, H = 2, M = 1.3, delta = 0.9, US proposes -> x = 1.3 (tied hands)."""
    s = load_scenario("sma-2020-hindsight", [*CONSTRUCTED, "strategies.us.discount_factor=0.9",
                                   "strategies.rok.discount_factor=0.9"])
    assert len(s.round_dates()) == 13
    eq = solve_scenario(s, consent=lambda x, d, m: (x <= 1.3e12 + 1.0).astype(float))
    assert eq.round == 0 and eq.amount_krw == pytest.approx(1.3e12) and eq.p_agreement == 1.0


def test_tioli_on_real_curve_matches_legislature_tioli(tioli: object) -> None:
    eq = solve_scenario(tioli)
    grid = amount_grid(tioli)
    day = tioli.round_dates()[0]
    ref = tioli_on_curve(grid, consent_probability(tioli, grid, day), 1.0e12)
    assert eq.amount_krw == ref.offer_krw
    assert eq.p_consent == pytest.approx(ref.p_consent, rel=1e-12)
    assert eq.value_us_krw == pytest.approx(ref.expected_gain_krw, rel=1e-9)


def test_schelling_tied_hands(tioli: object) -> None:
    """THEORY §2: a more hawkish public or a stricter majority lowers the US's take (weakly),
    while agreement still happens; the host gains."""
    base = solve_scenario(tioli)
    hawk_weight = solve_scenario(load_scenario("sma-2020-hindsight", [*TIOLI, "legislature.opinion_weight_pre_election=0.9"]))
    hawk_public = solve_scenario(tioli, params=LegislatureParams(wtp_multiplier=0.8))
    stricter = solve_scenario(tioli, params=LegislatureParams(majority=Fraction(2, 3)))
    for eq in (hawk_weight, hawk_public, stricter):
        assert eq.agreement
        assert eq.amount_krw <= base.amount_krw
        assert eq.value_us_krw < base.value_us_krw
    assert hawk_weight.amount_krw < base.amount_krw
    assert hawk_public.amount_krw < base.amount_krw


def test_sma_2020_benchmark_is_consistent(sma: object, sma_eq: object) -> None:
    """The US election is a chance node at the inauguration: one path before it, one per branch
    after it; agreement needs the change of administration, so P(agreement) <= q."""
    eq = sma_eq
    dates = sma.round_dates()
    inaug = next(e.date for e in sma.events if e.kind == "inauguration")
    pre = [d for d in dates if d < inaug]
    post = [d for d in dates if d >= inaug]
    assert [r.date for r in eq.path] == pre + post + post
    assert [r.branch for r in eq.path] == [None] * len(pre) + ["no change"] * len(post) + ["change"] * len(post)
    proposers = ["us", "rok"] * 7
    assert [r.proposer for r in eq.path] == proposers[: len(pre)] + proposers[len(pre): len(dates)] * 2
    assert sum(r.p_agreement for r in eq.path) == pytest.approx(eq.p_agreement)
    q = sma.parties.principal.p_administration_change
    assert all(r.p_agreement == 0.0 for r in eq.path if r.branch != "change")
    assert 0.0 < eq.p_agreement <= q
    assert eq.agreement and eq.branch == "change" and eq.date >= inaug and eq.p_approval == 1.0
    _check_agreement(sma, eq)
    js = eq.to_json()
    assert js["branch"] == "change" and js["path"][-1]["branch"] == "change"


def test_no_change_of_administration_no_agreement() -> None:
    """q = 0: the President's floor lies above every text the host can ratify, so there is no
    agreement and each side pays every round's impasse cost (13 rounds, KRW 5 bn, delta 0.97)."""
    s = load_scenario("sma-2020-hindsight", ["parties.principal.p_administration_change=0"])
    eq = solve_scenario(s)
    cost = 5e9 * sum(0.97**t for t in range(len(s.round_dates())))
    assert not eq.agreement and eq.p_agreement == 0.0 and all(r.branch is None for r in eq.path)
    assert eq.value_us_krw == pytest.approx(-cost) and eq.value_rok_krw == pytest.approx(-cost)


def test_election_chance_node_is_linear_in_q_when_only_the_change_agrees() -> None:
    """Exact chance node: when neither the first-term President's branch nor the rounds before it
    can agree, P(agreement) = q x P(agreement | change), and the change branch's play does not
    depend on q (the players know the result when they act on it)."""
    base = solve_scenario(load_scenario("sma-2020-hindsight", ["parties.principal.p_administration_change=1"]))
    for q in (0.25, 0.5, 0.7):
        eq = solve_scenario(load_scenario("sma-2020-hindsight", [f"parties.principal.p_administration_change={q}"]))
        assert eq.p_agreement == pytest.approx(q * base.p_agreement, rel=1e-12)
        assert (eq.amount_krw, eq.duration_years, eq.date) == (base.amount_krw, base.duration_years, base.date)


def _check_agreement(s: object, eq: object) -> None:
    w = win_set(s, eq.date, eq.submit_threshold, eq.duration_years)
    assert eq.amount_krw in w
    assert eq.p_consent == pytest.approx(consent_probability(s, eq.amount_krw, eq.date, eq.duration_years), rel=1e-12)
    assert eq.p_consent >= eq.submit_threshold


def test_sma_2020_variant_agreement_inside_win_set() -> None:
    """With lower US and presidential reservation values the benchmark agrees: the amount lies
    in the win-set at the vote date and its P(consent) is legislature.consent_probability's."""
    s = load_scenario("sma-2020-hindsight", ["strategies.us.reservation_value_krw=1.0e12",
                                   "parties.principal.reservation_value_krw=1.0e12"])
    eq = solve_scenario(s)
    assert eq.agreement and eq.round == 0 and eq.date.isoformat() == "2020-03-18"
    _check_agreement(s, eq)
    assert eq.increase_pct == pytest.approx(100 * (eq.amount_krw / 1_038.9e9 - 1))
    assert eq.amount_usd == pytest.approx(eq.amount_krw / 1180.20)
    for r in eq.path:
        if r.offer_krw is not None and r.accepted:
            assert r.p_ratified == pytest.approx(r.p_approval * (r.p_consent if r.p_consent >= 0.5 else 0.0))
    assert 0.0 < eq.p_agreement <= 1.0


def test_consent_cube_is_time_varying_and_exact(sma: object) -> None:
    dates = [sma.round_dates()[0], sma.round_dates()[3]]  # 20th Assembly, pre-election vs 21st Assembly
    x = np.array([1.0e12, 1.15e12, 1.3e12])
    cube = consent_cube(sma, dates, (1, 3), x)
    assert cube.shape == (2, 2, 3)
    assert not np.allclose(cube[0], cube[1])
    for t, d in enumerate(dates):
        for i, m in enumerate((1, 3)):
            np.testing.assert_allclose(cube[t, i], consent_probability(sma, x, d, m), rtol=1e-12)


def test_president_approval_changes_at_inauguration(sma: object) -> None:
    dates = sma.round_dates()
    x = np.array([1.1e12, 1.25e12, 1.8e12])
    a = president_approval(sma, dates, x)
    first_after = next(t for t, d in enumerate(dates) if d.isoformat() >= "2021-01-20")
    assert a[0].tolist() == [0.0, 0.0, 1.0]
    assert a[first_after].tolist() == [0.0, 0.5, 1.0]


def test_bad_durations(sma: object) -> None:
    with pytest.raises(SpecError) as err:
        solve_scenario(sma, durations=[7])
    assert err.value.field == "durations"
    with pytest.raises(SpecError) as err:
        solve_scenario(sma, submit_threshold=1.5)
    assert err.value.field == "submit_threshold"


def test_transparency_enters_the_benchmark() -> None:
    """With levers.transparency > 0 the host consent uses the statement's justified amount."""
    from burdenshare.legislature import legislature_model

    over = ["strategies.us.reservation_value_krw=1.0e12", "parties.principal.reservation_value_krw=1.0e12",
            "levers.allowed_durations=[1]"]
    s = load_scenario("sma-2020-hindsight", [*over, "levers.transparency=1.0"])
    eq = solve_scenario(s)
    assert eq.agreement
    model = legislature_model(s, eq.date)  # the scenario's world carries its statement
    fv = floor_vote(s)  # the Assembly a run reads (the floor vote's noise scale)
    assert eq.p_consent == pytest.approx(float(fv.consent(model.consent_probability([eq.amount_krw], 1))[0]), rel=1e-12)
    opaque_model = legislature_model(load_scenario("sma-2020-hindsight", over), eq.date)
    assert eq.p_consent != pytest.approx(float(fv.consent(opaque_model.consent_probability([eq.amount_krw], 1))[0]),
                                         rel=1e-6)
    opaque = solve_scenario(load_scenario("sma-2020-hindsight", over))
    assert eq.amount_krw >= opaque.amount_krw  # the $5 bn statement raises what the public accepts


def test_executive_ceiling_binds_in_the_benchmark() -> None:
    """The executive answering to its base (DESIGN.md §4): no equilibrium text lies above
    M_E = exp((1 - w) ln H + w ln m_base(t)) at its date, and with w = 0 the constraint is absent."""
    import math

    from burdenshare.actors import executive_approval
    from burdenshare.legislature.from_scenario import base_median_krw

    s = load_scenario("sma-2020-hindsight", [*CONSTRUCTED, "parties.host_executive.opinion_weight=0.8"])
    eq = solve_scenario(s)
    day = eq.path[0].date
    h = float(s.strategies["rok"].reservation_value_krw)
    ceiling = math.exp(0.2 * math.log(h) + 0.8 * math.log(base_median_krw(s, day)))
    assert eq.agreement and eq.amount_krw is not None
    first = next(r for r in eq.path if r.accepted)
    assert first.offer_krw <= ceiling
    grid = np.array([0.9e12, ceiling * 0.999, ceiling * 1.001, 2.5e12])
    assert executive_approval(s, [day], grid, h).tolist() == [[1.0, 1.0, 0.0, 0.0]]
    free = load_scenario("sma-2020-hindsight", CONSTRUCTED)
    assert executive_approval(free, [day], grid, h).tolist() == [[1.0, 1.0, 1.0, 1.0]]
    assert solve_scenario(free).amount_krw > first.offer_krw
