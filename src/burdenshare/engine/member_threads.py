"""A bank's members' tables in two threads: the exact kernel of one member beside the Python of the next.

A bank member's consent table (:func:`burdenshare.engine.consent._member_table`) is two kinds of
work: Python (validating the member's scenario, its legislature models and opinion states, the
quadrature nodes, the disk cache) and the compiled exact kernel
(:func:`burdenshare.legislature._lane_kernels.margin_tail_lanes_table`, about 40 % of a member on
``sma-2020-hindsight``), which releases the GIL (``nogil=True``).  :func:`map_members` computes the
members in :func:`table_threads` threads, so one thread's kernel runs on a second core while
another thread runs a member's Python.  Members are independent and each is computed by the same
code on the same inputs, so the tables are the ones the serial loop gives, bit for bit, in member
order (the threads only share memos of frozen values and the disk cache, whose writes are atomic).
Each task runs in a copy of the caller's :mod:`contextvars` context, so it reads the same data
vintage (:func:`burdenshare.scenario.vintage.reads_as_of`) as the caller.

On one free core the threads take turns and the time is that of the serial loop; the gain is the
kernel's share of the wall time when a second core is free.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["DEFAULT_TABLE_THREADS", "ENV", "MAX_TABLE_THREADS", "TABLE_THREADS", "map_members", "table_threads"]

T = TypeVar("T")
R = TypeVar("R")

#: The environment variable that sets the threads.
ENV: str = "BURDENSHARE_TABLE_THREADS"
#: Threads when :data:`ENV` is unset or empty.
DEFAULT_TABLE_THREADS: int = 2
#: Most threads :data:`ENV` may ask for (more than the cores gain nothing; they are capped at the cores).
MAX_TABLE_THREADS: int = 64


def table_threads() -> int:
    """Threads computing a bank's members: ``$BURDENSHARE_TABLE_THREADS`` (an integer in
    1..:data:`MAX_TABLE_THREADS`; unset or empty: :data:`DEFAULT_TABLE_THREADS`), at most the
    machine's cores; 1 is the serial loop.

    Raises
    ------
    BurdenshareError
        The variable is set to anything else (one line naming it and what is allowed; the CLI
        checks it before any command does work).
    """
    from burdenshare.errors import BurdenshareError

    text = os.environ.get(ENV, "").strip()
    if not text:
        n = DEFAULT_TABLE_THREADS
    else:
        try:
            n = int(text, 10) if len(text) <= 8 else 0
        except ValueError:
            n = 0
        if not 1 <= n <= MAX_TABLE_THREADS:
            raise BurdenshareError(f"got {text[:40]!r}; allowed: an integer in 1..{MAX_TABLE_THREADS} "
                                   f"(unset: {DEFAULT_TABLE_THREADS})", field=ENV)
    return max(1, min(n, os.cpu_count() or 1))


#: Threads computing a bank's members, where set (tests); ``None``: :func:`table_threads` at each call.
TABLE_THREADS: int | None = None


def map_members(fn: Callable[[T], R], items: Sequence[T], threads: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, computed in up to ``threads`` threads (default :data:`TABLE_THREADS`,
    else :func:`table_threads`).

    The results are in ``items``' order and each is ``fn(x)``, as in the serial loop; the first
    exception a task raises is raised here (the other tasks still finish).

    Examples
    --------
    >>> map_members(lambda x: x * x, [1, 2, 3], threads=2)
    [1, 4, 9]
    """
    if threads is not None:
        n = max(1, int(threads))
    else:
        n = table_threads() if TABLE_THREADS is None else TABLE_THREADS
    if n == 1 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(n, len(items)), thread_name_prefix="bank-member") as ex:
        futs = [ex.submit(contextvars.copy_context().run, fn, x) for x in items]
        return [f.result() for f in futs]
