r"""On-disk cache of the agenda-control threshold :math:`\theta^*` beside :math:`\kappa^*`.

``parties.host_executive.submit_threshold = "calibrated"`` asks for :math:`\theta^*`
(:func:`burdenshare.engine.agenda.calibrate_threshold`): up to
:data:`~burdenshare.engine.agenda.MAX_EVALUATIONS` plays of the engine's kernel over the first
:data:`~burdenshare.engine.agenda.CALIBRATION_DRAWS` draws of a run's seed on its bank, at the
run's floor vote (a ``"calibrated"`` :math:`\kappa^*` is found first, from the same inputs).  The
entry is kept and read by the mechanism :math:`\kappa^*` uses
(:mod:`burdenshare.engine.calibration_cache`): keyed (SHA-256) by the scenario (but its provenance),
the data directory, the record known at ``as_of`` and its Jeffreys target, the run's seed and bank
size, both searches (:data:`~burdenshare.engine.agenda.BRACKET`,
:data:`burdenshare.engine.record_vote.BRACKET`, the sample's size, the evaluation budget) and the
code (package version, source digest, numpy/scipy/numba versions); one JSON file
``<key>.theta`` in ``$BURDENSHARE_CACHE_DIR`` (``off`` disables it).

A new process (``burdenshare solve``, a CLI run, a worker) then reads :math:`\theta^*` instead of
searching for it; :func:`burdenshare.engine.agenda.calibrated_threshold` builds no consent bank at
all.  Only :func:`burdenshare.engine.prepare.prepare` reads and writes entries, where the scenario
and the run's configuration name the bank (a setup assembled from another bank, as the briefing's
levers, is calibrated afresh).

**Never trusted.**  Beyond the checks every entry passes
(:func:`~burdenshare.engine.calibration_cache.load_entry`: format, key, seal, fields and types,
record and target, counts and rate, sample, budget), the search's own invariants: a
:math:`\theta^*` in :data:`~burdenshare.engine.agenda.BRACKET`; a reached target met at
:math:`\theta^*`, at the floor 1/2 after one evaluation or inside the bracket after the whole
budget of bisection; an unreached one only at the ceiling, unmet there, after two evaluations.
Anything else is ignored and :math:`\theta^*` computed again and rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from burdenshare.engine import record_vote
from burdenshare.engine.agenda import (BRACKET, CALIBRATION_DRAWS, MAX_EVALUATIONS, AgendaCalibration, calibrate_threshold,
                                       calibrated, is_calibrated)
from burdenshare.engine.calibration_cache import cached_entry, entry_key, load_entry, store_entry

__all__ = ["FORMAT", "SUFFIX", "cached_threshold", "load_threshold", "store_threshold", "threshold_cached",
           "threshold_key"]

#: Bumped when the layout of an entry changes.
FORMAT: str = "agenda-theta-1"
#: The entry's file suffix.
SUFFIX: str = "theta"


def threshold_key(scenario: Any, seed: int, bank_size: int) -> str:
    """The key of :math:`\\theta^*` for ``scenario`` on the run of ``seed`` and ``bank_size`` (module docstring)."""
    return entry_key(FORMAT, scenario, seed, bank_size,
                     [CALIBRATION_DRAWS, MAX_EVALUATIONS, [float(b).hex() for b in BRACKET],
                      [float(b).hex() for b in record_vote.BRACKET]])


def _valid(c: dict[str, Any], target: float) -> bool:
    """The search's own invariants (module docstring) on a stored calibration."""
    theta, evals = c["threshold"], c["evaluations"]
    if not BRACKET[0] <= theta <= BRACKET[1]:
        return False
    if c["reached"]:
        return c["rate"] <= target and (evals == 1 if theta == BRACKET[0] else evals == MAX_EVALUATIONS)
    return theta == BRACKET[1] and c["rate"] > target and evals == 2


def load_threshold(key: str, scenario: Any) -> AgendaCalibration | None:
    """The stored :math:`\\theta^*` calibration for ``key`` (of ``scenario``), or ``None`` when absent,
    unreadable, foreign or inconsistent (module docstring)."""
    return load_entry(key, SUFFIX, FORMAT, AgendaCalibration, scenario, _valid)


def store_threshold(key: str, cal: AgendaCalibration) -> None:
    """Write the entry for ``key``; a cache that cannot be written is skipped (it only saves time)."""
    store_entry(key, SUFFIX, FORMAT, cal)


def cached_threshold(scenario: Any, seed: int, bank_size: int,
                     compute: Callable[[], AgendaCalibration]) -> AgendaCalibration:
    """:math:`\\theta^*` of ``scenario`` on the run of ``seed`` and ``bank_size``: the stored entry where a
    valid one exists, else ``compute()`` (the engine's calibration of that run), stored for next time."""
    return cached_entry(threshold_key(scenario, seed, bank_size), SUFFIX, FORMAT, AgendaCalibration, scenario,
                        _valid, compute)


def threshold_cached(prepared: Any) -> tuple[Any, AgendaCalibration | None]:
    """:func:`~burdenshare.engine.agenda.calibrated` of a setup as
    :func:`~burdenshare.engine.prepare.prepare` builds it (its scenario, seed and bank size name its
    bank and draws, its floor vote already the scenario's), with :math:`\\theta^*` from the disk cache
    where a valid entry exists (:func:`cached_threshold`): the same setup, bit for bit, as computing it."""
    if not is_calibrated(prepared.scenario):
        return calibrated(prepared)
    cal = cached_threshold(prepared.scenario, prepared.config.seed, prepared.bank.size,
                           lambda: calibrate_threshold(prepared))
    return calibrated(prepared, calibration=cal)
