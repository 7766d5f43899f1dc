r"""On-disk cache of the record-conditioned floor vote: :math:`\kappa^*` beside the consent tables.

``legislature.vote_noise_scale = "calibrated"`` asks for :math:`\kappa^*`
(:func:`burdenshare.engine.record_vote.calibrate_vote_noise`): up to
:data:`~burdenshare.engine.agenda.MAX_EVALUATIONS` plays of the engine's kernel over the first
:data:`~burdenshare.engine.agenda.CALIBRATION_DRAWS` draws of a run's seed on its bank.  The result
is a function of

* the scenario (every field but its provenance: the kernel plays Level I as well as Level II,
  so the negotiators' strategies and the ``[[uncertainty]]`` list enter as much as the legislature),
* the data directory's contents (:func:`burdenshare.data.table.directory_fingerprint`; the scenario's
  ``levers.as_of`` and ``hindsight`` choose the view of it the run reads),
* the record of submissions known at ``as_of`` and its Jeffreys target
  (:func:`burdenshare.legislature.record.submission_record`,
  :func:`burdenshare.legislature.agenda.record_check`), named in the key as well,
* the run's seed and bank size (the calibration sample and the bank's members; not its draws:
  the sample is the first draws of the seed whatever the run's size),
* the search (:data:`~burdenshare.engine.record_vote.BRACKET`, the calibration sample's size and
  the evaluation budget), and the code: the package version, a digest of every Python source and
  bundled data file of the package (:func:`package_digest`; the kernel reads ``bargaining`` as
  well as the modules the consent tables' :func:`~burdenshare.engine.consent_cache.code_digest`
  covers) and the versions of numpy, scipy and numba.

:func:`calibration_key` hashes all of these (SHA-256), so an entry is found only for the same
inputs: a new process (a CLI start, a worker) reads :math:`\kappa^*` instead of computing it, and
:func:`burdenshare.engine.floor_vote.floor_vote` then builds no consent bank at all.

**Where.**  The consent cache's folder (:func:`burdenshare.engine.consent_cache.cache_dir`:
``$BURDENSHARE_CACHE_DIR``, ``off`` disables both), one small JSON file ``<key>.kappa`` per entry
beside the tables' ``.npz`` files; deleting it at any time is safe.

**Never trusted.**  An entry is used only if it parses, carries :data:`FORMAT` and the key it was
asked for, matches the SHA-256 of its calibration stored inside it, names the record and target
the key was computed from, and satisfies the rule's own invariants (a :math:`\kappa` in the
bracket; counts with rejections at most submissions and the rate their quotient; the sample's
size; evaluations within the budget; a :math:`\kappa < 1` only where the target was reached and
met, an unreached target only at :math:`\kappa = 1`).  Anything else (a truncated file, an entry
for other inputs, a hand-edited value) is ignored and :math:`\kappa^*` computed again and
rewritten.  Writes go to a temporary file renamed into place.

The mechanism (key, reading, sealing, writing) is :mod:`burdenshare.engine.calibration_cache`,
shared with :math:`\theta^*` (:mod:`burdenshare.engine.agenda_cache`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from burdenshare.engine.agenda import CALIBRATION_DRAWS, MAX_EVALUATIONS
from burdenshare.engine.calibration_cache import (cached_entry, entry_key, entry_path, entry_sha, load_entry,
                                                  package_digest, record_of, store_entry)
from burdenshare.engine.record_vote import BRACKET, VoteNoiseCalibration, calibrate_vote_noise, vote_noise_conditioned

__all__ = ["FORMAT", "cached_calibration", "calibration_key", "load_calibration", "package_digest", "store_calibration",
           "vote_noise_cached"]

#: Bumped when the layout of an entry changes.
FORMAT: str = "floor-vote-kappa-1"
#: The entry's file suffix.
SUFFIX: str = "kappa"

_record = record_of
_sha = entry_sha


def calibration_key(scenario: Any, seed: int, bank_size: int) -> str:
    """The key of :math:`\\kappa^*` for ``scenario`` calibrated on the run of ``seed`` and ``bank_size``
    (module docstring: everything the calibration depends on)."""
    return entry_key(FORMAT, scenario, seed, bank_size,
                     [CALIBRATION_DRAWS, MAX_EVALUATIONS, [float(b).hex() for b in BRACKET]])


def _path(key: str) -> Path | None:
    return entry_path(key, SUFFIX)


def _valid(c: dict[str, Any], target: float) -> bool:
    """The rule's own invariants (module docstring) on a stored calibration."""
    kappa = c["kappa"]
    if not (BRACKET[0] <= kappa <= BRACKET[1] and 0.0 <= c["rate_unscaled"] <= 1.0):
        return False
    if kappa < BRACKET[1]:  # a sharpened vote: the target was reached and met there
        return bool(c["reached"]) and c["rate"] <= target and c["rate_unscaled"] > target
    # the model as specified: it met the target itself, or no scale in the bracket did
    return (c["rate"] == c["rate_unscaled"]) and ((c["rate"] <= target) == c["reached"])


def load_calibration(key: str, scenario: Any) -> VoteNoiseCalibration | None:
    """The stored :math:`\\kappa^*` calibration for ``key`` (of ``scenario``), or ``None`` when absent,
    unreadable, foreign or inconsistent (module docstring)."""
    return load_entry(key, SUFFIX, FORMAT, VoteNoiseCalibration, scenario, _valid)


def store_calibration(key: str, cal: VoteNoiseCalibration) -> None:
    """Write the entry for ``key``; a cache that cannot be written is skipped (it only saves time)."""
    store_entry(key, SUFFIX, FORMAT, cal)


def cached_calibration(scenario: Any, seed: int, bank_size: int,
                       compute: Callable[[], VoteNoiseCalibration]) -> VoteNoiseCalibration:
    """:math:`\\kappa^*` of ``scenario`` on the run of ``seed`` and ``bank_size``: the stored entry where a
    valid one exists, else ``compute()`` (the engine's calibration of that run), stored for next time."""
    return cached_entry(calibration_key(scenario, seed, bank_size), SUFFIX, FORMAT, VoteNoiseCalibration, scenario,
                        _valid, compute)


def vote_noise_cached(specified: Any) -> tuple[Any, VoteNoiseCalibration | None]:
    """:func:`~burdenshare.engine.record_vote.vote_noise_conditioned` of a setup as
    :func:`~burdenshare.engine.prepare.prepare_specified` builds it (so its scenario, seed and bank
    size name its tables and draws), with a ``"calibrated"`` :math:`\\kappa^*` from the disk cache where
    a valid entry exists (:func:`cached_calibration`): the same setup, bit for bit, as computing it."""
    from burdenshare.engine.agenda import CALIBRATED

    if getattr(specified.scenario.legislature, "vote_noise_scale", 1.0) != CALIBRATED:
        return vote_noise_conditioned(specified)
    cal = cached_calibration(specified.scenario, specified.config.seed, specified.bank.size,
                             lambda: calibrate_vote_noise(specified))
    return vote_noise_conditioned(specified, calibration=cal)
