"""A bank's members' tables in two threads: the exact kernel of one member beside the Python of the next.

A bank member's consent table (:func:`burdenshare.engine.consent._member_table`) is two kinds of
work: Python (validating the member's scenario, its legislature models and opinion states, the
quadrature nodes, the disk cache) and the compiled exact kernel
(:func:`burdenshare.legislature._lane_kernels.margin_tail_lanes_table`, about 40 % of a member on
``sma-2020-hindsight``), which releases the GIL (``nogil=True``).  :func:`map_members` computes the
members in :data:`TABLE_THREADS` threads, so one thread's kernel runs on a second core while
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

__all__ = ["TABLE_THREADS", "map_members"]

T = TypeVar("T")
R = TypeVar("R")

#: Threads computing a bank's members (the environment's ``BURDENSHARE_TABLE_THREADS``, default 2, at
#: most the machine's cores; 1: the serial loop).
TABLE_THREADS: int = max(1, min(int(os.environ.get("BURDENSHARE_TABLE_THREADS", "2") or 2), os.cpu_count() or 1))


def map_members(fn: Callable[[T], R], items: Sequence[T], threads: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, computed in up to ``threads`` threads (default :data:`TABLE_THREADS`).

    The results are in ``items``' order and each is ``fn(x)``, as in the serial loop; the first
    exception a task raises is raised here (the other tasks still finish).

    Examples
    --------
    >>> map_members(lambda x: x * x, [1, 2, 3], threads=2)
    [1, 4, 9]
    """
    n = TABLE_THREADS if threads is None else max(1, int(threads))
    if n == 1 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(n, len(items)), thread_name_prefix="bank-member") as ex:
        futs = [ex.submit(contextvars.copy_context().run, fn, x) for x in items]
        return [f.result() for f in futs]
