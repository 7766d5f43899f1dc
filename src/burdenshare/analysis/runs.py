"""Runs into the results store and back: the orchestration between the engine and the store.

The store (:mod:`burdenshare.store`) only persists; these functions run the engine and record
what it computes, under the run identity (:func:`burdenshare.engine.config.run_identity`):

* :func:`record_run` - simulate and record a ``run``, streaming its rows unit by unit
  (the CLI's ``burdenshare run``); the same inputs again are answered from the store, and the
  answer says which it was (:class:`RecordedRun`); :func:`record_simulation` is its
  ``(run id, result)``;
* :func:`record_result` - record a finished :class:`~burdenshare.engine.RunResult`;
* :func:`load_result` - a recorded run (one grid point) as a ``RunResult``, rebuilt with
  :func:`burdenshare.engine.prepare` from its recorded scenario and :class:`RunConfig`.

Sweeps are orchestrated the same way by :mod:`burdenshare.analysis.sweep`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from burdenshare.data.dataset import record as data_record, reopen, using
from burdenshare.engine import BLOCK_SIZE, RunConfig, RunResult, prepare, run_identity, simulate
from burdenshare.engine.backends import point_setup
from burdenshare.scenario import scenario_hash
from burdenshare.store import ResultsStore, StoreError

__all__ = ["RecordedRun", "load_result", "record_result", "record_run", "record_simulation"]


def run_summary(result: Any) -> dict[str, Any]:
    """:func:`burdenshare.analysis.briefing.run_summary` (imported late: briefing imports the engine)."""
    from burdenshare.analysis.briefing import run_summary as summary_of

    return summary_of(result)


def load_result(store: ResultsStore, run_id: str, point: int = 0) -> RunResult:
    """One grid point of a run as a :class:`~burdenshare.engine.RunResult`, from its stored rows.

    The plan and consent tables are rebuilt with :func:`burdenshare.engine.prepare` from the
    recorded scenario text, overrides and run config (:meth:`~burdenshare.store.RunRecord.config`;
    every model assumption is in the scenario), so ``load_result(...).summary()`` equals the
    recorded summary.

    Raises
    ------
    StoreError
        No such run or point, a summary-only run, or rows missing (an unfinished run).
    """
    rec = store.run(run_id)
    pts = {p["point"]: p for p in store.points(run_id)}
    if point not in pts:
        raise StoreError(f"run {run_id} has no point {point} (points 0..{rec.n_points - 1})", field="--point")
    draw, _, params, outcomes = store.read_rows(run_id, point, workers=False)
    if draw.size != rec.draws:
        raise StoreError(f"run {run_id} point {point} holds {draw.size} of {rec.draws} rows; finish it with "
                         f"`burdenshare sweep --resume {run_id}`", field="RUN_ID")
    config = rec.config()
    with using(reopen(rec.options.get("data"), what=f"run {run_id}")):  # the data it was made with
        setup = point_setup(rec.scenario_toml, [*rec.overrides, *pts[point]["overrides"]], config,
                            str(rec.options.get("source", rec.scenario)))
    return RunResult.of(setup, params, outcomes, version=rec.version)


def record_result(store: ResultsStore, result: RunResult, *, scenario_toml: str, overrides: Sequence[str] = (),
                  summary_only: bool = False, summary: Mapping[str, Any] | None = None) -> str:
    """Record a finished :class:`~burdenshare.engine.RunResult` as a ``run`` (one grid point).

    The run id is the result's run identity (:attr:`RunResult.run_id`); rows are written in
    units of the config's chunks, one transaction each; the summary is stored and the run
    marked complete.  ``summary``: the summary to store (default :func:`run_summary` of the
    result, with its bottom line; the web server stores the interim one first,
    ``run_summary(result, drivers=False)``, and replaces it when the drivers are computed).

    Returns
    -------
    str
        The run id.

    Raises
    ------
    StoreError
        The run is already recorded, or the result has no config and scenario.
    """
    config, rid = result.config, result.run_id
    if config is None or rid is None:
        raise StoreError("the result carries no RunConfig and scenario (make it with simulate)", field="result")
    if store.has_run(rid):
        raise StoreError(f"run {rid} is already recorded in {str(store.path)!r}", field="RUN_ID")
    blocks = config.chunk_blocks(BLOCK_SIZE)
    per = blocks * BLOCK_SIZE
    n_chunks = max(1, -(-result.draws // per))
    store.create_run(
        kind="run", scenario=result.scenario, scenario_toml=scenario_toml, overrides=overrides,
        seed=result.seed, draws=result.draws, backend=config.backend, grid=[], chunk_blocks=blocks,
        n_chunks=n_chunks, points=[((), {}, result.scenario_hash)], summary_only=summary_only,
        options={"bank_size": config.bank_size, "config": config.to_json(), "data": data_record()}, run_id=rid)
    idx = result.index
    for c in range(n_chunks):
        sl = slice(c * per, min((c + 1) * per, result.draws))
        store.write_unit(rid, 0, c, idx[sl], {k: v[sl] for k, v in result.params.items()},
                         {k: v[sl] for k, v in result.outcomes.items()}, "local")
    store.set_summary(rid, 0, run_summary(result) if summary is None else summary)  # with its bottom line (analysis.briefing)
    store.complete(rid)
    return rid


class RecordedRun(NamedTuple):
    """What :func:`record_run` did: the run id (the run identity), the result (``None`` for a
    reused summary-only record) and whether the run was answered from the store (``reused``)."""

    run_id: str
    result: RunResult | None
    reused: bool


def record_simulation(store: ResultsStore, scenario: Any, config: RunConfig, *, scenario_toml: str,
                      overrides: Sequence[str] = (), summary_only: bool = False,
                      keep_rows: bool | None = None) -> tuple[str, RunResult | None]:
    """:func:`record_run`'s ``(run id, result)`` (same parameters, same effects)."""
    recorded = record_run(store, scenario, config, scenario_toml=scenario_toml, overrides=overrides,
                          summary_only=summary_only, keep_rows=keep_rows)
    return recorded.run_id, recorded.result


def record_run(store: ResultsStore, scenario: Any, config: RunConfig, *, scenario_toml: str,
               overrides: Sequence[str] = (), summary_only: bool = False,
               keep_rows: bool | None = None) -> RecordedRun:
    """Simulate ``scenario`` under ``config`` and record it as a ``run``, **streaming** its rows.

    The run id is the run identity: the same inputs give the same id.  If that run is already
    recorded and complete (with rows, unless ``summary_only``), nothing is computed: the result
    is rebuilt from the store (:func:`load_result`; ``None`` for a summary-only record) and the
    id returned.  An unfinished record of the same id (an interrupted process) is removed and
    run again.

    Otherwise the inputs are prepared first (refused inputs record nothing), the run is created
    (status ``running``), :func:`burdenshare.engine.simulate` hands each chunk to the store,
    which commits it as one unit (rows and ``chunks_done``, one transaction) while the next chunk
    is computed; finally the summary is stored and the run marked complete.  The rows, summary
    and unit layout equal those of ``record_result(store, simulate(...))``.

    Parameters
    ----------
    store
        An open, writable :class:`~burdenshare.store.ResultsStore`.
    scenario
        The validated scenario (base TOML + ``overrides``).
    config
        The :class:`~burdenshare.engine.config.RunConfig`.
    scenario_toml, overrides
        The base scenario's TOML text and the ``--set`` overrides, for the record.
    summary_only
        Record no rows (only the units' ``chunks_done`` records and the summary).
    keep_rows
        Keep the parameter columns in the returned result (default: ``not summary_only``);
        ``False`` keeps only the outcome columns the summary needs, so a ``--summary-only``
        run never holds its rows.

    Returns
    -------
    RecordedRun
        The run id, the result (``None`` when a summary-only record was reused) and whether the
        run was reused (the identity and the store's check are computed once, here).

    Raises
    ------
    SpecError, ScenarioError
        What :func:`~burdenshare.engine.simulate` raises (nothing stays recorded).
    """
    rid = run_identity(scenario, config)
    if store.reusable(rid, rows=not summary_only):
        return RecordedRun(rid, None if store.run(rid).summary_only else load_result(store, rid), True)
    if store.has_run(rid):
        store.drop_run(rid)
    prepared = prepare(scenario, config)  # refused inputs leave no trace
    keep = (not summary_only) if keep_rows is None else bool(keep_rows)
    blocks = config.chunk_blocks(BLOCK_SIZE)
    n_chunks = max(1, -(-config.draws // (blocks * BLOCK_SIZE)))
    store.create_run(
        kind="run", scenario=str(scenario.name), scenario_toml=scenario_toml, overrides=overrides,
        seed=config.seed, draws=config.draws, backend=config.backend, grid=[], chunk_blocks=blocks,
        n_chunks=n_chunks, points=[((), {}, scenario_hash(scenario))], summary_only=summary_only,
        options={"bank_size": config.bank_size, "config": config.to_json(), "data": data_record()}, run_id=rid)
    count = iter(range(n_chunks))

    def write(ch: Any) -> None:  # a summary-only run records the unit (chunks_done, columns), no rows
        store.write_unit(rid, 0, next(count), ch.index, ch.params, ch.outcomes, "local")

    try:
        result = simulate(scenario, config, prepared=prepared, keep_rows=keep, on_chunk=write)
    except BaseException:
        if not store.chunks_done(rid):  # refused before any unit: leave no trace
            store.drop_run(rid)
        raise
    store.set_summary(rid, 0, run_summary(result))  # with its bottom line (analysis.briefing)
    store.complete(rid)
    return RecordedRun(rid, result, False)
