"""The derivable parameter columns of a run: regenerated from its recorded scenario and config.

A run's ``param:<dotted path>`` columns (:data:`burdenshare.engine.run.PARAM_COLUMNS` are
followed by one per ``[[uncertainty]]`` entry) are a deterministic function of the scenario, the
seed, the draws and the bank size: draw ``i`` is block ``i // BLOCK_SIZE`` of the run's counter-
based streams (:func:`~burdenshare.engine.draws.draw_range`), and a Level-II entry is the value of
the draw's bank member (:func:`~burdenshare.engine.consent.bank_scenarios`, a scrambled Sobol'
point per member).  The results store therefore does not keep them (schema 3,
:mod:`burdenshare.store`): ``runs export``, the web API's rows and
:meth:`~burdenshare.store.ResultsStore.read_rows` regenerate them here with the engine's own
functions, so they equal the columns :func:`~burdenshare.engine.simulate` computed bit for bit
(tests/test_store_derived.py).  Only the draws and the bank's parameter values are computed: no
consent table and no bargaining.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.config import RunConfig
from burdenshare.engine.consent import bank_scenarios
from burdenshare.engine.draws import BLOCK_SIZE, DrawLayout, draw_range
from burdenshare.engine.plan import build_plan

__all__ = ["DERIVED_PREFIX", "DerivedParams", "is_derived", "record_params"]

#: Name prefix of the derivable parameter columns (``param:<dotted path>``).
DERIVED_PREFIX: str = "param:"
#: Blocks drawn at a time when regenerating (a large run never holds all its draws).
_STEP_BLOCKS = 16


def is_derived(name: str) -> bool:
    """Whether a column is a derivable ``param:*`` column (regenerated, never stored)."""
    return name.startswith(DERIVED_PREFIX)


@dataclass(frozen=True)
class DerivedParams:
    """The ``param:*`` columns of one run (one grid point), for any of its draws.

    Attributes
    ----------
    layout
        The run's :class:`~burdenshare.engine.draws.DrawLayout`.
    seed, draws
        The run's seed and total draws (the last block is cut there).
    bank_paths, bank_values
        The Level-II parameters and their (K, P) values per bank member.
    """

    layout: DrawLayout
    seed: int
    draws: int
    bank_paths: tuple[str, ...]
    bank_values: NDArray[np.float64]

    @classmethod
    def of(cls, scenario: Any, config: RunConfig) -> DerivedParams:
        """The columns of ``scenario`` run under ``config`` (the same calls as
        :func:`~burdenshare.engine.prepare.prepare`, without the consent tables)."""
        plan = build_plan(scenario)
        layout = DrawLayout.from_scenario(scenario, plan.n_rounds)
        paths, values, _ = bank_scenarios(scenario, int(config.seed), int(config.bank_size))
        return cls(layout, int(config.seed), int(config.draws), tuple(paths), values)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in the run's order: the draw's entries, then the Level-II ones not among
        them (a Level-II entry the draw also carries takes its bank member's value, as in the engine)."""
        return tuple(dict.fromkeys(f"{DERIVED_PREFIX}{p}" for p in (*self.layout.params, *self.bank_paths)))

    def columns(self, draw: NDArray[np.int64]) -> dict[str, NDArray[np.float64]]:
        """The columns at the draws ``draw`` (sorted ascending, unique, each below ``draws``)."""
        draw = np.asarray(draw, dtype=np.int64)
        out = {name: np.empty(draw.size) for name in self.names}
        if draw.size == 0:
            return out
        k = int(self.bank_values.shape[0])
        first, last = int(draw[0]) // BLOCK_SIZE, int(draw[-1]) // BLOCK_SIZE
        for start in range(first, last + 1, _STEP_BLOCKS):
            lo, hi = np.searchsorted(draw, [start * BLOCK_SIZE, (start + _STEP_BLOCKS) * BLOCK_SIZE])
            if lo == hi:
                continue
            d = draw_range(self.layout, self.seed, start, min(_STEP_BLOCKS, last + 1 - start), self.draws)
            rows = draw[lo:hi] - start * BLOCK_SIZE
            for j, path in enumerate(self.layout.params):
                out[f"{DERIVED_PREFIX}{path}"][lo:hi] = d.params[rows, j]
            if self.bank_paths:  # the member as the engine draws it (engine.plan.draw_columns)
                member = np.minimum((d.column(self.layout, "u_bank")[rows] * k).astype(np.int64), k - 1)
                for j, path in enumerate(self.bank_paths):
                    out[f"{DERIVED_PREFIX}{path}"][lo:hi] = self.bank_values[member, j]
        return out

    def batches(self, units: Sequence[tuple[int, int]]) -> Iterator[dict[str, NDArray[np.float64]]]:
        """The columns of each unit ``(first draw, draws)``, in the order given."""
        for first, n in units:
            yield self.columns(np.arange(first, first + n, dtype=np.int64))


def record_params(rec: Any, point_overrides: Sequence[str]) -> DerivedParams:
    """:class:`DerivedParams` of a stored run's grid point, from its record
    (:class:`~burdenshare.store.RunRecord`: scenario TOML, overrides, config and data directory),
    built in the data view the run was made with (as :func:`burdenshare.analysis.runs.load_result`)."""
    from burdenshare.data.dataset import reopen, using
    from burdenshare.scenario import loads_scenario

    with using(reopen(rec.options.get("data"), what=f"run {rec.run_id}")):
        scenario = loads_scenario(rec.scenario_toml, [*rec.overrides, *point_overrides],
                                  source=str(rec.options.get("source", rec.scenario)))
        return DerivedParams.of(scenario, rec.config())
