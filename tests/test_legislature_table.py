"""A date's consent table in one kernel call (issue 12, speed of the Level-II levers):
:func:`burdenshare.legislature.table.consent_table` gives, bit for bit, what
``LegislatureModel.consent_probability`` gives per duration, on the bundled scenarios' models,
on bank members, on variants that take the kernel's other branches (one attendance level, a
majority of all members, a 2/3 majority, step whips, one shock node) and on a house where the
quorum can bind (the exact joint path); and the bank the engine builds with it is the per-call
bank."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from burdenshare.engine import consent as ec
from burdenshare.engine.plan import build_plan
from burdenshare.legislature import legislature_model
from burdenshare.legislature.model import LegislatureModel
from burdenshare.legislature.table import consent_table, nodes_table
from burdenshare.scenario import load_scenario

DURATIONS = (1, 2, 3, 4, 5)


def _per_call(model: LegislatureModel, amounts: np.ndarray, durations=DURATIONS) -> np.ndarray:
    return np.stack([model.consent_probability(amounts, m) for m in durations])


def _models(name: str, every: int = 4) -> tuple[list[LegislatureModel], np.ndarray]:
    sc = load_scenario(name)
    plan = build_plan(sc)
    _, amounts = ec._table_amounts(sc, plan, full=True)
    return [legislature_model(sc, day) for day in plan.round_dates[::every]], amounts


@pytest.mark.parametrize("name", ["sma-2020-hindsight", "sma-2020"])
def test_table_is_the_per_duration_calls_bit_for_bit(name):
    models, amounts = _models(name)
    for model in models:
        got = consent_table(model, amounts, DURATIONS)
        want = _per_call(model, amounts)
        assert got.shape == (len(DURATIONS), amounts.size)
        assert got.tobytes() == want.tobytes()
        p, w = nodes_table(model, amounts, DURATIONS)
        for d, m in enumerate(DURATIONS):
            p1, w1 = model.nodes(amounts, m)
            assert p[d].tobytes() == p1.tobytes() and w[d].tobytes() == w1.tobytes()
    # the table moves with the amount (not a constant): consent falls as the amount rises
    assert got[0, 0] > 0.9 and got[0, 0] - got[0, -1] > 0.1


def test_variants_take_every_branch_and_stay_bit_identical():
    models, amounts = _models("sma-2020-hindsight", every=6)
    base = models[0]
    assert base.attendance_sd > 0 and base.attendance_nodes == 2  # the bundled case: two levels
    variants = [
        base.replace(attendance_sd=0.0),  # one attendance level
        base.replace(attendance_nodes=3),
        base.replace(majority_of="all"),  # u = 1, v = 0, threshold t - 1
        base.replace(majority=Fraction(2, 3)),  # u = 1, v = 2: the general bloc_margin_pmf path
        base.replace(whip_scale=0.0, member_scale=0.0, shock_sd=0.0),  # step votes
        base.replace(n_shock_nodes=1, discipline=(1.0,) * len(base.blocs)),
        base.replace(yes_propensity=(0.0,) + base.yes_propensity[1:]),  # a bloc whose nodes are constant
    ]
    durations = (1, 3, 5)
    for model in variants:
        assert consent_table(model, amounts, durations).tobytes() == _per_call(model, amounts, durations).tobytes()


def test_quorum_that_binds_falls_back_to_the_exact_joint_path():
    # 40 of 60 seated members, quorum 31, attendance 0.6: the quorum fails with probability
    # well above the 1e-6 tolerance, so consent takes the exact (present, margin) path.
    model = LegislatureModel(blocs=("a", "b"), seats=(24, 16), total_seats=60, quorum=31, p_present=(0.6, 0.6),
                             position_krw=(1.0e12, 0.9e12), discipline=(0.5, 0.5), yes_propensity=(0.9, 0.9))
    amounts = np.linspace(0.8e12, 1.1e12, 7)
    assert model.consent(amounts, 2).method == "joint"
    got = consent_table(model, amounts, (1, 2))
    assert got.tobytes() == _per_call(model, amounts, (1, 2)).tobytes()
    assert 0.0 < got.min() and got.max() < 1.0
    # fewer seated than the quorum: no consent at all, as consent_probability says
    empty = model.replace(seats=(10, 10))
    assert consent_table(empty, amounts, (1,)).tobytes() == _per_call(empty, amounts, (1,)).tobytes()


@pytest.mark.parametrize("name", ["sma-2020-hindsight", "sma-2020"])
def test_bank_tables_are_the_per_call_tables(name, tmp_path, monkeypatch):
    # sma-2020's legislature is the same model at several round dates: those dates reuse a table
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path))
    sc = load_scenario(name)
    plan = build_plan(sc)
    ec._CACHE.clear()
    bank = ec.build_consent_bank(sc, plan, 3, 2)
    _, _, members = ec.bank_scenarios(sc, 3, 2)
    _, amounts = ec._table_amounts(sc, plan)
    durations = tuple(int(m) for m in plan.durations)
    assert bank.size == 2 and len(bank.params) > 0
    for b, member in enumerate(members):
        models = [legislature_model(member, day) for day in plan.round_dates]
        if name == "sma-2020":
            assert len(set(models)) < len(models)  # the reuse is exercised
        for k, model in enumerate(models):
            assert bank.table[b, k].tobytes() == _per_call(model, amounts, durations).tobytes()
    assert not np.array_equal(bank.table[0], bank.table[1])  # members differ
