"""Are the summary's standard errors honest?  Spread across seeds against the reported SE.

Usage::

    NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/bench_se.py [--seeds 20] [--draws 10000]

Runs ``sma-2020-hindsight`` at the default bank size for seeds 0..S-1 (each seed has its own bank and
draws) and prints one JSON object: for each headline figure its mean over seeds, the standard
deviation across seeds, the root mean square of the reported standard errors, and their ratio
(about 1 when the errors are neither inflated nor understated; with S = 20 the ratio itself has a
sampling error of about 16 %).  Tables go to a temporary cache folder.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

FIGURES = (("p_agreement",), ("p_ratified",), ("p_rejected_by_assembly",), ("mean_p_consent",),
           ("increase_pct", "p10"), ("increase_pct", "p50"), ("increase_pct", "p90"),
           ("amount_first_year_krw", "p50"), ("duration_years", "mean"), ("rounds_to_agreement", "p50"))


def _get(d: dict, path: tuple[str, ...]) -> float | None:
    for k in path:
        if d is None:
            return None
        d = d.get(k)
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("BURDENSHARE_CACHE_DIR", tmp)
        import burdenshare as bs

        sc = bs.load_scenario("sma-2020-hindsight")
        rows = []
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            s = bs.simulate(sc, bs.RunConfig(draws=args.draws, seed=seed), keep_rows=False).summary()
            rows.append(s)
            print(f"seed {seed}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    out: dict[str, object] = {"seeds": args.seeds, "draws": args.draws, "bank_size": rows[0]["bank_size"]}
    for path in FIGURES:
        est = [_get(r, path) for r in rows]
        ses = [_get(r["se"], path) for r in rows]
        if any(v is None for v in est + ses):
            continue
        m = sum(est) / len(est)
        sd = math.sqrt(sum((v - m) ** 2 for v in est) / (len(est) - 1))
        rms = math.sqrt(sum(v * v for v in ses) / len(ses))
        out[".".join(path)] = {"mean": m, "sd_across_seeds": sd, "rms_se": rms, "ratio": sd / rms if rms else None}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
