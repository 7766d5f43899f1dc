"""Check burdenshare's Level-I engine against recorded NegMAS runs.

Usage::

    python benchmarks/negmas_parity.py --reference ../shared/bench/negmas/outcomes.json [--repeat K]

Every config of the reference file (``outcomes.json`` format, scenarios ``1issue``/``3issue``)
is replayed through the package and compared field by field.  Every run is played by the one
alternating-offers loop, :func:`burdenshare.bargaining.rounds.play_rounds`.  By default
(``--engine engine``) the ``1issue`` configs run through the two-level kernel that ``simulate``
runs, with ratification, veto and actions switched off (:func:`burdenshare.engine.parity.replay`:
the engine's Level I, which plays ``play_rounds``); the ``3issue`` configs (amount x duration x
escalation, outside the engine's one-issue amount grid) through ``burdenshare.bargaining``'s
``run_batch``, which plays the same ``play_rounds`` in its multi-issue decision mode
(:mod:`burdenshare.bargaining.multi_issue`).  ``--engine batch`` replays everything through
``run_batch`` (``play_rounds``, multi-issue mode, for both scenarios); ``--engine reference``
through the scalar protocol :func:`burdenshare.bargaining.protocol.run_sao` (the readable,
independent oracle of the strategies, in Python).  Fields compared
(agreement, round, acceptor, proposer, timeout, final step, utilities and the full offer trace
where recorded).  Prints one JSON line ``{"configs": N, "mismatches": M, "negotiations_per_s": X}``
and exits 1 on any mismatch (details on stderr).  Exit codes: 0 every config matches, 1 a
mismatch, 2 bad arguments (argparse's usage line) or a reference file that cannot be read or lacks a
field a replay reads (one line ``error: --reference: FILE: FIELD: ...``; nothing is replayed).  ``--repeat K`` replays the whole set K times
for timing, rebuilding everything each time (no results are reused); the garbage collector is
off while timing, as in :mod:`timeit` (the results of each repetition are freed by reference
counting).  NegMAS is not imported.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time

from burdenshare.bargaining.parity import compare, load_reference
from burdenshare.bargaining.parity import replay as replay_bargaining
from burdenshare.engine.parity import ENGINE_SCENARIOS
from burdenshare.engine.parity import replay as replay_engine
from burdenshare.errors import BurdenshareError


#: Most repetitions of ``--repeat`` (450 configs x 1000 is minutes; beyond, a typo).
MAX_REPEAT = 1000


def replay(configs: list, engine: str, record_trace: bool) -> list:
    """Results of every config in file order (see the module docstring for the engines)."""
    if engine != "engine":
        return replay_bargaining(configs, engine=engine, record_trace=record_trace)  # type: ignore[arg-type]
    mine = [i for i, c in enumerate(configs) if c["params"]["scenario"] in ENGINE_SCENARIOS]
    rest = [i for i, c in enumerate(configs) if c["params"]["scenario"] not in ENGINE_SCENARIOS]
    out: list = [None] * len(configs)
    for idx, res in ((mine, replay_engine([configs[i] for i in mine], record_trace=record_trace) if mine else []),
                     (rest, replay_bargaining([configs[i] for i in rest], engine="batch", record_trace=record_trace)
                      if rest else [])):
        for i, r in zip(idx, res):
            out[i] = r
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the parity check; return the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", required=True, help="recorded NegMAS runs (outcomes.json format)")
    ap.add_argument("--repeat", type=int, default=1, help="replay the whole set K times (timing; 1..1000)")
    ap.add_argument("--engine", choices=("engine", "batch", "reference"), default="engine")
    args = ap.parse_args(argv)
    if not 1 <= args.repeat <= MAX_REPEAT:
        ap.error(f"--repeat must be in 1..{MAX_REPEAT}")
    try:
        configs = load_reference(args.reference)
    except BurdenshareError as exc:
        print(f"error: --reference: {exc.one_line()}", file=sys.stderr)
        return 2
    wants_trace = any("trace" in c["result"] for c in configs)
    replay(configs[:1], engine=args.engine, record_trace=wants_trace)  # JIT warm-up (cached)

    gc.collect()
    gc.freeze()  # the loaded reference is long-lived: keep the collector from rescanning it
    results = []
    gc.disable()  # as timeit does: each repetition's results are freed by reference counting
    try:
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            results = replay(configs, engine=args.engine, record_trace=wants_trace)
        elapsed = time.perf_counter() - t0
    finally:
        gc.enable()

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
