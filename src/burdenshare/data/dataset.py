"""Which data the program reads: a data directory seen as of a date.

A :class:`Dataset` names a data directory (``None``: the bundled ``burdenshare/data/files/``) and an
optional as-of date.  One dataset is *active* at a time (a :class:`contextvars.ContextVar`, so
threads and tasks each see their own): :func:`burdenshare.data.load` and every helper built on it
read the active dataset and see only the rows whose information date
(:mod:`burdenshare.data.contract`) is on or before its ``as_of``.  :func:`using` makes a dataset
active for a block; :func:`open_dataset` checks a directory against the data contract first.

Caches of values derived from the data are kept per dataset (:func:`per_dataset`), so two
datasets never share an answer.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

__all__ = ["Dataset", "active", "using", "open_dataset", "info_date", "per_dataset", "cache_key", "record",
           "reopen"]


@dataclass(frozen=True, slots=True)
class Dataset:
    """A data directory seen as of a date.

    Attributes
    ----------
    directory
        An absolute data directory, or None for the bundled data.
    as_of
        Only rows whose information date is on or before this day are seen; None sees every row.
    """

    directory: Path | None = None
    as_of: _dt.date | None = None

    def label(self) -> str:
        """Short text for messages and outputs: ``bundled data`` or the directory, with the as-of date."""
        where = "bundled data" if self.directory is None else str(self.directory)
        return where if self.as_of is None else f"{where} as of {self.as_of.isoformat()}"


_ACTIVE: ContextVar[Dataset] = ContextVar("burdenshare_dataset", default=Dataset())
_GENERATION = [0]  # bumped when a directory's files changed on disk: derived caches start afresh


def active() -> Dataset:
    """The dataset the data helpers read now (the bundled data, no as-of date, unless :func:`using` says otherwise)."""
    return _ACTIVE.get()


@contextmanager
def using(dataset: Dataset) -> Iterator[Dataset]:
    """Make ``dataset`` the active one inside the ``with`` block (restored on exit, also on error).

    Examples
    --------
    >>> import datetime
    >>> from burdenshare.data import load, open_dataset, using
    >>> with using(open_dataset(as_of=datetime.date(2019, 1, 1))):
    ...     len(load("sma_history"))  # the 10th SMA was signed on 2019-03-08
    9
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"using() needs a Dataset, got {type(dataset).__name__}")
    token = _ACTIVE.set(dataset)
    try:
        yield dataset
    finally:
        _ACTIVE.reset(token)


def open_dataset(directory: str | Path | None = None, *, as_of: _dt.date | None = None) -> Dataset:
    """Check a data directory against the data contract and return it as a :class:`Dataset`.

    Every required file must be present with its exact header (docs/data-contract.md), every row
    must parse and have a derivable information date.  A directory read before whose files have
    changed since (size or modification time) is read afresh.

    Parameters
    ----------
    directory
        A data directory; None for the bundled data.
    as_of
        See only the rows known on this day; None sees every row.

    Raises
    ------
    DataError
        One line naming the file, line and column that breaks the contract (or the directory
        that does not exist).

    Examples
    --------
    >>> import datetime
    >>> open_dataset(as_of=datetime.date(2020, 3, 11)).label()
    'bundled data as of 2020-03-11'
    """
    from burdenshare.data.table import TABLE_NAMES, _parse, _registry
    from burdenshare.errors import DataError

    if as_of is not None and (not isinstance(as_of, _dt.date) or isinstance(as_of, _dt.datetime)):
        raise DataError(f"got {as_of!r}; allowed: a datetime.date or None", field="as_of")
    path: Path | None = None
    if directory is not None:
        path = Path(directory).expanduser().resolve()
        if not path.is_dir():
            raise DataError(f"{str(directory)!r} is not a directory; allowed: a data directory "
                            "(docs/data-contract.md)", field="--data")
        stamp = _stamp(path)
        if _STAMPS.get(path, stamp) != stamp:
            _new_generation()
        _STAMPS[path] = stamp
    generation = _GENERATION[0]
    _registry(path, generation)  # the README (its source registry)
    for name in TABLE_NAMES:
        _parse(path, name, generation)
    return Dataset(path, as_of)


_STAMPS: dict[Path, tuple[tuple[str, int, int], ...]] = {}


def _stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    from burdenshare.data.contract import README, REQUIRED_COLUMNS

    out = []
    for filename in (*(f"{n}.csv" for n in REQUIRED_COLUMNS), README):
        try:
            st = (path / filename).stat()
            out.append((filename, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((filename, -1, -1))
    return tuple(out)


def info_date(table_name: str, row: Any) -> _dt.date:
    """The information date of one row of a table (docs/data-contract.md).

    Parameters
    ----------
    table_name
        One of :data:`burdenshare.data.TABLE_NAMES`.
    row
        The row's cells (a row of :func:`burdenshare.data.load`, typed or verbatim).  A row of
        ``sma_annual_contributions`` reads the signing date of its SMA from the active dataset's
        ``sma_history``.

    Raises
    ------
    DataError
        No date can be derived (naming the column), or the table is unknown.

    Examples
    --------
    >>> from burdenshare.data import load
    >>> info_date("polls", load("polls").rows[0]).isoformat()  # release_date 2019-01/02
    '2019-02-28'
    """
    from burdenshare.data.contract import DATE_RULES, row_info_date
    from burdenshare.data.table import _parse
    from burdenshare.errors import DataError

    if table_name not in DATE_RULES:
        raise DataError(f"unknown table {table_name!r}; allowed: {', '.join(DATE_RULES)}", field="table_name")
    signed: dict[int, _dt.date] = {}
    if table_name == "sma_annual_contributions":
        dataset, generation = cache_key()
        history = _parse(dataset.directory, "sma_history", generation)
        signed = {int(r["sma_number"]): d for r, d in zip(history.rows, history.info_dates)
                  if isinstance(r["sma_number"], float) and float(r["sma_number"]).is_integer()}
    return row_info_date(table_name, row, signed, source=f"{table_name}.csv")


def record() -> dict[str, str | None]:
    """The active dataset as stored with a run: directory (None: bundled), as-of date and fingerprint."""
    from burdenshare.data.table import fingerprint

    ds = active()
    return {"directory": None if ds.directory is None else str(ds.directory),
            "as_of": None if ds.as_of is None else ds.as_of.isoformat(), "fingerprint": fingerprint()}


def reopen(recorded: Any, *, what: str = "the run") -> Dataset:
    """The dataset a stored run was made with (:func:`record`), checked against its fingerprint.

    The recorded directory is used, unless a data directory is active now (``--data DIR`` names
    where the data moved to); either way its contents must give the recorded fingerprint.  A
    record without data (made before data directories existed) is the bundled data.

    Raises
    ------
    DataError
        The directory breaks the contract, or its contents differ from those the run was made with.
    """
    from burdenshare.data.table import fingerprint
    from burdenshare.errors import DataError

    if not isinstance(recorded, dict) or not recorded:
        return Dataset()
    now = active()
    directory = now.directory if now.directory is not None else recorded.get("directory")
    as_of = recorded.get("as_of")
    ds = open_dataset(directory, as_of=None if as_of is None else _dt.date.fromisoformat(str(as_of)))
    with using(ds):
        same = fingerprint() == recorded.get("fingerprint")
    if not same:
        where = "the bundled data" if directory is None else repr(str(directory))
        raise DataError(f"{what} was made with other data than {where} holds now (fingerprint "
                        f"{str(recorded.get('fingerprint'))[:12]}); give the original data with --data DIR",
                        field="--data")
    return ds


def cache_key() -> tuple[Dataset, int]:
    """The key of the active dataset's caches: the dataset and the generation of the files read."""
    return (_ACTIVE.get(), _GENERATION[0])


def _new_generation() -> None:
    _GENERATION[0] += 1


P = ParamSpec("P")
R = TypeVar("R")


def per_dataset(maxsize: int | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Like :func:`functools.lru_cache`, with the active dataset as part of every key.

    Use it for any cached value derived from the data (a fit to polls, a calibration to votes).
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.lru_cache(maxsize=maxsize)
        def keyed(key: tuple[Dataset, int], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> R:
            return fn(*args, **dict(kwargs))

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return keyed(cache_key(), args, tuple(sorted(kwargs.items())))

        wrapper.cache_clear = keyed.cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate
