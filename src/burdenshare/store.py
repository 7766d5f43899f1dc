"""The results store: runs and their tidy outcome rows in one DuckDB file (DESIGN.md §5-§6).

Every ``burdenshare run`` and ``burdenshare sweep`` records a **run** (its id, creation time,
package version, scenario name, content hash and TOML text, overrides, seed, draws, backend,
grid, chunking and status ``running``/``complete``) and its **outcome rows**: one per draw per
grid point, keyed by ``(run_id, point, draw)``, with the worker that computed it, the per-draw
parameters and the outcomes of :class:`~burdenshare.engine.RunResult`.

Work is written in **units** (one grid point x one chunk of whole engine blocks).  A unit's rows
and its ``chunks_done`` record are committed in one transaction, so a run killed at any moment
(SIGKILL included) holds only whole units, and :func:`burdenshare.analysis.sweep.resume_sweep`
computes exactly the missing ones.  The primary key forbids duplicated rows.

Tables (schema version :data:`SCHEMA_VERSION`):

``burdenshare_meta(key, value)``
    ``schema_version`` and ``format`` (:data:`STORE_FORMAT`: the marker of a file this tool
    created; only such files are opened).  An older schema is migrated on the first writing
    open (:data:`MIGRATIONS`); a newer one is refused.
``runs``
    One row per run (see :data:`RUN_FIELDS`); ``columns`` is the JSON list of the run's
    parameter and outcome columns with their dtypes, so rows read back have the exact arrays.
``points``
    One row per grid point: its overrides (JSON), scenario hash and summary (JSON, once done).
``chunks_done``
    One row per committed unit: point, chunk, first draw, draws, worker, time.
``outcome_rows``
    The tidy rows.  Columns: ``run_id, point, draw, worker`` and one column per parameter or
    outcome name; a name new to the store adds a column (absent values are NULL for runs that
    do not have it).  The derivable ``param:<dotted path>`` columns are not stored (schema 3):
    they are a deterministic function of the run's recorded scenario, seed, draws and bank size,
    and :meth:`ResultsStore.read_rows` and :meth:`ResultsStore.export` regenerate them
    (:mod:`burdenshare.engine.derived`), bit for bit the columns the engine computed.  ``columns``
    of ``runs`` still lists them, so a run's rows read back with every column.

Errors: a store locked by another process, a file that is not a DuckDB database (corrupt,
random bytes) or a DuckDB database that is not a burdenshare store raise :class:`StoreError`
(a :class:`~burdenshare.errors.BurdenshareError`: one line, exit code 2 in the CLI); nothing
is created in their place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from burdenshare._version import __version__
from burdenshare.errors import BurdenshareError

if TYPE_CHECKING:
    from burdenshare.engine.config import RunConfig

__all__ = [
    "DEFAULT_STORE",
    "SCHEMA_VERSION",
    "ResultsStore",
    "RunRecord",
    "StoreError",
    "default_store_path",
    "open_store",
]

#: Default store file (relative to the working directory); ``BURDENSHARE_STORE`` overrides it.
DEFAULT_STORE: str = "burdenshare.duckdb"
#: Layout version of the tables; an older store is migrated (:data:`MIGRATIONS`), a newer one refused.
SCHEMA_VERSION: int = 3
#: Name prefix of the parameter columns the store does not keep (:mod:`burdenshare.engine.derived`).
DERIVED_PREFIX: str = "param:"
#: WAL size that triggers a checkpoint: large, since each checkpoint rewrites the primary-key index
#: (committed units are durable in the WAL either way; it is replayed on the next open).
WAL_AUTOCHECKPOINT: str = "1GB"
#: DuckDB's memory limit for a store connection (buffers and the primary-key index; beyond it DuckDB
#: evicts or spills), so ``run --draws 10000000`` stays within 2 GiB (benchmarks/README.md).
STORE_MEMORY_LIMIT: str = "768MB"
#: DuckDB's memory limit while ``runs export`` writes (its sort spills to a temporary folder beside
#: the store, removed afterwards, rather than holding every row: benchmarks/README.md).
EXPORT_MEMORY_LIMIT: str = "256MB"
_KEY_COLUMNS = ("run_id", "point", "draw", "worker")
_ID_RE = re.compile(r"^[0-9a-f]{12}$")


class StoreError(BurdenshareError):
    """The results store cannot be used: locked, corrupt, not a store, or no such run."""


def default_store_path() -> Path:
    """``$BURDENSHARE_STORE`` if set, else ``./burdenshare.duckdb``."""
    return Path(os.environ.get("BURDENSHARE_STORE") or DEFAULT_STORE)


def _sql_type(dtype: np.dtype[Any]) -> str:
    if dtype.kind == "b":
        return "BOOLEAN"
    if dtype.kind in "iu":
        return "BIGINT"
    if dtype.kind == "f":
        return "DOUBLE"
    raise StoreError(f"cannot store a column of dtype {dtype}")


def _derived(name: str) -> bool:
    return name.startswith(DERIVED_PREFIX)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=str, sort_keys=False)


@dataclass(frozen=True)
class RunRecord:
    """One row of ``runs`` (JSON fields decoded).

    Attributes
    ----------
    run_id, kind, created, version, scenario, scenario_hash, scenario_toml, overrides, seed, draws
        What was run (``kind`` is ``run`` or ``sweep``; ``scenario_hash`` of point 0).
    backend, grid, chunk_blocks, n_points, n_chunks, summary_only, options
        How: ``grid`` is a list of ``[path, [value texts]]``; ``options`` holds engine options.
    columns
        ``{"params": [[name, dtype]...], "outcomes": [[name, dtype]...]}`` (empty before the
        first unit).
    status, completed
        ``running`` or ``complete``; completion time.
    """

    run_id: str
    kind: str
    created: str
    version: str
    scenario: str
    scenario_hash: str
    scenario_toml: str
    overrides: list[str]
    seed: int
    draws: int
    backend: str
    grid: list[list[Any]]
    chunk_blocks: int
    n_points: int
    n_chunks: int
    summary_only: bool
    options: dict[str, Any]
    columns: dict[str, list[list[str]]]
    status: str
    completed: str | None

    def config(self) -> RunConfig:
        """The :class:`~burdenshare.engine.config.RunConfig` the run was recorded with.

        Read from ``options["config"]``; records written before it existed give draws, seed,
        chunking, backend and ``options["bank_size"]``.
        """
        # The engine package loads the Numba kernel at import; store-only commands (runs list, show)
        # never need it, so it is imported where a stored run's config is rebuilt.
        from burdenshare.engine.config import DEFAULT_BANK_SIZE, RunConfig
        from burdenshare.engine.draws import BLOCK_SIZE

        if "config" in self.options:
            return RunConfig.from_json(self.options["config"])
        return RunConfig(draws=self.draws, seed=self.seed, bank_size=int(self.options.get("bank_size", DEFAULT_BANK_SIZE)),
                         chunk_size=self.chunk_blocks * BLOCK_SIZE, backend=self.backend)  # type: ignore[arg-type]

    def to_json(self, *, with_toml: bool = True) -> dict[str, Any]:
        """The record as a JSON-ready dict."""
        out = {k: getattr(self, k) for k in RUN_FIELDS}
        if not with_toml:
            out.pop("scenario_toml")
        return out


#: Fields of :class:`RunRecord`, in table order.
RUN_FIELDS: tuple[str, ...] = (
    "run_id", "kind", "created", "version", "scenario", "scenario_hash", "scenario_toml", "overrides", "seed",
    "draws", "backend", "grid", "chunk_blocks", "n_points", "n_chunks", "summary_only", "options", "columns",
    "status", "completed",
)
_JSON_FIELDS = ("overrides", "grid", "options", "columns")

_DDL = """
CREATE TABLE IF NOT EXISTS burdenshare_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, created VARCHAR NOT NULL, version VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL, scenario_hash VARCHAR NOT NULL, scenario_toml VARCHAR NOT NULL,
    overrides VARCHAR NOT NULL, seed BIGINT NOT NULL, draws BIGINT NOT NULL, backend VARCHAR NOT NULL,
    grid VARCHAR NOT NULL, chunk_blocks INTEGER NOT NULL, n_points INTEGER NOT NULL, n_chunks INTEGER NOT NULL,
    summary_only BOOLEAN NOT NULL, options VARCHAR NOT NULL, columns VARCHAR NOT NULL, status VARCHAR NOT NULL,
    completed VARCHAR
);
CREATE TABLE IF NOT EXISTS points (
    run_id VARCHAR NOT NULL, point INTEGER NOT NULL, overrides VARCHAR NOT NULL, values_json VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL, summary VARCHAR, PRIMARY KEY (run_id, point)
);
CREATE TABLE IF NOT EXISTS chunks_done (
    run_id VARCHAR NOT NULL, point INTEGER NOT NULL, chunk INTEGER NOT NULL, first_draw BIGINT NOT NULL,
    n_draws BIGINT NOT NULL, worker VARCHAR NOT NULL, finished VARCHAR NOT NULL, PRIMARY KEY (run_id, point, chunk)
);
CREATE TABLE IF NOT EXISTS outcome_rows (
    run_id VARCHAR NOT NULL, point INTEGER NOT NULL, draw BIGINT NOT NULL, worker VARCHAR NOT NULL,
    PRIMARY KEY (run_id, point, draw)
);
"""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _wrap(exc: Exception, path: Path) -> StoreError:
    text = str(exc)
    if "Could not set lock" in text:
        holder = re.search(r"PID (\d+)", text)
        who = f" (PID {holder.group(1)})" if holder else ""
        return StoreError(f"the store {str(path)!r} is in use by another process{who}; wait for it to finish or "
                          "use another --store", field="--store")
    if "Could not read enough bytes" in text:
        return StoreError(f"{str(path)!r} is a truncated or damaged store (it ends early); nothing was written to it. "
                          "Restore it from a copy, or use another --store", field="--store")
    if "not a valid DuckDB database" in text or "database file" in text.lower():
        return StoreError(f"{str(path)!r} is not a DuckDB database (corrupt or another kind of file); "
                          "move it away or use another --store", field="--store")
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"cannot use the store {str(path)!r}: {first}", field="--store")


class ResultsStore:
    """An open results store (use :func:`open_store`).

    Parameters
    ----------
    con
        The DuckDB connection.
    path
        The file.
    read_only
        Opened read-only (no writes, no schema creation).
    """

    def __init__(self, con: Any, path: Path, read_only: bool, *, created: bool = False) -> None:
        self._con = con
        self.path = path
        self.read_only = read_only
        #: This open created the file: a command that fails leaves no store behind (``__exit__``).
        self.created = created
        self._row_columns: set[str] = set()
        self._load_columns()

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        """Close the connection (releases the file lock)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        """Close; if this open created the file and the block failed with no run recorded, remove
        the file (a failed command leaves no new store)."""
        empty = False
        if exc_type is not None and self.created and self._con is not None:
            try:
                empty = not self.con.execute("SELECT 1 FROM runs LIMIT 1").fetchall()
            except Exception:  # noqa: BLE001 - a broken connection: keep the file
                empty = False
        self.close()
        if empty:
            _remove_new(self.path, self.path.with_name(self.path.name + ".wal"), False)

    @property
    def con(self) -> Any:
        """The DuckDB connection (for ad-hoc SQL)."""
        if self._con is None:
            raise StoreError(f"the store {str(self.path)!r} is closed")
        return self._con

    def _load_columns(self) -> None:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'outcome_rows'").fetchall()
        self._row_columns = {r[0] for r in rows}

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """``BEGIN`` ... ``COMMIT`` (``ROLLBACK`` on any exception)."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def _ensure_columns(self, columns: Mapping[str, NDArray[Any]]) -> None:
        for name, arr in columns.items():
            if name not in self._row_columns:
                self.con.execute(f"ALTER TABLE outcome_rows ADD COLUMN {_quote(name)} {_sql_type(arr.dtype)}")
                self._row_columns.add(name)

    # ------------------------------------------------------------------ runs

    def resolve_id(self, text: str) -> str:
        """The full run id of ``text``: an id, or a prefix of at least 4 characters naming one run.

        Raises
        ------
        StoreError
            No run, or several runs, start with ``text`` (the matches are listed).
        """
        if self.has_run(text):
            return text
        if len(text) < 4 or not re.fullmatch(r"[0-9a-f]+", text):
            raise StoreError(f"no run {text!r} in {str(self.path)!r}; give a run id or at least its first 4 hex "
                             "digits (see `burdenshare runs list`)", field="RUN_ID")
        hits = [r[0] for r in self.con.execute(
            "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY run_id", [text]).fetchall()]
        if len(hits) == 1:
            return str(hits[0])
        if not hits:
            raise StoreError(f"no run starts with {text!r} in {str(self.path)!r} (see `burdenshare runs list`)",
                             field="RUN_ID")
        raise StoreError(f"{text!r} starts {len(hits)} runs ({', '.join(hits[:5])}{', ...' if len(hits) > 5 else ''}); "
                         "give more digits", field="RUN_ID")

    def reusable(self, run_id: str, *, rows: bool) -> bool:
        """Whether ``run_id`` is recorded complete (and with rows, when ``rows``): its inputs need no rerun."""
        if not self.has_run(run_id):
            return False
        rec = self.run(run_id)
        return rec.status == "complete" and not (rows and rec.summary_only)

    def has_run(self, run_id: str) -> bool:
        """Whether ``run_id`` is recorded (complete or not)."""
        return bool(self.con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchall())

    def create_run(
        self,
        *,
        kind: str,
        scenario: str,
        scenario_toml: str,
        overrides: Sequence[str],
        seed: int,
        draws: int,
        backend: str,
        grid: Sequence[Sequence[Any]],
        chunk_blocks: int,
        n_chunks: int,
        points: Sequence[tuple[Sequence[str], Mapping[str, Any], str]],
        summary_only: bool = False,
        options: Mapping[str, Any] | None = None,
        run_id: str,
    ) -> str:
        """Record a new run (status ``running``) and its grid points; return its id.

        Parameters
        ----------
        kind
            ``run`` or ``sweep``.
        scenario, scenario_toml, overrides
            Scenario name, its base TOML text and the ``--set`` overrides (before grid overrides).
        seed, draws, backend
            As run.
        grid
            ``[[path, [value texts]], ...]`` (empty for a single run).
        chunk_blocks, n_chunks
            Engine blocks per chunk and chunks per point.
        points
            Per grid point: (grid overrides, values by path, scenario hash).
        summary_only
            No outcome rows will be written.
        options
            Engine options (``bank_size``...).
        run_id
            The run identity (:func:`burdenshare.engine.config.run_identity`); refused if recorded.

        Returns
        -------
        str
        """
        rid = run_id
        if self.has_run(rid):
            raise StoreError(f"run {rid} is already recorded in {str(self.path)!r}", field="RUN_ID")
        with self.transaction() as con:
            con.execute(
                f"INSERT INTO runs ({', '.join(RUN_FIELDS)}) VALUES ({', '.join('?' * len(RUN_FIELDS))})",
                [rid, kind, _now(), __version__, scenario, points[0][2], scenario_toml, _json(list(overrides)),
                 int(seed), int(draws), backend, _json([[p, list(v)] for p, v in grid]), int(chunk_blocks),
                 len(points), int(n_chunks), bool(summary_only), _json(dict(options or {})),
                 _json({"params": [], "outcomes": []}), "running", None],
            )
            for i, (ovr, values, digest) in enumerate(points):
                con.execute("INSERT INTO points VALUES (?, ?, ?, ?, ?, NULL)",
                            [rid, i, _json(list(ovr)), _json(dict(values)), digest])
        return rid

    def run(self, run_id: str) -> RunRecord:
        """The record of ``run_id``.

        Raises
        ------
        StoreError
            No such run.
        """
        row = self.con.execute(f"SELECT {', '.join(RUN_FIELDS)} FROM runs WHERE run_id = ?", [run_id]).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id!r} in {str(self.path)!r} (see `burdenshare runs list`)", field="RUN_ID")
        data = dict(zip(RUN_FIELDS, row))
        for k in _JSON_FIELDS:
            data[k] = json.loads(data[k])
        return RunRecord(**data)

    def runs(self) -> list[RunRecord]:
        """All runs, newest first."""
        ids = [r[0] for r in self.con.execute("SELECT run_id FROM runs ORDER BY created DESC, run_id").fetchall()]
        return [self.run(i) for i in ids]

    def points(self, run_id: str) -> list[dict[str, Any]]:
        """The grid points of a run: ``point``, ``overrides``, ``values``, ``scenario_hash``, ``summary``."""
        rows = self.con.execute(
            "SELECT point, overrides, values_json, scenario_hash, summary FROM points WHERE run_id = ? ORDER BY point",
            [run_id]).fetchall()
        return [{"point": p, "overrides": json.loads(o), "values": json.loads(v), "scenario_hash": h,
                 "summary": None if s is None else json.loads(s)} for p, o, v, h, s in rows]

    def chunks_done(self, run_id: str) -> set[tuple[int, int]]:
        """The committed units ``(point, chunk)`` of a run."""
        return {(int(p), int(c)) for p, c in
                self.con.execute("SELECT point, chunk FROM chunks_done WHERE run_id = ?", [run_id]).fetchall()}

    def row_count(self, run_id: str) -> int:
        """Outcome rows stored for a run."""
        return int(self.con.execute("SELECT count(*) FROM outcome_rows WHERE run_id = ?", [run_id]).fetchone()[0])

    def _set_columns(self, run_id: str, params: Mapping[str, NDArray[Any]], outcomes: Mapping[str, NDArray[Any]]) -> None:
        cols = {"params": [[k, v.dtype.str] for k, v in params.items()],
                "outcomes": [[k, v.dtype.str] for k, v in outcomes.items()]}
        self.con.execute("UPDATE runs SET columns = ? WHERE run_id = ?", [_json(cols), run_id])

    def write_unit(
        self,
        run_id: str,
        point: int,
        chunk: int,
        draw_index: NDArray[np.int64],
        params: Mapping[str, NDArray[Any]],
        outcomes: Mapping[str, NDArray[Any]],
        worker: str,
    ) -> None:
        """Commit one unit: its rows and its ``chunks_done`` record, in one transaction.

        The ``param:*`` columns of ``params`` are recorded in the run's ``columns`` but not stored.

        Raises
        ------
        StoreError
            The unit is already recorded (nothing is written).
        """
        import duckdb

        data: dict[str, NDArray[Any]] = {"draw": np.ascontiguousarray(draw_index, dtype=np.int64)}
        for src in (params, outcomes):
            for k, v in src.items():
                if k in data or k in _KEY_COLUMNS:
                    raise StoreError(f"column {k!r} appears twice")
                if src is params and _derived(k):
                    continue  # regenerated on reading (module docstring), not stored
                data[k] = np.ascontiguousarray(v)
        first = int(draw_index[0]) if draw_index.size else 0
        try:
            with self.transaction() as con:
                self._ensure_columns({k: v for k, v in data.items() if k != "draw"})
                rec = self.run(run_id)
                if not rec.columns["params"] and not rec.columns["outcomes"]:
                    self._set_columns(run_id, params, outcomes)
                if not rec.summary_only:
                    names = ", ".join(_quote(k) for k in data)
                    frame = data  # noqa: F841 - scanned by name below
                    con.execute(f"INSERT INTO outcome_rows (run_id, point, worker, {names}) "
                                f"SELECT ?, ?, ?, {names} FROM frame", [run_id, int(point), worker])
                con.execute("INSERT INTO chunks_done VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [run_id, int(point), int(chunk), first, int(draw_index.size), worker, _now()])
        except duckdb.ConstraintException as exc:
            raise StoreError(f"unit (point {point}, chunk {chunk}) of run {run_id} is already recorded: "
                             f"{str(exc).splitlines()[0]}") from None

    def drop_run(self, run_id: str) -> None:
        """Remove a run and everything recorded for it (rows, units, points), in one transaction."""
        with self.transaction() as con:
            for table in ("outcome_rows", "chunks_done", "points", "runs"):
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])

    def set_summary(self, run_id: str, point: int, summary: Mapping[str, Any]) -> None:
        """Store the summary JSON of a grid point."""
        self.con.execute("UPDATE points SET summary = ? WHERE run_id = ? AND point = ?",
                         [_json(summary), run_id, int(point)])

    def complete(self, run_id: str) -> None:
        """Mark a run ``complete``."""
        self.con.execute("UPDATE runs SET status = 'complete', completed = ? WHERE run_id = ?", [_now(), run_id])

    # ------------------------------------------------------------------ rows

    def read_rows(self, run_id: str, point: int = 0, *, workers: bool = True, params: bool = True
                  ) -> tuple[NDArray[np.int64], NDArray[Any] | None, dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
        """The rows of one grid point, ordered by draw, as exact arrays.

        Parameters
        ----------
        run_id, point
            Which rows.
        workers
            Also return the worker column (a string per row: slow for millions of rows).
        params
            Also read the parameter columns (``False``: an empty dict; the summary needs only
            the outcomes).

        Returns
        -------
        draw, worker, params, outcomes
            Draw indices, worker names (``None`` unless ``workers``), and the parameter and
            outcome columns with the dtypes they were written with (the ``param:*`` columns
            regenerated from the run's record: :mod:`burdenshare.engine.derived`).

        Raises
        ------
        StoreError
            No such run, or it was recorded with ``--summary-only``.
        """
        rec = self.run(run_id)
        if rec.summary_only:
            raise StoreError(f"run {run_id} was recorded with --summary-only: it has no rows", field="RUN_ID")
        pspec = rec.columns["params"] if params else []
        spec = [(n, t) for n, t in [*pspec, *rec.columns["outcomes"]] if not _derived(n)]
        names = ["draw", *(["worker"] if workers else []), *(n for n, _ in spec)]
        # unordered scan, then a stable sort by draw in NumPy (several times faster than ORDER BY)
        res = self.con.execute(
            f"SELECT {', '.join(_quote(n) for n in names)} FROM outcome_rows WHERE run_id = ? AND point = ?",
            [run_id, int(point)]).fetchnumpy()
        draw_col = np.asarray(res["draw"]).astype(np.int64, copy=False)
        order = None if draw_col.size < 2 or bool((np.diff(draw_col) > 0).all()) else np.argsort(draw_col, kind="stable")
        arrays: dict[str, NDArray[Any]] = {}
        for name, dtype in [("draw", "<i8"), *spec]:
            col = res[name]
            if isinstance(col, np.ma.MaskedArray):
                col = col.filled(np.nan)
            col = np.asarray(col).astype(np.dtype(dtype), copy=False)
            arrays[name] = col if order is None else col[order]
        worker = None
        if workers:
            worker = np.asarray(res["worker"])
            worker = worker if order is None else worker[order]
        if any(_derived(n) for n, _ in pspec):
            arrays.update(self._derived_columns(rec, point, arrays["draw"], pspec))
        pcols = {n: arrays[n] for n, _ in pspec}
        outcomes = {n: arrays[n] for n, _ in rec.columns["outcomes"]}
        return arrays["draw"], worker, pcols, outcomes

    def _point_overrides(self, run_id: str, point: int) -> list[str]:
        rows = self.con.execute("SELECT overrides FROM points WHERE run_id = ? AND point = ?",
                                [run_id, int(point)]).fetchall()
        return [] if not rows else list(json.loads(rows[0][0]))

    def _derived_source(self, rec: RunRecord, point: int) -> Any:
        """The run's :class:`~burdenshare.engine.derived.DerivedParams` at ``point`` (the engine is
        imported here: store-only commands never load it)."""
        from burdenshare.engine.derived import record_params

        return record_params(rec, self._point_overrides(rec.run_id, point))

    def _derived_columns(self, rec: RunRecord, point: int, draw: NDArray[np.int64],
                         pspec: Sequence[Sequence[str]]) -> dict[str, NDArray[Any]]:
        cols = self._derived_source(rec, point).columns(draw)
        return {n: self._derived_column(rec, cols, n).astype(np.dtype(t), copy=False) for n, t in pspec if _derived(n)}

    @staticmethod
    def _derived_column(rec: RunRecord, cols: Mapping[str, NDArray[Any]], name: str) -> NDArray[Any]:
        if name not in cols:
            raise StoreError(f"run {rec.run_id} (burdenshare {rec.version}) lists a column {name!r} this burdenshare "
                             "does not regenerate from its scenario; read it with the version that made it",
                             field="RUN_ID")
        return cols[name]

    def _load_derived(self, rec: RunRecord, names: Sequence[str], types: Sequence[str]) -> None:
        """Fill the temporary table ``burdenshare_derived (point, draw, *names)`` with the run's
        regenerated columns, unit by unit (the units of ``chunks_done``, whose rows are stored
        whole); beyond the connection's memory limit DuckDB spills it to its temporary folder."""
        units = self.con.execute("SELECT point, first_draw, n_draws FROM chunks_done WHERE run_id = ? "
                                 "ORDER BY point, first_draw", [rec.run_id]).fetchall()
        sources = {int(p): self._derived_source(rec, int(p)) for p in sorted({u[0] for u in units})}
        cols = ", ".join(f"{_quote(n)} {_sql_type(np.dtype(t))} NOT NULL" for n, t in zip(names, types))
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE burdenshare_derived (point INTEGER NOT NULL, "
                         f"draw BIGINT NOT NULL, {cols})")
        for point, first, n in units:
            draw = np.arange(int(first), int(first) + int(n), dtype=np.int64)
            got = sources[int(point)].columns(draw)
            frame = {"point": np.full(draw.size, int(point), dtype=np.int32), "draw": draw,  # noqa: F841 - scanned
                     **{c: self._derived_column(rec, got, c).astype(np.dtype(t), copy=False) for c, t in zip(names, types)}}
            self.con.execute("INSERT INTO burdenshare_derived SELECT * FROM frame")

    def export(self, run_id: str, out: str | Path, fmt: str, *, force: bool = False) -> int:
        """Write a run's rows to ``out`` (``parquet`` or ``csv``) atomically; return the row count.

        The rows are self-describing: ``run_id, point, draw, worker, seed, scenario,
        scenario_hash, version``, the grid values (``grid:<path>``, as TOML text), parameters
        (the ``param:*`` ones regenerated from the run's record unit by unit into a temporary
        table, joined on ``(point, draw)``) and outcomes.  The file is written under a temporary name in the same folder and
        renamed, so ``out`` is never half-written; ``out`` is checked first
        (:func:`burdenshare.outputs.check_output`: never the store itself, a link or a device; an
        existing file only with ``force``).

        Raises
        ------
        StoreError
            Unknown format, no such run, a summary-only run, or the file cannot be written.
        """
        fmt = fmt.lower()
        if fmt not in ("parquet", "csv"):
            raise StoreError(f"got {fmt!r}; allowed: parquet, csv", field="--format")
        rec = self.run(run_id)
        if rec.summary_only:
            raise StoreError(f"run {run_id} was recorded with --summary-only: it has no rows to export", field="RUN_ID")
        from burdenshare.outputs import atomic_output, check_output

        from burdenshare.errors import SpecError

        try:
            out = check_output(out, "--out", store=self.path, force=force)
        except SpecError as exc:
            raise StoreError(exc.message, field=exc.field) from None
        spec = [*rec.columns["params"], *rec.columns["outcomes"]]
        grid_cols = [
            f"json_extract_string(p.values_json, {_sql_str('$.' + _json_key(path))}) AS {_quote('grid:' + path)}"
            for path, _ in rec.grid
        ]
        select = ", ".join([
            "o.run_id", "o.point", "o.draw", "o.worker", "r.seed", "r.scenario", "p.scenario_hash", "r.version",
            *grid_cols, *(f"o.{_quote(n)}" for n, _ in spec if not _derived(n))])
        query = (f"SELECT {select} FROM outcome_rows o JOIN runs r ON r.run_id = o.run_id "
                 f"JOIN points p ON p.run_id = o.run_id AND p.point = o.point "
                 f"WHERE o.run_id = {_sql_str(run_id)} ORDER BY o.point, o.draw")
        derived = [(n, t) for n, t in spec if _derived(n)]
        if derived:  # the regenerated columns, joined on (point, draw) (_load_derived)
            select = ", ".join([
                "o.run_id", "o.point", "o.draw", "o.worker", "r.seed", "r.scenario", "p.scenario_hash", "r.version",
                *grid_cols, *(f"{'g' if _derived(n) else 'o'}.{_quote(n)}" for n, _ in spec)])
            query = (f"SELECT {select} FROM outcome_rows o JOIN runs r ON r.run_id = o.run_id "
                     f"JOIN points p ON p.run_id = o.run_id AND p.point = o.point "
                     f"JOIN burdenshare_derived g ON g.point = o.point AND g.draw = o.draw "
                     f"WHERE o.run_id = {_sql_str(run_id)} ORDER BY o.point, o.draw")
        opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        import duckdb

        try:
            with atomic_output(out, "--out") as tmp:  # DuckDB's COPY streams: the rows never sit in memory
                # the ordered scan spills beyond EXPORT_MEMORY_LIMIT instead of holding every row
                self.con.execute(f"SET memory_limit = {_sql_str(EXPORT_MEMORY_LIMIT)}")
                try:
                    if derived:  # regenerated unit by unit into a temporary table (module docstring)
                        self._load_derived(rec, [n for n, _ in derived], [t for _, t in derived])
                    self.con.execute(f"COPY ({query}) TO {_sql_str(str(tmp))} ({opts})")
                finally:
                    if derived:
                        self.con.execute("DROP TABLE IF EXISTS burdenshare_derived")
        except duckdb.Error as exc:
            raise StoreError(f"cannot write {str(out)!r}: {str(exc).splitlines()[0]}", field="--out") from None
        except SpecError as exc:
            raise StoreError(exc.message, field=exc.field) from None
        return self.row_count(run_id)

def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_key(path: str) -> str:
    return '"' + path.replace('\\', '\\\\').replace('"', '\\"') + '"'


#: The ``burdenshare_meta`` row that marks a file as a store this tool created.
STORE_FORMAT: str = "burdenshare results store"
def _drop_derived(con: Any) -> None:
    """Schema 2 -> 3: drop the ``param:*`` columns of ``outcome_rows`` (regenerated on reading)."""
    names = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'outcome_rows'").fetchall()]
    for name in names:
        if _derived(name):
            con.execute(f"ALTER TABLE outcome_rows DROP COLUMN {_quote(name)}")


#: Migrations: ``version -> (description, SQL or a function of the connection)`` taking a store of
#: ``version`` to ``version + 1``; applied in order, in one transaction, when an older store is
#: opened for writing.  A read-only open reads the older layout as it is (a schema-2 store's
#: ``param:*`` columns are then not read: they are regenerated like a schema-3 store's).
MIGRATIONS: dict[int, tuple[str, str | Callable[[Any], None]]] = {
    1: ("mark the file as a burdenshare store (format row)",
        f"INSERT INTO burdenshare_meta VALUES ('format', '{STORE_FORMAT}') ON CONFLICT DO NOTHING"),
    2: ("drop the derivable param:* columns (burdenshare.engine.derived regenerates them)", _drop_derived),
}
#: DuckDB settings of every connection: never load, install or download an extension (a store is
#: plain tables; a foreign file must not make DuckDB fetch a reader for it).
DUCKDB_CONFIG: dict[str, Any] = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
}
_DUCKDB_MAGIC = b"DUCK"


def _check_file(p: Path) -> bool:
    """Refuse a path that cannot be a store before DuckDB opens it; return whether it exists.

    A FIFO or device would block or be written to, a link could point anywhere, and a file
    that is not a DuckDB database (no ``DUCK`` magic at byte 8: SQLite, text, an empty or
    truncated file) is never handed to DuckDB, which could otherwise try to load a reader
    extension for it or write its own header into it.
    """
    import stat

    from burdenshare.outputs import check_path_length

    check_path_length(p, "--store")
    if p.is_dir():
        raise StoreError(f"{str(p)!r} is a folder, not a store file", field="--store")
    try:
        st = p.stat() if p.exists() else None
    except OSError as exc:
        raise StoreError(f"cannot use the store {str(p)!r}: {exc.strerror or exc}", field="--store") from None
    if p.is_symlink() and st is None:
        raise StoreError(f"{str(p)!r} is a broken symbolic link", field="--store")
    if st is None:
        return False
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{str(p)!r} is not a regular file (a device, FIFO or socket); a store is a file this "
                         "tool created", field="--store")
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read the store {str(p)!r}: {exc.strerror or exc}", field="--store") from None
    if len(head) < 12 or head[8:12] != _DUCKDB_MAGIC:
        what = "an empty file" if not head else "not a DuckDB database (another kind of file, or truncated)"
        raise StoreError(f"{str(p)!r} is {what}, not a burdenshare store; move it away or use another --store",
                         field="--store")
    return True


def open_store(path: str | Path | None = None, *, read_only: bool = False, create: bool = True) -> ResultsStore:
    """Open (or create) the results store at ``path``.

    Parameters
    ----------
    path
        The DuckDB file (default :func:`default_store_path`).
    read_only
        Open without the write lock's exclusivity for writes; the file must exist.
    create
        Create a new, empty store when the file does not exist.

    Returns
    -------
    ResultsStore

    Raises
    ------
    StoreError
        The file is locked by another process, is not a DuckDB database (corrupt), is a DuckDB
        database of something else, has another schema version, or does not exist and
        ``create`` is false (or ``read_only``).
    """
    try:
        return _open_store(path, read_only=read_only, create=create)
    except StoreError as exc:
        if path is None and os.environ.get("BURDENSHARE_STORE") and exc.field == "--store":
            # the path came from the environment, not from an option the user typed
            raise StoreError(exc.message, field="--store ($BURDENSHARE_STORE)") from None
        raise


def _open_store(path: str | Path | None, *, read_only: bool, create: bool) -> ResultsStore:
    import duckdb

    p = Path(path) if path is not None else default_store_path()
    exists = _check_file(p)
    if not exists and (read_only or not create):
        raise StoreError(f"no store at {str(p)!r}", field="--store")
    if not exists and not p.parent.is_dir():
        raise StoreError(f"folder {str(p.parent)!r} does not exist", field="--store")
    wal = p.with_name(p.name + ".wal")
    wal_existed = wal.exists()
    try:
        con = duckdb.connect(str(p), read_only=read_only, config=dict(DUCKDB_CONFIG))
        con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would write to the terminal
        con.execute(f"SET memory_limit = {_sql_str(STORE_MEMORY_LIMIT)}")  # DuckDB's own default: 80 % of RAM
        if not read_only:
            con.execute(f"SET wal_autocheckpoint = {_sql_str(WAL_AUTOCHECKPOINT)}")
    except duckdb.Error as exc:
        if not exists:
            _remove_new(p, wal, wal_existed)
        raise _wrap(exc, p) from None
    except OSError as exc:
        raise StoreError(f"cannot use the store {str(p)!r}: {exc.strerror or exc}", field="--store") from None
    try:
        if exists:
            _check_schema(con, p, read_only)
        else:
            con.execute("BEGIN TRANSACTION")
            con.execute(_DDL)
            con.execute("INSERT INTO burdenshare_meta VALUES ('schema_version', ?), ('format', ?)",
                        [str(SCHEMA_VERSION), STORE_FORMAT])
            con.execute("COMMIT")
    except BaseException as exc:
        con.close()
        if not exists:
            _remove_new(p, wal, wal_existed)
        if isinstance(exc, duckdb.Error):
            raise _wrap(exc, p) from None
        raise
    return ResultsStore(con, p, read_only, created=not exists)


def _remove_new(p: Path, wal: Path, wal_existed: bool) -> None:
    """Remove a store file this process created (and its WAL), leaving no trace of a failed command."""
    p.unlink(missing_ok=True)
    if not wal_existed:
        wal.unlink(missing_ok=True)


def _check_schema(con: Any, p: Path, read_only: bool) -> None:
    """Refuse a DuckDB file this tool did not create, or of a newer schema; migrate an older one
    (:data:`MIGRATIONS`) when opened for writing."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if "burdenshare_meta" not in tables:
        raise StoreError(f"{str(p)!r} is a DuckDB database but not a burdenshare store (no store marker); "
                         "move it away or use another --store", field="--store")
    meta = dict(con.execute("SELECT key, value FROM burdenshare_meta").fetchall())
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        version = -1
    if version < 1 or version > SCHEMA_VERSION or (version >= 2 and meta.get("format") != STORE_FORMAT) \
            or not {"runs", "points", "chunks_done", "outcome_rows"} <= tables:
        raise StoreError(f"{str(p)!r} has store schema {meta.get('schema_version', '?')!s:.20}; this burdenshare "
                         f"reads schemas 1..{SCHEMA_VERSION} (upgrade burdenshare, or use another --store)",
                         field="--store")
    if version < SCHEMA_VERSION and not read_only:
        con.execute("BEGIN TRANSACTION")
        for v in range(version, SCHEMA_VERSION):
            step = MIGRATIONS[v][1]
            if callable(step):
                step(con)
            else:
                con.execute(step)
        con.execute("UPDATE burdenshare_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
