"""Tests of the two-level engine (burdenshare.engine): draws, kernel = reference, invariants."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from _kernel_ref import assert_kernel_rows_equal_reference
from burdenshare.engine import BLOCK_SIZE, simulate
from burdenshare.engine.consent import build_consent_bank
from burdenshare.engine.draws import DrawLayout, draw_range
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.plan import build_plan, draw_columns, relative_times
from burdenshare.errors import ScenarioError, SpecError
from burdenshare.scenario import load_scenario

# Variants that make agreements frequent: the host submits every signed text, the US concedes early.
IMMEDIATE = ["parties.host_executive.submission=immediate", "strategies.us.kind=conceder", "strategies.us.exponent=0.3333333333333333"]


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2020-hindsight")


def _kernel_vs_reference(scenario, draws: int, seed: int, bank_size: int = 1) -> None:
    plan = build_plan(scenario)
    bank = build_consent_bank(scenario, plan, seed, bank_size)
    layout = DrawLayout.from_scenario(scenario, plan.n_rounds)
    chunk = draw_range(layout, seed, 0, -(-draws // BLOCK_SIZE), draws)
    cols = draw_columns(scenario, layout, chunk, bank.size)
    oi, of = run_kernel(plan, bank.table, bank.winset, cols, chunk.u_vote, bank.offset,
                        base_log_median=bank.base_log_median)
    assert oi.shape[0] == draws
    assert_kernel_rows_equal_reference(plan, bank, cols, chunk.u_vote, oi, of)


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        IMMEDIATE,
        IMMEDIATE + ["protocol.first_proposer=rok", "protocol.after_rejection=end", "levers.allowed_durations=[1,3]"],
        ["strategies.us.kind=hardliner", "strategies.rok.duration_preference=none", "levers.furlough_from=none"],
        ["strategies.us.concession_deadline=2020-06-01", "strategies.rok.concession_deadline=2020-09-30"],
        ["strategies.us.kind=tit_for_tat", "parties.host_executive.opinion_weight=0.9"],
        ["strategies.rok.kind=tit_for_tat", "strategies.rok.concession_deadline=2020-12-31"],
        IMMEDIATE + ["strategies.rok.kind=tit_for_tat", "strategies.us.kind=linear", "strategies.us.exponent=1.0",
                     "protocol.first_proposer=rok"],
        IMMEDIATE + ["strategies.rok.kind=winset_aware", "strategies.rok.exponent=3.0"],
        ["strategies.us.kind=winset_aware", "strategies.rok.kind=winset_aware", "strategies.rok.exponent=3.0",
         "protocol.first_proposer=rok"],
        IMMEDIATE + ["strategies.us.kind=winset_aware", "parties.host_executive.opinion_weight=0.5"],
    ],
)
def test_kernel_equals_reference_exactly(overrides):
    """Every output of the batch kernel equals the scalar reference on the same draws."""
    _kernel_vs_reference(load_scenario("sma-2020-hindsight", overrides), draws=1500, seed=3)


def test_table_offset_changes_no_outcome():
    """Tables start at the lowest reachable US demand; starting at the grid's bottom changes nothing."""
    s = load_scenario("sma-2020-hindsight", IMMEDIATE)
    plan = build_plan(s)
    short = build_consent_bank(s, plan, 2, 1)
    full = build_consent_bank(s, plan, 2, 1, full=True)
    assert short.offset > 0 and full.offset == 0
    assert np.array_equal(full.table[..., short.offset:], short.table)
    layout = DrawLayout.from_scenario(s, plan.n_rounds)
    chunk = draw_range(layout, 2, 0, 2, 2048)
    cols = draw_columns(s, layout, chunk, 1)
    a = run_kernel(plan, short.table, short.winset, cols, chunk.u_vote, short.offset,
                   base_log_median=short.base_log_median)
    b = run_kernel(plan, full.table, full.winset, cols, chunk.u_vote, full.offset,
                   base_log_median=full.base_log_median)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True)


def test_draws_identical_across_chunkings(sma):
    plan = build_plan(sma)
    layout = DrawLayout.from_scenario(sma, plan.n_rounds)
    n = 3 * BLOCK_SIZE + 17
    whole = draw_range(layout, 5, 0, 4, n)
    parts = [draw_range(layout, 5, b, 1, n) for b in range(4)]
    three = [draw_range(layout, 5, 0, 3, n), draw_range(layout, 5, 3, 1, n)]
    for pieces in (parts, three):
        for attr in ("index", "params", "uniforms", "u_vote"):
            assert np.array_equal(getattr(whole, attr), np.concatenate([getattr(p, attr) for p in pieces]))
    assert len(whole) == n


def test_simulate_chunk_size_invariant(sma):
    n = 3 * BLOCK_SIZE + 5
    runs = [simulate(sma, draws=n, seed=11, chunk_size=c, bank_size=2) for c in (BLOCK_SIZE, 3 * BLOCK_SIZE, None)]
    for r in runs[1:]:
        for k in runs[0].outcomes:
            assert np.array_equal(runs[0].outcomes[k], r.outcomes[k], equal_nan=True), k
        assert json.dumps(r.summary()) == json.dumps(runs[0].summary())


def test_same_seed_same_json_and_other_seed_differs():
    s = load_scenario("sma-2020-hindsight", IMMEDIATE)
    a = json.dumps(simulate(s, draws=2000, seed=4, bank_size=1).summary(), allow_nan=False)
    b = json.dumps(simulate(s, draws=2000, seed=4, bank_size=1).summary(), allow_nan=False)
    c = json.dumps(simulate(s, draws=2000, seed=5, bank_size=1).summary(), allow_nan=False)
    assert a == b
    assert a != c


@pytest.mark.parametrize("overrides", [[], IMMEDIATE, ["levers.transparency=0.8"]])
def test_ratified_at_most_agreed(overrides):
    r = simulate(load_scenario("sma-2020-hindsight", overrides), draws=3000, seed=0, bank_size=1)
    s = r.summary()
    assert 0.0 <= s["p_ratified"] <= s["p_agreement"] <= 1.0
    o = r.outcomes
    assert np.all(o["ratified"] <= o["agreed"])
    by = list(s["p_agreement_by"].values())
    assert by == sorted(by) and by[-1] <= s["p_agreement"]


def test_consent_table_non_increasing_in_amount(sma):
    plan = build_plan(sma)
    bank = build_consent_bank(sma, plan, 11, 2)  # the bank of test_simulate_chunk_size_invariant (cached)
    assert np.all(np.diff(bank.table, axis=3) <= 1e-12)
    assert np.all((bank.table >= 0) & (bank.table <= 1))


def test_larger_us_ask_lowers_consent():
    """An obstinate US that holds its ask, a host that accepts it: the vote is on the ask itself."""
    base = ["strategies.us.kind=hardliner", "parties.host_executive.submission=immediate",
            "strategies.rok.reservation_value_krw=1.9e12", "uncertainty.1.low=1.85e12", "uncertainty.1.high=1.95e12",
            "parties.principal.reservation_value_krw=1.0e12", "uncertainty.2.low=1.0e12", "uncertainty.2.high=1.1e12",
            "uncertainty.3.low=0.0", "uncertainty.3.high=1e-9",  # no change of US administration
            "strategies.rok.kind=conceder", "strategies.rok.exponent=0.2",
            "parties.host_executive.opinion_weight=0"]  # the executive signs what its negotiator accepts
    low = simulate(load_scenario("sma-2020-hindsight", base + ["levers.us_ask_usd=1.1e9"]), draws=2048, seed=0, bank_size=1).summary()
    high = simulate(load_scenario("sma-2020-hindsight", base + ["levers.us_ask_usd=1.5e9"]), draws=2048, seed=0, bank_size=1).summary()
    assert low["mean_p_consent"] > high["mean_p_consent"]
    assert low["p_ratified"] >= high["p_ratified"]


def test_multiyear_deals_mean_fewer_expected_lapses():
    """THEORY.md §16: fewer negotiations over the planning horizon, fewer expected lapses."""
    annual = simulate(load_scenario("sma-2020-hindsight", IMMEDIATE + ["levers.allowed_durations=[1]"]), draws=3000, seed=0, bank_size=1)
    multi = simulate(load_scenario("sma-2020-hindsight", IMMEDIATE + ["levers.allowed_durations=[1,2,3,4,5]"]), draws=3000, seed=0, bank_size=1)
    la, lm = annual.summary()["lapses"], multi.summary()["lapses"]
    assert lm["expected_lapses"] < la["expected_lapses"]
    assert multi.summary()["duration_years"]["p_multiyear"] > 0


def test_no_furlough_no_worker_days():
    r = simulate(load_scenario("sma-2020-hindsight", ["levers.furlough_from=none"]), draws=2000, seed=0, bank_size=1)
    assert r.summary()["furlough_worker_days_mean"] == 0.0
    assert np.all(r.outcomes["furlough_worker_days"] == 0.0)


def test_furlough_worker_days_capped_by_counter_move(sma):
    plan = build_plan(sma)
    assert plan.workers == 4000
    assert plan.furlough_days.max() == 75  # the host pays the workers directly after 75 days (2020-04-01..06-15)


def test_drawdown_bounded_by_the_ndaa_floor(sma):
    assert build_plan(sma).drawdown_shift_krw == 0.0  # floor = troop level: an empty threat
    lower = build_plan(load_scenario("sma-2020-hindsight", ["protocol.overtime.drawdown_floor_troops=22800"]))
    assert lower.drawdown_shift_krw == pytest.approx(0.2 * sma.cost_model.current_agreement_krw)


def test_no_counter_move_more_worker_days(sma):
    never = load_scenario("sma-2020-hindsight", ["events.2.parameters.counter_move_days=3650"])
    assert sma.events[2].kind == "furlough" and build_plan(sma).furlough_days.max() > 0
    assert build_plan(never).furlough_days.max() > build_plan(sma).furlough_days.max()


def test_april_2020_case_president_rejects_plus_13_percent_before_the_election():
    """The April 2020 case from the bundled defaults: the negotiators, working to the furlough
    date, initial a text near +13 % and the President, whose floor lies above it, rejects it
    (Iida 1996); no text at or below the grid point of +13 % passes him before the inauguration."""
    s = load_scenario("sma-2020-hindsight")
    r = simulate(s, draws=4096, seed=0)
    o = r.outcomes
    summary = r.summary()
    assert summary["p_rejected_by_president"] > 0.5
    plus13 = 1.15 * s.cost_model.current_agreement_krw  # above the +13 % text's grid point (1,180 bn)
    before = np.array([d is not None and d.isoformat() < "2021-01-20" for d in r.signed_dates()])
    assert before.sum() < 0.05 * before.size
    (pres,) = [d for d in s.uncertainty if d.param == "parties.principal.reservation_value_krw"]
    assert np.all(o["amount_krw"][before] >= pres.low)  # only above the lowest floor the President may have
    assert not np.any(o["amount_krw"][before] <= plus13)
    # most agreements come from a new administration, after the inauguration
    assert summary["p_agreement"] > 5 * summary["p_agreement_by"]["2021-01-20"]


def test_sma_2020_reports_the_four_key_dates(sma):
    s = simulate(sma, draws=2048, seed=0).summary()
    # the four key dates, then the round dates after them and the horizon (issue 13: the by-date view reaches it)
    assert list(s["p_agreement_by"]) == ["2020-04-01", "2020-04-15", "2020-11-03", "2021-01-20", "2021-02-11",
                                         "2021-03-13", "2021-03-31"]
    assert s["p_agreement_by"]["2021-03-31"] == s["p_agreement"]
    for key in ("scenario", "draws", "seed", "p_agreement", "p_ratified", "mean_p_consent", "amount_first_year_krw",
                "increase_pct", "duration_years", "rounds_to_agreement", "furlough_worker_days_mean",
                "predicted_votes_by_bloc"):
        assert key in s


def test_bad_inputs(sma):
    with pytest.raises(SpecError) as e:
        simulate(sma, draws=0)
    assert e.value.field == "draws"
    with pytest.raises(SpecError) as e:
        simulate(sma, draws=10, seed=-1)
    assert e.value.field == "seed"
    with pytest.raises(ScenarioError) as e2:
        simulate(load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=9e9"]), draws=10)
    assert e2.value.field == "levers.us_ask_usd"
    with pytest.raises(ScenarioError) as e2:  # not a scenario kind: equilibrium play is `burdenshare solve`
        load_scenario("sma-2020-hindsight", ["strategies.us.kind=equilibrium"])
    assert e2.value.field == "strategies.us.kind" and "burdenshare solve" in str(e2.value)


def test_rows_are_self_describing(sma):
    r = simulate(sma, draws=10, seed=0, bank_size=2)
    row = r.rows(limit=1)[0]
    for key in ("scenario", "scenario_hash", "seed", "version", "draw", "r_us", "ratified", "amount_krw"):
        assert key in row


def test_vote_frequency_matches_consent_probability():
    """Statistical oracle: with one vote per draw, the share of votes that pass equals the mean
    exact consent probability at those votes (within 4 standard errors)."""
    s = load_scenario("sma-2020-hindsight", IMMEDIATE + ["protocol.after_rejection=end", "parties.principal.approval_required=false"])
    r = simulate(s, draws=8192, seed=9, bank_size=1)
    o = r.outcomes
    voted = o["votes"] == 1
    assert voted.sum() > 1000 and o["votes"].max() == 1
    p = o["p_consent"][voted]
    passed = o["ratified"][voted].astype(float)
    se = math.sqrt(float((p * (1 - p)).sum())) / voted.sum()
    assert abs(passed.mean() - p.mean()) < 4 * se + 1e-12


def test_concession_deadline_sets_each_negotiators_clock():
    """A negotiator's aspiration reaches its reservation value in the first round after its own
    concession deadline; the other side's clock is unchanged (NegMAS relative time otherwise)."""
    base = load_scenario("sma-2020-hindsight", ["strategies.us.concession_deadline=2020-04-01",
                                      "strategies.rok.concession_deadline=2020-09-30"])
    plan = build_plan(base)
    dates = plan.round_dates
    n_us = sum(1 for d in dates if d.isoformat() <= "2020-04-01")
    n_rok = sum(1 for d in dates if d.isoformat() <= "2020-09-30")
    assert plan.t_us.tolist() == [min(1.0, (k + 1) / (n_us + 1)) for k in range(len(dates))]
    assert plan.t_rok.tolist() == [min(1.0, (k + 1) / (n_rok + 1)) for k in range(len(dates))]
    assert plan.t_us[n_us] == 1.0 and plan.t_rok[n_rok] == 1.0 and plan.t_rok[n_rok - 1] < 1.0
    assert relative_times(dates, None).tolist() == [(k + 1) / (len(dates) + 1) for k in range(len(dates))]


@pytest.mark.parametrize("weight", [0.0, 0.5, 0.9])
def test_host_executive_signs_nothing_above_its_own_ceiling(weight):
    """The host executive is a ratifier in its own right (DESIGN.md §4): every text it signs lies
    at or below M_E = exp((1 - w) ln r_K + w ln m_base) at the signing round, with r_K the host's
    reservation value (plus the drawdown shift) and m_base its base's median WTP at that date."""
    s = load_scenario("sma-2020-hindsight", [f"parties.host_executive.opinion_weight={weight}"])
    r = simulate(s, draws=4096, seed=2, bank_size=2)
    o, p = r.outcomes, r.params
    cap = np.maximum(p["r_rok"], p["open_rok"]) + r.plan.drawdown_shift_krw
    signed = o["agreed"] == 1
    assert signed.sum() > 100
    k = o["signed_round"][signed]
    med = r.bank.base_log_median[p["bank"][signed], k]
    ceiling = np.exp((1 - weight) * np.log(cap[signed]) + weight * med)
    assert np.all(o["amount_krw"][signed] <= ceiling * (1 + 1e-12))
    if weight == 0.9:  # a base below the cap binds: some texts sit within one grid step of it
        assert np.any(o["amount_krw"][signed] > ceiling - r.plan.amount_step)


def test_executive_answering_to_its_base_shrinks_the_host_win_set():
    """Putnam (1988): an executive that weighs a base whose median WTP lies below its reservation
    value has a smaller win-set, so fewer texts are signed (same draws)."""
    p = []
    for w in (0.0, 0.9):
        r = simulate(load_scenario("sma-2020-hindsight", [f"parties.host_executive.opinion_weight={w}"]), draws=4096, seed=0, bank_size=2)
        p.append(r.summary()["p_agreement"])
    assert p[1] < p[0]


def test_tft_demand_matches_the_last_concession():
    from burdenshare.engine.reference import tft_demand

    assert tft_demand(0, 0.0, 0, 0.0, 5.0, 1.0, 5.0, -1.0) == 5.0          # first demand: the opening
    assert tft_demand(1, 5.0, 1, 0.0, 5.0, 1.0, 5.0, -1.0) == 5.0          # one opponent demand: hold
    assert tft_demand(2, 5.0, 2, 0.5, 5.0, 1.0, 5.0, -1.0) == 4.5          # match a concession of 0.5
    assert tft_demand(2, 5.0, 2, -0.5, 5.0, 1.0, 5.0, -1.0) == 5.0         # a retreat is not matched
    assert tft_demand(2, 1.2, 2, 0.5, 5.0, 1.0, 5.0, -1.0) == 1.0          # never below its floor
    assert tft_demand(3, 2.0, 3, 0.25, 1.0, 1.0, 2.1, 1.0) == 2.1          # the host: never above its cap


def _tft_run(extra):
    base = IMMEDIATE + ["parties.principal.approval_required=false", "parties.host_executive.opinion_weight=0",
                        "protocol.after_rejection=end", "strategies.us.concession_deadline=2021-03-31",
                        "levers.us_ask_usd=1.3e9"]
    return simulate(_amount_only(load_scenario("sma-2020-hindsight", base + extra)), draws=4096, seed=4, bank_size=1)


def _amount_only(scenario):
    """The scenario with no term preference (and no prior on one): tit-for-tat's theorem is one-issue."""
    from burdenshare.scenario import Scenario

    d = scenario.model_dump(by_alias=True)
    d["uncertainty"] = [u for u in d["uncertainty"] if ".term_preference." not in u["param"]]
    for s in d["strategies"].values():
        s["term_preference"] = None
    d["provenance"]["values"] = {k: v for k, v in d["provenance"]["values"].items() if ".term_preference." not in k}
    return Scenario.model_validate(d)


def test_tit_for_tat_host_splits_the_difference_with_a_linear_us():
    """Tit-for-tat (Axelrod 1984) matches each concession: facing a linear US (relative time
    (k+1)/(n+1)) the host's demand is its opening plus the US's concession since the US's first
    demand, so they meet half-way between the two (within one round's US concession and a grid
    step), wherever that point lies inside both sides' limits."""
    r = _tft_run(["strategies.us.kind=linear", "strategies.us.exponent=1.0", "strategies.rok.kind=tit_for_tat"])
    o, p, plan = r.outcomes, r.params, r.plan
    n = plan.n_rounds
    floor = np.minimum(p["r_us"], p["open_us"])
    first_us = floor + (p["open_us"] - floor) * (1.0 - 1.0 / (n + 1))
    mid = (p["open_rok"] + first_us) / 2.0
    cap = np.maximum(p["r_rok"], p["open_rok"]) + plan.drawdown_shift_krw
    per_round = (p["open_us"] - floor) / (n + 1)
    ok = (p["obst_us"] == 0) & (p["obst_rok"] == 0) & (cap > mid + per_round + plan.amount_step) & (floor < mid)
    assert ok.sum() > 500
    assert np.all(o["agreed"][ok] == 1)
    gap = np.abs(o["amount_krw"][ok] - mid[ok])
    assert np.all(gap <= per_round[ok] + plan.amount_step)


def test_tit_for_tat_never_moves_first():
    """Reciprocity needs a first concession: against an obstinate US, or another tit-for-tat
    player, a tit-for-tat host never concedes, so no text is signed (the US asks far above the
    host's opening) - unless the administration changes: the new US negotiator opens at the new
    President's floor, a concession the host then matches."""
    for us_kind in ("hardliner", "tit_for_tat"):
        r = _tft_run([f"strategies.us.kind={us_kind}", "strategies.rok.kind=tit_for_tat"])
        o, change = r.outcomes, r.params["change"]
        assert o["agreed"][change == 0].sum() == 0, us_kind
        assert o["agreed"][change == 1].mean() > 0.5, us_kind
        first_after = min(k for k, d in enumerate(r.plan.round_dates) if d.isoformat() >= "2021-01-20")
        assert np.all(o["signed_round"][o["agreed"] == 1] >= first_after)


def _signed_outside_winset(r) -> tuple[int, int]:
    """(signed texts outside the win-set while it is non-empty, signed texts) of a run."""
    o, bank, plan = r.outcomes, r.bank, r.plan
    outside = 0
    agreed = np.flatnonzero(o["agreed"] == 1)
    for i in agreed:
        d = int(np.searchsorted(plan.durations, o["duration_years"][i]))
        w = int(bank.winset[int(r.params["bank"][i]), int(o["signed_round"][i]), d])
        if w >= 0 and o["p_consent"][i] < plan.winset_threshold:
            outside += 1
    return outside, int(agreed.size)


def test_winset_aware_host_keeps_to_the_winset_where_time_based_does_not():
    """DESIGN.md §4 win-set-aware play: with immediate submission a time-based host negotiator
    signs texts the Assembly's win-set excludes (P(consent) < 0.5 at the date); a winset_aware one,
    on the same draws, never does, so its ratification rate is higher."""
    tb = simulate(load_scenario("sma-2020-hindsight", IMMEDIATE + ["strategies.rok.kind=time_based"]), draws=3000, seed=0, bank_size=2)
    wa = simulate(load_scenario("sma-2020-hindsight", IMMEDIATE + ["strategies.rok.kind=winset_aware"]), draws=3000, seed=0, bank_size=2)
    out_tb, n_tb = _signed_outside_winset(tb)
    out_wa, n_wa = _signed_outside_winset(wa)
    assert n_tb > 100 and n_wa > 100
    assert out_tb > 0.1 * n_tb  # the win-set binds for time-based play
    assert out_wa == 0
    assert wa.summary()["p_ratified"] > tb.summary()["p_ratified"]
    # under strategic submission the executive already keeps to the same win-set: identical play
    a = simulate(load_scenario("sma-2020-hindsight", ["strategies.rok.kind=time_based"]), draws=2000, seed=1, bank_size=2)
    b = simulate(load_scenario("sma-2020-hindsight", ["strategies.rok.kind=winset_aware"]), draws=2000, seed=1, bank_size=2)
    for k in a.outcomes:
        assert np.array_equal(a.outcomes[k], b.outcomes[k], equal_nan=True), k


def test_winset_aware_us_never_demands_past_the_winset():
    """A winset_aware US negotiator never demands or accepts past the win-set while an amount at
    or above its floor lies inside it.  With immediate submission (the host executive signs
    anything) a time-based US initials many texts outside the win-set; a winset_aware US only
    where the win-set lies below every floor it can have (then it plays as time-based: the floor
    is at most max(min(r_US, opening), r_President, r_President after the change))."""
    base = ["parties.host_executive.submission=immediate", "strategies.us.exponent=5.0"]
    tb = simulate(load_scenario("sma-2020-hindsight", base + ["strategies.us.kind=time_based"]), draws=3000, seed=0, bank_size=2)
    wa = simulate(load_scenario("sma-2020-hindsight", base + ["strategies.us.kind=winset_aware"]), draws=3000, seed=0, bank_size=2)
    out_tb, n_tb = _signed_outside_winset(tb)
    out_wa, _ = _signed_outside_winset(wa)
    assert out_tb > 0.1 * n_tb
    assert out_wa < 0.1 * out_tb
    o, p, plan = wa.outcomes, wa.params, wa.plan
    for i in np.flatnonzero(o["agreed"] == 1):
        d = int(np.searchsorted(plan.durations, o["duration_years"][i]))
        w = int(wa.bank.winset[int(p["bank"][i]), int(o["signed_round"][i]), d])
        if w >= 0 and o["p_consent"][i] < plan.winset_threshold:
            r_new = float(p["r_pres_after"][i])
            top = max(min(float(p["r_us"][i]), float(p["open_us"][i])), float(p["r_pres"][i]),
                      r_new if not math.isnan(r_new) else 0.0)
            assert w < math.ceil((top - plan.amount_min) / plan.amount_step - 1e-9), i
    assert wa.summary()["p_ratified"] > tb.summary()["p_ratified"]
