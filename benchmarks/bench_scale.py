"""Scale benchmark: sma-2020 throughput by size, peak memory, and local vs Dask sweeps, side by side.

Run::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scale.py            # 10^4, 10^5, 10^6
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000 100000 --repeats 3 --json

Sections (medians over ``--repeats``):

1. **Throughput after warm-up** (one process; consent tables and Numba code warm): ``simulate``
   alone (draws, kernel, outcome arrays) and ``sweep`` to a temporary store (the same plus the
   rows written in unit transactions, read back and summarised), per draw, for each size; the
   drift is the per-draw cost at the largest size over that at the smallest (target <= 1.3).
2. **Peak RSS** (``VmHWM`` of a fresh subprocess, imports included) of ``simulate`` and of a
   stored ``sweep`` at the largest size (target <= 2 GiB).
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

SCENARIO = "sma-2020"


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def throughput(sizes: list[int], repeats: int, tmp: Path) -> list[dict]:
    """Section 1."""
    from burdenshare.analysis.sweep import sweep
    from burdenshare.engine import simulate
    from burdenshare.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    simulate(scenario, draws=10_000, seed=0)  # warm-up: tables (seed 0) and JIT
    sweep(SCENARIO, draws=10_000, seed=0, store=tmp / "warm.duckdb")
    rows = []
    for n in sizes:
        t_sim = _median_time(lambda: simulate(scenario, draws=n, seed=0), repeats)
        k = iter(range(10**6))
        t_store = _median_time(lambda: sweep(SCENARIO, draws=n, seed=0, store=tmp / f"t{n}-{next(k)}.duckdb"), repeats)
        rows.append({"draws": n, "simulate_s": t_sim, "simulate_us_per_draw": 1e6 * t_sim / n,
                     "sweep_store_s": t_store, "sweep_store_us_per_draw": 1e6 * t_store / n})
    return rows


_RSS_CODE = """
import sys
from pathlib import Path
n, mode, store = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if mode == "simulate":
    from burdenshare.engine import simulate
    from burdenshare.scenario import load_scenario
    simulate(load_scenario("sma-2020"), draws=n, seed=0).summary()
else:
    from burdenshare.analysis.sweep import sweep
    sweep("sma-2020", draws=n, seed=0, store=store)
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) * 1024)
"""


def peak_rss(n: int, tmp: Path) -> dict:
    """Section 2: peak RSS (bytes) of fresh processes."""
    out = {"draws": n}
    for mode in ("simulate", "sweep_store"):
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
    drift = {"simulate": thr[-1]["simulate_us_per_draw"] / thr[0]["simulate_us_per_draw"],
             "sweep_store": thr[-1]["sweep_store_us_per_draw"] / thr[0]["sweep_store_us_per_draw"]}
    report = {"throughput": thr, "drift": drift, "peak_rss": rss, "backends": be, "repeats": args.repeats}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"1. throughput after warm-up ({SCENARIO}, medians of {args.repeats})")
    print(f"{'draws':>10} | {'simulate s':>10} {'us/draw':>8} {'draws/s':>10} | {'sweep+store s':>13} {'us/draw':>8} "
          f"{'draws/s':>10}")
    for r in thr:
        print(f"{r['draws']:>10,} | {r['simulate_s']:>10.3f} {r['simulate_us_per_draw']:>8.2f} "
              f"{r['draws'] / r['simulate_s']:>10,.0f} | {r['sweep_store_s']:>13.3f} {r['sweep_store_us_per_draw']:>8.2f} "
              f"{r['draws'] / r['sweep_store_s']:>10,.0f}")
    print(f"   per-draw drift {thr[0]['draws']:,} -> {thr[-1]['draws']:,}: simulate {drift['simulate']:.2f}x, "
          f"sweep+store {drift['sweep_store']:.2f}x (target <= 1.3x)")
    print(f"2. peak RSS at {rss['draws']:,} draws (fresh process, VmHWM): simulate {rss['simulate_peak_rss_mib']:.0f} MiB, "
          f"sweep+store {rss['sweep_store_peak_rss_mib']:.0f} MiB (target <= 2048 MiB)")
    if be:
        print(f"3. sweep of 2 points x {args.grid_draws:,} draws (tables built inside the timing), medians of "
              f"{args.repeats}")
        for r in be:
            print(f"   {r['backend']:>5} {r['workers']} worker(s): {r['seconds']:7.2f} s  {r['draws_per_s']:>10,.0f} draws/s")


if __name__ == "__main__":
    main()
