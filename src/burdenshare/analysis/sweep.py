"""Parameter sweeps: the two-level simulation over a grid of scenario overrides.

``sweep(scenario, ["levers.transparency=0,0.5,1", "levers.us_ask_usd=1.3e9,5e9"], draws, seed)``
runs every point of the cartesian product of the grid axes (the first axis varies slowest) with
the **same seed**, so all points share their draws (common random numbers: differences between
points are paired differences on the same draws).

Steps:

1. parse each axis ``path=v1,v2,...``; every value is read as a TOML value, as ``--set`` reads it
   (commas inside ``[...]``, ``{...}`` or quotes do not split);
2. validate every value, then every point, by loading the scenario with the overrides and
   checking the levers the engine plays (a bad value raises a ScenarioError naming it, before
   anything is recorded);
3. record the run in the store (:mod:`burdenshare.store`) with the base scenario's TOML text,
   overrides, grid, seed, draws and chunking;
4. split the work into units (point x chunk of whole engine blocks), run them on a backend
   (:mod:`burdenshare.engine.backends`: local or Dask) and commit each finished unit, rows and its
   ``chunks_done`` record, in one transaction;
5. read each point's complete outcome columns back from the store, in draw order, and summarise
   them with :meth:`burdenshare.engine.RunResult.summary`, so the summaries are bit-identical whatever the
   backend, worker count, chunk size or order of completion;
6. mark the run complete.

:func:`resume_sweep` reads steps 1-3 back from the store and runs only the units not committed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from burdenshare._version import __version__
from burdenshare.data.dataset import record as data_record, reopen, using
from burdenshare.engine import BLOCK_SIZE, RunResult
from burdenshare.engine.backends import SetupArgs, Unit, check_backend, make_backend
from burdenshare.engine.config import (
    DEFAULT_BANK_SIZE,
    DEFAULT_CHUNK_BLOCKS,
    RunConfig,
    run_identity,
)
from burdenshare.engine.prepare import check_run
from burdenshare.errors import BurdenshareError, ScenarioError, SpecError
from burdenshare.scenario import dump_scenario, load_scenario, loads_scenario, scenario_hash
from burdenshare.limits import check_cap
from burdenshare.scenario.io import Override, parse_override
from burdenshare.store import ResultsStore, StoreError, open_store

__all__ = ["GridAxis", "SweepResult", "grid_points", "parse_grid", "resume_sweep", "split_values", "sweep"]

#: Called after each committed unit with (units done, units in all, the unit).
ProgressFn = Callable[[int, int, Unit], None]


@dataclass(frozen=True)
class GridAxis:
    """One ``--grid`` axis: a dotted scenario path and its values (TOML text and parsed)."""

    path: str
    texts: tuple[str, ...]
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its run id and, per grid point in grid order, the values and summary."""

    run_id: str
    points: list[dict[str, Any]]
    summaries: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """``{"run_id", "hindsight", "rows": [{"point": {path: value}, **summary}, ...]}``; ``hindsight`` is
        true where a point's scenario cites facts known only after its as_of."""
        return {"run_id": self.run_id, "hindsight": any(bool(s.get("hindsight")) for s in self.summaries),
                "rows": [{"point": p, **s} for p, s in zip(self.points, self.summaries)]}


def split_values(text: str) -> list[str]:
    """Split ``v1,v2,...`` at the commas outside brackets, braces and quotes.

    Examples
    --------
    >>> split_values('0,0.5,1')
    ['0', '0.5', '1']
    >>> split_values('[1,3,5],[1], "a,b"')
    ['[1,3,5]', '[1]', '"a,b"']
    """
    out: list[str] = []
    depth, quote = 0, ""
    cur: list[str] = []
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return out


def parse_grid(specs: Sequence[str]) -> list[GridAxis]:
    """Parse ``--grid path=v1,v2,...`` axes (values as TOML, as ``--set``).

    Raises
    ------
    ScenarioError
        A malformed axis, an empty value, or a path given twice (``field="--grid ..."``).
    """
    axes: list[GridAxis] = []
    for spec in specs:
        label = f"--grid {spec}"
        if "=" not in spec:
            raise ScenarioError("malformed grid axis; expected path.to.field=V1,V2,...", field=label)
        path, rest = (s.strip() for s in spec.split("=", 1))
        texts = split_values(rest)
        if any(not t for t in texts):
            raise ScenarioError("empty value in the list; expected path.to.field=V1,V2,...", field=label)
        check_cap(len(texts), "MAX_AXIS_VALUES", label.split("=")[0], "values on this axis")
        values = []
        for t in texts:
            try:
                segs, value = parse_override(f"{path}={t}")
            except ScenarioError as exc:
                raise ScenarioError(exc.message, field=f"--grid {path}={t}") from None
            values.append(value)
        path = ".".join(segs)
        if any(a.path == path for a in axes):
            raise ScenarioError(f"{path} is given twice; give all its values in one --grid", field=label)
        axes.append(GridAxis(path, tuple(texts), tuple(values)))
    return axes


def grid_points(axes: Sequence[GridAxis]) -> list[tuple[list[str], dict[str, Any]]]:
    """The cartesian product of the axes, the first slowest: (overrides, values by path) per point."""
    out = []
    for combo in itertools.product(*(range(len(a.texts)) for a in axes)):
        ovr = [f"{a.path}={a.texts[i]}" for a, i in zip(axes, combo)]
        vals = {a.path: _jsonable(a.values[i]) for a, i in zip(axes, combo)}
        out.append((ovr, vals))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _blocks_per_chunk(chunk_size: int | None) -> int:
    if chunk_size is None:
        return DEFAULT_CHUNK_BLOCKS
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SpecError(f"got {chunk_size!r}; allowed: an integer >= 1 (draws, rounded up to whole blocks of "
                        f"{BLOCK_SIZE})", field="--chunk-size")
    return -(-chunk_size // BLOCK_SIZE)


def _check_point(base_toml: str, overrides: Sequence[str], source: str, label: str) -> str:
    """Load and lever-check one point; return its scenario hash (errors name ``label``)."""
    try:
        scenario = loads_scenario(base_toml, list(overrides), source=source)
        check_run(scenario)
    except BurdenshareError as exc:
        inner = f"{exc.field}: {exc.message}" if exc.field and exc.field != label else exc.message
        raise type(exc)(inner, field=label) from None
    return scenario_hash(scenario)


def sweep(
    scenario: str | Path,
    grid: Sequence[str] = (),
    *,
    draws: int = 10_000,
    seed: int = 0,
    overrides: Sequence[str] = (),
    store: ResultsStore | str | Path | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    bank_size: int | None = None,
    progress: ProgressFn | None = None,
    on_start: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run ``scenario`` at every point of ``grid`` with common random numbers; record it.

    Parameters
    ----------
    scenario
        Bundled scenario name or TOML path.
    grid
        Axes ``path.to.field=V1,V2,...`` (values read as TOML); none gives one point.
    draws, seed
        Draws per point (>= 1) and the seed shared by every point.
    overrides
        ``--set`` overrides applied before the grid's.
    store
        An open store, or the path of one (default ``./burdenshare.duckdb``).
    backend, scheduler, workers
        ``local`` or ``dask`` (:mod:`burdenshare.engine.backends`).
    chunk_size
        Draws per unit, rounded up to whole engine blocks (default 64 blocks); never changes results.
    bank_size
        Level-II parameter sets of the consent tables (default the engine's).
    progress
        Called after each committed unit.
    on_start
        Called with the run id once the run is recorded.

    Returns
    -------
    SweepResult

    Raises
    ------
    ScenarioError
        A bad grid axis or value, named (nothing is recorded).
    SpecError
        Bad draws, seed, chunk size or backend options.
    StoreError
        The store cannot be used.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> r = sweep("sma-2020-hindsight", ["levers.transparency=0,1"], draws=1024, seed=1, store=path,
    ...           overrides=["protocol.n_steps=3", "levers.allowed_durations=[1]"])
    >>> [row["point"] for row in r.to_json()["rows"]]
    [{'levers.transparency': 0}, {'levers.transparency': 1}]
    """
    blocks = _blocks_per_chunk(chunk_size)
    try:
        config = RunConfig(draws=draws, seed=seed, bank_size=DEFAULT_BANK_SIZE if bank_size is None else bank_size,
                           chunk_size=blocks * BLOCK_SIZE, backend=backend)  # type: ignore[arg-type]
    except SpecError as exc:
        option = {"draws": "--draws", "seed": "--seed", "bank_size": "--bank-size", "chunk_size": "--chunk-size",
                  "backend": "--backend"}.get(exc.field or "", exc.field)
        raise SpecError(exc.message, field=option) from None
    check_backend(backend, scheduler=scheduler, workers=workers)
    axes = parse_grid(grid)
    n_points = math.prod(len(a.texts) for a in axes)
    check_cap(n_points, "MAX_SWEEP_POINTS", "--grid", "grid points (the product of the axes' value counts)")
    base = load_scenario(scenario, list(overrides))  # the name and overrides must be valid on their own
    base_toml = dump_scenario(load_scenario(scenario))
    source = str(scenario)
    for a in axes:  # each value alone, to name it
        for t in a.texts:
            _check_point(base_toml, [*overrides, Override(f"{a.path}={t}", f"--grid {a.path}={t}")], source,
                         f"--grid {a.path}={t}")
    points = grid_points(axes)
    hashes = [_check_point(base_toml, [*overrides, *ovr], source, "--grid " + " ".join(ovr) if ovr else "--set")
              for ovr, _ in points]
    grid_texts = [(a.path, list(a.texts)) for a in axes]
    rid = run_identity(base, config, kind="sweep", grid=grid_texts)
    own = not isinstance(store, ResultsStore)
    st = store if isinstance(store, ResultsStore) else open_store(store)
    created: str | None = None
    try:
        if st.has_run(rid):  # the same inputs: answer from the store, or finish the interrupted run
            if on_start is not None:
                on_start(rid)
            return _execute(st, rid, backend=backend, scheduler=scheduler, workers=workers, progress=progress,
                            check=True)
        n_chunks = -(-config.draws // (blocks * BLOCK_SIZE))
        run_id = st.create_run(
            kind="sweep", scenario=str(base.name), scenario_toml=base_toml, overrides=list(overrides), seed=config.seed,
            draws=config.draws, backend=backend, grid=[[p, v] for p, v in grid_texts], chunk_blocks=blocks,
            n_chunks=n_chunks, points=[(ovr, vals, h) for (ovr, vals), h in zip(points, hashes)],
            options={"bank_size": config.bank_size, "source": source, "config": config.to_json(),
                     "data": data_record()}, run_id=rid)
        created = run_id
        if on_start is not None:
            on_start(run_id)
        return _execute(st, run_id, backend=backend, scheduler=scheduler, workers=workers, progress=progress)
    except BaseException as exc:
        # a sweep that fails before its first unit (a backend that cannot start) leaves no record,
        # and no store file if it made one; a run with committed units stays resumable
        if created is not None and not st.chunks_done(created):
            st.drop_run(created)
        if own:
            own = False
            st.__exit__(type(exc), exc, None)
        raise
    finally:
        if own:
            st.close()


def resume_sweep(
    run_id: str,
    *,
    store: ResultsStore | str | Path | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> SweepResult:
    """Finish an interrupted run: compute only the units not committed, then summarise.

    Everything that defines the results (scenario text, overrides, grid, seed, draws, chunking,
    bank size) is read from the store; the backend may differ from the first attempt.  The rows
    end exactly as those of an uninterrupted run.  A complete run is returned as recorded.

    Raises
    ------
    StoreError
        No such run, a summary-only run, a run recorded by another package version, or a
        scenario that no longer loads to the recorded hash.
    """
    check_backend(backend, scheduler=scheduler, workers=workers)  # before the store is opened
    own = not isinstance(store, ResultsStore)
    st = store if isinstance(store, ResultsStore) else open_store(store, create=False)
    try:
        rec = st.run(run_id)
        return _execute(st, run_id, backend=backend, scheduler=scheduler, workers=workers, progress=progress,
                        check=rec.status != "complete")
    finally:
        if own:
            st.close()


def _execute(st: ResultsStore, run_id: str, *, backend: str, scheduler: str | None, workers: int | None,
             progress: ProgressFn | None, check: bool = False) -> SweepResult:
    """Run the missing units of a recorded run, summarise every point from its stored rows."""
    rec = st.run(run_id)
    pts = st.points(run_id)
    if rec.status == "complete" and all(p["summary"] is not None for p in pts):
        return SweepResult(run_id, [p["values"] for p in pts], [p["summary"] for p in pts])
    with using(reopen(rec.options.get("data"), what=f"run {run_id}")):  # the data it was made with
        return _execute_units(st, run_id, backend=backend, scheduler=scheduler, workers=workers, progress=progress,
                              check=check)


def _execute_units(st: ResultsStore, run_id: str, *, backend: str, scheduler: str | None, workers: int | None,
                   progress: ProgressFn | None, check: bool) -> SweepResult:
    rec = st.run(run_id)
    pts = st.points(run_id)
    if rec.summary_only:
        raise StoreError(f"run {run_id} was recorded with --summary-only; it cannot be resumed", field="RUN_ID")
    if rec.version != __version__:
        raise StoreError(f"run {run_id} was recorded by burdenshare {rec.version}; this is {__version__}, whose "
                         "draws may differ: rerun it", field="RUN_ID")
    source = str(rec.options.get("source", rec.scenario))
    config = rec.config()
    setups: dict[int, SetupArgs] = {
        int(p["point"]): (rec.scenario_toml, [*rec.overrides, *p["overrides"]], config, source) for p in pts}
    if check:
        for p in pts:
            h = _check_point(rec.scenario_toml, setups[p["point"]][1], source, f"point {p['point']}")
            if h != p["scenario_hash"]:
                raise StoreError(f"point {p['point']} of run {run_id} no longer loads to its recorded scenario hash",
                                 field="RUN_ID")
    done = st.chunks_done(run_id)
    per = rec.chunk_blocks
    n_blocks = -(-rec.draws // BLOCK_SIZE)
    units = [Unit(p["point"], c, c * per, min(per, n_blocks - c * per))
             for p in pts for c in range(rec.n_chunks) if (p["point"], c) not in done]
    total = len(pts) * rec.n_chunks
    count = len(done)
    with make_backend(backend, scheduler=scheduler, workers=workers) as be:
        results, get_setup = be.run(setups, units)
        for res in results:
            st.write_unit(run_id, res.unit.point, res.unit.chunk, res.draw, res.params, res.outcomes, res.worker)
            count += 1
            if progress is not None:
                progress(count, total, res.unit)
        summaries = []
        for p in pts:
            setup = get_setup(p["point"])
            # the summary reads only the outcome columns: the parameters stay in the store
            draw, _, params, outcomes = st.read_rows(run_id, p["point"], workers=False, params=False)
            if draw.size != rec.draws or (draw.size and (draw[0] != 0 or draw[-1] != rec.draws - 1)):
                raise StoreError(f"run {run_id} point {p['point']} has {draw.size} rows, expected {rec.draws}")
            result = RunResult.of(setup, params, outcomes, version=rec.version)
            summary = result.summary()
            st.set_summary(run_id, p["point"], summary)
            summaries.append(summary)
    st.complete(run_id)
    return SweepResult(run_id, [p["values"] for p in pts], summaries)
