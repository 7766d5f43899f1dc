r"""On-disk entries of the record calibrations (:math:`\kappa^*` and :math:`\theta^*`): key, read, write.

The two record rules (:mod:`burdenshare.engine.record_calibration`) are each a search of up to
:data:`~burdenshare.engine.agenda.MAX_EVALUATIONS` plays of the engine's kernel over the first
:data:`~burdenshare.engine.agenda.CALIBRATION_DRAWS` draws of a run's seed on its bank.  Their
result is a function of

* the scenario (every field but its provenance: the kernel plays Level I as well as Level II,
  so the negotiators' strategies and the ``[[uncertainty]]`` list enter as much as the legislature),
* the data directory's contents (:func:`burdenshare.data.table.directory_fingerprint`; the scenario's
  ``levers.as_of`` and ``hindsight`` choose the view of it the run reads),
* the record of submissions known at ``as_of`` and its Jeffreys target
  (:func:`burdenshare.legislature.record.submission_record`,
  :func:`burdenshare.legislature.agenda.record_check`), named in the key as well,
* the run's seed and bank size (the calibration sample and the bank's members; not its draws:
  the sample is the first draws of the seed whatever the run's size),
* the rule's search (its bracket, the sample's size and the evaluation budget), and the code: the
  package version, a digest of every Python source and bundled data file of the package
  (:func:`package_digest`) and the versions of numpy, scipy and numba.

:func:`entry_key` hashes all of these with the rule's entry format (SHA-256), so an entry is found
only for the same inputs and the same rule.  The entries live in the consent cache's folder
(:func:`burdenshare.engine.consent_cache.cache_dir`: ``$BURDENSHARE_CACHE_DIR``, ``off`` disables
them), one small JSON file ``<key>.<suffix>`` each; deleting one at any time is safe.

**Never trusted.**  :func:`load_entry` returns a calibration only if the file parses, carries the
rule's format and the key it was asked for, matches the SHA-256 of its calibration stored inside
it, has exactly the calibration's fields with their types, names the record and target the key
was computed from, and satisfies the invariants both rules share (:func:`shared_invariants`) and
the rule's own.  Anything else is a miss: the caller computes the calibration again and rewrites
it.  Writes go to a temporary file renamed into place (:func:`store_entry`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from burdenshare.engine.agenda import CALIBRATION_DRAWS, MAX_EVALUATIONS
from burdenshare.engine.consent_cache import _atomic_write, cache_dir
from burdenshare.engine.record_calibration import RecordCalibration
from burdenshare.legislature.record import Submission

__all__ = ["entry_key", "entry_path", "entry_sha", "load_entry", "package_digest", "record_json", "record_of",
           "shared_invariants", "store_entry"]

C = TypeVar("C", bound=RecordCalibration)


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


def record_json(record: tuple[Submission, ...]) -> list[list[Any]]:
    """The record as JSON values, ``[[sma, date, passed], ...]``."""
    return [[int(s.sma_number), s.date.isoformat(), bool(s.passed)] for s in record]


def record_of(scenario: Any) -> tuple[tuple[Submission, ...], float]:
    """The record known at the scenario's ``as_of`` and its target, as the calibrations read them: the
    Jeffreys posterior mean of the rejection rate, (1/2 + rejected) / (k + 1) of k submissions
    (:func:`burdenshare.legislature.agenda.record_check`, without its scipy quantile)."""
    from burdenshare.legislature.record import submission_record

    record = submission_record(scenario.levers.as_of)
    rejected = sum(1 for s in record if not s.passed)
    return record, (0.5 + rejected) / (len(record) + 1.0)


def entry_key(fmt: str, scenario: Any, seed: int, bank_size: int, search: list[Any]) -> str:
    """The key of the calibration of format ``fmt`` for ``scenario`` on the run of ``seed`` and
    ``bank_size`` by the search ``search`` (JSON values; module docstring: everything it depends on)."""
    import numba
    import numpy
    import scipy

    from burdenshare._version import __version__
    from burdenshare.data.table import directory_fingerprint

    model = scenario.model_dump(mode="json", by_alias=True)
    model.pop("provenance", None)  # where values come from does not change results (as the run identity)
    record, target = record_of(scenario)
    payload = [fmt, __version__, package_digest(),
               {"numpy": numpy.__version__, "scipy": scipy.__version__, "numba": numba.__version__},
               model, directory_fingerprint(), record_json(record), float(target).hex(), int(seed), int(bank_size),
               *search]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_path(key: str, suffix: str) -> Path | None:
    """``<cache_dir>/<key>.<suffix>``, or ``None`` where the cache is off."""
    root = cache_dir()
    return None if root is None else root / f"{key}.{suffix}"


def _fields(cal: RecordCalibration) -> dict[str, Any]:
    """The calibration as JSON values (the record as ``[[sma, date, passed], ...]``)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cal):
        v = getattr(cal, f.name)
        out[f.name] = record_json(v) if f.name == "record" else v
    return out


def entry_sha(fields: dict[str, Any]) -> str:
    """SHA-256 of a stored calibration's fields (the seal inside an entry)."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shared_invariants(c: dict[str, Any], cls: type[RecordCalibration], record: tuple[Submission, ...],
                      target: float) -> bool:
    """What every stored record calibration satisfies: exactly the fields of ``cls``, floats as floats
    and counts as ints (a ``bool`` ``reached``), the record and target of the key, rejections at most
    submissions and the rate their quotient, the sample's size, evaluations within the budget and a
    threshold in [0, 1]."""
    if set(c) != {f.name for f in dataclasses.fields(cls)}:
        return False
    floats = [f.name for f in dataclasses.fields(cls) if f.type in ("float", float)]
    ints = [f.name for f in dataclasses.fields(cls) if f.type in ("int", int)]
    if not all(type(c[k]) is float for k in floats) or not all(type(c[k]) is int for k in ints):
        return False
    if type(c["reached"]) is not bool or c["record"] != record_json(record) or c["target"] != target:
        return False
    rej, sub = c["rejections"], c["submissions"]
    if not (0 <= rej <= sub and 0.0 <= c["threshold"] <= 1.0 and c["rate"] == (rej / sub if sub else 0.0)):
        return False
    return c["draws"] == CALIBRATION_DRAWS and 1 <= c["evaluations"] <= MAX_EVALUATIONS


def load_entry(key: str, suffix: str, fmt: str, cls: type[C], scenario: Any,
               valid: Callable[[dict[str, Any], float], bool]) -> C | None:
    """The stored calibration of type ``cls`` for ``key`` (of ``scenario``), or ``None`` when absent,
    unreadable, foreign or inconsistent: beyond :func:`shared_invariants`, ``valid(fields, target)``
    checks the rule's own invariants."""
    try:
        path = entry_path(key, suffix)
        if path is None or not path.is_file():
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or set(entry) != {"format", "key", "calibration", "sha"}:
            return None
        if entry["format"] != fmt or entry["key"] != key or not isinstance(entry["calibration"], dict):
            return None
        c = entry["calibration"]
        if entry["sha"] != entry_sha(c):
            return None
        record, target = record_of(scenario)
        if not shared_invariants(c, cls, record, target) or not valid(c, target):
            return None
        return cls(**{**c, "record": record})
    except Exception:  # a corrupt entry is a miss, never an error
        return None


def store_entry(key: str, suffix: str, fmt: str, cal: RecordCalibration) -> None:
    """Write the entry for ``key``; a cache that cannot be written is skipped (it only saves time)."""
    try:
        path = entry_path(key, suffix)
        if path is None:
            return
        c = _fields(cal)
        text = json.dumps({"format": fmt, "key": key, "calibration": c, "sha": entry_sha(c)}, sort_keys=True, indent=1,
                          allow_nan=False) + "\n"
        _atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
    except (OSError, ValueError, TypeError):
        return


def cached_entry(key: str, suffix: str, fmt: str, cls: type[C], scenario: Any,
                 valid: Callable[[dict[str, Any], float], bool], compute: Callable[[], C]) -> C:
    """The stored calibration for ``key`` where a valid one exists (:func:`load_entry`), else
    ``compute()``, stored for next time (:func:`store_entry`)."""
    cal = load_entry(key, suffix, fmt, cls, scenario, valid)
    if cal is None:
        cal = compute()
        store_entry(key, suffix, fmt, cal)
    return cal
