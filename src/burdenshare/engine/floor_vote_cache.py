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
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from burdenshare.engine.agenda import CALIBRATION_DRAWS, MAX_EVALUATIONS
from burdenshare.engine.consent_cache import _atomic_write, cache_dir
from burdenshare.engine.record_vote import BRACKET, VoteNoiseCalibration, calibrate_vote_noise, vote_noise_conditioned
from burdenshare.legislature.record import Submission

__all__ = ["FORMAT", "cached_calibration", "calibration_key", "load_calibration", "package_digest", "store_calibration",
           "vote_noise_cached"]

#: Bumped when the layout of an entry changes.
FORMAT: str = "floor-vote-kappa-1"

_FLOATS = ("kappa", "target", "threshold", "rate", "rate_unscaled")
_INTS = ("rejections", "submissions", "draws", "evaluations")


@lru_cache(maxsize=1)
def package_digest() -> str:
    """SHA-256 of every Python source and bundled data file of the package (read once per process)."""
    import burdenshare

    pkg = Path(burdenshare.__file__).parent
    h = hashlib.sha256()
    for path in sorted(pkg.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".toml", ".json", ".txt") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(pkg)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _record_json(record: tuple[Submission, ...]) -> list[list[Any]]:
    return [[int(s.sma_number), s.date.isoformat(), bool(s.passed)] for s in record]


def _record(scenario: Any) -> tuple[tuple[Submission, ...], float]:
    """The record known at the scenario's ``as_of`` and its target, as the calibration reads them: the
    Jeffreys posterior mean of the rejection rate, (1/2 + rejected) / (k + 1) of k submissions
    (:func:`burdenshare.legislature.agenda.record_check`, without its scipy quantile)."""
    from burdenshare.legislature.record import submission_record

    record = submission_record(scenario.levers.as_of)
    rejected = sum(1 for s in record if not s.passed)
    return record, (0.5 + rejected) / (len(record) + 1.0)


def calibration_key(scenario: Any, seed: int, bank_size: int) -> str:
    """The key of :math:`\\kappa^*` for ``scenario`` calibrated on the run of ``seed`` and ``bank_size``
    (module docstring: everything the calibration depends on)."""
    import numba
    import numpy
    import scipy

    from burdenshare._version import __version__
    from burdenshare.data.table import directory_fingerprint

    model = scenario.model_dump(mode="json", by_alias=True)
    model.pop("provenance", None)  # where values come from does not change results (as the run identity)
    record, target = _record(scenario)
    payload = [FORMAT, __version__, package_digest(),
               {"numpy": numpy.__version__, "scipy": scipy.__version__, "numba": numba.__version__},
               model, directory_fingerprint(), _record_json(record), float(target).hex(), int(seed), int(bank_size),
               CALIBRATION_DRAWS, MAX_EVALUATIONS, [float(b).hex() for b in BRACKET]]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _path(key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / f"{key}.kappa"


def _fields(cal: VoteNoiseCalibration) -> dict[str, Any]:
    """The calibration as JSON values (the record as ``[[sma, date, passed], ...]``)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cal):
        v = getattr(cal, f.name)
        out[f.name] = _record_json(v) if f.name == "record" else v
    return out


def _sha(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _valid(c: dict[str, Any], record: tuple[Submission, ...], target: float) -> bool:
    """The rule's invariants (module docstring) on a stored calibration."""
    names = {f.name for f in dataclasses.fields(VoteNoiseCalibration)}
    if set(c) != names:
        return False
    if not all(type(c[k]) is float for k in _FLOATS) or not all(type(c[k]) is int for k in _INTS):
        return False
    if type(c["reached"]) is not bool or c["record"] != _record_json(record) or c["target"] != target:
        return False
    kappa, rej, sub = c["kappa"], c["rejections"], c["submissions"]
    if not (BRACKET[0] <= kappa <= BRACKET[1] and 0 <= rej <= sub and 0.0 <= c["threshold"] <= 1.0):
        return False
    if c["rate"] != (rej / sub if sub else 0.0) or not 0.0 <= c["rate_unscaled"] <= 1.0:
        return False
    if c["draws"] != CALIBRATION_DRAWS or not 1 <= c["evaluations"] <= MAX_EVALUATIONS:
        return False
    if kappa < BRACKET[1]:  # a sharpened vote: the target was reached and met there
        return bool(c["reached"]) and c["rate"] <= target and c["rate_unscaled"] > target
    # the model as specified: it met the target itself, or no scale in the bracket did
    return (c["rate"] == c["rate_unscaled"]) and ((c["rate"] <= target) == c["reached"])


def load_calibration(key: str, scenario: Any) -> VoteNoiseCalibration | None:
    """The stored :math:`\\kappa^*` calibration for ``key`` (of ``scenario``), or ``None`` when absent,
    unreadable, foreign or inconsistent (module docstring)."""
    try:
        path = _path(key)
        if path is None or not path.is_file():
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or set(entry) != {"format", "key", "calibration", "sha"}:
            return None
        if entry["format"] != FORMAT or entry["key"] != key or not isinstance(entry["calibration"], dict):
            return None
        c = entry["calibration"]
        if entry["sha"] != _sha(c):
            return None
        record, target = _record(scenario)
        if not _valid(c, record, target):
            return None
        return VoteNoiseCalibration(**{**c, "record": record})
    except Exception:  # a corrupt entry is a miss, never an error
        return None


def store_calibration(key: str, cal: VoteNoiseCalibration) -> None:
    """Write the entry for ``key``; a cache that cannot be written is skipped (it only saves time)."""
    try:
        path = _path(key)
        if path is None:
            return
        c = _fields(cal)
        text = json.dumps({"format": FORMAT, "key": key, "calibration": c, "sha": _sha(c)}, sort_keys=True, indent=1,
                          allow_nan=False) + "\n"
        _atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
    except (OSError, ValueError, TypeError):
        return


def cached_calibration(scenario: Any, seed: int, bank_size: int,
                       compute: Callable[[], VoteNoiseCalibration]) -> VoteNoiseCalibration:
    """:math:`\\kappa^*` of ``scenario`` on the run of ``seed`` and ``bank_size``: the stored entry where a
    valid one exists, else ``compute()`` (the engine's calibration of that run), stored for next time."""
    key = calibration_key(scenario, seed, bank_size)
    cal = load_calibration(key, scenario)
    if cal is None:
        cal = compute()
        store_calibration(key, cal)
    return cal


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
