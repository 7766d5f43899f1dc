"""The consent tables of a web run, computed in parallel by the server's worker processes.

A run's cost is almost all its exact consent tables (:mod:`burdenshare.engine.consent`): one per
Level-II bank member, for the run's bank and for the bank of every step of the bottom line's
tornado that moves Level II (:func:`burdenshare.analysis.briefing.tornado`: the first
``min(bank_size, TORNADO_BANK)`` members of each such step's scenario).  The members are
independent, so the job manager hands them out in slices to all the pool's processes
(:func:`table_tasks`, :func:`build_tables`), which write them to the disk cache
(:mod:`burdenshare.engine.consent_cache`): the run's own bank before the run, the tornado's banks
queued behind the run (the other processes compute them while it plays) and before its drivers
(:mod:`burdenshare.web.jobs`); the run and the drivers then find every table there.

Nothing here decides a result: a slice computes exactly what :func:`~burdenshare.engine.prepare`
would (the same member scenarios and code, through
:func:`~burdenshare.engine.consent.prefetch_members`), and a table that is missing for any reason
(cache off, a slice that failed) is computed by the run itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["build_tables", "table_tasks"]


def _variants(scenario: Any) -> list[tuple[str, Any]]:
    """``(lever, value)`` of the tornado steps that build a consent bank of their own (the others reuse
    the run's: the ask at transparency 0, a change of the allowed durations)."""
    from burdenshare.analysis.briefing import _steps

    out = []
    for path, _text, value in _steps(scenario):
        if path == "levers.allowed_durations":
            continue
        if path == "levers.us_ask_usd" and float(scenario.levers.transparency) == 0.0:
            continue
        out.append((path, value))
    return out


def table_tasks(scenario_name: str, overrides: Sequence[str], seed: int, bank_size: int,
                workers: int = 2, slice_size: int | None = None) -> list[tuple[Any, ...]]:
    """Arguments of :func:`build_tables` covering a run's bank and its tornado's Level-II banks.

    Parameters
    ----------
    scenario_name, overrides
        The run's scenario and ``--set`` overrides.
    seed, bank_size
        The run's seed and bank size.
    workers
        Processes that share the work: each bank is cut into ``2 * workers`` slices (a slice's
        fixed cost is loading the scenario, about as much as a cached member).
    slice_size
        Members per task instead (for tests).

    Returns
    -------
    list of tuple
        ``(scenario_name, overrides, variant, seed, size, members)``; ``variant`` is ``None`` for the
        run's own bank, else a tornado step's ``(lever, value)``.
    """
    from burdenshare.analysis.briefing import TORNADO_BANK
    from burdenshare.scenario import load_scenario

    scenario = load_scenario(scenario_name, list(overrides))
    banks: list[tuple[Any, int]] = [(None, int(bank_size))]
    k = min(int(bank_size), TORNADO_BANK)
    banks += [(v, k) for v in _variants(scenario)]
    tasks = []
    for variant, size in banks:
        step = slice_size or max(1, -(-size // (2 * max(1, int(workers)))))
        for lo in range(0, size, step):
            tasks.append((scenario_name, list(overrides), variant, int(seed), size,
                          list(range(lo, min(size, lo + step)))))
    return tasks


def build_tables(scenario_name: str, overrides: Sequence[str], variant: tuple[str, Any] | None, seed: int,
                 size: int, members: Sequence[int]) -> int:
    """Compute some members' consent tables into the disk cache (in a worker); returns how many."""
    from burdenshare.analysis.briefing import _with_override
    from burdenshare.engine.consent import prefetch_members
    from burdenshare.engine.prepare import check_run
    from burdenshare.scenario import load_scenario

    scenario = load_scenario(scenario_name, list(overrides))
    if variant is not None:
        scenario = _with_override(scenario, variant[0], variant[1])
    return prefetch_members(scenario, check_run(scenario), seed, size, list(members))
