"""Compile the Numba kernels into their on-disk cache once, at set-up (``burdenshare warmup``).

Every kernel is ``@njit(cache=True)``: the first call in a fresh install compiles it (a few
seconds) and writes the machine code beside the module (``__pycache__/*.nbi, *.nbc``; or under
``NUMBA_CACHE_DIR``); later processes load it.  :func:`warm` makes those first calls on tiny
real inputs through the same public functions the commands use, so a user's first ``burdenshare
run`` is not the slow one.  It changes no result and writes nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

__all__ = ["warm"]


def _engine() -> None:
    from burdenshare.engine import RunConfig, simulate
    from burdenshare.scenario import load_scenario

    # the two-level kernel and the exact consent kernels of the legislature, on a 3-round game
    sc = load_scenario("sma-2020-hindsight", ["protocol.n_steps=3", "levers.allowed_durations=[1]"])
    simulate(sc, RunConfig(draws=1, seed=0, bank_size=1), keep_rows=False)


def _bargaining() -> None:
    from burdenshare.bargaining import BatchSpec, reference_domain, run_batch

    for name in ("1issue", "3issue"):  # the bisecting and the bucket-indexed kernels
        spec = BatchSpec(exponents=np.ones((1, 2)), reservation_values=np.zeros((1, 2)),
                         first=np.zeros(1, dtype=np.int8), n_steps=np.full(1, 4, dtype=np.int32),
                         kinds=np.zeros((1, 2), dtype=np.int8), breakdown_round=np.full(1, -1, dtype=np.int32))
        run_batch(reference_domain(name), spec)


def _theory() -> None:
    from burdenshare.theory.voting import consent_probability

    consent_probability([3, 2], [0.6, 0.4], p_present=[0.9, 0.8])


#: What :func:`warm` compiles, in order.
STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("engine kernel and legislature consent kernels", _engine),
    ("Level-I batch kernels (bisecting and indexed)", _bargaining),
    ("theory consent kernel", _theory),
)


def warm() -> list[tuple[str, float]]:
    """Compile (or load) every kernel; return ``(what, seconds)`` per step.

    Examples
    --------
    >>> [what for what, _ in warm()][0]
    'engine kernel and legislature consent kernels'
    """
    out = []
    for what, fn in STEPS:
        t0 = time.perf_counter()
        fn()
        out.append((what, time.perf_counter() - t0))
    return out
