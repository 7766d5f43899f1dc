"""Level-I throughput: NegMAS vs burdenshare, side by side, single core.

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_level1.py \\
        [--negmas-python /tmp/negmas-venv/bin/python] [--big 10000000] [--quick]

1. **Same negotiations in both.**  A sample of configurations drawn from the recorded grid
   (exponents 0.25/1/4, recorded reservation values, both first movers, n_steps=100, TB) is run
   by NegMAS (``SAOMechanism`` + ``TimeBasedConcedingNegotiator``, whole negotiation including
   set-up, as in SEMANTICS.md) and by burdenshare; outcomes must be identical.  NegMAS runs
   in-process if importable (extra ``compare``), else in a subprocess of ``--negmas-python``
   (a separate venv with ``negmas==0.16.0``), else that side is skipped and the recorded
   baseline (28.5/s 1-issue, 15.0/s 3-issue) is used for the ratio.  For ``1issue`` NegMAS also
   plays a second sample drawn as the timed grid+continuous batch is drawn (``_mixed_params``), and
   the engine's grid+continuous ratio is taken against that rate (the same kind of negotiations;
   its outcomes are checked against the timed engine path).  Rates are reported in wall-clock time
   and in CPU time (``time.process_time``, ``*_cpu_*`` keys): on a shared machine the CPU-time
   ratio is the one that does not depend on what else runs while each side is timed.
2. **burdenshare throughput.**  For ``1issue``, first through the engine's own Level I (the
   two-level kernel ``simulate`` runs, with ratification, veto and actions off:
   :mod:`burdenshare.engine.parity`; ``engine_*`` keys, the figure that holds for ``burdenshare
   run``), then through ``burdenshare.bargaining``'s batch kernel (``3issue``: only this; the
   engine's outcome space is one issue).  ``--n`` negotiations per scenario, each with its own parameters:
   exponents and reservation values drawn per negotiation, half from the recorded grid and half
   from continuous ranges (e in [0.2, 5], rv in [0, 0.6]), random first mover, kinds TB.  The
   median of ``--repeats`` timed runs is reported (the batch is rebuilt from the same arrays
   each time; nothing is cached between runs).
3. **10^7 run.**  ``--big`` negotiations (1-issue, grid + continuous parameters) streamed in
   chunks in a fresh process (parameters drawn per block of 65,536 from a seeded
   ``SeedSequence``; only running totals are kept), reporting throughput and that process's
   peak RSS.

The kernel is single-threaded (no ``prange``); ``NUMBA_NUM_THREADS=1`` is set before Numba
is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: no idle BLAS threads beside the kernel

GRID_E = (0.25, 1.0, 4.0)
GRID_RV = {"US": (0.0, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75), "ROK": (0.0, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75)}
NEGMAS_BASELINE = {"1issue": 28.5, "3issue": 15.0}


# ----------------------------------------------------------------------------- NegMAS side


def _negmas_run(params: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    """Run configs in NegMAS (imported here only); return outcomes and median rate."""
    from negmas import SAOMechanism, make_issue  # noqa: PLC0415 - optional dependency
    from negmas.preferences import LinearAdditiveUtilityFunction as LU  # noqa: PLC0415
    from negmas.sao.negotiators import (  # noqa: PLC0415
        AspirationNegotiator,
        TimeBasedConcedingNegotiator,
    )

    def build(scen: str) -> tuple[list, list, list]:
        if scen == "1issue":
            issues = [make_issue(values=101, name="payment")]
            us = [{x: x / 100 for x in range(101)}]
            rok = [{x: (100 - x) / 100 for x in range(101)}]
        else:
            d = 131072
            issues = [
                make_issue(values=(0, 100), name="amount"),
                make_issue(values=(1, 5), name="duration"),
                make_issue(values=(0, 10), name="escalation"),
            ]
            us = [
                {a: 786 * a / d for a in range(101)},
                {y: 4918 * (5 - y) / d for y in range(1, 6)},
                {e: 3280 * e / d for e in range(11)},
            ]
            rok = [
                {a: 654 * (100 - a) / d for a in range(101)},
                {y: 9828 * (y - 1) / d for y in range(1, 6)},
                {e: 2636 * (10 - e) / d for e in range(11)},
            ]
        return issues, us, rok

    def one(p: dict[str, Any]) -> dict[str, Any]:
        issues, us, rok = build(p["scenario"])
        m = SAOMechanism(issues=issues, n_steps=p["n_steps"])
        negs = {}
        for side, vals in (("US", us), ("ROK", rok)):
            s = p[side]
            u = LU(values=vals, weights=[1.0] * len(vals), outcome_space=m.outcome_space,
                   reserved_value=s["rv"])
            if s["kind"] == "TB":
                negs[side] = TimeBasedConcedingNegotiator(name=side, ufun=u,
                                                          offering_curve=float(s["exponent"]))
            else:
                negs[side] = AspirationNegotiator(name=side, ufun=u,
                                                  aspiration_type=float(s["exponent"]))
        for side in (p["first"], "ROK" if p["first"] == "US" else "US"):
            m.add(negs[side])
        st = m.run()
        return {"agreement": list(st.agreement) if st.agreement else None, "step": st.step}

    rates, cpu, out = [], [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = [one(p) for p in params]
        rates.append(len(params) / (time.perf_counter() - t0))
        cpu.append(len(params) / (time.process_time() - c0))
    return {"outcomes": out, "rate": statistics.median(rates), "rates": rates, "cpu_rate": statistics.median(cpu)}


def _negmas(params: list[dict[str, Any]], repeats: int, python: str | None) -> dict[str, Any] | None:
    try:
        import negmas  # noqa: F401, PLC0415

        return _negmas_run(params, repeats)
    except ImportError:
        pass
    if not python:
        return None
    proc = subprocess.run(
        [python, __file__, "--negmas-worker", str(repeats)],
        input=json.dumps(params),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(f"NegMAS worker failed: {proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout)


# ----------------------------------------------------------------------------- burdenshare side


def _grid_params(scen: str, count: int, seed: int) -> list[dict[str, Any]]:
    import numpy as np  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    return [
        {
            "scenario": scen,
            "n_steps": 100,
            "first": str(rng.choice(["US", "ROK"])),
            "US": {"kind": "TB", "exponent": float(rng.choice(GRID_E)), "rv": float(rng.choice(GRID_RV["US"]))},
            "ROK": {"kind": "TB", "exponent": float(rng.choice(GRID_E)), "rv": float(rng.choice(GRID_RV["ROK"]))},
        }
        for _ in range(count)
    ]


def _mixed_params(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` 1issue configurations drawn as :func:`_draw_spec` draws the timed grid+continuous
    batch (half grid, half continuous exponents and reservation values), for NegMAS to play: the
    ratio of the grid+continuous rates then compares the same kind of negotiations (continuous
    exponents run more rounds: ~87 against ~81 on the grid)."""
    import numpy as np  # noqa: PLC0415

    spec = _draw_spec(count, np.random.default_rng(np.random.SeedSequence(seed)))
    return [
        {
            "scenario": "1issue",
            "n_steps": 100,
            "first": "US" if int(spec.first[i]) == 0 else "ROK",
            "US": {"kind": "TB", "exponent": float(spec.exponents[i, 0]), "rv": float(spec.reservation_values[i, 0])},
            "ROK": {"kind": "TB", "exponent": float(spec.exponents[i, 1]), "rv": float(spec.reservation_values[i, 1])},
        }
        for i in range(count)
    ]


def _draw_spec(n: int, rng: Any, grid_only: bool = False) -> Any:
    import numpy as np  # noqa: PLC0415

    from burdenshare.bargaining import BatchSpec  # noqa: PLC0415

    e_grid = rng.choice(GRID_E, (n, 2))
    rv_grid = np.stack([rng.choice(GRID_RV["US"], n), rng.choice(GRID_RV["ROK"], n)], axis=1)
    if grid_only:
        e, rv = e_grid, rv_grid
    else:
        cont = rng.random(n) < 0.5
        e = np.where(cont[:, None], rng.uniform(0.2, 5.0, (n, 2)), e_grid)
        rv = np.where(cont[:, None], rng.uniform(0.0, 0.6, (n, 2)), rv_grid)
    return BatchSpec.build(n, exponents=e, reservation_values=rv, first=rng.integers(0, 2, n),
                           n_steps=100, kinds="TB")


def _time_batch(domain: Any, spec: Any, repeats: int) -> tuple[float, list[float], Any]:
    from burdenshare.bargaining import BatchSpec, run_batch  # noqa: PLC0415

    rates, r = [], None
    for _ in range(repeats):
        fresh = BatchSpec(spec.exponents.copy(), spec.reservation_values.copy(), spec.first.copy(),
                          spec.n_steps.copy(), spec.kinds.copy(), spec.breakdown_round.copy())
        t0 = time.perf_counter()
        r = run_batch(domain, fresh)
        rates.append(len(spec) / (time.perf_counter() - t0))
    return statistics.median(rates), rates, r


def _time_engine(spec: Any, repeats: int, chunk: int = 1 << 16) -> tuple[float, list[float], Any, float, Any]:
    """Median negotiations/s of the engine's Level I (the two-level kernel ``simulate`` runs, with
    ratification, veto and actions off: :mod:`burdenshare.engine.parity`) on the 1issue grid.

    One kernel call per chunk and first mover, as the engine plays a run in chunks; the
    per-draw columns are built inside the timed loop.  Returns (median rate, rates, final steps,
    median rate in CPU time (``time.process_time``: less sensitive to other processes on a shared
    machine), agreed payment index or -1).
    """
    import numpy as np  # noqa: PLC0415

    from burdenshare.engine.kernel import run_kernel  # noqa: PLC0415
    from burdenshare.engine.parity import level_one_plan  # noqa: PLC0415

    n_steps = int(spec.n_steps[0])
    if np.any(spec.n_steps != n_steps):
        raise ValueError("one deadline per timed batch")
    plans = {f: level_one_plan(n_steps, us_first=f == 0) for f in (0, 1)}
    table = np.ones((1, n_steps, 1, 101))
    winset = np.full((1, n_steps, 1), 100, dtype=np.int64)
    blm = np.zeros((1, n_steps))
    u_vote = np.zeros((chunk, n_steps))
    rates, cpu, steps, agreed = [], [], None, None
    for _ in range(repeats):
        steps = np.empty(len(spec), dtype=np.int64)
        agreed = np.empty(len(spec), dtype=np.int64)
        t0, c0 = time.perf_counter(), time.process_time()
        for f in (0, 1):
            idx = np.flatnonzero(spec.first == f)
            for s0 in range(0, idx.size, chunk):
                sel = idx[s0:s0 + chunk]
                m = sel.size
                rv, e = spec.reservation_values[sel], spec.exponents[sel]
                cols = {
                    "r_us": rv[:, 0] * 100.0, "r_rok": 100.0 - rv[:, 1] * 100.0,
                    "open_us": np.full(m, 100.0), "open_rok": np.zeros(m),
                    "e_us": np.ascontiguousarray(e[:, 0]), "e_rok": np.ascontiguousarray(e[:, 1]),
                    "delta_us": np.ones(m), "delta_rok": np.ones(m), "aud_us": np.zeros(m), "aud_rok": np.zeros(m),
                    "r_pres": np.zeros(m), "r_pres_after": np.full(m, np.nan),
                    "obst_us": np.zeros(m, np.int64), "obst_rok": np.zeros(m, np.int64),
                    "change": np.zeros(m, np.int64), "bank": np.zeros(m, np.int64),
                }
                oi, _ = run_kernel(plans[f], table, winset, cols, u_vote[:m], 0, base_log_median=blm)
                steps[sel] = np.where(oi[:, 0] == 1, oi[:, 1] + 1, n_steps)
                agreed[sel] = np.where(oi[:, 0] == 1, oi[:, 2], -1)
        rates.append(len(spec) / (time.perf_counter() - t0))
        cpu.append(len(spec) / (time.process_time() - c0))
    return statistics.median(rates), rates, steps, statistics.median(cpu), agreed


def _peak_rss_mb() -> float:
    """Peak resident set size of this process image in MB (Linux ``VmHWM``; else ru_maxrss).

    ``ru_maxrss`` survives ``exec`` on Linux (a fresh child reports its parent's peak), so the
    per-image high-water mark is read from ``/proc`` where available.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _big_run(n_total: int, chunk: int, seed: int) -> dict[str, Any]:
    import numpy as np  # noqa: PLC0415

    from burdenshare.bargaining import iter_batch, one_issue_domain  # noqa: PLC0415

    domain = one_issue_domain()
    block = 1 << 16

    def specs():  # type: ignore[no-untyped-def]
        for b, start in enumerate(range(0, n_total, block)):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
            yield _draw_spec(min(block, n_total - start), rng)

    list(iter_batch(domain, _draw_spec(16, np.random.default_rng(0))))  # load the kernel
    base_mb = _peak_rss_mb()
    agreed = 0
    rounds = 0
    t0 = time.perf_counter()
    for r in iter_batch(domain, specs(), chunk_size=chunk):
        ok = r.agreement >= 0
        agreed += int(ok.sum())
        rounds += int(r.final_step.sum())
    dt = time.perf_counter() - t0
    rss_mb = _peak_rss_mb()
    return {
        "negotiations": n_total,
        "seconds": round(dt, 2),
        "negotiations_per_s": round(n_total / dt),
        "agreement_rate": round(agreed / n_total, 4),
        "mean_rounds": round(rounds / n_total, 2),
        "peak_rss_mb": round(rss_mb, 1),
        "rss_before_run_mb": round(base_mb, 1),
        "note": "parameter draws included in the time",
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table and one JSON summary line."""
    ap = argparse.ArgumentParser(description="Level-I throughput: NegMAS vs burdenshare")
    ap.add_argument("--n", type=int, default=1_000_000, help="burdenshare negotiations per scenario")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--negmas-n", type=int, default=60, help="negotiations per scenario in NegMAS")
    ap.add_argument("--negmas-repeats", type=int, default=3)
    ap.add_argument("--negmas-python", default=None, help="python of a venv with negmas==0.16.0")
    ap.add_argument("--big", type=int, default=10_000_000, help="size of the streamed run (0: skip)")
    ap.add_argument("--chunk", type=int, default=1 << 16)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--negmas-worker", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--big-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.big_worker:  # fresh process, so that peak RSS is the streamed run's own
        print(json.dumps(_big_run(args.big, args.chunk, seed=2026)))
        return 0

    if args.negmas_worker is not None:  # subprocess mode: only NegMAS is imported
        print(json.dumps(_negmas_run(json.loads(sys.stdin.read()), args.negmas_worker)))
        return 0
    if args.quick:
        args.n, args.repeats, args.negmas_n, args.negmas_repeats, args.big = 20_000, 3, 6, 1, 200_000

    import numpy as np  # noqa: PLC0415

    from burdenshare.bargaining import BatchSpec, reference_domain, run_batch  # noqa: PLC0415
    from burdenshare.bargaining.parity import _spec  # noqa: PLC0415

    summary: dict[str, Any] = {"numba_threads": os.environ.get("NUMBA_NUM_THREADS")}
    for scen in ("1issue", "3issue"):
        domain = reference_domain(scen)  # type: ignore[arg-type]
        run_batch(domain, BatchSpec.build(2, exponents=1.0))  # compile / load the cache
        # 1. the same negotiations in both engines
        params = _grid_params(scen, args.negmas_n, seed=7)
        nm = _negmas(params, args.negmas_repeats, args.negmas_python)
        mine = run_batch(domain, _spec(domain, params))
        same = None
        if nm is not None:
            mine_out = [
                (list(domain.space.outcome(a)) if a >= 0 else None, s)
                for a, s in zip(mine.agreement.tolist(), mine.final_step.tolist())
            ]
            same = mine_out == [(o["agreement"], o["step"]) for o in nm["outcomes"]]
        # 2. burdenshare throughput, per-negotiation parameters (grid only, and grid+continuous)
        rng = np.random.default_rng(np.random.SeedSequence(2026, spawn_key=(1,)))
        grid_rate, grid_rates, r = _time_batch(domain, _draw_spec(args.n, rng, grid_only=True), args.repeats)
        mixed_rate, _, r2 = _time_batch(domain, _draw_spec(args.n, rng), args.repeats)
        nm_rate = nm["rate"] if nm is not None else None
        base = nm_rate if nm_rate is not None else NEGMAS_BASELINE[scen]
        engine: dict[str, Any] = {}
        if scen == "1issue":  # the engine's own Level I (what `burdenshare run` plays)
            from burdenshare.engine.parity import replay as engine_replay  # noqa: PLC0415

            got = engine_replay([{"params": p} for p in params], record_trace=False)
            engine["identical_outcomes_on_shared_sample"] = (
                None if nm is None else
                [(g["agreement"], g["final_state_step"]) for g in got] == [(o["agreement"], o["step"]) for o in nm["outcomes"]])
            # NegMAS on a sample drawn as the timed grid+continuous batch is drawn (same kind of
            # negotiations in both rates), its outcomes checked against the timed engine path
            params_m = _mixed_params(args.negmas_n, seed=8)
            nm_m = _negmas(params_m, args.negmas_repeats, args.negmas_python)
            _, _, steps_sm, _, agreed_sm = _time_engine(_spec(domain, params_m), 1)
            engine["identical_outcomes_on_mixed_sample"] = (
                None if nm_m is None else
                [([a] if a >= 0 else None, s) for a, s in zip(agreed_sm.tolist(), steps_sm.tolist())]
                == [(o["agreement"], o["step"]) for o in nm_m["outcomes"]])
            base_m = nm_m["rate"] if nm_m is not None else base
            rng_e = np.random.default_rng(np.random.SeedSequence(2026, spawn_key=(1,)))
            e_grid, e_grid_rates, steps_g, c_grid, _ = _time_engine(_draw_spec(args.n, rng_e, grid_only=True),
                                                                     args.repeats)
            e_mixed, e_mixed_rates, steps_m, c_mixed, _ = _time_engine(_draw_spec(args.n, rng_e), args.repeats)
            engine.update({
                "negmas_mixed_per_s": round(nm_m["rate"], 2) if nm_m is not None else None,
                "engine_grid_per_s": round(e_grid), "engine_grid_rates": [round(x) for x in e_grid_rates],
                "engine_mixed_per_s": round(e_mixed), "engine_mixed_rates": [round(x) for x in e_mixed_rates],
                "engine_mean_rounds_grid": round(float(steps_g.mean()), 2),
                "engine_mean_rounds_mixed": round(float(steps_m.mean()), 2),
                "engine_ratio_grid": round(e_grid / base),
                "engine_ratio_mixed": round(e_mixed / base_m),
                "engine_ratio_mixed_vs_grid_negmas": round(e_mixed / base),
            })
            if nm is not None and nm_m is not None:  # the same ratios in CPU time (time.process_time)
                engine.update({
                    "negmas_cpu_per_s": round(nm["cpu_rate"], 2), "negmas_mixed_cpu_per_s": round(nm_m["cpu_rate"], 2),
                    "engine_grid_cpu_per_s": round(c_grid), "engine_mixed_cpu_per_s": round(c_mixed),
                    "engine_cpu_ratio_grid": round(c_grid / nm["cpu_rate"]),
                    "engine_cpu_ratio_mixed": round(c_mixed / nm_m["cpu_rate"]),
                })
            print(f"1issue engine Level I (run_kernel, two-level parts off): grid {e_grid:,.0f}/s "
                  f"(x{e_grid / base:,.0f}), grid+continuous {e_mixed:,.0f}/s (x{e_mixed / base_m:,.0f} against NegMAS "
                  f"{base_m:.2f}/s on a grid+continuous sample) | same outcomes on {len(params)} shared: "
                  f"{engine['identical_outcomes_on_shared_sample']}, on {len(params_m)} grid+continuous: "
                  f"{engine['identical_outcomes_on_mixed_sample']}", file=sys.stderr)
            if "engine_cpu_ratio_mixed" in engine:
                print(f"  CPU time: NegMAS {engine['negmas_cpu_per_s']}/s grid, {engine['negmas_mixed_cpu_per_s']}/s "
                      f"grid+continuous; engine x{engine['engine_cpu_ratio_grid']:,} grid, "
                      f"x{engine['engine_cpu_ratio_mixed']:,} grid+continuous", file=sys.stderr)
        summary[scen] = {
            "negmas_per_s": round(nm_rate, 2) if nm_rate is not None else None,
            "negmas_baseline_per_s": NEGMAS_BASELINE[scen],
            "identical_outcomes_on_shared_sample": same,
            "shared_sample": len(params),
            "burdenshare_grid_per_s": round(grid_rate),
            "burdenshare_grid_rates": [round(x) for x in grid_rates],
            "burdenshare_mixed_per_s": round(mixed_rate),
            "mean_rounds_grid": round(float(r.final_step.mean()), 2),
            "mean_rounds_mixed": round(float(r2.final_step.mean()), 2),
            "ratio_grid": round(grid_rate / base),
            "ratio_mixed": round(mixed_rate / base),
            "ratio_vs": "measured NegMAS" if nm_rate is not None else "recorded baseline",
            **engine,
        }
        s = summary[scen]
        print(
            f"{scen}: NegMAS {s['negmas_per_s'] or 'n/a (baseline %s)' % NEGMAS_BASELINE[scen]}/s | "
            f"burdenshare grid {s['burdenshare_grid_per_s']:,}/s (x{s['ratio_grid']:,}), "
            f"grid+continuous {s['burdenshare_mixed_per_s']:,}/s (x{s['ratio_mixed']:,}) | "
            f"same outcomes on {len(params)} shared: {same}",
            file=sys.stderr,
        )
    if args.big:
        proc = subprocess.run(
            [sys.executable, __file__, "--big-worker", "--big", str(args.big), "--chunk", str(args.chunk)],
            capture_output=True, text=True, check=True,
        )
        summary["big"] = json.loads(proc.stdout)
        b = summary["big"]
        print(f"streamed {b['negotiations']:,}: {b['negotiations_per_s']:,}/s, "
              f"peak RSS {b['peak_rss_mb']} MB (after imports: {b['rss_before_run_mb']} MB)",
              file=sys.stderr)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
