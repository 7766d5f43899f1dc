"""On-disk cache of consent tables, keyed by exactly what Level II reads.

A bank member's table (:mod:`burdenshare.engine.consent`) is a function of the legislature
models at the round dates (:class:`~burdenshare.legislature.model.LegislatureModel`: blocs,
seats, attendance, positions, discipline, noise, quorum and majority rules), the medians of the
executive's base, the table's amounts and the allowed durations, and of the code that computes
it.  Two keys name an entry:

* the **exact key** hashes those inputs themselves, so two runs whose legislatures coincide share
  the table whatever else differs (a lever that does not reach Level II, such as the ask at
  transparency 0, or the points of a sweep over Level-I fields);
* the **member key** hashes the member's scenario data (the dump that is validated into the member,
  :func:`burdenshare.engine.consent.bank_members`) without the fields Level II never reads (the
  negotiators' strategies, the ``[[uncertainty]]`` list, names and outputs, and the ask
  ``levers.us_ask_usd`` at ``levers.transparency = 0``, where no itemized statement carries it to
  opinion) with the data
  fingerprint (:func:`burdenshare.data.fingerprint`), the dates, durations and amounts: a run repeated in a new process finds its tables without validating a
  member's scenario or building a single legislature model.  It is an alias of an exact key.

Both keys include :data:`CACHE_FORMAT` and a digest of the package's source and data files
(:func:`code_digest`), so a new version never reads an old table.

**Where.**  ``$BURDENSHARE_CACHE_DIR`` (``off`` disables the cache), else
``$XDG_CACHE_HOME/burdenshare`` or ``~/.cache/burdenshare``; entries live in its ``consent/``
folder, one ``.npz`` file per exact key and one small alias file per member key (and the floor
vote's :math:`\\kappa^*`, ``.kappa`` files, :mod:`burdenshare.engine.floor_vote_cache`); deleting the
folder at any time is safe.

**Never trusted.**  An entry is used only if it loads, names the key it was asked for, carries
arrays of the expected shapes with finite probabilities in [0, 1], and matches the SHA-256 of its
arrays stored inside it; anything else (a truncated file, an entry written for other inputs, a
file put there by hand) is ignored and rebuilt.  Writes go to a temporary file renamed into
place, so a reader never sees half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["CACHE_FORMAT", "cache_dir", "code_digest", "exact_key", "load_table", "member_key", "store_table"]

#: Bumped when the layout of an entry changes.
CACHE_FORMAT: str = "consent-table-2"

# fields of a scenario that Level II never reads (member key)
_NOT_LEVEL_TWO = ("strategies", "uncertainty", "name", "title", "description", "provenance", "outputs")


def cache_dir() -> Path | None:
    """The consent cache folder (module docstring), ``None`` when disabled."""
    env = os.environ.get("BURDENSHARE_CACHE_DIR")
    if env is not None:
        if env.strip().lower() in ("", "off", "0", "none"):
            return None
        root = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "burdenshare"
    return root / "consent"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the package's Python sources and bundled data files (read once per process)."""
    import burdenshare

    pkg = Path(burdenshare.__file__).parent
    h = hashlib.sha256()
    for sub in ("legislature", "opinion", "theory", "engine", "scenario", "data"):
        for path in sorted((pkg / sub).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".csv", ".toml", ".json", ".txt"):
                h.update(str(path.relative_to(pkg)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def _digest(payload: Any) -> str:
    text = json.dumps([CACHE_FORMAT, code_digest(), payload], sort_keys=True, default=repr, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _grid(dates: Any, durations: NDArray[np.int64], amounts: NDArray[np.float64]) -> list[Any]:
    return [[str(d) for d in dates], [int(m) for m in durations], [float(a).hex() for a in amounts]]


def member_key(member_dump: dict[str, Any], dates: Any, durations: NDArray[np.int64],
               amounts: NDArray[np.float64]) -> str:
    """Key of a member's table from its scenario data (``model_dump(mode="python", by_alias=True)`` with the
    member's values set; dates, like every value, enter through their ``repr``)."""
    from burdenshare.data import fingerprint  # the data in use: part of the run identity too

    kept = {k: v for k, v in member_dump.items() if k not in _NOT_LEVEL_TWO}
    lev = kept.get("levers")
    if isinstance(lev, dict) and "us_ask_usd" in lev and float(lev.get("transparency", 1.0)) == 0.0:
        # Level II reads the ask only through the itemized statement, at transparency > 0
        # (burdenshare.opinion.from_scenario.scenario_opinion); where it moves the table's amounts
        # (the lowest reachable demand), the amounts below name the difference.
        kept = {**kept, "levers": {k: v for k, v in lev.items() if k != "us_ask_usd"}}
    return _digest(["member", fingerprint(), kept, _grid(dates, durations, amounts)])


def exact_key(models: list[Any], base_medians: list[float], dates: Any, durations: NDArray[np.int64],
              amounts: NDArray[np.float64]) -> str:
    """Key of a table from the legislature models and base medians it is computed from."""
    fields = []
    for m in models:
        d = {}
        for name in type(m).__dataclass_fields__:
            if name == "notes":
                continue
            v = getattr(m, name)
            d[name] = [float(x).hex() if isinstance(x, float) else x for x in v] if isinstance(v, tuple) else (
                float(v).hex() if isinstance(v, float) else str(v))
        fields.append(d)
    return _digest(["exact", fields, [float(x).hex() for x in base_medians], _grid(dates, durations, amounts)])


def _arrays_sha(table: NDArray[np.float64], base: NDArray[np.float64]) -> str:
    h = hashlib.sha256()
    for a in (table, base):
        h.update(str(a.shape).encode())
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def _entry(key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / f"{key}.npz"


def _alias(key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / f"{key}.alias"


def load_table(key: str, shape: tuple[int, ...], *, alias: bool = False
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The cached ``(table (R, D, J), base_log_median (R,))`` for ``key``, or ``None``.

    ``alias=True`` resolves a member key to its exact key first.  Anything unreadable, foreign or
    inconsistent returns ``None`` (module docstring).
    """
    try:
        if alias:
            ap = _alias(key)
            if ap is None or not ap.is_file():
                return None
            text = ap.read_text(encoding="ascii").split()
            if len(text) != 2 or text[0] != key or len(text[1]) != 64:
                return None
            key = text[1]
        path = _entry(key)
        if path is None or not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None
            table = np.array(z["table"], dtype=np.float64)
            base = np.array(z["base"], dtype=np.float64)
            sha = str(z["sha"])
        if table.shape != shape or base.shape != shape[:1]:
            return None
        if not (np.all(np.isfinite(table)) and np.all((table >= 0.0) & (table <= 1.0)) and np.all(np.isfinite(base))):
            return None
        if _arrays_sha(table, base) != sha:
            return None
        return table, base
    except Exception:  # a corrupt entry is a miss, never an error
        return None


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def store_table(key: str, table: NDArray[np.float64], base: NDArray[np.float64], *, alias_of: str | None = None) -> None:
    """Write the entry for exact ``key`` (and, with ``alias_of``, the member key pointing at it).

    A cache that cannot be written (read-only, full) is skipped silently: it only saves time.
    """
    try:
        path = _entry(key)
        if path is None:
            return
        if not path.is_file():
            sha = _arrays_sha(table, base)
            _atomic_write(path, lambda fh: np.savez(fh, key=np.array(key), table=table, base=base, sha=np.array(sha)))
        if alias_of is not None:
            ap = _alias(alias_of)
            if ap is not None:
                _atomic_write(ap, lambda fh: fh.write(f"{alias_of} {key}\n".encode("ascii")))
    except OSError:
        return
