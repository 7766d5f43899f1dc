"""The HTTP API (``/api/...``): thin handlers over the package's facade.

Each handler checks its input with the package's own checks (scenario loading and ``--set``
parsing, :class:`~burdenshare.RunConfig`, the CLI's option checks), then calls the same function
the CLI calls; a run's ``summary`` is the one ``burdenshare run --json`` prints for the same
inputs.  Scenarios are the bundled ones, by name (a request never names a server file).
A run is ``done`` when its summary is recorded; its bottom line's drivers follow
(:mod:`burdenshare.web.jobs`): the run body's ``"drivers"`` is ``pending``, ``ready`` or
``failed``, and once ``ready`` the summary equals ``burdenshare run --json``.
Units follow DESIGN.md §6 (money in base units with the currency in the key, probabilities in
[0, 1], percentages as percent, ``null`` for absent values).
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from burdenshare._version import __version__
from burdenshare.errors import BurdenshareError
from burdenshare.web.errors import ApiError, from_package

__all__ = ["router"]

router = APIRouter(prefix="/api")

#: Runs whose chart data the server keeps.
CHART_CACHE = 64
#: Seconds a report request waits for the run's drivers (its opening section names them).
REPORT_WAIT_S = 300.0


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunRequest(_Body):
    scenario: str = Field(examples=["sma-2020-hindsight"])
    set: list[str] = Field(default_factory=list, examples=[["levers.transparency=0.5"]])
    draws: int = Field(10_000, examples=[2048])
    seed: int = Field(0, examples=[0])
    bank_size: int | None = Field(None, examples=[1], description="Level-II bank size (default the engine's, 64)")


class CompareRequest(_Body):
    scenario: str = Field(examples=["sma-2020-hindsight"])
    base: list[str] = Field(default_factory=list)
    variant: list[str] = Field(default_factory=list, examples=[["levers.transparency=1"]])
    draws: int = Field(10_000, examples=[2048])
    seed: int = 0
    bank_size: int | None = None


class ScenarioRequest(_Body):
    scenario: str = Field(examples=["sma-2020-hindsight"])
    set: list[str] = Field(default_factory=list)


class AdviseRequest(ScenarioRequest):
    side: str = Field(examples=["host"])
    min_consent: float = Field(examples=[0.5])
    date: str | None = None


class SweepRequest(_Body):
    scenario: str = Field(examples=["sma-2020-hindsight"])
    grid: dict[str, list[Any]] = Field(examples=[{"levers.transparency": [0, 1]}])
    set: list[str] = Field(default_factory=list)
    draws: int = Field(10_000, examples=[2048])
    seed: int = 0
    bank_size: int | None = None


class ValidateRequest(_Body):
    toml: str
    set: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _ctx(request: Request) -> Any:
    return request.app.state.web


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, str]:
    """The bundled scenarios (name -> title), read once per server."""
    from burdenshare.scenario import list_scenarios

    return dict(list_scenarios())


@functools.lru_cache(maxsize=512)
def _load(name: str, overrides: tuple[str, ...]) -> Any:
    """A bundled scenario with overrides, validated once per server (scenarios are frozen)."""
    from burdenshare.scenario import load_scenario

    return load_scenario(name, list(overrides))


@functools.lru_cache(maxsize=512)
def _identity(name: str, overrides: tuple[str, ...], config: Any) -> str:
    from burdenshare.engine import run_identity

    return str(run_identity(_load(name, overrides), config))


def _check_name(name: Any) -> str:
    names = _bundled()
    if not isinstance(name, str) or name not in names:
        raise ApiError(404, "scenario", name, ", ".join(sorted(names)), f"no bundled scenario {name!r}")
    return name


def _scenario(name: Any, overrides: list[str] | tuple[str, ...] = (), *, field: str = "set") -> Any:
    """The bundled scenario with overrides; a bad override is a 422 naming the ``set`` path."""
    _check_name(name)
    try:
        return _load(name, tuple(overrides))
    except BurdenshareError as exc:
        raise from_package(exc, field=exc.field or field) from None


def _config(draws: Any, seed: Any, bank_size: Any, limit: int) -> Any:
    """The :class:`RunConfig` (its own range checks), then the server's draws limit (413)."""
    from burdenshare.engine.config import DEFAULT_BANK_SIZE, RunConfig
    from burdenshare.web.jobs import chunk_size_for

    try:
        config = RunConfig(draws=draws, seed=seed, bank_size=DEFAULT_BANK_SIZE if bank_size is None else bank_size)
    except BurdenshareError as exc:
        raise from_package(exc, value={"draws": draws, "seed": seed, "bank_size": bank_size}.get(exc.field or "")) from None
    if config.draws > limit:
        raise ApiError(413, "draws", config.draws, f"an integer 1..{limit}",
                       f"this server runs at most {limit} draws per job")
    return RunConfig(draws=config.draws, seed=config.seed, bank_size=config.bank_size,
                     chunk_size=chunk_size_for(config.draws))


def _package(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except BurdenshareError as exc:
        raise from_package(exc) from None


def _links(run_id: str) -> dict[str, str]:
    base = f"/api/runs/{run_id}"
    return {"self": base, "events": f"{base}/events", "rows_csv": f"{base}/rows?format=csv",
            "rows_parquet": f"{base}/rows?format=parquet", "report": f"{base}/report", "charts": f"{base}/charts"}


def _stored(ctx: Any, run_id: str) -> dict[str, Any] | None:
    """A complete run in the store as the API's run body (``None`` if not recorded complete)."""
    with ctx.store.reader() as st:
        if not st.has_run(run_id):
            return None
        rec = st.run(run_id)
        if rec.status != "complete":
            return None
        points = st.points(run_id)
    drivers: str | None = None
    if rec.kind == "sweep":
        summary: Any = {"run_id": run_id, "rows": [{"point": p["values"], **(p["summary"] or {})} for p in points]}
    else:
        from burdenshare.web.jobs import _drivers_pending

        summary = points[0]["summary"]
        drivers = "pending" if _drivers_pending(summary) else "ready"
    return {"run_id": run_id, "kind": rec.kind, "status": "done",
            "progress": {"done": 1, "total": 1, "fraction": 1.0, "eta_s": 0.0},
            "summary": summary, "drivers": drivers, "error": None, "links": _links(run_id),
            "_inputs": (rec.scenario, rec.overrides, (rec.options or {}).get("config"))}


def _run_body(ctx: Any, run_id: str, *, restart_failed: bool = False) -> dict[str, Any]:
    """The run body: status, progress, summary, ``drivers`` (``pending|ready|failed``, ``null`` for
    a job not done or a sweep) and, when they failed, ``drivers_error``.

    A recorded run whose drivers are pending with no job computing them (the server restarted) has
    them started here; ``restart_failed`` also restarts drivers that failed (a new ``POST``)."""
    job = ctx.jobs.get(run_id)
    if job is not None and job.status != "done":
        return {"run_id": run_id, "kind": job.kind, "status": job.status, "progress": job.progress(),
                "summary": None, "drivers": None, "error": job.error, "links": _links(run_id)}
    body = _stored(ctx, run_id)
    if body is None:
        raise ApiError(404, "run_id", run_id, "a run id from POST /api/runs", f"no run {run_id!r}")
    name, overrides, config_json = body.pop("_inputs")
    if job is not None:
        body["progress"] = {**job.progress(), "fraction": 1.0}
    if body["drivers"] == "pending":  # the store says pending: the job says whether they are computing or failed
        if config_json is not None and (job is None or job.drivers is None
                                        or (job.drivers == "failed" and restart_failed)):
            job = ctx.jobs.ensure_drivers(run_id, name, overrides, config_json)
        if job is not None and job.drivers == "failed":
            body["drivers"], body["drivers_error"] = "failed", job.drivers_error
    return body


def _drivers_settled(ctx: Any, run_id: str, timeout: float) -> dict[str, Any]:
    """The run body once its drivers are no longer pending (or ``timeout`` seconds passed)."""
    deadline = time.monotonic() + timeout
    while True:
        body = _run_body(ctx, run_id)
        job = ctx.jobs.get(run_id)
        if body.get("drivers") != "pending" or job is None or time.monotonic() > deadline:
            return body
        with job.changed:
            job.changed.wait(timeout=0.5)


def _run_id(ctx: Any, text: str) -> str:
    import re

    if not re.fullmatch(r"[0-9a-f]{4,16}", text):
        raise ApiError(404, "run_id", text, "16 hex digits (or a unique prefix of 4+)", f"no run {text!r}")
    if ctx.jobs.get(text) is not None:
        return text
    with ctx.store.reader() as st:
        try:
            return str(st.resolve_id(text))
        except BurdenshareError as exc:
            raise ApiError(404, "run_id", text, "a run id from POST /api/runs", exc.message) from None


# --------------------------------------------------------------------------- meta, scenarios


@router.get("/health")
def health() -> dict[str, Any]:
    """The server is up."""
    return {"status": "ok", "version": __version__}


@router.get("/scenarios")
def scenarios() -> dict[str, Any]:
    """The bundled scenarios: name, title, information date and whether it may use hindsight."""
    out = []
    for name, title in sorted(_bundled().items()):
        sc = _load(name, ())
        out.append({"name": name, "title": title, "as_of": sc.levers.as_of.isoformat(),
                    "hindsight": bool(getattr(sc, "hindsight", False))})
    return {"scenarios": out}


@router.get("/scenarios/{name}")
def scenario_detail(name: str) -> dict[str, Any]:
    """A scenario as TOML, parsed, and its provenance map (``burdenshare scenarios show --json``)."""
    from burdenshare.scenario import dump_scenario

    sc = _scenario(name)
    return {"name": name, "toml": dump_scenario(sc), "scenario": sc.model_dump(mode="json", by_alias=True),
            "provenance": {p: e.model_dump(mode="json", by_alias=True) for p, e in sc.provenance.values.items()}}


@router.post("/scenarios/validate")
def scenario_validate(req: ValidateRequest) -> dict[str, Any]:
    """Validate a scenario TOML text (``burdenshare scenarios validate``)."""
    from burdenshare.scenario import loads_scenario, scenario_hash

    sc = _package(loads_scenario, req.toml, list(req.set), source="toml")
    return {"valid": True, "name": sc.name, "hash": scenario_hash(sc)}


@router.get("/scenarios/{name}/levers")
def scenario_levers(name: str) -> dict[str, Any]:
    """The scenario's levers from the schema, with their values and provenance."""
    from burdenshare.web.levers import levers

    return {"scenario": name, "levers": levers(_scenario(name))}


@router.get("/scenarios/{name}/winset")
def scenario_winset(name: str, date: str | None = None, duration: int | None = None,
                    level: float = 0.5, set: list[str] = Query(default=[])) -> dict[str, Any]:  # noqa: A002
    """The Assembly's win-set (``burdenshare winset --json``)."""
    from burdenshare.cli import _cli_date
    from burdenshare.legislature import win_set

    sc = _scenario(name, set)
    if not (math.isfinite(level) and 0.0 < level <= 1.0):
        raise ApiError(422, "level", level, "(0, 1]", f"got {level!r}; allowed: (0, 1]")
    day = _package(_cli_date, date, sc, "date")
    allowed = sorted(sc.levers.allowed_durations)
    if duration is not None and duration not in allowed:
        raise ApiError(422, "duration", duration, str(allowed), f"got {duration}; allowed: {allowed} (levers.allowed_durations)")
    return dict(_package(win_set, sc, day, level, duration).to_json())


@router.get("/scenarios/{name}/explain")
def scenario_explain(name: str, ask_usd: float | None = None, years: int | None = None, currency: str = "USD",
                     set: list[str] = Query(default=[])) -> dict[str, Any]:  # noqa: A002
    """The transparency statement of an ask (``burdenshare explain --json``)."""
    from burdenshare.costs.statement import MAX_YEARS, explain

    sc = _scenario(name, set)
    currency = currency.upper()
    if currency not in ("USD", "KRW"):
        raise ApiError(422, "currency", currency, "USD, KRW", f"got {currency!r}; allowed: USD, KRW")
    if ask_usd is not None and not (ask_usd > 0 and math.isfinite(ask_usd)):
        raise ApiError(422, "ask_usd", ask_usd, "a positive finite amount", "the ask must be a positive finite amount")
    if years is not None and not 1 <= years <= MAX_YEARS:
        raise ApiError(422, "years", years, f"an integer 1..{MAX_YEARS}", f"got {years}; allowed: 1..{MAX_YEARS}")
    return dict(_package(explain, sc, ask_usd=ask_usd, currency=currency, years=years).to_json())


# --------------------------------------------------------------------------- runs


@router.post("/runs", status_code=202)
def post_run(req: RunRequest, request: Request) -> JSONResponse:
    """Start a run (or answer with the recorded one: same inputs, same id, nothing recomputed)."""
    from burdenshare.engine.prepare import check_run
    from burdenshare.scenario import dump_scenario

    ctx = _ctx(request)
    config = _config(req.draws, req.seed, req.bank_size, ctx.max_draws)
    sc = _scenario(req.scenario, req.set)
    rid = _identity(req.scenario, tuple(req.set), config)
    if _stored(ctx, rid) is not None:
        return JSONResponse(_run_body(ctx, rid, restart_failed=True), status_code=200)
    _package(check_run, sc)  # a lever the engine cannot play: 422 before any job
    job, new = ctx.jobs.submit_run(rid, req.scenario, req.set, config, dump_scenario(_load(req.scenario, ())))
    body = {"run_id": rid, "status": job.status, "links": _links(rid)}
    return JSONResponse(body, status_code=202 if new else 200)


@router.get("/runs/{run_id}")
def get_run(run_id: str, request: Request) -> dict[str, Any]:
    """A run's status, progress and (when done) the summary ``burdenshare run --json`` prints."""
    ctx = _ctx(request)
    return _run_body(ctx, _run_id(ctx, run_id))


@router.delete("/runs/{run_id}")
def cancel_run(run_id: str, request: Request) -> dict[str, Any]:
    """Cancel a queued or running job (a recorded run stays recorded)."""
    ctx = _ctx(request)
    rid = _run_id(ctx, run_id)
    ctx.jobs.cancel(rid)
    return _run_body(ctx, rid)


@router.get("/runs/{run_id}/events")
async def run_events(run_id: str, request: Request) -> StreamingResponse:
    """Server-sent events: ``queued``, ``progress`` (done/total, ETA), then ``done`` (the summary is
    recorded), ``failed`` or ``cancelled``; after ``done``, ``drivers`` once the bottom line's
    drivers are ``ready`` or ``failed`` (at once when they already are)."""
    ctx = _ctx(request)
    rid = await asyncio.to_thread(_run_id, ctx, run_id)

    async def stream() -> Any:
        last: tuple[Any, ...] | None = None
        while True:
            body = await asyncio.to_thread(_run_body, ctx, rid)
            status = body["status"]
            state = (status, body["progress"]["done"], body["progress"]["total"])
            if state != last:
                last = state
                event = "progress" if status == "running" else status
                data = {"run_id": rid, "status": status, "progress": body["progress"], "error": body["error"],
                        "drivers": body.get("drivers")}
                yield f"event: {event}\ndata: {json.dumps(data)}\n\n"
            if status == "done" and body.get("drivers") != "pending":
                if body.get("drivers") is not None:
                    data = {"run_id": rid, "drivers": body["drivers"], "error": body.get("drivers_error")}
                    yield f"event: drivers\ndata: {json.dumps(data)}\n\n"
                return
            if status in ("failed", "cancelled") or await request.is_disconnected():
                return
            await asyncio.sleep(0.1)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def _finished(ctx: Any, rid: str) -> None:
    body = _run_body(ctx, rid)
    if body["status"] in ("failed", "cancelled"):
        raise ApiError(409, "run_id", rid, "a run that finished", f"run {rid} {body['status']}: it has no rows")
    if body["status"] != "done":
        raise ApiError(409, "run_id", rid, "a run that finished", f"run {rid} is {body['status']}; wait for it")


@router.get("/runs/{run_id}/rows")
def run_rows(run_id: str, request: Request, format: str = "csv") -> FileResponse:  # noqa: A002
    """The run's outcome rows as CSV or Parquet (``burdenshare runs export``)."""
    ctx = _ctx(request)
    rid = _run_id(ctx, run_id)
    _finished(ctx, rid)
    fmt = format.lower()
    if fmt not in ("csv", "parquet"):
        raise ApiError(422, "format", format, "csv, parquet", f"got {format!r}; allowed: csv, parquet")
    folder = Path(tempfile.mkdtemp(prefix="burdenshare-rows-"))
    out = folder / f"{rid}.{fmt}"
    try:
        with ctx.store.reader() as st:
            _package(st.export, rid, out, fmt)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    media = "text/csv" if fmt == "csv" else "application/vnd.apache.parquet"
    return FileResponse(out, media_type=media, filename=out.name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def _result(ctx: Any, rid: str) -> Any:
    from burdenshare.analysis.runs import load_result

    _finished(ctx, rid)
    with ctx.store.reader() as st:
        if st.run(rid).kind != "run":
            raise ApiError(409, "run_id", rid, "a run (not a sweep)", f"{rid} is a sweep; open its points' runs")
        return _package(load_result, st, rid)


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def run_report(run_id: str, request: Request) -> HTMLResponse:
    """The run's self-contained HTML report (``burdenshare report``)."""
    from burdenshare.report import report_from_result

    ctx = _ctx(request)
    rid = _run_id(ctx, run_id)
    body = _drivers_settled(ctx, rid, REPORT_WAIT_S) if _run_body(ctx, rid)["status"] == "done" else None
    if body is not None and body.get("drivers") == "pending":
        raise ApiError(409, "run_id", rid, "a run whose drivers are ready",
                       f"run {rid}: the bottom line's drivers are still being computed; try again shortly")
    result = _result(ctx, rid)
    # the recorded bottom line (its drivers ready): the report does not compute the tornado again;
    # drivers that failed are computed here, as `burdenshare report` would
    bottom = (body or {}).get("summary", {}).get("bottom_line") if (body or {}).get("drivers") == "ready" else None
    folder = Path(tempfile.mkdtemp(prefix="burdenshare-report-"))
    try:
        files = _package(report_from_result, result, folder / f"{rid}.html", png=False, bottom_line=bottom,
                         source=f"run {rid} ({result.draws:,} draws, seed {result.seed})")
        return HTMLResponse(Path(files.html).read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get("/runs/{run_id}/charts")
def run_charts(run_id: str, request: Request) -> dict[str, Any]:
    """The numbers behind the dashboard's charts (the report's data, :func:`burdenshare.report.data.report_data`)."""
    ctx = _ctx(request)
    rid = _run_id(ctx, run_id)
    cached = ctx.charts.get(rid)
    if cached is not None:
        return dict(cached)
    from burdenshare.web.charts import charts

    result = _result(ctx, rid)
    data = charts(result)
    while len(ctx.charts) >= CHART_CACHE:  # the oldest first (dicts keep insertion order)
        ctx.charts.pop(next(iter(ctx.charts)), None)
    ctx.charts[rid] = data
    return data


# --------------------------------------------------------------------------- analyses


@router.post("/compare")
def post_compare(req: CompareRequest, request: Request) -> dict[str, Any]:
    """Baseline vs variant on the same draws: paired differences (``burdenshare compare --json``)."""
    ctx = _ctx(request)
    config = _config(req.draws, req.seed, req.bank_size, ctx.max_draws)
    _scenario(req.scenario, req.base, field="base")
    _scenario(req.scenario, [*req.base, *req.variant], field="variant")
    return dict(_package(ctx.jobs.evaluate, "burdenshare.web.calls:compare_json", req.scenario, list(req.base),
                         list(req.variant), config.draws, config.seed, config.bank_size))


@router.post("/solve")
def post_solve(req: ScenarioRequest, request: Request) -> dict[str, Any]:
    """The rational benchmark (``burdenshare solve --json``)."""
    ctx = _ctx(request)
    _scenario(req.scenario, req.set)
    return dict(_package(ctx.jobs.evaluate, "burdenshare.web.calls:solve_json", req.scenario, list(req.set)))


@router.post("/advise")
def post_advise(req: AdviseRequest, request: Request) -> dict[str, Any]:
    """The best agreement for a side under a consent floor (``burdenshare advise --json``)."""
    from burdenshare.cli import _cli_date

    ctx = _ctx(request)
    sc = _scenario(req.scenario, req.set)
    if req.side not in ("us", "host"):
        raise ApiError(422, "side", req.side, "us, host", f"got {req.side!r}; allowed: us, host")
    if not (math.isfinite(req.min_consent) and 0.0 <= req.min_consent <= 1.0):
        raise ApiError(422, "min_consent", req.min_consent, "a probability in [0, 1]",
                       f"got {req.min_consent!r}; allowed: a probability in [0, 1]")
    day = None if req.date is None else _package(_cli_date, req.date, sc, "date").isoformat()
    return dict(_package(ctx.jobs.evaluate, "burdenshare.web.calls:advise_json", req.scenario, list(req.set),
                         req.side, req.min_consent, day))


@router.post("/sweeps", status_code=202)
def post_sweep(req: SweepRequest, request: Request) -> JSONResponse:
    """A sweep over a grid of lever values, with common random numbers: a job like a run."""
    from burdenshare.analysis.sweep import parse_grid, sweep
    from burdenshare.engine import run_identity
    from burdenshare.scenario.io import toml_value

    ctx = _ctx(request)
    config = _config(req.draws, req.seed, req.bank_size, ctx.max_draws)
    base = _scenario(req.scenario, req.set)
    if not req.grid:
        raise ApiError(422, "grid", req.grid, "{path: [values, ...]} with at least one axis", "the grid is empty")
    points = math.prod(len(v) for v in req.grid.values())
    if points * config.draws > ctx.max_draws:
        raise ApiError(413, "grid", points, f"points x draws <= {ctx.max_draws}",
                       f"{points} points x {config.draws} draws exceed this server's {ctx.max_draws} draws per job")
    try:
        specs = [f"{path}={','.join(toml_value(v) for v in values)}" for path, values in req.grid.items()]
        axes = parse_grid(specs)
    except BurdenshareError as exc:
        raise from_package(exc, field="grid") from None
    except (TypeError, ValueError) as exc:
        raise ApiError(422, "grid", None, "TOML values (numbers, strings, dates, lists)", str(exc)) from None
    rid = run_identity(base, config, kind="sweep", grid=[(a.path, list(a.texts)) for a in axes])
    if _stored(ctx, rid) is not None:
        return JSONResponse(_run_body(ctx, rid, restart_failed=True), status_code=200)
    # every point is checked before the job starts (a bad value is a 422 naming it)
    for a in axes:
        for t in a.texts:
            _scenario(req.scenario, [*req.set, f"{a.path}={t}"], field="grid")

    def run(store: Any, progress: Any) -> Any:
        return sweep(req.scenario, specs, draws=config.draws, seed=config.seed, overrides=list(req.set), store=store,
                     backend="dask" if ctx.scheduler else "local", scheduler=ctx.scheduler,
                     chunk_size=config.chunk_size, bank_size=config.bank_size, progress=progress)

    job, new = ctx.jobs.submit_sweep(rid, run)
    return JSONResponse({"run_id": rid, "status": job.status, "links": _links(rid)}, status_code=202 if new else 200)
