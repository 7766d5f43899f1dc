"""Scale benchmark: sma-2020-hindsight throughput by size, peak memory, and local vs Dask sweeps, side by side.

Run::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scale.py            # 10^4, 10^5, 10^6
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000 100000 --repeats 3 --json

Sections (medians over ``--repeats``; section 1 repeats small sizes more, up to 30 times, so that
each size is timed over about 0.3 s or more):

1. **Throughput after warm-up** (one process; consent tables and Numba code warm): ``simulate``
   alone (draws, kernel, outcome arrays; all rows kept), ``simulate(keep_rows=False)`` (only the
   outcome columns the summary reads), ``analysis.runs.record_simulation(store, ..., keep_rows=False)`` (a
   ``run`` streamed to a temporary store unit by unit, summarised) and ``sweep`` to a temporary store (rows written
   in unit transactions, outcome columns read back and summarised), per draw, for each size; the
   drift is the per-draw cost at the largest size over that at the smallest (target <= 1.3).
2. **Peak RSS** (``VmHWM`` of a fresh subprocess, imports included) of each of those at the
   largest size, and of a summary-only streamed run (target <= 2 GiB).
3. **Local vs Dask** (``--grid-draws`` draws per point, a 2-point grid, default chunks, a new
   seed per repeat so the consent tables are built inside the timing): the local backend, and
   Dask LocalClusters of 1 and 2 worker processes (1 thread each; cluster start-up excluded, one
   untimed warm-up sweep per cluster).  The rows are bit-identical (tests/test_dask.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = "sma-2020-hindsight"


def _repeats(n: int, repeats: int) -> int:
    """More repeats for small sizes (a 10^4 run takes ~20 ms: 3 timings are mostly noise)."""
    return max(repeats, min(30, round(3e5 / n)))


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


#: Section 1 columns: (key, label).
MODES: tuple[tuple[str, str], ...] = (
    ("simulate", "simulate"), ("simulate_summary", "simulate keep_rows=False"), ("run_store", "run+store"),
    ("sweep_store", "sweep+store"),
)


def throughput(sizes: list[int], repeats: int, tmp: Path) -> list[dict]:
    """Section 1."""
    from burdenshare.analysis.sweep import sweep
    from burdenshare.engine import RunConfig, simulate
    from burdenshare.scenario import dump_scenario, load_scenario
    from burdenshare.analysis.runs import record_simulation
    from burdenshare.store import open_store

    scenario = load_scenario(SCENARIO)
    toml = dump_scenario(scenario)
    simulate(scenario, draws=10_000, seed=0)  # warm-up: tables (seed 0) and JIT
    sweep(SCENARIO, draws=10_000, seed=0, store=tmp / "warm.duckdb")
    k = iter(range(10**6))

    def run_store(n: int) -> None:
        with open_store(tmp / f"r{n}-{next(k)}.duckdb") as st:
            record_simulation(st, scenario, RunConfig(draws=n, seed=0), scenario_toml=toml, keep_rows=False)

    fns = {
        "simulate": lambda n: simulate(scenario, draws=n, seed=0),
        "simulate_summary": lambda n: simulate(scenario, draws=n, seed=0, keep_rows=False).summary(),
        "run_store": run_store,
        "sweep_store": lambda n: sweep(SCENARIO, draws=n, seed=0, store=tmp / f"t{n}-{next(k)}.duckdb"),
    }
    rows = []
    for n in sizes:
        row: dict = {"draws": n}
        for key, _ in MODES:
            t = _median_time(lambda: fns[key](n), _repeats(n, repeats))
            row[f"{key}_s"] = t
            row[f"{key}_us_per_draw"] = 1e6 * t / n
        rows.append(row)
    return rows


_RSS_CODE = """
import sys
from pathlib import Path
n, mode, store = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if mode in ("simulate", "simulate_summary"):
    from burdenshare.engine import simulate
    from burdenshare.scenario import load_scenario
    simulate(load_scenario("sma-2020-hindsight"), draws=n, seed=0, keep_rows=mode == "simulate").summary()
elif mode in ("run_store", "run_store_summary_only"):
    from burdenshare.engine import RunConfig
    from burdenshare.scenario import dump_scenario, load_scenario
    from burdenshare.analysis.runs import record_simulation
    from burdenshare.store import open_store
    sc = load_scenario("sma-2020-hindsight")
    with open_store(store) as st:
        record_simulation(st, sc, RunConfig(draws=n, seed=0), scenario_toml=dump_scenario(sc), keep_rows=False,
                             summary_only=mode == "run_store_summary_only")
else:
    from burdenshare.analysis.sweep import sweep
    sweep("sma-2020-hindsight", draws=n, seed=0, store=store)
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) * 1024)
"""


def peak_rss(n: int, tmp: Path) -> dict:
    """Section 2: peak RSS (bytes) of fresh processes."""
    out = {"draws": n}
    for mode in ("simulate", "simulate_summary", "run_store", "run_store_summary_only", "sweep_store"):
        res = subprocess.run([sys.executable, "-c", _RSS_CODE, str(n), mode, str(tmp / f"rss-{mode}.duckdb")],
                             capture_output=True, text=True, check=True)
        out[f"{mode}_peak_rss_mib"] = int(res.stdout.split()[-1]) / 2**20
    return out


def backends(grid_draws: int, repeats: int, tmp: Path) -> list[dict]:
    """Section 3."""
    from distributed import Client, LocalCluster

    from burdenshare.analysis.sweep import sweep

    grid = ["levers.transparency=0,1"]
    seeds = iter(range(1000, 2000))
    results = []

    def one(**kw) -> None:
        sweep(SCENARIO, grid, draws=grid_draws, seed=next(seeds), store=tmp / f"b{next(seeds)}.duckdb", **kw)

    one()  # warm-up (JIT) in this process
    results.append({"backend": "local", "workers": 1, "seconds": _median_time(one, repeats)})
    for w in (1, 2):
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as cluster, Client(cluster):
            addr = cluster.scheduler_address
            one(backend="dask", scheduler=addr)  # warm-up: imports and JIT on the workers
            results.append({"backend": "dask", "workers": w,
                            "seconds": _median_time(lambda: one(backend="dask", scheduler=addr), repeats)})
    for r in results:
        r["draws_per_s"] = 2 * grid_draws / r["seconds"]
    return results


def main() -> None:
    """Run the sections and print them side by side."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--grid-draws", type=int, default=200_000)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        thr = throughput(args.sizes, args.repeats, tmp)
        rss = peak_rss(max(args.sizes), tmp)
        be = [] if args.skip_dask else backends(args.grid_draws, args.repeats, tmp)
    drift = {key: thr[-1][f"{key}_us_per_draw"] / thr[0][f"{key}_us_per_draw"] for key, _ in MODES}
    report = {"throughput": thr, "drift": drift, "peak_rss": rss, "backends": be, "repeats": args.repeats}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"1. throughput after warm-up ({SCENARIO}, medians of {args.repeats}): s, us/draw, draws/s")
    print(f"{'draws':>10} | " + " | ".join(f"{label:>30}" for _, label in MODES))
    for r in thr:
        cells = [f"{r[f'{key}_s']:8.3f} {r[f'{key}_us_per_draw']:7.2f} {r['draws'] / r[f'{key}_s']:>13,.0f}"
                 for key, _ in MODES]
        print(f"{r['draws']:>10,} | " + " | ".join(f"{c:>30}" for c in cells))
    print(f"   per-draw drift {thr[0]['draws']:,} -> {thr[-1]['draws']:,}: "
          + ", ".join(f"{label} {drift[key]:.2f}x" for key, label in MODES) + " (target <= 1.3x)")
    print(f"2. peak RSS at {rss['draws']:,} draws (fresh process, VmHWM; target <= 2048 MiB): "
          + ", ".join(f"{k[:-len('_peak_rss_mib')]} {v:.0f} MiB" for k, v in rss.items() if k != "draws"))
    if be:
        print(f"3. sweep of 2 points x {args.grid_draws:,} draws (tables built inside the timing), medians of "
              f"{args.repeats}")
        for r in be:
            print(f"   {r['backend']:>5} {r['workers']} worker(s): {r['seconds']:7.2f} s  {r['draws_per_s']:>10,.0f} draws/s")


if __name__ == "__main__":
    main()
