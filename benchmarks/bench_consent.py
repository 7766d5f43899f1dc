"""Cost of the exact consent tables: per consent call, per bank member, bank builds, default runs.

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_consent.py [--sizes 4,64,256] [--label after]

Prints one JSON object:

* ``per_call_ms``: median time of one :meth:`LegislatureModel.consent_probability` call over the
  table's amounts (one round date, one duration), the unit the bank is built from;
* ``per_member_s``: bank build time divided by its members (largest size measured);
* ``bank_build_s``: :func:`burdenshare.engine.consent.build_consent_bank` for each size, in this
  process, with the in-memory cache cleared and, where the package has one, an empty on-disk
  cache (``BURDENSHARE_CACHE_DIR`` pointed at a fresh temporary folder);
* ``run_cold_s`` / ``run_warm_s``: ``python -m burdenshare run sma-2020-hindsight --draws 10000 --json`` in
  a fresh process at the default bank size: cold with an empty cache folder, warm with the
  folder the cold run filled (the same figure when the package has no on-disk cache).

The kernels are single-threaded; ``NUMBA_NUM_THREADS=1`` is set before Numba is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def _run(env: dict[str, str], draws: int) -> float:
    cmd = [sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", str(draws), "--json"]
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="4,64")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    out: dict[str, object] = {"label": args.label}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, "inproc")
        os.environ["BURDENSHARE_STORE"] = os.path.join(tmp, "store.duckdb")
        import numpy as np

        from burdenshare.engine import consent as ec
        from burdenshare.engine.plan import build_plan
        from burdenshare.legislature.from_scenario import legislature_model
        from burdenshare.scenario import load_scenario

        sc = load_scenario("sma-2020-hindsight")
        plan = build_plan(sc)
        bank = ec.build_consent_bank(sc, plan, 0, 1)  # compiles / loads the kernels
        amounts = plan.amount_min + plan.amount_step * (bank.offset + np.arange(bank.table.shape[3]))
        model = legislature_model(sc, plan.round_dates[0])
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            model.consent_probability(amounts, 3)
            times.append(time.perf_counter() - t0)
        out["amounts_per_call"] = int(amounts.size)
        out["per_call_ms"] = 1e3 * statistics.median(times)
        print(json.dumps(out), file=sys.stderr, flush=True)
        builds = {}
        for k in sizes:
            ec._CACHE.clear()
            os.environ["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, f"inproc{k}")
            t0 = time.perf_counter()
            ec.build_consent_bank(sc, plan, 1, k)
            builds[str(k)] = time.perf_counter() - t0
            print(json.dumps({"bank_build_s": {str(k): builds[str(k)]}}), file=sys.stderr, flush=True)
        out["bank_build_s"] = builds
        out["per_member_s"] = builds[str(sizes[-1])] / sizes[-1]
        env = {**os.environ, "BURDENSHARE_CACHE_DIR": os.path.join(tmp, "cli")}
        cold, warm = [], []
        for i in range(args.repeats):
            env["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, f"cli{i}")
            env["BURDENSHARE_STORE"] = os.path.join(tmp, f"cold{i}.duckdb")
            cold.append(_run(env, args.draws))
            env["BURDENSHARE_STORE"] = os.path.join(tmp, f"warm{i}.duckdb")
            warm.append(_run(env, args.draws))
        out["run_cold_s"] = statistics.median(cold)
        out["run_warm_s"] = statistics.median(warm)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
