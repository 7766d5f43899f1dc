"""Check burdenshare's Level-I engine against recorded NegMAS runs.

Usage::

    python benchmarks/negmas_parity.py --reference ../shared/bench/negmas/outcomes.json [--repeat K]

Every config of the reference file (``outcomes.json`` format, scenarios ``1issue``/``3issue``)
is replayed through the package's engine (``burdenshare.bargaining``; the batch kernel by
default, ``--engine reference`` for the scalar protocol) and compared field by field
(agreement, round, acceptor, proposer, timeout, final step, utilities and the full offer trace
where recorded).  Prints one JSON line ``{"configs": N, "mismatches": M, "negotiations_per_s": X}``
and exits 1 on any mismatch (details on stderr).  ``--repeat K`` replays the whole set K times
for timing, rebuilding everything each time (no results are reused).  NegMAS is not imported.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time

from burdenshare.bargaining.parity import compare, load_reference, replay


def main(argv: list[str] | None = None) -> int:
    """Run the parity check; return the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", required=True, help="recorded NegMAS runs (outcomes.json format)")
    ap.add_argument("--repeat", type=int, default=1, help="replay the whole set K times (timing)")
    ap.add_argument("--engine", choices=("batch", "reference"), default="batch")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")

    configs = load_reference(args.reference)
    wants_trace = any("trace" in c["result"] for c in configs)
    replay(configs[:1], engine=args.engine, record_trace=wants_trace)  # JIT warm-up (cached)

    gc.collect()
    gc.freeze()  # the loaded reference is long-lived: keep the collector from rescanning it
    results = []
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        results = replay(configs, engine=args.engine, record_trace=wants_trace)
    elapsed = time.perf_counter() - t0

    mismatches = 0
    for c, got in zip(configs, results):
        bad = compare(c["result"], got)
        if bad:
            mismatches += 1
            cid = c.get("id", "?")
            for f in bad:
                want, have = c["result"].get(f), got.get(f)
                print(f"MISMATCH {cid} {f}: recorded={want!r:.300} got={have!r:.300}", file=sys.stderr)
    n_runs = len(configs) * args.repeat
    rate = n_runs / elapsed if elapsed > 0 else float("inf")
    print(json.dumps({"configs": len(configs), "mismatches": mismatches, "negotiations_per_s": round(rate, 1)}))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
