"""A bank member's consent table: one kernel call per date (now) against one call per date and duration (before).

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_consent_batch.py [--sizes 8,64] [--repeats 3]

Builds the bank of ``sma-2020-hindsight`` (:func:`burdenshare.engine.consent.build_consent_bank`)
for each size, each time with the in-memory bank cache cleared and an empty on-disk cache
(``BURDENSHARE_CACHE_DIR`` a fresh temporary folder), once with the engine's path
(:func:`burdenshare.legislature.table.consent_table`: a date's durations and attendance levels in
one compiled call) and once with the per-call path it replaced
(``LegislatureModel.consent_probability`` for each date and duration), at a new seed per repeat
(new members), the two paths alternating which goes first.  Checks that both give the same bank
bit for bit, and prints one JSON object: per size, the medians (and all values) of the build's
wall and CPU seconds per path, and the CPU seconds per member.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="8,64")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, "warm")
        import numpy as np

        from burdenshare.engine import consent as ec
        from burdenshare.engine.plan import build_plan
        from burdenshare.scenario import load_scenario

        batched = ec.consent_table

        def per_call(model, amounts, durations):  # the loop _member_table ran before
            return np.stack([model.consent_probability(amounts, int(m)) for m in durations])

        sc = load_scenario("sma-2020-hindsight")
        plan = build_plan(sc)
        for fn in (batched, per_call):  # compile / load the kernels
            ec.consent_table = fn
            ec._CACHE.clear()
            ec.build_consent_bank(sc, plan, 0, 1)
        out: dict[str, object] = {"machine_load_1min": os.getloadavg()[0]}
        n_dir = 0
        for k in sizes:
            res: dict[str, dict[str, list[float]]] = {"batched": {"wall": [], "cpu": []}, "per_call": {"wall": [], "cpu": []}}
            for r in range(args.repeats):
                seed = 100 + 10 * k + r
                order = [("batched", batched), ("per_call", per_call)]
                tables = {}
                for name, fn in (order if r % 2 == 0 else order[::-1]):
                    ec.consent_table = fn
                    ec._CACHE.clear()
                    n_dir += 1
                    os.environ["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, f"c{n_dir}")
                    w0, c0 = time.perf_counter(), time.process_time()
                    bank = ec.build_consent_bank(sc, plan, seed, k)
                    res[name]["wall"].append(time.perf_counter() - w0)
                    res[name]["cpu"].append(time.process_time() - c0)
                    tables[name] = bank.table
                if tables["batched"].tobytes() != tables["per_call"].tobytes():
                    sys.exit(f"bank {k} seed {seed}: the two paths differ")
            out[f"K={k}"] = {
                name: {"wall_s_median": statistics.median(v["wall"]), "cpu_s_median": statistics.median(v["cpu"]),
                       "cpu_s_per_member": statistics.median(v["cpu"]) / k, "wall_s": v["wall"], "cpu_s": v["cpu"]}
                for name, v in res.items()
            }
            print(json.dumps(out[f"K={k}"]), file=sys.stderr, flush=True)
        ec.consent_table = batched
        out["machine_load_1min_end"] = os.getloadavg()[0]
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
