r"""How a run is carried out: :class:`RunConfig` (run options only) and the run identity.

A run is the pair (scenario, :class:`RunConfig`).  The scenario holds every model assumption
(the executive's submission threshold, the planning horizon, the furlough counter-move, the key
dates the summary reports); the config holds only what says how many draws to play and where:

``draws``, ``seed``
    The Monte-Carlo sample (DESIGN.md §5: one stream per fixed block of draws).
``bank_size``
    Level-II parameter sets tabulated exactly (:mod:`burdenshare.engine.consent`); it changes
    results (the Level-II sample), so it is part of the run identity.
``chunk_size``, ``backend``
    How the draws are cut and where they run; they never change results (bit-identical across
    chunkings and backends), so they are not part of the run identity.

:func:`run_identity` is the one run id of the CLI, the store and the web API: a hash of
everything that changes results -- the scenario after overrides (its canonical JSON, without
the provenance map, which records where values come from and changes no result), a
fingerprint of the bundled data (:func:`burdenshare.data.fingerprint`), draws, seed, bank size,
the package version, and, for a sweep, its kind and grid.  The same inputs give the same id in
every process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from burdenshare._version import __version__
from burdenshare.data import fingerprint
from burdenshare import limits as _limits
from burdenshare.errors import SpecError

__all__ = ["DEFAULT_BANK_SIZE", "DEFAULT_CHUNK_BLOCKS", "MAX_BANK_SIZE", "MAX_DRAWS", "MAX_SEED", "RunConfig", "run_identity"]

#: Level-II bank members unless the caller sets ``bank_size``.
DEFAULT_BANK_SIZE: int = 64
#: Largest bank a run accepts (each member costs its consent tables; :data:`burdenshare.limits.MAX_BANK_SIZE`).
MAX_BANK_SIZE: int = _limits.MAX_BANK_SIZE
#: Engine blocks per chunk unless the caller sets ``chunk_size``.
DEFAULT_CHUNK_BLOCKS: int = 64
#: Largest number of draws one run accepts (rows stream into the store; :data:`burdenshare.limits.MAX_DRAWS`).
MAX_DRAWS: int = _limits.MAX_DRAWS
#: Largest seed (the store keeps seeds as 64-bit signed integers).
MAX_SEED: int = 2**63 - 1

BackendName = Literal["local", "dask"]


def _int(value: Any, field: str, lo: int, hi: int | None, allowed: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo or (hi is not None and value > hi):
        raise SpecError(f"got {value!r}; allowed: {allowed}", field=field)
    return int(value)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Run options (no model assumptions; those are scenario fields).

    Parameters
    ----------
    draws
        Monte-Carlo draws, 1..:data:`MAX_DRAWS`.
    seed
        Integer >= 0.
    bank_size
        Level-II parameter sets carrying exact consent tables, 1..:data:`MAX_BANK_SIZE`.
    chunk_size
        Draws per chunk, rounded up to whole blocks (``None``: :data:`DEFAULT_CHUNK_BLOCKS`
        blocks); never changes results.
    backend
        ``local`` or ``dask`` (sweeps); never changes results.

    Raises
    ------
    SpecError
        A value out of range, naming the option (``draws``, ``seed``, ...).

    Examples
    --------
    >>> RunConfig(draws=2048, seed=1).identity()
    {'draws': 2048, 'seed': 1, 'bank_size': 64}
    >>> RunConfig(draws=0)
    Traceback (most recent call last):
    ...
    burdenshare.errors.SpecError: draws: got 0; allowed: an integer 1..10000000
    """

    draws: int = 10_000
    seed: int = 0
    bank_size: int = DEFAULT_BANK_SIZE
    chunk_size: int | None = None
    backend: BackendName = "local"

    def __post_init__(self) -> None:
        object.__setattr__(self, "draws", _int(self.draws, "draws", 1, MAX_DRAWS, f"an integer 1..{MAX_DRAWS}"))
        object.__setattr__(self, "seed", _int(self.seed, "seed", 0, MAX_SEED, f"an integer 0..{MAX_SEED}"))
        object.__setattr__(self, "bank_size", _int(self.bank_size, "bank_size", 1, MAX_BANK_SIZE,
                                                   f"an integer 1..{MAX_BANK_SIZE}"))
        if self.chunk_size is not None:
            object.__setattr__(self, "chunk_size", _int(self.chunk_size, "chunk_size", 1, MAX_DRAWS,
                                                        f"an integer 1..{MAX_DRAWS}"))
        if self.backend not in ("local", "dask"):
            raise SpecError(f"got {self.backend!r}; allowed: local, dask", field="backend")

    def identity(self) -> dict[str, int]:
        """The options that change results (part of :func:`run_identity`)."""
        return {"draws": self.draws, "seed": self.seed, "bank_size": self.bank_size}

    def chunk_blocks(self, block_size: int) -> int:
        """Whole blocks per chunk."""
        if self.chunk_size is None:
            return DEFAULT_CHUNK_BLOCKS
        return max(1, -(-self.chunk_size // block_size))

    def to_json(self) -> dict[str, Any]:
        """All options, JSON-ready (recorded with a stored run)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunConfig:
        """The config recorded by :meth:`to_json` (unknown keys are refused)."""
        known = {"draws", "seed", "bank_size", "chunk_size", "backend"}
        extra = sorted(set(data) - known)
        if extra:
            raise SpecError(f"unknown run option {extra[0]!r}; allowed: {', '.join(sorted(known))}", field="config")
        return cls(**dict(data))


def run_identity(scenario: Any, config: RunConfig, *, kind: str = "run",
                 grid: Sequence[tuple[str, Sequence[str]]] = ()) -> str:
    """The run id: 16 hex digits of a SHA-256 over everything that changes results.

    Parameters
    ----------
    scenario
        The validated scenario after overrides.
    config
        The run options (:meth:`RunConfig.identity` enters the hash; chunking and backend do not).
    kind
        ``run`` or ``sweep`` (a sweep's id also covers its grid).
    grid
        A sweep's axes ``[(path, [value texts]), ...]``.

    Returns
    -------
    str

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> sc = load_scenario("sma-2020-hindsight")
    >>> a = run_identity(sc, RunConfig(draws=1000, seed=0))
    >>> a == run_identity(sc, RunConfig(draws=1000, seed=0, chunk_size=1024, backend="dask"))
    True
    >>> a == run_identity(sc, RunConfig(draws=1000, seed=1))
    False
    """
    model = scenario.model_dump(mode="json", by_alias=True)
    model.pop("provenance", None)  # where values come from does not change results
    payload = {
        "kind": kind,
        "scenario": model,
        "data": fingerprint(),
        "config": config.identity(),
        "grid": [[str(p), [str(v) for v in vals]] for p, vals in grid],
        "version": __version__,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
