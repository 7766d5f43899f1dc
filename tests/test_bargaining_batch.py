"""Batch kernel: equals the scalar reference and NegMAS; chunking, determinism, rationality."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from burdenshare.bargaining import (
    BatchSpec,
    Negotiator,
    iter_batch,
    reference_domain,
    run_batch,
    run_sao,
    time_based,
)
from burdenshare.bargaining.parity import compare, replay
from burdenshare.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ROOT / "tests" / "data" / "negmas" / "outcomes.json"  # vendored, see tests/data/README.md
DOMAINS = {name: reference_domain(name) for name in ("1issue", "3issue")}  # type: ignore[arg-type]
GRID_E = [0.25, 1.0, 4.0]
GRID_RV = [0.0, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75]


def test_batch_matches_all_recorded_negmas_runs() -> None:
    configs = json.loads(OUTCOMES.read_text(encoding="utf-8"))["configs"]
    results = replay(configs, engine="batch", record_trace=True)
    bad = {c["id"]: compare(c["result"], r) for c, r in zip(configs, results)}
    assert len(configs) == 450
    assert {k: v for k, v in bad.items() if v} == {}


def _reference(name: str, spec: BatchSpec, i: int):  # type: ignore[no-untyped-def]
    d = DOMAINS[name]
    negs = [
        Negotiator(
            time_based(float(spec.exponents[i, p]), ("TB", "ASP")[spec.kinds[i, p]]),  # type: ignore[arg-type]
            float(spec.reservation_values[i, p]),
        )
        for p in (0, 1)
    ]
    b = int(spec.breakdown_round[i])
    return run_sao(d, negs, int(spec.n_steps[i]), first=int(spec.first[i]), breakdown_round=b)


def _assert_batch_equals_reference(name: str, spec: BatchSpec) -> None:
    r = run_batch(DOMAINS[name], spec, record_trace=True, chunk_size=3)
    for i in range(len(spec)):
        ref = _reference(name, spec, i)
        assert int(r.agreement[i]) == (-1 if ref.agreement is None else ref.agreement)
        assert int(r.round[i]) == (-1 if ref.round is None else ref.round)
        names = DOMAINS[name].parties
        assert (names[r.accepted_by[i]] if r.accepted_by[i] >= 0 else None) == ref.accepted_by
        assert (names[r.proposed_by[i]] if r.proposed_by[i] >= 0 else None) == ref.proposed_by
        assert bool(r.timedout[i]) == ref.timedout and bool(r.broken[i]) == ref.broken
        assert int(r.final_step[i]) == ref.final_step
        assert tuple(r.utilities[i].tolist()) == ref.utilities  # bit-identical
        assert ref.trace is not None
        assert [(k, names[q], o) for k, q, o in r.trace(i)] == list(ref.trace)


exponent = st.one_of(
    st.sampled_from(GRID_E), st.floats(0.05, 1.0), st.floats(1.0, 20.0), st.just(1e-3)
)
reservation = st.one_of(st.sampled_from(GRID_RV), st.floats(-0.5, 1.2), st.just(1.0))


@st.composite
def batch_specs(draw: st.DrawFn, max_n: int = 6) -> tuple[str, BatchSpec]:
    name = draw(st.sampled_from(["1issue", "3issue"]))
    n = draw(st.integers(1, max_n))
    pair = st.tuples(exponent, exponent)
    n_steps = draw(st.lists(st.integers(1, 200), min_size=n, max_size=n))
    # kinds as codes (0 TB, 1 ASP); breakdown mostly never
    exps = draw(st.lists(pair, min_size=n, max_size=n))
    rvs = draw(st.lists(st.tuples(reservation, reservation), min_size=n, max_size=n))
    kinds = draw(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=n, max_size=n))
    first = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    brk = [draw(st.sampled_from([-1, -1, -1, 0, s // 2, s])) for s in n_steps]
    spec = BatchSpec.build(
        n,
        exponents=exps,
        reservation_values=rvs,
        first=first,
        n_steps=n_steps,
        kinds=kinds,
        breakdown_round=brk,
    )
    return name, spec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch_specs())
def test_batch_equals_reference_on_random_specs(case: tuple[str, BatchSpec]) -> None:
    _assert_batch_equals_reference(*case)


def _random_spec(rng: np.random.Generator, n: int, max_steps: int = 200) -> BatchSpec:
    e = np.where(rng.random((n, 2)) < 0.5, rng.choice(GRID_E, (n, 2)), rng.uniform(0.05, 12, (n, 2)))
    rv = np.where(rng.random((n, 2)) < 0.5, rng.choice(GRID_RV, (n, 2)), rng.uniform(-0.2, 1.1, (n, 2)))
    return BatchSpec.build(
        n,
        exponents=e,
        reservation_values=rv,
        first=rng.integers(0, 2, n),
        n_steps=rng.integers(1, max_steps + 1, n),
        kinds=rng.integers(0, 2, (n, 2)),
    )


@pytest.mark.parametrize("name", ["1issue", "3issue"])
def test_chunk_size_does_not_change_results(name: str) -> None:
    spec = _random_spec(np.random.default_rng(11), 500)
    d = DOMAINS[name]
    base = run_batch(d, spec, chunk_size=500, record_trace=True)
    for cs in (1, 7, 64, 10_000):
        r = run_batch(d, spec, chunk_size=cs, record_trace=True)
        for f in ("agreement", "round", "accepted_by", "proposed_by", "timedout", "broken",
                  "final_step", "utilities", "offers", "n_offers"):
            assert np.array_equal(getattr(r, f), getattr(base, f)), f
    streamed = list(iter_batch(d, spec, chunk_size=128))
    assert [len(c) for c in streamed] == [128, 128, 128, 116]
    assert np.array_equal(np.concatenate([c.agreement for c in streamed]), base.agreement)
    # a generator of specs streams too
    parts = list(iter_batch(d, (spec.slice(a, a + 100) for a in range(0, 500, 100)), chunk_size=64))
    assert np.array_equal(np.concatenate([c.round for c in parts]), base.round)
    # traces off: same results
    fast = run_batch(d, spec)
    assert fast.offers is None and np.array_equal(fast.agreement, base.agreement)


def test_same_inputs_give_identical_results() -> None:
    spec = _random_spec(np.random.default_rng(5), 300)
    a = run_batch(DOMAINS["3issue"], spec)
    b = run_batch(DOMAINS["3issue"], spec)
    assert np.array_equal(a.utilities, b.utilities) and np.array_equal(a.agreement, b.agreement)


@settings(max_examples=40, deadline=None)
@given(batch_specs(max_n=20), st.integers(0, 2**32 - 1))
@example(("1issue", BatchSpec.build(1, exponents=4.0, reservation_values=[[0.25, 0.75]])), 0)
def test_agreements_are_individually_rational(case: tuple[str, BatchSpec], seed: int) -> None:
    name, spec = case
    rng = np.random.default_rng(seed)
    rv = rng.uniform(-0.5, 1.0, (len(spec), 2))  # at most every agent's best utility (1.0)
    spec = BatchSpec.build(
        len(spec), exponents=spec.exponents, reservation_values=rv, first=spec.first,
        n_steps=spec.n_steps, kinds=spec.kinds,
    )
    r = run_batch(DOMAINS[name], spec)
    ok = r.agreement >= 0
    # TB agents offer and accept only rational outcomes; an ASP proposer may offer up to 1e-6
    # below its threshold (NegMAS nearest rule over all outcomes), hence below rv by < 1e-6.
    slack = np.where(spec.kinds == 1, 1e-6, 0.0)
    assert np.all(r.utilities[ok] >= rv[ok] - slack[ok])
    assert np.all(r.utilities[~ok] == rv[~ok])
    # the acceptor is always rational
    acc = r.accepted_by[ok].astype(np.int64)
    assert np.all(r.utilities[ok][np.arange(ok.sum()), acc] >= rv[ok][np.arange(ok.sum()), acc])


def test_zopa_of_one_outcome_never_agrees() -> None:
    # SEMANTICS.md: with rv_US=0.25, rv_ROK=0.75 the ZOPA is {x=25}; no agreement before the deadline
    e = np.array([[a, b] for a in GRID_E for b in GRID_E for _ in (0, 1)])
    spec = BatchSpec.build(18, exponents=e, reservation_values=[[0.25, 0.75]], first=np.arange(18) % 2)
    r = run_batch(DOMAINS["1issue"], spec)
    assert np.all(r.agreement == -1) and np.all(r.timedout)


def test_pow_shortcut_is_exact() -> None:
    # the kernel uses t**1.0 == t and shares pow between equal exponents
    for n in range(1, 400):
        for k in range(n):
            t = (k + 1) / (n + 1)
            assert math.pow(t, 1.0) == t


def test_round_costs_in_batch() -> None:
    spec = _random_spec(np.random.default_rng(3), 50, max_steps=40)
    costs = np.random.default_rng(4).uniform(0, 0.01, (2, 40))
    d = DOMAINS["1issue"]
    plain = run_batch(d, spec)
    r = run_batch(d, spec, round_costs=costs)
    cum = np.cumsum(costs, axis=1)
    for i in range(50):
        s = int(plain.final_step[i])
        assert r.utilities[i].tolist() == (plain.utilities[i] - cum[:, s - 1]).tolist()
    with pytest.raises(SpecError) as ei:
        run_batch(d, spec, round_costs=costs[:, :10])
    assert ei.value.field == "round_costs"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"exponents": [[1.0, math.nan]]}, "exponents[0, 1]"),
        ({"exponents": [[0.0, 1.0]]}, "exponents[0, 0]"),
        ({"exponents": [[-2.0, 1.0]]}, "exponents[0, 0]"),
        ({"exponents": 1.0, "reservation_values": [[math.inf, 0.0]]}, "reservation_values[0, 0]"),
        ({"exponents": 1.0, "reservation_values": [[0.0, math.nan]]}, "reservation_values[0, 1]"),
        ({"exponents": 1.0, "n_steps": 0}, "n_steps"),
        ({"exponents": 1.0, "n_steps": 1.5}, "n_steps"),
        ({"exponents": 1.0, "kinds": "BOULWARE"}, "kinds"),
        ({"exponents": 1.0, "first": 2}, "first[0]"),
        ({"exponents": [1.0, 2.0, 3.0]}, "exponents"),
    ],
)
def test_bad_batch_specs(kwargs: dict, field: str) -> None:
    with pytest.raises(SpecError) as ei:
        BatchSpec.build(1, **kwargs)
    assert ei.value.field == field


def test_bad_chunk_size_and_empty_batch() -> None:
    spec = BatchSpec.build(0, exponents=1.0)
    assert len(run_batch(DOMAINS["1issue"], spec)) == 0
    with pytest.raises(SpecError) as ei:
        run_batch(DOMAINS["1issue"], BatchSpec.build(2, exponents=1.0), chunk_size=0)
    assert ei.value.field == "chunk_size"


def test_pow_bracket_encloses_math_pow() -> None:
    import numba

    from burdenshare.bargaining._powbound import POW_REL_TOL, pow_approx

    @numba.njit
    def worst(ts: np.ndarray, es: np.ndarray) -> float:
        w = 0.0
        for i in range(ts.shape[0]):
            p = math.pow(ts[i], es[i])
            q = pow_approx(ts[i], es[i])
            if q == 0.0:  # claimed: 1 - p rounds to 1.0
                if 1.0 - p != 1.0:
                    return math.inf
                continue
            w = max(w, abs(q - p) / p / (1.0 + es[i]))
        return w

    rng = np.random.default_rng(2024)
    n = 400_000
    ns = rng.integers(1, 10_000, n)
    ts = np.concatenate([(rng.integers(0, ns) + 1) / (ns + 1), rng.random(n) + 1e-300, [1.0]])
    es = np.concatenate([rng.uniform(1e-3, 60, n), np.exp(rng.uniform(-7, 7, n)), [3.0]])
    assert worst(ts, es) < POW_REL_TOL / 20  # the bracket has a margin of 20 or more


@pytest.mark.parametrize("name", ["1issue", "3issue"])
def test_pow_bracketing_does_not_change_results(name: str) -> None:
    rng = np.random.default_rng(99)
    n = 3000
    e = np.exp(rng.uniform(-5, 4, (n, 2)))
    e[::7] = 1.0
    e[::11, 1] = e[::11, 0]
    spec = BatchSpec.build(
        n,
        exponents=e,
        reservation_values=rng.uniform(-0.2, 1.05, (n, 2)),
        first=rng.integers(0, 2, n),
        n_steps=rng.integers(1, 300, n),
        kinds=rng.integers(0, 2, (n, 2)),
    )
    a = run_batch(DOMAINS[name], spec, record_trace=True)
    b = run_batch(DOMAINS[name], spec, record_trace=True, pow_bracketing=False)
    for f in ("agreement", "round", "accepted_by", "final_step", "utilities", "offers"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f


def test_special_exponent_powers_enclose_math_pow() -> None:
    """Products / square roots used for e in {4, 0.25, 2, 0.5} stay inside the bracket margin."""
    import numba

    from burdenshare.bargaining._powbound import POW_REL_TOL
    from burdenshare.bargaining.batch import _fill_pow

    @numba.njit
    def worst(ts: np.ndarray, e: float) -> float:
        out = np.empty(ts.shape[0])
        _fill_pow(ts, ts.shape[0], e, out)
        w = 0.0
        for i in range(ts.shape[0]):
            p = math.pow(ts[i], e)
            q = out[i]
            if q == 0.0 or p == 0.0:
                if 1.0 - p != 1.0 or 1.0 - q != 1.0:
                    return math.inf
                continue
            w = max(w, abs(q - p) / p / (1.0 + e))
        return w

    rng = np.random.default_rng(7)
    n = 200_000
    ns = rng.integers(1, 10_000, n)
    ts = np.concatenate([(rng.integers(0, ns) + 1) / (ns + 1), rng.random(n) + 1e-300, [1.0]])
    for e in (4.0, 0.25, 2.0, 0.5, 3.0, 1.7):
        assert worst(ts, e) < POW_REL_TOL / 20, e


@functools.cache
def _search_both():  # type: ignore[no-untyped-def]
    """Compiled once: ``_search`` with the bucket index and with bisection."""
    import numba

    from burdenshare.bargaining.batch import _search

    @numba.njit
    def both(su, start, pos, lo, bidx, b0, bs):  # type: ignore[no-untyped-def]
        n = su.shape[0]
        return (
            _search(su, start, n, pos, lo, bidx, b0, bs, bidx.shape[0] - 1),
            _search(su, start, n, pos, lo, None, 0.0, 0.0, 0),
        )

    return both


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=3000, unique=True),
    st.data(),
)
def test_indexed_search_equals_bisect(values: list[float], data: st.DataObject) -> None:
    """The bucket-index search finds the same position as a plain bisection, from any hint."""
    from burdenshare.bargaining.batch import _bucket_index

    both = _search_both()
    su = np.array(sorted(values))
    n = len(su)
    bidx, b0, bs = _bucket_index(su)
    start = data.draw(st.integers(0, n - 1))
    pos = data.draw(st.integers(start, n - 1))
    lo = data.draw(st.one_of(st.sampled_from(values), st.floats(-3.0, 3.0)))
    j = int(np.searchsorted(su, lo, side="left"))
    expected = min(max(j, start), n - 1)
    assert both(su, start, pos, lo, bidx, b0, bs) == (expected, expected)


@pytest.mark.parametrize("name", ["1issue", "3issue"])
def test_search_index_and_special_exponents_do_not_change_results(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from burdenshare.bargaining import batch

    rng = np.random.default_rng(5)
    n = 3000
    e = rng.choice([0.25, 0.5, 1.0, 2.0, 4.0], (n, 2))
    e[::3, 0] = np.exp(rng.uniform(-4, 3, len(e[::3])))
    spec = BatchSpec.build(
        n,
        exponents=e,
        reservation_values=np.where(
            rng.random((n, 2)) < 0.5, rng.choice(GRID_RV, (n, 2)), rng.uniform(-0.2, 1.05, (n, 2))
        ),
        first=rng.integers(0, 2, n),
        n_steps=rng.integers(1, 300, n),
        kinds=rng.integers(0, 2, (n, 2)),
    )
    exact = run_batch(DOMAINS[name], spec, record_trace=True, pow_bracketing=False)
    for min_outcomes in (0, 10**9):  # bucket index always / never
        monkeypatch.setattr(batch, "INDEX_MIN_OUTCOMES", min_outcomes)
        r = run_batch(DOMAINS[name], spec, record_trace=True)
        fields = ("agreement", "round", "accepted_by", "proposed_by", "final_step", "utilities")
        for f in (*fields, "offers"):
            assert np.array_equal(getattr(r, f), getattr(exact, f)), (min_outcomes, f)
