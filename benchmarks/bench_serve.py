"""Latency of ``burdenshare serve`` beside the cold CLI (issue 12, item 4).

Usage::

    .venv/bin/python benchmarks/bench_serve.py [--draws 10000] [--repeats 3] [--bank-size 64] [--workers 2]

A real server on a free loopback port, a fresh, temporary store and a fresh, empty consent-table
cache (``BURDENSHARE_CACHE_DIR``); every measured request asks for values never requested before
(except the "identical" case, which repeats one):

1. **warm-up**: the scenario's default run (seed 0, no ``--set``), the dashboard's first view, so
   the worker processes have loaded the compiled kernels and the default's consent tables exist (a
   server runs for long; its first request is not the one users wait on);
2. **identical request**: ``POST /api/runs`` of a recorded run again (answered from the store,
   ``200``, nothing recomputed) -- time to the response;
3. **a lever that does not touch Level II** (``levers.us_ask_usd``: the run's consent tables are the
   same) and **a lever that does** (``levers.transparency``), each at ``--repeats`` new values, two
   times per request, both from ``POST``, polled every 10 ms: **to the summary** (the run recorded,
   ``status: done``: every number of the summary and the bottom line in words, without its drivers)
   and **to the drivers** (``drivers: ready``: the bottom line's tornado computed and the full
   summary, equal to ``burdenshare run --json``, recorded).  The next request is sent only after the
   drivers are ready, so each request finds the server idle.  A server without the follow-up
   drivers (before this change) has them at ``done``: both times are then the same;
   Beside the wall time, the CPU seconds the server and its workers used for each request (psutil):
   on a machine whose cores are busy with other work that is the figure that does not move, and
   the wall time with W free cores is about that divided by W plus the run's serial part;
4. **back to back**: ``levers.us_ask_usd`` at ``--repeats + 1`` more new values, each sent as soon as
   the previous one's summary is there (its drivers still computing, as when a user moves the
   lever again): the time to the summary of all but the first;
5. **cold CLI**: ``burdenshare run sma-2020-hindsight --draws N --set ... --json`` in a fresh process, one new
   value per lever.

Prints a table and, with ``--json``, the figures.  Each step is bounded; the whole script takes
about ``(2 + 2 * repeats) * (bank-size * 2.5 s + run)`` on a loaded two-core machine.
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
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _web import serve  # noqa: E402


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def server_cpu_s() -> float:
    """CPU seconds (user + system) used so far by the ``serve`` process and its workers (psutil)."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            if "serve" in " ".join(p.cmdline()) or any("serve" in " ".join(q.cmdline()) for q in p.parents()):
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.Error:
            continue
    return total


def run_once(c: httpx.Client, body: dict, timeout: float = 600.0) -> tuple[float, float, dict]:
    """Seconds from ``POST`` to ``status: done`` (the summary) and to ``drivers`` not ``pending``."""
    t0 = time.perf_counter()
    r = c.post("/api/runs", json=body)
    r.raise_for_status()
    rid = r.json()["run_id"]
    t_summary = None
    while True:
        b = c.get(f"/api/runs/{rid}").json()
        now = time.perf_counter() - t0
        if t_summary is None and b["status"] not in ("queued", "running"):
            t_summary = now
            if b["status"] != "done":
                raise RuntimeError(f"run {rid} {b['status']}: {b['error']}")
        if t_summary is not None and b.get("drivers", "ready") != "pending":
            if b.get("drivers", "ready") != "ready":
                raise RuntimeError(f"run {rid}: drivers {b['drivers']}: {b.get('drivers_error')}")
            return t_summary, now, b
        if now > timeout:
            raise RuntimeError(f"run {rid} not done in {timeout} s")
        time.sleep(0.01)


def summary_once(c: httpx.Client, body: dict, timeout: float = 600.0) -> float:
    """Seconds from ``POST`` to ``status: done`` (the drivers may still be computing)."""
    t0 = time.perf_counter()
    r = c.post("/api/runs", json=body)
    r.raise_for_status()
    rid = r.json()["run_id"]
    while (b := c.get(f"/api/runs/{rid}").json())["status"] in ("queued", "running"):
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"run {rid} not done in {timeout} s")
        time.sleep(0.01)
    if b["status"] != "done":
        raise RuntimeError(f"run {rid} {b['status']}: {b['error']}")
    return time.perf_counter() - t0


def cli_once(draws: int, bank: int, override: str, store: Path) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", str(draws), "--seed", "0",
                          "--bank-size", str(bank), "--set", override, "--json", "--store", str(store)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bank-size", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    base_body = {"scenario": "sma-2020-hindsight", "draws": a.draws, "bank_size": a.bank_size}
    levers = {
        "levers.us_ask_usd (not Level II)": [f"levers.us_ask_usd={4.1e9 + 1e8 * i:.0f}" for i in range(a.repeats + 1)],
        "levers.transparency (Level II)": [f"levers.transparency={0.11 + 0.2 * i:.2f}" for i in range(a.repeats + 1)],
    }
    res: dict = {"draws": a.draws, "bank_size": a.bank_size, "workers": a.workers, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BURDENSHARE_CACHE_DIR"] = str(Path(tmp) / "cache")  # the server and the CLI start empty
        with serve(Path(tmp) / "bench.duckdb", "--workers", str(a.workers)) as base, \
                httpx.Client(base_url=base, timeout=900) as c:
            _, warm, _ = run_once(c, {**base_body, "seed": 0})
            res["warmup_s"] = warm
            same = []
            for _ in range(20):
                t0 = time.perf_counter()
                r = c.post("/api/runs", json={**base_body, "seed": 0})
                same.append(time.perf_counter() - t0)
                assert r.status_code == 200 and r.json()["status"] == "done"
            res["identical_ms"] = {"p50": 1e3 * pct(same, 0.5), "p95": 1e3 * pct(same, 0.95)}
            res["levers"] = {}
            for name, values in levers.items():
                times, drivers, cpu = [], [], []
                for v in values[:a.repeats]:
                    c0 = server_cpu_s()
                    t_summary, t_drivers, _ = run_once(c, {**base_body, "seed": 0, "set": [v]})
                    times.append(t_summary)
                    drivers.append(t_drivers)
                    cpu.append(server_cpu_s() - c0)
                res["levers"][name] = {"values": values[:a.repeats], "p50_s": pct(times, 0.5), "p95_s": pct(times, 0.95),
                                       "times_s": times, "drivers_p50_s": pct(drivers, 0.5),
                                       "drivers_p95_s": pct(drivers, 0.95), "drivers_s": drivers, "cpu_s": cpu}
            b2b = [summary_once(c, {**base_body, "seed": 0, "set": [f"levers.us_ask_usd={4.65e9 + 1e8 * i:.0f}"]})
                   for i in range(a.repeats + 1)][1:]
            res["back_to_back"] = {"p50_s": pct(b2b, 0.5), "p95_s": pct(b2b, 0.95), "times_s": b2b}
        for name, values in levers.items():
            res["levers"][name]["cold_cli_s"] = cli_once(a.draws, a.bank_size, values[-1], Path(tmp) / "cli.duckdb")
    if a.json:
        print(json.dumps(res, indent=2))
        return
    print(f"burdenshare serve vs cold CLI: sma-2020-hindsight, {a.draws} draws, bank size {a.bank_size}, "
          f"{a.workers} worker(s), {res['cpus']} CPUs")
    print(f"  warm-up run (first request of the server): {res['warmup_s']:.2f} s")
    print(f"  identical request: p50 {res['identical_ms']['p50']:.1f} ms, p95 {res['identical_ms']['p95']:.1f} ms")
    print(f"  levers.us_ask_usd back to back (sent when the previous summary is there): to the summary p50 "
          f"{res['back_to_back']['p50_s']:.2f} s, p95 {res['back_to_back']['p95_s']:.2f} s")
    for name, r in res["levers"].items():
        print(f"  {name}: serve to the summary p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s; to the drivers "
              f"p50 {r['drivers_p50_s']:.2f} s, p95 {r['drivers_p95_s']:.2f} s (CPU of server and workers per "
              f"request, both parts, p50 {pct(r['cpu_s'], 0.5):.2f} s); cold CLI {r['cold_cli_s']:.2f} s")


if __name__ == "__main__":
    main()
