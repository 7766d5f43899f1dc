"""The engine's Level I is NegMAS's alternating-offers protocol (DESIGN.md §8 "One path").

The two-level kernel that ``simulate`` runs decides every time-based move with
:func:`burdenshare.bargaining.strategies.linear_decision`; with ratification, the President's veto
and actions switched off it must reproduce the recorded NegMAS runs exactly.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining import one_issue_domain, time_based
from burdenshare.bargaining.parity import compare
from burdenshare.bargaining.strategies import (
    ASP_EPS,
    TB_EPS,
    NegotiationView,
    aspiration,
    linear_decision,
    rational_start,
)
from burdenshare.engine import BLOCK_SIZE, simulate
from burdenshare.engine.consent import build_consent_bank
from burdenshare.engine.draws import DrawLayout, draw_range
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.parity import replay
from burdenshare.engine.plan import build_plan, draw_columns
from burdenshare.engine.reference import play
from burdenshare.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ROOT / "tests" / "data" / "negmas" / "outcomes.json"  # vendored (tests/data/README.md)


def _one_issue_configs() -> list[dict]:
    configs = json.loads(OUTCOMES.read_text(encoding="utf-8"))["configs"]
    return [c for c in configs if c["params"]["scenario"] == "1issue"]


def test_linear_decision_equals_the_general_time_based_policies() -> None:
    """The specialised decision equals TimeBasedOffering / TimeBasedAcceptance on the 1issue
    domain (both parties, TB and ASP, reservation values inside and outside [0, 1])."""
    d = one_issue_domain()
    rng = np.random.default_rng(0)
    for kind, eps, rational in (("TB", TB_EPS, 1), ("ASP", ASP_EPS, 0)):
        for _ in range(3000):
            t = float(rng.choice([rng.random(), rng.integers(1, 101) / 101, 1.0]))
            e = float(rng.choice([0.25, 1.0, 4.0, rng.uniform(0.1, 6.0)]))
            rv = float(rng.choice([0.0, 0.3, 0.75, rng.uniform(-0.2, 1.1), rng.integers(0, 101) / 100]))
            s = time_based(e, kind)  # type: ignore[arg-type]
            for p in (0, 1):
                view = NegotiationView(0, 100, t, d.table[p], d.order[p], d.sorted_table[p], rv)
                pos = (lambda x: x) if p == 0 else (lambda x: 100 - x)
                accepted = [i for i in range(101) if s.acceptance.accepts(view, pos(i))]
                got = linear_decision(aspiration(t, e), rv, 100, eps, rational_start(rv, 100, rational))
                assert got == (pos(s.offering.propose(view)), min(accepted)), (kind, t, e, rv, p)
                assert accepted == list(range(min(accepted), 101))


def test_engine_level1_reproduces_every_recorded_one_issue_negmas_run() -> None:
    """All 396 recorded 1issue runs (TB and ASP, n = 20 and 100, both first movers) through the
    engine's kernel: agreement, round, acceptor, proposer, timeout, final step, utilities and the
    full offer trace equal NegMAS's."""
    configs = _one_issue_configs()
    results = replay(configs, record_trace=True)
    assert len(configs) == 396
    bad = {c["id"]: compare(c["result"], r) for c, r in zip(configs, results)}
    assert {k: v for k, v in bad.items() if v} == {}
    assert all("trace" in r for r in results)


@pytest.mark.parametrize("overrides", [[], ["strategies.us.kind=winset_aware", "protocol.first_proposer=rok"],
                                       ["parties.host_executive.submission=immediate", "strategies.rok.kind=tit_for_tat"]])
def test_kernel_records_the_reference_offer_trace(overrides) -> None:
    s = load_scenario("sma-2020-hindsight", overrides)
    plan = build_plan(s)
    bank = build_consent_bank(s, plan, 1, 1)
    layout = DrawLayout.from_scenario(s, plan.n_rounds)
    chunk = draw_range(layout, 1, 0, 1, 300)
    cols = draw_columns(s, layout, chunk, bank.size)
    tr: dict = {}
    run_kernel(plan, bank.table, bank.winset, cols, chunk.u_vote, bank.offset, base_log_median=bank.base_log_median,
               trace=tr)
    for i in range(300):
        ref: list = []
        play(plan, bank.table, bank.winset, {k: v[i] for k, v in cols.items()}, chunk.u_vote[i], bank.offset,
             base_log_median=bank.base_log_median, trace=ref)
        kp, jj = tr["round_party"][i], tr["index"][i]
        got = [(int(kp[m]) >> 1, int(kp[m]) & 1, int(jj[m])) for m in range(int(np.count_nonzero(kp >= 0)))]
        assert got == ref, i


def _level_one_only(cfg: dict) -> Scenario:
    """sma-2020-hindsight with ratification, the President's veto, actions and term values switched off, on a grid of 101
    amounts (KRW 1.00..2.00 tn) standing for the recorded 1issue payment 0..100."""
    p = cfg["params"]
    d = load_scenario("sma-2020-hindsight").model_dump(by_alias=True)
    a0, span = 1e12, 1e12
    d["agreement_space"].update(amount_min_krw=a0, amount_max_krw=a0 + span, amount_step_krw=span / 100)
    d["protocol"].update(n_steps=p["n_steps"], first_proposer="us" if p["first"] == "US" else "rok",
                         after_rejection="end", horizon=dt_add(d["protocol"]["rounds"]["start"], p["n_steps"]))
    d["protocol"]["rounds"].update(interval_days=1)
    d["protocol"]["overtime"].update(per_round_cost_krw={"us": 0.0, "rok": 0.0})
    d["parties"]["principal"].update(approval_required=False, p_administration_change=0.0)
    d["parties"]["host_executive"].update(submission="immediate", opinion_weight=0.0)
    d["levers"].update(furlough_from="none")
    for gov, side, rv in (("us", "US", p["US"]["rv"]), ("rok", "ROK", p["ROK"]["rv"])):
        s = d["strategies"][gov]
        s.update(kind="time_based", exponent=p[side]["exponent"], obstinate_probability=0.0,
                 concession_deadline=None, audience_cost_krw=0.0,
                 term_preference=None)  # the recorded game has one issue, the amount: no term valued
        for key in [k for k in d["provenance"]["values"] if k.startswith(f"strategies.{gov}.term_preference")]:
            del d["provenance"]["values"][key]
        s["opening_offer_krw"] = a0 + span if gov == "us" else a0
        s["reservation_value_krw"] = a0 + span * rv if gov == "us" else a0 + span - span * rv
    d["uncertainty"] = []
    return Scenario.model_validate(d)


def dt_add(day, n):  # type: ignore[no-untyped-def]
    import datetime as dt

    return day + dt.timedelta(days=n)


def test_simulate_plays_negmas_when_ratification_veto_and_actions_are_off() -> None:
    """``simulate`` itself, on a scenario whose two-level parts are off, signs the recorded
    NegMAS agreement in the recorded round (TB configurations, both deadlines and first movers)."""
    configs = [c for c in _one_issue_configs() if c["params"]["US"]["kind"] == "TB"]
    short = [c for c in configs if c["params"]["n_steps"] == 20]
    long = [c for c in configs if c["params"]["n_steps"] == 100]
    picked = short[::13] + long[::150]  # both first movers and each exponent at n = 20, two at n = 100
    assert len(picked) == 8 and any(c["result"]["agreement"] is None for c in picked)
    for c in picked:
        r = simulate(_level_one_only(c), draws=2, seed=0, bank_size=1)
        want = c["result"]
        agreed = r.outcomes["agreed"]
        assert np.all(agreed == (1 if want["agreement"] is not None else 0)), c["id"]
        if want["agreement"] is not None:
            assert np.all(r.outcomes["signed_index"] == want["agreement"][0]), c["id"]
            assert np.all(r.outcomes["signed_round"] == want["agreement_round"]), c["id"]
            assert math.isclose(float(r.outcomes["amount_krw"][0]), 1e12 + 1e10 * want["agreement"][0])


def _boundary_exponent(rng: np.random.Generator, n_steps: int, rv: float, eps: float) -> float:
    """An exponent whose threshold ``lo`` at an early round lies (almost) on the boundary where the
    offer moves (``lo = j / 100 + 1e-6``): the offer there needs ``math.pow`` itself (the kernel's
    enclosure of ``t**e`` does not settle it; about half of such offers differ with the enclosure's
    value alone)."""
    while True:
        k = int(rng.integers(0, n_steps // 4))  # an early round: the talks reach it
        t = (k + 1) / (n_steps + 1)
        umin = max(rv, 0.0)
        j = int(rng.integers(math.ceil(umin * 100) + 1, 100))
        lo = j / 100 + 1e-6  # the offer's boundary (NegMAS's 1e-6 nearest rule); j / 100: acceptance's
        a = (lo - umin + eps) / (1.0 - umin)
        if 0.0 < a < 1.0:
            e = math.log(1.0 - a) / math.log(t)
            if 0.05 < e < 20.0:
                return e * (1.0 + float(rng.choice([0.0, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9])))


def test_kernel_decides_continuous_exponents_as_math_pow_does() -> None:
    """The kernel encloses ``t**e`` (``_powbound.exp_approx``) and calls ``math.pow`` only where a
    decision boundary falls inside the enclosure: on continuous exponents and reservation values,
    many of them chosen to put a threshold on a decision boundary, the engine's Level I equals the
    scalar reference protocol (``math.pow`` every round), offer trace included."""
    from burdenshare.bargaining.parity import replay as scalar_replay

    rng = np.random.default_rng(9)
    configs = []
    for i in range(240):
        n_steps = int(rng.choice([20, 100]))
        kind = str(rng.choice(["TB", "ASP"]))
        params: dict = {"scenario": "1issue", "n_steps": n_steps, "first": str(rng.choice(["US", "ROK"]))}
        for side in ("US", "ROK"):
            rv = int(rng.integers(0, 61)) / 100  # the engine replays reservation values it can represent
            eps = TB_EPS if kind == "TB" else ASP_EPS
            e = _boundary_exponent(rng, n_steps, rv, eps) if i % 2 else float(rng.uniform(0.2, 5.0))
            params[side] = {"kind": kind, "exponent": e, "rv": rv}
        configs.append({"id": i, "params": params})
    want = scalar_replay(configs, engine="reference", record_trace=True)
    got = replay(configs, record_trace=True)
    bad = {c["id"]: compare(w, g) for c, w, g in zip(configs, want, got)}
    assert {k: v for k, v in bad.items() if v} == {}
