"""The kernel's variant of the round loop without the two-level hooks (``rounds.level_one_only``).

The kernel plays a chunk through that variant only when the chunk has none of the two-level parts
it compiles out (``kernel._level_one_chunk``); on such a chunk, and on chunks that have exactly one
of those parts (or a bargained escalator rate), every output equals the scalar reference (which always
plays with every hook).
"""

from __future__ import annotations


import numpy as np
import pytest

from _kernel_ref import assert_kernel_rows_equal_reference
from burdenshare.engine import BLOCK_SIZE
from burdenshare.engine.consent import build_consent_bank
from burdenshare.engine.draws import DrawLayout, draw_range
from burdenshare.engine.kernel import _level_one_chunk, run_kernel
from burdenshare.engine.plan import build_plan, draw_columns
from burdenshare.engine.reference import chunk_constants, draw_arrays, rate_arrays
from burdenshare.scenario import Scenario, load_scenario
from test_rate_value import RATES, _with_rates

# the hand-tuned scenario with its chunk-wide two-level parts off (approval, agenda control, ceiling)
BARE = ["parties.principal.approval_required=false", "parties.host_executive.submission=immediate",
        "parties.host_executive.opinion_weight=0.0"]


def _chunk(overrides: list[str], draws: int, seed: int, types_off: bool, scenario: Scenario | None = None):
    scenario = scenario or load_scenario("sma-2020-hindsight", overrides)
    plan = build_plan(scenario)
    bank = build_consent_bank(scenario, plan, seed, 1)
    layout = DrawLayout.from_scenario(scenario, plan.n_rounds)
    chunk = draw_range(layout, seed, 0, -(-draws // BLOCK_SIZE), draws)
    cols = dict(draw_columns(scenario, layout, chunk, bank.size))
    if types_off:  # no obstinate type and no change of administration in any draw
        for k in ("obst_us", "obst_rok", "change"):
            cols[k] = np.zeros_like(cols[k])
    return plan, bank, chunk, cols


@pytest.mark.parametrize(
    ("overrides", "types_off", "bare"),
    [
        (BARE, True, True),
        (BARE, False, False),  # obstinate types and administration changes drawn
        (BARE[1:], True, False),  # the President's approval
        ([BARE[0], BARE[2]], True, False),  # agenda control (strategic submission)
        (BARE[:2] + ["parties.host_executive.opinion_weight=0.5"], True, False),  # the executive's ceiling
        (BARE + ["strategies.rok.kind=tit_for_tat"], True, False),
        (BARE + ["strategies.rok.kind=winset_aware"], True, False),
        (BARE + ["strategies.us.kind=winset_aware"], True, False),
        (BARE + ["strategies.us.kind=hardliner"], True, False),
    ],
)
def test_variant_chosen_only_without_two_level_parts_and_equal_to_reference(overrides, types_off, bare):
    _check(*_chunk(overrides, draws=400, seed=5, types_off=types_off), bare)


def test_a_bargained_escalator_rate_rules_the_variant_out():
    """The variant is compiled with one escalator rate (its tests out): a chunk whose rate is
    bargained (issue 11) plays the general loop, equal to the reference."""
    scenario = _with_rates(0.03, 0.10, RATES, *BARE)
    _check(*_chunk([], draws=400, seed=5, types_off=True, scenario=scenario), False)


def _check(plan, bank, chunk, cols, bare):
    ci, cf, _ = chunk_constants(plan, bank.offset)
    fc, ic = draw_arrays(plan, cols)
    assert _level_one_chunk.py_func(ci, cf, ic, fc, rate_arrays(plan)[1].shape[1]) is bare
    oi, of = run_kernel(plan, bank.table, bank.winset, cols, chunk.u_vote, bank.offset,
                        base_log_median=bank.base_log_median)
    agreed = assert_kernel_rows_equal_reference(plan, bank, cols, chunk.u_vote, oi, of)
    assert 0 < agreed  # the comparison covers signed texts, not only breakdowns
