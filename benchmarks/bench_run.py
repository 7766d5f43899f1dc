"""Throughput and peak memory of ``burdenshare run sma-2020-hindsight --draws 100000`` (single core).

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_run.py [--draws 100000] [--repeats 3]

1. **End to end (cold).**  ``python -m burdenshare run sma-2020-hindsight --draws N --json`` in a fresh
   process per repeat: scenario load, opinion fit, the exact consent tables of the Level-II
   bank, the draws, the kernel, the rows recorded in a results store (a temporary one:
   ``BURDENSHARE_STORE`` is set for the children) and the summary.  Reports the median wall
   time, draws/s and the peak RSS of the child processes
   (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``).
2. **Engine only (warm).**  In this process, after one call that builds (and caches) the consent
   tables: the median time of ``simulate(scenario, draws=N, seed=0)`` — draws, kernel, outcome arrays — and
   the draws/s of that part alone.

The kernel is single-threaded; ``NUMBA_NUM_THREADS=1`` is set before Numba is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    n = args.draws
    cmd = [sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", str(n), "--json"]
    walls = []
    out = ""
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            env = {**os.environ, "BURDENSHARE_STORE": os.path.join(tmp, f"run{i}.duckdb")}
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
            walls.append(time.perf_counter() - t0)
            out = proc.stdout
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    summary = json.loads(out)

    from burdenshare.engine import simulate
    from burdenshare.scenario import load_scenario

    scenario = load_scenario("sma-2020-hindsight")
    simulate(scenario, draws=1024, seed=0)  # builds and caches the consent tables, compiles / loads the kernel
    warm = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        simulate(scenario, draws=n, seed=0)
        warm.append(time.perf_counter() - t0)
    cold = statistics.median(walls)
    hot = statistics.median(warm)
    report = {
        "command": " ".join(["burdenshare", *cmd[3:]]),
        "draws": n,
        "repeats": args.repeats,
        "end_to_end_seconds_median": round(cold, 3),
        "end_to_end_draws_per_s": round(n / cold),
        "engine_only_seconds_median": round(hot, 4),
        "engine_only_draws_per_s": round(n / hot),
        "peak_rss_mib_children": round(rss_mib, 1),
        "p_agreement": summary["p_agreement"],
        "p_ratified": summary["p_ratified"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
