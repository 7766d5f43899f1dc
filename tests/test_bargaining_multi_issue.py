"""The multi-issue runs are played by the one alternating-offers loop, ``rounds.play_rounds``.

``run_batch`` (what ``benchmarks/negmas_parity.py`` replays the recorded ``3issue`` NegMAS runs
through) plays each negotiation with :func:`burdenshare.bargaining.rounds.play_rounds` in its
multi-issue decision mode (:mod:`burdenshare.bargaining.multi_issue`).  These tests replay the
vendored recordings (``tests/data/negmas/outcomes.json``) through ``run_batch`` compiled, and
through the same chunk run in Python with ``play_rounds`` spied on, and check the recorded
outcomes field by field (agreement, round, acceptor, proposer, final step, utilities, the full
offer trace) and that every negotiation was one ``play_rounds`` call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from burdenshare.bargaining import (
    BatchSpec,
    Issue,
    LinearUtility,
    OutcomeSpace,
    batch,
    multi_issue,
    reference_domain,
    rounds,
    run_batch,
)
from burdenshare.bargaining.parity import compare, replay
from burdenshare.bargaining.space import Domain
from burdenshare.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ROOT / "tests" / "data" / "negmas" / "outcomes.json"  # vendored, see tests/data/README.md


def _configs(scenario: str) -> list[dict[str, Any]]:
    configs = json.loads(OUTCOMES.read_text(encoding="utf-8"))["configs"]
    return [c for c in configs if c["params"]["scenario"] == scenario]


def test_three_issue_recordings_through_run_batch() -> None:
    configs = _configs("3issue")
    assert len(configs) == 54
    assert sum(c["result"]["agreement"] is not None for c in configs) > 0
    assert any(len(c["result"]["agreement"] or ()) == 3 for c in configs)
    got = replay(configs, engine="batch", record_trace=True)
    bad = {c["id"]: compare(c["result"], r) for c, r in zip(configs, got)}
    assert {k: v for k, v in bad.items() if v} == {}
    assert all("trace" in c["result"] for c in configs)  # the offer traces were compared too


def _python_chunk(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Run ``run_batch``'s chunk in Python (its ``py_func``, the decider state's Python form) with
    ``play_rounds`` spied on; return the list that counts the calls."""
    calls: list[int] = []

    def spy(*args: Any) -> Any:
        calls.append(1)
        return rounds.play_rounds(*args)

    def chunk_in_python(st: tuple[Any, ...], *args: Any) -> None:
        multi_issue.play_batch_chunk.py_func(multi_issue._PythonState(st), *args)

    monkeypatch.setattr(multi_issue, "play_rounds", spy)
    monkeypatch.setattr(batch, "play_batch_chunk", chunk_in_python)
    return calls


def test_three_issue_recordings_are_played_by_play_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    configs = _configs("3issue")
    calls = _python_chunk(monkeypatch)
    got = replay(configs, engine="batch", record_trace=True)
    assert len(calls) == len(configs) == 54  # one play_rounds call per negotiation, nothing else plays
    bad = {c["id"]: compare(c["result"], r) for c, r in zip(configs, got)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_separate_batch_loop_is_gone() -> None:
    assert not hasattr(batch, "_sao_chunk") and not hasattr(batch, "_act")
    assert multi_issue.play_batch_chunk.py_func.__globals__["play_rounds"] is rounds.play_rounds


@pytest.mark.parametrize("name", ["1issue", "3issue"])
def test_compiled_loop_equals_the_loop_in_python(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled chunk (t**e bracketed) equals the chunk run in Python with ``math.pow`` for
    every threshold, on random parameters with breakdowns, both kinds and short deadlines."""
    rng = np.random.default_rng(31)
    n = 40
    spec = BatchSpec.build(
        n,
        exponents=np.where(rng.random((n, 2)) < 0.5, rng.choice([0.25, 1.0, 4.0], (n, 2)),
                           rng.uniform(0.05, 12, (n, 2))),
        reservation_values=rng.uniform(-0.2, 1.1, (n, 2)),
        first=rng.integers(0, 2, n),
        n_steps=rng.integers(1, 60, n),
        kinds=rng.integers(0, 2, (n, 2)),
        breakdown_round=np.where(rng.random(n) < 0.3, rng.integers(0, 30, n), -1),
    )
    d = reference_domain(name)  # type: ignore[arg-type]
    compiled = run_batch(d, spec, record_trace=True, chunk_size=16)
    calls = _python_chunk(monkeypatch)
    python = run_batch(d, spec, record_trace=True, chunk_size=16, pow_bracketing=False)
    assert len(calls) == n
    for f in ("agreement", "round", "accepted_by", "proposed_by", "timedout", "broken", "final_step",
              "utilities", "offers", "n_offers"):
        assert np.array_equal(getattr(compiled, f), getattr(python, f)), f
    assert compiled.broken.any() and compiled.timedout.any() and (compiled.agreement >= 0).any()


def test_utilities_beyond_the_tolerance_are_refused() -> None:
    """The loop's acceptance is a position threshold only while the band ends at the best
    utility (``hi = u_max``); utilities so large that the tolerance is lost in rounding refuse."""
    space = OutcomeSpace((Issue.integers("x", 0, 10),))
    c = 123456789012345.67
    big = Domain(space, (LinearUtility.from_functions(space, [lambda x: c * int(x)]),
                         LinearUtility.from_functions(space, [lambda x: c * (10 - int(x))])))
    rv = 85821454203961.62  # (u_max - rv) + rv + 1e-4 rounds below u_max = 10 c
    assert (10 * c - rv) * 1.0 + rv + 1e-4 < 10 * c
    with pytest.raises(SpecError) as ei:
        run_batch(big, BatchSpec.build(1, exponents=1.0, reservation_values=[[0.0, rv]]))
    assert ei.value.field == "reservation_values[0, 1]"
    assert len(run_batch(big, BatchSpec.build(1, exponents=1.0, reservation_values=[[0.0, 0.0]]))) == 1
