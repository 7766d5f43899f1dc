"""A bank member's consent table: one kernel call per date (now) against one call per date and duration (before).

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_consent_batch.py [--sizes 8,64] [--repeats 3] [--scenario sma-2020-hindsight]

Builds the bank of the scenario (default ``sma-2020-hindsight``, the web benchmark's) with
:func:`burdenshare.engine.consent.build_consent_bank` for each size, each time with the in-memory
bank cache cleared and an empty on-disk cache (``BURDENSHARE_CACHE_DIR`` a fresh temporary
folder), once with the engine's ``_member_table`` (a date's durations and attendance levels in one
compiled call, :func:`burdenshare.legislature.table.consent_table`; a date whose legislature
model equals an earlier date's reuses its table) and once with ``_member_table`` as it was before
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
    ap.add_argument("--scenario", default="sma-2020-hindsight")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BURDENSHARE_CACHE_DIR"] = os.path.join(tmp, "warm")
        import numpy as np

        from burdenshare.engine import consent as ec
        from burdenshare.engine.plan import build_plan
        from burdenshare.scenario import load_scenario

        batched = ec._member_table

        def per_call(data, plan, amounts, member=None):  # _member_table before the batching, verbatim
            dates, durations = plan.round_dates, plan.durations
            shape = (plan.n_rounds, durations.size, amounts.size)
            mkey = ec.consent_cache.member_key(data, dates, durations, amounts)
            hit = ec.consent_cache.load_table(mkey, shape, alias=True)
            if hit is not None:
                return hit
            if member is None:
                member = ec.Scenario.model_validate(data)
            models = [ec.legislature_model(member, day) for day in dates]
            medians = [ec.base_median_krw(member, day) for day in dates]
            ekey = ec.consent_cache.exact_key(models, medians, dates, durations, amounts)
            hit = ec.consent_cache.load_table(ekey, shape)
            if hit is None:
                table = np.zeros(shape)
                for k, model in enumerate(models):
                    for m_i, m in enumerate(durations):
                        table[k, m_i] = model.consent_probability(amounts, int(m))
                hit = table, np.log(np.asarray(medians, dtype=np.float64))
            ec.consent_cache.store_table(ekey, hit[0], hit[1], alias_of=mkey)
            return hit

        sc = load_scenario(args.scenario)
        plan = build_plan(sc)
        for fn in (batched, per_call):  # compile / load the kernels
            ec._member_table = fn
            ec._CACHE.clear()
            ec.build_consent_bank(sc, plan, 0, 1)
        out: dict[str, object] = {"scenario": args.scenario, "machine_load_1min": os.getloadavg()[0]}
        n_dir = 0
        for k in sizes:
            res: dict[str, dict[str, list[float]]] = {"batched": {"wall": [], "cpu": []}, "per_call": {"wall": [], "cpu": []}}
            for r in range(args.repeats):
                seed = 100 + 10 * k + r
                order = [("batched", batched), ("per_call", per_call)]
                tables = {}
                for name, fn in (order if r % 2 == 0 else order[::-1]):
                    ec._member_table = fn
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
        ec._member_table = batched
        out["machine_load_1min_end"] = os.getloadavg()[0]
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
