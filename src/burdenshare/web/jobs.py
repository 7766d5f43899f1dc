"""Jobs of the web server: runs and sweeps computed outside the request handlers.

A run is computed in a worker process (:class:`concurrent.futures.ProcessPoolExecutor`, spawned
workers that keep the compiled kernels warm) or on a Dask cluster (``--scheduler``); the worker
hands the finished :class:`~burdenshare.engine.RunResult` back and **the server process records
it** (:func:`burdenshare.analysis.runs.record_result`), so the server is the store's only writer
and a job that fails or is cancelled leaves the store as it was.  Progress (chunks done of all,
with an ETA from the measured throughput) comes back through a queue -- a
:class:`multiprocessing.Manager` queue for the local pool, a :class:`distributed.Queue` on a Dask
cluster -- and cancelling sets a flag the worker reads after each chunk (a manager dict, or one
:class:`distributed.Event` per job: :class:`DaskFlags`).  With more than one local worker, a
run's consent tables are first computed in slices by all of them (:mod:`burdenshare.web.prefetch`).

**The summary first, the drivers when ready.**  A run's bottom line names the levers that move it
(:func:`burdenshare.analysis.briefing.tornado`: the run re-played with each lever stepped, several
times the run's own cost when a step moves Level II).  A job therefore has two parts: the run
(:func:`compute_run`: the draws, the summary and the bottom line without its drivers, recorded
with ``"drivers_pending": true`` and the job ``done``), then its drivers (:func:`compute_drivers`,
a second task on the same pool, given the run's result: the full summary, value for value the one
``burdenshare run --json`` prints, replaces the interim one in the store).  :attr:`Job.drivers`
tells which: ``pending``, ``ready`` or ``failed`` (a failed drivers task leaves the recorded run
and its interim summary; asking for the run again starts the drivers again).  Nothing is
approximated: the drivers are the library's, computed on the run's own draws, only later.
On the local pool the drivers run in a process of their own at a lower CPU priority
(:data:`DRIVERS_NICE`, started with the first drivers task), so a run asked for while the
previous run's drivers compute starts at once and takes the CPU first; on a Dask cluster they are
a task like any other.

A sweep is :func:`burdenshare.analysis.sweep.sweep` on the server's store (its own DuckDB
connection), run in a server thread; its units go to a Dask cluster with ``--scheduler``.

The run id of a job is the package's run identity (:func:`burdenshare.run_identity`): the same
inputs give the id the CLI gives them, and a request for a recorded or running id starts nothing.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from burdenshare.errors import BurdenshareError

__all__ = ["DRIVERS_NICE", "Cancelled", "DaskEvents", "DaskFlags", "Job", "JobManager", "chunk_size_for", "compute_drivers",
           "compute_run"]

#: Finished jobs the manager remembers (their status, error); older ones are forgotten.
KEEP_JOBS = 1024
#: Progress steps a run is cut into (chunk size never changes results, only how often progress is told).
PROGRESS_STEPS = 16
#: The niceness added to the drivers' process (runs first when both want the CPU; results unchanged).
DRIVERS_NICE = 10


def _lower_priority() -> None:
    """Initializer of the drivers' process: lower its CPU priority by :data:`DRIVERS_NICE`."""
    import os

    try:
        os.nice(DRIVERS_NICE)
    except (AttributeError, OSError):  # not on this platform: the same results, only no priority
        pass


class Cancelled(Exception):
    """Raised inside a worker when its job was cancelled."""


class DaskFlags:
    """Cancel flags of jobs on a Dask cluster: one :class:`distributed.Event` per job id.

    Picklable (only the prefix travels to the cluster's workers with the task); ``flags.set(job_id,
    client)`` sets a flag (server), ``flags.get(job_id)`` reads it (worker, after each chunk;
    ``False`` when unset).
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def _event(self, job_id: str, client: Any = None) -> Any:
        from distributed import Event

        return Event(f"{self.prefix}-{job_id}", client=client)

    def get(self, job_id: str, default: bool = False) -> bool:
        try:
            return bool(self._event(job_id).is_set())
        except Exception:  # no client reachable: not cancelled
            return default

    def set(self, job_id: str, client: Any) -> None:
        self._event(job_id, client).set()


class DaskEvents:
    """The worker's end of a job's progress queue on a Dask cluster: a :class:`distributed.Queue` by
    name, opened in the worker on the first ``put``.  Only the name travels with the task (a queue
    object in the task's arguments is opened by the scheduler while it unpacks them, which blocks a
    scheduler that shares the server's event loop)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name, self._queue = state["name"], None

    def put(self, item: Any) -> None:
        if self._queue is None:
            from distributed import Queue

            self._queue = Queue(self.name)
        self._queue.put(item)


def chunk_size_for(draws: int) -> int:
    """Draws per chunk for a web run: about :data:`PROGRESS_STEPS` chunks of whole 1024-draw blocks."""
    from burdenshare.engine.draws import BLOCK_SIZE

    blocks = -(-draws // BLOCK_SIZE)
    return max(1, -(-blocks // PROGRESS_STEPS)) * BLOCK_SIZE


def compute_run(scenario_name: str, overrides: Sequence[str], config_json: dict[str, Any], job_id: str,
                events: Any = None, cancelled: Any = None) -> Any:
    """Simulate one run (in a worker): the package's :func:`~burdenshare.simulate` with progress and cancel.

    Parameters
    ----------
    scenario_name, overrides
        The scenario and its ``--set`` overrides (as the CLI's ``burdenshare run``).
    config_json
        :meth:`RunConfig.to_json` of the run.
    job_id
        The run id, used to tag progress messages and to look up the cancel flag.
    events
        A queue receiving ``(job_id, done, total, time)`` after each chunk (or ``None``).
    cancelled
        A mapping whose ``job_id`` entry is true once the job is cancelled (or ``None``).

    Returns
    -------
    result, summary
        The :class:`~burdenshare.engine.RunResult` (its summary computed) and the interim summary,
        ``run_summary(result, drivers=False)`` (the drivers follow: :func:`compute_drivers`).
    """
    from burdenshare.engine import BLOCK_SIZE, RunConfig, prepare, simulate
    from burdenshare.scenario import load_scenario

    scenario = load_scenario(scenario_name, list(overrides))
    config = RunConfig.from_json(config_json)
    prepared = prepare(scenario, config)
    total = -(-config.draws // (config.chunk_blocks(BLOCK_SIZE) * BLOCK_SIZE))
    done = 0
    if events is not None:
        events.put((job_id, 0, total, time.time()))

    def on_chunk(_: Any) -> None:
        nonlocal done
        done += 1
        if cancelled is not None and cancelled.get(job_id):
            raise Cancelled(job_id)
        if events is not None:
            events.put((job_id, done, total, time.time()))

    result = simulate(scenario, config, prepared=prepared, on_chunk=on_chunk)
    from burdenshare.analysis.briefing import run_summary

    return result, run_summary(result, drivers=False)  # the drivers follow (compute_drivers)


def compute_drivers(result: Any, scenario_name: str, overrides: Sequence[str], config_json: dict[str, Any]) -> Any:
    """The full summary of a run, with its bottom line's drivers (in a worker).

    Parameters
    ----------
    result
        The run's :class:`~burdenshare.engine.RunResult` from :func:`compute_run`, or ``None`` (a
        run recorded with its drivers pending by a server that stopped before they were ready):
        the run is then simulated again from its inputs (same inputs and seed, the same draws).
    scenario_name, overrides, config_json
        The run's inputs (used when ``result`` is ``None``).

    Returns
    -------
    dict
        :func:`burdenshare.analysis.briefing.run_summary` of the run: ``burdenshare run --json``.
    """
    from burdenshare.analysis.briefing import run_summary

    if result is None:
        from burdenshare.engine import RunConfig, simulate
        from burdenshare.scenario import load_scenario

        result = simulate(load_scenario(scenario_name, list(overrides)), RunConfig.from_json(config_json),
                          keep_rows=False)
    return run_summary(result)


def call(fn_path: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``module:function`` with the arguments (in a worker) and return its JSON form."""
    import importlib

    module, name = fn_path.split(":")
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


@dataclass
class Job:
    """One job's state as the API reports it.

    ``drivers`` is ``None`` until a run is done (and for a sweep), then ``pending``, ``ready`` or
    ``failed`` (module docstring; ``drivers_error`` says why, ``drivers_at`` when it changed);
    ``tables`` holds the futures of the drivers' table slices still computing (``--workers`` > 1).
    """

    run_id: str
    kind: str
    status: str = "queued"
    done: int = 0
    total: int = 0
    started: float | None = None
    progress_at: float | None = None
    finished: float | None = None
    error: dict[str, Any] | None = None
    drivers: str | None = None
    drivers_error: dict[str, Any] | None = None
    drivers_at: float | None = None
    tables: list[Any] = field(default_factory=list)
    future: Any = None
    version: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def progress(self) -> dict[str, Any]:
        """``{"done", "total", "fraction", "eta_s"}``: ETA from the throughput measured so far."""
        eta = None
        if self.status == "running" and self.started is not None and self.done and self.total:
            rate = self.done / max(1e-9, (self.progress_at or time.time()) - self.started)
            eta = round((self.total - self.done) / rate, 2)
        elif self.status == "done":
            eta = 0.0
        frac = (self.done / self.total) if self.total else (1.0 if self.status == "done" else 0.0)
        return {"done": self.done, "total": self.total, "fraction": round(frac, 4), "eta_s": eta}

    def touch(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()


class JobManager:
    """Runs jobs off the request threads and records finished runs in the store (the only writer).

    Parameters
    ----------
    store
        The server's :class:`~burdenshare.web.state.StoreAccess`.
    workers
        Worker processes of the local pool (ignored with ``scheduler``).
    scheduler
        A Dask scheduler address: runs and sweep units go to that cluster.
    max_queued
        Jobs queued or running at once; more are refused (HTTP 429).
    """

    def __init__(self, store: Any, *, workers: int = 1, scheduler: str | None = None, max_queued: int = 8) -> None:
        self.store = store
        self.workers = workers
        self.scheduler = scheduler
        self.max_queued = max_queued
        self.jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self._pool: ProcessPoolExecutor | None = None
        self._drivers_pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._mp: Any = None
        self._events: Any = None
        self._cancelled: Any = None
        self._stop = threading.Event()
        self._drain: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Start the worker pool (or connect to the Dask scheduler) and the progress reader."""
        if self.scheduler is not None:
            import uuid

            from distributed import Client, Queue

            self._client = Client(self.scheduler)
            tag = f"burdenshare-{uuid.uuid4().hex}"  # this server's names on the (maybe shared) scheduler
            self._events = Queue(f"{tag}-progress", client=self._client)
            self._cancelled = DaskFlags(f"{tag}-cancel")
        else:
            ctx = multiprocessing.get_context("spawn")
            self._mp = ctx.Manager()
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
            for _ in range(self.workers):  # start the workers now and load the kernels (errors surface on use)
                self._pool.submit(call, "burdenshare.web.calls:warm")
            self._events = self._mp.Queue()
            self._cancelled = self._mp.dict()
        self._drain = threading.Thread(target=self._read_events, name="burdenshare-progress", daemon=True)
        self._drain.start()

    def close(self) -> None:
        """Stop accepting work, cancel what runs, shut the pool down."""
        self._stop.set()
        with self._lock:
            for job in self.jobs.values():
                if job.status in ("queued", "running") and self._cancelled is not None:
                    try:
                        self._set_flag(job.run_id)
                    except Exception:  # the manager may be gone already
                        pass
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:  # after _stop: no drivers' process is started from now on
            drivers_pool = self._drivers_pool
        if drivers_pool is not None:
            drivers_pool.shutdown(wait=False, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._mp is not None:
            self._mp.shutdown()

    def _next_events(self) -> list[Any]:
        """The progress messages waiting (at most 0.2 s of waiting when there are none)."""
        if isinstance(self._cancelled, DaskFlags):  # a Dask queue: take what is there, without a timed get
            items = list(self._events.get(batch=True))
            if not items:
                time.sleep(0.1)
            return items
        try:
            return [self._events.get(timeout=0.2)]
        except queue.Empty:
            return []

    def _read_events(self) -> None:
        while not self._stop.is_set():
            try:
                items = self._next_events()
            except (EOFError, OSError, BrokenPipeError):
                return
            except Exception:  # a Dask queue while the client reconnects or closes
                if self._stop.is_set():
                    return
                time.sleep(0.2)
                continue
            for job_id, done, total, at in items:
                job = self.jobs.get(job_id)
                if job is None or job.status not in ("queued", "running"):
                    continue
                if job.status == "queued" or job.started is None:
                    job.status, job.started = "running", at
                job.done, job.total, job.progress_at = done, total, at
                job.touch()

    # ---------------------------------------------------------------- submitting

    def active(self) -> int:
        """Jobs queued or running, a run whose drivers are pending included (its result waits in memory)."""
        with self._lock:
            return sum(1 for j in self.jobs.values() if j.status in ("queued", "running") or j.drivers == "pending")

    def get(self, run_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(run_id)

    def _admit(self, run_id: str, kind: str) -> tuple[Job, bool]:
        """The job of ``run_id``: an existing queued/running/done one (``False``), or a new one (``True``)."""
        from burdenshare.web.errors import ApiError

        with self._lock:
            job = self.jobs.get(run_id)
            if job is not None and job.status in ("queued", "running", "done"):
                return job, False
            if self.active() >= self.max_queued:
                raise ApiError(429, "jobs", self.active(), f"at most {self.max_queued} jobs queued or running",
                               f"{self.max_queued} jobs are queued or running; try again when one finishes")
            finished = [k for k, j in self.jobs.items() if j.status not in ("queued", "running") and j.drivers != "pending"]
            for k in finished[:max(0, len(self.jobs) - KEEP_JOBS)]:  # forget the oldest finished jobs
                del self.jobs[k]  # (a done run stays in the store; a failed or cancelled one can be asked again)
            job = Job(run_id=run_id, kind=kind)
            self.jobs[run_id] = job
            return job, True

    def submit_run(self, run_id: str, scenario_name: str, overrides: Sequence[str], config: Any,
                   scenario_toml: str) -> tuple[Job, bool]:
        """Start computing a run unless it is known (the same id: nothing recomputed)."""
        job, new = self._admit(run_id, "run")
        if not new:
            return job, False
        events = DaskEvents(self._events.name) if self._client is not None else self._events
        args = (scenario_name, list(overrides), config.to_json(), run_id, events, self._cancelled)
        if self._pool is not None and self.workers > 1:  # the tables first, in slices over all the workers
            threading.Thread(target=self._prefetch_then_run, args=(job, args, scenario_toml, list(overrides), config),
                             name=f"tables-{run_id}", daemon=True).start()
        else:
            self._start_run(job, args, scenario_toml, list(overrides))
        return job, True

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._client is not None:  # progress through the cluster's queue, cancel through its events
            return self._client.submit(fn, *args, pure=False)
        assert self._pool is not None
        return self._pool.submit(fn, *args)

    def _start_run(self, job: Job, args: tuple[Any, ...], scenario_toml: str, overrides: list[str]) -> None:
        fut = self._submit(compute_run, *args)
        job.future = fut

        def done(f: Any) -> None:  # record in a thread of its own: the pool's callback thread must not wait
            threading.Thread(target=self._finish_run, args=(job, f, scenario_toml, overrides, args[:3]),
                             name=f"record-{job.run_id}", daemon=True).start()

        fut.add_done_callback(done)

    def _prefetch_then_run(self, job: Job, args: tuple[Any, ...], scenario_toml: str, overrides: list[str],
                           config: Any) -> None:
        """Compute the run's consent tables over the pool (:mod:`burdenshare.web.prefetch`), then the run.

        A slice that fails is ignored (the run computes what is missing, and reports any error)."""
        from concurrent.futures import wait

        from burdenshare.engine.consent_cache import cache_dir

        assert self._pool is not None
        try:
            tasks = [] if cache_dir() is None else self._pool.submit(  # in a worker: the server never loads the engine
                call, "burdenshare.web.prefetch:table_tasks", args[0], overrides, config.seed, config.bank_size,
                self.workers).result()
            # the run's own bank first; the tornado's banks (the drivers') are queued behind the run below
            futs = [self._pool.submit(call, "burdenshare.web.prefetch:build_tables", *t) for t in tasks if t[2] is None]
            pending = set(futs)
            while pending and not self._safe_flag(job.run_id) and not self._stop.is_set():
                _, pending = wait(pending, timeout=0.2)
            for f in pending:
                f.cancel()
        except Exception:  # noqa: BLE001 - only time is lost; the run itself reports real errors
            tasks = []
        if self._safe_flag(job.run_id):
            job.status, job.finished = "cancelled", time.time()
            job.touch()
            return
        self._start_run(job, args, scenario_toml, overrides)
        try:  # the other workers compute the drivers' tables while one plays the run
            job.tables = [self._pool.submit(call, "burdenshare.web.prefetch:build_tables", *t)
                          for t in tasks if t[2] is not None]
        except Exception:  # noqa: BLE001 - a pool shutting down: the drivers compute what is missing
            job.tables = []

    def _finish_run(self, job: Job, fut: Any, scenario_toml: str, overrides: list[str],
                    inputs: tuple[Any, ...]) -> None:
        from burdenshare.analysis.runs import record_result

        result = None
        try:
            if fut.cancelled():
                raise Cancelled(job.run_id)
            result, interim = fut.result()
            with self.store.writer() as st:
                if not st.reusable(job.run_id, rows=True):
                    if st.has_run(job.run_id):
                        st.drop_run(job.run_id)
                    record_result(st, result, scenario_toml=scenario_toml, overrides=overrides, summary=interim)
                pending = _drivers_pending(st.points(job.run_id)[0]["summary"])
            job.done = job.total = max(job.total, job.done, 1)
            job.status = "done"
            job.drivers = "pending" if pending else "ready"
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the job
            self._fail(job, exc)
            result = None
            for f in job.tables:  # the drivers' table slices are not needed now
                f.cancel()
            job.tables = []
        job.finished = time.time()
        job.future = None
        job.touch()
        if job.status == "done" and job.drivers == "pending":
            self._start_drivers(job, _for_drivers(result), inputs)

    # ---------------------------------------------------------------- the drivers (after the run)

    def ensure_drivers(self, run_id: str, scenario_name: str, overrides: Sequence[str], config_json: dict[str, Any]
                       ) -> Job:
        """The drivers of a recorded run whose stored summary has them pending and no job computing
        them (a server stopped before they were ready, or a drivers task that failed): start them."""
        with self._lock:
            job = self.jobs.get(run_id)
            if job is not None and job.status == "done" and job.drivers == "pending":
                return job
            job = Job(run_id=run_id, kind="run", status="done", done=1, total=1, drivers="pending",
                      finished=time.time())
            self.jobs[run_id] = job
        self._start_drivers(job, None, (scenario_name, list(overrides), config_json))
        return job

    def _start_drivers(self, job: Job, result: Any, inputs: tuple[Any, ...]) -> None:
        """Submit :func:`compute_drivers` (after the drivers' table slices, if any are computing)."""
        tables, job.tables = job.tables, []

        def submit() -> None:
            if tables:
                from concurrent.futures import wait

                wait(tables)  # the slices write the disk cache; the drivers read it
            try:
                fut = self._submit_drivers(result, inputs)
            except BaseException as exc:  # noqa: BLE001 - a pool shutting down
                self._drivers_failed(job, exc)
                return
            fut.add_done_callback(lambda f: threading.Thread(target=self._finish_drivers, args=(job, f),
                                                             name=f"drivers-{job.run_id}", daemon=True).start())

        if tables:
            threading.Thread(target=submit, name=f"drivers-tables-{job.run_id}", daemon=True).start()
        else:
            submit()

    def _submit_drivers(self, result: Any, inputs: tuple[Any, ...]) -> Any:
        """:func:`compute_drivers` on the cluster, or in the local drivers' process (lower priority)."""
        if self._client is not None:
            return self._submit(compute_drivers, result, *inputs)
        with self._lock:
            if self._stop.is_set():
                raise RuntimeError("the server is shutting down")
            if self._drivers_pool is None:
                self._drivers_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                         initializer=_lower_priority)
            return self._drivers_pool.submit(compute_drivers, result, *inputs)

    def _finish_drivers(self, job: Job, fut: Any) -> None:
        try:
            if fut.cancelled():
                raise Cancelled(job.run_id)
            full = fut.result()
            with self.store.writer() as st:  # replace the interim summary (unless the run is gone or complete)
                if st.has_run(job.run_id) and _drivers_pending(st.points(job.run_id)[0]["summary"]):
                    st.set_summary(job.run_id, 0, full)
            job.drivers, job.drivers_error, job.drivers_at = "ready", None, time.time()
        except BaseException as exc:  # noqa: BLE001 - reported on the job; the recorded run stays
            self._drivers_failed(job, exc)
            return
        job.touch()

    def _drivers_failed(self, job: Job, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, BurdenshareError) else f"{type(exc).__name__}: {exc}"
        job.drivers, job.drivers_at = "failed", time.time()
        job.drivers_error = {"field": getattr(exc, "field", None), "value": None, "allowed": None,
                             "message": f"the drivers could not be computed: {message}"}
        job.touch()

    def _fail(self, job: Job, exc: BaseException) -> None:
        if isinstance(exc, Cancelled) or type(exc).__name__ == "CancelledError" or (
                self._cancelled is not None and self._safe_flag(job.run_id)):
            job.status = "cancelled"
            job.error = None
        elif isinstance(exc, BurdenshareError):
            job.status = "failed"
            job.error = {"field": exc.field, "value": None, "allowed": None, "message": exc.message}
        else:
            job.status = "failed"
            job.error = {"field": None, "value": None, "allowed": None, "message": f"{type(exc).__name__}: {exc}"}

    def _set_flag(self, run_id: str) -> None:
        if isinstance(self._cancelled, DaskFlags):
            self._cancelled.set(run_id, self._client)
        else:
            self._cancelled[run_id] = True

    def _safe_flag(self, run_id: str) -> bool:
        try:
            return bool(self._cancelled.get(run_id))
        except Exception:
            return False

    def submit_sweep(self, run_id: str, run: Callable[[Any, Callable[[int, int, Any], None]], Any]) -> tuple[Job, bool]:
        """Start a sweep in a server thread: ``run(store, progress)`` with its own store connection."""
        job, new = self._admit(run_id, "sweep")
        if not new:
            return job, False

        def progress(done: int, total: int, unit: Any) -> None:
            if self._safe_flag(run_id):
                raise Cancelled(run_id)
            now = time.time()
            if job.started is None:
                job.started = now
            job.status, job.done, job.total, job.progress_at = "running", done, total, now
            job.touch()

        def target() -> None:
            job.started = time.time()
            try:
                with self.store.writer() as st:
                    run(st, progress)
                job.status = "done"
            except BaseException as exc:  # noqa: BLE001
                self._fail(job, exc)
            job.finished = time.time()
            job.touch()

        threading.Thread(target=target, name=f"sweep-{run_id}", daemon=True).start()
        return job, True

    def cancel(self, run_id: str) -> Job | None:
        """Cancel a queued or running job (a finished one is left as it is)."""
        with self._lock:
            job = self.jobs.get(run_id)
            if job is None or job.status not in ("queued", "running"):
                return job
            self._set_flag(run_id)
            fut = job.future
        if fut is not None and isinstance(fut, Future) and fut.cancel():
            job.status, job.finished = "cancelled", time.time()
            job.touch()
        elif fut is not None and not isinstance(fut, Future):  # a Dask future
            fut.cancel()
        return job

    def evaluate(self, fn_path: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run ``module:function(*args, **kwargs)`` in a worker and wait for its value (compare, solve, advise)."""
        if self._client is not None:
            return self._client.submit(call, fn_path, *args, pure=False, **kwargs).result(timeout=timeout)
        assert self._pool is not None
        return self._pool.submit(call, fn_path, *args, **kwargs).result(timeout=timeout)


def _drivers_pending(summary: Any) -> bool:
    """Whether a stored run summary's bottom line waits for its drivers (``run_summary(..., drivers=False)``)."""
    from burdenshare.analysis.briefing import DRIVERS_PENDING

    return bool(isinstance(summary, dict) and (summary.get("bottom_line") or {}).get(DRIVERS_PENDING))


def _for_drivers(result: Any) -> Any:
    """The run's result as the drivers need it: without its parameter columns (the rows are recorded;
    the bottom line reads the outcomes, the plan, the bank and the cached summary), as
    ``simulate(..., keep_rows=False)`` gives it, so less travels to the drivers' process."""
    import dataclasses

    from burdenshare.engine.run import RunResult

    if not isinstance(result, RunResult):
        return result
    return dataclasses.replace(result, params={}, _cache=dict(result._cache))
