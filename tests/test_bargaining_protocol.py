"""Scalar SAO reference: NegMAS parity, strategies, TIOLI, impasse hooks, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining import (
    Negotiator,
    equilibrium,
    hardliner,
    make_strategy,
    one_issue_domain,
    run_sao,
    run_tioli,
    three_issue_domain,
    time_based,
    tit_for_tat,
)
from burdenshare.bargaining.hooks import breakdown_rounds, cumulative_costs
from burdenshare.bargaining.parity import compare, replay
from burdenshare.bargaining.protocol import relative_time
from burdenshare.bargaining.strategies import (
    STRATEGY_NAMES,
    Strategy,
    nearest_offer_position,
    thresholds,
)
from burdenshare.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ROOT / "tests" / "data" / "negmas" / "outcomes.json"  # vendored, see tests/data/README.md


@pytest.fixture(scope="module")
def recorded() -> list[dict]:
    return json.loads(OUTCOMES.read_text(encoding="utf-8"))["configs"]


def test_reference_matches_all_recorded_negmas_runs(recorded: list[dict]) -> None:
    results = replay(recorded, engine="reference", record_trace=True)
    bad = {c["id"]: compare(c["result"], r) for c, r in zip(recorded, results)}
    bad = {k: v for k, v in bad.items() if v}
    assert len(recorded) == 450
    assert bad == {}


def test_worked_example_conceder_pair() -> None:
    # outcomes.json "1issue-n100-firstUS-USTB0.25rv0.0-ROKTB0.25rv0.0"
    d = one_issue_domain()
    r = run_sao(d, [Negotiator(time_based(0.25)), Negotiator(time_based(0.25))], 100, first="US")
    assert (r.agreement_outcome, r.round, r.accepted_by, r.proposed_by) == ((49,), 6, "US", "ROK")
    assert r.final_step == 7 and not r.timedout and not r.broken
    assert r.utilities == (0.49, 0.51)
    assert r.trace is not None
    assert [d.space.outcome(o)[0] for _, _, o in r.trace] == [
        69, 31, 63, 37, 59, 41, 56, 44, 53, 47, 51, 49,
    ]


def test_relative_time_and_threshold_order() -> None:
    assert relative_time(0, 100) == 1 / 101
    assert relative_time(99, 100) == 100 / 101
    assert relative_time(5, 3) == 1.0
    lo, hi = thresholds(1 / 101, 0.25, 0.0, 1.0, 1e-4)
    assert lo == (1.0 - 0.0) * (1.0 * (1.0 - math.pow(1 / 101, 0.25))) + 0.0 - 1e-4
    assert hi == 1.0


def test_nearest_rule_offers_just_below_threshold_when_nearer() -> None:
    su = [0.1, 0.5, 0.5000008]
    assert nearest_offer_position(su, 0, 0.5000005) == 2  # B in the window, but A is nearer
    su = [0.1, 0.5, 0.5000020]
    assert nearest_offer_position(su, 0, 0.5000005) == 1  # B within 1e-6 and nearer
    assert nearest_offer_position(su, 0, 0.5000015) == 2  # B 1.5e-6 below: outside window
    assert nearest_offer_position(su, 2, 0.5000005) == 2  # B not rational (before start)
    assert nearest_offer_position(su, 0, 0.7) == 2  # nothing above: the last


def test_reservation_value_above_every_utility() -> None:
    # NegMAS: umin raised to rv > umax, lo clipped to umax: offers its best, accepts only its best.
    d = one_issue_domain()
    for kind in ("TB", "ASP"):
        us = Negotiator(time_based(1.0, kind), 1.5)  # type: ignore[arg-type]
        r = run_sao(d, [us, Negotiator(time_based(0.25))], 50, first="US")
        assert r.agreement is None and r.timedout
        assert r.utilities == (1.5, 0.0)
        assert r.trace is not None
        assert {o for _, p, o in r.trace if p == "US"} == {100}
        # it does accept its best outcome when offered
        r = run_sao(d, [us, Negotiator(equilibrium([100], [0.0]))], 5, first="ROK")
        assert r.agreement == 100 and r.accepted_by == "US" and r.round == 0


def test_hardliner_and_equilibrium_and_tit_for_tat() -> None:
    d = one_issue_domain()
    # hardliner US (threshold 0.6) vs equilibrium ROK path offering 60 from round 3
    rok = Negotiator(equilibrium([0, 20, 40, 60], [1.0]))
    r = run_sao(d, [Negotiator(hardliner(0.6)), rok], 10, first="US")
    assert (r.agreement, r.round, r.accepted_by) == (60, 4, "US")
    # two hardliners never agree
    r = run_sao(d, [Negotiator(hardliner()), Negotiator(hardliner())], 10)
    assert r.agreement is None and r.timedout and r.final_step == 10
    # tit-for-tat reciprocates: against a linear conceder it concedes too and agrees
    r = run_sao(d, [Negotiator(tit_for_tat(), 0.3), Negotiator(time_based(1.0), 0.3)], 100)
    assert r.agreement is not None
    assert r.utilities[0] >= 0.3 and r.utilities[1] >= 0.3
    assert r.trace is not None
    us_offers = [o for _, p, o in r.trace if p == "US"]
    assert us_offers[0] == 100 and us_offers == sorted(us_offers, reverse=True)


def test_make_strategy_names() -> None:
    assert make_strategy("boulware").exponent == 4.0
    assert make_strategy("boulware", exponent=5.0).exponent == 5.0
    assert make_strategy("conceder", kind="ASP").kind == "ASP"
    assert make_strategy("time_based", exponent=2.0, kind="ASP").kind == "ASP"  # NegMAS AspirationNegotiator
    assert make_strategy("time_based", exponent=3.0).exponent == 3.0
    assert make_strategy("hardliner", threshold=0.5).name == "hardliner"
    with pytest.raises(SpecError) as ei:
        make_strategy("boulware", exponent=0.5)  # the kind's own exponent rule, as in the schema
    assert ei.value.field == "strategy.exponent"
    # scenarios cannot name these, so make_strategy does not either (one registry)
    for name in ("boulwarre", "aspiration", "equilibrium"):
        with pytest.raises(SpecError) as ei:
            make_strategy(name)
        assert ei.value.field == "strategy"
        for allowed in STRATEGY_NAMES:
            assert allowed in str(ei.value)
    with pytest.raises(SpecError) as ei:
        make_strategy("hardliner", nonsense=1)
    assert ei.value.field == "strategy"


def test_one_registry_for_schema_engine_and_make_strategy() -> None:
    """The scenario schema accepts exactly the registry's kinds, make_strategy builds each of
    them, and the engine plays each by its registry policy."""
    from burdenshare.bargaining.strategies import REGISTRY
    from burdenshare.engine.plan import build_plan
    from burdenshare.errors import ScenarioError
    from burdenshare.scenario import load_scenario
    from burdenshare.scenario.schema import STRATEGY_KINDS

    assert tuple(REGISTRY) == STRATEGY_NAMES == STRATEGY_KINDS
    exponents = {"boulware": 4.0, "linear": 1.0, "conceder": 0.5}
    for name, entry in REGISTRY.items():
        params = {"admissible": (True,) * 101} if name == "winset_aware" else {}
        assert isinstance(make_strategy(name, **params), Strategy)
        e = exponents.get(name, 2.0)
        sc = load_scenario("sma-2020-hindsight", [f"strategies.us.kind={name}", f"strategies.us.exponent={e}"])
        assert build_plan(sc).policy_us == entry.policy
    with pytest.raises(ScenarioError) as ei:
        load_scenario("sma-2020-hindsight", ["strategies.rok.kind=equilibrium"])
    assert ei.value.field == "strategies.rok.kind"
    assert str(ei.value).count("\n") == 0 and all(k in str(ei.value) for k in STRATEGY_NAMES)


def test_winset_aware_keeps_to_the_admissible_outcomes() -> None:
    """Win-set-aware play (DESIGN.md §4): ROK (pays x) may only sign x <= 40.  A time-based ROK
    concedes past it and agrees above 40; the winset-aware ROK never offers or accepts above 40,
    so the agreement (if any) is inside; where the win-set does not bind, play is time-based."""
    d = one_issue_domain()
    admissible = tuple(x <= 40 for x in range(101))
    us = Negotiator(time_based(4.0), 0.3)
    tb = run_sao(d, [us, Negotiator(time_based(1.0), 0.0)], 100, first="US")
    wa = run_sao(d, [us, Negotiator(make_strategy("winset_aware", exponent=1.0, admissible=admissible), 0.0)], 100,
                 first="US")
    assert tb.agreement_outcome is not None and tb.agreement_outcome[0] > 40
    assert wa.trace is not None and all(o <= 40 for _, p, o in wa.trace if p == "ROK")
    assert wa.agreement is None or wa.agreement_outcome[0] <= 40
    assert (wa.agreement, wa.round) != (tb.agreement, tb.round)
    # a win-set that contains every outcome changes nothing
    full = run_sao(d, [us, Negotiator(make_strategy("winset_aware", exponent=1.0, admissible=(True,) * 101), 0.0)],
                   100, first="US")
    assert (full.agreement, full.round, full.trace) == (tb.agreement, tb.round, tb.trace)


def test_take_it_or_leave_it() -> None:
    d = one_issue_domain()
    resp = Negotiator(hardliner(0.4))  # ROK accepts u_ROK >= 0.4, i.e. x <= 60
    r = run_tioli(d, [Negotiator(hardliner()), resp], proposer="US", offer=60)
    assert (r.agreement, r.accepted_by, r.proposed_by, r.final_step) == (60, "ROK", "US", 1)
    r = run_tioli(d, [Negotiator(hardliner()), resp], proposer="US", offer=61)
    assert r.agreement is None and r.broken and not r.timedout
    assert r.trace == ((0, "US", 61),)
    r = run_tioli(d, [Negotiator(hardliner()), resp], proposer="US")  # policy offer: its best
    assert r.agreement is None and r.trace == ((0, "US", 100),)
    with pytest.raises(SpecError):
        run_tioli(d, [Negotiator(hardliner()), resp], offer=101)


def test_round_costs_and_breakdown() -> None:
    d = one_issue_domain()
    negs = [Negotiator(time_based(0.25)), Negotiator(time_based(0.25))]
    costs = np.stack([np.full(100, 0.01), np.full(100, 0.002)])
    r = run_sao(d, negs, 100, round_costs=costs)
    assert r.final_step == 7
    assert r.utilities == (0.49 - cumulative_costs(costs, 100)[0, 6], 0.51 - float(np.cumsum([0.002] * 7)[-1]))
    r = run_sao(d, negs, 100, breakdown_round=3, round_costs=costs)
    assert r.broken and not r.timedout and r.agreement is None and r.final_step == 3
    assert r.trace is not None and len(r.trace) == 6
    assert r.utilities == pytest.approx((-0.03, -0.006))
    r = run_sao(d, negs, 100, breakdown_round=50)  # agreement comes first
    assert r.agreement == 49 and not r.broken
    hz = np.array([0.0, 0.5, 0.5])
    u = np.array([[0.1, 0.9, 0.2], [0.9, 0.9, 0.9], [0.0, 0.4, 0.9]])
    assert breakdown_rounds(hz, u).tolist() == [2, -1, 1]
    with pytest.raises(SpecError) as ei:
        breakdown_rounds([1.5], [[0.1]])
    assert ei.value.field == "breakdown.hazard"
    with pytest.raises(SpecError) as ei:
        run_sao(d, negs, 100, round_costs=np.ones((2, 99)))
    assert ei.value.field == "round_costs"


@pytest.mark.parametrize("n_steps", [0, -3, 2.5])
def test_bad_n_steps(n_steps: float) -> None:
    negs = [Negotiator(time_based(1.0)), Negotiator(time_based(1.0))]
    with pytest.raises(SpecError) as ei:
        run_sao(one_issue_domain(), negs, n_steps)  # type: ignore[arg-type]
    assert ei.value.field == "n_steps"


@pytest.mark.parametrize("exponent", [0.0, -1.0, math.nan, math.inf])
def test_bad_exponent(exponent: float) -> None:
    with pytest.raises(SpecError) as ei:
        time_based(exponent)
    assert ei.value.field == "strategy.exponent"


@pytest.mark.parametrize("rv", [math.nan, math.inf, -math.inf])
def test_bad_reservation_value(rv: float) -> None:
    with pytest.raises(SpecError) as ei:
        Negotiator(time_based(1.0), rv)
    assert ei.value.field == "negotiator.reservation_value"


def test_bad_kind_and_first_mover() -> None:
    with pytest.raises(SpecError) as ei:
        time_based(1.0, "XYZ")  # type: ignore[arg-type]
    assert ei.value.field == "strategy.kind"
    negs = [Negotiator(time_based(1.0)), Negotiator(time_based(1.0))]
    with pytest.raises(SpecError):
        run_sao(three_issue_domain(), negs, 10, first="EU")
    with pytest.raises(SpecError):
        run_sao(three_issue_domain(), negs, 10, first=2)


def test_winset_aware_demander_accepts_its_own_clipped_demand() -> None:
    """A winset-aware US (receives x) whose win-set is x <= 45 demands at most 45 and accepts
    an admissible offer as good as its own demand, though its time-based threshold is higher."""
    d = one_issue_domain()
    wa_us = Negotiator(make_strategy("winset_aware", exponent=4.0, admissible=tuple(x <= 45 for x in range(101))), 0.3)
    r = run_sao(d, [wa_us, Negotiator(time_based(1.0), 0.0)], 100, first="US")
    assert r.trace is not None and all(o <= 45 for _, p, o in r.trace if p == "US")
    assert r.agreement_outcome == (45,) and r.accepted_by is not None
    tb = run_sao(d, [Negotiator(time_based(4.0), 0.3), Negotiator(time_based(1.0), 0.0)], 100, first="US")
    assert tb.agreement_outcome is not None and tb.agreement_outcome[0] > 45
