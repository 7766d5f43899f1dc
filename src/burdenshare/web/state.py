"""The server's access to its results store: one DuckDB database, one connection per use.

The server process opens the store once (it is the only writer).  Request handlers read through
their own cursor of that connection (:meth:`StoreAccess.reader`); recording goes through
:meth:`StoreAccess.writer`, which holds the write lock, so runs and sweeps finishing at once
write one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from burdenshare.store import ResultsStore, open_store

__all__ = ["StoreAccess"]


class StoreAccess:
    """The server's store (see the module docstring)."""

    def __init__(self, path: str | Path | None) -> None:
        self._store = open_store(path)
        self.path = self._store.path
        self._write = threading.Lock()
        self._cursor = threading.Lock()

    def _open(self) -> ResultsStore:
        with self._cursor:
            con = self._store.con.cursor()
        return ResultsStore(con, self.path, False)

    @contextmanager
    def reader(self) -> Iterator[ResultsStore]:
        """A store on a cursor of its own (reads)."""
        st = self._open()
        try:
            yield st
        finally:
            st.close()

    @contextmanager
    def writer(self) -> Iterator[ResultsStore]:
        """A store on a cursor of its own, holding the write lock."""
        with self._write:
            st = self._open()
            try:
                yield st
            finally:
                st.close()

    def close(self) -> None:
        self._store.close()
