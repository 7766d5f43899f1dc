"""The HTTP API against the real app (issue 12): an HTTP client in front of ``create_app`` with its
process pool and a temporary store.  Results are checked against the CLI (a subprocess) and the
package's facade, errors against the documented body, and the store against what bad input may not do.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _web import BANK, DRAWS, wait_done
from burdenshare.web import create_app

SMA = "sma-2020-hindsight"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web") / "web.duckdb"


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    app = create_app(store, workers=1, max_draws=200_000)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def done_run(client: TestClient) -> dict:
    """One finished run (transparency 0.5, seed 3) shared by the tests that read a run."""
    r = client.post("/api/runs", json={"scenario": SMA, "set": ["levers.transparency=0.5"], "draws": DRAWS,
                                       "seed": 3, "bank_size": BANK})
    assert r.status_code == 202, r.text
    body = wait_done(client, r.json()["run_id"])
    assert body["status"] == "done", body
    return body


def _runs_in_store(client: TestClient) -> list[str]:
    with client.app.state.web.store.reader() as st:  # type: ignore[attr-defined]
        return sorted(r.run_id for r in st.runs())


def _error(r, status: int, field: str | None) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"field", "value", "allowed", "message"}
    assert err["message"]
    if field is not None:
        assert err["field"] == field, err
    return err


# --------------------------------------------------------------------------- meta and scenarios


def test_health_and_scenarios(client: TestClient) -> None:
    from burdenshare import __version__, load_scenario
    from burdenshare.scenario import list_scenarios

    assert client.get("/api/health").json() == {"status": "ok", "version": __version__}
    listed = client.get("/api/scenarios").json()["scenarios"]
    assert [s["name"] for s in listed] == sorted(n for n, _ in list_scenarios())
    sma = next(s for s in listed if s["name"] == SMA)
    sc = load_scenario(SMA)
    assert sma == {"name": SMA, "title": sc.title, "as_of": sc.levers.as_of.isoformat(),
                   "hindsight": bool(getattr(sc, "hindsight", False))}
    assert sma["hindsight"] is True  # the hand-tuned reconstruction cites facts known only after its as_of
    built = next(s for s in listed if s["name"] == "sma-2020")
    assert built["hindsight"] is False  # the builder's scenario uses only facts public by its as_of


def test_scenario_detail_round_trips(client: TestClient) -> None:
    from burdenshare import load_scenario
    from burdenshare.scenario import loads_scenario

    d = client.get(f"/api/scenarios/{SMA}").json()
    sc = load_scenario(SMA)
    assert loads_scenario(d["toml"]) == sc  # the TOML text loads back to the same scenario
    assert d["scenario"]["levers"]["us_ask_usd"] == sc.levers.us_ask_usd
    assert set(d["provenance"]) == set(sc.provenance.values)
    assert d["provenance"]["levers.transparency"]["kind"] == sc.provenance.values["levers.transparency"].kind


def test_validate(client: TestClient) -> None:
    from burdenshare import load_scenario
    from burdenshare.scenario import dump_scenario, scenario_hash

    text = dump_scenario(load_scenario(SMA))
    ok = client.post("/api/scenarios/validate", json={"toml": text}).json()
    assert ok == {"valid": True, "name": SMA, "hash": scenario_hash(load_scenario(SMA))}
    bad = text.replace("transparency = 0.0", "transparency = 7.0", 1)
    assert bad != text
    err = _error(client.post("/api/scenarios/validate", json={"toml": bad}), 422, "levers.transparency")
    assert "7" in str(err["value"])
    # a TOML bomb: nesting far past what a scenario needs is refused with a 4xx, not a crash
    bomb = "x = " + "[" * 50_000 + "]" * 50_000
    _error(client.post("/api/scenarios/validate", json={"toml": bomb}), 422, None)
    _error(client.post("/api/scenarios/validate", json={"toml": "a = [1, 2"}), 422, None)


def test_levers_come_from_the_schema(client: TestClient) -> None:
    from burdenshare import load_scenario
    from burdenshare.scenario.schema import Levers
    from burdenshare.scenario.sources import describe

    levers = client.get(f"/api/scenarios/{SMA}/levers").json()["levers"]
    sc = load_scenario(SMA)
    assert [lv["path"] for lv in levers] == [f"levers.{n}" for n in Levers.model_fields]
    by = {lv["path"]: lv for lv in levers}
    assert set(levers[0]) >= {"path", "type", "min", "max", "choices", "unit", "default", "description", "source"}
    t = by["levers.transparency"]
    assert (t["type"], t["min"], t["max"], t["default"]) == ("number", 0.0, 1.0, sc.levers.transparency)
    ask = by["levers.us_ask_usd"]
    assert (ask["unit"], ask["min"], ask["exclusive_min"], ask["default"]) == ("USD", 0.0, True, sc.levers.us_ask_usd)
    assert by["levers.furlough_from"]["choices"] == ["none"]
    assert by["levers.allowed_durations"]["choices"] == list(range(1, sc.agreement_space.max_duration_years + 1))
    assert t["source"] == describe(sc.provenance.values["levers.transparency"])
    assert _error(client.get("/api/scenarios/no-such/levers"), 404, "scenario")


# --------------------------------------------------------------------------- runs


def test_run_summary_equals_the_cli(client: TestClient, done_run: dict, tmp_path: Path) -> None:
    """``summary`` equals ``burdenshare run ... --json`` for the same inputs, value for value, same id."""
    out = subprocess.run(
        [sys.executable, "-m", "burdenshare", "run", SMA, "--draws", str(DRAWS), "--seed", "3", "--bank-size",
         str(BANK), "--set", "levers.transparency=0.5", "--json", "--store", str(tmp_path / "cli.duckdb")],
        capture_output=True, text=True, timeout=600, env={**os.environ})
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert done_run["summary"] == cli
    assert done_run["run_id"] == cli["run_id"]
    assert f"recorded as run {cli['run_id']}" in out.stderr
    assert set(done_run) >= {"run_id", "status", "progress", "summary", "error"}
    assert done_run["progress"]["fraction"] == 1.0 and done_run["error"] is None


def test_summary_first_then_the_drivers(client: TestClient) -> None:
    """A run is ``done`` when its summary is recorded; the bottom line's drivers (the tornado) follow
    as a second task: meanwhile the body says ``"drivers": "pending"``, the stored summary is the
    interim one (every value but the drivers), and then the full summary replaces it, equal to the
    package's ``run_summary`` (what ``burdenshare run --json`` prints).  The drivers' start is held
    here so the pending state is seen for certain."""
    import threading

    from burdenshare import RunConfig, load_scenario, simulate
    from burdenshare.analysis.briefing import run_summary

    jobs = client.app.state.web.jobs  # type: ignore[attr-defined]
    gate, original = threading.Event(), jobs._start_drivers

    def held(*args: object) -> None:
        threading.Thread(target=lambda: (gate.wait(120), original(*args)), daemon=True).start()

    jobs._start_drivers = held
    body = {"scenario": SMA, "set": ["levers.us_ask_usd=4600000000"], "draws": DRAWS, "seed": 21, "bank_size": BANK}
    try:
        r = client.post("/api/runs", json=body)
        assert r.status_code == 202, r.text
        rid = r.json()["run_id"]
        first = wait_done(client, rid, drivers=False)
        assert first["status"] == "done" and first["drivers"] == "pending", first
        with client.app.state.web.store.reader() as st:  # type: ignore[attr-defined]
            assert st.points(rid)[0]["summary"] == first["summary"]
        again = client.post("/api/runs", json=body)  # the same inputs: nothing started again
        assert again.status_code == 200 and again.json()["drivers"] == "pending"
        assert client.get(f"/api/runs/{rid}/rows?format=csv").status_code == 200  # the rows are there already
    finally:
        gate.set()
        jobs._start_drivers = original
    full = wait_done(client, rid)
    assert full["drivers"] == "ready", full
    local = json.loads(json.dumps(run_summary(simulate(load_scenario(SMA, body["set"]),
                                                       RunConfig(draws=DRAWS, seed=21, bank_size=BANK)))))
    assert full["summary"] == local
    interim, final = first["summary"].pop("bottom_line"), full["summary"].pop("bottom_line")
    assert first["summary"] == full["summary"]  # every value but the bottom line's drivers, at once
    assert interim.pop("drivers_pending") is True and "drivers_pending" not in final
    assert interim["drivers"] == [] and interim["tornado"] == [] and interim["tornado_draws"] == 0
    assert final["tornado"] and final["tornado_draws"] == DRAWS
    assert final["text"].startswith(interim["text"] + " ")  # the sentence naming the drivers follows
    for key in ("most_likely", "window", "amount_krw", "amount_usd", "increase_pct", "p_ratified",
                "p_no_deal_by_horizon", "horizon"):
        assert interim[key] == final[key], key


def test_a_run_does_not_wait_for_the_previous_runs_drivers(client: TestClient, done_run: dict) -> None:
    """The drivers run in a process of their own at a lower CPU priority: while it is busy, a new
    run is computed and recorded (``done``, its drivers ``pending``), then its drivers follow."""
    import time

    from burdenshare.web.jobs import DRIVERS_NICE

    jobs = client.app.state.web.jobs  # type: ignore[attr-defined]
    pool = jobs._drivers_pool  # started by the drivers of the fixture's run
    assert pool is not None and done_run["drivers"] == "ready"
    pids = list(pool._processes)
    assert len(pids) == 1 and pids[0] != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pids[0]) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + DRIVERS_NICE)
    busy = pool.submit(time.sleep, 15)  # the drivers' process is busy
    r = client.post("/api/runs", json={"scenario": SMA, "draws": DRAWS, "seed": 23, "bank_size": BANK})
    assert r.status_code == 202, r.text
    first = wait_done(client, r.json()["run_id"], drivers=False)
    assert first["status"] == "done" and first["drivers"] == "pending" and not busy.done()
    assert wait_done(client, r.json()["run_id"])["drivers"] == "ready" and busy.done()


def test_drivers_left_pending_by_a_stopped_server_are_computed_on_request(tmp_path: Path, capsys) -> None:
    """A run recorded with its drivers pending (the server stopped before they were ready): the CLI
    on that store prints the full summary (it computes the drivers, as for a run recorded before the
    bottom line), and the next server computes them when the run is asked for, from the run's inputs
    (the same draws), and stores them."""
    from burdenshare import RunConfig, load_scenario, simulate
    from burdenshare.analysis.briefing import run_summary
    from burdenshare.analysis.runs import record_result
    from burdenshare.cli import main
    from burdenshare.scenario import dump_scenario
    from burdenshare.store import open_store

    over = ["levers.transparency=0.4"]
    result = simulate(load_scenario(SMA, over), RunConfig(draws=1024, seed=9, bank_size=BANK))
    with open_store(tmp_path / "stopped.duckdb") as st:
        rid = record_result(st, result, scenario_toml=dump_scenario(load_scenario(SMA)), overrides=over,
                            summary=run_summary(result, drivers=False))
    assert main(["run", SMA, "--draws", "1024", "--seed", "9", "--bank-size", str(BANK), "--set", over[0],
                 "--store", str(tmp_path / "stopped.duckdb"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(run_summary(result)))
    with TestClient(create_app(tmp_path / "stopped.duckdb", workers=1)) as c:
        assert c.get(f"/api/runs/{rid}").json()["drivers"] == "pending"
        done = wait_done(c, rid)
        assert done["drivers"] == "ready", done
        assert done["summary"] == json.loads(json.dumps(run_summary(result)))
        with c.app.state.web.store.reader() as st:  # type: ignore[attr-defined]
            assert st.points(rid)[0]["summary"] == done["summary"]


def test_identical_request_returns_the_same_id_without_recomputing(client: TestClient, done_run: dict) -> None:
    jobs = dict(client.app.state.web.jobs.jobs)  # type: ignore[attr-defined]
    before = _runs_in_store(client)
    again = client.post("/api/runs", json={"scenario": SMA, "set": ["levers.transparency=0.5"], "draws": DRAWS,
                                           "seed": 3, "bank_size": BANK})
    assert again.status_code == 200
    assert again.json()["run_id"] == done_run["run_id"] and again.json()["status"] == "done"
    assert again.json()["summary"] == done_run["summary"]
    assert client.app.state.web.jobs.jobs == jobs  # type: ignore[attr-defined]  # no job started
    assert _runs_in_store(client) == before


def test_rows_report_and_charts(client: TestClient, done_run: dict) -> None:
    import pyarrow.parquet as pq

    rid, s = done_run["run_id"], done_run["summary"]
    csv = client.get(f"/api/runs/{rid}/rows?format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    header = lines[0].split(",")
    assert len(lines) == 1 + DRAWS and {"draw", "ratified", "amount_krw"} <= set(header)
    ratified = [int(line.split(",")[header.index("ratified")]) for line in lines[1:]]
    assert sum(ratified) / DRAWS == s["p_ratified"]
    pqt = client.get(f"/api/runs/{rid}/rows?format=parquet")
    table = pq.read_table(io.BytesIO(pqt.content))
    assert table.num_rows == DRAWS and sum(table.column("ratified").to_pylist()) == sum(ratified)
    _error(client.get(f"/api/runs/{rid}/rows?format=xlsx"), 422, "format")
    html = client.get(f"/api/runs/{rid}/report")
    assert html.status_code == 200 and "<html" in html.text.lower() and "plotly" in html.text.lower()
    c = client.get(f"/api/runs/{rid}/charts").json()
    assert len(c["amounts_krw"]) == round(s["p_ratified"] * DRAWS)
    assert [d["date"] for d in c["by_date"]] == list(s["p_agreement_by"])
    assert [d["p"] for d in c["by_date"]] == list(s["p_agreement_by"].values())
    assert c["by_round"][-1]["p_signed"] == pytest.approx(s["p_agreement"])
    assert c["by_round"][-1]["p_ratified"] == pytest.approx(s["p_ratified"])
    assert c["votes"] == s["predicted_votes_by_bloc"]
    assert all(len(k["p_consent"]) == len(k["amounts_krw"]) > 0 for k in c["consent_curves"])


def test_bad_run_requests(client: TestClient) -> None:
    before = _runs_in_store(client)
    post = lambda body: client.post("/api/runs", json=body)  # noqa: E731
    assert _error(post({"scenario": SMA, "draws": 0}), 422, "draws")["value"] == 0
    _error(post({"scenario": SMA, "seed": -1}), 422, "seed")
    _error(post({"scenario": SMA, "bank_size": 0}), 422, "bank_size")
    _error(post({"scenario": SMA, "draws": "many"}), 422, "draws")
    _error(post({"scenario": SMA, "draws": 10**30}), 422, "draws")
    err = _error(post({"scenario": SMA, "set": ["levers.transparency=2"]}), 422, "levers.transparency")
    assert err["value"] == "2"
    _error(post({"scenario": SMA, "set": ["levers.no_such_lever=1"]}), 422, None)
    _error(post({"scenario": SMA, "set": ["no equals sign"]}), 422, None)
    _error(post({"scenario": SMA, "unknown": 1}), 422, "unknown")
    _error(post({"scenario": "no-such"}), 404, "scenario")
    _error(post({"scenario": "../../etc/passwd"}), 404, "scenario")  # only bundled names, never a path
    _error(post({"scenario": SMA, "draws": 200_001}), 413, "draws")
    _error(client.post("/api/runs", content=b"{not json", headers={"content-type": "application/json"}), 422, "body")
    _error(client.post("/api/runs", content=b"x" * 1_000_001, headers={"content-type": "application/json"}), 413, "body")
    _error(client.get("/api/runs/ffffffffffffffff"), 404, "run_id")
    _error(client.get("/api/runs/not-an-id"), 404, "run_id")
    _error(client.delete("/api/runs/ffffffffffffffff"), 404, "run_id")
    # NaN / Infinity (Python's JSON reads them) and non-finite query numbers were a 500: the error
    # body carried the value as a float strict JSON cannot hold
    raw = lambda text: client.post("/api/runs", content=text.encode(),  # noqa: E731
                                   headers={"content-type": "application/json"})
    assert _error(raw(f'{{"scenario": "{SMA}", "draws": NaN}}'), 422, "draws")["value"] == "nan"
    assert _error(raw(f'{{"scenario": "{SMA}", "draws": 64, "seed": -Infinity}}'), 422, "seed")["value"] == "-inf"
    assert _error(client.get(f"/api/scenarios/{SMA}/winset?level=nan"), 422, "level")["value"] == "nan"
    assert _error(client.get(f"/api/scenarios/{SMA}/winset?level=1e309"), 422, "level")["value"] == "inf"
    assert _error(client.get(f"/api/scenarios/{SMA}/explain?ask_usd=1e400"), 422, "ask_usd")["value"] == "inf"
    assert _error(client.post("/api/advise", content=f'{{"scenario": "{SMA}", "side": "host", "min_consent": Infinity}}',
                              headers={"content-type": "application/json"}), 422, "min_consent")["value"] == "inf"
    assert _runs_in_store(client) == before  # nothing stored


# --------------------------------------------------------------------------- analyses


def test_compare_is_the_facade_on_the_same_draws(client: TestClient) -> None:
    from burdenshare.analysis.compare import Variant, compare

    body = {"scenario": SMA, "base": [], "variant": ["levers.transparency=1"], "draws": 1024, "seed": 1, "bank_size": 1}
    got = client.post("/api/compare", json=body)
    assert got.status_code == 200, got.text
    want = compare(SMA, [Variant("set", ("levers.transparency=1",))], draws=1024, seed=1, bank_size=1).to_json()
    assert got.json() == json.loads(json.dumps(want))
    v = got.json()["variants"][0]
    assert v["differences"]["p_ratified"]["mean"] == pytest.approx(v["summary"]["p_ratified"] - got.json()["baseline"]["p_ratified"])
    _error(client.post("/api/compare", json={**body, "variant": ["levers.transparency=-1"]}), 422, "levers.transparency")


def test_winset_explain_solve_advise_match_the_facade(client: TestClient) -> None:
    import datetime as dt

    from burdenshare import explain, load_scenario, win_set
    from burdenshare.analysis.advise import advise
    from burdenshare.solver.scenario import solve_scenario

    sc = load_scenario(SMA)
    ws = client.get(f"/api/scenarios/{SMA}/winset", params={"date": "2020-04-14", "duration": 1})
    assert ws.status_code == 200, ws.text
    assert ws.json() == json.loads(json.dumps(win_set(sc, dt.date(2020, 4, 14), 0.5, 1).to_json()))
    _error(client.get(f"/api/scenarios/{SMA}/winset", params={"date": "2020-13-01"}), 422, "date")
    _error(client.get(f"/api/scenarios/{SMA}/winset", params={"duration": 9}), 422, "duration")
    ex = client.get(f"/api/scenarios/{SMA}/explain", params={"ask_usd": 1.3e9, "years": 2, "currency": "KRW"})
    assert ex.status_code == 200, ex.text
    assert ex.json() == json.loads(json.dumps(explain(sc, ask_usd=1.3e9, currency="KRW", years=2).to_json()))
    _error(client.get(f"/api/scenarios/{SMA}/explain", params={"years": 10**6}), 422, "years")
    _error(client.get(f"/api/scenarios/{SMA}/explain", params={"currency": "EUR"}), 422, "currency")
    _error(client.get(f"/api/scenarios/{SMA}/explain", params={"ask_usd": -5}), 422, "ask_usd")
    sv = client.post("/api/solve", json={"scenario": SMA})
    assert sv.status_code == 200, sv.text
    assert sv.json() == json.loads(json.dumps(solve_scenario(sc).to_json()))
    ad = client.post("/api/advise", json={"scenario": SMA, "side": "host", "min_consent": 0.5})
    assert ad.status_code == 200, ad.text
    assert ad.json() == json.loads(json.dumps(advise(sc, "host", 0.5).to_json()))
    _error(client.post("/api/advise", json={"scenario": SMA, "side": "eu", "min_consent": 0.5}), 422, "side")
    _error(client.post("/api/advise", json={"scenario": SMA, "side": "us", "min_consent": 1.5}), 422, "min_consent")


def test_sweep_is_a_job_with_common_draws(client: TestClient) -> None:
    from burdenshare.analysis.sweep import sweep

    body = {"scenario": SMA, "grid": {"levers.transparency": [0, 1]}, "draws": 1024, "seed": 2, "bank_size": 1}
    r = client.post("/api/sweeps", json=body)
    assert r.status_code == 202, r.text
    done = wait_done(client, r.json()["run_id"])
    assert done["status"] == "done", done
    rows = done["summary"]["rows"]
    assert [row["point"] for row in rows] == [{"levers.transparency": 0}, {"levers.transparency": 1}]
    want = sweep(SMA, ["levers.transparency=0,1"], draws=1024, seed=2, bank_size=1,
                 store=Path(os.environ["BURDENSHARE_STORE"])).to_json()
    assert want["run_id"] == done["run_id"]
    assert [row["p_ratified"] for row in rows] == [row["p_ratified"] for row in want["rows"]]
    assert client.post("/api/sweeps", json=body).status_code == 200  # the same sweep: nothing recomputed
    _error(client.post("/api/sweeps", json={**body, "grid": {"levers.transparency": [0, 5]}}), 422, "levers.transparency")
    _error(client.post("/api/sweeps", json={**body, "grid": {}}), 422, "grid")
    _error(client.post("/api/sweeps", json={**body, "draws": 150_000}), 413, "grid")


def test_queue_limit_is_429(tmp_path: Path) -> None:
    app = create_app(tmp_path / "q.duckdb", workers=1, max_queued=1)
    with TestClient(app) as c:
        first = c.post("/api/runs", json={"scenario": SMA, "draws": 1024, "seed": 11, "bank_size": 1})
        assert first.status_code == 202
        err = _error(c.post("/api/runs", json={"scenario": SMA, "draws": 1024, "seed": 12, "bank_size": 1}), 429, "jobs")
        assert "1" in err["allowed"]
        c.delete(f"/api/runs/{first.json()['run_id']}")


def test_pending_drivers_count_toward_the_queue_limit(tmp_path: Path) -> None:
    """A run whose drivers are pending holds its result for them: it counts as a job in flight."""
    import threading

    app = create_app(tmp_path / "qd.duckdb", workers=1, max_queued=1)
    with TestClient(app) as c:
        jobs = c.app.state.web.jobs  # type: ignore[attr-defined]
        gate, original = threading.Event(), jobs._start_drivers
        jobs._start_drivers = lambda *a: threading.Thread(target=lambda: (gate.wait(120), original(*a)),
                                                          daemon=True).start()
        try:
            first = c.post("/api/runs", json={"scenario": SMA, "draws": 1024, "seed": 13, "bank_size": 1})
            assert first.status_code == 202
            assert wait_done(c, first.json()["run_id"], drivers=False)["drivers"] == "pending"
            _error(c.post("/api/runs", json={"scenario": SMA, "draws": 1024, "seed": 14, "bank_size": 1}), 429, "jobs")
        finally:
            gate.set()
            jobs._start_drivers = original
        assert wait_done(c, first.json()["run_id"])["drivers"] == "ready"
        again = c.post("/api/runs", json={"scenario": SMA, "draws": 1024, "seed": 14, "bank_size": 1})
        assert again.status_code == 202, again.text
        c.delete(f"/api/runs/{again.json()['run_id']}")


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/api/health", "/api/scenarios", "/api/scenarios/{name}", "/api/scenarios/validate",
            "/api/scenarios/{name}/levers", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/events",
            "/api/runs/{run_id}/rows", "/api/runs/{run_id}/report", "/api/compare", "/api/scenarios/{name}/winset",
            "/api/scenarios/{name}/explain", "/api/solve", "/api/advise", "/api/sweeps"} <= paths


def test_docs_web_python_example_runs(tmp_path: Path) -> None:
    """docs/web.md's Python block runs as written (in a fresh process, in a temporary folder)."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "web.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 1
    out = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    status, p = out.stdout.split()
    assert status == "done" and 0.0 <= float(p) <= 1.0
    assert (tmp_path / "web-example.duckdb").exists()


def test_runs_on_a_dask_cluster_give_the_same_summary(tmp_path: Path) -> None:
    """``--scheduler``: the run is computed on the cluster, recorded by the server, equal to the local run."""
    from distributed import LocalCluster

    from burdenshare import RunConfig, load_scenario, simulate

    body = {"scenario": SMA, "set": ["levers.transparency=0.25"], "draws": 1024, "seed": 4, "bank_size": 1}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            TestClient(create_app(tmp_path / "dask.duckdb", scheduler=cluster.scheduler_address)) as c:
        r = c.post("/api/runs", json=body)
        assert r.status_code == 202, r.text
        done = wait_done(c, r.json()["run_id"])
        assert done["status"] == "done", done
        ws = c.get(f"/api/scenarios/{SMA}/winset", params={"duration": 1})
        assert ws.status_code == 200
    from burdenshare.analysis.briefing import run_summary

    local = run_summary(simulate(load_scenario(SMA, body["set"]), RunConfig(draws=1024, seed=4, bank_size=1)))
    assert done["summary"] == json.loads(json.dumps(local))
