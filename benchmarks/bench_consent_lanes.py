"""The exact consent kernel alone: eight amounts at a time against one amount at a time.

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_consent_lanes.py [--members 3] [--repeats 3] [--scenario sma-2020-hindsight]

Builds the legislature models of ``--members`` bank members (seed 0) at every round date of the
scenario and the latent nodes of their tables (:func:`burdenshare.legislature.table.nodes_table`),
then times, in one process and alternating, the two compiled kernels on the same inputs: a date's
table by :func:`burdenshare.legislature._table_kernels.margin_tail_table` (``margin_tail_fast`` on
each attendance level and duration, one amount at a time) and by
:func:`burdenshare.legislature._lane_kernels.margin_tail_lanes_table` (eight amounts at a time in
vector registers, what :func:`~burdenshare.legislature.table.consent_table` calls).  Checks that the
two give the same tables bit for bit and prints one JSON object: CPU milliseconds per member
(13 dates) for each kernel, per repeat and the median.
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
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="sma-2020-hindsight")
    args = ap.parse_args()
    os.environ.setdefault("BURDENSHARE_CACHE_DIR", tempfile.mkdtemp())
    import numpy as np

    from burdenshare.engine import consent as ec
    from burdenshare.engine.plan import build_plan
    from burdenshare.legislature import legislature_model
    from burdenshare.legislature._lane_kernels import margin_tail_lanes_table
    from burdenshare.legislature._table_kernels import margin_tail_table
    from burdenshare.legislature.table import _margin_steps, nodes_table
    from burdenshare.scenario import load_scenario
    from burdenshare.scenario.schema import Scenario

    sc = load_scenario(args.scenario)
    plan = build_plan(sc)
    _, amounts = ec._table_amounts(sc, plan)
    paths, _, data = ec.bank_members(sc, 0, args.members)
    durations = plan.durations.tolist()
    calls = []
    for member in data:
        m = Scenario.model_validate(member) if paths else sc
        for day in plan.round_dates:
            model = legislature_model(m, day)
            seats = np.asarray(model.seats, dtype=np.int64)
            levels, _ = model.attendance_levels()
            steps = _margin_steps(model, seats)
            if steps is None:
                continue
            p, w = nodes_table(model, amounts, durations)
            calls.append((seats, np.ascontiguousarray(levels), p, w, *steps))
    kernels = {"one_amount_at_a_time": margin_tail_table, "eight_amounts_at_a_time": margin_tail_lanes_table}
    for f in kernels.values():  # compile / load
        f(*calls[0])
    for c in calls:
        if margin_tail_table(*c).tobytes() != margin_tail_lanes_table(*c).tobytes():
            sys.exit("the two kernels differ")
    n_members = len(data)
    res: dict[str, list[float]] = {k: [] for k in kernels}
    for r in range(args.repeats):
        order = list(kernels.items()) if r % 2 == 0 else list(kernels.items())[::-1]
        for name, f in order:
            c0 = time.process_time()
            for c in calls:
                f(*c)
            res[name].append(1e3 * (time.process_time() - c0) / n_members)
    out = {"scenario": args.scenario, "members": n_members, "dates": len(calls), "amounts": int(amounts.size),
           "durations": len(durations), "machine_load_1min": os.getloadavg()[0],
           "cpu_ms_per_member": {k: {"median": statistics.median(v), "all": v} for k, v in res.items()}}
    out["speedup"] = out["cpu_ms_per_member"]["one_amount_at_a_time"]["median"] / out["cpu_ms_per_member"]["eight_amounts_at_a_time"]["median"]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
