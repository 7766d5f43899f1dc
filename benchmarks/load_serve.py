"""A bounded loopback load test of ``burdenshare serve`` (issue 12, item 5).

Usage::

    .venv/bin/python benchmarks/load_serve.py [--clients 8] [--seconds 20] [--workers 1] [--json]

Starts a real server on a free loopback port with a fresh store, records one small run, then runs
``--clients`` threads for ``--seconds`` seconds (it stops by itself), each looping over the requests
a dashboard makes: ``GET /api/health``, ``GET /api/scenarios``, ``GET /api/scenarios/sma-2020-hindsight/levers``,
``POST /api/runs`` of the recorded run (answered from the store), ``GET /api/runs/{id}`` and
``GET /api/runs/{id}/charts``.  Reports requests/s, p50/p99 latency, errors (non-2xx or transport
errors) and the peak resident memory (``VmHWM``) of the server process and of its worker processes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _web import serve  # noqa: E402


def vm_hwm_mib(pid: int) -> float | None:
    """Peak resident set size of ``pid`` (Linux ``/proc``), MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(p.name))
    return out


def server_pid(port: int) -> int | None:
    """The ``burdenshare serve`` process listening on ``port`` (its command line names the port)."""
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in cmd and str(port).encode() in cmd:
                return int(p.name)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not (1 <= a.clients <= 256 and 0 < a.seconds <= 600):
        sys.exit("--clients 1..256, --seconds up to 600")
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "load.duckdb", "--workers", str(a.workers)) as base:
        port = int(base.rsplit(":", 1)[1])
        pid = server_pid(port)
        body = {"scenario": "sma-2020-hindsight", "draws": 2048, "seed": 0, "bank_size": 1}
        with httpx.Client(base_url=base, timeout=600) as c:
            rid = c.post("/api/runs", json=body).json()["run_id"]
            while c.get(f"/api/runs/{rid}").json()["status"] in ("queued", "running"):
                time.sleep(0.1)
            c.get(f"/api/runs/{rid}/charts").raise_for_status()
        plan = [("GET", "/api/health", None), ("GET", "/api/scenarios", None),
                ("GET", "/api/scenarios/sma-2020-hindsight/levers", None), ("POST", "/api/runs", body),
                ("GET", f"/api/runs/{rid}", None), ("GET", f"/api/runs/{rid}/charts", None)]
        lat: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.perf_counter() + a.seconds

        def client(k: int) -> None:
            mine, bad = [], 0
            with httpx.Client(base_url=base, timeout=60) as c:
                i = k
                while time.perf_counter() < stop:
                    method, path, payload = plan[i % len(plan)]
                    i += 1
                    t0 = time.perf_counter()
                    try:
                        r = c.request(method, path, json=payload)
                        ok = r.status_code < 300
                    except httpx.HTTPError:
                        ok = False
                    mine.append(time.perf_counter() - t0)
                    bad += not ok
            with lock:
                lat.extend(mine)
                errors[0] += bad

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        kids = children(pid) if pid else []
        res = {
            "clients": a.clients, "seconds": round(wall, 2), "requests": len(lat),
            "requests_per_s": round(len(lat) / wall, 1),
            "p50_ms": round(1e3 * sorted(lat)[len(lat) // 2], 1) if lat else None,
            "p99_ms": round(1e3 * sorted(lat)[min(len(lat) - 1, int(0.99 * len(lat)))], 1) if lat else None,
            "errors": errors[0],
            "server_peak_rss_mib": None if pid is None else vm_hwm_mib(pid),
            "worker_peak_rss_mib": [v for v in (vm_hwm_mib(k) for k in kids) if v is not None],
            "cpus": os.cpu_count(),
        }
    if a.json:
        print(json.dumps(res, indent=2))
        return
    print(f"load: {res['clients']} clients for {res['seconds']} s on loopback ({res['cpus']} CPUs): "
          f"{res['requests']} requests, {res['requests_per_s']} req/s, p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms, "
          f"{res['errors']} errors; peak RSS server {res['server_peak_rss_mib']:.0f} MiB, "
          f"processes under it {', '.join(f'{v:.0f}' for v in res['worker_peak_rss_mib'])} MiB")


if __name__ == "__main__":
    main()
