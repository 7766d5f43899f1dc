"""Where the work units of a sweep run: in this process (``local``) or on Dask workers (``dask``).

A **unit** is one grid point x one chunk of whole engine blocks
(:data:`~burdenshare.engine.BLOCK_SIZE` draws each).  Block *b* is always drawn from
``SeedSequence(seed, spawn_key=(b,))`` (``docs/simulation.md`` §1), so a unit's rows depend only
on (scenario, seed, blocks), never on where or in which order it runs: the local and the Dask
backends give bit-identical rows.  A backend yields finished units *in order of completion*;
the caller (:mod:`burdenshare.analysis.sweep`) commits each one to the store in its own
transaction.

:func:`point_setup` builds a grid point's static inputs once, with the engine's one setup seam
:func:`burdenshare.engine.prepare` (plan, exact consent tables, draw layout);
:func:`unit_arrays` computes one unit from it with the engine's public per-chunk step
:func:`burdenshare.engine.run.run_chunk`, the very function :func:`burdenshare.engine.simulate`
runs for its chunks (a test checks that the units, concatenated, equal ``simulate``'s arrays).

Dask is imported only inside :class:`DaskBackend` (extra ``distributed``).
"""

from __future__ import annotations

import abc
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from burdenshare.data.dataset import Dataset, active, using
from burdenshare.engine.config import RunConfig
from burdenshare.engine.prepare import Prepared, prepare
from burdenshare.engine.run import run_chunk
from burdenshare.errors import SpecError
from burdenshare.scenario import loads_scenario

__all__ = ["Backend", "DaskBackend", "LocalBackend", "MAX_LOCAL_WORKERS", "SetupArgs", "Unit", "UnitResult",
           "check_backend", "make_backend", "point_setup", "unit_arrays"]

BackendName = Literal["local", "dask"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of work: grid point ``point``, chunk ``chunk`` = blocks ``start_block ..``."""

    point: int
    chunk: int
    start_block: int
    n_blocks: int


@dataclass(frozen=True)
class UnitResult:
    """A finished unit: draw indices, parameter and outcome columns, and who computed it."""

    unit: Unit
    draw: NDArray[np.int64]
    params: dict[str, NDArray[Any]]
    outcomes: dict[str, NDArray[Any]]
    worker: str


#: The arguments of :func:`point_setup` for one grid point: base TOML, overrides, run config, source.
SetupArgs = tuple[str, Sequence[str], RunConfig, str]


def point_setup(scenario_toml: str, overrides: Sequence[str], config: RunConfig, source: str) -> Prepared:
    """Load one grid point's scenario from text + overrides and :func:`~burdenshare.engine.prepare` it.

    Raises
    ------
    ScenarioError
        The overrides do not give a valid scenario, or levers the engine cannot play.
    """
    scenario = loads_scenario(scenario_toml, list(overrides), source=source)
    return prepare(scenario, config)


def unit_arrays(setup: Prepared, start_block: int, n_blocks: int
                ) -> tuple[NDArray[np.int64], dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
    """Draw and play blocks ``start_block .. start_block + n_blocks - 1`` (cut at the run's draws).

    A thin wrapper of the engine's own per-chunk step, :func:`burdenshare.engine.run.run_chunk`.

    Returns
    -------
    draw, params, outcomes
        Global draw indices and the columns of :class:`~burdenshare.engine.RunResult` for them.
    """
    ch = run_chunk(setup, start_block, n_blocks)
    return ch.index, ch.params, ch.outcomes


class Backend(abc.ABC):
    """Runs units; subclasses :class:`LocalBackend` and :class:`DaskBackend`."""

    name: str = "?"

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release resources (a cluster)."""

    @abc.abstractmethod
    def run(self, setups: dict[int, SetupArgs], units: Sequence[Unit]) -> tuple[Iterator[UnitResult], Any]:
        """Start ``units``; return an iterator over finished units and a getter of point setups.

        ``setups[p]`` are the :func:`point_setup` arguments of point ``p``.  The getter,
        called with a point, returns its :class:`~burdenshare.engine.prepare.Prepared` setup (for summaries).
        """


class LocalBackend(Backend):
    """Units one after another in this process (worker ``"local"``)."""

    name = "local"

    def run(self, setups: dict[int, SetupArgs], units: Sequence[Unit]) -> tuple[Iterator[UnitResult], Any]:
        """See :meth:`Backend.run`."""
        cache: dict[int, Prepared] = {}

        def get(p: int) -> Prepared:
            if p not in cache:
                cache.clear()  # one point's tables at a time
                cache[p] = point_setup(*setups[p])
            return cache[p]

        def it() -> Iterator[UnitResult]:
            for u in units:
                d, pa, oc = unit_arrays(get(u.point), u.start_block, u.n_blocks)
                yield UnitResult(u, d, pa, oc, "local")

        return it(), get


def _point_setup_in(dataset: Dataset, *args: Any) -> Prepared:
    """:func:`point_setup` on a Dask worker, reading the dataset of the process that submitted it."""
    with using(dataset):
        return point_setup(*args)


def _dask_unit(setup: Prepared, unit: Unit) -> UnitResult:
    from distributed import get_worker

    d, pa, oc = unit_arrays(setup, unit.start_block, unit.n_blocks)
    try:
        who = str(get_worker().address)
    except ValueError:  # pragma: no cover - run outside a worker
        who = "dask"
    return UnitResult(unit, d, pa, oc, who)


def _dask_scratch() -> Path:
    """A scratch folder for the workers of a local Dask cluster: ``<tmp>/burdenshare-dask-<pid>-<random>``.

    Removed when the backend closes; folders left by processes that no longer run (a killed
    sweep) are removed here first, so a kill leaves scratch space only until the next Dask run.
    """
    root = Path(tempfile.gettempdir())
    for old in root.glob("burdenshare-dask-*"):
        try:
            pid = int(old.name.split("-")[2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except (ValueError, IndexError, PermissionError, OSError):
            continue
    return Path(tempfile.mkdtemp(prefix=f"burdenshare-dask-{os.getpid()}-", dir=root))


class DaskBackend(Backend):
    """Units as Dask tasks on a :class:`distributed.LocalCluster` or at a scheduler address.

    Parameters
    ----------
    scheduler
        Address of a running scheduler (``tcp://host:8786``); ``None`` starts a local cluster of
        processes.
    workers
        Worker processes of the local cluster (default 2), one thread each.

    Raises
    ------
    SpecError
        Dask is not installed (extra ``distributed``), or the scheduler cannot be reached.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the install
            raise SpecError("the Dask backend needs the extra 'distributed' (pip install burdenshare[distributed])",
                            field="--backend") from None
        self._cluster = None
        self._scratch: Path | None = None
        if scheduler is None:
            n = 2 if workers is None else int(workers)
            if n < 1:
                raise SpecError(f"got {n}; allowed: an integer >= 1", field="--workers")
            self._scratch = _dask_scratch()
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40,
                                         local_directory=str(self._scratch))
            self.client = Client(self._cluster)
        else:
            try:
                self.client = Client(scheduler, timeout=10)
            except OSError as exc:
                raise SpecError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}", field="--scheduler") from None

    def close(self) -> None:
        """Close the client and any cluster this backend started."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def run(self, setups: dict[int, SetupArgs], units: Sequence[Unit]) -> tuple[Iterator[UnitResult], Any]:
        """See :meth:`Backend.run`: one setup task per point, one task per unit depending on it."""
        from distributed import as_completed

        import uuid

        client = self.client
        futs: dict[int, Any] = {}
        tag = uuid.uuid4().hex  # keys unique on a shared scheduler

        def setup_future(p: int) -> Any:
            if p not in futs:
                futs[p] = client.submit(_point_setup_in, active(), *setups[p], pure=False,
                                        key=f"burdenshare-setup-{p}-{tag}")
            return futs[p]

        tasks = [client.submit(_dask_unit, setup_future(u.point), u, pure=False) for u in units]

        def it() -> Iterator[UnitResult]:
            for fut in as_completed(tasks):
                res = fut.result()
                fut.release()
                yield res

        def get(p: int) -> Prepared:
            return setup_future(p).result()

        return it(), get


from burdenshare import limits as _limits

#: Most worker processes a local Dask cluster may start (:data:`burdenshare.limits.MAX_WORKERS`).
MAX_LOCAL_WORKERS: int = _limits.MAX_WORKERS


def check_backend(name: str, *, scheduler: str | None = None, workers: int | None = None) -> None:
    """Refuse backend options before anything is started or written (one line naming the option)."""
    if name not in ("local", "dask"):
        raise SpecError(f"got {name!r}; allowed: local, dask", field="--backend")
    if name == "local" and (scheduler is not None or workers is not None):
        raise SpecError("--scheduler and --workers need --backend dask", field="--backend")
    if workers is not None and (isinstance(workers, bool) or not 1 <= int(workers) <= MAX_LOCAL_WORKERS):
        raise SpecError(f"got {workers}; allowed: an integer 1..{MAX_LOCAL_WORKERS}", field="--workers")
    if workers is not None and scheduler is not None:
        raise SpecError("--workers sizes a local cluster; a --scheduler brings its own workers", field="--workers")


def make_backend(name: str, *, scheduler: str | None = None, workers: int | None = None) -> Backend:
    """The backend called ``name`` (``local`` or ``dask``).

    Raises
    ------
    SpecError
        Unknown name, or options :func:`check_backend` refuses.
    """
    check_backend(name, scheduler=scheduler, workers=workers)
    if name == "local":
        if scheduler is not None:
            raise SpecError("--scheduler needs --backend dask", field="--scheduler")
        return LocalBackend()
    if name == "dask":
        return DaskBackend(scheduler, workers)
    raise SpecError(f"got {name!r}; allowed: local, dask", field="--backend")
