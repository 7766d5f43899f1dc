"""A real ``burdenshare serve`` process (issue 12): server-sent progress events, cancel, the token
rule off loopback, and the one-line hint without the [web] extra.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from _web import BANK, serve, wait_done

SMA = "sma-2020-hindsight"
TOKEN = "t0ken-for-the-tests-0123456789"


def _events(base: str, run_id: str) -> list[tuple[str, dict]]:
    out = []
    with httpx.stream("GET", f"{base}/api/runs/{run_id}/events", timeout=600) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                assert event is not None
                out.append((event, json.loads(line[len("data: "):])))
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = tmp_path_factory.mktemp("serve") / "serve.duckdb"
    with serve(store, "--max-draws", "2000000") as base:
        yield base


def test_events_report_progress_with_eta_then_done(server: str) -> None:
    draws = 16 * 8 * 1024  # 16 progress steps of 8 blocks
    r = httpx.post(f"{server}/api/runs", json={"scenario": SMA, "draws": draws, "seed": 5, "bank_size": BANK}, timeout=60)
    assert r.status_code == 202, r.text
    rid = r.json()["run_id"]
    events = _events(server, rid)
    kinds = [k for k, _ in events]
    assert kinds[-2:] == ["done", "drivers"], events  # the summary, then the bottom line's drivers
    assert events[-1][1]["drivers"] == "ready" and events[-1][1]["error"] is None
    assert set(kinds) <= {"queued", "progress", "done", "drivers"}
    progress = [d["progress"] for k, d in events if k == "progress"]
    assert progress, events
    assert all(p["total"] == 16 and 0 <= p["done"] <= 16 for p in progress)
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)
    assert any(p["eta_s"] is not None and p["eta_s"] >= 0 for p in progress if 0 < p["done"] < 16)
    body = httpx.get(f"{server}/api/runs/{rid}", timeout=60).json()
    assert body["status"] == "done" and body["summary"]["draws"] == draws and body["summary"]["run_id"] == rid


def test_cancel_stops_the_job_and_stores_nothing(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as c:
        r = c.post("/api/runs", json={"scenario": SMA, "draws": 2_000_000, "seed": 6, "bank_size": BANK})
        assert r.status_code == 202, r.text
        rid = r.json()["run_id"]
        cancelled = c.delete(f"/api/runs/{rid}").json()
        assert cancelled["run_id"] == rid
        body = wait_done(c, rid)
        assert body["status"] == "cancelled", body
        assert body["summary"] is None
        rows = c.get(f"/api/runs/{rid}/rows?format=csv")
        assert rows.status_code == 409 and rows.json()["error"]["field"] == "run_id"
        assert c.get(f"/api/runs/{rid}/report").status_code == 409
        assert _events(server, rid)[-1][0] == "cancelled"
        # the same request again starts afresh (nothing of the cancelled job was recorded)
        again = c.post("/api/runs", json={"scenario": SMA, "draws": 2_000_000, "seed": 6, "bank_size": BANK})
        assert again.status_code == 202 and again.json()["run_id"] == rid
        c.delete(f"/api/runs/{rid}")
        assert wait_done(c, rid)["status"] == "cancelled"


def test_server_stays_responsive_while_a_job_runs(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as c:
        rid = c.post("/api/runs", json={"scenario": SMA, "draws": 1_000_000, "seed": 7, "bank_size": BANK}).json()["run_id"]
        for _ in range(5):
            h = c.get("/api/health")
            assert h.status_code == 200 and h.elapsed.total_seconds() < 2.0
        c.delete(f"/api/runs/{rid}")
        assert wait_done(c, rid)["status"] == "cancelled"


def test_two_workers_compute_the_tables_in_slices_and_give_the_cli_summary(tmp_path: Path) -> None:
    """``serve --workers 2``: a Level-II lever's consent tables are computed in slices over both
    workers before the run (burdenshare.web.prefetch); the summary is the in-process run's."""
    from burdenshare import RunConfig, load_scenario, simulate
    from burdenshare.analysis.briefing import run_summary

    body = {"scenario": SMA, "set": ["levers.transparency=0.6"], "draws": 2048, "seed": 11, "bank_size": 3}
    with serve(tmp_path / "w2.duckdb", "--workers", "2") as base, httpx.Client(base_url=base, timeout=120) as c:
        r = c.post("/api/runs", json=body)
        assert r.status_code == 202, r.text
        done = wait_done(c, r.json()["run_id"])
        assert done["status"] == "done", done
    local = run_summary(simulate(load_scenario(SMA, body["set"]), RunConfig(draws=2048, seed=11, bank_size=3)))
    assert done["summary"] == json.loads(json.dumps(local))


def test_dask_scheduler_streams_per_chunk_progress_and_cancels(tmp_path: Path) -> None:
    """``serve --scheduler``: a run on a real Dask LocalCluster sends one progress event per finished
    chunk (k/16 with an ETA) through the cluster's queue, ends ``done`` with the local run's summary,
    and a cancelled run stops at its next chunk (through the cluster's event), storing nothing."""
    from distributed import LocalCluster

    from burdenshare import RunConfig, load_scenario, simulate
    from burdenshare.analysis.briefing import run_summary

    draws = 16 * 16 * 1024  # 16 progress steps of 16 blocks
    body = {"scenario": SMA, "draws": draws, "seed": 8, "bank_size": BANK}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            serve(tmp_path / "dask.duckdb", "--scheduler", cluster.scheduler_address, "--max-draws", "2000000") as base, \
            httpx.Client(base_url=base, timeout=120) as c:
        r = c.post("/api/runs", json=body)
        assert r.status_code == 202, r.text
        rid = r.json()["run_id"]
        events = _events(base, rid)
        kinds = [k for k, _ in events]
        assert kinds[-2:] == ["done", "drivers"] and events[-1][1]["drivers"] == "ready", events  # drivers on the cluster too
        progress = [d["progress"] for k, d in events if k == "progress"]
        steps = sorted({p["done"] for p in progress if p["total"] == 16})
        assert all(p["total"] == 16 for p in progress if p["done"] > 0), progress
        assert len([k for k in steps if 0 < k < 16]) >= 2, progress  # chunk by chunk, not only start and end
        assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)
        assert any(p["eta_s"] is not None and p["eta_s"] >= 0 for p in progress if 0 < p["done"] < 16)
        summary = c.get(f"/api/runs/{rid}").json()["summary"]
        local = run_summary(simulate(load_scenario(SMA), RunConfig(draws=draws, seed=8, bank_size=BANK)))
        assert summary == json.loads(json.dumps(local))
        # cancel: the worker reads the flag after each chunk
        big = c.post("/api/runs", json={**body, "draws": 2_000_000, "seed": 9})
        assert big.status_code == 202, big.text
        bid = big.json()["run_id"]
        for _ in range(600):  # wait for the first chunk, so the cancel reaches a running worker
            if c.get(f"/api/runs/{bid}").json()["progress"]["done"] >= 1:
                break
            time.sleep(0.1)
        c.delete(f"/api/runs/{bid}")
        done = wait_done(c, bid)
        assert done["status"] == "cancelled", done
        assert done["progress"]["done"] < done["progress"]["total"]
        assert c.get(f"/api/runs/{bid}/rows?format=csv").status_code == 409


def test_token_is_required_when_set(tmp_path: Path) -> None:
    with serve(tmp_path / "t.duckdb", token=TOKEN) as base:
        bare = httpx.get(f"{base}/api/health", timeout=30)
        assert bare.status_code == 401 and bare.json()["error"]["field"] == "authorization"
        wrong = httpx.get(f"{base}/api/scenarios", headers={"Authorization": "Bearer nope"}, timeout=30)
        assert wrong.status_code == 401
        ok = httpx.get(f"{base}/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        assert ok.status_code == 200 and ok.json()["scenarios"]
        assert httpx.get(f"{base}/", timeout=30).status_code == 200  # the page itself; its API calls carry the token


def _cli(*args: str, env: dict[str, str] | None = None, pre: str = "") -> subprocess.CompletedProcess[str]:
    code = f"{pre}import sys; from burdenshare.cli import main; sys.exit(main({list(args)!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_non_loopback_needs_a_token_and_bad_options_are_one_line(tmp_path: Path) -> None:
    store = tmp_path / "x.duckdb"
    for args, option in ((["--host", "0.0.0.0"], "--host"), (["--port", "70000"], "--port"),
                         (["--workers", "0"], "--workers"), (["--token", "short"], "--token"),
                         (["--max-draws", "0"], "--max-draws")):
        out = _cli("serve", "--store", str(store), *args)
        assert out.returncode == 2, out
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and option in lines[0], out.stderr
    assert "Authorization: Bearer" in _cli("serve", "--host", "0.0.0.0", "--store", str(store)).stderr
    assert not store.exists()  # refused before the store is opened


def test_without_the_web_extra_serve_says_how_to_install_it() -> None:
    block = "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None\n"
    import importlib.util as u  # noqa: F401 - find_spec honours sys.modules entries set to None

    out = _cli("serve", pre=block)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "burdenshare[web]" in lines[0], out.stderr
